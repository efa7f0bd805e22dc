"""What a static site carries beside its pages: an Atom feed of the newest files, a sitemap of the pages, the index its
search box loads, and gzip copies for static servers that send them as they are (nginx's gzip_static, Caddy's
precompressed). XML is written
with the standard library's escaping, never by pasting text into markup."""

from __future__ import annotations

import filecmp
import gzip
import heapq
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

try:
    import brotli
except ImportError:  # without the `export` extra: gzip copies only (the command says so if --brotli is asked)
    brotli = None
BROTLI_INSTALLED = brotli is not None

SITEMAP_URLS = 50_000  # the sitemap protocol's limit per file: beyond it, parts and an index of them


def replace_if_changed(temporary: Path, final: Path) -> bool:
    """Put `temporary` in place of `final`, unless `final` already holds the same bytes (then drop it): a re-run that
    changes nothing writes nothing. Whether it was put in place."""
    if final.exists() and filecmp.cmp(temporary, final, shallow=False):  # in chunks: an index may be 100 MB
        temporary.unlink()
        return False
    os.replace(temporary, final)
    return True


def compressed_beside(path: Path, with_brotli: bool) -> None:
    """PATH.gz, and PATH.br if asked (the `export` extra's encoder), for static servers that send them as they are.
    Brotli at quality 5: a fifth smaller than gzip, at a third of its speed (quality 11 is a hundred times slower,
    for a tenth less); a 64 KiB window, as pages are small and a larger one grows the export's memory."""
    target = path.with_name(path.name + ".gz")
    temporary = path.with_name(f".{target.name}.{os.getpid()}.tmp")
    with path.open("rb") as source, gzip.GzipFile(temporary, "wb", mtime=0) as compressed:  # mtime 0: same bytes
        shutil.copyfileobj(source, compressed)
    os.replace(temporary, target)
    if with_brotli:
        target = path.with_name(path.name + ".br")
        temporary = path.with_name(f".{target.name}.{os.getpid()}.tmp")
        temporary.write_bytes(brotli.compress(path.read_bytes(), quality=5, lgwin=16))
        os.replace(temporary, target)


@dataclass(frozen=True, order=True, slots=True)
class FeedEntry:
    modified: datetime
    key: str
    size: int


class NewestFiles:
    """The newest `count` files seen, in a heap of that size: the feed costs `count` entries of memory, whatever the
    bucket holds."""

    def __init__(self, count: int) -> None:
        self.count, self.heap = count, list[FeedEntry]()

    def add(self, entry: FeedEntry) -> None:
        if len(self.heap) < self.count:
            heapq.heappush(self.heap, entry)
        elif entry > self.heap[0]:
            heapq.heapreplace(self.heap, entry)

    def atom(self, feed_id: str, title: str, link: str | None, href_of: Callable[[str], str]) -> str:
        """An Atom 1.0 document of the files, newest first, each linked to href_of(its key)."""
        entries = sorted(self.heap, reverse=True)
        updated = (entries[0].modified if entries else datetime.now(UTC)).isoformat()
        lines = [
            '<?xml version="1.0" encoding="utf-8"?>',
            '<feed xmlns="http://www.w3.org/2005/Atom">',
            f"  <id>{escape(feed_id)}</id>",
            f"  <title>{escape(title)}</title>",
            f"  <updated>{updated}</updated>",
            "  <author><name>s3-manager</name></author>",
        ]
        if link:
            lines.append(f'  <link rel="alternate" href={quoteattr(link)}/>')
        for entry in entries:
            lines += [
                "  <entry>",
                f"    <id>{escape(feed_id + entry.key)}</id>",
                f"    <title>{escape(entry.key)}</title>",
                f"    <updated>{entry.modified.isoformat()}</updated>",
                f'    <link rel="enclosure" href={quoteattr(href_of(entry.key))} length="{entry.size}"/>',
                "  </entry>",
            ]
        return "\n".join([*lines, "</feed>", ""])


