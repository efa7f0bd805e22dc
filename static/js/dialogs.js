// Confirmations in a <dialog> rather than the browser's confirm(): the question states the consequence, the focus
// starts on Cancel (the safe choice), Esc cancels, and the page behind stays inert while it is open. htmx's
// hx-confirm questions come here too; a form may name its button with data-confirm-label.

let dialog = null;

function build() {
  dialog = document.createElement("dialog");
  dialog.id = "confirm";
  dialog.setAttribute("aria-labelledby", "confirm-question");
  const question = document.createElement("p");
  question.id = "confirm-question";
  const details = document.createElement("pre");
  details.className = "confirm-details";
  const form = document.createElement("form");
  form.method = "dialog";
  const cancel = document.createElement("button");
  cancel.value = "cancel";
  cancel.textContent = "Cancel";
  const go = document.createElement("button");
  go.value = "ok";
  go.className = "danger";
  form.append(cancel, go);
  dialog.append(question, details, form);
  document.body.append(dialog);
}

// Ask `question` (with an optional list beneath it); resolves true when `action` (the confirming button) is chosen.
export function ask(question, action = "Delete", details = "") {
  if (!dialog) build();
  dialog.querySelector("#confirm-question").textContent = question;
  const list = dialog.querySelector(".confirm-details");
  list.textContent = details;
  list.hidden = !details;
  dialog.querySelector("button[value=ok]").textContent = action;
  dialog.returnValue = "cancel";
  dialog.showModal();
  dialog.querySelector("button[value=cancel]").focus();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
  });
}

document.addEventListener("htmx:confirm", (event) => {
  if (!event.detail.question) return; // htmx asks for every request; only hx-confirm ones carry a question
  event.preventDefault();
  const element = event.detail.elt;
  ask(event.detail.question, element.dataset.confirmLabel || "Delete").then((yes) => {
    if (yes) event.detail.issueRequest(true);
  });
});
