"""The audit pages (admins): verdicts with before and after, and the security log apart.

Both are paged and filtered by user, action and date (Vietnamese calendar days), so a flood
of refused sign-ins never hides older events: filter it out, or page past it. The verdict log
names each item by its title and links the evidence each verdict cited.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from core.clock import VIETNAM_TZ
from core.labels import VERDICTS
from dashboards.dependencies import store_of, users_of, zone_of
from dashboards.filters import MAX_WINDOW, day_start
from dashboards.paging import Pager, pager
from dashboards.render import safe_url
from dashboards.sessions import ADMIN_ROLES, require_roles
from dashboards.templating import render
from dashboards.users import User

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilters:
    """The audit pages' filters as the form shows them, and the time range they mean."""

    user: str = ""
    action: str = ""
    item: str = ""
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1
    zone: ZoneInfo = VIETNAM_TZ

    @classmethod
    def from_query(cls, params: Any, zone: ZoneInfo = VIETNAM_TZ) -> AuditFilters:
        def day(name: str) -> date | None:
            try:
                return date.fromisoformat(params.get(name, "")) if params.get(name) else None
            except ValueError:
                return None

        try:
            page = max(1, int(params.get("page", "1")))
        except ValueError:
            page = 1
        return cls(user=params.get("user", "").strip()[:64],
                   action=params.get("action", "").strip()[:100],
                   item=params.get("item", "").strip()[:200],
                   date_from=day("date_from"), date_to=day("date_to"), page=page, zone=zone)

    @property
    def since(self) -> datetime | None:
        return day_start(self.date_from, self.zone) if self.date_from else None

    @property
    def until(self) -> datetime | None:
        return day_start(self.date_to + timedelta(days=1), self.zone) if self.date_to else None

    def url(self, path: str, page: int = 1, **changes: str) -> str:
        params = {"user": self.user, "action": self.action, "item": self.item,
                  "date_from": self.date_from.isoformat() if self.date_from else "",
                  "date_to": self.date_to.isoformat() if self.date_to else "", "page": page,
                  **changes}
        return path + "?" + urlencode({k: v for k, v in params.items() if v})


def _pager(path: str, filters: AuditFilters, total: int, last_page: int) -> Pager:
    return pager(filters.page, total, PAGE_SIZE, lambda n: filters.url(path, n), last_page)


def _titles(store: Any, entries: list[Any]) -> dict[str, str]:
    """The title of every item the entries name (or its id when it has none)."""
    ids = {e.verdict.item_id for e in entries} | {
        e.verdict.duplicate_of for e in entries if e.verdict.duplicate_of
    }
    titles = {}
    for item_id in ids:
        stored = store.get(item_id)
        if stored is not None:
            titles[item_id] = stored.indexed.item.title or item_id
    return titles


@router.get("/audit")
def audit(
    request: Request, user: Annotated[User, Depends(require_roles(*ADMIN_ROLES))]
) -> Response:
    filters = AuditFilters.from_query(request.query_params, zone_of(request))
    if filters.action not in VERDICTS:
        filters = replace(filters, action="")
    store = store_of(request)
    criteria: dict[str, Any] = {
        "reviewer": filters.user or None, "verdict": filters.action or None,
        "item_id": filters.item or None, "since": filters.since, "until": filters.until,
    }
    # Elasticsearch pages from+size up to 10 000; narrower filters reach anything older.
    pages = _pager("/audit", filters, store.audit_count(**criteria), MAX_WINDOW // PAGE_SIZE)
    entries = store.audit_log(**criteria, offset=(pages.page - 1) * PAGE_SIZE, size=PAGE_SIZE)
    return render(request, "audit.html", entries=entries, filters=filters, actions=VERDICTS,
                  pager=pages, titles=_titles(store, entries), safe_url=safe_url,
                  with_item=True, filters_url=lambda **c: filters.url("/audit", **c))


@router.get("/audit/security")
def security_log(
    request: Request, user: Annotated[User, Depends(require_roles(*ADMIN_ROLES))]
) -> Response:
    filters = AuditFilters.from_query(request.query_params, zone_of(request))
    users = users_of(request)
    criteria: dict[str, Any] = {
        "actor": filters.user or None, "action": filters.action or None,
        "since": filters.since, "until": filters.until,
    }
    pages = _pager("/audit/security", filters, users.count_events(**criteria), 10**9)
    events = users.events(**criteria, offset=(pages.page - 1) * PAGE_SIZE, size=PAGE_SIZE)
    return render(request, "security_log.html", events=events, filters=filters,
                  actions=users.event_actions(), pager=pages)
