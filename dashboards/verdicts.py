"""A reviewer's verdict from a form or the API, checked before the store checks it again."""

from __future__ import annotations

from fastapi import HTTPException

from core.labels import LABELS, VERDICTS
from core.records import ReviewVerdict
from dashboards.render import safe_url
from index.store import ItemStore
from index.verdict_rules import InvalidVerdict, check_verdict

MAX_EVIDENCE = 10


def evidence_links(raw: str) -> list[str]:
    """The form's evidence box: one http(s) link a line, at most ten."""
    links = [line.strip() for line in raw.splitlines() if line.strip()]
    if len(links) > MAX_EVIDENCE or any(safe_url(link) is None for link in links):
        raise HTTPException(status_code=400, detail="evidence must be http(s) links, at most 10")
    return links


def duplicate_target(raw: str | None) -> str | None:
    """The duplicated item's id, as typed or pasted: an id, or a link to its item page."""
    value = (raw or "").strip()
    if "/items/" in value:
        value = value.split("/items/", 1)[1].split("?", 1)[0].split("#", 1)[0].strip("/")
    return value[:200] or None


def build_verdict(
    item_id: str, reviewer: str, verdict: str, label: str, note: str, evidence: list[str],
    duplicate_of: str | None,
) -> ReviewVerdict:
    if verdict not in VERDICTS or (label and label not in LABELS):
        raise HTTPException(status_code=400, detail="unknown verdict or label")
    return ReviewVerdict(
        item_id=item_id, verdict=verdict,  # type: ignore[arg-type]
        label=label or None, note=note.strip()[:4000], evidence=evidence,
        duplicate_of=duplicate_of, reviewer=reviewer,
    )


def checked(store: ItemStore, verdict: ReviewVerdict) -> ReviewVerdict:
    """``verdict`` if the rules allow it (400 with the rule's words otherwise)."""
    try:
        check_verdict(verdict, lambda other: store.get(other) is not None)
    except InvalidVerdict as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None
    return verdict


def record(store: ItemStore, verdict: ReviewVerdict) -> None:
    """Record ``verdict``: 404 for an unknown item, 400 if the store's rules refuse it."""
    try:
        store.record_verdict(verdict)
    except KeyError:
        raise HTTPException(status_code=404, detail="no such item") from None
    except InvalidVerdict as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None


#: The rules' reasons (``index.verdict_rules`` and the checks above), as interface strings.
_ERROR_KEYS = (
    ("unknown verdict", "err_verdict_missing"),
    ("a confirmed item needs", "err_confirmed_label"),
    ("a false positive takes", "err_false_positive_label"),
    ("a duplicate needs", "err_duplicate_missing"),
    ("cannot be a duplicate of itself", "err_duplicate_self"),
    ("to be a duplicate of", "err_duplicate_unknown"),
    ("duplicate_of goes with", "err_duplicate_only"),
    ("evidence must be", "err_evidence"),
)


def error_key(reason: str) -> str:
    """The interface string (``dashboards.i18n``) that says ``reason`` to a reviewer."""
    return next((key for words, key in _ERROR_KEYS if words in reason), "err_other")
