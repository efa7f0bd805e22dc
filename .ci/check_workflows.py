"""What the forges' schemas (checked by check-jsonschema in `just lint`) cannot see, checked offline: every action
is pinned to the commit of a release named in .ci/actions.json (read from the action's action.yml at that tag) and
given only inputs it has and all it requires; a step's outputs are read only where they exist; every shell script
parses; GitLab jobs name existing stages and jobs. Prints one line per problem and exits 1 if there is any."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
ACTIONS: dict[str, dict[str, Any]] = json.loads((ROOT / ".ci/actions.json").read_text())
EXPRESSION = re.compile(r"\$\{\{.*?\}\}", re.S)
STEP_OUTPUT = re.compile(r"steps\.([\w-]+)\.outputs\.([\w-]+)")
GITLAB_KEYWORDS = {
    "stages",
    "variables",
    "default",
    "include",
    "workflow",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
}


def shell_problem(script: str, shell: str) -> str | None:
    """`bash -n` or `sh -n` on the script, with GitHub's ${{ }} expressions replaced by a word."""
    parsed = subprocess.run([shell, "-n"], input=EXPRESSION.sub("x", script), capture_output=True, text=True)
    if parsed.returncode == 0:
        return None
    return parsed.stderr.strip() or f"{shell} -n exited {parsed.returncode}"


def action_problems(step: dict[str, Any], text: str) -> list[str]:
    name, _, ref = str(step["uses"]).partition("@")
    known = ACTIONS.get(name)
    if known is None:
        return [f"{name} is not in .ci/actions.json (add it with its inputs, read from its action.yml)"]
    problems = []
    if ref != known["commit"]:
        problems.append(f"{name}@{ref}: pin it to {known['commit']} ({known['version']})")
    elif not re.search(rf"uses: {re.escape(name)}@{ref} # {re.escape(known['version'])}\s*$", text, re.M):
        problems.append(f"{name}@{ref}: say its version in a comment, `# {known['version']}`")
    given = set(step.get("with") or {})
    problems += [f"{name} has no input {key!r}" for key in sorted(given - set(known["inputs"]))]
    problems += [f"{name} needs the input {key!r}" for key in known["required"] if key not in given]
    return problems


def output_problems(job: dict[str, Any]) -> list[str]:
    """Each steps.ID.outputs.NAME read in the job exists: an action's declared output, or one a run step writes."""
    steps = {step["id"]: step for step in job.get("steps", []) if "id" in step}
    problems = []
    for step_id, output in sorted(set(STEP_OUTPUT.findall(json.dumps(job)))):
        step = steps.get(step_id)
        if step is None:
            problems.append(f"no step has the id {step_id!r}")
        elif "uses" in step:
            known = ACTIONS.get(str(step["uses"]).partition("@")[0], {"outputs": [output]})
            if output not in known["outputs"]:
                problems.append(f"step {step_id!r} ({step['uses'].partition('@')[0]}) has no output {output!r}")
        elif not re.search(rf"\b{re.escape(output)}=.*GITHUB_OUTPUT", step.get("run", "")):
            problems.append(f"step {step_id!r} does not write the output {output!r} to $GITHUB_OUTPUT")
    return problems


def github_problems(path: Path) -> list[str]:
    text = path.read_text()
    workflow = yaml.safe_load(text)
    problems = []
    for job_name, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            if "uses" in step:
                problems += action_problems(step, text)
            if "run" in step and (problem := shell_problem(step["run"], "bash")):
                problems.append(f"job {job_name}: a script does not parse: {problem}")
        problems += [f"job {job_name}: {problem}" for problem in output_problems(job)]
    return problems


def gitlab_problems(path: Path) -> list[str]:
    pipeline = yaml.safe_load(path.read_text())
    jobs = {name: job for name, job in pipeline.items() if name not in GITLAB_KEYWORDS and not name.startswith(".")}
    problems = []
    for name, job in jobs.items():
        if job.get("stage", "test") not in pipeline.get("stages", ["build", "test", "deploy"]):
            problems.append(f"job {name}: stage {job.get('stage')!r} is not in stages")
        needed = [need if isinstance(need, str) else need["job"] for need in job.get("needs", [])]
        problems += [f"job {name}: needs {need!r}, which is not a job" for need in needed if need not in jobs]
        for part in ("before_script", "script", "after_script"):
            if part in job and (problem := shell_problem("\n".join(job[part]), "sh")):
                problems.append(f"job {name}: its {part} does not parse: {problem}")
    return problems


def problems_in(path: Path) -> list[str]:
    return gitlab_problems(path) if path.name == ".gitlab-ci.yml" else github_problems(path)


def main(paths: list[str]) -> int:
    problems = [f"{name}: {problem}" for name in paths for problem in problems_in(Path(name))]
    print("\n".join(problems) if problems else f"workflows checked: {', '.join(paths)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
