"""The JSON API under /api: search, items, statistics, exports and verdicts (OpenAPI at
/api/openapi.json). It uses the page session; POST needs the ``X-CSRF-Token`` header."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from core.clock import local_time, now_utc
from core.labels import Label, Verdict
from core.records import ReviewVerdict
from dashboards.dependencies import store_of, zone_of
from dashboards.exports import csv_lines, export_row, json_chunks
from dashboards.filters import PageFilters, api_filters, day_start
from dashboards.sessions import (
    ADMIN_ROLES,
    ANALYST_ROLES,
    READ_ROLES,
    REVIEW_ROLES,
    csrf_token,
    require_roles,
)
from dashboards.stats import flagged_timeline, top_sources
from dashboards.users import User
from dashboards.verdicts import checked, duplicate_target, record
from index.query import AggregateBy

router = APIRouter(
    prefix="/api",
    tags=["api"],
    responses={
        401: {"description": "Not signed in (sign in through /login)"},
        403: {"description": "Role not allowed, or CSRF token missing on a POST"},
    },
)
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such item"}}


class ItemOut(BaseModel):
    id: str
    url: str
    source_id: str
    source_kind: str
    title: str
    published: str | None
    label: str
    flagged: bool
    score: float
    model_version: str
    reasons: list[str]
    claim_sentences: list[str]
    provinces: list[str]
    entities: list[str]
    known_claims: list[str]
    duplicate_of: str | None
    verdict: str | None
    verdict_label: str | None
    reviewer: str | None
    reviewed_at: str | None
    highlights: dict[str, list[str]] = Field(
        default_factory=dict, description="HTML-safe fragments; words in <mark>"
    )


class SearchOut(BaseModel):
    total: int
    page: int
    size: int
    items: list[ItemOut]


# http(s) with a host, no spaces or control characters. Pages still link a stored evidence URL
# only when ``render.safe_url`` accepts it, and show it as text otherwise.
EvidenceLink = Annotated[str, Field(
    pattern=r"^https?://[^\s/?#\[\]\x00-\x20\x7f]+([/?#][^\s\x00-\x20\x7f]*)?$",
    max_length=2000,
)]


class VerdictIn(BaseModel):
    verdict: Verdict
    label: Label | None = None
    note: str = Field("", max_length=4000)
    evidence: list[EvidenceLink] = Field(default_factory=list, max_length=10)
    duplicate_of: str | None = Field(None, max_length=200)


class AuditOut(BaseModel):
    item_id: str
    reviewer: str
    at: datetime
    verdict: str
    label: str | None
    note: str
    evidence: list[str]
    before_verdict: str | None
    before_label: str | None
    undoes: datetime | None = Field(
        None, description="Set when this entry undid the verdict recorded at that time"
    )


class TimelineOut(BaseModel):
    days: list[str]
    series: dict[str, list[int]]


class MeOut(BaseModel):
    name: str
    role: str
    csrf_token: str


@router.get("/me", response_model=MeOut)
def me(request: Request, user: Annotated[User, Depends(require_roles(*READ_ROLES))]) -> MeOut:
    """Who is signed in, and the token state-changing calls must send."""
    return MeOut(name=user.name, role=user.role, csrf_token=csrf_token(request))


@router.get("/items", response_model=SearchOut)
def search_items(
    request: Request,
    user: Annotated[User, Depends(require_roles(*READ_ROLES))],
    filters: Annotated[PageFilters, Depends(api_filters)],
    page: Annotated[int, Query(ge=1, le=400)] = 1,
    size: Annotated[int, Query(ge=1, le=100)] = 25,
) -> SearchOut:
    """Full-text search with filters; deep results are for /api/export."""
    paged = PageFilters(**{**filters.__dict__, "page": page, "size": size})
    result = store_of(request).search(paged.query())
    items = [
        ItemOut(**export_row(hit.stored), highlights=hit.highlights) for hit in result.hits
    ]
    return SearchOut(total=result.total, page=page, size=size, items=items)


@router.get("/items/{item_id}", response_model=ItemOut, responses=NOT_FOUND)
def get_item(
    request: Request, item_id: str, user: Annotated[User, Depends(require_roles(*READ_ROLES))]
) -> ItemOut:
    stored = store_of(request).get(item_id[:200])
    if stored is None:
        raise HTTPException(status_code=404, detail="no such item")
    return ItemOut(**export_row(stored))


@router.post(
    "/items/{item_id}/verdict", response_model=AuditOut, status_code=201,
    responses={**NOT_FOUND, 400: {"description": "A verdict the rules refuse: confirmed "
                                  "without a misleading label, a false positive with one, a "
                                  "duplicate of no existing item"}},
)
def post_verdict(
    request: Request,
    item_id: str,
    body: VerdictIn,
    user: Annotated[User, Depends(require_roles(*REVIEW_ROLES))],
) -> AuditOut:
    """Record a verdict (reviewer, admin). Send the session's token in ``X-CSRF-Token``.
    A confirmed item takes a misleading label; a false positive none, opinion or irrelevant;
    a duplicate names the existing item it duplicates in ``duplicate_of``."""
    store = store_of(request)
    if store.get(item_id[:200]) is None:
        raise HTTPException(status_code=404, detail="no such item")
    verdict = ReviewVerdict(
        item_id=item_id, verdict=body.verdict, label=body.label, note=body.note,
        evidence=body.evidence, duplicate_of=duplicate_target(body.duplicate_of),
        reviewer=user.name,
    )
    record(store, checked(store, verdict))
    return _audit_out(store.audit_log(item_id=item_id, size=1)[0])


def _audit_out(entry: Any) -> AuditOut:
    verdict, before = entry.verdict, entry.before
    return AuditOut(
        item_id=verdict.item_id, reviewer=verdict.reviewer, at=verdict.at,
        verdict=verdict.verdict, label=verdict.label, note=verdict.note,
        evidence=verdict.evidence, before_verdict=before.verdict if before else None,
        before_label=before.label if before else None, undoes=verdict.undoes,
    )


@router.get("/audit", response_model=list[AuditOut])
def audit(
    request: Request,
    user: Annotated[User, Depends(require_roles(*ADMIN_ROLES))],
    item_id: Annotated[str | None, Query(max_length=200)] = None,
    reviewer: Annotated[str | None, Query(max_length=64)] = None,
    verdict: Verdict | None = None,
    date_from: Annotated[date | None, Query(description="first day, Vietnam time")] = None,
    date_to: Annotated[date | None, Query(description="last day, Vietnam time")] = None,
    page: Annotated[int, Query(ge=1, le=200)] = 1,
) -> list[AuditOut]:
    """The verdict audit log, newest first, 50 a page (admin)."""
    entries = store_of(request).audit_log(
        item_id=item_id, reviewer=reviewer, verdict=verdict,
        since=day_start(date_from, zone_of(request)) if date_from else None,
        until=day_start(date_to + timedelta(days=1), zone_of(request)) if date_to else None,
        offset=(page - 1) * 50, size=50,
    )
    return [_audit_out(entry) for entry in entries]


@router.get("/stats/timeline", response_model=TimelineOut)
def timeline(
    request: Request,
    user: Annotated[User, Depends(require_roles(*READ_ROLES))],
    filters: Annotated[PageFilters, Depends(api_filters)],
) -> TimelineOut:
    """Flagged items per Vietnamese calendar day, one series per label."""
    data = flagged_timeline(store_of(request), filters.query(paged=False))
    return TimelineOut.model_validate(data)


@router.get("/stats/sources", response_model=dict[str, int])
def sources(
    request: Request,
    user: Annotated[User, Depends(require_roles(*READ_ROLES))],
    filters: Annotated[PageFilters, Depends(api_filters)],
    size: Annotated[int, Query(ge=1, le=100)] = 10,
) -> dict[str, int]:
    """Sources with the most flagged items."""
    return top_sources(store_of(request), filters.query(paged=False), size=size)


@router.get("/stats/{by}", response_model=dict[str, int])
def counts(
    request: Request,
    by: AggregateBy,
    user: Annotated[User, Depends(require_roles(*READ_ROLES))],
    filters: Annotated[PageFilters, Depends(api_filters)],
    size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, int]:
    """Matching items per label, source, day, province or entity."""
    return store_of(request).aggregate(filters.query(paged=False), by=by, size=size)


@router.get(
    "/export",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}, "application/json": {}}}},
)
def export(
    request: Request,
    user: Annotated[User, Depends(require_roles(*ANALYST_ROLES))],
    filters: Annotated[PageFilters, Depends(api_filters)],
    format: Literal["csv", "json"] = "csv",
) -> StreamingResponse:
    """Every matching item (analyst, admin), streamed however many there are."""
    query = filters.query(paged=False)
    store = store_of(request)
    zone = zone_of(request)
    stamp = local_time(now_utc(), zone).strftime("%Y%m%d-%H%M")
    if format == "json":
        body, media = json_chunks(store, query, zone), "application/json"
    else:
        body, media = csv_lines(store, query, zone), "text/csv; charset=utf-8"
    return StreamingResponse(
        body, media_type=media,
        headers={"Content-Disposition": f'attachment; filename="kiemchung-{stamp}.{format}"'},
    )
