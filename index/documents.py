"""The flat document both stores keep for an item, and the way back to record types."""

from __future__ import annotations

from typing import Any, Final

from core.records import (
    Classification,
    CrawledItem,
    Enrichment,
    IndexedItem,
    ReviewVerdict,
    Revision,
)
from index.query import StoredItem
from index.search_text import SEARCH_FIELDS, SearchStreams, search_streams, word_forms

#: Fields the pipeline writes. ``review`` is deliberately absent: only verdicts write it.
PIPELINE_FIELDS = (
    "id", "url", "canonical_url", "source_id", "source_kind", "platform", "title", "text",
    "lead", "published", "fetched_at", "date", "author", "section", "language",
    "content_hash", "duplicate_of", "metadata", "label", "flagged", "score", "relevant",
    "reasons", "model_version", "claim_sentences", "entities", "provinces", "known_claims",
    "title_words", "body_words", "indexed_at", "images", "image_text", *SEARCH_FIELDS,
    "version", "previous_hash", "revisions", "edited_after_review",
)


def streams_of(doc: dict[str, Any]) -> SearchStreams:
    """The search streams of a stored document (a pure function of its text and words)."""
    return search_streams(
        title=doc.get("title") or "", lead=doc.get("lead") or "",
        # Text read from the item's images is searched like its body (issue 15).
        text=" ".join(part for part in (doc.get("text"), doc.get("image_text")) if part),
        title_words=doc.get("title_words") or "", body_words=doc.get("body_words") or "",
    )


def to_document(indexed: IndexedItem) -> dict[str, Any]:
    """Flatten an item for storage: crawl fields, enrichment, classification, search streams."""
    return document_and_forms(indexed)[0]


def document_and_forms(indexed: IndexedItem) -> tuple[dict[str, Any], frozenset[str]]:
    """``to_document`` and the item's multi-syllable words (what the vocabulary gains), from one
    pass over the text: a store needs both, and the streams are most of the cost."""
    item = indexed.item.model_dump(mode="json")
    doc: dict[str, Any] = dict(item)
    doc.update(indexed.enrichment.model_dump(mode="json"))
    doc.update(indexed.classification.model_dump(mode="json"))
    doc["indexed_at"] = indexed.indexed_at.isoformat()
    doc["revisions"] = [revision.model_dump(mode="json") for revision in indexed.revisions]
    doc["edited_after_review"] = indexed.edited_after_review
    # Items without a printed date are placed on the day they were fetched.
    doc["date"] = doc["published"] or doc["fetched_at"]
    doc["image_text"] = indexed.item.image_text()
    streams = streams_of(doc)
    doc.update(streams.fields)
    return doc, streams.forms


def rebuilt_document(doc: dict[str, Any]) -> dict[str, Any]:
    """A stored document with its search streams computed again by the current code, and
    fields no longer written dropped: what a migration copies into a fresh index."""
    fresh = {key: doc[key] for key in (*PIPELINE_FIELDS, "review") if key in doc}
    fresh.update(streams_of(doc).fields)
    return fresh


def forms_of(doc: dict[str, Any]) -> set[str]:
    """The multi-syllable words (as written) of a document with search streams."""
    tokens = f"{doc.get('search_title_words', '')} {doc.get('search_body_words', '')}".split()
    return set(word_forms(tokens))


#: The fields of each record type, read once (a search page maps 25 documents).
_ITEM_FIELDS: Final[tuple[str, ...]] = tuple(CrawledItem.model_fields)
_ENRICHMENT_FIELDS: Final[tuple[str, ...]] = tuple(Enrichment.model_fields)
_CLASSIFICATION_FIELDS: Final[tuple[str, ...]] = tuple(Classification.model_fields)


def from_document(doc: dict[str, Any]) -> tuple[IndexedItem, ReviewVerdict | None]:
    """Rebuild the record types from a stored document."""
    item = CrawledItem.model_validate({k: doc[k] for k in _ITEM_FIELDS if k in doc})
    enrichment = Enrichment.model_validate(
        {k: doc[k] for k in _ENRICHMENT_FIELDS if doc.get(k) is not None}
    )
    classification = Classification.model_validate(
        {k: doc[k] for k in _CLASSIFICATION_FIELDS}
    )
    indexed = IndexedItem(
        item=item,
        enrichment=enrichment,
        classification=classification,
        indexed_at=doc["indexed_at"],
        revisions=[Revision.model_validate(entry) for entry in doc.get("revisions") or []],
        edited_after_review=bool(doc.get("edited_after_review")),
    )
    review = doc.get("review")
    verdict = ReviewVerdict.model_validate(review) if review else None
    return indexed, verdict


def stored_item(doc: dict[str, Any]) -> StoredItem:
    """The item and its verdict from a stored document; the one mapping both stores use."""
    indexed, verdict = from_document(doc)
    return StoredItem(indexed=indexed, verdict=verdict)

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
