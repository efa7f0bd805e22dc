// "Download as zip" of a folder or a selection, written in the browser: the gateway lists the keys and signs a GET
// for each (the scan API with urls=true), the store sends each object, and client-zip (vendored) writes the archive
// as the bytes arrive. It goes to a file the user picks where the browser can write one as it goes (the File System
// Access API), and through memory otherwise, up to a limit said before anything is fetched. No object byte passes
// through the gateway, and its servers hold no archive: a zip is as large as the browser's disk allows.
import { makeZip, predictLength } from "../vendor/client-zip-2.5.1/index.js";
import { flash, panel, storeMessage } from "./common.js";
import { finish, humanSize, showProgress, showState, showUpload } from "./upload-panel.js";

const AHEAD = 4; // objects asked for before the writer reaches them, so each small object's wait hides behind another
const TICK = 200; // milliseconds between two progress updates: a gigabyte is 16,000 chunks
const WRITE = 4 * 1024 * 1024; // bytes of the archive written at once

// Where `key` goes in the archive: its path below `base`, with each empty segment ("a//b"), which unzip tools drop,
// written as "_".
const nameIn = (base, key) => key.slice(base.length).split("/").map((part) => part || "_").join("/");

// A key with a "." or ".." segment cannot be fetched by a browser: its URL parser takes them out of the path (even
// percent-encoded) before the request is signed for.
const fetchable = (key) => !key.split("/").some((part) => part === "." || part === "..");

const parentOf = (folder) => folder.slice(0, folder.slice(0, -1).lastIndexOf("/") + 1);
const lastName = (folder) => folder.slice(parentOf(folder).length, -1);

// The lines of an NDJSON answer as they arrive, parsed.
async function* ndjson(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let rest = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const lines = (rest + value).split("\n");
    rest = lines.pop();
    for (const line of lines) if (line) yield JSON.parse(line);
  }
  if (rest) yield JSON.parse(rest);
}

// Every key below `folder` with its signed GET (null where the caller may list but not read it): the scan API,
// asked again from its token when it stopped at the gateway's bounds, until the folder ends.
async function* folderKeys(folder, signal) {
  let token = null;
  do {
    const query = new URLSearchParams({ prefix: folder, urls: "true", ...(token ? { token } : {}) });
    const response = await fetch(`${panel().dataset.scanUrl}?${query}`, { signal });
    if (!response.ok) {
      const answer = await response.json().catch(() => ({}));
      throw new Error(answer.message || `the gateway answered ${response.status} ${response.statusText}`);
    }
    token = null;
    for await (const line of ndjson(response)) {
      if (line.error) throw new Error(line.error);
      if (line.key !== undefined) yield line;
      if (line.end) token = line.end.next_token;
    }
  } while (token);
}

// What goes in the archive: the objects chosen (the gateway's download address answers with a redirect to a GET
// signed for them) and every key below each folder chosen, named below `base`.
async function collect(job, signal, counted) {
  const download = panel().dataset.downloadUrl;
  const entries = [];
  const left = { unreadable: 0, unfetchable: 0 };
  const take = (entry) => {
    if (entry.url === null) left.unreadable += 1;
    else if (!fetchable(entry.key)) left.unfetchable += 1;
    else entries.push(entry);
  };
  for (const { key, size } of job.keys) {
    take({ key, size, url: `${download}?${new URLSearchParams({ key })}`, modified: null });
  }
  for (const folder of job.folders) {
    for await (const line of folderKeys(folder, signal)) {
      take(line);
      counted(entries.length);
    }
  }
  return { entries, left };
}

// What was left out of the archive, and why, in words ("" when nothing was).
function leftOut({ unreadable, unfetchable }) {
  const reasons = [
    unreadable && `${unreadable} you may not read`,
    unfetchable && `${unfetchable} with a "." or ".." in the path, which a browser cannot fetch`,
  ];
  return reasons.filter(Boolean).join(", ");
}

// The archive's members, each fetched from the store a few objects ahead of the writer.
async function* members(entries, base, signal) {
  const asked = [];
  const ask = (entry) => {
    const answer = fetch(entry.url, { signal });
    answer.catch(() => {}); // an object asked for ahead, when the zip is stopped before it: not an error of its own
    asked.push(answer);
  };
  let next = 0;
  for (const entry of entries) {
    while (next < entries.length && asked.length <= AHEAD) ask(entries[next++]);
    let response;
    try {
      response = await asked.shift();
    } catch (error) {
      if (signal.aborted) throw error;
      throw new Error(`${entry.key}: the store could not be reached (the network, or its CORS rules)`);
    }
    if (!response.ok) {
      const reason = storeMessage(await response.text()) || `${response.status} ${response.statusText}`;
      throw new Error(`${entry.key}: the store answered ${reason}`);
    }
    const lastModified = entry.modified ? new Date(entry.modified) : undefined;
    yield { name: nameIn(base, entry.key), size: entry.size, lastModified, input: response.body };
  }
}

