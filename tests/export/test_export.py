"""The static export against a moto server: every key once, links that resolve, publish, incremental, JSON, PEP 503,
and clear failures."""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote
from xml.etree import ElementTree

import brotli
import pytest
from botocore.exceptions import ClientError
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from gateway import cli, feeds
from gateway.demo import ODD_NAMES
from gateway.export import Exporter, ExportOptions, ExportRow, fs_segment
from gateway.s3 import listing
from gateway.settings import Settings
from gateway.templating import make_environment
from tests.conftest import examples, put, web

AWKWARD = [
    *ODD_NAMES,
    "a/b/c.txt",
    "a/bc/d.txt",
    "a//e.txt",
    ".hidden/x",
    "deep/" * 12 + "z.txt",
    "top.txt",
]


def export(settings: Settings, bucket: str, out: Path, **options: Any) -> Any:
    return Exporter(settings, ExportOptions(bucket=bucket, root=options.pop("root", ""), out=out, **options)).run()


def pages(out: Path) -> dict[Path, BeautifulSoup]:
    return {
        page: BeautifulSoup(page.read_text(), "html.parser")
        for page in out.rglob("index.html")
        if page.relative_to(out).parts[0] != "simple"
    }


def assert_relative_links_resolve(out: Path, parsed: dict[Path, BeautifulSoup]) -> None:
    for page, html in parsed.items():
        relative = [a["href"] for a in html.select("nav a, tr.folder a")] + [html.select_one("link")["href"]]
        for href in relative:
            target = (page.parent / unquote(href)).resolve()
            assert target.is_file(), f"{href} from {page}"
            assert target.is_relative_to(out.resolve())


def test_every_key_appears_once_and_presigned_links_fetch_the_bytes(
    settings: Settings, s3: Any, bucket: str, tmp_path: Path
) -> None:
    for key in AWKWARD:
        put(s3, bucket, key, body=key.encode())
    report = export(settings, bucket, tmp_path, presign_expires=600)
    parsed = pages(tmp_path)
    assert report.objects == len(AWKWARD)
    assert report.pages_written == len(parsed)
    assert_relative_links_resolve(tmp_path, parsed)
    fetched = [web.get(a["href"]).content.decode() for html in parsed.values() for a in html.select("tr.object a")]
    assert sorted(fetched) == sorted(AWKWARD)  # each key exactly once, and its link gives its bytes
    assert not list(tmp_path.rglob("*.tmp"))
    stylesheet = tmp_path / "_s3m" / "css" / "app.css"
    for url in re.findall(r'url\("([^"]+)"\)', stylesheet.read_text()):  # the type icons of the rows
        assert (stylesheet.parent / url).resolve().is_file(), url
    names = [a.text for a in parsed[tmp_path / "odd names" / "index.html"].select("tr.object a")]
    assert names == sorted(names) and "<img src=x onerror=alert(1)>.txt" in names  # sorted, and text not markup
    assert parsed[tmp_path / "odd names" / "index.html"].select("tbody img") == []


# Keys whose flat order and per-folder order could part ways: a file next to a folder of the same stem (`-` and `.`
# sort before `/`), folder markers (empty folders), keys ending in '/', a leading '/', '//' inside, '%' and '+'.
TRICKY = [*AWKWARD, "a/b-x", "a/b/y", "a/b.txt", "a/b0", "a/b/c/", "empty/", "ü/%+/z", "ü/%+.txt", "x//y/z", "//z",
          "m/n/", "m/n/o/", "m/n/o/p.txt", "q/r"]  # fmt: skip


def delimiter_rows(s3: Any, bucket: str, prefix: str) -> tuple[list[str], list[str]]:
    """A folder's rows as a delimiter listing of the folder gives them (the export's pages before the single pass):
    its subfolders and files merged by key, as hrefs; and the subfolders, to walk on."""
    base = "https://cdn.example/"
    folders, files = [], []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix, Delimiter="/"):
        folders += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
        files += [o["Key"] for o in page.get("Contents", []) if o["Key"] != prefix]
    rows = [(f, quote(fs_segment(f[len(prefix) : -1])) + "/index.html") for f in folders]
    rows += [(key, base + quote(key, safe="/~")) for key in files]
    return [href for _, href in sorted(rows)], folders


