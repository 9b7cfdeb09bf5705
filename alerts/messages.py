"""The text of notifications, in Vietnamese, with a link to the page to act on.

Messages never call an item false: items are *flagged for review* ("bị gắn cờ để kiểm tra"),
and each message says that no reviewer has decided yet. They name sources (outlets, pages),
never the people who posted.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from alerts.signals import FlaggedItem
from core.alerts import Alert, Delivery, MessageKind, split_key
from core.clock import VIETNAM_TZ, as_utc
from core.labels import LABEL_NAMES_VI

NOT_DECIDED = ("Các bài này mới được hệ thống gắn cờ để kiểm tra; chưa có kết luận của người "
               "kiểm duyệt.")
_DIMENSION_VI = {"claim": "tin sai đã kiểm chứng", "province": "tỉnh/thành", "label": "chủ đề"}


@dataclass(frozen=True)
class Message:
    """One notification, ready for any channel."""

    kind: MessageKind
    subject_id: str
    subject: str
    text: str
    url: str
    label: str | None = None
    provinces: tuple[str, ...] = ()
    score: float = 0.0
    payload: dict[str, Any] = field(default_factory=dict, compare=False)


@cache
def claim_statements() -> dict[str, str]:
    """Known false claims' statements by id (empty when the file is absent from this build)."""
    from nlp.known_claims import load_known_claims

    try:
        path = resources.files("models").joinpath("data/known_claims.yaml")
        with resources.as_file(path) as file:
            _, claims = load_known_claims(file)
    except (FileNotFoundError, ModuleNotFoundError):
        return {}
    return {claim.id: claim.statement for claim in claims}


def vietnam_time(moment: datetime, zone: ZoneInfo = VIETNAM_TZ) -> str:
    """``20:05 ngày 02/11/2026``."""
    local = as_utc(moment).astimezone(zone)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"


def decimal_vi(value: float) -> str:
    """``0,2``: Vietnamese writes a decimal comma."""
    text = f"{value:.1f}" if value < 10 else f"{value:.0f}"
    return text.replace(".", ",")


def label_vi(label: str | None) -> str:
    return f"{LABEL_NAMES_VI.get(label or '', label or '?')} ({label})" if label else "?"


def _headline(alert: Alert) -> str:
    dimension, value = split_key(alert.headline_key)
    if dimension == "claim":
        return f"tin gần giống tin sai đã kiểm chứng {value}"
    if dimension == "province":
        return f"bài về {value}"
    return f"bài chủ đề “{LABEL_NAMES_VI.get(value, value)}”"


def surge_message(
    alert: Alert, items: Mapping[str, FlaggedItem], app_url: str
) -> Message:
    """A new surge: what grew, against what baseline, since when, and where to look."""
    base = app_url.rstrip("/")
    figures = next((f for f in alert.figures if f.key == alert.headline_key), alert.figures[0])
    hours = decimal_vi(figures.window_hours)
    subject = (f"[Kiểm Chứng] Tăng đột biến: {figures.observed} {_headline(alert)} trong "
               f"{hours} giờ (bình thường khoảng {decimal_vi(figures.expected)})")
    members = [items[i] for i in alert.item_ids if i in items]
    sources = sorted({item.source_id for item in members if item.source_id})
    lines = ["Kiểm Chứng phát hiện số bài bị gắn cờ tăng đột biến.", ""]
    lines.append(f"Chủ đề: {label_vi(alert.label)}")
    if alert.claim_id:
        statement = claim_statements().get(alert.claim_id, "")
        lines.append(f"Gần giống tin sai đã kiểm chứng {alert.claim_id}: “{statement}”"
                     if statement else f"Gần giống tin sai đã kiểm chứng {alert.claim_id}")
    if alert.provinces:
        lines.append(f"Tỉnh/thành: {', '.join(alert.provinces)}")
    for f in alert.figures:
        dimension, value = split_key(f.key)
        lines.append(f"- {_DIMENSION_VI[dimension]} {value}: {f.observed} bài trong "
                     f"{decimal_vi(f.window_hours)} giờ qua, bình thường khoảng "
                     f"{decimal_vi(f.expected)}")
    lines.append(f"Bài đầu tiên xuất hiện lúc {vietnam_time(alert.started)} (giờ Việt Nam); "
                 f"phát hiện lúc {vietnam_time(alert.first_detected)}.")
    if sources:
        lines.append(f"Nguồn: {', '.join(sources[:10])}" + (" …" if len(sources) > 10 else ""))
    lines += ["", NOT_DECIDED, "", f"Xem cảnh báo và diễn biến: {base}/alerts/{alert.id}"]
    if members:
        lines.append(f"Bài đầu tiên: {base}/items/{members[0].id}")
    scores = [item.score for item in members]
    return Message(
        kind="surge", subject_id=alert.id, subject=subject, text="\n".join(lines),
        url=f"{base}/alerts/{alert.id}", label=alert.label, provinces=tuple(alert.provinces),
        score=statistics.median(scores) if scores else 0.0,
        payload={"alert": alert.model_dump(mode="json"), "sources": sources},
    )


