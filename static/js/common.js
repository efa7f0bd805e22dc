// What the explorer's scripts share: where htmx swaps the views, the CSRF token, JSON calls to the gateway and the
// flash message.

export const panel = () => document.getElementById("panel"); // where htmx swaps the folder, details, share, ... views
// Only a folder's listing takes uploads: the other panels that share its place have no upload address.
export const listing = () => { const here = panel(); return here && here.dataset.uploadUrl ? here : null; };
export const csrfToken = () => document.querySelector('meta[name="csrf-token"]').content;

// A JSON request to the gateway: the answer, or an Error whose message is the gateway's sentence, or the status
// when the answer was not JSON (a proxy's 502 page), or the network's failure.
export async function api(method, url, body) {
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

export function flash(text, level = "notice error") {
  const region = document.getElementById("flash");
  if (!region) return alert(text);
  const notice = document.createElement("p");
  notice.className = level;
  notice.textContent = text;
  region.replaceChildren(notice);
}

// The <Message> of an S3 error answer, if any.
export function storeMessage(xml) {
  const match = /<Message>([^<]*)<\/Message>/.exec(xml || "");
  return match ? match[1] : "";
}
