"""Notifications to a real local SMTP server and a webhook receiver that checks the HMAC:
rules, exactly-once across restarts, the hourly cap with its summary, the daily digest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial

import pytest

from alerts.channels import (
    configured_channels,
    send_on,
    sign,
    verify,
    webhook_body,
)
from alerts.dispatch import Dispatcher, candidate_messages
from alerts.messages import Message, surge_message
from alerts.rules import parse_rules, route
from alerts.signals import FlaggedItem
from core.alerts import Alert, SurgeFigures
from core.settings import Settings, SettingsError
from tests.receivers import smtp_server, webhook_receiver

SECRET = "s3cret-for-tests-only-0123456789"
AT = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)  # 21:00 in Vietnam


def _settings(tmp_path, mail_port: int, hook_url: str, **more) -> Settings:
    return Settings(data_dir=tmp_path, smtp_host="127.0.0.1", smtp_port=mail_port,
                    smtp_starttls=False, mail_from="kiemchung@example.vn",
                    mail_to="truc-ban@example.vn", webhook_url=hook_url, webhook_secret=SECRET,
                    app_url="https://kiemchung.example.vn", **more)


def _alert(number: int = 1, label: str = "disaster_hoax", province: str = "Đà Nẵng") -> Alert:
    return Alert(
        id=f"alert-{number}", keys=[f"province:{province}", f"label:{label}"], label=label,
        provinces=[province], first_detected=AT, last_detected=AT,
        started=AT - timedelta(hours=2), item_ids=[f"i{number}-{n}" for n in range(7)],
        peak_observed=7,
        figures=[SurgeFigures(key=f"province:{province}", observed=7, expected=0.21,
                              baseline_count=12, p_value=1e-8, window_hours=3,
                              baseline_hours=336)],
    )


def _items(alert: Alert) -> list[FlaggedItem]:
    return [FlaggedItem(id=i, time=AT - timedelta(minutes=10 * n), label=alert.label or "",
                        score=0.8, source_id=f"nguon-{n % 3}", provinces=tuple(alert.provinces),
                        title="Tin đồn vỡ đập") for n, i in enumerate(alert.item_ids)]


def test_rules_route_by_kind_label_province_and_score() -> None:
    rules = parse_rules("surge: disaster_hoax, fabricated_policy @ Quảng Nam -> email; "
                        "match: * >= 0.9 -> webhook; *: green_scam")
    both = ("email", "webhook")
    # Quảng Nam is now part of Đà Nẵng: the rule means Đà Nẵng.
    assert route(rules, "surge", "disaster_hoax", ("Đà Nẵng",), 0.5, both) == ("email",)
    assert route(rules, "surge", "disaster_hoax", ("Huế",), 0.5, both) == ()
    assert route(rules, "match", "disaster_hoax", (), 0.95, both) == ("webhook",)
    assert route(rules, "match", "disaster_hoax", (), 0.85, both) == ()
    assert route(rules, "surge", "green_scam", (), 0.1, both) == both
    assert route(rules, "surge", "green_scam", (), 0.1, ("email",)) == ("email",)
    assert parse_rules("") == []
    for bad, words in [("surge: hoax", "unknown label"), ("sometimes: *", "not surge"),
                       ("* @ Atlantis", "unknown province"), ("* >= 2", "between 0 and 1"),
                       ("* -> fax", "unknown channel"), ("none", "never flagged")]:
        with pytest.raises(SettingsError, match=words):
            parse_rules(bad)


def test_secrets_have_no_defaults_and_links_are_safe(tmp_path) -> None:
    base = {"data_dir": tmp_path}
    assert configured_channels(Settings(**base)) == {}
    with pytest.raises(SettingsError, match="WEBHOOK_SECRET is not set"):
        configured_channels(Settings(**base, webhook_url="https://hooks.example.vn/x"))
    with pytest.raises(SettingsError, match="placeholder"):
        configured_channels(Settings(**base, webhook_url="https://hooks.example.vn/x",
                                     webhook_secret="change-me"))
    with pytest.raises(SettingsError, match="https"):
        configured_channels(Settings(**base, webhook_url="http://hooks.example.vn/x",
                                     webhook_secret=SECRET))
    with pytest.raises(SettingsError, match="SMTP_PASSWORD"):
        configured_channels(Settings(**base, smtp_host="mail.example.vn", mail_to="a@b.vn",
                                     mail_from="k@b.vn", smtp_username="kc"))
    with pytest.raises(SettingsError, match="in clear"):
        configured_channels(Settings(**base, smtp_host="mail.example.vn", mail_to="a@b.vn",
                                     mail_from="k@b.vn", smtp_username="kc",
                                     smtp_password="long-password-123", smtp_starttls=False))
    body = b'{"a": 1}'
    signature = sign(SECRET, "1793000000", body)
    now = datetime.fromtimestamp(1793000100, UTC)
    assert verify(SECRET, "1793000000", body, signature, now)
    assert not verify(SECRET, "1793000000", body + b" ", signature, now)
    assert not verify(SECRET, "1793000000", body, signature, now + timedelta(minutes=10))


def test_a_surge_reaches_both_receivers_once_even_after_a_restart(stores, tmp_path) -> None:
    _, alert_store = stores
    alert = _alert()
    with smtp_server() as mailbox, webhook_receiver(SECRET) as hook:
        settings = _settings(tmp_path, mailbox.port, hook.url)
        channels = configured_channels(settings)

        def dispatcher() -> Dispatcher:  # a fresh one per "process"
            return Dispatcher(store=alert_store, send=partial(send_on, channels),
                              channels=["email", "webhook"], rules=parse_rules(
                                  settings.notify_rules), app_url=settings.app_url)

        messages = candidate_messages([alert], _items(alert), AT, settings.app_url)
        assert [m.kind for m in messages] == ["surge"]
        first = dispatcher().dispatch(messages, AT)
        again = dispatcher().dispatch(messages, AT + timedelta(minutes=15))

        assert first.count("sent") == 2 and again.count("sent") == 0
        assert len(mailbox.messages) == 1 and len(hook.received) == 1 and not hook.refused
        mail = mailbox.messages[0]
        assert "Tăng đột biến" in mail["Subject"] and "Đà Nẵng" in mail["Subject"]
        body = mail.get_content()
        assert "https://kiemchung.example.vn/alerts/alert-1" in body
        assert "chưa có kết luận của người kiểm duyệt" in body
        assert "tin giả" not in body.lower().replace("tin giả về thiên tai", "")
        received = hook.received[0]
        assert received["kind"] == "surge" and received["alert"]["id"] == "alert-1"
        assert received["_delivery_header"] == received["delivery_id"]
        assert mail["X-KiemChung-Delivery"] != received["delivery_id"]  # one id per channel


def _message(number: int) -> Message:
    alert = _alert(number)
    return surge_message(alert, {i.id: i for i in _items(alert)}, "https://k.example.vn")


def test_the_hourly_cap_holds_back_and_then_summarises(stores) -> None:
    _, alert_store = stores
    sent: list[tuple[str, str]] = []
    dispatcher = Dispatcher(store=alert_store, send=lambda c, m, i: sent.append((c, m.kind)),
                            channels=["email"], rules=parse_rules("*"), max_per_hour=2)
    outcome = dispatcher.dispatch([_message(n) for n in range(5)], AT)
    assert outcome.count("sent") == 2 and outcome.count("held") == 3
    # Still within the hour: nothing more goes out, new messages are held too.
    later = dispatcher.dispatch([_message(5)], AT + timedelta(minutes=30))
    assert later.count("sent") == 0 and later.count("held") == 1
    # The next hour: one summary of the four held back, then room for one more.
    next_hour = dispatcher.dispatch([_message(6)], AT + timedelta(minutes=61))
    assert [kind for _, kind in sent] == ["surge", "surge", "summary", "surge"]
    summary = next(d for d in next_hour.by_status["sent"] if d.kind == "summary")
    assert len(summary.covers) == 4 and next_hour.count("summarised") == 4
    assert not alert_store.deliveries(status="held")


def test_the_daily_digest_replaces_immediate_messages(stores) -> None:
    _, alert_store = stores
    sent: list[Message] = []
    dispatcher = Dispatcher(store=alert_store, send=lambda c, m, i: sent.append(m),
                            channels=["webhook"], rules=parse_rules("*"), digest=True,
                            digest_hour=7)
    evening = datetime(2026, 11, 2, 13, 0, tzinfo=UTC)  # 20:00 in Vietnam, after 07:00
    dispatcher.dispatch([], evening - timedelta(hours=12))  # 08:00: an empty digest goes out
    assert [m.kind for m in sent] == ["digest"] and "Không có cảnh báo mới" in sent[0].text
    dispatcher.dispatch([_message(1), _message(2)], evening)
    assert len(sent) == 1  # queued for tomorrow's digest
    dispatcher.dispatch([_message(3)], evening + timedelta(hours=5))  # 01:00: not yet
    dispatcher.dispatch([], evening + timedelta(hours=12))  # 08:00 the next day
    dispatcher.dispatch([], evening + timedelta(hours=13))  # nothing twice
    assert [m.kind for m in sent] == ["digest", "digest"]
    assert sent[1].text.count("Tăng đột biến") == 3
    assert webhook_body(sent[1], "x")  # serialisable


def test_strong_matches_are_notified_once_per_claim_and_day_unless_a_surge_covers_them() -> None:
    items = [FlaggedItem(id=f"m{n}", time=AT - timedelta(minutes=n), label="disaster_hoax",
                         score=0.9, strong_claims=("kc-0001",), title="Vỡ đập Bản Vẽ")
             for n in range(3)]
    messages = candidate_messages([], items, AT, "https://k.example.vn")
    assert [(m.kind, m.subject_id) for m in messages] == [("match", "kc-0001:2026-11-02")]
    assert "Trong ngày đã có 3 bài" in messages[0].text
    covering = _alert().model_copy(update={"claim_id": "kc-0001"})
    assert [m.kind for m in candidate_messages([covering], items, AT, "https://k")] == ["surge"]
    acknowledged = covering.model_copy(update={"status": "acknowledged"})
    assert candidate_messages([acknowledged], items, AT, "https://k") == []
