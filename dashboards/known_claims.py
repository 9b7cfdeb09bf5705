"""The known false claims of ``models/data/known_claims.yaml``, by id, for the item page."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True)
class KnownClaimSummary:
    id: str
    label: str
    statement: str
    debunk_source: str | None


@cache
def known_claims() -> dict[str, KnownClaimSummary]:
    """Every known claim by id; empty when the file is absent from this build."""
    try:
        text = resources.files("models").joinpath("data/known_claims.yaml").read_text("utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        return {}
    data: dict[str, Any] = yaml.safe_load(text) or {}
    return {
        str(raw["id"]): KnownClaimSummary(
            id=str(raw["id"]),
            label=str(raw.get("label", "")),
            statement=str(raw.get("statement", "")),
            debunk_source=raw.get("debunk_source"),
        )
        for raw in data.get("claims") or []
    }


def lookup(ids: list[str]) -> list[KnownClaimSummary]:
    table = known_claims()
    return [table[claim_id] for claim_id in ids if claim_id in table]
