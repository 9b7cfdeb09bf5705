"""A ``SearchQuery`` and its ``QueryPlan`` in Elasticsearch's query DSL.

Matching clauses go in filter context (they never score); the ranking clauses are
``constant_score`` with the plan's integer weights, so an item's ``_score`` is exactly the sum
SQLite computes for it too.
"""

from __future__ import annotations

from typing import Any

from index.query import SearchQuery
from index.search_plan import AllOf, AnyOf, Clause, Phrase, QueryPlan, Term

SORTS: dict[str, list[dict[str, Any]]] = {
    "relevance": [{"_score": "desc"}, {"date": "desc"}, {"id": "asc"}],
    "score": [{"score": "desc"}, {"date": "desc"}, {"id": "asc"}],
    "recency": [{"date": "desc"}, {"score": "desc"}, {"id": "asc"}],
    "oldest": [{"date": "asc"}, {"id": "asc"}],
}


def clause_dsl(clause: Clause) -> dict[str, Any]:
    """One plan clause as a query (filter context)."""
    if isinstance(clause, Term):
        return {"term": {clause.field: clause.token}}
    if isinstance(clause, Phrase):
        return {"match_phrase": {clause.field: " ".join(clause.tokens)}}
    if isinstance(clause, AnyOf):
        return {"bool": {"should": [clause_dsl(c) for c in clause.clauses],
                         "minimum_should_match": 1}}
    assert isinstance(clause, AllOf)
    return {"bool": {"filter": [clause_dsl(c) for c in clause.clauses]}}


def _filters(query: SearchQuery) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    filters: list[dict[str, Any]] = []
    must_not: list[dict[str, Any]] = []
    if query.labels:
        filters.append({"terms": {"label": list(query.labels)}})
    if query.flagged is not None:
        filters.append({"term": {"flagged": query.flagged}})
    if query.sources:
        filters.append({"terms": {"source_id": list(query.sources)}})
    for name, values in (("source_kind", query.source_kinds), ("provinces", query.provinces),
                         ("entities", query.entities)):
        if values:
            filters.append({"terms": {name: list(values)}})
    if query.date_from is not None or query.date_to is not None:
        bounds: dict[str, str] = {}
        if query.date_from is not None:
            bounds["gte"] = query.date_from.isoformat()
        if query.date_to is not None:
            bounds["lte"] = query.date_to.isoformat()
        filters.append({"range": {"date": bounds}})
    if query.review_status == "unreviewed":
        # Reviewed items whose text then changed materially are back in the queue.
        filters.append({"bool": {"should": [
            {"bool": {"must_not": {"exists": {"field": "review.verdict"}}}},
            {"term": {"edited_after_review": True}},
        ], "minimum_should_match": 1}})
    elif query.review_status is not None:
        filters.append({"term": {"review.verdict": query.review_status}})
    if query.story is not None:
        filters.append({"bool": {
            "should": [{"term": {"id": query.story}}, {"term": {"duplicate_of": query.story}}],
            "minimum_should_match": 1,
        }})
    return filters, must_not


def query_dsl(query: SearchQuery, plan: QueryPlan, *, ranked: bool = True) -> dict[str, Any]:
    """The whole query: filters, the plan's required clause, and (``ranked``) its weights."""
    filters, must_not = _filters(query)
    required = plan.required()
    if required is not None:
        filters.append(clause_dsl(required))
    should = [
        {"constant_score": {"filter": clause_dsl(clause), "boost": weight}}
        for weight, clause in (plan.ranking() if ranked and query.sort == "relevance" else [])
    ]
    body: dict[str, Any] = {"filter": filters, "must_not": must_not}
    if should:
        body["should"] = should
        body["minimum_should_match"] = 0
    return {"bool": body}
