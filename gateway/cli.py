"""The `s3-manager` command: serve the gateway with granian, or run it on an embedded demo S3."""

from __future__ import annotations

import argparse
import os
import secrets
import sys

from gateway.errors import GatewayError
from gateway.settings import Settings, SettingsError


def serve(host: str, port: int, workers: int, reload: bool = False) -> None:
    """Run granian in the foreground with the app factory (ASGI: granian's default RSGI would fail)."""
    from granian import Granian
    from granian.constants import Interfaces

    # Every worker must sign CSRF tokens with the same key, or a form served by one fails on another.
    os.environ.setdefault("S3M_SECRET_KEY", secrets.token_urlsafe(32))
    Settings.from_env()  # fail here, with the variable's name, rather than in every worker
    Granian(
        "gateway.app:create_app",
        factory=True,
        interface=Interfaces.ASGI,
        address=host,
        port=port,
        workers=workers,
        reload=reload,
        log_access=False,
    ).serve()


def demo(host: str, port: int) -> None:
    """Start moto on loopback, seed it, point the gateway at it, and serve until interrupted."""
    import boto3

    from gateway.demo import DEMO_CREDENTIALS, seed, start_moto
    from gateway.settings import Settings
    from gateway.storage import make_client

    server, endpoint = start_moto()
    try:
        os.environ.update(DEMO_CREDENTIALS, S3_ENDPOINT_URL=endpoint, S3_ADDRESSING_STYLE="path")
        os.environ.pop("S3_PUBLIC_ENDPOINT_URL", None)
        boto3.setup_default_session()
        seed(make_client(Settings.from_env(), endpoint), [f"http://{host}:{port}", f"http://localhost:{port}"])
        print(f"Embedded S3 (moto) at {endpoint}; explorer at http://{host}:{port}/  (Ctrl-C stops both)", flush=True)
        serve(host, port, workers=1)
    finally:
        server.stop()


def bucket_setup(bucket: str, origins: list[str]) -> None:
    """Create `bucket` in the configured store if missing, with the CORS rule browser uploads from `origins` need."""
    from gateway.bucket_setup import ensure_bucket
    from gateway.explorer import check_bucket_name
    from gateway.storage import make_client, translated

    settings = Settings.from_env()
    with translated(bucket, "", settings.endpoint_url):
        created = ensure_bucket(make_client(settings, settings.endpoint_url), check_bucket_name(bucket), origins)
    print(f"bucket {bucket}: {'created' if created else 'exists'}; CORS allows {', '.join(origins) or 'no origin'}")


def add_address(command: argparse.ArgumentParser) -> None:
    command.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    command.add_argument("--port", type=int, default=8000, help="port to listen on (default: %(default)s)")


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="s3-manager", description="A stateless S3 explorer and presigning gateway.")
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
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.command == "serve":
            serve(args.host, args.port, args.workers, args.reload)
        elif args.command == "bucket-setup":
            bucket_setup(args.bucket, args.origin)
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
