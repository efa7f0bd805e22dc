// What htmx does not cover: the row filter, select-all, and uploads that go from the browser straight to S3.
// The gateway only signs: it answers POST {prefix, files} with one presigned PUT per file, and never sees the bytes.
"use strict";

(() => {
  const CONCURRENT_UPLOADS = 4;
  const MAX_SINGLE_PUT = 5 * 1024 ** 3; // S3 refuses a single PUT above 5 GiB; larger files need multipart
  const BATCH = 1000; // the gateway signs at most this many files per request

  const explorer = () => document.getElementById("explorer");
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
    if (!explorer() || !dragsFiles(event)) return;
    event.preventDefault();
    explorer().classList.add("dragging");
  });
  document.addEventListener("dragleave", (event) => {
    if (explorer() && !event.relatedTarget) explorer().classList.remove("dragging");
  });
  document.addEventListener("drop", async (event) => {
    if (!explorer() || !event.dataTransfer) return;
    event.preventDefault();
    explorer().classList.remove("dragging");
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
  async function uploadAll(picked) {
    const here = explorer();
    const tooBig = picked.filter(({ file }) => file.size > MAX_SINGLE_PUT);
    if (tooBig.length) flash(`Not uploaded, larger than 5 GiB (S3's limit for one PUT): ${tooBig.map((i) => i.path).join(", ")}`);
    const items = picked.filter(({ file }) => file.size <= MAX_SINGLE_PUT);
    if (!items.length || !here) return;
    const { uploadUrl, folder, refreshUrl } = here.dataset;
    const tasks = [];
    for (let start = 0; start < items.length; start += BATCH) {
      const chunk = items.slice(start, start + BATCH);
      const grants = await askForUrls(uploadUrl, folder, chunk);
      if (!grants) return;
      grants.forEach((grant, i) => tasks.push({ ...grant, file: chunk[i].file }));
    }
    const existing = tasks.filter((task) => task.exists);
    let chosen = tasks;
    if (existing.length) {
      const names = existing.slice(0, 10).map((task) => task.key).join("\n");
      const more = existing.length > 10 ? `\n… and ${existing.length - 10} more` : "";
      if (!confirm(`${existing.length} file(s) already exist and would be replaced:\n${names}${more}\n\nReplace them?`)) {
        chosen = tasks.filter((task) => !task.exists);
      }
    }
    const queue = chosen.map(showUpload);
    const workers = Array.from({ length: CONCURRENT_UPLOADS }, async () => {
      while (queue.length) await put(queue.shift());
    });
    await Promise.all(workers);
    if (chosen.length && window.htmx && explorer() && explorer().dataset.refreshUrl === refreshUrl) {
      htmx.ajax("GET", refreshUrl, { target: "#explorer", swap: "outerHTML" });
    }
  }

  async function askForUrls(uploadUrl, prefix, chunk) {
    const files = chunk.map(({ file, path }) => ({ path, type: file.type }));
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
      if (task.xhr) task.xhr.abort();
      finish(task, "failed", "cancelled");
    });
    document.getElementById("uploads").append(row);
    task.row = row;
    return task;
  }

  function put(task) {
    if (task.cancelled) return Promise.resolve();
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      task.xhr = xhr;
      xhr.open("PUT", task.url);
      for (const [name, value] of Object.entries(task.headers)) xhr.setRequestHeader(name, value);
      xhr.upload.addEventListener("progress", (event) => {
        if (!event.lengthComputable) return;
        task.row.querySelector("progress").value = (100 * event.loaded) / event.total;
        task.row.querySelector(".state").textContent = `${Math.floor((100 * event.loaded) / event.total)} %`;
      });
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

  function finish(task, outcome, text) {
    task.row.classList.add(outcome);
    task.row.querySelector(".state").textContent = text;
    if (outcome === "done") task.row.querySelector("progress").value = 100;
    task.row.querySelector("button").remove();
  }

  function storeMessage(xml) {
    const match = /<Message>([^<]*)<\/Message>/.exec(xml || "");
    return match ? match[1] : "";
  }

  function flash(text) {
    const region = document.getElementById("flash");
    if (!region) return alert(text);
    const notice = document.createElement("p");
    notice.className = "notice error";
    notice.textContent = text;
    region.replaceChildren(notice);
  }
})();
