"""Notification rules: which surges and known-claim matches go to which channel.

``KIEMCHUNG_NOTIFY_RULES`` holds rules separated by ``;``, each::

    [surge: | match: | *:] LABELS [@ PROVINCES] [>= SCORE] [-> CHANNELS]

- ``surge`` a new surge alert, ``match`` a flagged item repeating a known false claim nearly
  word for word, ``*`` (or nothing) both;
- LABELS: narrative labels, comma-separated, or ``*`` for the seven misleading ones;
- PROVINCES: province names as the gazetteer spells them (former names are accepted and
  mean the province they are now part of); none means every province, and items naming no
  province;
- SCORE: the item's score at least this (for a surge, the median score of its items);
- CHANNELS: ``email``, ``webhook``, comma-separated; none means every configured channel.

A message goes to the union of the channels of every rule it matches.

>>> rules = parse_rules("surge: disaster_hoax @ Huế, Quảng Nam -> email; match: * >= 0.9")
>>> route(rules, "surge", "disaster_hoax", ("Đà Nẵng",), 0.7, ("email", "webhook"))
('email',)
>>> route(rules, "match", "green_scam", (), 0.8, ("email", "webhook"))
()
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from core.alerts import CHANNELS
from core.labels import MISLEADING_LABELS, check_label, is_misleading
from core.settings import SettingsError
from nlp.gazetteer import PROVINCES

KINDS: Final[tuple[str, ...]] = ("surge", "match")
_FORMER: Final[dict[str, str]] = {
    former: current for current, formers in PROVINCES.items() for former in formers
}


@dataclass(frozen=True)
class Rule:
    """One rule: what it selects and where it sends it (``None`` = any / every)."""

    kinds: frozenset[str]
    labels: frozenset[str]
    provinces: frozenset[str] | None = None
    min_score: float = 0.0
    channels: frozenset[str] | None = None

    def selects(self, kind: str, label: str | None, provinces: Sequence[str], score: float) -> bool:
        if kind not in self.kinds or label not in self.labels or score < self.min_score:
            return False
        return self.provinces is None or bool(self.provinces & set(provinces))


def province_name(name: str) -> str:
    """The current province a name means; raises ``SettingsError`` for an unknown name."""
    name = " ".join(name.split())
    if name in PROVINCES:
        return name
    if name in _FORMER:
        return _FORMER[name]
    raise SettingsError(f"KIEMCHUNG_NOTIFY_RULES: unknown province {name!r}")


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def parse_rule(text: str) -> Rule:
    """One rule of the syntax above; raises ``SettingsError`` naming what is wrong."""
    where = f"KIEMCHUNG_NOTIFY_RULES rule {text.strip()!r}"
    body, _, channel_text = text.partition("->")
    channels = None
    if channel_text.strip():
        channels = frozenset(_names(channel_text))
        unknown = channels - set(CHANNELS)
        if unknown:
            raise SettingsError(f"{where}: unknown channel {', '.join(sorted(unknown))}")
    body, _, score_text = body.partition(">=")
    min_score = 0.0
    if score_text.strip():
        try:
            min_score = float(score_text.strip().replace(",", "."))
        except ValueError as exc:
            raise SettingsError(f"{where}: {score_text.strip()!r} is not a score") from exc
        if not 0.0 <= min_score <= 1.0:
            raise SettingsError(f"{where}: a score is between 0 and 1")
    kinds = frozenset(KINDS)
    head, colon, rest = body.partition(":")
    if colon:
        kind = head.strip()
        if kind not in (*KINDS, "*"):
            raise SettingsError(f"{where}: {kind!r} is not surge, match or *")
        kinds = frozenset(KINDS) if kind == "*" else frozenset({kind})
        body = rest
    label_text, _, province_text = body.partition("@")
    labels: set[str] = set()
    for name in _names(label_text) or ["*"]:
        if name == "*":
            labels |= set(MISLEADING_LABELS)
            continue
        try:
            label = check_label(name)
        except ValueError as exc:
            raise SettingsError(f"{where}: {exc}") from exc
        if not is_misleading(label):
            raise SettingsError(f"{where}: {label} is never flagged, so never notified")
        labels.add(label)
    provinces = None
    if province_text.strip() and province_text.strip() != "*":
        provinces = frozenset(province_name(name) for name in _names(province_text))
    return Rule(frozenset(kinds), frozenset(labels), provinces, min_score, channels)


def parse_rules(text: str) -> list[Rule]:
    """Every rule of ``KIEMCHUNG_NOTIFY_RULES``; an empty value sends nothing."""
    return [parse_rule(part) for part in text.split(";") if part.strip()]


def route(
    rules: Sequence[Rule], kind: str, label: str | None, provinces: Sequence[str], score: float,
    configured: Sequence[str],
) -> tuple[str, ...]:
    """The configured channels a message goes to, in ``configured`` order."""
    chosen: set[str] = set()
    for rule in rules:
        if rule.selects(kind, label, provinces, score):
            chosen |= set(configured) if rule.channels is None else set(rule.channels)
    return tuple(channel for channel in configured if channel in chosen)
