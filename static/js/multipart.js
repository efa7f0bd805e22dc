import { api, panel, storeMessage } from "./common.js";
import { finish, showProgress } from "./upload-panel.js";

const PARALLEL_PARTS = 4;
const RETRY_DELAYS = [0, 1000, 3000]; // ms before each attempt of a part

// --- multipart: parts in parallel, each retried (re-signed if its URL expired); resumable after a reload ---
// The upload id is remembered per bucket, key, size and date of the file. Picking the same file again asks
// the store which parts it already holds (ListParts) and sends only the others.
const memoKey = (task) => `s3m-upload:${task.multipart.bucket}:${task.key}:${task.file.size}:${task.file.lastModified}`;

export async function putInParts(task) {
  if (task.cancelled) return;
  const { base, partSize: preferred, maxParts, partsPerRequest } = task.multipart;
  const file = task.file;
  const partSize = Math.max(preferred, Math.ceil(file.size / maxParts));
  const count = Math.ceil(file.size / partSize);
  const sizeOf = (n) => Math.min(partSize, file.size - (n - 1) * partSize);
  const key = encodeURIComponent(task.key);
  let partsUrl = null;
  try {
    let uploadId = localStorage.getItem(memoKey(task));
    const etags = new Map();
    if (uploadId) {
      const stale = `${base}/${encodeURIComponent(uploadId)}?key=${key}`;
      const listed = await api("GET", `${base}/${encodeURIComponent(uploadId)}/parts?key=${key}`).catch(() => null);
      if (listed && listed.parts.every((p) => p.size === sizeOf(p.part_number))) {
        for (const p of listed.parts) etags.set(p.part_number, p.etag);
      } else {
        // Completed or aborted meanwhile (no parts to list), or holding a part this file cannot have made:
        // none of its parts can be trusted, so give it up and start afresh.
        if (listed) await api("DELETE", stale).catch(() => {});
        localStorage.removeItem(memoKey(task));
        uploadId = null;
      }
    }
    if (!uploadId) {
      uploadId = (await api("POST", base, { key: task.key, content_type: file.type || "application/octet-stream" })).upload_id;
      localStorage.setItem(memoKey(task), uploadId);
    }
    partsUrl = `${base}/${encodeURIComponent(uploadId)}`;
    const sent = new Map([...etags.keys()].map((n) => [n, sizeOf(n)]));
    const progress = () => showProgress(task, [...sent.values()].reduce((a, b) => a + b, 0));
    progress();
    const todo = Array.from({ length: count }, (_, i) => i + 1).filter((n) => !etags.has(n));
    const signing = `${partsUrl}/urls?key=${key}&size=${file.size}&part_size=${partSize}&parts=`;
    const sign = async (numbers) => (await api("GET", signing + numbers.join(","))).urls; // each part's length signed
    const urls = {};
    for (let i = 0; i < todo.length; i += partsPerRequest) Object.assign(urls, await sign(todo.slice(i, i + partsPerRequest)));
    const queue = [...todo];
    await Promise.all(Array.from({ length: PARALLEL_PARTS }, async () => {
      while (queue.length && !task.cancelled && !task.finished) {
        const n = queue.shift();
        const body = await file.slice((n - 1) * partSize, (n - 1) * partSize + sizeOf(n)); // fetched, for another store's object
        etags.set(n, await sendPart(task, urls, n, body, sign, (loaded) => { sent.set(n, loaded); progress(); }));
      }
    }));
    if (task.cancelled) throw new Error("cancelled");
    const parts = [...etags].sort((a, b) => a[0] - b[0]).map(([part_number, etag]) => ({ part_number, etag }));
    await api("POST", `${partsUrl}/complete?key=${key}`, { parts });
    localStorage.removeItem(memoKey(task));
    finish(task, "done", "done");
  } catch (error) {
    if (!task.cancelled) {
      const again = file.whole ? "start the copy again" : "pick the same file again";
      finish(task, "failed", `failed: ${error.message}; ${again} to resume`);
    } else if (partsUrl) {
      await api("DELETE", `${partsUrl}?key=${key}`).catch(() => {}); // free the parts already stored
      localStorage.removeItem(memoKey(task));
    }
  }
}

// Uploads of this bucket that a reload or a network cut interrupted, with a way to give them up.
function showResumable() {
  const here = panel();
  const list = document.getElementById("resumable");
  if (!here || !list) return;
  const prefix = `s3m-upload:${here.dataset.bucket}:`;
  const found = Object.keys(localStorage).filter((name) => name.startsWith(prefix));
  list.replaceChildren(...found.map((name) => {
    const key = name.slice(prefix.length).replace(/:\d+:\d+$/, "");
    const item = document.createElement("p");
    item.className = "notice";
    item.textContent = `Unfinished upload of ${key}: pick the same file again in its folder to resume. `;
    const forget = document.createElement("button");
    forget.type = "button";
    forget.className = "small";
    forget.textContent = "Abort it";
    forget.addEventListener("click", async () => {
      const url = `${here.dataset.multipartUrl}/${encodeURIComponent(localStorage.getItem(name))}?key=${encodeURIComponent(key)}`;
      await api("DELETE", url).catch(() => {});
      localStorage.removeItem(name);
      item.remove();
    });
    item.append(forget);
    return item;
  }));
}
document.addEventListener("DOMContentLoaded", showResumable);
document.addEventListener("htmx:afterSettle", showResumable);

async function sendPart(task, urls, n, body, sign, onProgress) {
  let lastError = "";
  for (const delay of RETRY_DELAYS) {
    await new Promise((resolve) => setTimeout(resolve, delay));
    if (task.cancelled || task.finished) throw new Error("stopped"); // cancelled, or another part failed the upload
    const outcome = await new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      task.requests.add(xhr);
      xhr.open("PUT", urls[n]);
      xhr.upload.addEventListener("progress", (event) => onProgress(event.loaded));
      xhr.addEventListener("loadend", () => { task.requests.delete(xhr); resolve(xhr); });
      xhr.send(body);
    });
    if (outcome.status >= 200 && outcome.status < 300) {
      const etag = outcome.getResponseHeader("ETag");
      if (!etag) throw new Error("the store's ETag header is not readable: its CORS rule must expose ETag");
      return etag;
    }
    onProgress(0);
    lastError = outcome.status ? `part ${n}: ${outcome.status} ${storeMessage(outcome.responseText)}` : `part ${n}: network error`;
    if (outcome.status === 403) Object.assign(urls, await sign([n])); // expired: sign again
  }
  throw new Error(lastError);
}
