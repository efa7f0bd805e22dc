"""One version, in gateway/__init__.py: the command, the API and the forges' release step (.ci/release.py) all say
it, and a release needs a tag that matches it and a CHANGELOG.md section, whose text becomes the release notes."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from litestar.testing import TestClient

from gateway import __version__
from gateway.app import create_app

ROOT = Path(__file__).resolve().parents[2]
RELEASE = ROOT / ".ci" / "release.py"


def release_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("release", RELEASE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True)


def test_the_command_and_the_api_report_the_one_version(moto_endpoint: str) -> None:
    assert run("-m", "gateway.cli", "--version").stdout.strip() == f"s3-manager {__version__}"
    with TestClient(create_app()) as client:
        assert client.get("/api/v1").json()["version"] == __version__


def test_the_release_step_reads_the_version_and_its_changelog_section() -> None:
    assert run(str(RELEASE), "version").stdout.strip() == __version__
    notes = run(str(RELEASE), "notes")
    assert notes.returncode == 0 and notes.stdout.strip()
    assert notes.stdout in (ROOT / "CHANGELOG.md").read_text()


def test_a_tag_other_than_the_version_stops_the_release() -> None:
    refused = run(str(RELEASE), "check", "v99.0.0")
    assert refused.returncode == 1
    assert f"the tag v99.0.0 is not v{__version__}" in refused.stderr


def release_root(tmp_path: Path, changelog: str) -> Path:
    (tmp_path / "gateway").mkdir()
    (tmp_path / "gateway" / "__init__.py").write_text('__version__ = "1.2.3"\n')
    (tmp_path / "CHANGELOG.md").write_text(changelog)
    return tmp_path


@pytest.mark.parametrize(
    ("changelog", "says"),
    [
        ("## [0.9.0] - 2026-01-01\n\n- older\n", "CHANGELOG.md has no section '## [1.2.3]'"),
        ("## [1.2.3] - 2026-01-01\n\n## [0.9.0]\n\n- older\n", "CHANGELOG.md's section for 1.2.3 is empty"),
        ("## [1.2.3] - Unreleased\n\n- new\n", "'## [1.2.3] - Unreleased' has no release date"),
    ],
)
def test_a_release_without_dated_notes_is_refused(tmp_path: Path, changelog: str, says: str) -> None:
    with pytest.raises(SystemExit, match=re.escape(says)):
        release_module().check("v1.2.3", release_root(tmp_path, f"# Changelog\n\n{changelog}"))


def test_a_dated_section_and_its_tag_make_a_release(tmp_path: Path) -> None:
    release_module().check("v1.2.3", release_root(tmp_path, "# Changelog\n\n## [1.2.3] - 2026-12-02\n\n- new\n"))


def test_the_notes_are_the_versions_section_only(tmp_path: Path) -> None:
    (tmp_path / "CHANGELOG.md").write_text(
        "# Changelog\n\n## [Unreleased]\n\n- next\n\n"
        "## [1.2.3] - 2026-01-01\n\n### Added\n- this\n\n"
        "## [1.2.2]\n\n- not this\n"
    )
    assert release_module().notes("1.2.3", tmp_path) == "### Added\n- this\n"
