"""What a query's words mean, decided once for both stores: which items match, and how they rank.

A query is cut into *units*. Where adjacent syllables of the query form a word that the index
has seen (a multi-syllable word underthesea cut in some item, kept in the store's word
vocabulary), they are one unit: "dien gio" is the word "điện gió" (wind power). Every other
syllable is a unit of its own; syllables typed side by side that form no known word are a
*run* ("điện rác"), which ranks an item higher where it stands together but is not required
to ("phat 5 trieu khong phan loai rac" finds "không phân loại rác sẽ bị phạt 5 triệu").

An item matches when it holds every unit, in its title or its body (lead and text), in any
order. A word unit is held where the item has that word, or one of the word's known spellings
as adjacent syllables (underthesea sometimes cuts "nhà máy điện gió" as "nhà_máy_điện gió";
the spelling "điện gió" still finds it, while "tiền điện giờ cao điểm" never does: no known
spelling of "dien gio" is "điện giờ"). A syllable unit is held where the item has that
syllable.
Folded queries compare folded forms ("thuy dien" finds "Thủy điện"); exact ones compare the
words as written, with tone marks placed one way ("thuỷ" is "thủy"). In a folded query, a
syllable typed with its diacritics still picks the word: "điện giờ" (hour) is not read as the
word "điện gió", so it is a phrase unit and the items saying "điện giờ" rank first.

Ranking is a sum of fixed weights (``WEIGHTS``), the same integers in both stores, so both
return the same order; ties go to the newer item, then the id:

- the whole query as a phrase in the title, or in the body;
- each run of syllables standing together, in the title or the body;
- each unit in the title;
- what the user typed with its diacritics, as typed (in a folded search), the whole query
  weighing as much as a phrase in both title and body.

The plan is a small boolean tree of ``Term`` and ``Phrase`` leaves over the fields of
``index.search_text``; each store translates it into its own query language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from index.search_text import MAX_WORD_SYLLABLES, fold, syllables

#: A query longer than this is cut: nobody types more, and each syllable costs clauses.
MAX_QUERY_SYLLABLES: Final[int] = 24
#: Spellings of one folded word tried as phrases, alphabetically first; "dien gio" has two or
#: three in practice ("điện gió", and an unaccented "dien gio" from social posts).
MAX_FORMS: Final[int] = 8

#: Ranking weights. In a folded search typed with diacritics, the whole query as typed
#: outranks where a folded phrase stands (an item saying "điện giờ" comes before one saying
#: "điện gió" when "điện giờ" was typed); then a phrase in the title outranks everything
#: else, a phrase in the body outranks the units merely being in the title, and each unit as
#: typed breaks near-ties.
WEIGHTS: Final[dict[str, int]] = {
    "phrase_title": 8,
    "phrase_body": 4,
    "run": 3,
    "unit_title": 2,
    "typed_phrase": 12,
    "typed_unit": 3,
}

Part = Literal["title", "body"]


@dataclass(frozen=True)
class Term:
    """The token ``token`` is in ``field``."""

    field: str
    token: str


@dataclass(frozen=True)
class Phrase:
    """The tokens stand next to each other, in this order, in ``field``."""

    field: str
    tokens: tuple[str, ...]


@dataclass(frozen=True)
class AnyOf:
    clauses: tuple[Clause, ...]


@dataclass(frozen=True)
class AllOf:
    clauses: tuple[Clause, ...]


Clause = Term | Phrase | AnyOf | AllOf


def _syllable_field(part: Part, folded: bool) -> str:
    return f"search_{part}" + ("_folded" if folded else "")


def _word_field(part: Part, folded: bool) -> str:
    return f"search_{part}_words" + ("_folded" if folded else "")


def _sequence(field: str, tokens: Sequence[str]) -> Clause:
    return Term(field, tokens[0]) if len(tokens) == 1 else Phrase(field, tuple(tokens))


def _any(clauses: Sequence[Clause]) -> Clause:
    unique = tuple(dict.fromkeys(clauses))
    return unique[0] if len(unique) == 1 else AnyOf(unique)


@dataclass(frozen=True)
class Unit:
    """One word or syllable of the query.

    ``syllables`` are in the form the search compares (folded unless exact); ``forms`` are
    the spellings of a word unit as written (normal form); ``typed`` is what the user typed,
    kept when a folded search was typed with diacritics.
    """

    syllables: tuple[str, ...]
    forms: tuple[tuple[str, ...], ...] = ()
    typed: tuple[str, ...] | None = None
    #: A known word (several syllables), or else one syllable.
    is_word: bool = False

    def held(self, part: Part, *, exact: bool) -> Clause:
        """The unit is in this part of an item."""
        if not self.is_word:
            return _sequence(_syllable_field(part, not exact), self.syllables)
        options: list[Clause] = [Term(_word_field(part, not exact), "_".join(self.syllables))]
        options += [Phrase(_syllable_field(part, False), form) for form in self.forms]
        return _any(options)

    def held_as_typed(self, part: Part) -> Clause | None:
        if self.typed is None:
            return None
        if len(self.typed) == 1:
            return Term(_syllable_field(part, False), self.typed[0])
        return _any([
            Term(_word_field(part, False), "_".join(self.typed)),
            Phrase(_syllable_field(part, False), self.typed),
        ])


@dataclass(frozen=True)
class QueryPlan:
    """A query's units, the clause every match satisfies, and the weighted ranking clauses."""

    exact: bool
    units: tuple[Unit, ...]
    #: Every syllable of the query, in compared form, and as typed (``None`` if the same).
    phrase: tuple[str, ...]
    typed_phrase: tuple[str, ...] | None = None
    #: Runs of two or more syllables typed side by side that form no known word.
    runs: tuple[tuple[str, ...], ...] = ()

    @property
    def empty(self) -> bool:
        return not self.units

    def required(self) -> Clause | None:
        """Every unit, each in the title or the body."""
        if self.empty:
            return None
        held = [
            _any([unit.held("title", exact=self.exact), unit.held("body", exact=self.exact)])
            for unit in self.units
        ]
        return held[0] if len(held) == 1 else AllOf(tuple(held))

    def ranking(self) -> list[tuple[int, Clause]]:
        """(weight, clause) pairs; an item's relevance is the sum of the weights it meets."""
        if self.empty:
            return []
        folded = not self.exact
        ranked: list[tuple[int, Clause]] = [
            (WEIGHTS["phrase_title"], _sequence(_syllable_field("title", folded), self.phrase)),
            (WEIGHTS["phrase_body"], _sequence(_syllable_field("body", folded), self.phrase)),
        ]
        ranked += [
            (WEIGHTS["run"], _any([Phrase(_syllable_field(part, folded), run)
                                   for part in ("title", "body")]))
            for run in self.runs if run != self.phrase
        ]
        ranked += [
            (WEIGHTS["unit_title"], unit.held("title", exact=self.exact)) for unit in self.units
        ]
        if self.typed_phrase is not None:
            ranked.append((WEIGHTS["typed_phrase"], _any([
                _sequence(_syllable_field(part, False), self.typed_phrase)
                for part in ("title", "body")
            ])))
            for unit in self.units:
                typed = [unit.held_as_typed(part) for part in ("title", "body")]
                clauses = [c for c in typed if c is not None]
                if clauses:
                    ranked.append((WEIGHTS["typed_unit"], _any(clauses)))
        return ranked

    def marks(self) -> list[tuple[str, ...]]:
        """Syllable sequences a highlighter marks, in compared form, longest first."""
        sequences = {unit.syllables for unit in self.units} | set(self.runs)
        return sorted(sequences, key=lambda s: (-len(s), s))