class Sitemap:
    """sitemap.xml of every page, written as pages are done (no list of pages in memory); past SITEMAP_URLS pages,
    sitemap-N.xml parts and sitemap.xml as their index, as the protocol asks."""

    def __init__(self, directory: Path, site_url: str) -> None:
        self.directory, self.site_url = directory, site_url
        self.parts: list[Path] = []
        self.in_part = SITEMAP_URLS  # a part is opened with the first URL

    def add(self, relative_url: str) -> None:
        if self.in_part == SITEMAP_URLS:
            self.close_part()
            self.parts.append(self.directory / f".sitemap-{len(self.parts) + 1}.xml.{os.getpid()}.tmp")
            self.file = self.parts[-1].open("w", encoding="utf-8")
            self.file.write('<?xml version="1.0" encoding="utf-8"?>\n')
            self.file.write('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n')
            self.in_part = 0
        self.file.write(f"  <url><loc>{escape(self.site_url + relative_url)}</loc></url>\n")
        self.in_part += 1

    def close_part(self) -> None:
        if self.parts:
            self.file.write("</urlset>\n")
            self.file.close()

    def finish(self) -> list[Path]:
        """Put the sitemap in place: one file, or its parts and their index. The files that changed."""
        self.close_part()
        names = ["sitemap.xml"] if len(self.parts) == 1 else [f"sitemap-{n}.xml" for n in range(1, len(self.parts) + 1)]
        if len(self.parts) > 1:
            index = ['<?xml version="1.0" encoding="utf-8"?>']
            index.append('<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
            index += [f"  <sitemap><loc>{escape(self.site_url + name)}</loc></sitemap>" for name in names]
            self.parts.append(self.directory / f".sitemap.xml.{os.getpid()}.tmp")
            self.parts[-1].write_text("\n".join([*index, "</sitemapindex>", ""]), encoding="utf-8")
            names.append("sitemap.xml")
        finals = [self.directory / name for name in names]
        return [final for part, final in zip(self.parts, finals, strict=True) if replace_if_changed(part, final)]

    def abandon(self) -> None:
        self.close_part()
        for part in self.parts:
            part.unlink(missing_ok=True)


class SearchIndex:
    """_s3m/search.ndjson, what the exported site's search box loads: a JSON line with the exported root and the base
    URL files link to (null when they are presigned), then a line per run of files in one folder, [folder below the
    root, its page, name, name, ...], written as the pass goes: each name once, its folder once a run (a key's run
    ends when the next key is in another folder, or after RUN_NAMES)."""

    RUN_NAMES = 1000

    def __init__(self, directory: Path, root: str, base_url: str | None, precompress: bool, with_brotli: bool) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.final = directory / "search.ndjson"
        self.temporary = directory / f".search.ndjson.{os.getpid()}.tmp"
        self.precompress, self.with_brotli = precompress, with_brotli
        self.file = self.temporary.open("w", encoding="utf-8")
        self.file.write(json.dumps({"root": root, "base": base_url}) + "\n")
        self.run: list[str] = []

    def add(self, folder: str, page: str, name: str) -> None:
        if self.run and (self.run[0] != folder or len(self.run) - 2 == self.RUN_NAMES):  # after folder and page
            self.write_run()
        if not self.run:
            self.run = [folder, page]
        self.run.append(name)

    def write_run(self) -> None:
        self.file.write(json.dumps(self.run, ensure_ascii=False) + "\n")
        self.run = []

    def finish(self) -> list[Path]:
        if self.run:
            self.write_run()
        self.file.close()
        if not replace_if_changed(self.temporary, self.final):
            return []
        if self.precompress:  # the largest file of a big export, and the most compressible
            compressed_beside(self.final, self.with_brotli)
        return [self.final]

    def abandon(self) -> None:
        self.file.close()
        self.temporary.unlink(missing_ok=True)
