"""The Elasticsearch store: bulk upserts by id through an alias, search, verdicts with history."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError, helpers
from elasticsearch import ConnectionError as ESConnectionError

from core.records import IndexedItem, ReviewVerdict
from core.settings import Settings
from index.documents import PIPELINE_FIELDS, from_document, to_document
from index.es_schema import IndexNames, ensure_index, load_schema
from index.highlight import highlight, query_terms
from index.query import SearchHit, SearchQuery, SearchResult, StoredItem, UpsertReport
from index.store import StoreUnavailable

BULK_CHUNK = 500
# A reviewer's verdict and a nightly re-index may touch one document at once; the update API
# re-applies a partial update on a version conflict, so both changes survive.
RETRY_ON_CONFLICT = 5
# Elasticsearch answers 429 when its write queue is full; back off and retry those items.
BULK_MAX_RETRIES = 6

_SORTS: dict[str, list[dict[str, Any]]] = {
    "relevance": [{"_score": "desc"}, {"date": "desc"}, {"id": "asc"}],
    "score": [{"score": "desc"}, {"date": "desc"}, {"id": "asc"}],
    "recency": [{"date": "desc"}, {"score": "desc"}, {"id": "asc"}],
}


def client_from_settings(settings: Settings) -> Elasticsearch:
    """An Elasticsearch client for ``settings.es_url`` with the configured credentials."""
    options: dict[str, Any] = {"request_timeout": 30, "retry_on_timeout": True, "max_retries": 2}
    if settings.es_api_key:
        options["api_key"] = settings.es_api_key
    elif settings.es_username:
        options["basic_auth"] = (settings.es_username, settings.es_password or "")
    if settings.es_ca_certs:
        options["ca_certs"] = settings.es_ca_certs
    return Elasticsearch(settings.es_url, **options)


class ElasticStore:
    """``ItemStore`` on an Elasticsearch 8 cluster; everything goes through aliases."""

    def __init__(self, client: Elasticsearch, prefix: str = "kiemchung") -> None:
        self.client = client
        self.names = IndexNames(prefix)

    def ensure_schema(self) -> None:
        with _unavailable_on_connection_error():
            ensure_index(
                self.client, self.names.items_alias, self.names.items_index, load_schema("items")
            )
            ensure_index(
                self.client,
                self.names.verdicts_alias,
                self.names.verdicts_index,
                load_schema("verdicts"),
            )

    def _actions(self, items: Iterable[IndexedItem]) -> Iterator[dict[str, Any]]:
        for indexed in items:
            doc = to_document(indexed)
            yield {
                "_op_type": "update",
                "_index": self.names.items_alias,
                "_id": doc["id"],
                "doc": {key: doc[key] for key in PIPELINE_FIELDS},
                "doc_as_upsert": True,
                "retry_on_conflict": RETRY_ON_CONFLICT,
            }

    def upsert(self, items: Iterable[IndexedItem]) -> UpsertReport:
        report = UpsertReport()
        with _unavailable_on_connection_error():
            for ok, result in helpers.streaming_bulk(
                self.client,
                self._actions(items),
                chunk_size=BULK_CHUNK,
                max_retries=BULK_MAX_RETRIES,
                initial_backoff=1,
                raise_on_error=False,
                raise_on_exception=True,
            ):
                outcome = result.get("update", {})
                item_id = str(outcome.get("_id"))
                if ok:
                    report.written.append(item_id)
                else:
                    report.failed[item_id] = str(outcome.get("error", outcome))
        return report

    def get(self, item_id: str) -> StoredItem | None:
        with _unavailable_on_connection_error():
            try:
                found = self.client.get(index=self.names.items_alias, id=item_id)
            except NotFoundError:
                return None
        indexed, verdict = from_document(found["_source"])
        return StoredItem(indexed=indexed, verdict=verdict)

    def _filters(self, query: SearchQuery) -> dict[str, Any]:
        must: list[dict[str, Any]] = []
        must_not: list[dict[str, Any]] = []
        filters: list[dict[str, Any]] = []
        terms = query_terms(query.text, exact=query.exact)
        if terms:
            fields = ["title^2", "lead", "text"] if query.exact else ["title_folded^2", "text_folded"]
            must.append(
                {"multi_match": {"query": " ".join(terms), "fields": fields, "operator": "and"}}
            )
        if query.labels:
            filters.append({"terms": {"label": list(query.labels)}})
        if query.flagged is not None:
            filters.append({"term": {"flagged": query.flagged}})
        if query.sources:
            filters.append({"terms": {"source_id": list(query.sources)}})
        if query.date_from is not None or query.date_to is not None:
            bounds: dict[str, str] = {}
            if query.date_from is not None:
                bounds["gte"] = query.date_from.isoformat()
            if query.date_to is not None:
                bounds["lte"] = query.date_to.isoformat()
            filters.append({"range": {"date": bounds}})
        if query.review_status == "unreviewed":
            must_not.append({"exists": {"field": "review.verdict"}})
        elif query.review_status is not None:
            filters.append({"term": {"review.verdict": query.review_status}})
        return {"bool": {"must": must or [{"match_all": {}}], "filter": filters, "must_not": must_not}}

    def search(self, query: SearchQuery) -> SearchResult:
        with _unavailable_on_connection_error():
            found = self.client.search(
                index=self.names.items_alias,
                query=self._filters(query),
                sort=_SORTS[query.sort],
                from_=query.offset,
                size=query.size,
                track_total_hits=True,
            )
        terms = query_terms(query.text, exact=query.exact)
        hits = []
        for hit in found["hits"]["hits"]:
            indexed, verdict = from_document(hit["_source"])
            item = indexed.item
            marks = {
                "title": highlight(item.title, terms, exact=query.exact),
                "text": highlight(" ".join((item.lead, item.text)), terms, exact=query.exact),
            }
            hits.append(
                SearchHit(
                    stored=StoredItem(indexed=indexed, verdict=verdict),
                    highlights={k: v for k, v in marks.items() if v},
                )
            )
        return SearchResult(total=int(found["hits"]["total"]["value"]), hits=hits)

    def count(self, query: SearchQuery | None = None) -> int:
        with _unavailable_on_connection_error():
            found = self.client.count(
                index=self.names.items_alias, query=self._filters(query or SearchQuery())
            )
        return int(found["count"])

    def count_by_label(self, query: SearchQuery | None = None) -> dict[str, int]:
        with _unavailable_on_connection_error():
            found = self.client.search(
                index=self.names.items_alias,
                query=self._filters(query or SearchQuery()),
                size=0,
                aggs={"labels": {"terms": {"field": "label", "size": 50}}},
            )
        buckets = found["aggregations"]["labels"]["buckets"]
        return {bucket["key"]: int(bucket["doc_count"]) for bucket in buckets}

    def record_verdict(self, verdict: ReviewVerdict) -> None:
        review = verdict.model_dump(mode="json")
        with _unavailable_on_connection_error():
            if not self.client.exists(index=self.names.items_alias, id=verdict.item_id):
                raise KeyError(f"no item with id {verdict.item_id}")
            # The history first: a verdict that reached the item is always in the audit log.
            self.client.index(
                index=self.names.verdicts_alias,
                id=f"{verdict.item_id}:{verdict.at.isoformat()}",
                document=review,
                op_type="create",
                refresh="wait_for",
            )
            self.client.update(
                index=self.names.items_alias,
                id=verdict.item_id,
                doc={"review": review},
                retry_on_conflict=RETRY_ON_CONFLICT,
                refresh="wait_for",
            )

    def verdict_history(self, item_id: str) -> list[ReviewVerdict]:
        with _unavailable_on_connection_error():
            found = self.client.search(
                index=self.names.verdicts_alias,
                query={"term": {"item_id": item_id}},
                sort=[{"at": "asc"}],
                size=1000,
            )
        return [ReviewVerdict.model_validate(hit["_source"]) for hit in found["hits"]["hits"]]

    def refresh(self) -> None:
        with _unavailable_on_connection_error():
            self.client.indices.refresh(index=self.names.items_alias)

    def close(self) -> None:
        self.client.close()


class _unavailable_on_connection_error:
    """Turn "cannot reach the cluster" into ``StoreUnavailable`` so callers can spool and retry."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: Any) -> bool:
        if isinstance(exc, ESConnectionError) or (
            isinstance(exc, TransportError) and not isinstance(exc, ApiError)
        ):
            raise StoreUnavailable(f"Elasticsearch is unreachable: {exc}") from exc
        return False
