"""Segments of an Elasticsearch index, and merging them after a large load.

An index filled in one go (a migration's copy, a backfill of months of items) ends in dozens of
segments, and every query pays a per-segment cost for each of its clauses (building scorers,
looking terms up). The node's merge policy gets there slowly, so a large load ends with a
force-merge to a few segments, as Elasticsearch advises for an index that is done being bulk
loaded. A few, not one: the index keeps taking nightly writes, and a single huge segment would
be left out of later merges. The effect on page latency is measured in
``bench/review_bench.py``; on a million items it is small (bench/README.md).
"""

from __future__ import annotations

from typing import Final

from elasticsearch import Elasticsearch

#: Segments a force-merge leaves per shard.
MERGED_SEGMENTS: Final[int] = 5
#: A force-merge of a million items takes tens of seconds; the client's default timeout is 10 s.
MERGE_TIMEOUT_S: Final[float] = 3600.0


def segment_count(client: Elasticsearch, index: str) -> int:
    """Searchable segments of the index's primary shards."""
    found = client.indices.segments(index=index)
    return sum(
        len(copy["segments"])
        for name, body in found["indices"].items()
        for copies in body["shards"].values()
        for copy in copies
        if copy["routing"]["primary"]
    )


def merge_segments(
    client: Elasticsearch, index: str, max_segments: int = MERGED_SEGMENTS
) -> tuple[int, int]:
    """Force-merge ``index`` to at most ``max_segments`` segments per shard and wait for it;
    returns the segment counts before and after. Searches keep working while it runs."""
    before = segment_count(client, index)
    client.options(request_timeout=MERGE_TIMEOUT_S).indices.forcemerge(
        index=index, max_num_segments=max_segments
    )
    client.indices.refresh(index=index)
    return before, segment_count(client, index)
