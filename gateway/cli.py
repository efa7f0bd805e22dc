"""The `s3-manager` command: serve the gateway with granian, or run it on an embedded demo S3."""

from __future__ import annotations

import argparse
import getpass
import ipaddress
import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

from gateway import __version__
from gateway.errors import GatewayError
from gateway.security.grants import hash_password, load_access, token_digest
from gateway.security.headers import SAME_SITE_WARNING, store_shares_site
from gateway.settings import Settings, SettingsError
from gateway.stores import StoreConfig, load_stores


def serve(host: str, port: int, workers: int, reload: bool = False) -> None:
    """Run granian in the foreground with the app factory (ASGI: granian's default RSGI would fail)."""
    from granian import Granian
    from granian.constants import Interfaces

    # Every worker must sign CSRF tokens with the same key, or a form served by one fails on another.
    os.environ.setdefault("S3M_SECRET_KEY", secrets.token_urlsafe(32))
    settings = Settings.from_env()  # fail here, with the variable's name, rather than in every worker
    if settings.access_file is not None:
        load_access(settings.access_file)  # a bad file stops start-up here, with what is wrong
    elif not is_loopback(host):
        if not settings.allow_anonymous:
            raise SettingsError(
                f"refusing to serve on {host} without sign-in: anyone who reaches it could read and delete the whole "
                "store. Set S3M_ACCESS_FILE (see the README), or S3M_ALLOW_ANONYMOUS=true if something in front "
                "of the gateway already controls access."
            )
        print(f"s3-manager: WARNING: serving on {host} with no sign-in (S3M_ALLOW_ANONYMOUS=true)", file=sys.stderr)
    if store_shares_site(settings, "localhost" if is_loopback(host) else host):
        print(f"s3-manager: WARNING: {SAME_SITE_WARNING}", file=sys.stderr)
    samples = metrics_directory() if workers > 1 and settings.metrics else None
    try:
        Granian(
            "gateway.app:create_app",
            factory=True,
            interface=Interfaces.ASGI,
            address=host,
            port=port,
            workers=workers,
            reload=reload,
            log_access=False,  # the gateway logs each request itself, with its id and route (observability/requests.py)
        ).serve()
    finally:
        if samples is not None:
            shutil.rmtree(samples, ignore_errors=True)


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def metrics_directory() -> Path:
    """A fresh directory where each worker keeps its metric samples, so /metrics can sum them (observability/).

    Set in the environment before granian starts the workers, and before anything imports prometheus_client, which
    reads it once. On tmpfs when there is one: /dev/shm is writable even in a read-only container.
    """
    shm = Path("/dev/shm")
    directory = Path(tempfile.mkdtemp(prefix="s3m-metrics-", dir=shm if os.access(shm, os.W_OK) else None))
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)
    return directory


def demo(host: str, port: int) -> None:
    """Start moto on loopback, seed it, point the gateway at it, and serve until interrupted."""
    from gateway.demo import DEMO_CREDENTIALS, DEMO_SETTINGS, seed, start_moto
    from gateway.s3 import S3Storage

    server, endpoint = start_moto()
    try:
        os.environ.update(DEMO_CREDENTIALS, S3_ENDPOINT_URL=endpoint, S3_ADDRESSING_STYLE="path")
        for name, value in DEMO_SETTINGS.items():
            os.environ.setdefault(name, value)
        os.environ.pop("S3_PUBLIC_ENDPOINT_URL", None)
        storage = S3Storage(Settings.from_env())
        seed(storage, [f"http://{host}:{port}", f"http://localhost:{port}"])
        storage.close()
        print(f"Embedded S3 (moto) at {endpoint}; explorer at http://{host}:{port}/  (Ctrl-C stops both)", flush=True)
        serve(host, port, workers=1)
    finally:
        server.stop()


def bucket_setup(bucket: str, origins: list[str], wait: float) -> None:
    """Create `bucket` in the configured store if missing, with the CORS rule browser uploads from `origins` need.

    Waits up to `wait` seconds for the store to answer: some compose engines (podman-compose on Podman 4.3) start
    this step without waiting for the store's health check.
    """
    from gateway.errors import StoreUnavailable
    from gateway.rules.keys import check_bucket_name
    from gateway.s3 import S3Storage

    storage = S3Storage(Settings.from_env())
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                created = storage.ensure_bucket(check_bucket_name(bucket), origins)
                break
            except StoreUnavailable:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
    finally:
        storage.close()
    print(f"bucket {bucket}: {'created' if created else 'exists'}; CORS allows {', '.join(origins) or 'no origin'}")


