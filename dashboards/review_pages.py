"""Reviewer pages: the queue of flagged items, the item page, and recording verdicts.

Plain ``def`` handlers: the store is synchronous, so FastAPI runs them in the thread pool.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from core.labels import LABELS, MISLEADING_LABELS, VERDICTS, is_misleading
from dashboards.dependencies import store_of, zone_of
from dashboards.filters import page_filters
from dashboards.known_claims import lookup
from dashboards.official_evidence import evidence_for_page
from dashboards.redirects import local_path
from dashboards.render import mark_sentences, safe_url
from dashboards.sessions import READ_ROLES, REVIEW_ROLES, current_user, require_roles
from dashboards.templating import render
from dashboards.users import User
from dashboards.verdicts import (
    build_verdict,
    checked,
    duplicate_target,
    evidence_links,
    record,
)
from index.revisions import word_diff

router = APIRouter(include_in_schema=False)
MAX_BULK = 100


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
    result = store.search(filters.query())
    sources = store.aggregate(filters.query(paged=False), by="source", size=30)
    return render(
        request, "queue.html", filters=filters, result=result, sources=sources,
        labels=LABELS, return_to=str(request.url.path) + "?" + str(request.url.query),
        prev_url=_page_url("/queue", filters, filters.page - 1) if filters.page > 1 else None,
        next_url=_page_url("/queue", filters, filters.page + 1)
        if filters.page * filters.size < result.total else None,
    )


def _page_url(path: str, filters: object, page: int) -> str:
    return path + "?" + urlencode(filters.params(page=page), doseq=True)  # type: ignore[attr-defined]


@router.get("/items/{item_id}")
def item_page(
    request: Request, item_id: str, user: Annotated[User, Depends(require_roles(*READ_ROLES))]
) -> Response:
    store = store_of(request)
    stored = store.get(item_id[:200])
    if stored is None:
        raise HTTPException(status_code=404)
    indexed = stored.indexed
    body = "\n\n".join(part for part in (indexed.item.lead, indexed.item.text) if part)
    previous = indexed.revisions[-1] if indexed.revisions else None
    return render(
        request, "item.html", stored=stored, item=indexed.item,
        body=mark_sentences(body, indexed.enrichment.claim_sentences),
        source_url=safe_url(indexed.item.url),
        claims=lookup(indexed.enrichment.known_claims),
        copies=store.copies_of(item_id),
        history=store.audit_log(item_id=item_id, size=50),
        labels=LABELS, misleading=MISLEADING_LABELS, verdicts=VERDICTS,
        can_review=user.can(*REVIEW_ROLES), safe_url=safe_url,
        return_to=local_path(request.query_params.get("back"), "/queue"),
        preset=request.query_params.get("verdict", ""),
        official=evidence_for_page(request, stored),
        previous=previous,
        edit=word_diff(previous.text, indexed.item.text) if previous else [],
    )


@router.post("/items/{item_id}/verdict")
def record_verdict(
    request: Request,
    item_id: str,
    user: Annotated[User, Depends(require_roles(*REVIEW_ROLES))],
    verdict: Annotated[str, Form()],
    label: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    evidence: Annotated[str, Form()] = "",
    duplicate_of: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "/queue",
    official_evidence: Annotated[list[str] | None, Form()] = None,
) -> Response:
    store = store_of(request)
    if store.get(item_id[:200]) is None:
        raise HTTPException(status_code=404)
    # Official items ticked on the page join the typed evidence links (one click each).
    evidence = "\n".join([evidence, *(official_evidence or [])])
    decided = build_verdict(item_id, user.name, verdict, label, note, evidence_links(evidence),
                            duplicate_target(duplicate_of))
    record(store, checked(store, decided))
    request.session["flash"] = "saved"
    return RedirectResponse(local_path(back, "/queue"), status_code=303)


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
    decided = []
    for item_id in dict.fromkeys(item_ids[:MAX_BULK]):
        stored = store.get(item_id)
        if stored is None:
            continue
        model_label = stored.indexed.classification.label
        label = model_label if verdict == "confirmed" and is_misleading(model_label) else ""
        decided.append(checked(store, build_verdict(
            item_id, user.name, verdict, label, "", [], target if verdict == "duplicate" else None
        )))
    for one in decided:
        record(store, one)
    request.session["flash"] = "saved"
    return RedirectResponse(local_path(back, "/queue"), status_code=303)
