// Uppy, unmodified, pointed at the gateway: its AwsS3 plugin calls the Companion-style /s3/ routes.
"use strict";

(() => {
  const target = document.getElementById("uppy");
  const { bucket, prefix, threshold } = target.dataset;
  const uppy = new Uppy.Uppy({ meta: { bucket, prefix } })
    .use(Uppy.Dashboard, { inline: true, target, height: 420, proudlyDisplayPoweredByUppy: false })
    .use(Uppy.AwsS3, {
      endpoint: window.location.origin,
      shouldUseMultipart: (file) => file.size > Number(threshold),
    });
  window.s3mUppy = uppy; // for the browser tests, and for anyone scripting the page
})();
