"""Presigning in-process: the fast signer against boto3's generate_presigned_url and the bare hashing it needs.

The bare cost is what any SigV4 query signature must do: SHA-256 of the canonical request, then one HMAC with the
day's (cached) key. Targets: the fast signer at least 10x boto3, and within 2x of the bare cost.

    python bench/presign.py [--count 50000] [--json bench/results/presign.json]
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import timeit
from pathlib import Path

from report import report  # bench/report.py: the script's own folder is on sys.path

from gateway.s3 import S3Storage
from gateway.settings import Settings

CANONICAL = (
    "GET\n/bench/some/key.bin\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20261124%2Fus-east-1"
    "%2Fs3%2Faws4_request&X-Amz-Date=20261124T120000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host\n"
    "host:127.0.0.1:9000\n\nhost\nUNSIGNED-PAYLOAD"
)


def per_call_us(fn: object, count: int) -> float:
    return min(timeit.repeat(fn, number=count, repeat=3)) / count * 1e6  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=50_000, help="URLs per timing (default: %(default)s)")
    parser.add_argument("--json", type=Path, default=Path("bench/results/presign.json"), help="results file")
    args = parser.parse_args()
    os.environ.update(
        {"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_REGION": "us-east-1"}
    )
    storage = S3Storage(Settings(endpoint_url="http://127.0.0.1:9000", addressing_style="path"))
    key = storage.fast.signing_key("secret", "20261124")

    def bare() -> str:
        digest = hashlib.sha256(CANONICAL.encode()).hexdigest()
        to_sign = f"AWS4-HMAC-SHA256\n20261124T120000Z\n20261124/us-east-1/s3/aws4_request\n{digest}"
        return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()

    params = {"Bucket": "bench", "Key": "some/key.bin"}
    figures = {
        "boto3_us": per_call_us(
            lambda: storage.signer.generate_presigned_url("get_object", Params=params, ExpiresIn=3600),
            max(args.count // 25, 100),
        ),
        "fast_us": per_call_us(lambda: storage.fast.url("GET", "bench", "some/key.bin", 3600), args.count),
        "fast_part_us": per_call_us(
            lambda: storage.presign_part("bench", "movie.bin", "upload-id-123", 42, 3600), args.count
        ),
        "bare_hmac_us": per_call_us(bare, args.count),
    }
    ratios = {
        "boto3 / fast (target >= 10)": figures["boto3_us"] / figures["fast_us"],
        "fast / bare (target <= 2)": figures["fast_us"] / figures["bare_hmac_us"],
    }
    report(args.json, "presign one GET URL, in-process (best of 3)", figures, ratios, "us")


if __name__ == "__main__":
    main()
