"""Builders of record values for tests, with every required field filled in."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from core.ids import canonical_url, doc_id_for_url
from core.labels import is_misleading
from core.records import Classification, CrawledItem, Enrichment, IndexedItem

if TYPE_CHECKING:
    from alerts.signals import FlaggedItem


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


def flagged_record(item: FlaggedItem, *, strong: bool = False) -> IndexedItem:
    """An indexed item that surge detection counts as ``item`` (same time, label, claim and
    provinces): the replayed history of the alert and watch tests."""
    reasons = [f"Nhãn: {item.label}"]
    if item.claim_id:
        strength = "rất giống" if strong else "gần giống"
        reasons.append(f"Giống tin sai đã kiểm chứng: \u201c...\u201d "
                       f"({item.claim_id}, {strength}, 0.61)")
    url = f"https://tin.example.vn/{item.id}.html"
    return IndexedItem(
        item=CrawledItem(id=item.id, url=url, canonical_url=url, source_id=item.source_id or "s",
                         title=item.title or f"Tin {item.id}", text="Nội dung.",
                         published=item.time, fetched_at=item.time),
        enrichment=Enrichment(provinces=list(item.provinces),
                              known_claims=[item.claim_id] if item.claim_id else []),
        classification=Classification(label=item.label, flagged=True, score=item.score,
                                      relevant=True, reasons=reasons, model_version="test"),
    )
