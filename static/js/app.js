// What htmx does not cover: the row filter, select-all, copy buttons, and uploads that go from the browser straight
// to S3.
// The gateway only signs: it answers POST {prefix, files} with one presigned PUT per file, and never sees the bytes.
"use strict";

(() => {
  const CONCURRENT_UPLOADS = 4;
  const PARALLEL_PARTS = 4;
  const RETRY_DELAYS = [0, 1000, 3000]; // ms before each attempt of a part

  const panel = () => document.getElementById("panel"); // where htmx swaps the folder, details, share, ... views
  // Only a folder's listing takes uploads: the other panels that share its place have no upload address.
  const listing = () => { const here = panel(); return here && here.dataset.uploadUrl ? here : null; };
  const csrfToken = () => document.querySelector('meta[name="csrf-token"]').content;

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

  // --- copy and move: the page asks for one page of keys at a time, so the gateway keeps no state --------
  document.addEventListener("submit", async (event) => {
    const form = event.target.closest("form[data-transfer]");
    if (!form) return;
    event.preventDefault();
    const progress = form.parentElement.querySelector(".transfer-progress");
    const bar = progress.querySelector("progress");
    const state = progress.querySelector(".state");
    progress.hidden = false;
    form.querySelector("button[type=submit]").disabled = true;
    const body = {
      target_bucket: form.elements.target_bucket.value.trim(),
      target: form.elements.target.value,
      move: form.elements.move.checked,
      ...(form.dataset.prefix !== undefined ? { prefix: form.dataset.prefix } : { key: form.dataset.key }),
    };
    let done = 0;
    const failed = [];
    let token = null;
    do {
      let result;
      try {
        result = await api("POST", form.dataset.transfer, { ...body, token });
      } catch (error) {
        // A refusal, a gateway that did not answer, or no network: say so, and let the user start again (what was
        // copied stays; a move carries on with what is left).
        state.textContent = `${done ? `${done} done, then: ` : ""}${error.message}`;
        state.className = "state failed";
        form.querySelector("button[type=submit]").disabled = false;
        return;
      }
      done += result.copied;
      failed.push(...result.failed, ...result.not_deleted);
      token = result.next_token;
      const known = bar.hasAttribute("max"); // a folder counted as "more than N" has a bar without an end
      if (known) bar.value = done;
      state.textContent = `${body.move ? "Moved" : "Copied"} ${done}${known ? ` of ${bar.max}` : ""}`;
    } while (token);
    bar.max = Math.max(done, 1);
    bar.value = done;
    state.className = failed.length ? "state failed" : "state done";
    state.textContent += failed.length
      ? `. ${failed.length} did not: ${failed.map((f) => `${f.key} (${f.reason})`).join("; ")}.`
      : ". Done.";
  });

  // --- keyboard: arrows move between rows, Enter opens (the row's link has focus), Delete asks to delete,
  //     "/" goes to the path box ---------------------------------------------------------------------------
  const typing = (element) => element.closest("input, textarea, select, [contenteditable]") !== null;
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
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
      row.querySelector("a.folder-link, a.download").focus();
      row.scrollIntoView({ block: "nearest" });
    } else if (event.key === "Delete" && current) {
      event.preventDefault();
      const remove = current.querySelector("button.danger, .actions a:last-child");
      if (remove) remove.click(); // an object asks with hx-confirm; a folder opens its confirmation page
    }
  });

  // --- select all visible objects ----------------------------------------------------------------------
  document.addEventListener("change", (event) => {
    if (event.target.id === "select-all") {
      for (const box of document.querySelectorAll("#rows tr:not([hidden]) input[name=key]")) {
        box.checked = event.target.checked;
      }
    } else if (event.target.matches(".upload-input")) {
      const files = [...event.target.files].map((file) => ({ file, path: file.webkitRelativePath || file.name }));
      event.target.value = "";
      uploadAll(files);
    }
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
    uploadAll(await droppedFiles(event.dataTransfer));
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
  async function uploadAll(items) {
    const here = listing();
    if (!items.length || !here) return;
    // The gateway's limits come with the page: how many files and parts it signs at once, how many parts at most.
    const { uploadUrl, folder, refreshUrl, multipartUrl, multipartThreshold, partSize, bucket } = here.dataset;
    const BATCH = Number(here.dataset.filesPerRequest);
    const multipart = {
      base: multipartUrl, threshold: Number(multipartThreshold), partSize: Number(partSize), bucket,
      maxParts: Number(here.dataset.maxParts), partsPerRequest: Number(here.dataset.partsPerRequest),
    };
    const tasks = [];
    for (let start = 0; start < items.length; start += BATCH) {
      const chunk = items.slice(start, start + BATCH);
      const grants = await askForUrls(uploadUrl, folder, chunk);
      if (!grants) return;
      grants.forEach((grant, i) => tasks.push({ ...grant, file: chunk[i].file, multipart }));
    }
    const existing = tasks.filter((task) => task.exists);
    let chosen = tasks;
    if (existing.length) {
      const names = existing.slice(0, 10).map((task) => task.key).join("\n");
      const more = existing.length > 10 ? `\n… and ${existing.length - 10} more` : "";
      if (!confirm(`${existing.length} file(s) already exist and would be replaced:\n${names}${more}\n\nReplace them?`)) {
        chosen = tasks.filter((task) => !task.exists);
        if (!chosen.length) flash("Nothing uploaded: the files that already exist were kept.", "notice");
      }
    }
    const queue = chosen.map(showUpload);
    const workers = Array.from({ length: CONCURRENT_UPLOADS }, async () => {
      while (queue.length) {
        const task = queue.shift();
        await (task.file.size > task.multipart.threshold ? putInParts(task) : put(task));
      }
    });
    await Promise.all(workers);
    if (chosen.length && window.htmx && panel() && panel().dataset.refreshUrl === refreshUrl) {
      htmx.ajax("GET", refreshUrl, { target: "#panel", swap: "outerHTML" });
    }
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

  function showUpload(task) {
    const row = document.createElement("div");
    row.className = "upload";
    row.innerHTML = '<span class="name"></span><progress max="100" value="0"></progress><span class="state">waiting</span><button type="button" class="small">Cancel</button>';
    row.querySelector(".name").textContent = task.key;
    row.querySelector("button").addEventListener("click", () => {
      task.cancelled = true;
      finish(task, "failed", "cancelled");
    });
    task.requests = new Set();
    document.getElementById("uploads").append(row);
    task.row = row;
    return task;
  }

  function put(task) {
    if (task.cancelled) return Promise.resolve();
    return new Promise((resolve) => {
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
      xhr.send(task.file);
    });
  }

  function showProgress(task, sent) {
    if (task.finished) return; // a request still in flight must not overwrite the outcome
    const percent = task.file.size ? Math.min(100, (100 * sent) / task.file.size) : 100;
    task.row.querySelector("progress").value = percent;
    task.row.querySelector(".state").textContent = `${Math.floor(percent)} %`;
  }

  // --- multipart: parts in parallel, each retried (re-signed if its URL expired); resumable after a reload ---
  // The upload id is remembered per bucket, key, size and date of the file. Picking the same file again asks
  // the store which parts it already holds (ListParts) and sends only the others.
  const memoKey = (task) => `s3m-upload:${task.multipart.bucket}:${task.key}:${task.file.size}:${task.file.lastModified}`;

  async function putInParts(task) {
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
          const body = file.slice((n - 1) * partSize, (n - 1) * partSize + sizeOf(n));
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
        finish(task, "failed", `failed: ${error.message}; pick the same file again to resume`);
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

  // A JSON request to the gateway: the answer, or an Error whose message is the gateway's sentence, or the status
  // when the answer was not JSON (a proxy's 502 page), or the network's failure.
  async function api(method, url, body) {
    let response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          Accept: "application/json", "X-CSRFToken": csrfToken(),
          ...(body ? { "Content-Type": "application/json" } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
    } catch {
      throw new Error("the gateway could not be reached (network)");
    }
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(answer.message || `the gateway answered ${response.status} ${response.statusText}`);
    return answer;
  }

  function finish(task, outcome, text) {
    if (task.finished) return;
    task.finished = true;
    if (outcome === "failed") for (const xhr of task.requests) xhr.abort(); // a failed upload sends nothing more
    task.row.classList.add(outcome);
    task.row.querySelector(".state").textContent = text;
    if (outcome === "done") task.row.querySelector("progress").value = 100;
    task.row.querySelector("button")?.remove();
  }

  function storeMessage(xml) {
    const match = /<Message>([^<]*)<\/Message>/.exec(xml || "");
    return match ? match[1] : "";
  }

  function flash(text, level = "notice error") {
    const region = document.getElementById("flash");
    if (!region) return alert(text);
    const notice = document.createElement("p");
    notice.className = level;
    notice.textContent = text;
    region.replaceChildren(notice);
  }
})();
