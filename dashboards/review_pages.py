"""Reviewer pages: sign-in, the queue of flagged items, the item page, verdicts, the audit log."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from core.labels import LABELS, MISLEADING_LABELS, VERDICTS, is_misleading
from core.records import ReviewVerdict
from dashboards.app import render
from dashboards.filters import page_filters
from dashboards.i18n import LANGUAGES
from dashboards.known_claims import lookup
from dashboards.official_evidence import evidence_for_page
from dashboards.render import mark_sentences, safe_url
from dashboards.security import (
    ADMIN_ROLES,
    READ_ROLES,
    REVIEW_ROLES,
    current_user,
    require_roles,
    sign_in,
    users_of,
)
from dashboards.users import User
from index.store import ItemStore

router = APIRouter(include_in_schema=False)
MAX_EVIDENCE = 10


def store_of(request: Request) -> ItemStore:
    store: ItemStore = request.app.state.store
    return store


def _local_path(target: str | None, default: str) -> str:
    """Only a path on this site, never an absolute or protocol-relative URL (no open redirect)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


@router.get("/")
async def home(request: Request) -> Response:
    user = current_user(request)
    if user is None:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse("/queue" if user.can(*REVIEW_ROLES) else "/search", status_code=303)


@router.get("/favicon.ico")
async def favicon() -> Response:
    """No icon (pages declare an empty one); answered so browsers log no error for it."""
    return Response(status_code=204)


@router.get("/login")
async def login_form(request: Request) -> Response:
    return render(request, "login.html", error=False)


@router.post("/login")
async def login(
    request: Request, username: Annotated[str, Form()], password: Annotated[str, Form()]
) -> Response:
    users = users_of(request)
    user = users.authenticate(username.strip()[:64], password[:1024])
    if user is None:
        users.log(username.strip()[:64] or "-", "login", "/login", "refused")
        return render(request, "login.html", status_code=401, error=True)
    users.log(user.name, "login", "/login", "ok")
    sign_in(request, user)
    return RedirectResponse("/", status_code=303)


@router.post("/logout")
async def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.post("/lang")
async def set_language(
    request: Request, lang: Annotated[str, Form()], back: Annotated[str, Form()] = "/"
) -> Response:
    if lang in LANGUAGES:
        request.session["lang"] = lang
    return RedirectResponse(_local_path(back, "/"), status_code=303)


@router.get("/queue")
async def queue(
    request: Request, user: Annotated[User, Depends(require_roles(*READ_ROLES))]
) -> Response:
    filters = page_filters(request.query_params, default_status="unreviewed", default_flagged=True)
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
async def item_page(
    request: Request, item_id: str, user: Annotated[User, Depends(require_roles(*READ_ROLES))]
) -> Response:
    store = store_of(request)
    stored = store.get(item_id[:200])
    if stored is None:
        raise HTTPException(status_code=404)
    indexed = stored.indexed
    body = "\n\n".join(part for part in (indexed.item.lead, indexed.item.text) if part)
    return render(
        request, "item.html", stored=stored, item=indexed.item,
        body=mark_sentences(body, indexed.enrichment.claim_sentences),
        source_url=safe_url(indexed.item.url),
        claims=lookup(indexed.enrichment.known_claims),
        copies=store.copies_of(item_id),
        history=store.audit_log(item_id=item_id, size=50),
        labels=LABELS, misleading=MISLEADING_LABELS, verdicts=VERDICTS,
        can_review=user.can(*REVIEW_ROLES), safe_url=safe_url,
        return_to=_local_path(request.query_params.get("back"), "/queue"),
        preset=request.query_params.get("verdict", ""),
        official=await evidence_for_page(request, stored),
    )


def _evidence(raw: str) -> list[str]:
    links = [line.strip() for line in raw.splitlines() if line.strip()]
    if len(links) > MAX_EVIDENCE or any(safe_url(link) is None for link in links):
        raise HTTPException(status_code=400, detail="evidence must be http(s) links, at most 10")
    return links


def label_problem(verdict: str, label: str | None) -> str | None:
    """Why ``label`` does not go with ``verdict`` (TAXONOMY.md), or ``None``: a confirmed item
    carries a misleading label, a false positive the right non-misleading one."""
    if not label:
        return None
    if verdict == "confirmed" and not is_misleading(label):
        return f"a confirmed item needs a misleading label, not {label!r}"
    if verdict == "not_misleading" and is_misleading(label):
        return f"a false positive takes none, opinion or irrelevant, not {label!r}"
    return None


def build_verdict(
    item_id: str, reviewer: str, verdict: str, label: str, note: str, evidence: str,
    duplicate_of: str,
) -> ReviewVerdict:
    if verdict not in VERDICTS or (label and label not in LABELS):
        raise HTTPException(status_code=400, detail="unknown verdict or label")
    problem = label_problem(verdict, label)
    if problem:
        raise HTTPException(status_code=400, detail=problem)
    return ReviewVerdict(
        item_id=item_id, verdict=verdict,  # type: ignore[arg-type]
        label=label or None, note=note.strip()[:4000], evidence=_evidence(evidence),
        duplicate_of=duplicate_of.strip()[:200] or None, reviewer=reviewer,
    )


@router.post("/items/{item_id}/verdict")
async def record_verdict(
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
    # Official items ticked on the page join the typed evidence links (one click each).
    evidence = "\n".join([evidence, *(official_evidence or [])])
    decided = build_verdict(item_id, user.name, verdict, label, note, evidence, duplicate_of)
    try:
        store_of(request).record_verdict(decided)
    except KeyError:
        raise HTTPException(status_code=404) from None
    request.session["flash"] = "saved"
    return RedirectResponse(_local_path(back, "/queue"), status_code=303)


@router.post("/queue/verdicts")
async def record_many(
    request: Request,
    user: Annotated[User, Depends(require_roles(*REVIEW_ROLES))],
    verdict: Annotated[str, Form()],
    item_ids: Annotated[list[str], Form()],
    back: Annotated[str, Form()] = "/queue",
) -> Response:
    """The queue's keyboard verdicts (c/n/e/d) on the current or the selected (x) items."""
    store = store_of(request)
    for item_id in item_ids[:100]:
        stored = store.get(item_id)
        if stored is None:
            continue
        model_label = stored.indexed.classification.label
        label = model_label if verdict == "confirmed" and is_misleading(model_label) else ""
        store.record_verdict(build_verdict(item_id, user.name, verdict, label, "", "", ""))
    request.session["flash"] = "saved"
    return RedirectResponse(_local_path(back, "/queue"), status_code=303)


@router.get("/audit")
async def audit(
    request: Request, user: Annotated[User, Depends(require_roles(*ADMIN_ROLES))]
) -> Response:
    try:
        page = max(1, min(int(request.query_params.get("page", "1")), 1000))
    except ValueError:
        page = 1
    size = 50
    entries = store_of(request).audit_log(offset=(page - 1) * size, size=size)
    events = users_of(request).events(size=100)
    return render(request, "audit.html", entries=entries, events=events, page=page, size=size)