@pytest.mark.parametrize("workers", [1, 4])
def test_one_flat_listing_cut_in_ranges_or_not_writes_the_pages_a_listing_per_folder_gives(
    settings: Settings, s3: Any, bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    monkeypatch.setattr(listing, "WALKED_PAGE", 7)  # ranges of several pages, cut in the middle of one
    for key in TRICKY:
        put(s3, bucket, key)
    options = ExportOptions(bucket=bucket, root="", out=tmp_path, base_url="https://cdn.example/", list_workers=workers)
    exporter = Exporter(settings, options)
    calls: list[dict[str, Any]] = []
    exporter.storage.api.meta.events.register("provide-client-params.s3.*", lambda params, **_: calls.append(params))
    exporter.run()
    one_walk = -(-len(set(TRICKY)) // 7)
    if workers == 1:
        assert len(calls) == one_walk  # one flat listing, and nothing else asked of the store
    else:
        ranges = [params for params in calls if "Delimiter" not in params and "ContinuationToken" not in params]
        assert 1 < len(ranges) <= 2 * workers  # cut at the top folders its first call found
        assert len(calls) <= 1 + one_walk + len(ranges)  # the top folders' call; a range reads one page past its end
    expected, folders = {}, [""]
    while folders:
        folder = folders.pop()
        directory = tmp_path.joinpath(*map(fs_segment, folder.split("/")[:-1]))
        expected[directory / "index.html"], inner = delimiter_rows(s3, bucket, folder)
        folders += inner
    written = pages(tmp_path)
    assert set(written) == set(expected)  # a page for every folder, empty ones too, and no other
    for page, hrefs in expected.items():
        assert [a["href"] for a in written[page].select("tbody a")] == hrefs, page


def test_base_url_links_point_into_a_public_bucket(settings: Settings, s3: Any, bucket: str, tmp_path: Path) -> None:
    for key in ["plain.txt", "sp ace/+plus%#?.txt", "/lead.txt"]:
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode(), ACL="public-read")
    base = f"{settings.endpoint_url}/{bucket}/"
    export(settings, bucket, tmp_path, base_url=base)
    links = {a.text: a["href"] for html in pages(tmp_path).values() for a in html.select("tr.object a")}
    assert links["+plus%#?.txt"] == base + "sp%20ace/%2Bplus%25%23%3F.txt"
    for name, href in links.items():
        assert web.get(href).content.decode().endswith(name)


def test_a_prefix_exports_as_its_own_root_with_json_beside_each_page(
    settings: Settings, s3: Any, bucket: str, tmp_path: Path
) -> None:
    put(s3, bucket, "rel/1.0/a.whl", "rel/1.0/b.txt", "rel/2.0/c.whl", "other/x")
    export(settings, bucket, tmp_path, root="rel/", base_url="https://cdn.example/", write_json=True)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("index.html")) == [
        "1.0/index.html",
        "2.0/index.html",
        "index.html",
    ]
    listing = json.loads((tmp_path / "1.0" / "index.json").read_text())
    assert listing["prefix"] == "rel/1.0/"
    assert [(e["key"], e["href"]) for e in listing["entries"]] == [
        ("rel/1.0/a.whl", "https://cdn.example/rel/1.0/a.whl"),
        ("rel/1.0/b.txt", "https://cdn.example/rel/1.0/b.txt"),
    ]
    root = json.loads((tmp_path / "index.json").read_text())
    assert [(e["name"], e["folder"]) for e in root["entries"]] == [("1.0", True), ("2.0", True)]


