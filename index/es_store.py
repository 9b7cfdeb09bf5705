"""The Elasticsearch store: bulk upserts by id through an alias, search, verdicts with history."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, Literal

from elasticsearch import (
    ApiError,
    ConflictError,
    Elasticsearch,
    NotFoundError,
    TransportError,
    helpers,
)
from elasticsearch import ConnectionError as ESConnectionError
from elasticsearch import SSLError as TlsError

from core.clock import now_utc, parse_iso
from core.records import IndexedItem, ReviewVerdict
from core.settings import Settings, SettingsError
from index.documents import PIPELINE_FIELDS, from_document, to_document
from index.es_schema import IndexLayout, IndexNames, ensure_index, load_schema
from index.highlight import query_terms, search_hit
from index.query import (
    AggregateBy,
    AuditEntry,
    DeadLetter,
    MigrationReport,
    SearchQuery,
    SearchResult,
    StoredItem,
    UpsertReport,
)
from index.store import StoreUnavailable

BULK_CHUNK = 500
# A reviewer's verdict and a nightly re-index may touch one document at once; the update API
# re-applies a partial update on a version conflict, so both changes survive.
RETRY_ON_CONFLICT = 5
# Elasticsearch answers 429 when its write queue is full; back off and retry those items.
BULK_MAX_RETRIES = 6

#: Statuses that mean "not now": the item is retried by a later run, never dead-lettered.
_TRANSIENT_STATUSES = frozenset({429, 503})
_TERMS_FIELDS = {"label": "label", "source": "source_id", "province": "provinces",
                 "entity": "entities"}
PIT_KEEP_ALIVE = "2m"

_SORTS: dict[str, list[dict[str, Any]]] = {
    "relevance": [{"_score": "desc"}, {"date": "desc"}, {"id": "asc"}],
    "score": [{"score": "desc"}, {"date": "desc"}, {"id": "asc"}],
    "recency": [{"date": "desc"}, {"score": "desc"}, {"id": "asc"}],
}


def client_from_settings(settings: Settings) -> Elasticsearch:
    """An Elasticsearch client for ``settings.es_url`` with the configured credentials."""
    options: dict[str, Any] = {"request_timeout": 30, "retry_on_timeout": True, "max_retries": 2}
    if settings.es_api_key:
        options["api_key"] = api_key_option(settings.es_api_key)
    elif settings.es_username:
        options["basic_auth"] = (settings.es_username, settings.es_password or "")
    if settings.es_ca_certs:
        options["ca_certs"] = settings.es_ca_certs
    # Several nodes, comma-separated: a request that cannot reach one goes to the next.
    hosts = [url.strip() for url in (settings.es_url or "").split(",") if url.strip()]
    return Elasticsearch(hosts, **options)


def api_key_option(value: str) -> str | tuple[str, str]:
    """Either form Elasticsearch hands out: the encoded key (base64 of ``id:api_key``, as
    ``POST /_security/api_key`` returns it in ``encoded``) or ``id:api_key`` as written."""
    key_id, colon, secret = value.strip().partition(":")
    if colon:
        if not key_id or not secret:
            raise SettingsError("KIEMCHUNG_ES_API_KEY: expected ID:API_KEY or the encoded key")
        return key_id, secret
    return value.strip()


class ElasticStore:
    """``ItemStore`` on an Elasticsearch 8 cluster; everything goes through aliases."""

    def __init__(
        self, client: Elasticsearch, prefix: str = "kiemchung", *, initial_backoff: float = 1.0,
        layout: IndexLayout | None = None,
    ) -> None:
        self.client = client
        self.names = IndexNames(prefix)
        self.initial_backoff = initial_backoff
        self.layout = layout or IndexLayout()

    def ensure_schema(self) -> None:
        with _unavailable_on_connection_error():
            ensure_index(self.client, self.names.items_alias, self.names.items_index,
                         load_schema("items"), self.layout)
            ensure_index(self.client, self.names.verdicts_alias, self.names.verdicts_index,
                         load_schema("verdicts"), self.layout)
            ensure_index(self.client, self.names.deadletter_alias, self.names.deadletter_index,
                         load_schema("deadletter"), self.layout)

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
        """Bulk partial updates; 429s are retried with backoff by the bulk helper (an update
        by id applies once however often it is sent); items refused for good are dead-lettered.
        """
        report = UpsertReport()
        sent: dict[str, IndexedItem] = {}

        def remember(batch: Iterable[IndexedItem]) -> Iterator[IndexedItem]:
            for indexed in batch:
                sent[indexed.id] = indexed
                yield indexed

        refused: list[DeadLetter] = []
        with _unavailable_on_connection_error():
            for ok, result in helpers.streaming_bulk(
                self.client,
                self._actions(remember(items)),
                chunk_size=BULK_CHUNK,
                max_retries=BULK_MAX_RETRIES,
                initial_backoff=self.initial_backoff,
                raise_on_error=False,
                raise_on_exception=True,
            ):
                outcome = result.get("update", {})
                item_id = str(outcome.get("_id"))
                if ok:
                    report.written.append(item_id)
                    sent.pop(item_id, None)
                    continue
                reason = str(outcome.get("error", outcome))
                report.failed[item_id] = reason
                if int(outcome.get("status", 0)) not in _TRANSIENT_STATUSES:
                    refused.append(
                        DeadLetter(item_id, reason, now_utc(), sent.pop(item_id, None))
                    )
            if refused:
                self._dead_letter(refused)
                report.dead_lettered.extend(letter.item_id for letter in refused)
        return report

    def _dead_letter(self, letters: list[DeadLetter]) -> None:
        actions = (
            {
                "_op_type": "index",
                "_index": self.names.deadletter_alias,
                "_id": f"{letter.item_id}:{letter.at.isoformat()}",
                "item_id": letter.item_id,
                "reason": letter.reason,
                "at": letter.at.isoformat(),
                "item": letter.item.model_dump(mode="json") if letter.item else None,
            }
            for letter in letters
        )
        helpers.bulk(self.client, actions, refresh="wait_for")

    def dead_letters(self, limit: int = 100) -> list[DeadLetter]:
        with _unavailable_on_connection_error():
            found = self.client.search(
                index=self.names.deadletter_alias, sort=[{"at": "desc"}], size=limit
            )
        return [
            DeadLetter(
                item_id=hit["_source"]["item_id"],
                reason=hit["_source"]["reason"],
                at=parse_iso(hit["_source"]["at"]),
                item=IndexedItem.model_validate(hit["_source"]["item"])
                if hit["_source"].get("item") else None,
            )
            for hit in found["hits"]["hits"]
        ]

    def get(self, item_id: str) -> StoredItem | None:
        with _unavailable_on_connection_error():
            try:
                found = self.client.get(index=self.names.items_alias, id=item_id)
            except NotFoundError:
                return None
        return _stored(found["_source"])

    def _filters(self, query: SearchQuery) -> dict[str, Any]:
        must: list[dict[str, Any]] = []
        must_not: list[dict[str, Any]] = []
        filters: list[dict[str, Any]] = []
        terms = query_terms(query.text, exact=query.exact)
        if terms:
            fields = (
                ["title^2", "lead", "text"] if query.exact else ["title_folded^2", "text_folded"]
            )
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
        return {
            "bool": {"must": must or [{"match_all": {}}], "filter": filters, "must_not": must_not}
        }

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
        hits = [search_hit(_stored(hit["_source"]), query) for hit in found["hits"]["hits"]]
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
        """Optimistic concurrency: read the item's verdict with its sequence number, write the
        audit entry (with that verdict as "before"), then set the new verdict only if nothing
        wrote the item in between; on a conflict, read again and redo both."""
        review = verdict.model_dump(mode="json")
        entry_id = f"{verdict.item_id}:{verdict.at.isoformat()}"
        with _unavailable_on_connection_error():
            for _attempt in range(RETRY_ON_CONFLICT * 4):
                try:
                    current = self.client.get(
                        index=self.names.items_alias, id=verdict.item_id, source_includes=["review"]
                    )
                except NotFoundError:
                    raise KeyError(f"no item with id {verdict.item_id}") from None
                before = current["_source"].get("review")
                # Same id on a retry: the entry is rewritten by this call only, never by another.
                self.client.index(
                    index=self.names.verdicts_alias,
                    id=entry_id,
                    document={**review, "before": before},
                    refresh="wait_for",
                )
                try:
                    self.client.update(
                        index=self.names.items_alias,
                        id=verdict.item_id,
                        doc={"review": review},
                        if_seq_no=current["_seq_no"],
                        if_primary_term=current["_primary_term"],
                        refresh="wait_for",
                    )
                    return
                except ConflictError:
                    continue
                except NotFoundError:
                    raise KeyError(f"no item with id {verdict.item_id}") from None
        raise StoreUnavailable(f"item {verdict.item_id} kept changing; verdict not recorded")

    def verdict_history(self, item_id: str) -> list[ReviewVerdict]:
        return [entry.verdict for entry in reversed(self.audit_log(item_id=item_id, size=1000))]

    def audit_log(
        self, *, item_id: str | None = None, reviewer: str | None = None,
        offset: int = 0, size: int = 50,
    ) -> list[AuditEntry]:
        filters: list[dict[str, Any]] = []
        if item_id is not None:
            filters.append({"term": {"item_id": item_id}})
        if reviewer is not None:
            filters.append({"term": {"reviewer": reviewer}})
        with _unavailable_on_connection_error():
            found = self.client.search(
                index=self.names.verdicts_alias,
                query={"bool": {"filter": filters}},
                sort=[{"at": "desc"}, {"item_id": "asc"}],
                from_=offset,
                size=size,
            )
        entries = []
        for hit in found["hits"]["hits"]:
            source = dict(hit["_source"])
            before = source.pop("before", None)
            entries.append(
                AuditEntry(
                    verdict=ReviewVerdict.model_validate(source),
                    before=ReviewVerdict.model_validate(before) if before else None,
                )
            )
        return entries

    def aggregate(
        self, query: SearchQuery | None = None, *, by: AggregateBy, size: int = 20
    ) -> dict[str, int]:
        if by == "day":
            agg: dict[str, Any] = {"date_histogram": {
                "field": "date", "calendar_interval": "day", "time_zone": "+07:00",
                "format": "yyyy-MM-dd", "min_doc_count": 1,
            }}
        else:
            agg = {"terms": {
                "field": _TERMS_FIELDS[by], "size": size,
                "order": [{"_count": "desc"}, {"_key": "asc"}],
            }}
        with _unavailable_on_connection_error():
            found = self.client.search(
                index=self.names.items_alias,
                query=self._filters(query or SearchQuery()),
                size=0,
                aggs={"groups": agg},
            )
        buckets = found["aggregations"]["groups"]["buckets"]
        key = "key_as_string" if by == "day" else "key"
        return {str(bucket[key]): int(bucket["doc_count"]) for bucket in buckets}

    def scan(self, query: SearchQuery | None = None, *, batch: int = 500) -> Iterator[StoredItem]:
        """search_after over a point in time: one consistent view, however deep."""
        query = query or SearchQuery()
        with _unavailable_on_connection_error():
            pit = self.client.open_point_in_time(
                index=self.names.items_alias, keep_alive=PIT_KEEP_ALIVE
            )["id"]
        try:
            after: list[Any] | None = None
            while True:
                with _unavailable_on_connection_error():
                    found = self.client.search(
                        pit={"id": pit, "keep_alive": PIT_KEEP_ALIVE},
                        query=self._filters(query),
                        sort=_SORTS[query.sort],
                        size=batch,
                        search_after=after,
                        track_total_hits=False,
                    )
                hits = found["hits"]["hits"]
                if not hits:
                    return
                pit = found.get("pit_id", pit)
                for hit in hits:
                    yield _stored(hit["_source"])
                after = hits[-1]["sort"]
        finally:
            self.client.close_point_in_time(id=pit)

    def copies_of(self, item_id: str) -> list[StoredItem]:
        found = self.get(item_id)
        if found is None:
            return []
        root = found.indexed.item.duplicate_of or item_id
        with _unavailable_on_connection_error():
            result = self.client.search(
                index=self.names.items_alias,
                query={"bool": {
                    "should": [{"term": {"id": root}}, {"term": {"duplicate_of": root}}],
                    "minimum_should_match": 1,
                    "must_not": [{"term": {"id": item_id}}],
                }},
                sort=[{"date": "asc"}, {"id": "asc"}],
                size=100,
            )
        return [_stored(hit["_source"]) for hit in result["hits"]["hits"]]

    def apply_retention(self, cutoff: datetime) -> int:
        """Delete by id in bulk: the test node has no ``_delete_by_query``."""
        expired = {"range": {"date": {"lt": cutoff.isoformat()}}}
        with _unavailable_on_connection_error():
            self.client.indices.refresh(index=self.names.items_alias)
            ids = [
                hit["_id"]
                for hit in helpers.scan(
                    self.client, index=self.names.items_alias, query={"query": expired},
                    _source=False, size=1000,
                )
            ]
            actions = (
                {"_op_type": "delete", "_index": self.names.items_alias, "_id": item_id}
                for item_id in ids
            )
            deleted, _ = helpers.bulk(self.client, actions, raise_on_error=False, refresh=True)
        return int(deleted)

    def migrate(self) -> MigrationReport:
        from index.es_migration import migrate_items

        with _unavailable_on_connection_error():
            return migrate_items(self.client, self.names, shards=self.layout.shards)

    def refresh(self) -> None:
        with _unavailable_on_connection_error():
            self.client.indices.refresh(index=self.names.items_alias)

    def close(self) -> None:
        self.client.close()


class _unavailable_on_connection_error:
    """Turn "cannot reach the cluster" into ``StoreUnavailable`` so callers can spool and retry."""

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: Any
    ) -> Literal[False]:
        if isinstance(exc, TlsError):
            raise StoreUnavailable(
                f"TLS error with Elasticsearch (is its certificate signed by the CA in "
                f"KIEMCHUNG_ES_CA_CERTS, and for this host name?): {exc}"
            ) from exc
        if isinstance(exc, ESConnectionError) or (
            isinstance(exc, TransportError) and not isinstance(exc, ApiError)
        ):
            raise StoreUnavailable(f"Elasticsearch is unreachable: {exc}") from exc
        return False


def _stored(source: dict[str, Any]) -> StoredItem:
    indexed, verdict = from_document(source)
    return StoredItem(indexed=indexed, verdict=verdict)
