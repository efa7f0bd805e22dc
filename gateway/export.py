"""The static export: one index.html per prefix, rendered with the explorer's templates, for serving with no gateway.

Memory stays flat however large the bucket: each page streams from the store's listing pages into Jinja's
`generate()` and straight to disk, and folders are visited depth-first by listing a prefix again for its folders
instead of holding them. Pages are written to a temporary file and renamed, so an interrupted export never leaves
a half-written page. The incremental mode keeps a fingerprint of each prefix's listing in DIR/.s3m-export.json.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from gateway.errors import BadRequest
from gateway.pep503 import project_of, simple_index
from gateway.s3 import S3Storage
from gateway.settings import Settings
from gateway.templating import make_environment

MANIFEST = ".s3m-export.json"
ASSETS = "_s3m"  # the stylesheet and icons, at the root of the export
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".css": "text/css",
    ".svg": "image/svg+xml",
}


@dataclass(frozen=True)
class ExportOptions:
    bucket: str
    root: str
    """The exported prefix: '' for the whole bucket, else ending in '/'."""
    out: Path
    base_url: str | None = None
    """Files link to base_url + key (a public bucket, or a CDN in front of it) ..."""
    presign_expires: int | None = None
    """... or to URLs presigned for this many seconds (a private bucket; the links die then)."""
    write_json: bool = False
    pep503: bool = False
    incremental: bool = False
    publish_to: tuple[str, str] | None = None
    """(bucket, prefix) to upload the pages to, for S3 static website hosting."""


@dataclass
class ExportReport:
    pages_written: int = 0
    pages_unchanged: int = 0
    pages_removed: int = 0
    objects: int = 0
    fingerprints: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ExportRow:
    is_folder: bool
    name: str
    href: str
    size: int = 0
    modified: datetime | None = None
    key: str = ""
    storage_class: str = "STANDARD"


def fs_segment(name: str) -> str:
    """A folder name as a directory name: percent-encoded where a filesystem or URL would misread it."""
    if name in {"", ".", ".."}:
        return "%" + name.replace(".", "%2E")  # '%' alone never comes out of quote(), so no real name collides
    return quote(name, safe=" !$&'()+,;=@[]^`{}~")


class Exporter:
    def __init__(self, settings: Settings, options: ExportOptions, progress: IO[str] | None = None) -> None:
        self.options = options
        self.storage = S3Storage(settings)
        self.env = make_environment(settings)
        self.page_template = self.env.get_template("export/index.html")
        self.static_dir = settings.static_dir
        self.progress = progress
        self.report = ExportReport()
        self.exported_at = datetime.now(UTC)
        self.previous: dict[str, str] = {}

    def run(self) -> ExportReport:
        out = self.options.out
        try:
            out.mkdir(parents=True, exist_ok=True)
            probe = out / f".s3m-write-test-{os.getpid()}"
            probe.write_text("")
            probe.unlink()
        except OSError as exc:
            raise BadRequest(f"Cannot write to {out}: {exc.strerror or exc}") from None
        if self.options.incremental and (out / MANIFEST).exists():
            self.previous = json.loads((out / MANIFEST).read_text())["fingerprints"]
        self.write_assets()
        self.export_tree(self.options.root)
        self.remove_stale_pages()
        if self.options.pep503:
            self.write_simple_index()
        atomic_write_text(out / MANIFEST, json.dumps({"fingerprints": self.report.fingerprints}, indent=0))
        self.tick(final=True)
        self.storage.close()
        return self.report

    def export_tree(self, prefix: str) -> None:
        """This prefix's page, then each folder's, depth-first."""
        self.export_page(prefix)
        for page in self.storage.walk_pages(self.options.bucket, prefix):
            for folder in page.folders:
                if not self.excluded(folder.prefix):
                    self.export_tree(folder.prefix)

    def export_page(self, prefix: str) -> None:
        segments = prefix[len(self.options.root) :].split("/")[:-1]
        directory = self.options.out.joinpath(*map(fs_segment, segments))
        directory.mkdir(parents=True, exist_ok=True)
        up = "../" * len(segments)
        fingerprint = hashlib.sha256()
        json_sink = JsonSink(directory, prefix) if self.options.write_json else None
        rows = self.rows(prefix, fingerprint, json_sink)
        context = {
            "bucket": self.options.bucket,
            "root": self.options.root,
            "crumbs": [(name, "../" * (len(segments) - i - 1) + "index.html") for i, name in enumerate(segments)],
            "home_href": up + "index.html",
            "css_href": f"{up}{ASSETS}/css/app.css",
            "rows": rows,
            "exported_at": self.exported_at,
        }
        page = directory / "index.html"
        temporary = directory / f".index.html.{os.getpid()}.tmp"
        try:
            with temporary.open("w", encoding="utf-8") as file:
                for chunk in self.page_template.generate(context):
                    file.write(chunk)
        except BaseException:  # interrupted or failed: the old page (if any) stays, no half page replaces it
            temporary.unlink(missing_ok=True)
            if json_sink:
                json_sink.abandon()
            raise
        digest = fingerprint.hexdigest()
        self.report.fingerprints[prefix] = digest
        unchanged = self.options.incremental and self.previous.get(prefix) == digest and page.exists()
        finish(temporary, page, keep=not unchanged)
        if json_sink:
            json_sink.close_into(keep=not unchanged)
        if unchanged:
            self.report.pages_unchanged += 1
        else:
            self.report.pages_written += 1
            self.publish(page, prefix + "index.html")
            if json_sink:
                self.publish(directory / "index.json", prefix + "index.json")
        self.tick()

    def rows(self, prefix: str, fingerprint: Any, json_sink: JsonSink | None) -> Iterator[ExportRow]:
        """The prefix's folders and files in the store's sorted order, fingerprinted and copied to JSON on the way."""
        for page in self.storage.walk_pages(self.options.bucket, prefix):
            folders = (
                ExportRow(True, f.name, quote(fs_segment(f.name)) + "/index.html", key=f.prefix)
                for f in page.folders
                if not self.excluded(f.prefix)
            )
            files = (
                ExportRow(False, o.name, self.file_href(o.key), o.size, o.modified, o.key, o.storage_class)
                for o in page.objects
                if not self.excluded(o.key)
            )
            for row in heapq.merge(folders, files, key=lambda r: r.key):
                fingerprint.update(f"{row.key}\0{row.size}\0{row.modified}\n".encode())
                if not row.is_folder:
                    self.report.objects += 1
                if json_sink:
                    json_sink.add(row)
                yield row

    def file_href(self, key: str) -> str:
        if self.options.base_url is not None:
            return self.options.base_url + quote(key, safe="/~")
        return self.storage.presign_get(self.options.bucket, key, expires=self.options.presign_expires)

    def excluded(self, key: str) -> bool:
        """Pages published into the exported prefix must not list themselves on the next export."""
        if self.options.publish_to != (self.options.bucket, self.options.root):
            return False
        relative = key[len(self.options.root) :]
        return relative.startswith(ASSETS + "/") or relative.rpartition("/")[2] in {"index.html", "index.json"}

    def write_simple_index(self) -> None:
        """DIR/simple/: a PEP 503 index of the distribution files anywhere under the exported prefix."""
        files = (
            (entry.name, self.file_href(entry.key))
            for page in self.storage.walk_pages(self.options.bucket, self.options.root, flat=True)
            for entry in page.objects
            if project_of(entry.name) and not self.excluded(entry.key)
        )
        for relative, html in simple_index(files, self.env.get_template("export/simple.html")).items():
            path = self.options.out / "simple" / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(path, html)
            self.publish(path, f"simple/{relative}")

    def write_assets(self) -> None:
        for relative in ("css/app.css", "icons/folder.svg", "icons/file.svg"):
            target = self.options.out / ASSETS / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.static_dir / relative, target)
            self.publish(target, f"{ASSETS}/{relative}")

    def remove_stale_pages(self) -> None:
        """Pages of prefixes that no longer exist (incremental mode knows them from the last export)."""
        for prefix in set(self.previous) - set(self.report.fingerprints):
            segments = prefix[len(self.options.root) :].split("/")[:-1]
            directory = self.options.out.joinpath(*map(fs_segment, segments))
            for name in ("index.html", "index.json"):
                (directory / name).unlink(missing_ok=True)
            self.report.pages_removed += 1

    def publish(self, path: Path, relative_key: str) -> None:
        if self.options.publish_to:
            bucket, prefix = self.options.publish_to
            self.storage.put_file(bucket, prefix + relative_key, path, CONTENT_TYPES[path.suffix])

    def tick(self, final: bool = False) -> None:
        if not self.progress:
            return
        pages = self.report.pages_written + self.report.pages_unchanged
        if final or self.progress.isatty() or pages % 100 == 0:
            end = "\n" if final or not self.progress.isatty() else "\r"
            print(f"{pages} pages, {self.report.objects} objects", end=end, file=self.progress, flush=True)


class JsonSink:
    """index.json beside a page, written as rows pass (a list of a million entries never sits in memory)."""

    def __init__(self, directory: Path, prefix: str) -> None:
        self.final = directory / "index.json"
        self.temporary = directory / f".index.json.{os.getpid()}.tmp"
        self.file = self.temporary.open("w", encoding="utf-8")
        self.file.write(json.dumps({"prefix": prefix})[:-1] + ', "entries": [')
        self.first = True

    def add(self, row: ExportRow) -> None:
        entry: dict[str, Any] = {"name": row.name, "href": row.href, "folder": row.is_folder}
        if not row.is_folder:
            entry.update(key=row.key, size=row.size, modified=row.modified.isoformat() if row.modified else None)
        self.file.write(("" if self.first else ",\n") + json.dumps(entry))
        self.first = False

    def abandon(self) -> None:
        self.file.close()
        self.temporary.unlink(missing_ok=True)

    def close_into(self, keep: bool) -> None:
        self.file.write("]}\n")
        self.file.close()
        finish(self.temporary, self.final, keep=keep)


def finish(temporary: Path, final: Path, keep: bool) -> None:
    """Put a fully written file in place in one step, or drop it."""
    if keep:
        os.replace(temporary, final)
    else:
        temporary.unlink()


def atomic_write_text(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
