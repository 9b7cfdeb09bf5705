"""Reviewer pages: the queue of flagged items, the item page, and recording verdicts.

Plain ``def`` handlers: the store is synchronous, so FastAPI runs them in the thread pool.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from core.clock import now_utc
from core.labels import LABELS, MISLEADING_LABELS, VERDICTS, is_misleading
from core.records import ReviewVerdict
from dashboards.dependencies import store_of, zone_of
from dashboards.filters import MAX_WINDOW, SOURCE_KINDS, page_filters
from dashboards.known_claims import lookup
from dashboards.official_evidence import evidence_for_page
from dashboards.paging import pager
from dashboards.redirects import local_path
from dashboards.render import mark_sentences, safe_url
from dashboards.sessions import READ_ROLES, REVIEW_ROLES, current_user, require_roles
from dashboards.templating import render
from dashboards.users import User
from dashboards.verdicts import (
    build_verdict,
    checked,
    duplicate_target,
    error_key,
    evidence_links,
    record,
)
from index.query import StoredItem
from index.revisions import word_diff
from index.store import ItemStore
from index.verdict_rules import InvalidVerdict

router = APIRouter(include_in_schema=False)
MAX_BULK = 100
#: How long the Undo button shows after a verdict, and how long the server still takes it
#: (a slow connection must not turn a click in time into a refusal).
UNDO_SHOWN_SECONDS = 10
UNDO_ACCEPTED_SECONDS = 120
#: Verdicts one Undo can take back (the session cookie carries their ids).
MAX_UNDO = 10


@router.get("/")
def home(request: Request) -> Response:
    user = current_user(request)
    if user is None:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse("/queue" if user.can(*REVIEW_ROLES) else "/search", status_code=303)


@router.get("/favicon.ico")
def favicon() -> Response:
    """No icon (pages declare an empty one); answered so browsers log no error for it."""
    return Response(status_code=204)


@router.get("/queue")
def queue(
    request: Request, user: Annotated[User, Depends(require_roles(*READ_ROLES))]
) -> Response:
    filters = page_filters(request.query_params, default_status="unreviewed", default_flagged=True,
                           zone=zone_of(request))
    store = store_of(request)
    result = store.search(filters.query(), facets=("source",), facet_size=30)
    sources = result.facets["source"]
    return render(
        request, "queue.html", filters=filters, result=result, sources=sources,
        labels=LABELS, kinds=SOURCE_KINDS, return_to=filters.url("/queue"),
        chips=[(facet, value, filters.url("/queue", **filters.without_value(facet, value)))
               for facet, value in filters.active()],
        pager=pager(filters.page, result.total, filters.size,
                    lambda n: filters.url("/queue", page=n), MAX_WINDOW // filters.size),
    )


@router.get("/items/{item_id}")
def item_page(
    request: Request, item_id: str, user: Annotated[User, Depends(require_roles(*READ_ROLES))]
) -> Response:
    return _item_page(request, item_id, user,
                      return_to=local_path(request.query_params.get("back"), "/queue"),
                      preset=request.query_params.get("verdict", ""))


def _item_page(
    request: Request, item_id: str, user: User, *, return_to: str, preset: str = "",
    form_error: str | None = None, typed: dict[str, str] | None = None,
) -> Response:
    """The item page; after a refused verdict, with the reason and what was typed."""
    store = store_of(request)
    stored = store.get(item_id[:200])
    if stored is None:
        raise HTTPException(status_code=404)
    indexed = stored.indexed
    body = "\n\n".join(part for part in (indexed.item.lead, indexed.item.text) if part)
    previous = indexed.revisions[-1] if indexed.revisions else None
    return render(
        request, "item.html", status_code=400 if form_error else 200,
        stored=stored, item=indexed.item, form_error=form_error, typed=typed or {},
        body=mark_sentences(body, indexed.enrichment.claim_sentences),
        source_url=safe_url(indexed.item.url),
        claims=lookup(indexed.enrichment.known_claims),
        copies=store.copies_of(item_id, known=stored),
        history=store.audit_log(item_id=item_id, size=50),
        labels=LABELS, misleading=MISLEADING_LABELS, verdicts=VERDICTS,
        can_review=user.can(*REVIEW_ROLES), safe_url=safe_url,
        return_to=return_to, preset=preset,
        # After a refused POST, the language switch comes back to the item page itself.
        here=f"/items/{quote(item_id, safe='')}?back={quote(return_to, safe='')}",
        official=evidence_for_page(request, stored),
        previous=previous,
        edit=word_diff(previous.text, indexed.item.text) if previous else [],
    )


@router.post("/items/{item_id}/verdict")
def record_verdict(
    request: Request,
    item_id: str,
    user: Annotated[User, Depends(require_roles(*REVIEW_ROLES))],
    verdict: Annotated[str, Form()] = "",
    label: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    evidence: Annotated[str, Form()] = "",
    duplicate_of: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "/queue",
    official_evidence: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Record the form's verdict; a verdict the rules refuse shows the form again with the
    reason in words and everything typed kept."""
    store = store_of(request)
    stored = store.get(item_id[:200])
    if stored is None:
        raise HTTPException(status_code=404)
    return_to = local_path(back, "/queue")
    # Official items ticked on the page join the typed evidence links (one click each).
    links = "\n".join(part for part in [evidence, *(official_evidence or [])] if part)
    try:
        decided = build_verdict(item_id, user.name, verdict, label, note, evidence_links(links),
                                duplicate_target(duplicate_of))
        record(store, checked(store, decided))
    except HTTPException as refused:
        if refused.status_code != 400:
            raise
        typed = {"verdict": verdict, "label": label, "note": note, "evidence": links,
                 "duplicate_of": duplicate_of}
        return _item_page(request, item_id, user, return_to=return_to,
                          form_error=error_key(str(refused.detail)), typed=typed)
    _offer_undo(request, decided.verdict, [(stored, decided)])
    return RedirectResponse(return_to, status_code=303)


