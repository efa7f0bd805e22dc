// One actions menu for every row of a listing: a ⋯ button added to each row here, and the menu built when it is
// pressed, from the row's key (or folder) and the addresses on #panel, so rows carry no per-row forms. Without
// scripts there is no button: a row's link opens the folder, or the object's details, where the same actions are.
// Arrows move, Esc closes, Tab leaves.
import { panel } from "./common.js";

const withQuery = (url, name, value) => `${url}?${new URLSearchParams({ [name]: value })}`;

// [label, address, how]: a "view" swaps #panel and pushes the address; a "file" is a plain download; a "zip" is the
// folder (zip.js writes it in the browser).
function rowActions(row) {
  const urls = panel().dataset;
  const selected = row.querySelector("input[type=checkbox]").value;
  if (row.classList.contains("folder")) {
    const prefix = selected;
    return [
      ["Open", withQuery(urls.browseUrl, "prefix", prefix), "view"],
      ["Download as zip", prefix, "zip"],
      ["Size and count", `${urls.searchUrl}?${new URLSearchParams({ prefix, go: "size" })}`, "view"],
      ["Copy/move…", withQuery(urls.transferUrl, "prefix", prefix), "view"],
      ["Rename…", withQuery(urls.renameUrl, "prefix", prefix), "view"],
      ["Delete…", withQuery(urls.folderDeleteUrl, "prefix", prefix), "view"],
    ];
  }
  const key = selected;
  return [
    ["Download", withQuery(urls.downloadUrl, "key", key), "file"],
    ["Details", withQuery(urls.detailsUrl, "key", key), "view"],
    ["Share…", withQuery(urls.shareUrl, "key", key), "view"],
    ["Copy/move…", withQuery(urls.transferUrl, "key", key), "view"],
    ["Rename…", withQuery(urls.renameUrl, "key", key), "view"],
    ["Delete…", withQuery(urls.deleteUrl, "key", key), "view"],
  ];
}

let menu = null; // the one menu element, and the button that opened it
let opener = null;

function close(refocus) {
  if (!menu || menu.hidden) return;
  menu.hidden = true;
  opener.setAttribute("aria-expanded", "false");
  if (refocus) opener.focus();
}

function open(button) {
  if (!menu) {
    menu = document.createElement("div");
    menu.id = "row-menu";
    menu.setAttribute("role", "menu");
    menu.hidden = true;
    document.body.append(menu);
  }
  close(false);
  opener = button;
  const row = button.closest("tr");
  menu.setAttribute("aria-label", button.getAttribute("aria-label"));
  menu.replaceChildren(...rowActions(row).map(([label, url, how]) => {
    const item = document.createElement("a");
    item.setAttribute("role", "menuitem");
    item.href = how === "zip" ? "#" : url;
    if (how === "zip") item.dataset.zipFolder = url;
    item.textContent = label;
    if (how === "view") { // as the rows' own links: swap #panel, and put the address in the history
      item.setAttribute("hx-get", url);
      item.setAttribute("hx-target", "#panel");
      item.setAttribute("hx-swap", "outerHTML");
      item.setAttribute("hx-push-url", "true");
    }
    if (label === "Delete…") item.className = "danger";
    return item;
  }));
  htmx.process(menu);
  menu.hidden = false;
  const place = button.getBoundingClientRect();
  const left = Math.max(8, Math.min(place.right - menu.offsetWidth, innerWidth - menu.offsetWidth - 8));
  const below = place.bottom + menu.offsetHeight + 8 <= innerHeight;
  menu.style.left = `${left + scrollX}px`;
  menu.style.top = `${(below ? place.bottom + 4 : place.top - menu.offsetHeight - 4) + scrollY}px`;
  button.setAttribute("aria-expanded", "true");
  menu.querySelector("a").focus();
}

// A ⋯ button at the end of each row that has none yet (rows arrive with every page and every "load more").
function addButtons() {
  for (const row of document.querySelectorAll("#rows tr[data-name]:not(:has(.menu-button))")) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "menu-button";
    button.setAttribute("aria-haspopup", "menu");
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-label", `Actions for ${row.querySelector("td:nth-child(2) a").textContent}`);
    button.textContent = "⋯";
    const cell = document.createElement("td");
    cell.append(button);
    row.append(cell);
  }
}
document.addEventListener("DOMContentLoaded", addButtons);
document.addEventListener("htmx:afterSettle", addButtons);

document.addEventListener("click", (event) => {
  const button = event.target.closest("#rows .menu-button");
  if (button) {
    event.preventDefault();
    if (menu && !menu.hidden && opener === button) close(true); else open(button);
    return;
  }
  close(false); // an item was chosen (htmx or the browser takes it from here), or the click was elsewhere
});

// The Delete key on a row asks as the menu's "Delete…" does.
export function askToDelete(row) {
  open(row.querySelector(".menu-button"));
  menu.querySelector("a.danger").click();
}

document.addEventListener("keydown", (event) => {
  if (!menu || menu.hidden || !menu.contains(document.activeElement)) return;
  const items = [...menu.querySelectorAll("a")];
  const at = items.indexOf(document.activeElement);
  if (event.key === "Escape") { event.preventDefault(); close(true); }
  else if (event.key === "Tab") close(false);
  else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    const step = event.key === "ArrowDown" ? 1 : -1;
    items[(at + step + items.length) % items.length].focus();
  } else if (event.key === "Home" || event.key === "End") {
    event.preventDefault();
    items[event.key === "Home" ? 0 : items.length - 1].focus();
  }
});

document.addEventListener("htmx:beforeSwap", () => close(false)); // the rows it belonged to are going