def test_published_pages_are_served_back_by_the_store_and_not_listed_again(
    settings: Settings, s3: Any, bucket: str, tmp_path: Path
) -> None:
    put(s3, bucket, "docs/a.txt", "b.txt")
    export(settings, bucket, tmp_path, base_url="https://cdn.example/", publish_to=(bucket, ""))
    served = s3.get_object(Bucket=bucket, Key="docs/index.html")
    assert served["ContentType"] == "text/html; charset=utf-8"
    assert served["Body"].read() == (tmp_path / "docs" / "index.html").read_bytes()
    assert s3.get_object(Bucket=bucket, Key="_s3m/css/app.css")["ContentType"] == "text/css"
    with pytest.raises(ClientError, match="NoSuchWebsiteConfiguration"):
        s3.get_bucket_website(Bucket=bucket)  # publishing alone makes no website
    again = export(
        settings, bucket, tmp_path / "again", base_url="https://cdn.example/", publish_to=(bucket, ""), website=True
    )
    assert s3.get_bucket_website(Bucket=bucket)["IndexDocument"] == {"Suffix": "index.html"}
    assert again.objects == 2  # the pages and assets it published are not part of the listing
    names = [a.text for html in pages(tmp_path / "again").values() for a in html.select("a")]
    assert "index.html" not in names and "_s3m/" not in names


def test_incremental_rewrites_only_changed_prefixes_and_removes_gone_ones(
    settings: Settings, s3: Any, bucket: str, tmp_path: Path
) -> None:
    put(s3, bucket, "a/1", "a/b/2", "c/3", "c/d/4")
    first = export(settings, bucket, tmp_path, base_url="https://cdn.example/", incremental=True, brotli=True)
    assert (first.pages_written, first.pages_unchanged) == (5, 0)
    untouched = (tmp_path / "c" / "index.html").stat().st_mtime_ns
    put(s3, bucket, "a/b/new")
    second = export(settings, bucket, tmp_path, base_url="https://cdn.example/", incremental=True, brotli=True)
    assert (second.pages_written, second.pages_unchanged) == (1, 4)
    assert "new" in (tmp_path / "a" / "b" / "index.html").read_text()
    assert (tmp_path / "c" / "index.html").stat().st_mtime_ns == untouched
    s3.delete_object(Bucket=bucket, Key="c/d/4")
    third = export(settings, bucket, tmp_path, base_url="https://cdn.example/", incremental=True, brotli=True)
    assert (third.pages_written, third.pages_removed) == (1, 1)  # c/ changed (no folder d/ any more); c/d/ is gone
    assert list((tmp_path / "c" / "d").iterdir()) == []  # the page and its compressed copies


def test_an_incremental_run_with_no_change_writes_no_file_and_one_change_one_page(
    settings: Settings, s3: Any, bucket: str, tmp_path: Path
) -> None:
    put(s3, bucket, "top.txt", "x/1", "x/y/2", "x/y/z/deep.txt", "w/3")
    options = {"base_url": "https://cdn.example/", "incremental": True, "write_json": True, "feed": 10,
               "site_url": "https://site.example/"}  # fmt: skip
    export(settings, bucket, tmp_path, **options)

    def files() -> dict[Path, int]:
        return {path: path.stat().st_mtime_ns for path in tmp_path.rglob("*") if path.is_file()}

    before = files()
    again = export(settings, bucket, tmp_path, **options)
    assert (again.pages_written, again.pages_unchanged) == (0, 5)
    assert files() == before  # not one file written, replaced or added: the manifest and assets included
    put(s3, bucket, "x/y/z/deep.txt", body=b"changed, and longer")
    changed = export(settings, bucket, tmp_path, **options)
    assert changed.pages_written == 1
    after = files()
    rewritten = sorted(path.relative_to(tmp_path).as_posix() for path in after if after[path] != before.get(path))
    assert rewritten == [".s3m-export.json", "feed.atom", "x/y/z/index.html", "x/y/z/index.html.gz", "x/y/z/index.json"]


