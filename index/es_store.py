"""The Elasticsearch store: bulk upserts by id through an alias, search, verdicts with history."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from itertools import islice
from typing import Any, Literal
from zoneinfo import ZoneInfo

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
from elasticsearch.serializer import OrjsonSerializer

from core.clock import VIETNAM_TZ, as_utc, now_utc, parse_iso
from core.labels import LABELS
from core.records import IndexedItem, ReviewVerdict
from core.settings import Settings, SettingsError
from index.copies import copies_of
from index.documents import (
    PIPELINE_FIELDS,
    document_and_forms,
    forms_of,
    stored_item,
    to_document,
)
from index.es_schema import IndexLayout, IndexNames, ensure_index, load_schema, schema_version
from index.es_search import SORTS, query_dsl
from index.highlight import search_hit
from index.query import (
    AggregateBy,
    AuditEntry,
    CompactReport,
    DeadLetter,
    MigrationReport,
    SearchQuery,
    SearchResult,
    StoredItem,
    UpsertReport,
)
from index.search_plan import QueryPlan, plan_query, word_candidates
from index.search_text import fold
from index.store import StoreUnavailable
from index.verdict_rules import check_verdict, undo_entry, undoable

logger = logging.getLogger(__name__)

BULK_CHUNK = 500
#: Bulk requests in flight at once: while the node indexes one chunk, the next is built,
#: encoded and sent, so neither side waits on the other.
BULK_IN_FLIGHT = 2
# A reviewer's verdict and a nightly re-index may touch one document at once; the update API
# re-applies a partial update on a version conflict, so both changes survive.
RETRY_ON_CONFLICT = 5
# Elasticsearch answers 429 when its write queue is full; back off and retry those items.
BULK_MAX_RETRIES = 6

#: Statuses that mean "not now": the item is retried by a later run, never dead-lettered.
_TRANSIENT_STATUSES = frozenset({429, 503})
_TERMS_FIELDS = {"label": "label", "source": "source_id", "province": "provinces",
                 "entity": "entities", "source_kind": "source_kind", "verdict": "review.verdict"}
PIT_KEEP_ALIVE = "2m"
#: Spellings returned by one vocabulary look-up; a query has at most a few dozen candidates.
_VOCABULARY_HITS = 2000


def _audit_query(
    item_id: str | None, reviewer: str | None, verdict: str | None,
    since: datetime | None, until: datetime | None,
) -> dict[str, Any]:
    filters: list[dict[str, Any]] = [
        {"term": {name: value}}
        for name, value in (("item_id", item_id), ("reviewer", reviewer), ("verdict", verdict))
        if value is not None
    ]
    moments = {
        op: as_utc(moment).isoformat() for op, moment in (("gte", since), ("lt", until)) if moment
    }
    if moments:
        filters.append({"range": {"at": moments}})
    return {"bool": {"filter": filters}}


def _aggregation(by: AggregateBy, size: int, zone: ZoneInfo) -> dict[str, Any]:
    """The aggregation counting items per ``by`` (see ``ItemStore.aggregate``); days are
    calendar days on ``zone``."""
    if by == "day":
        return {"date_histogram": {
            "field": "date", "calendar_interval": "day", "time_zone": zone.key,
            "format": "yyyy-MM-dd", "min_doc_count": 1,
        }}
    terms: dict[str, Any] = {
        "field": _TERMS_FIELDS[by], "size": size, "order": [{"_count": "desc"}, {"_key": "asc"}],
    }
    if by == "verdict":  # an item with no verdict yet counts as unreviewed
        terms["missing"] = "unreviewed"
    return {"terms": terms}


def _facet_counts(
    found: Any, by: Sequence[AggregateBy]
) -> dict[AggregateBy, dict[str, int]]:
    """The counts of a response's aggregations named after ``by``."""
    return {
        name: {str(bucket["key_as_string" if name == "day" else "key"]): int(bucket["doc_count"])
               for bucket in found["aggregations"][name]["buckets"]}
        for name in by
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
    # orjson encodes a bulk request's documents several times faster than the standard
    # library, and the bulk helper encodes every document once more to size its chunks.
    return Elasticsearch(hosts, serializer=OrjsonSerializer(), **options)


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
        layout: IndexLayout | None = None, zone: ZoneInfo = VIETNAM_TZ,
    ) -> None:
        self.client = client
        #: Where a day begins and ends when items are counted per day.
        self.zone = zone
        self.names = IndexNames(prefix)
        self.initial_backoff = initial_backoff
        self.layout = layout or IndexLayout()
        # Words this process has put in the vocabulary already: each is sent once.
        self._known_forms: set[str] = set()
        #: The live items index predates the current schema (``kiemchung index migrate``).
        self.items_schema_behind = False

    def ensure_schema(self) -> None:
        with _unavailable_on_connection_error():
            for alias, index, schema in (
                (self.names.items_alias, self.names.items_index, "items"),
                (self.names.verdicts_alias, self.names.verdicts_index, "verdicts"),
                (self.names.deadletter_alias, self.names.deadletter_index, "deadletter"),
                (self.names.words_alias, self.names.words_index, "words"),
            ):
                live = ensure_index(self.client, alias, index, load_schema(schema), self.layout)
                if schema == "items":
                    self.items_schema_behind = live is not None and live < schema_version(
                        load_schema("items"))
        if self.items_schema_behind:
            logger.warning(
                "the items index %s was made by an older schema than this version writes; "
                "everything works, but `kiemchung index migrate` rebuilds it so that phrase "
                "search is faster", self.names.items_alias)

    def _creates(
        self, items: Iterable[IndexedItem], sent: dict[str, IndexedItem], forms: set[str],
        repeated: dict[str, IndexedItem],
    ) -> Iterator[dict[str, Any]]:
        """Creates of the items; an id met again in the same call is kept in ``repeated``
        (its last version) to be sent once every create has settled."""
        seen: set[str] = set()
        for indexed in items:
            item_id = indexed.item.id
            if item_id in seen:
                repeated[item_id] = indexed
                continue
            seen.add(item_id)
            doc, item_forms = document_and_forms(indexed)
            sent[doc["id"]] = indexed
            forms.update(item_forms)
            yield {"_op_type": "create", "_index": self.names.items_alias, "_id": doc["id"],
                   "_source": {key: doc[key] for key in PIPELINE_FIELDS}}

    def _updates(
        self, items: Iterable[IndexedItem], sent: dict[str, IndexedItem]
    ) -> Iterator[dict[str, Any]]:
        for indexed in items:
            doc = to_document(indexed)
            sent[doc["id"]] = indexed
            yield {
                "_op_type": "update",
                "_index": self.names.items_alias,
                "_id": doc["id"],
                "doc": {key: doc[key] for key in PIPELINE_FIELDS},
                "doc_as_upsert": True,
                "retry_on_conflict": RETRY_ON_CONFLICT,
            }

    def upsert(self, items: Iterable[IndexedItem]) -> UpsertReport:
        """Write items by id, new ones whole and existing ones as partial updates that leave
        the verdict alone.

        Nightly items are nearly all new, and creating a document costs Elasticsearch much
        less than an update (which reads, merges and rewrites it), so every item is first
        sent as a ``create``; those that exist already come back 409 and are sent again as
        updates. 429s are retried with backoff by the bulk helper (a create or an update by id
        applies once however often it is sent); items refused for good are dead-lettered.
        Two chunks are in flight at once (``BULK_IN_FLIGHT``), so an id given twice in one
        call is written in a last pass, as an update, and the later version wins as it does
        in SQLite.
        """
        report = UpsertReport()
        sent: dict[str, IndexedItem] = {}
        forms: set[str] = set()
        existing: list[IndexedItem] = []
        repeated: dict[str, IndexedItem] = {}
        with _unavailable_on_connection_error():
            self._bulk(self._creates(items, sent, forms, repeated), sent, report, existing)
            if existing:
                self._bulk(self._updates(existing, sent), sent, report, [])
            if repeated:
                self._bulk(self._updates(repeated.values(), sent), sent, report, [])
                report.written[:] = list(dict.fromkeys(report.written))
            self._add_forms(forms)
        return report

    def _bulk(
        self, actions: Iterable[dict[str, Any]], sent: dict[str, IndexedItem],
        report: UpsertReport, existing: list[IndexedItem],
    ) -> None:
        """Send ``actions``; a create refused because the item exists goes to ``existing``."""
        refused: list[DeadLetter] = []

        def settle(results: list[tuple[bool, dict[str, Any]]]) -> None:
            for ok, result in results:
                op, outcome = next(iter(result.items()))
                item_id = str(outcome.get("_id"))
                status = int(outcome.get("status", 0))
                if ok:
                    report.written.append(item_id)
                    sent.pop(item_id, None)
                elif op == "create" and status == 409 and item_id in sent:
                    existing.append(sent.pop(item_id))
                else:
                    reason = str(outcome.get("error", outcome))
                    report.failed[item_id] = reason
                    if status not in _TRANSIENT_STATUSES:
                        refused.append(
                            DeadLetter(item_id, reason, now_utc(), sent.pop(item_id, None))
                        )

        iterator = iter(actions)
        in_flight: deque[Future[list[tuple[bool, dict[str, Any]]]]] = deque()
        with ThreadPoolExecutor(max_workers=BULK_IN_FLIGHT) as pool:
            while chunk := list(islice(iterator, BULK_CHUNK)):
                if len(in_flight) == BULK_IN_FLIGHT:
                    settle(in_flight.popleft().result())
                in_flight.append(pool.submit(self._send, chunk))
            while in_flight:
                settle(in_flight.popleft().result())
        if refused:
            self._dead_letter(refused)
            report.dead_lettered.extend(letter.item_id for letter in refused)

    def _send(self, chunk: list[dict[str, Any]]) -> list[tuple[bool, dict[str, Any]]]:
        """One chunk through the bulk helper, 429s retried with backoff."""
        return list(helpers.streaming_bulk(
            self.client,
            chunk,
            chunk_size=BULK_CHUNK,
            max_retries=BULK_MAX_RETRIES,
            initial_backoff=self.initial_backoff,
            raise_on_error=False,
            raise_on_exception=True,
        ))

    def _add_forms(self, forms: Iterable[str]) -> None:
        """Put new words in the vocabulary (create by id: a word already there stays as is).

        A word missing from the vocabulary only makes search read that word as syllables,
        so a failed write here is left for the next item that carries the word.
        """
        new = sorted(set(forms) - self._known_forms)
        if not new:
            return
        actions = (
            {"_op_type": "create", "_index": self.names.words_alias, "_id": form,
             "form": form, "folded": fold(form)}
            for form in new
        )
        for ok, result in helpers.streaming_bulk(
            self.client, actions, chunk_size=BULK_CHUNK, raise_on_error=False,
            raise_on_exception=True, max_retries=BULK_MAX_RETRIES,
            initial_backoff=self.initial_backoff,
        ):
            outcome = result.get("create", {})
            if ok or int(outcome.get("status", 0)) == 409:
                self._known_forms.add(str(outcome.get("_id")))

    def _vocabulary(self, candidates: list[str]) -> dict[str, list[str]]:
        """Known spellings of each folded candidate word."""
        if not candidates:
            return {}
        found = self.client.search(
            index=self.names.words_alias,
            query={"terms": {"folded": candidates}},
            size=_VOCABULARY_HITS,
            sort=[{"form": "asc"}],
        )
        spellings: dict[str, list[str]] = {}
        for hit in found["hits"]["hits"]:
            spellings.setdefault(hit["_source"]["folded"], []).append(hit["_source"]["form"])
        return spellings

    def plan(self, query: SearchQuery) -> QueryPlan:
        """The query's words cut against this store's vocabulary (``index.search_plan``)."""
        candidates = word_candidates(query.text, query.exact)
        with _unavailable_on_connection_error():
            vocabulary = self._vocabulary(candidates)
        return plan_query(query.text, query.exact, vocabulary)

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
                found = self.client.get(
                    index=self.names.items_alias, id=item_id
                )
            except NotFoundError:
                return None
        return stored_item(found["_source"])

    def search(
        self, query: SearchQuery, *, facets: Sequence[AggregateBy] = (), facet_size: int = 20
    ) -> SearchResult:
        plan = self.plan(query)
        with _unavailable_on_connection_error():
            found = self.client.search(
                index=self.names.items_alias,
                query=query_dsl(query, plan),
                sort=SORTS[query.sort],
                from_=query.offset,
                size=query.size,
                track_total_hits=True,
                aggs={name: _aggregation(name, facet_size, self.zone) for name in facets} or None,
            )
        hits = [search_hit(stored_item(hit["_source"]), plan) for hit in found["hits"]["hits"]]
        return SearchResult(total=int(found["hits"]["total"]["value"]), hits=hits,
                            facets=_facet_counts(found, facets))

    def count(self, query: SearchQuery | None = None) -> int:
        query = query or SearchQuery()
        plan = self.plan(query)
        with _unavailable_on_connection_error():
            found = self.client.count(
                index=self.names.items_alias, query=query_dsl(query, plan, ranked=False)
            )
        return int(found["count"])

    def count_by_label(self, query: SearchQuery | None = None) -> dict[str, int]:
        """Every label with items; the taxonomy bounds how many there can be."""
        return self.aggregate(query, by="label", size=len(LABELS))

    def record_verdict(self, verdict: ReviewVerdict) -> None:
        """Optimistic concurrency: read the item's verdict with its sequence number, write the
        audit entry (with that verdict as "before"), then set the new verdict only if nothing
        wrote the item in between; on a conflict, read again and redo both."""
        review = verdict.model_dump(mode="json")
        entry_id = f"{verdict.item_id}:{verdict.at.isoformat()}"
        with _unavailable_on_connection_error():
            for attempt in range(RETRY_ON_CONFLICT * 4):
                try:
                    current = self.client.get(
                        index=self.names.items_alias, id=verdict.item_id, source_includes=["review"]
                    )
                except NotFoundError:
                    raise KeyError(f"no item with id {verdict.item_id}") from None
                if attempt == 0:
                    check_verdict(verdict, self._exists)
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
                        # A new verdict answers an edit: the item leaves the queue.
                        doc={"review": review, "edited_after_review": False},
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

    def undo_verdict(self, item_id: str, at: datetime, reviewer: str) -> ReviewVerdict:
        """Like ``record_verdict``: the entry first, then the item only if nothing wrote it
        in between (else read again and redo both)."""
        entry: ReviewVerdict | None = None
        with _unavailable_on_connection_error():
            for _ in range(RETRY_ON_CONFLICT * 4):
                try:
                    current = self.client.get(
                        index=self.names.items_alias, id=item_id, source_includes=["review"]
                    )
                except NotFoundError:
                    raise KeyError(f"no item with id {item_id}") from None
                review = current["_source"].get("review")
                undone = undoable(ReviewVerdict.model_validate(review) if review else None, at)
                found = self.client.search(
                    index=self.names.verdicts_alias, size=1,
                    query={"bool": {"filter": [
                        {"term": {"item_id": item_id}},
                        {"term": {"at": undone.at.isoformat()}},
                    ], "must_not": [{"exists": {"field": "undoes"}}]}},
                )
                hits = found["hits"]["hits"]
                restored = hits[0]["_source"].get("before") if hits else None
                # One entry however many attempts: a retry rewrites it under the same id.
                entry = entry or undo_entry(undone, reviewer)
                self.client.index(
                    index=self.names.verdicts_alias, id=f"{item_id}:{entry.at.isoformat()}",
                    document={**entry.model_dump(mode="json"), "before": review},
                    refresh="wait_for",
                )
                try:
                    self.client.update(
                        index=self.names.items_alias, id=item_id, doc={"review": restored},
                        if_seq_no=current["_seq_no"], if_primary_term=current["_primary_term"],
                        refresh="wait_for",
                    )
                    return entry
                except ConflictError:
                    continue
        raise StoreUnavailable(f"item {item_id} kept changing; verdict not undone")

    def verdict_history(self, item_id: str) -> list[ReviewVerdict]:
        return [entry.verdict for entry in reversed(self.audit_log(item_id=item_id, size=1000))]

    def _exists(self, item_id: str) -> bool:
        return bool(self.client.exists(index=self.names.items_alias, id=item_id))

    def audit_log(
        self, *, item_id: str | None = None, reviewer: str | None = None,
        offset: int = 0, size: int = 50, verdict: str | None = None,
        since: datetime | None = None, until: datetime | None = None,
    ) -> list[AuditEntry]:
        query = _audit_query(item_id, reviewer, verdict, since, until)
        with _unavailable_on_connection_error():
            found = self.client.search(
                index=self.names.verdicts_alias,
                query=query,
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

    def audit_count(
        self, *, item_id: str | None = None, reviewer: str | None = None,
        verdict: str | None = None, since: datetime | None = None, until: datetime | None = None,
    ) -> int:
        query = _audit_query(item_id, reviewer, verdict, since, until)
        with _unavailable_on_connection_error():
            return int(self.client.count(index=self.names.verdicts_alias, query=query)["count"])

    def aggregate(
        self, query: SearchQuery | None = None, *, by: AggregateBy, size: int = 20
    ) -> dict[str, int]:
        return self.facets(query, by=(by,), size=size)[by]

    def facets(
        self, query: SearchQuery | None = None, *, by: Sequence[AggregateBy], size: int = 20
    ) -> dict[AggregateBy, dict[str, int]]:
        query = query or SearchQuery()
        plan = self.plan(query)
        with _unavailable_on_connection_error():
            found = self.client.search(
                index=self.names.items_alias,
                query=query_dsl(query, plan, ranked=False),
                size=0,
                track_total_hits=False,
                aggs={name: _aggregation(name, size, self.zone) for name in by},
            )
        return _facet_counts(found, by)

    def scan(self, query: SearchQuery | None = None, *, batch: int = 500) -> Iterator[StoredItem]:
        """search_after over a point in time: one consistent view, however deep."""
        query = query or SearchQuery()
        plan = self.plan(query)
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
                        query=query_dsl(query, plan),
                        sort=SORTS[query.sort],
                        size=batch,
                        search_after=after,
                        track_total_hits=False,
                            )
                hits = found["hits"]["hits"]
                if not hits:
                    return
                pit = found.get("pit_id", pit)
                for hit in hits:
                    yield stored_item(hit["_source"])
                after = hits[-1]["sort"]
        finally:
            self.client.close_point_in_time(id=pit)

    def copies_of(self, item_id: str, *, known: StoredItem | None = None) -> list[StoredItem]:
        return copies_of(self, item_id, known=known)

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

    def migrate(self, progress: Callable[[int, int], object] | None = None) -> MigrationReport:
        from index.es_migration import migrate_items

        with _unavailable_on_connection_error():
            report = migrate_items(self.client, self.names, shards=self.layout.shards,
                                   progress=progress)
            self._add_forms(
                form
                for hit in helpers.scan(
                    self.client, index=self.names.items_alias, size=1000,
                    _source=["search_title_words", "search_body_words"],
                )
                for form in forms_of(hit["_source"])
            )
            return report

    def compact(self) -> CompactReport:
        from index.es_migration import live_index
        from index.es_segments import merge_segments

        with _unavailable_on_connection_error():
            index = live_index(self.client, self.names.items_alias)
            before, after = merge_segments(self.client, index)
        return CompactReport(target=index, segments_before=before, segments_after=after)

    def refresh(self) -> None:
        with _unavailable_on_connection_error():
            self.client.indices.refresh(
                index=f"{self.names.items_alias},{self.names.words_alias}"
            )

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
