"""Turn crawled items into indexed items: the classifier's label, score, reasons and annotations."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from core.records import ClassifyInput, CrawledItem, Enrichment, IndexedItem
from models.image_reasons import classified_text, with_image_reasons
from models.predict import NarrativeClassifier
from nlp.normalize import normalize_text
from nlp.segment import segment_words

# Loading first-touches underthesea's lazily loaded models and its CRF tagger is one shared
# object, neither safe across threads; tasks running in threads load and classify in turn.
_CLASSIFY_LOCK = threading.RLock()
_LOADED: dict[tuple[Path | None, float], NarrativeClassifier] = {}
BATCH = 256


def shared_classifier(artefact_dir: Path | None, flag_threshold: float) -> NarrativeClassifier:
    """The classifier, loaded once per process and shared by every task.

    Loading happens under the lock too: two tasks starting together must not both load it.
    """
    key = (artefact_dir, flag_threshold)
    with _CLASSIFY_LOCK:
        if key not in _LOADED:
            _LOADED[key] = NarrativeClassifier.load(artefact_dir, flag_threshold=flag_threshold)
        return _LOADED[key]


def enrich(
    items: Sequence[CrawledItem],
    *,
    flag_threshold: float,
    artefact_dir: Path | None = None,
    official: bool = False,
) -> list[IndexedItem]:
    """Classify ``items`` in batches and return them ready for the store, in the same order.

    ``official``: the items come from a source ``sources.yaml`` marks ``official: true`` (a
    government portal, EVN, the weather service); the classifier weighs them as official
    notices, whatever the crawler's kind of source."""
    classifier = shared_classifier(artefact_dir, flag_threshold)
    enriched: list[IndexedItem] = []
    for start in range(0, len(items), BATCH):
        batch = items[start : start + BATCH]
        inputs = [
            ClassifyInput(
                id=item.id, text=classified_text(item), title=item.title, url=item.url,
                source_kind="official" if official else item.source_kind,
            )
            for item in batch
        ]
        with _CLASSIFY_LOCK:
            predictions = classifier.classify(inputs)
            leads = [lead_words(item.lead) for item in batch]
        predictions = [with_image_reasons(i, p) for i, p in zip(batch, predictions, strict=True)]
        enriched.extend(
            IndexedItem(
                item=item,
                enrichment=with_lead(prediction.enrichment, lead),
                classification=prediction.classification,
            )
            for item, prediction, lead in zip(batch, predictions, leads, strict=True)
        )
    return enriched


def lead_words(lead: str) -> str:
    """The lead cut into words for search. The classifier reads the title and the text, so
    the lead (a sentence or two) is the only text segmented a second time."""
    if not lead.strip():
        return ""
    return " ".join(word.replace(" ", "_") for word in segment_words(normalize_text(lead)))


def with_lead(enrichment: Enrichment, lead: str) -> Enrichment:
    """The enrichment with the lead's words in front of the body's, as the item reads."""
    if not lead:
        return enrichment
    body = f"{lead} {enrichment.body_words}".strip()
    return enrichment.model_copy(update={"body_words": body})
