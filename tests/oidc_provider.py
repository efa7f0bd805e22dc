"""A real OpenID provider for the sign-in tests: node-oidc-provider (a certified implementation) with its
development login page, which takes any name and password. Installed from the npm registry into tests/.oidc on
first use (a few seconds), started by tests/oidc_provider.mjs."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import wait_until_healthy
from tests.servers import npm_install_once

VERSION = "8.8.1"  # the 8 series supports Node 20, the machine's; 9 asks for Node 22
HOME = Path(__file__).parent / ".oidc"


@contextmanager
def oidc_provider(workdir: Path, port: int, client: dict[str, object]) -> Iterator[str]:
    """Run the provider on 127.0.0.1:`port` with one client (`client`: client_id, client_secret, redirect_uri,
    post_logout_redirect_uri, groups by user name); yield its issuer URL once it answers, stop it by its own pid."""
    npm_install_once(HOME, "oidc-provider", VERSION)
    script = HOME / "provider.mjs"  # beside its node_modules, where Node resolves an ES module's imports
    script.write_bytes((Path(__file__).parent / "oidc_provider.mjs").read_bytes())
    log = (workdir / "oidc.log").open("w")
    command = ["node", str(script), str(port), json.dumps(client)]
    process = subprocess.Popen(command, env=os.environ, stdout=log, stderr=subprocess.STDOUT)
    issuer = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_until_healthy(f"{issuer}/.well-known/openid-configuration", process, 30)
        except RuntimeError as exc:  # or ServerExited
            raise RuntimeError(f"the OpenID provider did not start ({exc}); see {workdir}/oidc.log") from exc
        yield issuer
    finally:
        process.kill()
        process.wait()
        log.close()
