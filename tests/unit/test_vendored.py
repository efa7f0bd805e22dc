"""Every vendored browser library is the file its table in static/vendor/README.md names, with that checksum and its
licence beside it: a hand-edited or half-updated copy fails here, not in a user's browser."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

VENDOR = Path(__file__).parents[2] / "static" / "vendor"
ROW = re.compile(r"^\| `(?P<file>[^`]+)` \|.*\| (?P<licence>[^|]+) \| `(?P<sha256>[0-9a-f]{64})` \|$", re.MULTILINE)


def test_each_vendored_file_has_the_checksum_and_licence_its_table_gives() -> None:
    rows = list(ROW.finditer((VENDOR / "README.md").read_text()))
    assert {row["file"] for row in rows} >= {"htmx-2.0.11.min.js", "client-zip-2.5.1/index.js"}
    for row in rows:
        assert hashlib.sha256((VENDOR / row["file"]).read_bytes()).hexdigest() == row["sha256"], row["file"]
        licence = re.search(r"`([^`]+)`", row["licence"])
        assert licence is None or (VENDOR / licence[1]).is_file(), row["licence"]
    scripts = {path.relative_to(VENDOR).as_posix() for path in VENDOR.rglob("*.js")}
    assert scripts == {row["file"] for row in rows if row["file"].endswith(".js")}  # no script without its row
