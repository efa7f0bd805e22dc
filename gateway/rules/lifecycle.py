"""Lifecycle rules as the settings page edits them: a form's fields made into one S3 rule, with a sentence for each
problem before the store sees it, and each rule said in words for the list. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.errors import BadRequest
from gateway.rules.limits import whole_number
from gateway.rules.metadata import parse_pairs

STORAGE_CLASSES = ("STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE")
ARCHIVED = ("GLACIER", "DEEP_ARCHIVE")  # read only after a restore
RESTORE_TIERS = ("Expedited", "Standard", "Bulk")
DAY_FIELDS = {
    "expire_days": "Expire current versions after",
    "noncurrent_days": "Delete older versions after",
    "transition_days": "Move to another class after",
    "abort_days": "Abort incomplete uploads after",
}


def rule_from_form(form: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The rule a form describes, and its problems as sentences (none: worth sending to the store)."""
    problems: list[str] = []
    rule_id = str(form.get("id", "")).strip()
    if not 1 <= len(rule_id) <= 255:
        problems.append("Name the rule (1 to 255 characters): a rule of the same name is replaced.")
    days: dict[str, int] = {}
    for name, label in DAY_FIELDS.items():
        text = str(form.get(name, "")).strip()
        if not text:
            continue
        number = whole_number(text, 1, 36500)
        if number is None:
            problems.append(f"{label}: a number of days, 1 to 36500, not {text!r}.")
        else:
            days[name] = number
    keep = str(form.get("keep_newest", "")).strip()
    keep_newest = whole_number(keep, 1, 100)
    markers = form.get("expired_markers") == "on"
    try:
        tags = parse_pairs(str(form.get("tags", "")), "=", "Tags")
    except BadRequest as exc:  # naming the line
        tags, problems = {}, [*problems, exc.message]
    if keep and keep_newest is None:
        problems.append(f"Keep the newest: 1 to 100 older versions, not {keep!r}.")
    if keep and "noncurrent_days" not in days:
        problems.append("Keeping the newest older versions goes with deleting the others after some days.")
    target = str(form.get("transition_class", ""))
    if "transition_days" in days and target not in STORAGE_CLASSES:
        problems.append(f"Move to which class? One of {', '.join(STORAGE_CLASSES)}.")
    if markers and ("expire_days" in days or tags):
        problems.append("Removing expired delete markers cannot go with expiring current versions, nor with tags.")
    if not days and not markers:
        problems.append("Choose at least one action: expire, delete older versions, move, remove markers or abort.")
    prefix = str(form.get("prefix", ""))
    rule: dict[str, Any] = {"ID": rule_id, "Status": "Disabled" if form.get("disabled") == "on" else "Enabled"}
    tag_list = [{"Key": k, "Value": v} for k, v in tags.items()]
    if tag_list and (prefix or len(tag_list) > 1):
        rule["Filter"] = {"And": {"Prefix": prefix, "Tags": tag_list}}
    elif tag_list:
        rule["Filter"] = {"Tag": tag_list[0]}
    else:
        rule["Filter"] = {"Prefix": prefix}
    if "expire_days" in days:
        rule["Expiration"] = {"Days": days["expire_days"]}
    elif markers:
        rule["Expiration"] = {"ExpiredObjectDeleteMarker": True}
    if "noncurrent_days" in days:
        rule["NoncurrentVersionExpiration"] = {"NoncurrentDays": days["noncurrent_days"]}
        if keep_newest is not None:
            rule["NoncurrentVersionExpiration"]["NewerNoncurrentVersions"] = keep_newest
    if "transition_days" in days and target in STORAGE_CLASSES:
        rule["Transitions"] = [{"Days": days["transition_days"], "StorageClass": target}]
    if "abort_days" in days:
        rule["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": days["abort_days"]}
    return rule, problems


def form_of(rule: dict[str, Any]) -> dict[str, str]:
    """The form's fields that describe `rule` (the reverse of rule_from_form), to edit it."""
    found = rule.get("Filter", {})
    scope = found.get("And", found)
    tags = scope.get("Tags", [scope["Tag"]] if "Tag" in scope else [])
    expiration, noncurrent = rule.get("Expiration", {}), rule.get("NoncurrentVersionExpiration", {})
    transition = (rule.get("Transitions") or [{}])[0]
    fields = {
        "id": rule.get("ID", ""),
        "prefix": scope.get("Prefix", rule.get("Prefix", "")),
        "tags": "".join(f"{t['Key']}={t['Value']}\n" for t in tags),
        "expire_days": expiration.get("Days", ""),
        "expired_markers": "on" if expiration.get("ExpiredObjectDeleteMarker") else "",
        "noncurrent_days": noncurrent.get("NoncurrentDays", ""),
        "keep_newest": noncurrent.get("NewerNoncurrentVersions", ""),
        "transition_days": transition.get("Days", ""),
        "transition_class": transition.get("StorageClass", ""),
        "abort_days": rule.get("AbortIncompleteMultipartUpload", {}).get("DaysAfterInitiation", ""),
        "disabled": "on" if rule.get("Status") == "Disabled" else "",
    }
    return {name: str(value) for name, value in fields.items()}


def rule_in_words(rule: dict[str, Any]) -> str:
    """One rule as a sentence: which objects, and what happens to them."""
    found = rule.get("Filter", {})
    scope = found.get("And", found)
    prefix = scope.get("Prefix", rule.get("Prefix", ""))
    tags = scope.get("Tags", [scope["Tag"]] if "Tag" in scope else [])
    which = f"under {prefix}" if prefix else "in the whole bucket"
    if tags:
        which += " tagged " + ", ".join(f"{t['Key']}={t['Value']}" for t in tags)
    actions = []
    expiration = rule.get("Expiration", {})
    if "Days" in expiration:
        actions.append(f"expire after {expiration['Days']} days")
    if expiration.get("ExpiredObjectDeleteMarker"):
        actions.append("remove delete markers left alone")
    noncurrent = rule.get("NoncurrentVersionExpiration", {})
    if "NoncurrentDays" in noncurrent:
        kept = noncurrent.get("NewerNoncurrentVersions")
        actions.append(
            f"delete older versions after {noncurrent['NoncurrentDays']} days"
            + (f", keeping the newest {kept}" if kept else "")
        )
    for transition in rule.get("Transitions", []):
        actions.append(f"move to {transition.get('StorageClass')} after {transition.get('Days')} days")
    if "AbortIncompleteMultipartUpload" in rule:
        actions.append(f"abort uploads after {rule['AbortIncompleteMultipartUpload']['DaysAfterInitiation']} days")
    status = "" if rule.get("Status") == "Enabled" else " (disabled)"
    return f"Objects {which}: {'; '.join(actions) or 'nothing'}{status}."
