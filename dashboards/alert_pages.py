"""Surge alerts and story timelines: the list of alerts, one alert with its items and timeline,
acknowledging and snoozing (reviewers and admins), and the timeline of a known false claim.

Plain ``def`` handlers: the stores are synchronous, so FastAPI runs them in the thread pool.
Acknowledging and snoozing write only the alert's people's fields (``index.alert_store``);
detection never overwrites them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Final

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from core.alerts import Alert, split_key
from core.clock import VIETNAM_TZ, now_utc
from dashboards import timeline
from dashboards.dependencies import alert_store_of, official_sources_of, store_of
from dashboards.known_claims import known_claims
from dashboards.official_evidence import OfficialEvidence, claims_of, official_matches
from dashboards.sessions import READ_ROLES, REVIEW_ROLES, require_roles
from dashboards.templating import render
from dashboards.users import User
from index.query import SearchQuery, StoredItem
from index.store import ItemStore

router = APIRouter(include_in_schema=False)

STATUS_FILTERS: Final[tuple[str, ...]] = ("open", "snoozed", "acknowledged", "all")
#: Snooze lengths offered on the page, in hours.
SNOOZE_HOURS: Final[tuple[int, ...]] = (1, 4, 12, 24, 72)
#: Official denials are looked for from a day before the first copy to a week after the last.
DENIAL_BEFORE: Final[timedelta] = timedelta(days=1)
DENIAL_AFTER: Final[timedelta] = timedelta(days=7)
#: A known claim's timeline reads flagged items of this many days by default (at most 90).
CLAIM_DAYS: Final[int] = 14


def vietnam(moment: datetime | None) -> str:
    """``dd/mm/yyyy HH:MM`` in Vietnam time, as the pages show times."""
    return moment.astimezone(VIETNAM_TZ).strftime("%d/%m/%Y %H:%M") if moment else ""


def _state_of(alert: Alert, now: datetime) -> str:
    if alert.status == "acknowledged":
        return "acknowledged"
    return "snoozed" if alert.snoozed_at(now) else "open"


@router.get("/alerts")
def alerts_page(
    request: Request, user: Annotated[User, Depends(require_roles(*READ_ROLES))]
) -> Response:
    wanted = request.query_params.get("status", "open")
    wanted = wanted if wanted in STATUS_FILTERS else "open"
    now = now_utc()
    everything = alert_store_of(request).alerts(limit=500)
    counts = {name: sum(1 for a in everything if _state_of(a, now) == name)
              for name in STATUS_FILTERS[:-1]}
    counts["all"] = len(everything)
    shown = [a for a in everything if wanted == "all" or _state_of(a, now) == wanted]
    return render(
        request, "alerts.html", alerts=shown, wanted=wanted, counts=counts,
        filters=STATUS_FILTERS, state_of=lambda a: _state_of(a, now), vietnam=vietnam,
        claims=known_claims(), split_key=split_key,
    )


def _alert_or_404(request: Request, alert_id: str) -> Alert:
    alert = alert_store_of(request).get(alert_id[:100])
    if alert is None:
        raise HTTPException(status_code=404)
    return alert


def _items(store: ItemStore, ids: list[str]) -> list[StoredItem]:
    found = (store.get(i) for i in ids[: timeline.MAX_COPIES])
    return [stored for stored in found if stored is not None]


def _denials(
    request: Request, copies: list[StoredItem], statements: list[str]
) -> list[OfficialEvidence]:
    if not copies:
        return []
    story = timeline.build(copies, [])
    assert story.start is not None and story.end is not None
    claims = statements or claims_of(story.copies[0].stored.indexed)
    return official_matches(
        store_of(request), claims, official_sources_of(request),
        story.start - DENIAL_BEFORE, story.end + DENIAL_AFTER,
        around=story.start,
    )


@router.get("/alerts/{alert_id}")
def alert_page(
    request: Request, alert_id: str, user: Annotated[User, Depends(require_roles(*READ_ROLES))]
) -> Response:
    alert = _alert_or_404(request, alert_id)
    copies = _items(store_of(request), alert.item_ids)
    claim = known_claims().get(alert.claim_id or "")
    story = timeline.build(copies, _denials(request, copies, [claim.statement] if claim else []))
    return render(
        request, "alert.html", alert=alert, claim=claim, story=story, vietnam=vietnam,
        state=_state_of(alert, now_utc()), can_review=user.can(*REVIEW_ROLES),
        snooze_hours=SNOOZE_HOURS, split_key=split_key,
    )


@router.post("/alerts/{alert_id}/acknowledge")
def acknowledge(
    request: Request, alert_id: str,
    user: Annotated[User, Depends(require_roles(*REVIEW_ROLES))],
) -> Response:
    alert = _alert_or_404(request, alert_id)
    alert_store_of(request).acknowledge(alert.id, user.name, now_utc())
    request.session["flash"] = "alert_acknowledged"
    return RedirectResponse(f"/alerts/{alert.id}", status_code=303)


@router.post("/alerts/{alert_id}/snooze")
def snooze(
    request: Request, alert_id: str,
    user: Annotated[User, Depends(require_roles(*REVIEW_ROLES))],
    hours: Annotated[int, Form()],
) -> Response:
    if hours not in SNOOZE_HOURS:
        raise HTTPException(status_code=400, detail="snooze length not offered")
    alert = _alert_or_404(request, alert_id)
    now = now_utc()
    alert_store_of(request).snooze(alert.id, now + timedelta(hours=hours), user.name, now)
    request.session["flash"] = "alert_snoozed"
    return RedirectResponse(f"/alerts/{alert.id}", status_code=303)


@router.post("/alerts/{alert_id}/reopen")
def reopen(
    request: Request, alert_id: str,
    user: Annotated[User, Depends(require_roles(*REVIEW_ROLES))],
) -> Response:
    alert = _alert_or_404(request, alert_id)
    alert_store_of(request).reopen(alert.id)
    request.session["flash"] = "alert_reopened"
    return RedirectResponse(f"/alerts/{alert.id}", status_code=303)


@router.get("/claims/{claim_id}/timeline")
def claim_timeline(
    request: Request, claim_id: str,
    user: Annotated[User, Depends(require_roles(*READ_ROLES))],
) -> Response:
    claim = known_claims().get(claim_id[:40])
    if claim is None:
        raise HTTPException(status_code=404)
    try:
        days = min(max(int(request.query_params.get("days", CLAIM_DAYS)), 1), 90)
    except ValueError:
        days = CLAIM_DAYS
    since = now_utc() - timedelta(days=days)
    query = SearchQuery(flagged=True, date_from=since, sort="recency")
    copies = [stored for stored in store_of(request).scan(query)
              if claim.id in stored.indexed.enrichment.known_claims][: timeline.MAX_COPIES]
    story = timeline.build(copies, _denials(request, copies, [claim.statement]))
    return render(request, "claim_timeline.html", claim=claim, story=story, days=days,
                  vietnam=vietnam)