def export(args: argparse.Namespace) -> None:
    """Write the static site, and say what was done."""
    from gateway.export import Exporter, ExportOptions
    from gateway.rules.keys import parse_s3_url
    from gateway.s3.client import FAN_OUT

    bucket, root = parse_s3_url(args.source)
    if (args.base_url is None) == (args.presign is None):
        raise SettingsError(
            "choose how files are linked: --base-url URL (a public bucket or CDN) or --presign SECONDS (private)"
        )
    if args.presign is not None and not 1 <= args.presign <= 604800:
        raise SettingsError("--presign must be between 1 and 604800 seconds (SigV4's 7 days)")
    if args.brotli and not args.no_precompress:
        from gateway.feeds import BROTLI_INSTALLED

        if not BROTLI_INSTALLED:
            raise SettingsError("--brotli needs the export extra: pip install 's3-manager[export]'")
    if args.feed < 0:
        raise SettingsError("--feed is a number of files: 0 (no feed) or more")
    if not 1 <= args.list_workers <= FAN_OUT:  # each holds one of the client's connections
        raise SettingsError(f"--list-workers is a number of threads listing side by side: 1 to {FAN_OUT}")
    if args.site_url is not None and not args.site_url.startswith(("https://", "http://")):
        raise SettingsError("--site-url is the address OUT is served from, starting with https:// or http://")
    if args.website and args.publish is None:
        raise SettingsError("--website makes the bucket published to a website: give --publish too")
    if args.incremental and args.presign is not None:
        raise SettingsError("--incremental keeps unchanged pages, whose presigned links would expire: use --base-url")
    publish_to = None
    if args.publish is not None:
        publish_to = (bucket, root) if args.publish == "" else parse_s3_url(args.publish)
    base_url = None if args.base_url is None else args.base_url.rstrip("/") + "/"
    options = ExportOptions(
        bucket=bucket,
        root=root,
        out=args.out,
        base_url=base_url,
        presign_expires=args.presign,
        write_json=args.json,
        pep503=args.pep503,
        incremental=args.incremental,
        publish_to=publish_to,
        website=args.website,
        precompress=not args.no_precompress,
        brotli=args.brotli and not args.no_precompress,
        search=not args.no_search,
        feed=args.feed,
        list_workers=args.list_workers,
        site_url=None if args.site_url is None else args.site_url.rstrip("/") + "/",
    )
    settings = Settings.from_env()
    report = Exporter(settings, options, None if args.quiet else sys.stderr, store_named(settings, args.store)).run()
    print(
        f"exported s3://{bucket}/{root} to {args.out}: {report.pages_written} pages written, "
        f"{report.pages_unchanged} unchanged, {report.pages_removed} removed, {report.objects} objects"
    )


def store_named(settings: Settings, name: str | None) -> StoreConfig:
    """The store of the access file with that name (the default one when None), or an error naming the others."""
    stores = load_stores(settings)
    found = stores[0] if name is None else next((store for store in stores if store.name == name), None)
    if found is None:
        raise SettingsError(f"there is no store {name!r}: the stores are {', '.join(s.name for s in stores)}")
    return found