def _offer_undo(request: Request, verdict: str,
                done: list[tuple[StoredItem, ReviewVerdict]]) -> None:
    """The next page says what was recorded, on which items (by title), with an Undo."""
    if not done or len(done) > MAX_UNDO:
        request.session["flash"] = "saved"
        return
    request.session["undo"] = {
        "verdict": verdict, "seconds": UNDO_SHOWN_SECONDS,
        "items": [{"id": stored.id, "at": decided.at.isoformat(),
                   "title": (stored.indexed.item.title or stored.indexed.item.text)[:90]}
                  for stored, decided in done],
    }


@router.post("/queue/verdicts")
def record_many(
    request: Request,
    user: Annotated[User, Depends(require_roles(*REVIEW_ROLES))],
    verdict: Annotated[str, Form()],
    item_ids: Annotated[list[str], Form()],
    duplicate_of: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "/queue",
) -> Response:
    """The queue's keyboard verdicts (c/n/e/d) on the current or the selected (x) items.

    All or nothing: every verdict is checked before the first is recorded. ``confirmed``
    takes the model's label, which must be a misleading one; ``duplicate`` (the ``d`` key)
    needs the item the selection duplicates."""
    store = store_of(request)
    target = duplicate_target(duplicate_of)
    decided: list[tuple[StoredItem, ReviewVerdict]] = []
    for item_id in dict.fromkeys(item_ids[:MAX_BULK]):
        stored = store.get(item_id)
        if stored is None:
            continue
        model_label = stored.indexed.classification.label
        label = model_label if verdict == "confirmed" and is_misleading(model_label) else ""
        decided.append((stored, checked(store, build_verdict(
            item_id, user.name, verdict, label, "", [], target if verdict == "duplicate" else None
        ))))
    for _, one in decided:
        record(store, one)
    _offer_undo(request, verdict, decided)
    return RedirectResponse(local_path(back, "/queue"), status_code=303)


@router.post("/queue/undo")
def undo_verdicts(
    request: Request,
    user: Annotated[User, Depends(require_roles(*REVIEW_ROLES))],
    undo: Annotated[list[str], Form()],
    back: Annotated[str, Form()] = "/queue",
) -> Response:
    """Take back the verdicts just recorded (``item_id|time`` each): only one's own, only
    while still the item's verdict, only for a short while. The audit log keeps both."""
    store = store_of(request)
    refused = False
    for value in undo[:MAX_UNDO]:
        item_id, _, stamp = value.partition("|")
        refused |= not _undo_one(store, item_id, stamp, user)
    request.session.pop("undo", None)
    request.session["flash"] = "undo_refused" if refused else "undone"
    return RedirectResponse(local_path(back, "/queue"), status_code=303)


def _undo_one(store: ItemStore, item_id: str, stamp: str, user: User) -> bool:
    try:
        at = datetime.fromisoformat(stamp)
    except ValueError:
        return False
    if at.tzinfo is None or now_utc() - at > timedelta(seconds=UNDO_ACCEPTED_SECONDS):
        return False
    stored = store.get(item_id[:200])
    current: Any = stored.verdict if stored else None
    if current is None or current.reviewer != user.name or current.at != at:
        return False
    try:
        store.undo_verdict(item_id, at, user.name)
    except (KeyError, InvalidVerdict):
        return False
    return True
