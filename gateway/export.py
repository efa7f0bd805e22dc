"""The static export: one index.html per prefix, rendered with the explorer's templates, for serving with no gateway.

One flat listing of the exported prefix renders every page: keys arrive sorted, so each folder's page is written
row by row while the listing is inside it, and memory follows the depth of the tree, not its size (one store call
per 1,000 keys, where a delimiter listing per folder made two per folder). Pages are written to a temporary file
and renamed, so an interrupted export never leaves a half-written page. The incremental mode keeps a fingerprint of
each prefix's rows in DIR/.s3m-export.json.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from gateway.errors import BadRequest
from gateway.feeds import FeedEntry, NewestFiles, SearchIndex, Sitemap, compressed_beside, replace_if_changed
from gateway.models import Listing
from gateway.pep503 import project_of, simple_index
from gateway.rules.keys import folder_of
from gateway.s3 import connect
from gateway.settings import Settings
from gateway.stores import DEFAULT, StoreConfig
from gateway.templating import make_environment

MANIFEST = ".s3m-export.json"
ASSETS = "_s3m"  # the stylesheet and icons, at the root of the export
ROWS_AT_ONCE = 100  # rows a page holds before it writes them: one template call for many rows
HELD_FOR_INCREMENTAL = 10_000  # ... and in the incremental mode, where an unchanged page is not written at all
TEXT_HELD = 256 * 1024  # characters of a page held before they go to its temporary file (about 1,000 rows)
PAGES_QUEUED = 16  # finished pages waiting for the PageFiles thread
PAGES_AHEAD = 2  # listing pages (of 1,000 keys) each walk holds before the pass reads them
RANGES_PER_WORKER = 2  # the listing is cut into this many ranges per worker: an uneven range leaves others to do
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".atom": "application/atom+xml",
    ".xml": "application/xml",
    ".ndjson": "application/x-ndjson",
    ".js": "text/javascript",
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
    website: bool = False
    """With publish_to: make that bucket a static website, its folders answered by their index.html."""
    precompress: bool = True
    """index.html.gz beside each page, for static servers that send it as it is."""
    brotli: bool = False
    """... and index.html.br (the `export` extra)."""
    feed: int = 0
    """An Atom feed (DIR/feed.atom) of the newest `feed` files; 0 for none."""
    site_url: str | None = None
    """Where DIR is served from (ending in '/'): with it, DIR/sitemap.xml of every page."""
    list_workers: int = 1
    """Threads listing ranges of the prefix side by side. One walk (a page ahead) unless the store is far away:
    near, the listing's threads slow the rendering more than they speed the listing (bench/export_speed.py)."""
    search: bool = True
    """A search box on each page, over DIR/_s3m/search.ndjson: every file's name in runs of its folder."""


@dataclass
class ExportReport:
    pages_written: int = 0
    pages_unchanged: int = 0
    pages_removed: int = 0
    objects: int = 0
    fingerprints: dict[str, bytes] = field(default_factory=dict)
    """Each page's prefix and a 16-byte digest of its rows: what the next incremental run compares with."""


