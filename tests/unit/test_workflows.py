"""The forges' workflow files as `just lint` checks them: the repository's pass, and each kind of mistake the offline
checker (.ci/check_workflows.py) exists for is found in a copy that has it."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
IMAGE_WORKFLOW = ROOT / ".github" / "workflows" / "image.yml"
GITLAB = ROOT / ".gitlab-ci.yml"
BUILD_PUSH = "docker/build-push-action@53b7df96c91f9c12dcc8a07bcb9ccacbed38856a # v7.3.0"


@pytest.fixture(name="checker", scope="module")
def fx_checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_workflows", ROOT / ".ci" / "check_workflows.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_repositorys_workflows_pass(checker: ModuleType) -> None:
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert [path.name for path in workflows] == ["image.yml", "test.yml"]
    for path in [*workflows, GITLAB]:
        assert checker.problems_in(path) == []


@pytest.mark.parametrize(
    ("original", "before", "after", "found"),
    [
        (IMAGE_WORKFLOW, BUILD_PUSH, "docker/build-push-action@v7", "docker/build-push-action@v7: pin it to 53b7df9"),
        (IMAGE_WORKFLOW, BUILD_PUSH, BUILD_PUSH.replace(" # v7.3.0", ""), "say its version in a comment, `# v7.3.0`"),
        (IMAGE_WORKFLOW, BUILD_PUSH, "docker/build-push-actions@v7", "docker/build-push-actions is not in .ci/actions"),
        (IMAGE_WORKFLOW, "          sbom: true", "          sbom: true\n          plaforms: x", "no input 'plaforms'"),
        (IMAGE_WORKFLOW, "steps.meta.outputs.tags", "steps.meta.outputs.tag", "(docker/metadata-action) has no output"),
        (
            IMAGE_WORKFLOW,
            "steps.version.outputs.version",
            "steps.version.outputs.number",
            "not write the output 'number'",
        ),
        (
            IMAGE_WORKFLOW,
            "steps.version.outputs.version",
            "steps.versions.outputs.version",
            "no step has the id 'versions'",
        ),
        (IMAGE_WORKFLOW, '          fi\n          echo "version', '          echo "version', "a script does not parse"),
        (GITLAB, "needs: [version, build-image]", "needs: [version, image]", "needs 'image', which is not a job"),
        (GITLAB, "  stage: release\n", "  stage: publish\n", "stage 'publish' is not in stages"),
        (GITLAB, "      fi\n      docker buildx", "      docker buildx", "its script does not parse"),
    ],
)
def test_each_mistake_is_found(
    checker: ModuleType, tmp_path: Path, original: Path, before: str, after: str, found: str
) -> None:
    text = original.read_text()
    assert before in text
    broken = tmp_path / original.name
    broken.write_text(text.replace(before, after, 1))
    problems = checker.problems_in(broken)
    assert any(found in problem for problem in problems), problems


def test_the_schemas_are_checked_offline(tmp_path: Path) -> None:
    """check-jsonschema carries the forges' schemas; `image` is a GitLab keyword, so a job of that name is an error
    (the first draft of .gitlab-ci.yml had one)."""
    checker = ROOT / ".venv" / "bin" / "check-jsonschema"
    broken = tmp_path / ".gitlab-ci.yml"
    broken.write_text(GITLAB.read_text().replace("build-image:", "image:"))
    for path, ok in ((GITLAB, True), (broken, False)):
        result = subprocess.run(
            [str(checker), "--builtin-schema", "vendor.gitlab-ci", str(path)], capture_output=True, text=True
        )
        assert (result.returncode == 0) is ok, result.stdout
