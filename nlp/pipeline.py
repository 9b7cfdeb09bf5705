"""The spaCy pipeline: an underthesea-backed tokenizer and the registered Kiểm Chứng components.

The pipeline is described in ``nlp/config.cfg``; ``load_pipeline()`` builds it once. The
tokenizer normalises, splits sentences (setting ``is_sent_start``) and segments words; every
component reads that segmentation, so each text is segmented exactly once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Final

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans, load_config, load_model_from_config
from spacy.vocab import Vocab

from nlp.gazetteer import GazetteerEntry, entries
from nlp.lexicon import CUE_NAMES, LEXICON, TOPIC_GROUP, cue_hits, is_unaccented
from nlp.normalize import count_emoji, fold, normalize_text
from nlp.segment import segment_words, split_sentences

CONFIG_PATH: Final[Path] = Path(__file__).with_name("config.cfg")

for _name, _default in (
    ("raw_text", ""),
    ("text", ""),
    ("words", None),
    ("offsets", None),
    ("sentence_bounds", None),
    ("emoji", 0),
    ("unaccented", False),
    ("topic_terms", None),
    ("topic_starts", None),
    ("topic_score", 0.0),
    ("cues", None),
    ("claim_sentences", None),
    ("provinces", None),
):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


class UndertheseaTokenizer:
    """Normalise a text, segment it with underthesea, and align the words back to the text."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        normal = normalize_text(text)
        words, spaces, bounds = _align(normal, segment_words(normal), _sentence_offsets(normal))
        starts: list[bool | int | None] = [False] * len(words)
        for start, _ in bounds:
            starts[start] = True
        doc = Doc(self.vocab, words=words, spaces=spaces, sent_starts=starts)
        ext = doc._
        ext.raw_text = text
        # Doc.text walks every token on each call, and every doc[i] makes a Token object:
        # components read this copy of the text and these offsets instead.
        ext.text, ext.offsets = _text_and_offsets(words, spaces)
        ext.words = words
        ext.sentence_bounds = bounds
        ext.emoji = count_emoji(text)
        ext.unaccented = is_unaccented(normal)
        return doc

    # spaCy calls these when it saves a pipeline; the tokenizer has no state of its own.
    def to_bytes(self, **_: object) -> bytes:
        return b""

    def from_bytes(self, _data: bytes, **_: object) -> UndertheseaTokenizer:
        return self

    def to_disk(self, _path: Path, **_: object) -> None:
        return None

    def from_disk(self, _path: Path, **_: object) -> UndertheseaTokenizer:
        return self


def _text_and_offsets(
    words: list[str], spaces: list[bool]
) -> tuple[str, list[tuple[int, int]]]:
    """The text of the Doc built from ``words`` and ``spaces``, and each token's (start, end)
    in it: what ``Doc.text`` and ``(token.idx, token.idx + len(token.text))`` give."""
    pieces: list[str] = []
    offsets: list[tuple[int, int]] = []
    position = 0
    for word, space in zip(words, spaces, strict=True):
        end = position + len(word)
        offsets.append((position, end))
        if space:
            pieces.append(word + " ")
            position = end + 1
        else:
            pieces.append(word)
            position = end
    return "".join(pieces), offsets


