"""A ``SearchQuery`` and its ``QueryPlan`` in SQL over the ``items`` table and the FTS5 table.

The plan's clauses become FTS5 query strings; each ranking clause becomes one sub-query whose
weight an item gets when it is among that sub-query's rows, so the relevance of an item is the
same integer sum Elasticsearch computes for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.clock import as_utc
from index.query import SearchQuery
from index.search_plan import AllOf, AnyOf, Clause, Phrase, QueryPlan, Term
from index.search_text import SEARCH_FIELDS

SEARCH_TABLE = "items_search"
#: Both stores split the streams on spaces only: FTS5's ``ascii`` tokenizer with "_" as a
#: token character does that for streams of letters, digits and "_" (``index.search_text``).
SEARCH_TABLE_SQL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {SEARCH_TABLE} USING fts5("
    "id UNINDEXED, " + ", ".join(SEARCH_FIELDS) + ", tokenize = \"ascii tokenchars '_'\")"
)

SORTS = {
    "relevance": "rank DESC, items.date DESC, items.id",
    "score": "items.score DESC, items.date DESC, items.id",
    "recency": "items.date DESC, items.score DESC, items.id",
    "oldest": "items.date ASC, items.id",
}


def sortable_time(value: str | datetime) -> str:
    """A time as the ``items.date`` column keeps it: UTC, to the second, sortable as text."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%S")


def match_expression(clause: Clause) -> str:
    """One plan clause as an FTS5 query string. Tokens are letters, digits and "_" only
    (``index.search_text``), so quoting them is all the escaping they need."""
    if isinstance(clause, Term):
        return f'{clause.field} : "{clause.token}"'
    if isinstance(clause, Phrase):
        return f'{clause.field} : "{" ".join(clause.tokens)}"'
    joiner = " OR " if isinstance(clause, AnyOf) else " AND "
    assert isinstance(clause, AnyOf | AllOf)
    return "(" + joiner.join(match_expression(c) for c in clause.clauses) + ")"


@dataclass
class SqlQuery:
    """FROM, WHERE and the relevance expression of one query, with their parameters."""

    source: str
    where: str
    params: list[Any] = field(default_factory=list)
    rank: str = "0"
    rank_params: list[Any] = field(default_factory=list)


def sql_query(query: SearchQuery, plan: QueryPlan, *, ranked: bool = True) -> SqlQuery:
    """The SQL pieces of ``query``; the relevance expression only when it is needed."""
    clauses: list[str] = []
    params: list[Any] = []
    source = "items"
    required = plan.required()
    if required is not None:
        source = f"{SEARCH_TABLE} JOIN items ON items.id = {SEARCH_TABLE}.id"
        clauses.append(f"{SEARCH_TABLE} MATCH ?")
        params.append(match_expression(required))
    if query.labels:
        clauses.append(f"items.label IN ({','.join('?' * len(query.labels))})")
        params.extend(query.labels)
    if query.flagged is not None:
        clauses.append("items.flagged = ?")
        params.append(int(query.flagged))
    if query.sources:
        clauses.append(f"items.source_id IN ({','.join('?' * len(query.sources))})")
        params.extend(query.sources)
    if query.source_kinds:
        marks = ",".join("?" * len(query.source_kinds))
        clauses.append(f"json_extract(items.doc, '$.source_kind') IN ({marks})")
        params.extend(query.source_kinds)
    for path, values in (("$.provinces", query.provinces), ("$.entities", query.entities)):
        if values:
            clauses.append(
                f"EXISTS (SELECT 1 FROM json_each(json_extract(items.doc, '{path}')) "
                f"WHERE value IN ({','.join('?' * len(values))}))"
            )
            params.extend(values)
    if query.date_from is not None:
        clauses.append("items.date >= ?")
        params.append(sortable_time(query.date_from))
    if query.date_to is not None:
        clauses.append("items.date <= ?")
        params.append(sortable_time(query.date_to))
    if query.review_status == "unreviewed":
        # Reviewed items whose text then changed materially are back in the queue.
        clauses.append("(items.review_status IS NULL "
                       "OR json_extract(items.doc, '$.edited_after_review') = 1)")
    elif query.review_status is not None:
        clauses.append("items.review_status = ?")
        params.append(query.review_status)
    if query.story is not None:
        clauses.append("(items.id = ? OR json_extract(items.doc, '$.duplicate_of') = ?)")
        params.extend([query.story, query.story])
    result = SqlQuery(source=source, where=" AND ".join(clauses) or "1", params=params)
    if ranked and query.sort == "relevance" and required is not None:
        parts = []
        for weight, clause in plan.ranking():
            parts.append(
                f"(CASE WHEN {SEARCH_TABLE}.rowid IN (SELECT rowid FROM {SEARCH_TABLE} "
                f"WHERE {SEARCH_TABLE} MATCH ?) THEN {int(weight)} ELSE 0 END)"
            )
            result.rank_params.append(match_expression(clause))
        result.rank = " + ".join(parts) or "0"
    return result
