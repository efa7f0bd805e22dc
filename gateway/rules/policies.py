"""Bucket policies as the settings page edits them: what is wrong with one (a sentence per problem, before the store
sees it), what it makes public, the statement for the common case (anyone may read one prefix), and the change
shown as a diff before it is saved. Pure: the S3 layer only reads, puts and deletes the JSON."""

from __future__ import annotations

import difflib
import json
from typing import Any

VERSIONS = ("2012-10-17", "2008-10-17")
EFFECTS = ("Allow", "Deny")


def parsed(text: str) -> tuple[dict[str, Any] | None, list[str]]:
    """The policy a text holds, and its problems: none means the store may be asked to take it."""
    try:
        policy = json.loads(text)
    except ValueError as exc:
        return None, [f"The policy is not JSON: {exc}."]
    if not isinstance(policy, dict):
        return None, ['The policy is a JSON object: {"Version": ..., "Statement": [...]}.']
    return policy, []


def policy_problems(text: str, bucket: str) -> list[str]:
    """Each problem of a bucket policy, as a sentence; an empty list for one worth sending to the store."""
    policy, problems = parsed(text)
    if policy is None:
        return problems
    if policy.get("Version") not in VERSIONS:
        problems.append(f'"Version" must be "{VERSIONS[0]}".')
    statements = policy.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        return [*problems, '"Statement" must list at least one statement.']
    for number, statement in enumerate(statements, 1):
        problems += [f"Statement {number}: {p}" for p in statement_problems(statement, bucket)]
    return problems


def statement_problems(statement: Any, bucket: str) -> list[str]:
    if not isinstance(statement, dict):
        return ["it must be a JSON object."]
    problems = []
    if statement.get("Effect") not in EFFECTS:
        problems.append('"Effect" must be "Allow" or "Deny".')
    if not ({"Principal", "NotPrincipal"} & statement.keys()):
        problems.append('a bucket policy names who it is for: add "Principal" ("*" for anyone).')
    if not ({"Action", "NotAction"} & statement.keys()):
        problems.append('"Action" is missing (for example "s3:GetObject").')
    actions = as_list(statement.get("Action", statement.get("NotAction", [])))
    if any(not isinstance(a, str) or (a != "*" and not a.startswith("s3:")) for a in actions):
        problems.append('each action is "s3:..." or "*".')
    resources = as_list(statement.get("Resource", statement.get("NotResource")))
    if not resources:
        problems.append(f'"Resource" is missing (for example "arn:aws:s3:::{bucket}/*").')
    own = f"arn:aws:s3:::{bucket}"
    for resource in resources:
        if not isinstance(resource, str) or not (resource == own or resource.startswith(own + "/")):
            problems.append(f"{resource} is not in this bucket: resources start with {own}.")
    return problems


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def public_grants(text: str) -> list[str]:
    """What a valid policy lets anyone do (statements allowing every principal, with no condition), in words."""
    policy, _ = parsed(text)
    statements = as_list(policy.get("Statement")) if policy else []
    found = []
    for statement in statements:
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow" or statement.get("Condition"):
            continue
        principal = statement.get("Principal")
        everyone = principal == "*" or (isinstance(principal, dict) and "*" in as_list(principal.get("AWS")))
        if everyone:
            actions = ", ".join(str(a) for a in as_list(statement.get("Action", statement.get("NotAction"))))
            resources = ", ".join(str(r) for r in as_list(statement.get("Resource", statement.get("NotResource"))))
            found.append(f"anyone on the internet may {actions} on {resources}")
    return found


def public_read(bucket: str, prefix: str) -> dict[str, Any]:
    """The statement that lets anyone read the objects under `prefix` (the whole bucket when empty)."""
    return {
        "Sid": f"PublicRead{''.join(c for c in prefix if c.isalnum())[:40]}",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/{prefix}*",
    }


def with_statement(text: str | None, statement: dict[str, Any]) -> str:
    """`text`'s policy (or a new one) with `statement` added, pretty-printed for review."""
    policy, _ = parsed(text) if text else (None, [])
    if policy is None:
        policy = {"Version": VERSIONS[0], "Statement": []}
    statements = [s for s in as_list(policy.get("Statement")) if s != statement]
    return pretty({**policy, "Statement": [*statements, statement]})


def pretty(policy: Any) -> str:
    return json.dumps(policy, indent=2)


def reformatted(text: str | None) -> str:
    """A policy as the page shows it: stores answer it compact, and a diff of one line says nothing."""
    if not text:
        return ""
    policy, _ = parsed(text)
    return pretty(policy) if policy is not None else text


def diff(before: str | None, after: str) -> str:
    """The change, line by line, as `diff -u` shows it."""
    lines = difflib.unified_diff(
        reformatted(before).splitlines(), reformatted(after).splitlines(), "now", "after saving", lineterm=""
    )
    return "\n".join(lines)