@dataclass(slots=True)
class ExportRow:
    is_folder: bool
    name: str
    href: str
    """A folder's page; a file's link is made when its row is rendered (an unchanged page's rows never are)."""
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
    def __init__(
        self,
        settings: Settings,
        options: ExportOptions,
        progress: IO[str] | None = None,
        store: StoreConfig | None = None,
    ) -> None:
        """`store`: the configured store to export from (gateway/stores.py); the environment's, when None."""
        self.options = options
        self.storage = connect(store or StoreConfig(DEFAULT, settings))
        self.env = make_environment(settings)
        self.page: Any = self.env.get_template("export/index.html").module  # its head, rows and foot macros
        self.static_dir = settings.static_dir
        self.progress = progress
        self.report = ExportReport()
        self.exported_at = datetime.now(UTC)
        self.previous: dict[str, bytes] = {}
        self.expected = 0  # keys the last export into the same folder found: what an ETA is reckoned against
        self.started = self.shown = time.monotonic()
        self.shown_width = 0
        self.distributions: list[tuple[str, str]] = []  # (file name, href) for the PEP 503 index
        self.newest = NewestFiles(options.feed) if options.feed else None
        self.sitemap = Sitemap(options.out, options.site_url) if options.site_url else None
        self.search_index: SearchIndex | None = None  # opened by the pass

    def run(self) -> ExportReport:
        options, out = self.options, self.options.out
        try:
            out.mkdir(parents=True, exist_ok=True)
            probe = out / f".s3m-write-test-{os.getpid()}"
            probe.write_text("")
            probe.unlink()
        except OSError as exc:
            raise BadRequest(f"Cannot write to {out}: {exc.strerror or exc}") from None
        if (out / MANIFEST).exists():
            manifest = json.loads((out / MANIFEST).read_text())
            self.expected = manifest.get("objects", 0)
            if options.incremental:
                self.previous = {prefix: bytes.fromhex(digest) for prefix, digest in manifest["fingerprints"].items()}
        self.write_assets()
        if options.search:
            self.search_index = SearchIndex(
                out / ASSETS, options.root, options.base_url, options.precompress, options.brotli
            )
        self.page_files = PageFiles()
        try:
            try:
                self.export_pages()
            finally:  # the pages finished before a failure are put in place, as each page is whole
                failed_page = self.page_files.finish()
            if failed_page:
                raise failed_page
        except BaseException:
            for unfinished in (self.sitemap, self.search_index):
                if unfinished:
                    unfinished.abandon()
            raise
        self.write_feed_and_sitemap()
        self.remove_stale_pages()
        if self.options.pep503:
            self.write_simple_index()
        if self.options.website and self.options.publish_to:
            self.storage.serve_website(self.options.publish_to[0])
        if self.report.fingerprints != self.previous or not (out / MANIFEST).exists():
            self.write_manifest()
        self.tick(final=True)
        self.storage.close()
        return self.report

    def export_pages(self) -> None:
        """Every folder's page from one flat listing of the exported prefix. Keys arrive sorted, so a folder's rows
        come in the order a delimiter listing gives them (its files, and each subfolder where its first key falls),
        and a folder is complete once the listing has passed it. The open pages are a stack, one per depth: memory
        follows the depth of the tree, not its size, and the store is asked once per 1,000 keys."""
        root = self.options.root
        stack = [PageWriter(self, root)]
        try:
            workers = self.options.list_workers
            walks = self.storage.walk_ranges(
                self.options.bucket, root, RANGES_PER_WORKER * workers if workers > 1 else 1
            )
            for page in in_order(walks, workers):
                for entry in page.objects:
                    if self.excluded(entry.key):
                        continue
                    folder = folder_of(entry.key)
                    while not folder.startswith(stack[-1].prefix):
                        stack.pop().close()
                    while stack[-1].prefix != folder:  # the folders between the open one and this key's
                        inner = folder[: folder.index("/", len(stack[-1].prefix)) + 1]
                        name = inner[len(stack[-1].prefix) : -1]
                        stack[-1].add(ExportRow(True, name, quote(fs_segment(name)) + "/index.html", key=inner))
                        stack.append(PageWriter(self, inner))
                    if entry.key != folder:  # a folder marker is the folder, not a file in it
                        stack[-1].add(ExportRow(False, entry.name, "", entry.size, entry.modified, entry.key,
                                                entry.storage_class))  # fmt: skip
                        self.report.objects += 1
                        if self.options.pep503 and project_of(entry.name):
                            self.distributions.append((entry.name, self.file_href(entry.key)))
                        if self.search_index:
                            self.search_index.add(folder[len(root) :], stack[-1].url, entry.name)
                        if self.newest and entry.modified:
                            self.newest.add(FeedEntry(entry.modified, entry.key, entry.size))
            while stack:
                stack.pop().close()
        except BaseException:  # interrupted or failed: the old pages (if any) stay, no half page replaces them
            for writer in stack:
                writer.abandon()
            raise

    def file_href(self, key: str) -> str:
        if self.options.base_url is not None:
            return self.options.base_url + quote(key, safe="/~")
        return self.storage.presign_get(self.options.bucket, key, expires=self.options.presign_expires)

    def excluded(self, key: str) -> bool:
        """Pages published into the exported prefix must not list themselves on the next export."""
        if self.options.publish_to != (self.options.bucket, self.options.root):
            return False
        relative = key[len(self.options.root) :]
        if relative.startswith(ASSETS + "/") or relative.rpartition("/")[2] in {"index.html", "index.json"}:
            return True
        return relative == "feed.atom" or re.fullmatch(r"sitemap(-\d+)?\.xml", relative) is not None

    def write_simple_index(self) -> None:
        """DIR/simple/: a PEP 503 index of the distribution files anywhere under the exported prefix (gathered by
        the same pass as the pages)."""
        for relative, html in simple_index(self.distributions, self.env.get_template("export/simple.html")).items():
            path = self.options.out / "simple" / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(path, html)
            self.publish(path, f"simple/{relative}")

    def write_feed_and_sitemap(self) -> None:
        """DIR/feed.atom, DIR/sitemap.xml and the search index, each put in place (and published) only when it
        changed."""
        out, options = self.options.out, self.options
        changed: list[Path] = []
        if self.newest:
            where = f"s3://{options.bucket}/{options.root}"
            atom = self.newest.atom(where, f"Newest files in {where}", options.site_url, self.file_href)
            temporary = out / f".feed.atom.{os.getpid()}.tmp"
            temporary.write_text(atom, encoding="utf-8")
            if replace_if_changed(temporary, out / "feed.atom"):
                changed.append(out / "feed.atom")
        if self.sitemap:
            changed += self.sitemap.finish()
        if self.search_index:
            changed += self.search_index.finish()
        for path in changed:
            self.publish(path, path.relative_to(out).as_posix())

    def write_assets(self) -> None:
        """The stylesheet and icons; in the incremental mode, only those that differ from what is there."""
        scripts = ("js/site-search.js",) if self.options.search else ()
        icons = sorted(f"icons/{path.name}" for path in (self.static_dir / "icons").glob("*.svg"))  # app.css uses each
        for relative in ("css/app.css", *icons, *scripts):
            source, target = self.static_dir / relative, self.options.out / ASSETS / relative
            if self.options.incremental and target.exists() and target.read_bytes() == source.read_bytes():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            self.publish(target, f"{ASSETS}/{relative}")

    def write_manifest(self) -> None:
        """DIR/.s3m-export.json: the key count (for the next run's ETA) and each page's fingerprint, a line each as
        they are written (a million keys' pages would make a 2 MB string)."""
        path = self.options.out / MANIFEST
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with temporary.open("w", encoding="utf-8") as file:
            file.write(f'{{"objects": {self.report.objects}, "fingerprints": {{')
            for n, (prefix, digest) in enumerate(self.report.fingerprints.items()):
                file.write(f'{"," if n else ""}\n{json.dumps(prefix)}: "{digest.hex()}"')
            file.write("\n}}\n")
        os.replace(temporary, path)

    def remove_stale_pages(self) -> None:
        """Pages of prefixes that no longer exist (incremental mode knows them from the last export)."""
        for prefix in [prefix for prefix in self.previous if prefix not in self.report.fingerprints]:
            segments = prefix[len(self.options.root) :].split("/")[:-1]
            directory = self.options.out.joinpath(*map(fs_segment, segments))
            for name in ("index.html", "index.html.gz", "index.html.br", "index.json"):
                (directory / name).unlink(missing_ok=True)
            self.report.pages_removed += 1

    def publish(self, path: Path, relative_key: str) -> None:
        if self.options.publish_to:
            bucket, prefix = self.options.publish_to
            self.storage.put_file(bucket, prefix + relative_key, path, CONTENT_TYPES[path.suffix])

    def tick(self, final: bool = False) -> None:
        """Say how far the export got: on a terminal, one line rewritten four times a second; in a log, a line
        every 5 s; and a last line. With the key count of the last export here, how long is left."""
        if not self.progress:
            return
        now, terminal = time.monotonic(), self.progress.isatty()
        if not final and now - self.shown < (0.25 if terminal else 5.0):
            return
        self.shown, report = now, self.report
        rate = report.objects / max(now - self.started, 1e-6)
        folders = report.pages_written + report.pages_unchanged
        line = f"{counted(report.objects, 'key')}, {counted(folders, 'folder')}, "
        line += f"{counted(report.pages_written, 'page')} written, {rate:,.0f} keys/s"
        if not final and self.expected > report.objects and rate:
            left = round((self.expected - report.objects) / rate)
            line += f", about {left // 60}:{left % 60:02} left (the last export had {self.expected:,} keys)"
        end = "\r" if terminal and not final else "\n"
        print(line.ljust(self.shown_width if terminal else 0), end=end, file=self.progress, flush=True)
        self.shown_width = len(line)


