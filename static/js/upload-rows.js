// One row per upload in the upload panel: its progress, its outcome, and a Cancel button while it runs.

export function showUpload(task) {
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

export function showProgress(task, sent) {
  if (task.finished) return; // a request still in flight must not overwrite the outcome
  const percent = task.file.size ? Math.min(100, (100 * sent) / task.file.size) : 100;
  task.row.querySelector("progress").value = percent;
  task.row.querySelector(".state").textContent = `${Math.floor(percent)} %`;
}

export function finish(task, outcome, text) {
  if (task.finished) return;
  task.finished = true;
  if (outcome === "failed") for (const xhr of task.requests) xhr.abort(); // a failed upload sends nothing more
  task.row.classList.add(outcome);
  task.row.querySelector(".state").textContent = text;
  if (outcome === "done") task.row.querySelector("progress").value = 100;
  task.row.querySelector("button")?.remove();
}
