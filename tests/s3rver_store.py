"""s3rver (npm): a deliberately limited store. No lifecycle, no listing of multipart uploads, no versioning, and no
check of SigV4 signatures; it proves that the gateway degrades feature by feature where a store lacks something.
Installed from the npm registry into tests/.s3rver on first use (about 10 s), started by tests/s3rver.js."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.servers import answers_within, npm_install_once

VERSION = "3.7.1"
HOME = Path(__file__).parent / ".s3rver"


@contextmanager
def s3rver(workdir: Path, port: int) -> Iterator[str]:
    """Start s3rver on 127.0.0.1:`port`, keeping its files under `workdir`, and yield its endpoint once it answers;
    stop it by its own pid."""
    npm_install_once(HOME, "s3rver", VERSION)
    # Node 17 and newer refuse the MD5-based hashing its paged listings use, without the legacy provider.
    env = {**os.environ, "NODE_OPTIONS": "--openssl-legacy-provider", "NODE_PATH": str(HOME / "node_modules")}
    script = Path(__file__).parent / "s3rver.js"
    log = (workdir / "s3rver.log").open("w")
    data = workdir / "data"
    data.mkdir()
    command = ["node", str(script), str(data), str(port)]
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        if not answers_within(endpoint, process, 30):
            raise RuntimeError(f"s3rver did not start; see {workdir}/s3rver.log")
        yield endpoint
    finally:
        process.kill()
        process.wait()
        log.close()