class PageWriter:
    """One folder's page, rendered while the flat listing is inside the folder: rows are held and rendered
    ROWS_AT_ONCE at a time (HELD_FOR_INCREMENTAL in the incremental mode); the page's text is held too, up to
    TEXT_HELD characters (beyond, it goes to a temporary file), and when the listing leaves the folder the page goes
    to the PageFiles thread, which puts it in place whole. In the incremental mode, a folder whose rows all fit in
    memory and match the last export's fingerprint writes nothing at all: no file is opened, no row rendered."""

    def __init__(self, exporter: Exporter, prefix: str) -> None:
        self.exporter, self.prefix = exporter, prefix
        segments = prefix[len(exporter.options.root) :].split("/")[:-1]
        self.segments = segments
        self.directory = exporter.options.out.joinpath(*map(fs_segment, segments))
        self.url = "".join(quote(fs_segment(segment)) + "/" for segment in segments)  # from the export's root
        self.final = self.directory / "index.html"
        self.temporary = self.directory / f".index.html.{os.getpid()}.tmp"
        self.fingerprint = hashlib.blake2b(digest_size=16)
        self.held: list[ExportRow] = []  # rows not yet rendered
        self.at_once = HELD_FOR_INCREMENTAL if exporter.options.incremental else ROWS_AT_ONCE
        self.text: list[str] = []  # rendered, not yet written
        self.text_size = 0
        self.begun = False
        self.file: IO[str] | None = None  # a page too long to hold
        self.json: JsonSink | None = None

    def add(self, row: ExportRow) -> None:
        modified = row.modified.timestamp() if row.modified else 0
        self.fingerprint.update(f"{row.key}\0{row.size}\0{modified}\n".encode())
        self.held.append(row)
        if len(self.held) >= self.at_once:
            self.render_rows()

    def begin(self) -> None:
        """The page's head (and index.json's beginning)."""
        options, segments = self.exporter.options, self.segments
        self.begun = True
        if options.write_json:
            self.directory.mkdir(parents=True, exist_ok=True)
            self.json = JsonSink(self.directory, self.prefix)
        up = "../" * len(segments)
        crumbs = [(name, "../" * (len(segments) - i - 1) + "index.html") for i, name in enumerate(segments)]
        css, page = f"{up}{ASSETS}/css/app.css", self.exporter.page
        self.text.append(page.head(options.bucket, options.root, crumbs, up + "index.html", css, up, options.search))

    def render_rows(self) -> None:
        if not self.begun:
            self.begin()
        for row in self.held:
            if not row.href:
                row.href = self.exporter.file_href(row.key)
        rendered = self.exporter.page.rows(self.held)
        self.text.append(rendered)
        self.text_size += len(rendered)
        if self.json:
            for row in self.held:
                self.json.add(row)
        self.held.clear()
        if self.text_size > TEXT_HELD:
            if self.file is None:
                self.directory.mkdir(parents=True, exist_ok=True)
                self.file = self.temporary.open("w", encoding="utf-8")
            self.file.writelines(self.text)
            self.text, self.text_size = [], 0

    def close(self) -> None:
        exporter, report = self.exporter, self.exporter.report
        digest = self.fingerprint.digest()
        report.fingerprints[self.prefix] = digest
        same = exporter.options.incremental and exporter.previous.get(self.prefix) == digest and self.final.exists()
        if exporter.sitemap:
            exporter.sitemap.add(self.url)
        if same and not self.begun:  # nothing rendered, nothing to write
            report.pages_unchanged += 1
            exporter.tick()
            return
        self.render_rows()
        self.text.append(exporter.page.foot(exporter.exported_at))
        if self.json:
            self.json.close_into(keep=not same)
        if same:  # a page too long to hold back, rendered to learn it had not changed
            self.abandon()
            report.pages_unchanged += 1
        else:
            exporter.page_files.put(partial(self.put_in_place, self.file, self.text, self.json is not None))
            report.pages_written += 1
        self.file, self.text = None, []
        exporter.tick()

    def put_in_place(self, file: IO[str] | None, text: list[str], with_json: bool) -> None:
        """In the PageFiles thread: the page written whole, then renamed over the old one, gzipped and published."""
        exporter = self.exporter
        if file is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            file = self.temporary.open("w", encoding="utf-8")
        with file:
            file.writelines(text)
        os.replace(self.temporary, self.final)
        if exporter.options.precompress:
            compressed_beside(self.final, exporter.options.brotli)
        exporter.publish(self.final, self.prefix + "index.html")
        if with_json:
            exporter.publish(self.directory / "index.json", self.prefix + "index.json")

    def abandon(self) -> None:
        if self.file:
            self.file.close()
            self.temporary.unlink(missing_ok=True)
        if self.json and not self.json.file.closed:
            self.json.abandon()


