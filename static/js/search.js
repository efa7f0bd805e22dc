// A search or a size goes on chunk by chunk: each chunk's Continue link follows itself when shown (htmx). Stop
// aborts the chunk under way and leaves a link that only a click follows, so no further store call is made.
document.addEventListener("click", (event) => {
  const stop = event.target.closest("[data-stop-scan]");
  if (!stop) return;
  const more = stop.closest("#scan-more");
  const next = more.querySelector("a[hx-get]");
  window.htmx.trigger(next, "htmx:abort");
  next.setAttribute("hx-trigger", "click");
  window.htmx.process(next);
  stop.remove();
  const progress = document.getElementById("scan-progress");
  progress.textContent = progress.textContent.replace(" so far: scanning…", ": stopped.");
});
