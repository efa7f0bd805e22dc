"""The stand-in bases cost minutes of debootstrap on a fresh machine (ten for arm64 under qemu): where CI keeps a
directory between runs (S3M_STANDIN_CACHE, set by the forges' workflows), one is made once, saved there, and loaded
from there on the next fresh machine."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.container import conftest
from tests.container.conftest import STANDIN, exists, podman, python_standin

pytestmark = pytest.mark.container
PROBE = "localhost/python-standin:cache-probe"


def test_a_standin_saved_where_ci_keeps_it_is_loaded_rather_than_made_again(
    podman_ready: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[str] = []

    def make(tag: str, arch: str) -> None:
        """Instead of debootstrap: the real stand-in under the name asked for."""
        made.append(f"{tag} {arch}")
        podman("tag", STANDIN, tag)

    monkeypatch.setattr(conftest, "make_python_standin", make)
    monkeypatch.setenv("S3M_STANDIN_CACHE", str(tmp_path))
    try:
        python_standin(PROBE, "amd64")
        assert made == [f"{PROBE} amd64"]
        assert (tmp_path / "python-standin-amd64.tar").stat().st_size > 100_000_000
        podman("untag", PROBE, PROBE)  # a fresh machine's storage: the name gone
        assert not exists(PROBE)
        python_standin(PROBE, "amd64")
        assert made == [f"{PROBE} amd64"] and exists(PROBE)  # loaded, not made again
    finally:
        podman("untag", PROBE, PROBE, check=False)
