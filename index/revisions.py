"""Corrected articles: keep the earlier version, say what changed, and requeue reviewed items
whose text changed materially (the reviewer's verdict itself is never touched here)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher
from typing import Literal

from core.records import IndexedItem, Revision
from core.text import nfc
from index.store import ItemStore

#: A change of at least this share of the words is material whatever they are...
MATERIAL_SHARE = 0.02
#: ...and so is any change of this many words or more (a corrected paragraph, not a typo).
MATERIAL_WORDS = 3
_WORD = re.compile(r"\w+", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")

DiffOp = Literal["equal", "delete", "insert"]


def _words(text: str) -> list[str]:
    return _WORD.findall(nfc(text).lower())


def changed_words(old: str, new: str) -> int:
    """How many words were removed, added or replaced between two texts.

    >>> changed_words("Mực nước sông dâng 2 mét", "Mực nước sông dâng 3 mét")
    1
    """
    matcher = SequenceMatcher(a=_words(old), b=_words(new), autojunk=False)
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes()
               if tag != "equal")


def is_material(old_title: str, old_text: str, new_title: str, new_text: str) -> bool:
    """A change a reviewer must see again: a new headline, a number changed (a figure, a
    date, a toll), or more than a typo's worth of words."""
    if _words(old_title) != _words(new_title):
        return True
    if sorted(_NUMBER.findall(old_text)) != sorted(_NUMBER.findall(new_text)):
        return True
    changed = changed_words(old_text, new_text)
    total = max(len(_words(old_text)), 1)
    return changed >= MATERIAL_WORDS or changed / total >= MATERIAL_SHARE


def word_diff(old: str, new: str) -> list[tuple[DiffOp, str]]:
    """The new text against the old, word by word, as runs of kept, removed and added text
    (spacing inside a run is kept as written, so the runs read as the article)."""
    old_tokens = re.findall(r"\S+\s*", nfc(old))
    new_tokens = re.findall(r"\S+\s*", nfc(new))
    matcher = SequenceMatcher(a=[t.strip() for t in old_tokens],
                              b=[t.strip() for t in new_tokens], autojunk=False)
    runs: list[tuple[DiffOp, str]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            runs.append(("equal", "".join(new_tokens[j1:j2])))
            continue
        if i2 > i1:
            runs.append(("delete", "".join(old_tokens[i1:i2])))
        if j2 > j1:
            runs.append(("insert", "".join(new_tokens[j1:j2])))
    return runs


def with_history(previous: IndexedItem | None, reviewed: bool,
                 incoming: IndexedItem) -> IndexedItem:
    """``incoming`` carrying the stored item's history: when its body differs from
    ``previous``, that version is appended to the revisions, and a material change of an item
    with a verdict (``reviewed``) puts it back in the queue. The same body again changes
    nothing, so writing an item twice is harmless."""
    if previous is None:
        return incoming
    old = previous.item
    revisions = list(previous.revisions)
    edited = previous.edited_after_review
    if old.content_hash != incoming.item.content_hash:
        revisions.append(Revision(version=old.version, content_hash=old.content_hash,
                                  title=old.title, text=old.text, fetched_at=old.fetched_at))
        edited = edited or (reviewed and is_material(old.title, old.text, incoming.item.title,
                                                     incoming.item.text))
    return incoming.model_copy(update={"revisions": revisions, "edited_after_review": edited})


def carry_history(store: ItemStore, items: Iterable[IndexedItem]) -> list[IndexedItem]:
    """Every item ready to write: new versions of stored items (``version`` > 1) carry their
    history; first versions go as they are (no read from the store)."""
    ready = []
    for indexed in items:
        if indexed.item.version > 1:
            stored = store.get(indexed.id)
            if stored is not None:
                indexed = with_history(stored.indexed, stored.verdict is not None, indexed)
        ready.append(indexed)
    return ready
