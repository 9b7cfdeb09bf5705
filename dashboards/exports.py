"""CSV and JSON exports of every item a search matches, streamed from a deep scan."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

from core.clock import VIETNAM_TZ, local_iso
from index.query import SearchQuery, StoredItem
from index.store import ItemStore

EXPORT_FIELDS = (
    "id", "url", "source_id", "source_kind", "title", "published", "label", "flagged",
    "score", "model_version", "reasons", "claim_sentences", "provinces", "entities",
    "known_claims", "duplicate_of", "verdict", "verdict_label", "reviewer", "reviewed_at",
)
# A cell that starts with one of these is a formula to a spreadsheet: crawled text is hostile.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_row(stored: StoredItem, zone: ZoneInfo = VIETNAM_TZ) -> dict[str, Any]:
    """One exported item; times are ISO 8601 on the clock of ``zone``, with its offset."""
    item = stored.indexed.item
    model = stored.indexed.classification
    enrichment = stored.indexed.enrichment
    verdict = stored.verdict
    return {
        "id": item.id, "url": item.url, "source_id": item.source_id,
        "source_kind": item.source_kind, "title": item.title,
        "published": local_iso(item.published, zone) if item.published else None,
        "label": model.label, "flagged": model.flagged, "score": model.score,
        "model_version": model.model_version, "reasons": model.reasons,
        "claim_sentences": enrichment.claim_sentences, "provinces": enrichment.provinces,
        "entities": enrichment.entities, "known_claims": enrichment.known_claims,
        "duplicate_of": item.duplicate_of,
        "verdict": verdict.verdict if verdict else None,
        "verdict_label": verdict.label if verdict else None,
        "reviewer": verdict.reviewer if verdict else None,
        "reviewed_at": local_iso(verdict.at, zone) if verdict else None,
    }


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = " | ".join(map(str, value)) if isinstance(value, list) else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_lines(
    store: ItemStore, query: SearchQuery, zone: ZoneInfo = VIETNAM_TZ
) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_FIELDS)
    yield "\ufeff" + buffer.getvalue()  # the BOM makes spreadsheet programs read UTF-8
    for stored in store.scan(query):
        buffer.seek(0)
        buffer.truncate()
        row = export_row(stored, zone)
        writer.writerow([_cell(row[name]) for name in EXPORT_FIELDS])
        yield buffer.getvalue()


def json_chunks(
    store: ItemStore, query: SearchQuery, zone: ZoneInfo = VIETNAM_TZ
) -> Iterator[str]:
    """A JSON array, written item by item so a large export never sits in memory."""
    yield "["
    first = True
    for stored in store.scan(query):
        yield ("" if first else ",\n") + json.dumps(export_row(stored, zone), ensure_ascii=False)
        first = False
    yield "]\n"
