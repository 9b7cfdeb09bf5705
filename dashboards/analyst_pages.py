"""Analyst pages: full-text search with filters and facets, and the charts (plain ``def``
handlers, run in the thread pool: the store is synchronous)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from core.labels import LABELS
from dashboards.dependencies import store_of, zone_of
from dashboards.filters import page_filters
from dashboards.render import clean_highlight
from dashboards.sessions import READ_ROLES, require_roles
from dashboards.templating import render
from dashboards.users import User

router = APIRouter(include_in_schema=False)
FACETS = ("label", "source", "province", "entity")


@router.get("/search")
def search(
    request: Request, user: Annotated[User, Depends(require_roles(*READ_ROLES))]
) -> Response:
    filters = page_filters(request.query_params, default_sort="relevance", zone=zone_of(request))
    store = store_of(request)
    result = store.search(filters.query())
    unpaged = filters.query(paged=False)
    facets = {by: store.aggregate(unpaged, by=by, size=10) for by in FACETS}  # type: ignore[arg-type]
    params = filters.params(page=None)
    return render(
        request, "search.html", filters=filters, result=result, facets=facets, labels=LABELS,
        clean=clean_highlight, query_string=urlencode(params, doseq=True),
        prev_url="/search?" + urlencode(filters.params(page=filters.page - 1), doseq=True)
        if filters.page > 1 else None,
        next_url="/search?" + urlencode(filters.params(page=filters.page + 1), doseq=True)
        if filters.page * filters.size < result.total else None,
    )


@router.get("/charts")
def charts(
    request: Request, user: Annotated[User, Depends(require_roles(*READ_ROLES))]
) -> Response:
    filters = page_filters(request.query_params, zone=zone_of(request))
    params = urlencode(filters.params(page=None, sort=None), doseq=True)
    return render(request, "charts.html", filters=filters, labels=LABELS, query_string=params)
