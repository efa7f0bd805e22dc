// The explorer's behaviour where htmx does not reach: the row filter, copy buttons, text previews, the keyboard and
// select-all. Confirmations (dialogs.js), the row menu (row-menu.js), the rows' count and sort (sort.js), copy and
// move (transfers.js), searches (search.js), uploads straight to S3 (uploads.js) and zips written in the browser
// (zip.js) are modules of their own.
import "./dialogs.js";
import { askToDelete } from "./row-menu.js";
import "./search.js";
import "./sort.js";
import "./transfers.js";
import "./uploads.js";
import "./zip.js";

// --- filter the loaded rows by substring -------------------------------------------------------------
function applyFilter() {
  const box = document.querySelector(".row-filter");
  const needle = box ? box.value.trim().toLowerCase() : "";
  for (const row of document.querySelectorAll("#rows tr[data-name]")) {
    row.hidden = needle !== "" && !row.dataset.name.toLowerCase().includes(needle);
  }
}
document.addEventListener("input", (event) => {
  if (event.target.matches(".row-filter")) applyFilter();
});
document.addEventListener("htmx:afterSettle", applyFilter); // rows loaded later obey the filter too

// --- copy buttons: the value of the field named by data-copy (share links) ---------------------------
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const field = document.querySelector(button.dataset.copy);
  field.select();
  try {
    await navigator.clipboard.writeText(field.value);
    button.textContent = "Copied";
  } catch {
    button.textContent = "Selected: press Ctrl+C"; // no clipboard access (an insecure origin, a refusal)
  }
});

// --- text previews: the first bytes, read from the store and shown as text, never as markup ---------
async function showTextPreviews() {
  for (const pre of document.querySelectorAll("pre[data-preview-text]:not([data-loaded])")) {
    pre.dataset.loaded = "1";
    const limit = Number(pre.dataset.limit);
    try {
      const answer = await fetch(pre.dataset.previewText, { headers: { Range: `bytes=0-${limit - 1}` } });
      if (!answer.ok) throw new Error(`the store answered ${answer.status}`);
      const text = await answer.text();
      pre.textContent = Number(pre.dataset.size) > limit ? `${text}\n… (the first ${limit / 1024} KiB)` : text;
    } catch (error) {
      pre.textContent = `No preview: ${error.message} (network or CORS).`;
    }
  }
}
document.addEventListener("DOMContentLoaded", showTextPreviews);
document.addEventListener("htmx:afterSettle", showTextPreviews);

// --- keyboard: arrows move between rows, Enter opens (the row's link has focus), Delete asks to delete,
//     "/" goes to the path box ---------------------------------------------------------------------------
const typing = (element) => element.closest("input, textarea, select, [contenteditable]") !== null;
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
  if (event.target.closest("#row-menu")) return; // its own keys (row-menu.js)
  const rows = [...document.querySelectorAll("#rows tr[data-name]")].filter((row) => !row.hidden);
  const current = event.target.closest ? event.target.closest("#rows tr[data-name]") : null;
  if (event.key === "/") {
    const box = document.querySelector('#panel input[name="prefix"]');
    if (box) { event.preventDefault(); box.focus(); box.select(); }
  } else if ((event.key === "ArrowDown" || event.key === "ArrowUp") && rows.length) {
    event.preventDefault();
    const step = event.key === "ArrowDown" ? 1 : -1;
    const at = current ? rows.indexOf(current) + step : (step > 0 ? 0 : rows.length - 1);
    const row = rows[Math.max(0, Math.min(rows.length - 1, at))];
    row.querySelector("td:nth-child(2) a").focus();
    row.scrollIntoView({ block: "nearest" });
  } else if (event.key === "Delete" && current) {
    event.preventDefault();
    askToDelete(current); // its confirmation page, as the row menu's "Delete…"
  }
});

// --- drop-down menus (<details>): a click elsewhere or Esc closes them, as a menu does ---------------------
document.addEventListener("click", (event) => {
  for (const open of document.querySelectorAll("details.drop-down[open]")) {
    if (!open.contains(event.target)) open.open = false;
  }
});
document.addEventListener("keydown", (event) => {
  const open = event.key === "Escape" && event.target.closest && event.target.closest("details.drop-down[open]");
  if (open) { open.open = false; open.querySelector("summary").focus(); }
});

// --- the selection: select all visible rows, and say how many are selected (the stylesheet shows the bar) ---
function countSelected() {
  const out = document.getElementById("selected-count");
  if (!out) return;
  const boxes = document.querySelectorAll("#rows input[type=checkbox]:checked");
  const folders = [...boxes].filter((box) => box.name === "folder").length;
  const files = boxes.length - folders;
  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  out.textContent = `${[files && plural(files, "file"), folders && plural(folders, "folder")].filter(Boolean).join(" and ")} selected`;
}
document.addEventListener("change", (event) => {
  if (event.target.id === "select-all") {
    for (const box of document.querySelectorAll("#rows tr:not([hidden]) input[type=checkbox]")) {
      box.checked = event.target.checked;
    }
  }
  if (event.target.closest("#selection")) countSelected();
});
document.addEventListener("reset", (event) => {
  if (event.target.id === "selection") setTimeout(countSelected); // the boxes are cleared after the event
});
