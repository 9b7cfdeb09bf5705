"""Builders of record values for tests, with every required field filled in."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from core.ids import canonical_url, doc_id_for_url
from core.labels import is_misleading
from core.records import Classification, CrawledItem, Enrichment, IndexedItem


def make_item(
    url: str,
    *,
    title: str = "Tin thử nghiệm",
    text: str = "Nội dung thử nghiệm về môi trường.",
    label: str = "none",
    score: float = 0.9,
    source_id: str = "test-source",
    published: datetime | None = None,
    **item_fields: Any,
) -> IndexedItem:
    canonical = canonical_url(url)
    crawled = CrawledItem(
        id=doc_id_for_url(canonical),
        url=url,
        canonical_url=canonical,
        source_id=source_id,
        title=title,
        text=text,
        published=published or datetime(2026, 11, 1, 8, 0, tzinfo=UTC),
        **item_fields,
    )
    classification = Classification(
        label=label,
        flagged=is_misleading(label) and score >= 0.5,
        score=score,
        relevant=label != "irrelevant",
        reasons=["thử nghiệm"],
        model_version="test-1",
    )
    return IndexedItem(item=crawled, enrichment=Enrichment(), classification=classification)