// The archive in writes of WRITE bytes or more (each write to a file is a round trip to the browser's own process:
// the store's 64 KiB chunks, one by one, made zipping to disk a third slower), with the progress told to the panel
// every TICK milliseconds.
function writesOf(task) {
  let held = [];
  let heldBytes = 0;
  let written = 0;
  let shown = 0;
  const release = (controller) => {
    const write = new Uint8Array(heldBytes);
    let at = 0;
    for (const chunk of held) { write.set(chunk, at); at += chunk.length; }
    controller.enqueue(write);
    held = [];
    heldBytes = 0;
  };
  return new TransformStream({
    transform(chunk, controller) {
      held.push(chunk);
      heldBytes += chunk.length;
      written += chunk.length;
      if (heldBytes >= WRITE) release(controller);
      if (performance.now() - shown > TICK) { shown = performance.now(); showProgress(task, written); }
    },
    flush(controller) { if (heldBytes) release(controller); },
  });
}

// A file the user picks, written as the archive goes; null when they cancel the picker. Asked first, while the
// click's user activation lasts: the browser refuses the picker after a wait.
async function pickFile(name) {
  try {
    const handle = await window.showSaveFilePicker({
      suggestedName: name, types: [{ description: "Zip archive", accept: { "application/zip": [".zip"] } }],
    });
    return await handle.createWritable();
  } catch (error) {
    if (error.name === "AbortError") return null;
    throw error;
  }
}

// In memory: a Blob, saved by a link once complete.
function memorySink(name) {
  const chunks = [];
  return new WritableStream({
    write(chunk) { chunks.push(chunk); },
    close() {
      const link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob(chunks, { type: "application/zip" }));
      link.download = name;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
    },
  });
}

// job: { name (of the archive), base (the folder its names start below), keys: [{key, size}], folders: [prefix] }
async function downloadZip(job) {
  const direct = typeof window.showSaveFilePicker === "function";
  const file = direct ? await pickFile(job.name) : null;
  if (direct && !file) return;
  const task = showUpload({ key: job.name, file: { size: 0 }, zip: true }, () => downloadZip(job));
  const stop = new AbortController();
  task.requests.add(stop); // the panel's Cancel aborts what it holds
  try {
    showState(task, "listing…");
    const { entries, left } = await collect(job, stop.signal, (n) => showState(task, `listing: ${n} objects`));
    if (!entries.length) throw new Error(`nothing to zip${leftOut(left) ? `: left out ${leftOut(left)}` : ""}`);
    const named = entries.map((entry) => ({ name: nameIn(job.base, entry.key), size: entry.size }));
    task.file.size = Number(predictLength(named));
    const limit = Number(panel().dataset.zipMemoryLimit);
    if (!direct && task.file.size > limit) {
      throw new Error(`${humanSize(task.file.size)} is more than this browser can hold (${humanSize(limit)}): it cannot write a file as it goes. Zip less at a time, or use a browser that can (Chrome, Edge).`);
    }
    showProgress(task, 0);
    const archive = makeZip(members(entries, job.base, stop.signal));
    await archive.pipeThrough(writesOf(task)).pipeTo(file || memorySink(job.name), { signal: stop.signal });
    finish(task, "done", `${entries.length} objects${leftOut(left) ? `; left out ${leftOut(left)}` : ""}`);
  } catch (error) {
    if (file) file.abort().catch(() => {}); // nothing half-written is left under the chosen name
    finish(task, "failed", stop.signal.aborted ? "cancelled" : error.message); // said once: Cancel already did
  }
}

// A zip that could not even begin (the browser refused its save picker): said where the page says things.
const start = (job) => downloadZip(job).catch((error) => flash(`The zip could not be saved: ${error.message}`));

// The ways in: a folder's "Download as zip" (row menu, or "This folder"), and the selection bar's.
document.addEventListener("click", (event) => {
  const folderLink = event.target.closest("[data-zip-folder]");
  const selection = event.target.closest("[data-zip-selection]");
  if (!folderLink && !selection) return;
  event.preventDefault();
  const here = panel().dataset;
  if (folderLink) {
    const folder = folderLink.dataset.zipFolder;
    start({ name: `${lastName(folder) || here.bucket}.zip`, base: parentOf(folder), keys: [], folders: [folder] });
    return;
  }
  const boxes = [...document.querySelectorAll("#rows input[type=checkbox]:checked")];
  const keys = boxes.filter((box) => box.name === "key")
    .map((box) => ({ key: box.value, size: Number(box.closest("tr").dataset.size) }));
  const folders = boxes.filter((box) => box.name === "folder").map((box) => box.value);
  if (!keys.length && !folders.length) { flash("Select the files and folders to zip first."); return; }
  const name = `${lastName(here.folder) || here.bucket}.zip`;
  start({ name, base: here.folder, keys, folders });
});
