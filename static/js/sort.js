// The loaded rows, counted and sorted in the browser: by name, size or modified, at once; folders stay first, rows
// loaded later take their place, and the count says when the sort covers only what is loaded (the store lists by
// name only), with a link to the search page's sort of every file in the folder. The headers become buttons here,
// so a page without scripts shows no control that does nothing.
import { panel } from "./common.js";

const COLUMNS = { 1: "name", 2: "size", 3: "modified" }; // header cell index -> what it sorts by
let current = null; // { by, descending, folder }: the folder (its address) the sort was chosen in

const value = {
  name: (row) => row.dataset.name.toLowerCase(),
  size: (row) => Number(row.dataset.size || -1),
  modified: (row) => row.querySelector("td:nth-child(4)").textContent,
};

function compare(a, b) {
  const folders = Number(b.classList.contains("folder")) - Number(a.classList.contains("folder"));
  if (folders) return folders;
  const [x, y] = [value[current.by](a), value[current.by](b)];
  const order = x < y ? -1 : x > y ? 1 : 0;
  return current.descending ? -order : order;
}

const here = () => panel()?.dataset.refreshUrl;

function sortRows() {
  const body = document.getElementById("rows");
  if (current && current.folder !== here()) current = null; // another folder: the store's order again
  if (!current || !body) return;
  const rows = [...body.querySelectorAll("tr[data-name]")].sort(compare);
  body.prepend(...rows); // the "load more" or "end of folder" row stays last
  for (const th of document.querySelectorAll("table.objects th[aria-sort]")) {
    const by = th.querySelector("button").dataset.sort;
    th.setAttribute("aria-sort", by === current.by ? (current.descending ? "descending" : "ascending") : "none");
  }
}

// What the rows are sorted by, and over how many when more pages exist.
function sortNote() {
  if (!current || current.folder !== here()) return "";
  const loaded = document.querySelectorAll("#rows tr[data-name]").length;
  const partial = document.getElementById("more-rows") ? ` over the ${loaded} loaded` : "";
  return ` · sorted by ${current.by}${current.descending ? ", descending" : ""}${partial}`;
}

function addButtons() {
  for (const [index, by] of Object.entries(COLUMNS)) {
    const th = document.querySelector(`table.objects thead th:nth-child(${Number(index) + 1})`);
    if (!th || th.querySelector("button")) continue;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.dataset.sort = by;
    button.textContent = th.textContent;
    th.replaceChildren(button);
    th.setAttribute("aria-sort", "none");
  }
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("table.objects button.sort");
  if (!button) return;
  const by = button.dataset.sort;
  const again = current && current.by === by && current.folder === here();
  current = { by, descending: again ? !current.descending : by !== "name", folder: here() };
  sortRows();
  countRows();
});

// Where every file of the folder is sorted in the current order (a scan of the whole folder), shown while the
// sort covers only the loaded rows.
function sortAllLink() {
  const link = document.getElementById("sort-all");
  const partial = current && current.folder === here() && document.getElementById("more-rows");
  link.hidden = !partial;
  if (!partial) return;
  const sort = `${current.descending ? "-" : ""}${current.by}`;
  const query = { prefix: panel().dataset.folder, within: "folder", go: "search", sort };
  link.href = `${panel().dataset.searchUrl}?${new URLSearchParams(query)}`;
  link.setAttribute("hx-get", link.href);
  htmx.process(link);
}

// How many rows are loaded, whether that is the whole folder, and how they are sorted.
function countRows() {
  const out = document.getElementById("item-count");
  if (!out) return;
  sortAllLink();
  const folders = document.querySelectorAll("#rows tr.folder").length;
  const files = document.querySelectorAll("#rows tr.object").length;
  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const more = document.getElementById("more-rows") ? " loaded, more to come" : "";
  out.textContent = folders + files ? `${plural(folders, "folder")}, ${plural(files, "file")}${more}${sortNote()}` : "";
}

document.addEventListener("DOMContentLoaded", () => {
  addButtons();
  countRows();
});
document.addEventListener("htmx:afterSettle", () => {
  addButtons();
  sortRows(); // rows loaded later take their place
  countRows();
});