def match_message(item: FlaggedItem, claim_id: str, copies_today: int, app_url: str) -> Message:
    """A flagged item repeating a known false claim nearly word for word (first of the day)."""
    base = app_url.rstrip("/")
    statement = claim_statements().get(claim_id, "")
    subject = f"[Kiểm Chứng] Tin sai đã kiểm chứng {claim_id} xuất hiện lại"
    lines = [
        f"Một bài bị gắn cờ gần như trùng khớp với tin sai đã kiểm chứng {claim_id}"
        + (f": “{statement}”" if statement else "."),
        "",
        f"Tiêu đề: {item.title or '(không có tiêu đề)'}",
        f"Nguồn: {item.source_id}; xuất hiện lúc {vietnam_time(item.time)} (giờ Việt Nam)",
        f"Chủ đề: {label_vi(item.label)}; điểm {decimal_vi(item.score * 100)}/100",
    ]
    if copies_today > 1:
        lines.append(f"Trong ngày đã có {copies_today} bài như vậy.")
    lines += ["", "Bài mới được hệ thống gắn cờ để kiểm tra; chưa có kết luận của người "
              "kiểm duyệt.", "", f"Xem bài: {base}/items/{item.id}",
              f"Diễn biến của tin này: {base}/claims/{claim_id}/timeline"]
    return Message(
        kind="match", subject_id=f"{claim_id}:{as_utc(item.time).astimezone(VIETNAM_TZ):%Y-%m-%d}",
        subject=subject, text="\n".join(lines), url=f"{base}/items/{item.id}", label=item.label,
        provinces=item.provinces, score=item.score,
        payload={"item_id": item.id, "claim_id": claim_id, "source_id": item.source_id,
                 "label": item.label, "score": item.score, "copies_today": copies_today},
    )


def summary_message(held: Sequence[Delivery], at: datetime, app_url: str) -> Message:
    """What the hourly cap held back, in one message."""
    base = app_url.rstrip("/")
    surges = sum(1 for d in held if d.kind == "surge")
    matches = sum(1 for d in held if d.kind == "match")
    subject = f"[Kiểm Chứng] {len(held)} thông báo bị giữ lại do vượt giới hạn mỗi giờ"
    lines = [f"Để tránh gửi quá nhiều, {len(held)} thông báo đã không được gửi riêng "
             f"({surges} cảnh báo tăng đột biến, {matches} tin sai đã kiểm chứng xuất hiện lại):",
             ""]
    lines += [f"- {d.title} — {d.url}" for d in held[:50]]
    if len(held) > 50:
        lines.append(f"- … và {len(held) - 50} thông báo khác")
    lines += ["", f"Tất cả cảnh báo: {base}/alerts"]
    return Message(
        kind="summary", subject_id=f"summary:{as_utc(at):%Y%m%dT%H%M%S}", subject=subject,
        text="\n".join(lines), url=f"{base}/alerts",
        payload={"held": [d.model_dump(mode="json") for d in held]},
    )


def digest_message(queued: Sequence[Delivery], day: str, app_url: str) -> Message:
    """The day's alerts and matches, in one message."""
    base = app_url.rstrip("/")
    subject = f"[Kiểm Chứng] Tổng hợp ngày {day}: {len(queued)} thông báo"
    lines = [f"Tổng hợp cảnh báo của Kiểm Chứng ngày {day}:", ""]
    lines += [f"- {d.title} — {d.url}" for d in queued]
    if not queued:
        lines.append("- Không có cảnh báo mới.")
    lines += ["", NOT_DECIDED, "", f"Tất cả cảnh báo: {base}/alerts"]
    return Message(
        kind="digest", subject_id=f"digest:{day}", subject=subject, text="\n".join(lines),
        url=f"{base}/alerts", payload={"day": day, "entries": [d.model_dump(mode="json")
                                                               for d in queued]},
    )
