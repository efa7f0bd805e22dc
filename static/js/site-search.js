// Search on an exported site, with no server: the box on each page loads the export's index (_s3m/search.ndjson: a
// JSON line per run of files in one folder, [folder below the exported root, its page, name, name, ...]) the first
// time it is used, and lists the keys that contain what was typed (any case), each linked to its folder's page, or
// to the file itself when the export links files to a base URL. Without scripts the box stays hidden.
const form = document.querySelector("form.site-search");
const box = form.querySelector("input");
const list = form.querySelector("ol");
const up = form.dataset.up; // from this page to the export's root
const SHOWN = 100;
let index = null; // { root, base, files: [[key, folder page]] }, once loaded

async function load() {
  const text = await (await fetch(`${up}_s3m/search.ndjson`)).text();
  const [head, ...runs] = text.split("\n").filter(Boolean).map((line) => JSON.parse(line));
  const files = runs.flatMap(([folder, page, ...names]) => names.map((name) => [folder + name, page]));
  return { root: head.root, base: head.base, files };
}

const encodedKey = (key) => key.split("/").map(encodeURIComponent).join("/");

function show(needle) {
  const found = needle ? index.files.filter(([key]) => key.toLowerCase().includes(needle)) : [];
  list.replaceChildren(...found.slice(0, SHOWN).map(([key, page]) => {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.textContent = key;
    link.href = index.base ? index.base + encodedKey(index.root + key) : `${up}${page}index.html`;
    item.append(link);
    return item;
  }));
  form.querySelector("output").textContent = needle
    ? `${found.length} found${found.length > SHOWN ? `, the first ${SHOWN} shown` : ""}` : "";
}

form.hidden = false;
form.addEventListener("submit", (event) => event.preventDefault());
box.addEventListener("input", async () => {
  index = index || await load();
  show(box.value.trim().toLowerCase());
});
