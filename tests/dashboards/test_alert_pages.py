"""The alerts page, one alert's page with its story timeline, acknowledging and snoozing, and
the timeline of a known claim: on the real app with a real store and alert store."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from core.alerts import Alert, SurgeFigures
from core.clock import now_utc
from core.records import Enrichment, IndexedItem
from core.settings import Settings
from dashboards.app import create_app
from dashboards.users import UserStore
from index.alert_store import open_alert_store
from index.factory import open_store
from tests.dashboards.conftest import signed_in
from tests.factories import make_item

OFFICIAL = "cong-thong-tin-da-nang"
START = now_utc().replace(microsecond=0) - timedelta(days=1)


def _copies() -> list[IndexedItem]:
    sources = ["nhom-tra-my", "nhom-tra-my", "trang-tin-a", "nhom-tra-my", "video-b"]
    items = []
    for number, source in enumerate(sources):
        item = make_item(
            f"https://{source}.example.vn/bai/{number}", title=f"Bản {number}: đập Sông Tranh 2 vỡ",
            text="Đập thủy điện Sông Tranh 2 đã vỡ, nước đang tràn xuống Bắc Trà My, chạy ngay!",
            label="disaster_hoax", score=0.8 + number / 100, source_id=source,
            published=START + timedelta(minutes=20 * number),
        )
        items.append(item.model_copy(update={"enrichment": Enrichment(
            known_claims=["kc-0004"], provinces=["Đà Nẵng"],
            claim_sentences=["Đập thủy điện Sông Tranh 2 đã vỡ"])}))
    return items


def _denial() -> IndexedItem:
    return make_item(
        "https://danang.example.vn/tin/bac-bo", label="none", score=0.95, source_id=OFFICIAL,
        title="Thông tin vỡ đập thủy điện Sông Tranh 2 là sai sự thật",
        text="Ban chỉ huy khẳng định thông tin đập thủy điện Sông Tranh 2 đã vỡ là sai sự thật; "
             "đập vận hành an toàn.",
        published=START + timedelta(minutes=150),
    )


def _unrelated() -> IndexedItem:
    return make_item("https://danang.example.vn/tin/thoi-tiet", label="none", score=0.9,
                     source_id=OFFICIAL, title="Dự báo thời tiết cuối tuần",
                     text="Trời nắng, nhiệt độ cao nhất 31 độ.", published=START)


@pytest.fixture(params=["sqlite", "elasticsearch"])
def alert_app(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[FastAPI, Alert]]:
    """The app on either store pair: items and alerts in SQLite, or both in Elasticsearch."""
    settings = Settings(data_dir=tmp_path)
    if request.param == "elasticsearch":
        settings = Settings(data_dir=tmp_path, es_url=request.getfixturevalue("es_url"),
                            index_prefix=request.getfixturevalue("es_prefix"))
    store = open_store(settings)
    copies = _copies()
    store.upsert([*copies, _denial(), _unrelated()])
    store.refresh()
    alerts = open_alert_store(settings)
    alert = Alert(
        id="a1b2c3", keys=["claim:kc-0004", "label:disaster_hoax"], label="disaster_hoax",
        claim_id="kc-0004", provinces=["Đà Nẵng"], first_detected=START + timedelta(hours=1),
        last_detected=START + timedelta(hours=2), started=START,
        item_ids=[c.item.id for c in copies], peak_observed=5,
        figures=[SurgeFigures(key="claim:kc-0004", observed=5, expected=0.01, baseline_count=0,
                              p_value=1e-9, window_hours=3, baseline_hours=336)],
    )
    alerts.save_detection(alert)
    alerts.close()
    users = UserStore.in_data_dir(tmp_path)
    for name, role in (("lan", "reviewer"), ("minh", "analyst")):
        users.add(name, role, "mat-khau-thu-nghiem")
    app = create_app(settings, store=store, users=users)
    app.state.official_sources = frozenset({OFFICIAL})
    yield app, alert
    if getattr(app.state, "alert_store", None) is not None:
        app.state.alert_store.close()
    users.close()
    store.close()


def _csrf(client: TestClient) -> str:
    return str(client.headers["X-CSRF-Token"])


def test_the_alerts_page_lists_the_alert_in_vietnamese(alert_app: tuple[FastAPI, Alert]) -> None:
    app, alert = alert_app
    page = signed_in(app, "minh").get("/alerts")
    assert page.status_code == 200
    assert "Cảnh báo" in page.text and "Đang mở (1)" in page.text
    assert f'href="/alerts/{alert.id}"' in page.text
    assert "Đập thủy điện Sông Tranh 2 (Quảng Nam) đã vỡ" in page.text  # the claim, by name


def test_an_alert_shows_its_items_and_the_story_timeline(
    alert_app: tuple[FastAPI, Alert]
) -> None:
    app, alert = alert_app
    page = signed_in(app, "minh").get(f"/alerts/{alert.id}")
    assert page.status_code == 200
    html = page.text
    # Every copy links to its item page, in the order they appeared, with the official denial.
    rows = re.findall(r'<tr class="(copy|denial)-row" data-id="([^"]+)"', html)
    assert [kind for kind, _ in rows] == ["copy"] * 5 + ["denial"]
    assert [item_id for _, item_id in rows[:5]] == alert.item_ids
    for item_id in alert.item_ids:
        assert f'href="/items/{item_id}"' in html
    assert re.search(r'id="copy-count">5<', html) and re.search(r'id="source-count">3<', html)
    # The denial came 150 minutes after the first copy; unrelated official news is not one.
    assert re.search(r'id="denial-delay">150 phút<', html)
    assert "Dự báo thời tiết" not in html
    # Analysts read; only reviewers act.
    assert 'id="acknowledge"' not in html


def test_reviewers_acknowledge_snooze_and_reopen(alert_app: tuple[FastAPI, Alert]) -> None:
    app, alert = alert_app
    reviewer = signed_in(app, "lan")
    token = _csrf(reviewer)
    answer = reviewer.post(f"/alerts/{alert.id}/snooze", data={"hours": "4", "csrf_token": token},
                           follow_redirects=False)
    assert answer.status_code == 303
    store = app.state.alert_store
    snoozed = store.get(alert.id)
    assert snoozed.snoozed_until is not None
    assert timedelta(hours=3.9) < snoozed.snoozed_until - now_utc() <= timedelta(hours=4)
    assert "Tạm ẩn (1)" in reviewer.get("/alerts").text
    assert reviewer.post(f"/alerts/{alert.id}/snooze", data={"hours": "1000",
                         "csrf_token": token}).status_code == 400

    reviewer.post(f"/alerts/{alert.id}/acknowledge", data={"csrf_token": token})
    done = store.get(alert.id)
    assert done.status == "acknowledged" and done.acknowledged_by == "lan"
    assert "Đã xử lý bởi lan" in reviewer.get(f"/alerts/{alert.id}").text

    # A later detection adds items but leaves the reviewer's acknowledgement alone.
    store.save_detection(done.model_copy(update={
        "status": "open", "acknowledged_by": None, "last_detected": now_utc(),
        "item_ids": [*done.item_ids, "moi-them"]}))
    kept = store.get(alert.id)
    assert kept.status == "acknowledged" and kept.acknowledged_by == "lan"
    assert kept.item_ids[-1] == "moi-them"

    reviewer.post(f"/alerts/{alert.id}/reopen", data={"csrf_token": token})
    assert store.get(alert.id).status == "open"


def test_analysts_cannot_act_and_unknown_alerts_are_404(
    alert_app: tuple[FastAPI, Alert]
) -> None:
    app, alert = alert_app
    analyst = signed_in(app, "minh")
    answer = analyst.post(f"/alerts/{alert.id}/acknowledge",
                          data={"csrf_token": _csrf(analyst)})
    assert answer.status_code == 403
    analyst.get(f"/alerts/{alert.id}")  # opens the app's alert store
    assert app.state.alert_store.get(alert.id).status == "open"
    assert analyst.get("/alerts/khong-co").status_code == 404
    anonymous = TestClient(app).get(f"/alerts/{alert.id}", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")


def test_the_timeline_of_a_known_claim(alert_app: tuple[FastAPI, Alert]) -> None:
    app, alert = alert_app
    page = signed_in(app, "minh").get("/claims/kc-0004/timeline")
    assert page.status_code == 200
    assert "Diễn biến của tin sai kc-0004" in page.text
    rows = re.findall(r'<tr class="(copy|denial)-row" data-id="([^"]+)"', page.text)
    assert [kind for kind, _ in rows] == ["copy"] * 5 + ["denial"]
    assert signed_in(app, "minh").get("/claims/kc-9999/timeline").status_code == 404
