import { api } from "./common.js";

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
