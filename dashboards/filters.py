"""Query-string filters of the queue, search and export pages, turned into a ``SearchQuery``.

Pages are lenient (an empty or unknown value is ignored, as HTML forms send them); the API
declares the same filters strictly, so its OpenAPI document says what is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Literal, get_args
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import Query, Request
from fastapi.exceptions import RequestValidationError
from starlette.datastructures import QueryParams

from core.clock import VIETNAM_TZ
from core.labels import LABELS, Label
from core.records import SourceKind
from index.query import ReviewStatus, SearchQuery, SortOrder

STATUSES = ("unreviewed", "confirmed", "not_misleading", "needs_expert", "duplicate")
SORTS = ("score", "recency", "relevance")
SOURCE_KINDS: tuple[str, ...] = get_args(SourceKind)
PAGE_SIZE = 25
# Elasticsearch answers from+size up to 10 000; deeper reading is what the export is for.
MAX_WINDOW = 10_000


# Days outside these bounds are clamped: they mean "no bound" and would overflow in UTC.
EARLIEST, LATEST = date(1900, 1, 1), date(2200, 12, 31)


def day_start(day: date, zone: ZoneInfo = VIETNAM_TZ) -> datetime:
    """Midnight at the start of ``day`` on the clock of ``zone`` (the configured zone)."""
    day = min(max(day, EARLIEST), LATEST)
    return datetime.combine(day, time.min, tzinfo=zone)


def day_end(day: date, zone: ZoneInfo = VIETNAM_TZ) -> datetime:
    day = min(max(day, EARLIEST), LATEST)
    return day_start(day + timedelta(days=1), zone) - timedelta(microseconds=1)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class PageFilters:
    """The filters as the page shows them back in its form, and the query they make."""

    q: str = ""
    exact: bool = False
    labels: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    source_kinds: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    status: str = ""
    flagged: bool | None = None
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "score"
    page: int = 1
    size: int = PAGE_SIZE
    extra: dict[str, Any] = field(default_factory=dict)
    #: The zone the days are on: the one pages show dates in.
    zone: ZoneInfo = VIETNAM_TZ

    def query(self, *, paged: bool = True) -> SearchQuery:
        offset = (self.page - 1) * self.size if paged else 0
        size = self.size if paged else 0
        if offset + size > MAX_WINDOW:
            offset = max(0, MAX_WINDOW - size)
        return SearchQuery(
            text=self.q,
            exact=self.exact,
            labels=self.labels,
            sources=self.sources,
            source_kinds=self.source_kinds,
            provinces=self.provinces,
            entities=self.entities,
            flagged=self.flagged,
            review_status=self.status or None,  # type: ignore[arg-type]
            date_from=day_start(self.date_from, self.zone) if self.date_from else None,
            date_to=day_end(self.date_to, self.zone) if self.date_to else None,
            sort=self.sort,  # type: ignore[arg-type]
            offset=offset,
            size=size,
        )

    def params(self, **changes: Any) -> dict[str, Any]:
        """Query parameters that give these filters again (for links and paging)."""
        values: dict[str, Any] = {
            "q": self.q, "exact": "1" if self.exact else "", "label": list(self.labels),
            "source": list(self.sources), "source_kind": list(self.source_kinds),
            "province": list(self.provinces), "entity": list(self.entities),
            "status": self.status,
            "flagged": "" if self.flagged is None else ("1" if self.flagged else "0"),
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
            "sort": self.sort, "page": self.page,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value not in ("", [], None)}

    def url(self, path: str, **changes: Any) -> str:
        """``path`` with these filters (and ``changes``) in its query string."""
        query = urlencode(self.params(**changes), doseq=True)
        return f"{path}?{query}" if query else path

    def chosen(self, facet: str) -> tuple[str, ...]:
        """The values of one facet (``label``, ``source``, ``status``...) now filtered on."""
        if facet == "status":
            return (self.status,) if self.status else ()
        return tuple(getattr(self, FACET_FIELDS[facet]))

    def with_value(self, facet: str, value: str) -> dict[str, Any]:
        """Query parameters with ``value`` added to the facet's filter (first page again)."""
        if facet == "status":
            return self.params(status=value, page=None)
        values = list(dict.fromkeys([*self.chosen(facet), value]))
        return self.params(**{facet: values, "page": None})

    def without_value(self, facet: str, value: str) -> dict[str, Any]:
        """Query parameters with ``value`` taken off the facet's filter (first page again)."""
        if facet == "status":
            return self.params(status="", page=None)
        values = [v for v in self.chosen(facet) if v != value]
        return self.params(**{facet: values, "page": None})

    def active(self) -> list[tuple[str, str]]:
        """Every (facet, value) filtered on, for the removable chips above the results."""
        return [(facet, value) for facet in FACET_FIELDS for value in self.chosen(facet)]


