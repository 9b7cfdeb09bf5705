"""Text read from an item's images in the classifier's input, and the "from image n" reasons
that tell a reviewer which image a flagged claim was read from."""

from __future__ import annotations

import re
from typing import Final

from core.records import CrawledItem, Prediction
from nlp.normalize import fold

#: A claim sentence counts as read from an image when this share of its words is in the
#: image's text (normalisation may have rewritten a word or two: teencode, URLs).
MIN_SHARED_WORDS: Final = 0.8
#: How much of an image's text a reason quotes when no claim sentence points at the image.
QUOTE_CHARS: Final = 160
_WORD: Final = re.compile(r"\w+")


def classified_text(item: CrawledItem) -> str:
    """What the classifier reads as the item's body: its text, then the text of its images."""
    image_text = item.image_text()
    if not image_text:
        return item.text
    return f"{item.text}\n{image_text}" if item.text else image_text


def _words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def _from_image(sentence: str, image_words: set[str]) -> bool:
    words = _words(sentence)
    return bool(words) and sum(w in image_words for w in words) / len(words) >= MIN_SHARED_WORDS


def image_reasons(item: CrawledItem, prediction: Prediction) -> list[str]:
    """Reasons naming the image each claim sentence was read from: "Từ ảnh 1: “…”".

    An item whose only text is in its images and that was flagged without a claim sentence
    quotes the start of the image's text instead, so every flag still says where it came from.
    """
    reasons: list[str] = []
    claims = prediction.enrichment.claim_sentences
    for image in item.images:
        if not image.text:
            continue
        image_words = set(_words(image.text))
        quoted = [s for s in claims if _from_image(s, image_words)][:2]
        if not quoted and prediction.classification.flagged and not item.text.strip():
            first = " ".join(image.text.split())
            quoted = [first if len(first) <= QUOTE_CHARS else first[:QUOTE_CHARS] + "…"]
        reasons.extend(f"Từ ảnh {image.n}: \u201c{s}\u201d" for s in quoted)
    return reasons


def with_image_reasons(item: CrawledItem, prediction: Prediction) -> Prediction:
    """``prediction`` with the image reasons placed after the label's reason."""
    extra = image_reasons(item, prediction)
    if not extra:
        return prediction
    reasons = list(prediction.classification.reasons)
    reasons[1:1] = extra
    classification = prediction.classification.model_copy(update={"reasons": reasons})
    return prediction.model_copy(update={"classification": classification})
