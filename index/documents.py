"""The flat document both stores keep for an item, and the way back to record types."""

from __future__ import annotations

from typing import Any

from core.records import Classification, CrawledItem, Enrichment, IndexedItem, ReviewVerdict
from core.text import fold_diacritics

#: Fields the pipeline writes. ``review`` is deliberately absent: only verdicts write it.
PIPELINE_FIELDS = (
    "id", "url", "canonical_url", "source_id", "source_kind", "platform", "title", "text",
    "lead", "published", "fetched_at", "date", "author", "section", "language",
    "content_hash", "duplicate_of", "metadata", "label", "flagged", "score", "relevant",
    "reasons", "model_version", "claim_sentences", "entities", "provinces", "known_claims",
    "indexed_at", "title_folded", "text_folded", "images", "image_text",
)


def to_document(indexed: IndexedItem) -> dict[str, Any]:
    """Flatten an item for storage: crawl fields, enrichment, classification, folded text."""
    item = indexed.item.model_dump(mode="json")
    doc: dict[str, Any] = dict(item)
    doc.update(indexed.enrichment.model_dump(mode="json"))
    doc.update(indexed.classification.model_dump(mode="json"))
    doc["indexed_at"] = indexed.indexed_at.isoformat()
    # Items without a printed date are placed on the day they were fetched.
    doc["date"] = doc["published"] or doc["fetched_at"]
    doc["title_folded"] = fold_diacritics(indexed.item.title)
    # Text read from the item's images is searched like its body (issue 15).
    doc["image_text"] = indexed.item.image_text()
    doc["text_folded"] = fold_diacritics(
        " ".join((indexed.item.lead, indexed.item.text, doc["image_text"]))
    )
    return doc


def from_document(doc: dict[str, Any]) -> tuple[IndexedItem, ReviewVerdict | None]:
    """Rebuild the record types from a stored document."""
    item_fields = set(CrawledItem.model_fields)
    item = CrawledItem.model_validate({k: v for k, v in doc.items() if k in item_fields})
    enrichment = Enrichment.model_validate(
        {k: doc.get(k) or [] for k in Enrichment.model_fields}
    )
    classification = Classification.model_validate(
        {k: doc[k] for k in Classification.model_fields}
    )
    indexed = IndexedItem(
        item=item,
        enrichment=enrichment,
        classification=classification,
        indexed_at=doc["indexed_at"],
    )
    review = doc.get("review")
    verdict = ReviewVerdict.model_validate(review) if review else None
    return indexed, verdict

#: Fields both stores keep as exact terms; Elasticsearch refuses a term over 32766 bytes.
KEYWORD_FIELDS = (
    "id", "canonical_url", "source_id", "source_kind", "platform", "author", "section",
    "language", "content_hash", "duplicate_of", "label", "model_version", "entities",
    "provinces", "known_claims",
)
MAX_TERM_BYTES = 32766


def refusal_reason(doc: dict[str, Any]) -> str | None:
    """Why a document cannot be stored as it is, or ``None``. Both stores refuse the same."""
    for name in KEYWORD_FIELDS:
        value = doc.get(name)
        for term in value if isinstance(value, list) else [value]:
            if isinstance(term, str) and len(term.encode("utf-8")) > MAX_TERM_BYTES:
                return f"field {name!r} holds a term longer than {MAX_TERM_BYTES} bytes"
    return None
