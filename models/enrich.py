"""Turn crawled items into indexed items: the classifier's label, score, reasons and annotations."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from core.records import ClassifyInput, CrawledItem, IndexedItem

# underthesea's CRF tagger is one shared object; tasks running in threads take turns.
_CLASSIFY_LOCK = threading.Lock()
BATCH = 256


@cache
def shared_classifier(artefact_dir: Path | None, flag_threshold: float):  # type: ignore[no-untyped-def]
    """The classifier, loaded once per process and shared by every task."""
    from models.predict import NarrativeClassifier

    return NarrativeClassifier.load(artefact_dir, flag_threshold=flag_threshold)


def enrich(
    items: Sequence[CrawledItem], *, flag_threshold: float, artefact_dir: Path | None = None
) -> list[IndexedItem]:
    """Classify ``items`` in batches and return them ready for the store, in the same order."""
    classifier = shared_classifier(artefact_dir, flag_threshold)
    enriched: list[IndexedItem] = []
    for start in range(0, len(items), BATCH):
        batch = items[start : start + BATCH]
        inputs = [
            ClassifyInput(
                id=item.id, text=item.text, title=item.title, url=item.url,
                source_kind=item.source_kind,
            )
            for item in batch
        ]
        with _CLASSIFY_LOCK:
            predictions = classifier.classify(inputs)
        enriched.extend(
            IndexedItem(
                item=item,
                enrichment=prediction.enrichment,
                classification=prediction.classification,
            )
            for item, prediction in zip(batch, predictions, strict=True)
        )
    return enriched
