"""Object lock retention as the details page changes it: what a change may do under the retention in force, said
before the store is asked. Pure.

S3's rules: a COMPLIANCE retention can be neither shortened nor weakened by anyone until it ends; a GOVERNANCE one
can be lengthened by whoever may set retention, and shortened, lifted or changed only with the bypass permission."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from gateway.errors import BadRequest

MODES = ("GOVERNANCE", "COMPLIANCE")


def retain_until(text: str, now: datetime) -> datetime:
    """The end of a retention from a form's date (the end of that day, UTC); it must be in the future."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise BadRequest(f"Retain until a date such as 2030-01-31, not {text!r}.") from None
    until = datetime.combine(day, time(23, 59, 59), tzinfo=UTC)
    if until <= now:
        raise BadRequest("Retain until a day in the future.")
    return until


def needs_bypass(current_mode: str | None, current_until: datetime | None, mode: str, until: datetime) -> bool:
    """Whether the change takes the GOVERNANCE bypass; BadRequest for one nobody may make (or a mode S3 lacks)."""
    if mode not in MODES:
        raise BadRequest("The retention mode is GOVERNANCE or COMPLIANCE.")
    in_force = current_mode in MODES and current_until is not None and current_until > datetime.now(UTC)
    if not in_force or current_until is None:
        return False
    shorter = until < current_until
    if current_mode == "COMPLIANCE":
        if mode != "COMPLIANCE" or shorter:
            ends = current_until.date().isoformat()
            raise BadRequest(f"A COMPLIANCE retention can be neither shortened nor weakened, by anyone, until {ends}.")
        return False
    return shorter or mode != "GOVERNANCE"
