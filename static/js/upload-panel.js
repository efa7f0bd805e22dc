// The transfer panel (fixed in a corner): one line per upload, or per zip being written (zip.js), with its progress,
// speed and outcome, Cancel while it runs and Retry when it failed, a summary line (announced politely to screen readers), "Clear finished", and a
// button that folds the list away.

const tasks = new Set(); // the uploads the panel shows
const $ = (id) => document.getElementById(id);
// Sizes in the listing's units (gateway/templating.py: human_size), so a file reads the same in both.
export function humanSize(bytes) {
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  let value = bytes / 1024;
  for (const unit of ["KiB", "MiB", "GiB"]) {
    if (value < 1024) return `${value.toFixed(1)} ${unit}`;
    value /= 1024;
  }
  return `${value.toFixed(1)} TiB`;
}

// A line for `task` ({ key, file }); `retry` starts the same upload again.
export function showUpload(task, retry) {
  const row = document.createElement("div");
  row.className = "upload";
  row.innerHTML = '<span class="name"></span><progress max="100" value="0"></progress><span class="state">waiting</span><span class="speed"></span><button type="button" class="small">Cancel</button>';
  row.querySelector(".name").textContent = task.key;
  row.querySelector(".name").title = task.key;
  row.querySelector("button").addEventListener("click", () => {
    if (task.finished) { forget(task); retry(); return; }
    task.cancelled = true;
    finish(task, "failed", "cancelled");
  });
  Object.assign(task, { requests: new Set(), row, sent: 0, started: performance.now() });
  tasks.add(task);
  $("upload-list").append(row);
  $("uploads").hidden = false;
  summarise();
  return task;
}

export function showProgress(task, sent) {
  if (task.finished) return; // a request still in flight must not overwrite the outcome
  task.sent = sent;
  const percent = task.file.size ? Math.min(100, (100 * sent) / task.file.size) : 100;
  task.row.querySelector("progress").value = percent;
  task.row.querySelector(".state").textContent = `${Math.floor(percent)} %`;
  const seconds = (performance.now() - task.started) / 1000;
  if (seconds > 0.5) task.row.querySelector(".speed").textContent = `${humanSize(sent / seconds)}/s`;
  summarise(false);
}

// A line's state in words, before there is progress to show (a zip being listed).
export function showState(task, text) {
  if (!task.finished) task.row.querySelector(".state").textContent = text;
}

export function finish(task, outcome, text) {
  if (task.finished) return;
  task.finished = outcome;
  if (outcome === "failed") for (const xhr of task.requests) xhr.abort(); // a failed upload sends nothing more
  task.row.classList.add(outcome);
  task.row.querySelector(".state").textContent = text;
  task.row.querySelector(".speed").textContent = "";
  const button = task.row.querySelector("button");
  if (outcome === "done") {
    task.sent = task.file.size;
    task.row.querySelector("progress").value = 100;
    button.remove();
  } else {
    button.textContent = "Retry";
  }
  summarise();
}

function forget(task) {
  tasks.delete(task);
  task.row.remove();
  summarise();
}

// "Uploading 3 of 5 · 42.0 MB of 120.0 MB", or what came of them all; `announce` also tells screen readers (at
// starts and ends, not at every progress tick).
function summarise(announce = true) {
  const all = [...tasks];
  if (!all.length) { $("uploads").hidden = true; return; }
  const total = all.reduce((sum, task) => sum + task.file.size, 0);
  const sent = all.reduce((sum, task) => sum + task.sent, 0);
  const done = all.filter((task) => task.finished === "done").length;
  const failed = all.filter((task) => task.finished === "failed").length;
  const running = all.length - done - failed;
  $("upload-total").value = total ? (100 * sent) / total : 100;
  const [doing, did] = all.every((task) => task.zip) ? ["Zipping", "saved"] : ["Uploading", "uploaded"];
  const text = running
    ? `${doing} ${done + failed + 1} of ${all.length} · ${humanSize(sent)} of ${humanSize(total)}`
    : `${done} ${did}${failed ? `, ${failed} failed` : ""} · ${humanSize(total)}`;
  $("upload-close").hidden = running > 0;
  $("upload-summary").textContent = text;
  if (announce) $("upload-announce").textContent = text;
}

document.addEventListener("click", (event) => {
  const id = event.target.id;
  if (id === "upload-clear" || id === "upload-close") {
    for (const task of tasks) if (task.finished && (id === "upload-close" || task.finished === "done")) forget(task);
  } else if (id === "upload-collapse") {
    const open = event.target.getAttribute("aria-expanded") === "true";
    event.target.setAttribute("aria-expanded", String(!open));
    event.target.textContent = open ? "Show" : "Hide";
    $("upload-list").hidden = open;
  }
});