def test_a_pep503_index_groups_distributions_by_normalised_project(
    settings: Settings, s3: Any, bucket: str, tmp_path: Path
) -> None:
    files = ["wheels/My_Pkg-1.0-py3-none-any.whl", "wheels/my.pkg-1.1.tar.gz", "wheels/other-2.0-py3-none-any.whl"]
    put(s3, bucket, *files, "wheels/README.txt")
    export(settings, bucket, tmp_path, base_url="https://pkgs.example/", pep503=True)
    index = BeautifulSoup((tmp_path / "simple" / "index.html").read_text(), "html.parser")
    assert [(a.text, a["href"]) for a in index.select("a")] == [("my-pkg", "my-pkg/"), ("other", "other/")]
    project = BeautifulSoup((tmp_path / "simple" / "my-pkg" / "index.html").read_text(), "html.parser")
    assert [a["href"] for a in project.select("a")] == [
        "https://pkgs.example/wheels/My_Pkg-1.0-py3-none-any.whl",
        "https://pkgs.example/wheels/my.pkg-1.1.tar.gz",
    ]


def test_an_interrupted_export_leaves_no_half_written_page(
    settings: Settings, s3: Any, bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listing, "WALKED_PAGE", 50)
    put(s3, bucket, *(f"k{n:04d}" for n in range(75)))  # two listing pages
    export(settings, bucket, tmp_path, base_url="https://cdn.example/")
    before = (tmp_path / "index.html").read_text()
    exporter = Exporter(settings, ExportOptions(bucket=bucket, root="", out=tmp_path, base_url="https://x.example/"))
    real = exporter.storage.walk_ranges

    def cut_after_first_page(walk: Any) -> Any:  # in a listing thread: the interrupt reaches the pass from there
        yield next(walk)
        raise KeyboardInterrupt

    monkeypatch.setattr(exporter.storage, "walk_ranges", lambda *args: [cut_after_first_page(real(*args)[0])])
    with pytest.raises(KeyboardInterrupt):
        exporter.run()
    assert (tmp_path / "index.html").read_text() == before
    assert not list(tmp_path.rglob("*.tmp"))


def run_export(moto_endpoint: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "S3_ENDPOINT_URL": moto_endpoint, "S3_ADDRESSING_STYLE": "path"}
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", "export", *args], capture_output=True, text=True, env=env
    )


