"""Move the items to a fresh versioned index and switch the alias, losing no concurrent write.

The steps (after elasticsearch-dsl's alias-migration pattern, by scroll and bulk because the
test node has no ``_reindex``):

1. note the highest sequence number of the live index, after a refresh;
2. put the index template of the current schema (``<prefix>-items-v*``), create
   ``<prefix>-items-v<N>-<stamp>`` from it and copy every document;
   then force-merge it to a few segments (``index.es_segments``), so searches never meet the
   dozens of segments a bulk copy leaves;
3. point the alias at the new index in one atomic ``_aliases`` call;
4. catch up: documents written to the old index after step 1 (a reviewer's verdict, a nightly
   write) are merged into the new one with optimistic concurrency (``if_seq_no``), keeping the
   newer pipeline fields and the newer verdict, so a verdict recorded during the migration, or
   after the switch, is never overwritten.

The old index is kept for a rollback; deleting it is an operator's decision.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from elasticsearch import ConflictError, Elasticsearch, NotFoundError, helpers

from core.clock import now_utc, parse_iso
from index.documents import PIPELINE_FIELDS, rebuilt_document
from index.es_schema import IndexLayout, IndexNames, ensure_template, load_schema
from index.es_segments import merge_segments
from index.query import MigrationReport

COPY_BATCH = 500
MERGE_ATTEMPTS = 10
#: ``progress`` is told after every this many copied items.
PROGRESS_EVERY = 20_000


def live_index(client: Elasticsearch, alias: str) -> str:
    """The index the alias writes to."""
    found = client.indices.get_alias(name=alias)
    for index, body in found.items():
        if body["aliases"][alias].get("is_write_index", len(found) == 1):
            return str(index)
    raise RuntimeError(f"alias {alias} has no write index")


def _max_seq_no(client: Elasticsearch, index: str) -> int:
    """The lowest per-shard maximum: anything above it on any shard is caught up (twice is fine)."""
    stats = client.indices.stats(index=index, level="shards")
    shards = stats["indices"][index]["shards"]
    return min(
        int(copy["seq_no"]["max_seq_no"])
        for copies in shards.values()
        for copy in copies
        if copy["routing"]["primary"]
    )


def migrate_items(
    client: Elasticsearch, names: IndexNames, *, on_copied: Callable[[], object] | None = None,
    shards: int | None = None, progress: Callable[[int, int], object] | None = None,
) -> MigrationReport:
    """Run the migration; ``on_copied`` runs between the copy and the alias switch, the window
    where a concurrent write would be lost without the catch-up (tests write there).

    The new index has ``shards`` primary shards (the live index's count when ``None``) and as
    many replicas as the live index has now, however they were set. ``progress(copied,
    total)`` is called every ``PROGRESS_EVERY`` items of the copy and at its end; ``total``
    is the count when the copy began."""
    alias = names.items_alias
    old = live_index(client, alias)
    live = client.indices.get_settings(index=old, name="index.number_of_*")[old]["settings"]
    layout = IndexLayout(
        shards=shards or int(live["index"]["number_of_shards"]),
        replicas=int(live["index"]["number_of_replicas"]),
    )
    client.indices.refresh(index=old)
    mark = _max_seq_no(client, old)
    new = names.items_migration_index(now_utc().strftime("%Y%m%d%H%M%S%f"))
    # The template, versioned with the code, is what gives the new index its schema.
    ensure_template(client, names.items_template, names.items_pattern, load_schema("items"))
    client.indices.create(index=new, settings={"number_of_shards": layout.shards,
                                               "number_of_replicas": layout.replicas})
    total = int(client.count(index=old)["count"])

    def copies() -> Iterator[dict[str, Any]]:
        for read, hit in enumerate(helpers.scan(client, index=old, size=COPY_BATCH), 1):
            # Search streams are computed again: a new schema may index the text differently.
            yield {"_op_type": "create", "_index": new, "_id": hit["_id"],
                   "_source": rebuilt_document(hit["_source"])}
            if progress is not None and read % PROGRESS_EVERY == 0:
                progress(read, total)

    copied, _ = helpers.bulk(client, copies(), chunk_size=COPY_BATCH, max_retries=6,
                             refresh=True)
    if progress is not None:
        progress(int(copied), total)
    if on_copied is not None:
        on_copied()
    segments = merge_segments(client, new)
    client.indices.update_aliases(
        actions=[
            {"remove": {"index": old, "alias": alias}},
            {"add": {"index": new, "alias": alias, "is_write_index": True}},
        ]
    )
    client.indices.refresh(index=old)
    changed = helpers.scan(
        client, index=old, query={"query": {"range": {"_seq_no": {"gt": mark}}}}, size=COPY_BATCH
    )
    caught_up = sum(_merge(client, new, hit["_id"], hit["_source"]) for hit in changed)
    client.indices.refresh(index=new)
    return MigrationReport(source=old, target=new, copied=int(copied), caught_up=caught_up,
                           segments=segments)


def _time(value: Any) -> datetime | None:
    return parse_iso(value) if isinstance(value, str) else None


def _later(first: Any, second: Any) -> bool:
    """True when time ``first`` is set and after ``second`` (or ``second`` is unset)."""
    one, other = _time(first), _time(second)
    return one is not None and (other is None or one > other)


def merged_document(newer: dict[str, Any], older: dict[str, Any]) -> dict[str, Any]:
    """``newer`` (the document in the new index) with whatever ``older`` holds that is more
    recent: the pipeline fields by ``indexed_at``, the verdict by its time."""
    merged = dict(newer)
    if _later(older.get("indexed_at"), newer.get("indexed_at")):
        merged.update({key: older[key] for key in PIPELINE_FIELDS if key in older})
    old_review, new_review = older.get("review") or {}, newer.get("review") or {}
    if old_review and _later(old_review.get("at"), new_review.get("at")):
        merged["review"] = old_review
    return merged


def _merge(client: Elasticsearch, index: str, doc_id: str, source: dict[str, Any]) -> int:
    for _attempt in range(MERGE_ATTEMPTS):
        try:
            current = client.get(index=index, id=doc_id)
        except NotFoundError:
            try:
                client.create(index=index, id=doc_id, document=rebuilt_document(source))
                return 1
            except ConflictError:
                continue
        merged = rebuilt_document(merged_document(current["_source"], source))
        if merged == current["_source"]:
            return 0
        try:
            client.index(
                index=index, id=doc_id, document=merged,
                if_seq_no=current["_seq_no"], if_primary_term=current["_primary_term"],
            )
            return 1
        except ConflictError:
            continue
    raise RuntimeError(f"item {doc_id} kept changing during the migration's catch-up")