#: Facets a click adds to the filters, and the field of ``PageFilters`` each one fills.
FACET_FIELDS: dict[str, str] = {
    "label": "labels", "source": "sources", "source_kind": "source_kinds",
    "province": "provinces", "entity": "entities", "status": "status",
}


def _many(params: QueryParams, name: str) -> tuple[str, ...]:
    """A repeatable text filter: trimmed, capped, empties and repeats dropped."""
    values = (v.strip()[:200] for v in params.getlist(name))
    return tuple(dict.fromkeys(v for v in values if v))[:20]


def page_filters(
    params: QueryParams, *, default_status: str = "", default_flagged: bool | None = None,
    default_sort: str = "score", zone: ZoneInfo = VIETNAM_TZ,
) -> PageFilters:
    labels = tuple(v for v in params.getlist("label") if v in LABELS)
    sources = _many(params, "source")
    status = params.get("status", default_status)
    status = status if status in STATUSES else ""
    flagged_raw = params.get("flagged")
    flagged = default_flagged if flagged_raw is None else {"1": True, "0": False}.get(flagged_raw)
    sort = params.get("sort", default_sort)
    try:
        page = max(1, min(int(params.get("page", "1")), MAX_WINDOW // PAGE_SIZE))
    except ValueError:
        page = 1
    return PageFilters(
        q=params.get("q", "")[:200],
        exact=params.get("exact") in ("1", "on", "true"),
        labels=labels,
        sources=sources,
        source_kinds=tuple(v for v in _many(params, "source_kind") if v in SOURCE_KINDS),
        provinces=_many(params, "province"),
        entities=_many(params, "entity"),
        status=status,
        flagged=flagged,
        date_from=_date(params.get("date_from")),
        date_to=_date(params.get("date_to")),
        sort=sort if sort in SORTS else default_sort,
        page=page,
        zone=zone,
    )


# Only a calendar day as written in ISO 8601: pydantic alone would also take "0" (a timestamp).
_ISO_DAY = r"^\d{4}-\d{2}-\d{2}$"


def _strict_day(name: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RequestValidationError([{
            "loc": ("query", name), "msg": "not a calendar day (YYYY-MM-DD)", "type": "date",
        }]) from None


def api_filters(
    request: Request,
    *,
    q: Annotated[
        str, Query(max_length=200, description="Words; diacritics optional unless exact")
    ] = "",
    exact: Annotated[bool, Query(description="Match diacritics as written")] = False,
    label: Annotated[
        list[Label], Query(default_factory=list, description="Model labels (any of)")
    ],
    source: Annotated[
        list[Annotated[str, Query(max_length=200)]],
        Query(default_factory=list, max_length=20, description="Source ids (any of)"),
    ],
    source_kind: Annotated[
        list[SourceKind], Query(default_factory=list, description="Source kinds (any of)")
    ],
    province: Annotated[
        list[Annotated[str, Query(max_length=200)]],
        Query(default_factory=list, max_length=20, description="Provinces named (any of)"),
    ],
    entity: Annotated[
        list[Annotated[str, Query(max_length=200)]],
        Query(default_factory=list, max_length=20, description="Entities named (any of)"),
    ],
    flagged: Annotated[bool | None, Query()] = None,
    status: Annotated[ReviewStatus | None, Query(description="Review status")] = None,
    date_from: Annotated[str | None, Query(
        description="First day (configured zone), YYYY-MM-DD", pattern=_ISO_DAY,
        json_schema_extra={"format": "date"},
    )] = None,
    date_to: Annotated[str | None, Query(
        description="Last day, included, YYYY-MM-DD", pattern=_ISO_DAY,
        json_schema_extra={"format": "date"},
    )] = None,
    sort: Annotated[Literal["score", "recency", "relevance"], Query()] = "score",
) -> PageFilters:
    """The API's filters (strict)."""
    return PageFilters(
        q=q, exact=exact, labels=tuple(label), sources=tuple(source),
        source_kinds=tuple(source_kind), provinces=tuple(province), entities=tuple(entity),
        status=status or "", flagged=flagged, date_from=_strict_day("date_from", date_from),
        date_to=_strict_day("date_to", date_to), sort=sort,
        zone=ZoneInfo(request.app.state.settings.timezone),
    )


__all__ = ["PageFilters", "SortOrder", "api_filters", "page_filters"]