def test_the_command_reports_progress_and_fails_clearly(
    moto_endpoint: str, bucket: str, s3: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    put(s3, bucket, "x/y")
    done = run_export(moto_endpoint, f"s3://{bucket}", "--out", str(tmp_path / "site"), "--presign", "60")
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("1 key, 2 folders, 2 pages written, ") and done.stderr.endswith(" keys/s\n")
    assert "2 pages written" in done.stdout
    quiet = run_export(moto_endpoint, f"s3://{bucket}", "--out", str(tmp_path / "site"), "--presign", "60", "--quiet")
    assert quiet.returncode == 0 and quiet.stderr == "" and "2 pages written" in quiet.stdout
    monkeypatch.setenv("S3_ENDPOINT_URL", moto_endpoint)  # the refusals, in this process: the same main()
    monkeypatch.setenv("S3_ADDRESSING_STYLE", "path")
    cases = [
        (["s3://no-such-bucket-here", "--out", str(tmp_path / "n"), "--presign", "60"], "does not exist"),
        ([f"s3://{bucket}", "--out", "/proc/forbidden", "--presign", "60"], "Cannot write to /proc/forbidden"),
        ([f"s3://{bucket}", "--out", str(tmp_path / "m")], "choose how files are linked"),
        (["bucket-without-scheme", "--out", str(tmp_path / "m"), "--presign", "1"], "Expected s3://BUCKET"),
        ([f"s3://{bucket}", "--out", str(tmp_path / "m"), "--presign", "60", "--incremental"], "--incremental"),
        ([f"s3://{bucket}", "--out", str(tmp_path / "m"), "--presign", "60", "--feed", "-1"], "--feed is a number"),
        ([f"s3://{bucket}", "--out", str(tmp_path / "m"), "--presign", "60", "--site-url", "site"], "--site-url is"),
        ([f"s3://{bucket}", "--out", str(tmp_path / "m"), "--presign", "60", "--list-workers", "0"], "1 to 8"),
        ([f"s3://{bucket}", "--out", str(tmp_path / "m"), "--presign", "60", "--website"], "give --publish too"),
    ]
    for args, message in cases:
        assert cli.main(["export", *args]) == 2, args
        said = capsys.readouterr().err
        assert message in said and "Traceback" not in said, said


def test_access_denied_is_a_clear_error(seaweed_endpoint: str, tmp_path: Path) -> None:
    env = {**os.environ, "S3_ENDPOINT_URL": seaweed_endpoint, "S3_ADDRESSING_STYLE": "path"}
    env.update(AWS_ACCESS_KEY_ID="AKIDUNKNOWN", AWS_SECRET_ACCESS_KEY="wrong")
    failed = subprocess.run(
        [sys.executable, "-m", "gateway.cli", "export", "s3://anything", "--out", str(tmp_path), "--presign", "60"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert failed.returncode == 2
    assert "refused access" in failed.stderr and "Traceback" not in failed.stderr


def test_folder_names_become_safe_directory_names() -> None:
    from gateway.export import fs_segment

    assert [fs_segment(n) for n in ["", ".", "..", "a b", "x/y", "%", "ü"]] == [
        "%",
        "%%2E",
        "%%2E%2E",
        "a b",
        "x%2Fy",
        "%25",
        "%C3%BC",
    ]


@pytest.fixture(name="exporter_for_hrefs", scope="module")
def fx_exporter_for_hrefs(moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Exporter:
    """An export of bucket `hrefs` linking files to the bucket's own address, as for a public bucket."""
    settings = Settings(endpoint_url=moto_endpoint, region="us-east-1", addressing_style="path")
    options = ExportOptions("hrefs", "", tmp_path_factory.mktemp("hrefs"), base_url=f"{moto_endpoint}/hrefs/")
    return Exporter(settings, options)


@hypothesis_settings(
    max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(key=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60))
def test_file_hrefs_quote_keys_as_s3_expects(exporter_for_hrefs: Exporter, key: str) -> None:
    """Exporter.file_href with --base-url gives the object's own address, byte for byte what botocore writes for
    it (spaces, '+', '%', '#', '?', unicode, a leading '/'), so a link fetches exactly that key."""
    base = exporter_for_hrefs.options.base_url
    expected = exporter_for_hrefs.storage.object_url("hrefs", key)  # botocore's per-bucket prefix + its key quoting
    assert base is not None and exporter_for_hrefs.file_href(key) == expected


def test_progress_says_how_long_is_left_against_the_last_exports_key_count(settings: Settings, tmp_path: Path) -> None:
    progress = io.StringIO()
    exporter = Exporter(settings, ExportOptions("b", "", tmp_path, base_url="https://x/"), progress=progress)
    exporter.expected, exporter.report.objects, exporter.report.pages_written = 1000, 250, 3
    exporter.started, exporter.shown = time.monotonic() - 10, 0.0  # 25 keys a second, and no line for a while
    exporter.tick()
    exporter.tick()  # too soon after the last line: nothing
    exporter.report.objects = 1000
    exporter.tick(final=True)
    first, last = progress.getvalue().splitlines()
    assert first.startswith("250 keys, 3 folders, 3 pages written, 25 keys/s, about 0:30 left")
    assert first.endswith("(the last export had 1,000 keys)") and last.endswith("keys/s")
    exporter.storage.close()


ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_pages_come_gzipped_with_a_feed_of_the_newest_files_and_a_sitemap(
    settings: Settings, s3: Any, bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    put(s3, bucket, "a.txt", "d/b <&>.txt", "d/e/c.txt", "f/")
    export(settings, bucket, tmp_path, base_url="https://cdn.example/", feed=2, site_url="https://site.example/m/",
           brotli=True)  # fmt: skip
    for page in pages(tmp_path):
        assert gzip.decompress(page.with_name("index.html.gz").read_bytes()) == page.read_bytes()
        assert brotli.decompress(page.with_name("index.html.br").read_bytes()) == page.read_bytes()
    feed = ElementTree.parse(tmp_path / "feed.atom").getroot()  # well-formed XML, in Atom's namespace
    listed = s3.list_objects_v2(Bucket=bucket)["Contents"]
    newest = sorted((o for o in listed if not o["Key"].endswith("/")), key=lambda o: (o["LastModified"], o["Key"]))
    assert [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")] == [o["Key"] for o in newest[::-1][:2]]
    assert all(e.find(f"{ATOM}link").get("href").startswith("https://cdn.example/") for e in feed.iter(f"{ATOM}entry"))
    urls = [loc.text for loc in ElementTree.parse(tmp_path / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")]
    assert sorted(urls) == [f"https://site.example/m/{p}" for p in ("", "d/", "d/e/", "f/")]
    monkeypatch.setattr(feeds, "SITEMAP_URLS", 3)  # more pages than one sitemap may hold: parts and their index
    export(settings, bucket, tmp_path / "parts", base_url="https://cdn.example/", site_url="https://site.example/")
    index = ElementTree.parse(tmp_path / "parts" / "sitemap.xml").getroot()
    assert index.tag == f"{SITEMAP}sitemapindex"
    parts = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert parts == ["https://site.example/sitemap-1.xml", "https://site.example/sitemap-2.xml"]
    in_parts = [len(list(ElementTree.parse(tmp_path / "parts" / f"sitemap-{n}.xml").getroot())) for n in (1, 2)]
    assert in_parts == [3, 1]


def test_the_search_index_holds_each_key_once_in_runs_of_its_folder(
    settings: Settings, s3: Any, bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = ["a.txt", *(f"d/{n}.txt" for n in range(5)), "d/e/ü %.txt", "d/z.txt", "f/"]
    put(s3, bucket, *keys)
    monkeypatch.setattr(feeds.SearchIndex, "RUN_NAMES", 3)
    export(settings, bucket, tmp_path, root="", base_url="https://cdn.example/", brotli=True)
    index = tmp_path / "_s3m" / "search.ndjson"
    head, *runs = map(json.loads, index.read_text().splitlines())
    assert head == {"root": "", "base": "https://cdn.example/"}
    assert [key for folder, _, *names in runs for key in (folder + name for name in names)] == sorted(keys[:-1])
    assert [(folder, page, len(names)) for folder, page, *names in runs] == [
        ("", "", 1),
        ("d/", "d/", 3),
        ("d/", "d/", 2),
        ("d/e/", "d/e/", 1),
        ("d/", "d/", 1),
    ]  # a run ends at another folder, or past RUN_NAMES names
    assert gzip.decompress(index.with_name("search.ndjson.gz").read_bytes()) == index.read_bytes()
    assert brotli.decompress(index.with_name("search.ndjson.br").read_bytes()) == index.read_bytes()


@pytest.mark.parametrize(
    "row",
    [
        ExportRow(True, "sub <b>", "sub%20%3Cb%3E/index.html", key="a/sub <b>/"),
        ExportRow(True, "", "%25/index.html", key="a//"),
        ExportRow(
            False, "f & g.txt", "https://cdn.example/a/f%20%26%20g.txt", 2048, datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
        ),
        ExportRow(False, "old.tar", "https://cdn.example/a/old.tar", 10**9, None, storage_class="GLACIER"),
    ],
)
def test_exported_rows_have_the_explorers_cells(settings: Settings, row: ExportRow) -> None:
    """The export writes the explorer's cell macros out (a macro call per row is slow): the same markup, byte for
    byte."""
    env = make_environment(settings)
    cells = env.get_template("macros/listing.html").module
    exported = env.get_template("export/index.html").module.rows([row])
    if row.is_folder:
        assert exported == f'<tr class="folder">{cells.folder_cells(row.href, row.name)}</tr>\n'
    else:
        assert exported == f'<tr class="object">{cells.object_cells(row.href, row)}</tr>\n'
