"""A PEP 503 "simple" index of the wheels and sdists in an export, so pip can install from the bucket:
`pip install --index-url https://mirror.example/simple/ NAME`.

Unlike the pages, this needs every file name at once (to group files by project), so it holds one short entry per
distribution file: fine for package buckets, which count files in thousands.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from jinja2 import Template


def project_of(filename: str) -> str | None:
    """The normalised project name of a distribution file (PEP 503), or None for other files."""
    if filename.endswith(".whl"):
        name = filename.split("-", 1)[0]
    elif filename.endswith((".tar.gz", ".zip")) and "-" in filename:
        name = filename.removesuffix(".tar.gz").removesuffix(".zip").rsplit("-", 1)[0]
    else:
        return None
    return re.sub(r"[-_.]+", "-", name).lower()


def simple_index(files: Iterable[tuple[str, str]], template: Template) -> dict[str, str]:
    """(file name, href) pairs -> {'index.html': the project list, '<project>/index.html': its files}."""
    projects: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name, href in files:
        if project := project_of(name):
            projects[project].append((name, href))
    pages = {"index.html": template.render(title="Simple index", links=[(p, f"{p}/") for p in sorted(projects)])}
    for project, links in projects.items():
        pages[f"{project}/index.html"] = template.render(title=f"Links for {project}", links=sorted(links))
    return pages