class PageFiles:
    """Finished pages are written, renamed, gzipped and published by a thread of their own: file calls and zlib let
    go of the interpreter, so the pass renders the next pages meanwhile (on a slow disk, a page's files cost as much
    as its rows). At most PAGES_QUEUED pages wait; the first failure stops the export at the next page."""

    def __init__(self) -> None:
        self.jobs: queue.Queue[Callable[[], None] | None] = queue.Queue(PAGES_QUEUED)
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self.run, name="export-pages", daemon=True)
        self.thread.start()

    def put(self, job: Callable[[], None]) -> None:
        if self.failure:
            raise self.failure
        self.jobs.put(job)

    def run(self) -> None:
        while (job := self.jobs.get()) is not None:
            if self.failure is None:
                try:
                    job()
                except BaseException as exc:  # raised in the pass, at its next page or its end
                    self.failure = exc

    def finish(self) -> BaseException | None:
        """Wait for the pages queued; the failure of any."""
        self.jobs.put(None)
        self.thread.join()
        return self.failure


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


def counted(number: int, thing: str) -> str:
    return f"{number:,} {thing}{'' if number == 1 else 's'}"


def in_order(walks: list[Iterator[Listing]], workers: int) -> Iterator[Listing]:
    """The pages of each walk, walk after walk, while `workers` threads list ahead, each walk holding PAGES_AHEAD
    pages at most: the store's time and the rendering's overlap, and with several walks the store's calls do too
    (a remote store's latency is paid once for `workers` calls). A walk that fails fails here, in its turn."""
    stop = threading.Event()
    queues: list[queue.Queue[tuple[Listing | None, BaseException | None]]] = [queue.Queue(PAGES_AHEAD) for _ in walks]

    def offer(waiting: queue.Queue[tuple[Listing | None, BaseException | None]], item: Any) -> bool:
        while not stop.is_set():
            try:
                waiting.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def run(walk: Iterator[Listing], waiting: queue.Queue[tuple[Listing | None, BaseException | None]]) -> None:
        try:
            for page in walk:
                if not offer(waiting, (page, None)):
                    return
        except BaseException as exc:  # handed to the reader, which raises it where the walk's pages would be
            offer(waiting, (None, exc))
            return
        offer(waiting, (None, None))

    pool = ThreadPoolExecutor(workers, thread_name_prefix="export-listing")
    try:
        for walk, waiting in zip(walks, queues, strict=True):
            pool.submit(run, walk, waiting)
        for waiting in queues:
            while True:
                page, failure = waiting.get()
                if failure:
                    raise failure
                if page is None:
                    break
                yield page
    finally:  # done, failed or abandoned: the threads stop at their next page
        stop.set()
        pool.shutdown(cancel_futures=True)


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
