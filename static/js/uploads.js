// Uploads go from the browser straight to S3. The gateway only signs: it answers POST {prefix, files} with one
// presigned PUT per file (or a multipart upload for a large one, multipart.js), and never sees the bytes.
import { csrfToken, flash, listing, panel, storeMessage } from "./common.js";
import { ask } from "./dialogs.js";
import { putInParts } from "./multipart.js";
import { finish, showProgress, showUpload } from "./upload-panel.js";

const CONCURRENT_UPLOADS = 4;

// --- files picked with the Upload buttons ----------------------------------------------------------------
document.addEventListener("change", (event) => {
  if (!event.target.matches(".upload-input")) return;
  const files = [...event.target.files].map((file) => ({ file, path: file.webkitRelativePath || file.name }));
  event.target.value = "";
  uploadAll(files, listing());
});

// --- drag and drop of files and whole folders --------------------------------------------------------
const dragsFiles = (event) => event.dataTransfer && [...event.dataTransfer.types].includes("Files");
document.addEventListener("dragover", (event) => {
  if (!dragsFiles(event)) return;
  event.preventDefault(); // elsewhere too: a file dropped on the page must not replace it
  if (listing()) listing().classList.add("dragging");
});
document.addEventListener("dragleave", (event) => {
  if (listing() && !event.relatedTarget) listing().classList.remove("dragging");
});
document.addEventListener("drop", async (event) => {
  if (!event.dataTransfer || !dragsFiles(event)) return;
  event.preventDefault();
  if (!listing()) {
    flash("Files can be dropped on a folder's listing only: open the folder to upload into, then drop them there.");
    return;
  }
  listing().classList.remove("dragging");
  uploadAll(await droppedFiles(event.dataTransfer), listing());
});

async function droppedFiles(transfer) {
  // Entries must be taken synchronously, before the first await, or the browser empties the transfer.
  const entries = [...transfer.items].map((item) => item.webkitGetAsEntry && item.webkitGetAsEntry());
  if (!entries.length || entries.some((entry) => !entry)) {
    return [...transfer.files].map((file) => ({ file, path: file.name }));
  }
  const found = [];
  for (const entry of entries) await walk(entry, found);
  return found;
}

async function walk(entry, found) {
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    found.push({ file, path: entry.fullPath.replace(/^\//, "") });
    return;
  }
  const reader = entry.createReader();
  for (;;) {
    const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) return; // readEntries answers in chunks until it returns none
    for (const child of batch) await walk(child, found);
  }
}

// --- uploads -----------------------------------------------------------------------------------------
// Upload `items` ({ file, path }) into the folder whose listing is `here` (its addresses and limits are read now,
// so a retry goes to the same folder after the user has moved on): the tasks that ran, each `finished` "done" or
// "failed". A copy into another store (cross-store.js) passes objects of the source store as its files.
export async function uploadAll(items, here) {
  if (!items.length || !here) return [];
  const target = { ...here.dataset };
  // The gateway's limits come with the page: how many files and parts it signs at once, how many parts at most.
  const { uploadUrl, folder, refreshUrl, multipartUrl, multipartThreshold, partSize, bucket } = target;
  const BATCH = Number(target.filesPerRequest);
  const multipart = {
    base: multipartUrl, threshold: Number(multipartThreshold), partSize: Number(partSize), bucket,
    maxParts: Number(target.maxParts), partsPerRequest: Number(target.partsPerRequest),
  };
  const tasks = [];
  for (let start = 0; start < items.length; start += BATCH) {
    const chunk = items.slice(start, start + BATCH);
    const grants = await askForUrls(uploadUrl, folder, chunk);
    if (!grants) return [];
    grants.forEach((grant, i) => tasks.push({ ...grant, file: chunk[i].file, item: chunk[i], multipart }));
  }
  const existing = tasks.filter((task) => task.exists);
  let chosen = tasks;
  if (existing.length) {
    const names = existing.slice(0, 10).map((task) => task.key).join("\n");
    const more = existing.length > 10 ? `\n… and ${existing.length - 10} more` : "";
    const question = `${existing.length} file(s) already exist and would be replaced. Replace them?`;
    if (!(await ask(question, "Replace them", `${names}${more}`))) {
      chosen = tasks.filter((task) => !task.exists);
      if (!chosen.length) flash("Nothing uploaded: the files that already exist were kept.", "notice");
    }
  }
  const queue = chosen.map((task) => showUpload(task, () => uploadAll([task.item], { dataset: target })));
  const workers = Array.from({ length: CONCURRENT_UPLOADS }, async () => {
    while (queue.length) {
      const task = queue.shift();
      await (task.file.size > task.multipart.threshold ? putInParts(task) : put(task));
    }
  });
  await Promise.all(workers);
  const uploaded = new Set(chosen.filter((task) => task.finished === "done").map((task) => task.key));
  if (uploaded.size && refreshUrl && window.htmx && panel()?.dataset.refreshUrl === refreshUrl) {
    await htmx.ajax("GET", refreshUrl, { target: "#panel", swap: "outerHTML" });
    for (const box of document.querySelectorAll("#rows tr.object input[name=key]")) {
      if (uploaded.has(box.value)) box.closest("tr").classList.add("fresh"); // the new rows, highlighted
    }
  }
  return chosen;
}

async function askForUrls(uploadUrl, prefix, chunk) {
  const files = chunk.map(({ file, path }) => ({ path, type: file.type, size: file.size }));
  try {
    const response = await fetch(uploadUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ prefix, files }),
    });
    const body = await response.json();
    if (!response.ok) throw new Error(body.message || response.statusText);
    return body.uploads;
  } catch (error) {
    flash(`Upload refused: ${error.message}`);
    return null;
  }
}

async function put(task) {
  if (task.cancelled) return;
  let body = task.file;
  if (task.file.whole) { // an object of another store: its bytes first
    try {
      body = await task.file.whole();
    } catch (error) {
      finish(task, "failed", `failed: ${error.message}`);
      return;
    }
  }
  await new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    task.requests.add(xhr);
    xhr.open("PUT", task.url);
    for (const [name, value] of Object.entries(task.headers)) xhr.setRequestHeader(name, value);
    xhr.upload.addEventListener("progress", (event) => showProgress(task, event.loaded));
    xhr.addEventListener("load", () => {
      if (xhr.status >= 200 && xhr.status < 300) finish(task, "done", "done");
      else finish(task, "failed", `failed: ${xhr.status} ${storeMessage(xhr.responseText)}`);
      resolve();
    });
    xhr.addEventListener("error", () => { finish(task, "failed", "failed: the store could not be reached (network or CORS)"); resolve(); });
    xhr.addEventListener("abort", () => resolve());
    task.row.querySelector(".state").textContent = "0 %";
    xhr.send(body);
  });
}