def query_syllables(text: str, exact: bool) -> tuple[list[str], list[str]]:
    """(syllables in compared form, syllables as typed), both cut to ``MAX_QUERY_SYLLABLES``."""
    typed = syllables(text)[:MAX_QUERY_SYLLABLES]
    return (typed if exact else [fold(s) for s in typed]), typed


def word_candidates(text: str, exact: bool) -> list[str]:
    """Folded n-grams of the query ("dien_gio") to look up in the store's word vocabulary."""
    compared, _ = query_syllables(text, exact)
    folded = [fold(s) for s in compared]
    found: list[str] = []
    for size in range(2, MAX_WORD_SYLLABLES + 1):
        for start in range(len(folded) - size + 1):
            found.append("_".join(folded[start : start + size]))
    return list(dict.fromkeys(found))


def _runs(cut: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of two or more single syllables side by side in the cut."""
    runs: list[tuple[int, int]] = []
    open_run: tuple[int, int] | None = None
    for start, end in [*cut, (-1, -1)]:
        if end - start == 1:
            open_run = (open_run[0], end) if open_run else (start, end)
            continue
        if open_run and open_run[1] - open_run[0] > 1:
            runs.append(open_run)
        open_run = None
    return runs


def _fits_typed(form: Sequence[str], typed: Sequence[str]) -> bool:
    """A spelling fits what the user typed when each syllable typed with diacritics is
    spelt so: "điện giờ" (hour) is not the word "điện gió" (wind), "điện gio" may be."""
    return all(t == fold(t) or t == f for f, t in zip(form, typed, strict=True))


def plan_query(text: str, exact: bool, vocabulary: Mapping[str, Sequence[str]]) -> QueryPlan:
    """Cut the query into units, given the vocabulary's spellings of each candidate word.

    ``vocabulary`` maps a folded word ("dien_gio") to its spellings in the index
    ("điện_gió", ...). The cut covers as many syllables with known words as possible, then
    uses as few units as possible.
    """
    compared, typed = query_syllables(text, exact)
    n = len(compared)
    if n == 0:
        return QueryPlan(exact=exact, units=(), phrase=())

    def spellings(start: int, end: int) -> tuple[tuple[str, ...], ...]:
        key = "_".join(fold(s) for s in compared[start:end])
        forms = sorted(set(vocabulary.get(key, ())))
        if exact:
            wanted = "_".join(compared[start:end])
            forms = [f for f in forms if f == wanted]
        else:
            forms = [f for f in forms if _fits_typed(f.split("_"), typed[start:end])]
        return tuple(tuple(f.split("_")) for f in forms[:MAX_FORMS])

    # best[i]: (syllables covered by words, -units, cut) for the first i syllables.
    best: list[tuple[int, int, list[tuple[int, int]]]] = [(0, 0, [])]
    for end in range(1, n + 1):
        covered, negative_count, cut = best[end - 1]
        choice = (covered, negative_count - 1, [*cut, (end - 1, end)])
        for size in range(2, min(MAX_WORD_SYLLABLES, end) + 1):
            start = end - size
            if not spellings(start, end):
                continue
            covered, negative_count, cut = best[start]
            option = (covered + size, negative_count - 1, [*cut, (start, end)])
            if option[:2] > choice[:2]:
                choice = option
        best.append(choice)

    differs = not exact and typed != compared
    units = tuple(
        Unit(
            syllables=tuple(compared[start:end]),
            forms=spellings(start, end) if end - start > 1 else (),
            typed=tuple(typed[start:end]) if differs and typed[start:end] != compared[start:end]
            else None,
            is_word=end - start > 1,
        )
        for start, end in best[n][2]
    )
    return QueryPlan(
        exact=exact,
        units=units,
        phrase=tuple(compared),
        typed_phrase=tuple(typed) if differs else None,
        runs=tuple(tuple(compared[start:end]) for start, end in _runs(best[n][2])),
    )
