// Copies into another store, made by this browser: the gateway lists the sources a page at a time with a GET
// presigned for each (transfer_sources), and the target store's own upload routes sign the writes, a PUT or parts
// (uploads.js, multipart.js). The bytes go from one store to the other through this page, never through the
// gateway. A move then asks the gateway to compare each copy with its source before it deletes the source.
import { api } from "./common.js";
import { uploadAll } from "./uploads.js";

// An object of the source store as the upload code reads a file: its size and type, an id for resuming (from its
// ETag), and its bytes fetched when they are sent, whole or a part at a time (a Range of the same GET).
function remoteFile(object) {
  const fetched = async (headers) => {
    let response;
    try {
      response = await fetch(object.url, { headers });
    } catch {
      throw new Error("the source store could not be reached (network or CORS)");
    }
    if (!response.ok) throw new Error(`the source store answered ${response.status}`);
    return response.blob();
  };
  return {
    size: object.size,
    type: object.type,
    lastModified: parseInt(object.etag.replace(/[^0-9a-f]/g, "").slice(0, 12) || "0", 16),
    whole: () => fetched({}),
    slice: (start, end) => fetched({ Range: `bytes=${start}-${end - 1}` }),
  };
}

// The target folder's upload addresses and limits, as uploads.js reads them from a listing.
function targetFolder(form, bucket, folder) {
  const at = (url) => url.replace("BUCKET", encodeURIComponent(bucket));
  return {
    dataset: {
      ...form.dataset, bucket, folder, uploadUrl: at(form.dataset.uploadUrl), multipartUrl: at(form.dataset.multipartUrl),
    },
  };
}

// Copy (or move) `body` ({ key | prefix, target_bucket, target, move }) into the form's target store, telling
// `report(done, failed)` after each page. Failures are collected, not thrown: what arrived stays.
export async function copyAcross(form, body, report) {
  const single = body.key !== undefined;
  const slash = body.target.lastIndexOf("/") + 1;
  const folder = single ? body.target.slice(0, slash) : body.target;
  const target = targetFolder(form, body.target_bucket, folder);
  const pathOf = (key) => (single ? body.target.slice(slash) : key.slice(body.prefix.length));
  let token = null;
  let done = 0;
  const failed = [];
  do {
    const page = await api("POST", form.dataset.sources, { key: body.key, prefix: body.prefix, move: body.move, token });
    const items = page.objects.map((object) => ({ file: remoteFile(object), path: pathOf(object.key), source: object.key }));
    const tasks = await uploadAll(items, target);
    for (const task of tasks) {
      const key = task.item.source;
      if (task.finished !== "done") {
        failed.push({ key, reason: task.row.querySelector(".state").textContent });
        continue;
      }
      if (body.move) {
        const copied = { key, target_store: form.dataset.targetStore, target_bucket: body.target_bucket, target_key: task.key };
        try {
          await api("POST", form.dataset.verified, copied);
        } catch (error) {
          failed.push({ key, reason: error.message });
          continue;
        }
      }
      done += 1;
    }
    const skipped = items.length - tasks.length; // already in the target, and the user chose to keep those
    if (skipped) failed.push({ key: `${skipped} object(s)`, reason: "kept: they already existed in the target" });
    token = page.next_token;
    report(done, failed);
  } while (token);
}
