"""Record types of fast response: surge alerts, and the log of notifications sent or held.

An alert says that flagged items about one narrative, one known false claim or one province
suddenly grew against their own recent baseline. It never says the items are false: they are
flagged for review, and only a reviewer's verdict calls an item misleading.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.clock import as_utc, now_utc

#: What surges are counted by. ``label`` is a narrative of TAXONOMY.md, ``claim`` the id of a
#: known false claim, ``province`` a Vietnamese province as the gazetteer spells it.
Dimension = Literal["claim", "province", "label"]
#: Most specific first: a surge of one claim says more than a surge of its whole narrative.
DIMENSIONS: Final[tuple[str, ...]] = ("claim", "province", "label")

AlertStatus = Literal["open", "acknowledged", "snoozed"]
Channel = Literal["email", "webhook"]
CHANNELS: Final[tuple[str, ...]] = ("email", "webhook")
#: ``surge`` a new alert; ``match`` a flagged item repeating a known false claim nearly word for
#: word; ``summary`` what the hourly cap held back; ``digest`` the day's alerts and matches.
MessageKind = Literal["surge", "match", "summary", "digest"]
#: ``held`` by the hourly cap until a summary reports it (``summarised``); ``queued`` for the
#: daily digest until it goes out (``digested``).
DeliveryStatus = Literal["sent", "held", "summarised", "queued", "digested", "failed"]


def surge_key(dimension: str, value: str) -> str:
    """The key a count is kept under: ``claim:kc-0004``, ``province:Quảng Nam``."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}")
    return f"{dimension}:{value}"


def split_key(key: str) -> tuple[str, str]:
    """``"province:Quảng Nam"`` -> ``("province", "Quảng Nam")``."""
    dimension, _, value = key.partition(":")
    if dimension not in DIMENSIONS or not value:
        raise ValueError(f"not a surge key: {key!r}")
    return dimension, value


class SurgeFigures(BaseModel):
    """One key's counts at one detection: observed in the window against what was expected."""

    model_config = ConfigDict(extra="forbid")

    key: str
    observed: int = Field(ge=0)
    expected: float = Field(ge=0.0, description="Items the baseline predicts for the window")
    baseline_count: int = Field(ge=0, description="Items in the baseline period")
    p_value: float = Field(ge=0.0, le=1.0)
    window_hours: float = Field(gt=0.0)
    baseline_hours: float = Field(gt=0.0)
    dispersion: float = Field(default=1.0, ge=1.0, description="How clumped counts are, 1: Poisson")


class Alert(BaseModel):
    """A surge: which keys grew, the items that make it up, and what reviewers did with it.

    ``status``, ``snoozed_until`` and the acknowledgement fields belong to people: detection
    never writes them, so a later cycle adding items to the alert keeps them.
    """

    model_config = ConfigDict(extra="forbid")

    id: str
    keys: list[str] = Field(description="Every key that surged together, most specific first")
    label: str | None = None
    claim_id: str | None = None
    provinces: list[str] = Field(default_factory=list)
    first_detected: datetime
    last_detected: datetime
    started: datetime = Field(description="Time of the earliest item in the alert")
    item_ids: list[str] = Field(default_factory=list)
    figures: list[SurgeFigures] = Field(default_factory=list)
    peak_observed: int = 0
    # people's fields
    status: AlertStatus = "open"
    snoozed_until: datetime | None = None
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None

    @field_validator("first_detected", "last_detected", "started", "snoozed_until",
                     "acknowledged_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return None if value is None else as_utc(value)

    @property
    def headline_key(self) -> str:
        return self.keys[0]

    def snoozed_at(self, moment: datetime) -> bool:
        return self.snoozed_until is not None and as_utc(moment) < self.snoozed_until


#: Fields detection writes; everything else on an alert is the reviewers'.
DETECTION_FIELDS: Final[tuple[str, ...]] = (
    "id", "keys", "label", "claim_id", "provinces", "first_detected", "last_detected",
    "started", "item_ids", "figures", "peak_observed",
)
REVIEW_FIELDS: Final[tuple[str, ...]] = (
    "status", "snoozed_until", "acknowledged_by", "acknowledged_at",
)


class Delivery(BaseModel):
    """One message for one channel, as the send log keeps it.

    ``id`` is derived from the channel and what the message is about, so the same alert is never
    sent twice on one channel, across restarts; receivers get it as an idempotency key too.
    """

    model_config = ConfigDict(extra="forbid")

    id: str
    channel: Channel
    kind: MessageKind
    subject_id: str = Field(description="Alert id, item id, or the summary's or digest's own id")
    status: DeliveryStatus
    at: datetime = Field(default_factory=now_utc)
    title: str = ""
    url: str = ""
    attempts: int = 0
    error: str | None = None
    covers: list[str] = Field(
        default_factory=list, description="Ids of the deliveries a summary or digest reports"
    )

    @field_validator("at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return as_utc(value)