def token_offsets(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) of each token in ``doc._.text``, as the tokenizer recorded them."""
    offsets: list[tuple[int, int]] | None = doc._.offsets
    if offsets is None:
        offsets = [(t.idx, t.idx + len(t.text)) for t in doc]
    return offsets


def _sentence_offsets(text: str) -> list[int]:
    """Character offsets where sentences start."""
    offsets: list[int] = []
    position = 0
    for sentence in split_sentences(text):
        found = text.find(sentence, position)
        if found >= 0:
            offsets.append(found)
            position = found + len(sentence)
    return offsets


def _align(
    text: str, segmented: list[str], sentence_starts: list[int]
) -> tuple[list[str], list[bool], list[tuple[int, int]]]:
    """Words, trailing-space flags and sentence bounds (token start, end) for ``text``.

    The whole text is segmented in one call (what a bare ``word_tokenize`` costs), and the
    sentence starts found by the splitter cut the words: the CRF now and then glues the "!" of
    one sentence to the first word of the next, and that word is split back at the boundary.
    """
    words: list[str] = []
    spaces: list[bool] = []
    first_tokens: list[int] = []
    pending = list(reversed(sentence_starts))
    position = 0
    length = len(text)
    for word in segmented:
        start = text.find(word, position)
        if start < 0:  # underthesea changed the word; keep it, assume a space after it
            words.append(word)
            spaces.append(True)
            continue
        end = start + len(word)
        if not pending or pending[-1] >= max(end, start + 1):
            # No sentence starts in or at this word (most words): it is one piece.
            piece = word.strip()
            if piece:
                words.append(piece)
                stop = start + len(word.rstrip())
                spaces.append(stop < length and text[stop].isspace())
            position = end
            continue
        pieces = [(start, end)]
        while pending and start < pending[-1] < end:
            cut = pending[-1]
            head_start, _ = pieces.pop()
            pieces += [(head_start, cut), (cut, end)]
            first_tokens.append(len(words) + len(pieces) - 1)
            pending.pop()
        for piece_start, piece_end in pieces:
            if pending and piece_start >= pending[-1]:
                first_tokens.append(len(words))
                while pending and piece_start >= pending[-1]:
                    pending.pop()
            piece = text[piece_start:piece_end].strip()
            if piece:
                words.append(piece)
                stop = piece_start + len(text[piece_start:piece_end].rstrip())
                spaces.append(stop < len(text) and text[stop].isspace())
        position = end
    if not words:
        return words, spaces, []
    starts = sorted({0, *(i for i in first_tokens if i < len(words))})
    bounds = [(s, e) for s, e in zip(starts, [*starts[1:], len(words)], strict=True) if s < e]
    return words, spaces, bounds


@spacy.registry.tokenizers("kiemchung.underthesea_tokenizer")
def create_underthesea_tokenizer() -> Callable[[Language], UndertheseaTokenizer]:
    """The tokenizer factory named in ``config.cfg``."""

    def make(nlp: Language) -> UndertheseaTokenizer:
        return UndertheseaTokenizer(nlp.vocab)

    return make


@lru_cache(maxsize=1)
def _gazetteer_patterns() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, GazetteerEntry]]:
    table: dict[str, GazetteerEntry] = {}
    for entry in entries():
        table.setdefault(entry.surface.lower(), entry)
        table.setdefault(fold(entry.surface), entry)
    accented = sorted({e.surface.lower() for e in entries()}, key=len, reverse=True)
    folded = sorted({fold(e.surface) for e in entries()}, key=len, reverse=True)

    def compile_alternation(keys: list[str]) -> re.Pattern[str]:
        return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(k) for k in keys) + r")(?!\w)")

    return compile_alternation(accented), compile_alternation(folded), table


@Language.factory(
    "kiemchung_entity_ruler",
    assigns=["doc.ents", "doc._.provinces"],
)
def make_entity_ruler(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """Provinces (current and former names), organisations and facilities from the gazetteer.

    Matching is over characters, not tokens, so it does not depend on how underthesea cut a
    name; spans snap outwards to token boundaries. Each entity's ``kb_id_`` is its canonical
    name and provinces are reported under their current name.
    """
    accented, folded, table = _gazetteer_patterns()

    def rule(doc: Doc) -> Doc:
        text = doc._.text
        if doc._.unaccented:
            pattern, haystack = folded, fold(text)
        else:
            pattern, haystack = accented, text.lower()
        if len(haystack) != len(text):  # a case mapping changed the length: no safe offsets
            pattern, haystack = accented, text
        spans: list[Span] = []
        provinces: list[str] = []
        for match in pattern.finditer(haystack):
            entry = table.get(match.group(0))
            if entry is None:
                continue
            span = doc.char_span(
                match.start(), match.end(), label=entry.kind, kb_id=entry.canonical,
                alignment_mode="expand",
            )
            if span is None:
                continue
            spans.append(span)
            if entry.is_province and entry.canonical not in provinces:
                provinces.append(entry.canonical)
        doc.ents = filter_spans(spans)
        doc._.provinces = provinces
        return doc

    return rule


@Language.factory(
    "kiemchung_topic_relevance",
    assigns=["doc._.topic_terms", "doc._.topic_starts", "doc._.topic_score", "doc._.cues"],
    default_config={"saturation": 4},
)
def make_topic_relevance(nlp: Language, name: str, saturation: int) -> Callable[[Doc], Doc]:
    """Domain terms and cue phrases of a text, and a lexicon relevance score in [0, 1].

    Cue phrases are kept only on the segmented words and outside negations (``cue_hits``).

    The score saturates: ``saturation`` distinct domain terms count as fully on topic. The
    trained relevance gate in ``models/`` takes this score as one feature among many, since a
    lexicon alone cannot tell "cơn bão giá" (a price storm) from a storm.
    """

    def score(doc: Doc) -> Doc:
        terms: list[str] = []
        starts: list[int] = []
        cues: dict[str, list[str]] = {}
        ext = doc._
        text: str = ext.text
        unaccented: bool = ext.unaccented
        scanned = LEXICON.scan(text, unaccented)
        for hit in scanned:
            if hit.group == TOPIC_GROUP:
                terms.append(hit.phrase)
                starts.append(hit.start)
        for hit in cue_hits(text, token_offsets(doc), unaccented, scanned):
            cues.setdefault(hit.group, []).append(hit.phrase)
        ext.topic_terms = terms
        ext.topic_starts = starts
        ext.topic_score = min(1.0, len(set(terms)) / saturation)
        ext.cues = {name: cues[name] for name in CUE_NAMES if name in cues}
        return doc

    return score


_CLAIM_MARKERS: Final = re.compile(
    r"(?<!\w)(sẽ|đã|bị|gây|gây ra|khiến|làm|khẳng định|cho biết|tăng|giảm|phạt|cấm|nhiễm|vỡ|"
    r"chết|gấp|hơn|không còn|lên tới|lên đến|đến|triệu|tỷ|phần trăm|%|nguy cơ|chứa|thải|"
    r"se|da|bi|gay|khien|lam|tang|giam|vo|chet|gap|hon|nhiem)(?!\w)",
    re.IGNORECASE,
)
_NUMBER: Final = re.compile(r"\d|(?<!\w)(một|hai|ba|bốn|năm|mười|trăm|nghìn|ngàn|triệu|tỷ)(?!\w)")
_OPINION_OPENERS: Final = re.compile(
    r"^(tôi nghĩ|theo tôi|mình nghĩ|tôi thấy|mình thấy|mong|hy vọng|ước gì|giá mà)",
    re.IGNORECASE,
)
#: A sentence needs this many signs (a number, an entity, a domain term, an assertion marker)
#: to count as carrying a checkable claim; one sign alone is too common in small talk.
CLAIM_MIN_SIGNS: Final[int] = 2


@Language.factory(
    "kiemchung_claim_sentences",
    requires=["doc.ents", "doc._.sentence_bounds", "doc._.topic_starts"],
    assigns=["doc._.claim_sentences"],
)
def make_claim_sentences(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """Sentences that carry a checkable factual claim: what a reviewer should read first."""

    def find(doc: Doc) -> Doc:
        claims: list[Span] = []
        ent_starts = {ent.start for ent in doc.ents}
        ext = doc._
        topic_starts: list[int] = ext.topic_starts or []
        full: str = ext.text
        offsets = token_offsets(doc)
        for start, end in ext.sentence_bounds or ():
            if end - start < 4:
                continue
            first = offsets[start][0]
            last = offsets[end - 1][1]
            text = full[first:last]
            if text.endswith("?"):
                continue
            signs = 0
            signs += bool(_NUMBER.search(text))
            signs += any(i in ent_starts for i in range(start, end))
            signs += any(first <= offset < last for offset in topic_starts)
            signs += bool(_CLAIM_MARKERS.search(text))
            signs -= bool(_OPINION_OPENERS.search(text))
            if signs >= CLAIM_MIN_SIGNS:
                claims.append(doc[start:end])
        doc._.claim_sentences = claims
        return doc

    return find


@lru_cache(maxsize=1)
def load_pipeline(config_path: Path = CONFIG_PATH) -> Language:
    """The pipeline described in ``config.cfg``, built once per process.

    >>> doc = load_pipeline()("Thuỷ điện Hoà Bình xả lũ, Quảng Nam mưa lớn.")
    >>> doc.text, doc._.provinces
    ('Thủy điện Hòa Bình xả lũ, Quảng Nam mưa lớn.', ['Đà Nẵng'])
    """
    config = load_config(config_path)
    return load_model_from_config(config, auto_fill=True, validate=True)


def analyse(texts: Iterable[str], batch_size: int = 64) -> Iterable[Doc]:
    """Run the pipeline over many texts, in order."""
    return load_pipeline().pipe(texts, batch_size=batch_size)
