"""The package as `pip install` leaves it: built into a wheel, installed apart from this checkout, it still finds
its templates and static files (they live outside gateway/ in the source tree)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PAGES = """
import sys
from litestar.testing import TestClient
import gateway
from gateway.app import create_app

assert gateway.__file__.startswith(sys.argv[1]), gateway.__file__  # the installed copy, not the checkout
with TestClient(create_app()) as client:
    for path in ("/", "/b/no-such-bucket", sys.argv[2]):
        answer = client.get(path, headers={"Accept": "text/html"})
        print(path, answer.status_code, answer.headers.get("content-type", ""), len(answer.content))
"""


def test_an_installed_wheel_serves_its_pages_and_static_files(moto_endpoint: str, tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", str(REPO), "-w", str(tmp_path / "dist")],
        check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = (tmp_path / "dist").glob("s3_manager-*.whl")
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    (htmx,) = (REPO / "static" / "vendor").glob("htmx-*.min.js")
    env = {**os.environ, "PYTHONPATH": str(target), "S3_ENDPOINT_URL": moto_endpoint, "S3_ADDRESSING_STYLE": "path"}
    shown = subprocess.run(
        [sys.executable, "-c", PAGES, str(target), f"/static/vendor/{htmx.name}"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True,
    ).stdout.splitlines()  # fmt: skip
    answers = {line.split()[0]: line.split()[1:] for line in shown}
    assert answers["/"][:2] == ["200", "text/html;"], shown
    assert answers["/b/no-such-bucket"][:2] == ["404", "text/html;"], shown  # the error page's template
    assert answers[f"/static/vendor/{htmx.name}"][0] == "200", shown
    assert int(answers[f"/static/vendor/{htmx.name}"][-1]) == htmx.stat().st_size
