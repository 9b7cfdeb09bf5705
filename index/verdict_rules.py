"""The rules every recorded verdict obeys, whichever store keeps it and whoever sends it.

A confirmed item carries one of the seven misleading labels; a false positive does not; a
duplicate names another item that exists. The app checks them first (for a clear message),
and both stores check them again before writing, so no path can record a verdict that
contradicts itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from core.clock import as_utc, now_utc
from core.labels import is_misleading
from core.records import ReviewVerdict


class InvalidVerdict(ValueError):
    """A verdict the rules refuse; the message says which rule."""


def verdict_problem(verdict: ReviewVerdict) -> str | None:
    """Why ``verdict`` cannot be recorded as it stands (no store needed), or ``None``."""
    label, kind = verdict.label, verdict.verdict
    if kind == "confirmed" and not (label and is_misleading(label)):
        return "a confirmed item needs a misleading label" + (f", not {label!r}" if label else "")
    if kind == "not_misleading" and label and is_misleading(label):
        return f"a false positive takes none, opinion or irrelevant, not {label!r}"
    if kind == "duplicate":
        if not verdict.duplicate_of:
            return "a duplicate needs the id of the item it duplicates"
        if verdict.duplicate_of == verdict.item_id:
            return "an item cannot be a duplicate of itself"
    elif verdict.duplicate_of:
        return "duplicate_of goes with the verdict duplicate only"
    return None


def check_verdict(verdict: ReviewVerdict, item_exists: Callable[[str], bool]) -> None:
    """Raise ``InvalidVerdict`` unless ``verdict`` obeys every rule, the duplicated item's
    existence (asked through ``item_exists``) included."""
    problem = verdict_problem(verdict)
    if problem is None and verdict.duplicate_of and not item_exists(verdict.duplicate_of):
        problem = f"no item with id {verdict.duplicate_of!r} to be a duplicate of"
    if problem:
        raise InvalidVerdict(problem)


def undoable(current: ReviewVerdict | None, at: datetime) -> ReviewVerdict:
    """The item's ``current`` verdict if it is the one recorded at ``at``; an undo never takes
    back a verdict someone recorded since (``InvalidVerdict``)."""
    if current is None or current.undoes is not None or current.at != as_utc(at):
        raise InvalidVerdict("that verdict is no longer the item's verdict; nothing undone")
    return current


def undo_entry(undone: ReviewVerdict, reviewer: str) -> ReviewVerdict:
    """The audit entry of an undo: the verdict undone, by ``reviewer``, now, marked ``undoes``."""
    return undone.model_copy(update={"reviewer": reviewer, "at": now_utc(), "undoes": undone.at,
                                     "note": ""})
