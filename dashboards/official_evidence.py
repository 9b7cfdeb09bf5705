"""The official word on a flagged claim: items from sources marked ``official: true`` most like
its claim sentences, nearest in time first, each with the passage that matches."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Final

from fastapi import Request

from core.records import IndexedItem
from index.query import SearchQuery, StoredItem
from index.store import ItemStore
from nlp.passages import best_passages

#: How many official items the item page shows.
MAX_EVIDENCE: Final = 3
#: Official items this far before or after the claim are considered; denials come within days,
#: but a standing rule may be a few weeks older than the rumour about it.
WINDOW: Final = timedelta(days=60)
#: Official items read per claim: the newest in the window.
CANDIDATES: Final = 200
#: Passages less alike than this are not evidence. Measured on the flow test's site: the
#: denial of a rumour scores 0.46 against it, unrelated official news of the same week 0.10.
MIN_SIMILARITY: Final = 0.2


@dataclass(frozen=True)
class OfficialEvidence:
    """One official item offered as evidence, with its matching passage."""

    stored: StoredItem
    passage: str
    similarity: float
    days_apart: float

    @property
    def url(self) -> str:
        return self.stored.indexed.item.url

    @property
    def title(self) -> str:
        return self.stored.indexed.item.title


def _when(indexed: IndexedItem) -> datetime:
    return indexed.item.published or indexed.item.fetched_at


def claims_of(indexed: IndexedItem) -> list[str]:
    """What the evidence must speak to: the claim sentences, else the title and the start of
    the text (an image-only post's text is its images')."""
    if indexed.enrichment.claim_sentences:
        return list(indexed.enrichment.claim_sentences)
    body = indexed.item.text or indexed.item.image_text()
    return [part for part in (indexed.item.title, body[:400]) if part.strip()]


def find_official_evidence(
    store: ItemStore, indexed: IndexedItem, official_sources: Collection[str],
    *, limit: int = MAX_EVIDENCE,
) -> list[OfficialEvidence]:
    """The ``limit`` official items most like the item's claims, nearest in time first."""
    when = _when(indexed)
    found = official_matches(store, claims_of(indexed), official_sources, when - WINDOW,
                             when + WINDOW, exclude=indexed.item.id, around=when)
    found.sort(key=lambda e: -e.similarity)
    return sorted(found[:limit], key=lambda e: (e.days_apart, -e.similarity))


def official_matches(
    store: ItemStore, claims: Sequence[str], official_sources: Collection[str],
    date_from: datetime, date_to: datetime, *, exclude: str = "", around: datetime,
) -> list[OfficialEvidence]:
    """Official items of ``date_from``..``date_to`` (the newest ``CANDIDATES``) with a passage
    at least ``MIN_SIMILARITY`` like one of ``claims``; ``days_apart`` counts from ``around``."""
    if not official_sources or not claims:
        return []
    query = SearchQuery(sources=tuple(sorted(official_sources)), date_from=date_from,
                        date_to=date_to, sort="recency", size=CANDIDATES)
    candidates = [hit.stored for hit in store.search(query).hits if hit.stored.id != exclude]
    documents = [
        "\n".join(p for p in (c.indexed.item.title, c.indexed.item.lead, c.indexed.item.text,
                              c.indexed.item.image_text()) if p)
        for c in candidates
    ]
    matches = best_passages(claims, documents)
    return [
        OfficialEvidence(
            stored=candidate, passage=match.passage, similarity=match.similarity,
            days_apart=abs((_when(candidate.indexed) - around).total_seconds()) / 86400,
        )
        for candidate, match in zip(candidates, matches, strict=True)
        if match.similarity >= MIN_SIMILARITY
    ]


def official_sources_from_file(path: Path | None = None) -> frozenset[str]:
    """Ids of the official sources of a sources file (the shipped one by default)."""
    from crawlers.sources import SourcesError, load_sources, official_source_ids

    try:
        return official_source_ids(load_sources(path))
    except SourcesError:
        return frozenset()


def evidence_for_page(request: Request, stored: StoredItem) -> list[OfficialEvidence]:
    """The official evidence the item page shows: for flagged or confirmed items only. Called
    from a plain ``def`` route, so in a worker thread (the store waits on I/O). The official
    sources are the app's ``official_sources`` when set, else those of the shipped file."""
    flagged = stored.indexed.classification.flagged
    confirmed = stored.verdict is not None and stored.verdict.verdict == "confirmed"
    if not (flagged or confirmed):
        return []
    state = request.app.state
    if getattr(state, "official_sources", None) is None:
        state.official_sources = official_sources_from_file()
    return find_official_evidence(state.store, stored.indexed, state.official_sources)
