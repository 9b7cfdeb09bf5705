"""The audit pages: verdicts and the security log apart, each paged and filtered by user,
action and date, so a flood of refused sign-ins hides nothing older."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from dashboards.users import UserStore
from index.store import ItemStore
from tests.dashboards.conftest import seed_items


def _rows(html: str, table: str) -> list[str]:
    body = html.split(f'id="{table}"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr\b[^>]*>(.*?)</tr>", body, flags=re.S)


def test_a_flood_of_refused_logins_hides_nothing_older(admin: TestClient,
                                                      users: UserStore) -> None:
    users.log("cli", "user add", "lan", "role reviewer")  # the oldest event
    for n in range(120):
        users.log(f"ke-do-{n}", "login", "/login", "refused", "203.0.113.9")
    first = admin.get("/audit/security").text
    assert len(_rows(first, "security-log")) == 50
    total = int(re.search(r'id="audit-total">(\d+)<', first).group(1))  # type: ignore[union-attr]
    assert total == users.count_events() >= 122
    last_page = -(-total // 50)
    last = admin.get("/audit/security", params={"page": last_page}).text
    assert "user add" in last and 'rel="prev"' in last and 'rel="next"' not in last
    only_cli = admin.get("/audit/security", params={"user": "cli"}).text
    rows = _rows(only_cli, "security-log")
    assert len(rows) == 1 and "user add" in rows[0]
    logins = _rows(admin.get("/audit/security", params={"action": "login"}).text,
                   "security-log")
    assert all("203.0.113.9" in row and "user add" not in row for row in logins)


def test_the_security_log_filters_by_vietnamese_day(admin: TestClient, users: UserStore) -> None:
    from datetime import timedelta

    from core.clock import VIETNAM_TZ

    users.log("lan", "login", "/login", "ok", "127.0.0.1")
    day = users.events(actor="lan", size=1)[0].at.astimezone(VIETNAM_TZ).date()
    same_day = admin.get("/audit/security", params={
        "user": "lan", "date_from": day.isoformat(), "date_to": day.isoformat()}).text
    assert len(_rows(same_day, "security-log")) == 1
    before = admin.get("/audit/security", params={
        "user": "lan", "date_to": (day - timedelta(days=1)).isoformat()}).text
    after = admin.get("/audit/security", params={
        "user": "lan", "date_from": (day + timedelta(days=1)).isoformat()}).text
    assert _rows(before, "security-log") == [] == _rows(after, "security-log")


def test_verdicts_are_paged_and_filtered_apart_from_security_events(
    admin: TestClient, reviewer: TestClient, seeded_store: ItemStore
) -> None:
    ids = [item.id for item in seed_items()[3:9]]
    for item_id in ids:
        reviewer.post(f"/api/items/{item_id}/verdict", json={"verdict": "needs_expert"})
    reviewer.post(f"/api/items/{ids[0]}/verdict", json={"verdict": "confirmed",
                                                         "label": "solution_myth"})
    admin.post(f"/api/items/{ids[1]}/verdict", json={"verdict": "not_misleading"})
    page = admin.get("/audit").text
    assert len(_rows(page, "audit-verdicts")) == 8 and 'id="security-log"' not in page
    by_quan = admin.get("/audit", params={"user": "quan"}).text
    assert len(_rows(by_quan, "audit-verdicts")) == 1
    confirmed = admin.get("/audit", params={"action": "confirmed"}).text
    assert len(_rows(confirmed, "audit-verdicts")) == 1
    assert _rows(admin.get("/audit", params={"date_to": "2000-01-01"}).text,
                 "audit-verdicts") == []
    api = admin.get("/api/audit", params={"verdict": "needs_expert", "reviewer": "lan"}).json()
    assert len(api) == 6
