"""The CORS doctor's verdicts on bucket rules, for the explorer's origin."""

from __future__ import annotations

import pytest

from gateway.rules.buckets import cors_problems, cors_rule, origin_matches, with_upload_rule

ORIGIN = "https://files.example.com"


@pytest.mark.parametrize(
    ("pattern", "matches"),
    [("*", True), (ORIGIN, True), ("https://*.example.com", True), ("http://*.example.com", False),
     ("https://*.example.org", False), ("https://example.com", False)],
)  # fmt: skip
def test_origins_match_as_s3_matches_them(pattern: str, matches: bool) -> None:
    assert origin_matches(pattern, ORIGIN) is matches


def test_no_rules_or_another_origin_block_uploads() -> None:
    assert cors_problems([], ORIGIN)[0].startswith("No rule allows the origin https://files.example.com")
    assert cors_problems([cors_rule(["https://other.example"])], ORIGIN)[0].startswith("No rule allows")


def test_each_missing_piece_is_named() -> None:
    rule = {"AllowedOrigins": [ORIGIN], "AllowedMethods": ["GET"], "AllowedHeaders": ["x-amz-date"]}
    problems = cors_problems([rule], ORIGIN)
    assert "Methods not allowed for https://files.example.com: PUT, POST, HEAD." in problems
    assert any("Content-Type" in p for p in problems) and any("ETag is not exposed" in p for p in problems)


def test_the_explorer_rule_fixes_any_rules_and_keeps_them() -> None:
    theirs = [{"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["GET"]}]
    fixed = with_upload_rule(theirs, ORIGIN)
    assert cors_problems(fixed, ORIGIN) == [] and fixed[1:] == theirs
