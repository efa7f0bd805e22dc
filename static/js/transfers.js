import { api } from "./common.js";
import { copyAcross } from "./cross-store.js";

// What the form asks for: a copy or move (target bucket, target, move), or a folder's rename (a new name in the
// same folder, moved, and refused when that name is taken).
function request(form) {
  const source = form.dataset.prefix !== undefined ? { prefix: form.dataset.prefix } : { key: form.dataset.key };
  if (form.dataset.renameIn !== undefined) {
    const target = `${form.dataset.renameIn}${form.elements.name.value.trim()}/`;
    return { ...source, target_bucket: form.dataset.bucket, target, move: true, only_new: true };
  }
  const target_bucket = form.elements.target_bucket.value.trim();
  return { ...source, target_bucket, target: form.elements.target.value, move: form.elements.move.checked };
}

// A link to where the copies went: the target folder, or the folder of the target key.
function resultLink(form, body) {
  const link = document.createElement("a");
  const folder = body.prefix !== undefined ? body.target : body.target.slice(0, body.target.lastIndexOf("/") + 1);
  link.href = `${form.dataset.result.replace("BUCKET", encodeURIComponent(body.target_bucket))}?${new URLSearchParams({ prefix: folder })}`;
  link.textContent = `Open ${body.target_bucket}/${folder}`;
  return link;
}

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
  const body = request(form);
  let done = 0;
  const failed = [];
  let token = null;
  const show = () => {
    const known = bar.hasAttribute("max"); // a folder counted as "more than N" has a bar without an end
    if (known) bar.value = done;
    state.textContent = `${body.move ? "Moved" : "Copied"} ${done}${known ? ` of ${bar.max}` : ""}`;
  };
  try {
    if (form.dataset.targetStore) { // into another store: this browser copies (cross-store.js)
      await copyAcross(form, body, (copied, missed) => { done = copied; failed.splice(0, failed.length, ...missed); show(); });
    } else {
      do { // within one store: the store copies, a page per request
        const result = await api("POST", form.dataset.transfer, { ...body, token });
        done += result.copied;
        failed.push(...result.failed, ...result.not_deleted);
        token = result.next_token;
        show();
      } while (token);
    }
  } catch (error) {
    // A refusal, a gateway that did not answer, or no network: say so, and let the user start again (what was
    // copied stays; a move carries on with what is left).
    state.textContent = `${done ? `${done} done, then: ` : ""}${error.message}`;
    state.className = "state failed";
    form.querySelector("button[type=submit]").disabled = false;
    return;
  }
  bar.max = Math.max(done, 1);
  bar.value = done;
  state.className = failed.length ? "state failed" : "state done";
  state.textContent += failed.length
    ? `. ${failed.length} did not: ${failed.map((f) => `${f.key} (${f.reason})`).join("; ")}.`
    : ". Done. ";
  state.append(resultLink(form, body));
});

// --- the folder picker: the folder it shows becomes the target, with the source's own name -----------------
document.addEventListener("htmx:load", (event) => {
  const picker = event.target.closest?.(".folder-picker[data-prefix]");
  const form = picker?.closest("form[data-transfer]");
  if (!form) return;
  form.elements.target.value = picker.dataset.prefix + form.dataset.name;
});
