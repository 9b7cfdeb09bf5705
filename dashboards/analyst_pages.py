"""Analyst pages: full-text search with filters and clickable facets, the charts, and saved
searches with a link to share (plain ``def`` handlers, run in the thread pool: the store and
the saved-search file are synchronous)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import parse_qs, urlencode, urlsplit

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import QueryParams

from core.clock import now_utc
from core.labels import LABELS
from dashboards.dependencies import store_of, zone_of
from dashboards.filters import MAX_WINDOW, SOURCE_KINDS, PageFilters, page_filters
from dashboards.paging import pager
from dashboards.render import clean_highlight
from dashboards.saved_searches import SavedSearches, SavedSearchLimit
from dashboards.sessions import ADMIN_ROLES, READ_ROLES, require_roles
from dashboards.templating import render
from dashboards.users import User
from index.query import AggregateBy

router = APIRouter(include_in_schema=False)
#: The facets beside the results: the filter a click adds, and what the store counts by.
FACETS: tuple[tuple[str, AggregateBy], ...] = (
    ("label", "label"), ("status", "verdict"), ("source", "source"),
    ("source_kind", "source_kind"), ("province", "province"), ("entity", "entity"),
)
FACET_SIZE = 10
#: The charts page's quick ranges, in days back from today (the configured zone's).
QUICK_RANGES = (7, 30, 90, 365)


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet: its count, and the link that adds (or removes) it."""

    value: str
    count: int
    url: str
    chosen: bool


def saved_searches_of(request: Request) -> SavedSearches:
    """The app's saved searches, opened on first use in the data directory."""
    state = request.app.state
    saved: SavedSearches | None = getattr(state, "saved_searches", None)
    if saved is None:
        saved = SavedSearches.in_data_dir(state.settings.data_dir)
        state.saved_searches = saved
    return saved


def _facets(
    filters: PageFilters, counted: dict[AggregateBy, dict[str, int]]
) -> dict[str, list[FacetValue]]:
    facets: dict[str, list[FacetValue]] = {}
    for name, by in FACETS:
        counts = counted[by]
        chosen = filters.chosen(name)
        facets[name] = [
            FacetValue(
                value=value, count=count, chosen=value in chosen,
                url=_url("/search", filters.without_value(name, value) if value in chosen
                         else filters.with_value(name, value)),
            )
            for value, count in counts.items()
        ]
    return facets


def _url(path: str, params: dict[str, object]) -> str:
    query = urlencode(params, doseq=True)
    return f"{path}?{query}" if query else path


def _saved_context(request: Request, user: User) -> dict[str, Any]:
    return {
        "saved": saved_searches_of(request).of(user.name),
        "share_base": str(request.base_url).rstrip("/"),
    }


@router.get("/search")
def search(
    request: Request, user: Annotated[User, Depends(require_roles(*READ_ROLES))]
) -> Response:
    filters = page_filters(request.query_params, default_sort="relevance", zone=zone_of(request))
    result = store_of(request).search(
        filters.query(), facets=[by for _, by in FACETS], facet_size=FACET_SIZE
    )
    pages = pager(filters.page, result.total, filters.size,
                  lambda n: filters.url("/search", page=n), MAX_WINDOW // filters.size)
    chips = [(facet, value, _url("/search", filters.without_value(facet, value)))
             for facet, value in filters.active()]
    return render(
        request, "search.html", filters=filters, result=result,
        facets=_facets(filters, result.facets),
        labels=LABELS, kinds=SOURCE_KINDS, clean=clean_highlight, chips=chips, pager=pages,
        query_string=urlencode(filters.params(page=None), doseq=True),
        back=filters.url("/search"), **_saved_context(request, user),
    )


@router.get("/charts")
def charts(
    request: Request, user: Annotated[User, Depends(require_roles(*READ_ROLES))]
) -> Response:
    zone = zone_of(request)
    filters = page_filters(request.query_params, zone=zone)
    today = now_utc().astimezone(zone).date()
    quick = [
        (days, filters.url("/charts", page=None, date_to="",
                           date_from=(today - timedelta(days=days - 1)).isoformat()))
        for days in QUICK_RANGES
    ]
    return render(
        request, "charts.html", filters=filters, labels=LABELS, kinds=SOURCE_KINDS,
        query_string=urlencode(filters.params(page=None, sort=None), doseq=True),
        quick=quick, whole=filters.url("/charts", page=None, date_from="", date_to=""),
        **_saved_context(request, user),
    )


def _clean_query(page: str, raw: str) -> str:
    """The filters of a query string as the pages make them again: nothing else is kept."""
    parsed = QueryParams(urlsplit(raw).query if "?" in raw else raw.lstrip("?"))
    filters = page_filters(parsed, default_sort="relevance" if page == "search" else "score")
    params = filters.params(page=None) if page == "search" else filters.params(page=None,
                                                                                sort=None)
    return urlencode(params, doseq=True)


@router.post("/searches")
def save_search(
    request: Request,
    user: Annotated[User, Depends(require_roles(*READ_ROLES))],
    name: Annotated[str, Form()] = "",
    query: Annotated[str, Form()] = "",
    page: Annotated[str, Form()] = "search",
) -> Response:
    page = page if page in ("search", "charts") else "search"
    cleaned = _clean_query(page, query[:4000])
    try:
        saved_searches_of(request).save(user.name, name or _describe(cleaned), page, cleaned)
        request.session["flash"] = "search_saved"
    except SavedSearchLimit:
        request.session["flash"] = "too_many_saved"
    return RedirectResponse(f"/{page}?{cleaned}" if cleaned else f"/{page}", status_code=303)


def _describe(query: str) -> str:
    """A name for a search saved without one: its words and filters, briefly."""
    values = [v for vs in parse_qs(query).values() for v in vs]
    return ", ".join(values)[:120] or "—"


@router.get("/s/{saved_id}")
def open_saved(
    request: Request, saved_id: str,
    user: Annotated[User, Depends(require_roles(*READ_ROLES))],
) -> Response:
    """A shared link: the saved filters on their page, for any signed-in reader."""
    saved = saved_searches_of(request).get(saved_id)
    if saved is None:
        raise HTTPException(status_code=404)
    return RedirectResponse(saved.target, status_code=303)


@router.post("/searches/{saved_id}/delete")
def delete_search(
    request: Request, saved_id: str,
    user: Annotated[User, Depends(require_roles(*READ_ROLES))],
) -> Response:
    searches = saved_searches_of(request)
    saved = searches.get(saved_id)
    if saved is None:
        raise HTTPException(status_code=404)
    if saved.owner != user.name and not user.can(*ADMIN_ROLES):
        raise HTTPException(status_code=403, detail="forbidden")
    searches.delete(saved_id)
    request.session["flash"] = "search_deleted"
    return RedirectResponse(saved.target, status_code=303)
