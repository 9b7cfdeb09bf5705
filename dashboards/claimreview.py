"""Reviewer-confirmed verdicts with a rebuttal link as schema.org ``ClaimReview`` (JSON-LD), so
a newsroom or a platform can pick them up. Nothing a reviewer did not confirm is ever exported."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any, Final

from core.clock import VIETNAM_TZ
from core.labels import LABEL_NAMES_VI, is_misleading
from core.records import CrawledItem
from dashboards.render import safe_url
from index.query import SearchQuery, StoredItem
from index.store import ItemStore

ORGANISATION: Final = "Kiểm Chứng"
#: The organisation's rating scale (schema.org Rating: worstRating .. bestRating), in Vietnamese.
#: Only confirmed misleading claims are exported, and a confirmed verdict says the claim is
#: false or fabricated (TAXONOMY.md), so every export carries rating 1.
RATING_SCALE: Final[dict[int, str]] = {
    1: "Sai sự thật",
    2: "Phần lớn sai",
    3: "Thiếu bối cảnh",
    4: "Phần lớn đúng",
    5: "Đúng",
}
CONFIRMED_RATING: Final = 1
#: Posts of private people (comments) are not listed as appearances: claims, not people.
_PRIVATE_KINDS: Final = frozenset({"comment"})


def _day(moment: datetime | None) -> str | None:
    return moment.astimezone(VIETNAM_TZ).date().isoformat() if moment else None


def _appearance(item: CrawledItem) -> dict[str, Any] | None:
    url = safe_url(item.url)
    if url is None or item.metadata.get("kind") in _PRIVATE_KINDS:
        return None
    work: dict[str, Any] = {"@type": "CreativeWork", "url": url}
    published = _day(item.published or item.fetched_at)
    if published:
        work["datePublished"] = published
    return work


def claim_text(stored: StoredItem) -> str:
    """The claim as reviewed: the first claim sentence, else the title, else the text's start."""
    indexed = stored.indexed
    for candidate in (*indexed.enrichment.claim_sentences, indexed.item.title,
                      indexed.item.text or indexed.item.image_text()):
        text = " ".join(candidate.split())
        if text:
            return text if len(text) <= 300 else text[:299] + "…"
    return ""


def rebuttal_link(stored: StoredItem) -> str | None:
    """The first http(s) evidence link of the verdict: the page that shows the claim false."""
    verdict = stored.verdict
    links = verdict.evidence if verdict else []
    return next((url for url in (safe_url(link) for link in links) if url), None)


def claim_review(
    stored: StoredItem, copies: list[StoredItem] | None = None, *,
    organisation_url: str | None = None,
) -> dict[str, Any] | None:
    """The ClaimReview of a confirmed item with a rebuttal link; ``None`` for anything else.

    ``copies`` are other copies of the same story; with the item they are the claim's
    appearances, and the earliest is its first appearance.
    """
    verdict = stored.verdict
    if verdict is None or verdict.verdict != "confirmed":
        return None
    label = verdict.label or stored.indexed.classification.label
    rebuttal = rebuttal_link(stored)
    claim = claim_text(stored)
    if rebuttal is None or not claim or not is_misleading(label):
        return None
    items = sorted((s.indexed.item for s in [stored, *(copies or [])]),
                   key=lambda i: i.published or i.fetched_at)
    appearances = [a for a in (_appearance(i) for i in items) if a]
    item_reviewed: dict[str, Any] = {"@type": "Claim", "inLanguage": "vi"}
    if appearances:
        item_reviewed["appearance"] = appearances
        item_reviewed["firstAppearance"] = appearances[0]
        if "datePublished" in appearances[0]:
            item_reviewed["datePublished"] = appearances[0]["datePublished"]
    author: dict[str, Any] = {"@type": "Organization", "name": ORGANISATION}
    if organisation_url and safe_url(organisation_url):
        author["url"] = organisation_url
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": rebuttal,
        "claimReviewed": claim,
        "itemReviewed": item_reviewed,
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": CONFIRMED_RATING,
            "bestRating": max(RATING_SCALE),
            "worstRating": min(RATING_SCALE),
            "alternateName": RATING_SCALE[CONFIRMED_RATING],
            "ratingExplanation": LABEL_NAMES_VI[label],
        },
        "author": author,
        "datePublished": _day(verdict.at),
        "inLanguage": "vi",
    }


def claim_reviews(
    store: ItemStore, since: date | None = None, *, organisation_url: str | None = None
) -> Iterator[dict[str, Any]]:
    """Every exportable ClaimReview whose verdict was given on ``since`` or later (Vietnam
    days), newest items first. Reads confirmed items only, however many."""
    for stored in store.scan(SearchQuery(review_status="confirmed", sort="recency")):
        verdict = stored.verdict
        if verdict is None or verdict.verdict != "confirmed":
            continue
        if since and (_day(verdict.at) or "") < since.isoformat():
            continue
        review = claim_review(stored, store.copies_of(stored.id),
                              organisation_url=organisation_url)
        if review is not None:
            yield review
