"""The release's facts for the forges' workflows, from their one place each: the version from gateway/__init__.py,
the notes from CHANGELOG.md. Standard library only: the image jobs run it on a bare runner.

    release.py version        print the version
    release.py notes          print CHANGELOG.md's section for the version (fails if it has none)
    release.py check TAG      fail unless TAG is v<version> and CHANGELOG.md has its section, dated
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def version(root: Path = ROOT) -> str:
    found = re.search(r'^__version__ = "([^"]+)"$', (root / "gateway/__init__.py").read_text(), re.M)
    if found is None:
        raise SystemExit('gateway/__init__.py does not say __version__ = "X.Y.Z"')
    return found.group(1)


def section(wanted: str, root: Path = ROOT) -> tuple[str, str]:
    """The heading and text of `## [VERSION] - DATE` (Keep a Changelog's form), up to the next release's heading."""
    for part in re.split(r"^## ", (root / "CHANGELOG.md").read_text(), flags=re.M)[1:]:
        heading, _, body = part.partition("\n")
        if heading.startswith(f"[{wanted}]"):
            if not body.strip():
                raise SystemExit(f"CHANGELOG.md's section for {wanted} is empty")
            return heading, body.strip() + "\n"
    raise SystemExit(f"CHANGELOG.md has no section '## [{wanted}]'")


def notes(wanted: str, root: Path = ROOT) -> str:
    return section(wanted, root)[1]


def check(tag: str, root: Path = ROOT) -> None:
    """A release is the version's tag, and a section that says when it was released."""
    current = version(root)
    if tag != f"v{current}":
        raise SystemExit(f"the tag {tag} is not v{current}, the version in gateway/__init__.py")
    heading, _ = section(current, root)
    if not re.fullmatch(rf"\[{re.escape(current)}\] - \d{{4}}-\d{{2}}-\d{{2}}", heading.strip()):
        raise SystemExit(
            f"CHANGELOG.md's heading '## {heading}' has no release date: write '## [{current}] - YYYY-MM-DD'"
        )


def main(argv: list[str]) -> None:
    match argv:
        case ["version"]:
            print(version())
        case ["notes"]:
            print(notes(version()), end="")
        case ["check", tag]:
            check(tag)
        case _:
            raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
