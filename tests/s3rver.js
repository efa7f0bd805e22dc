// s3rver with the tests' own key pair (its only built-in one is S3RVER/S3RVER): node s3rver.js DIR PORT
// The access key and secret come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, as every store's do.
"use strict";
const S3rver = require("s3rver");
const AWSAccount = require("s3rver/lib/models/account");

AWSAccount.DUMMY_ACCOUNT.createKeyPair(process.env.AWS_ACCESS_KEY_ID, process.env.AWS_SECRET_ACCESS_KEY);
const [directory, port] = process.argv.slice(2);
new S3rver({ address: "127.0.0.1", port: Number(port), directory, vhostBuckets: false, silent: true })
  .run()
  .then(() => console.log(`s3rver listening on 127.0.0.1:${port}`));