def add_address(command: argparse.ArgumentParser) -> None:
    command.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    command.add_argument("--port", type=int, default=8000, help="port to listen on (default: %(default)s)")


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="s3-manager", description="A stateless S3 explorer and presigning gateway.")
    root.add_argument("--version", action="version", version=f"s3-manager {__version__}")
    commands = root.add_subparsers(dest="command", required=True)

    run = commands.add_parser(
        "serve",
        help="serve the explorer against the store configured in the environment",
        description="Serve the explorer with granian. The store comes from S3_ENDPOINT_URL (unset: AWS) and "
        "boto3's usual credentials (AWS_ACCESS_KEY_ID, AWS_PROFILE, ...); see the README for every variable.",
    )
    add_address(run)
    run.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("S3M_WORKERS", "1")),
        help="worker processes (default: S3M_WORKERS or 1)",
    )
    run.add_argument("--reload", action="store_true", help="restart when the code changes (development)")

    try_it = commands.add_parser(
        "demo",
        help="run the explorer on an embedded S3 with demo data",
        description="Start an embedded S3 (moto's server, on 127.0.0.1) with a 'demo' bucket of nested folders "
        "and a few hundred files, then serve the explorer against it. Nothing is written to disk.",
    )
    add_address(try_it)

    setup = commands.add_parser(
        "bucket-setup",
        help="create a bucket if missing and give it the CORS rule browser uploads need",
        description="Create BUCKET in the store configured in the environment unless it exists, then set its CORS "
        "rule: each --origin may GET, PUT and POST, and read the ETag header (multipart uploads need it).",
    )
    setup.add_argument("bucket", help="the bucket's name")
    setup.add_argument("--origin", action="append", default=[], help="an origin the explorer is served from (repeat)")
    setup.add_argument(
        "--wait", type=float, default=30, help="seconds to wait for the store to answer (default: %(default)s)"
    )

    commands.add_parser(
        "hash-password",
        help="hash a password for the access file (read from the terminal, or one line of stdin)",
        description='Print the scrypt hash to put in S3M_ACCESS_FILE as [users.NAME] password = "...".',
    )
    token = commands.add_parser(
        "hash-token",
        help="make an API token (or hash yours) for the access file",
        description='Print a new random token (or TOKEN) and its SHA-256, for [tokens.NAME] sha256 = "...". '
        "Only the hash goes into the file; give the token to the program that will use it.",
    )
    token.add_argument("token", nargs="?", help="an existing token to hash (default: make a new one)")

    static = commands.add_parser(
        "export",
        help="write a bucket's listing as a static site (one index.html per prefix)",
        description="Write one index.html per prefix under SOURCE, with the explorer's look and relative links "
        "between pages, streaming the listing so memory stays flat. Files link to --base-url + key, or to URLs "
        "presigned for --presign seconds. The store comes from the environment, as for serve.",
    )
    static.add_argument("source", help="s3://BUCKET or s3://BUCKET/PREFIX")
    static.add_argument("--out", type=Path, required=True, help="the folder to write the site into")
    static.add_argument("--base-url", help="link files to BASE_URL + key (a public bucket, or a CDN in front of it)")
    static.add_argument("--presign", type=int, metavar="SECONDS", help="link files to URLs presigned for SECONDS")
    static.add_argument("--json", action="store_true", help="also write index.json beside each page")
    static.add_argument("--pep503", action="store_true", help="also write a PEP 503 simple index in OUT/simple/")
    static.add_argument(
        "--incremental", action="store_true", help="rewrite only pages whose prefix changed since the last export"
    )
    static.add_argument("--quiet", action="store_true", help="no progress on stderr (the summary still goes to stdout)")
    static.add_argument(
        "--no-search", action="store_true", help="no search box on the pages, and no index of the keys for it"
    )
    static.add_argument(
        "--no-precompress", action="store_true", help="no index.html.gz beside each page (static servers send those)"
    )
    static.add_argument(
        "--brotli", action="store_true", help="also index.html.br beside each page (the export extra: brotli)"
    )
    static.add_argument(
        "--feed", type=int, default=0, metavar="N", help="an Atom feed of the newest N files: OUT/feed.atom"
    )
    static.add_argument(
        "--store", metavar="NAME", help="the store of the access file to export from (default: the default store)"
    )
    static.add_argument(
        "--list-workers",
        type=int,
        default=1,
        metavar="N",
        help="threads listing parts of the prefix side by side, for a store far away (default: one listing)",
    )
    static.add_argument(
        "--site-url", metavar="URL", help="where OUT is served from; with it, OUT/sitemap.xml of every page"
    )
    static.add_argument(
        "--publish",
        nargs="?",
        const="",
        metavar="s3://BUCKET/PREFIX",
        help="upload the pages into the exported prefix (or the one given), for S3 static website hosting",
    )
    static.add_argument(
        "--website",
        action="store_true",
        help="with --publish: make that bucket a static website (each folder answered by its index.html)",
    )
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.command == "serve":
            serve(args.host, args.port, args.workers, args.reload)
        elif args.command == "bucket-setup":
            bucket_setup(args.bucket, args.origin, args.wait)
        elif args.command == "export":
            export(args)
        elif args.command == "hash-password":
            print(
                hash_password(
                    getpass.getpass("Password: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
                )
            )
        elif args.command == "hash-token":
            token = args.token or secrets.token_urlsafe(32)
            print(f"token:  {token}\nsha256: {token_digest(token)}")
        else:
            demo(args.host, args.port)
    except (SettingsError, GatewayError) as exc:
        print(f"s3-manager: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
