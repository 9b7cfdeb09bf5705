"""Index templates as code: versioned indices behind aliases, created idempotently.

The node the tests start (Elasticsearch's integration-test distribution from Maven Central)
has no analysis-common module, so no ``asciifolding`` filter. Folding Vietnamese diacritics is
therefore done by us, before indexing, into the ``*_folded`` fields (``core.text``); ``title`` and
``text`` keep the words exactly as written. This works the same on any Elasticsearch 8 cluster.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from elasticsearch import ApiError, Elasticsearch

ITEMS_SCHEMA_VERSION = 2
VERDICTS_SCHEMA_VERSION = 1
DEADLETTER_SCHEMA_VERSION = 1
WORDS_SCHEMA_VERSION = 1


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The settings and mappings of the ``name`` index, from ``index/schema/NAME.json``."""
    text = resources.files("index.schema").joinpath(f"{name}.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@dataclass(frozen=True)
class IndexNames:
    """Aliases the code reads and writes through, and the versioned indices behind them."""

    prefix: str

    @property
    def items_alias(self) -> str:
        return f"{self.prefix}-items"

    @property
    def items_index(self) -> str:
        return f"{self.prefix}-items-v{ITEMS_SCHEMA_VERSION}"

    @property
    def verdicts_alias(self) -> str:
        return f"{self.prefix}-verdicts"

    @property
    def verdicts_index(self) -> str:
        return f"{self.prefix}-verdicts-v{VERDICTS_SCHEMA_VERSION}"

    @property
    def deadletter_alias(self) -> str:
        return f"{self.prefix}-deadletter"

    @property
    def deadletter_index(self) -> str:
        return f"{self.prefix}-deadletter-v{DEADLETTER_SCHEMA_VERSION}"

    @property
    def words_alias(self) -> str:
        """The word vocabulary search uses to cut a query into words (``index.search_plan``)."""
        return f"{self.prefix}-words"

    @property
    def words_index(self) -> str:
        return f"{self.prefix}-words-v{WORDS_SCHEMA_VERSION}"

    @property
    def items_template(self) -> str:
        return f"{self.prefix}-items"

    @property
    def items_pattern(self) -> str:
        """Every versioned items index, the first and the ones migrations make."""
        return f"{self.prefix}-items-v*"

    def items_migration_index(self, stamp: str) -> str:
        """A fresh index of the current items schema, for a migration started at ``stamp``."""
        return f"{self.items_index}-{stamp}"


@dataclass(frozen=True)
class IndexLayout:
    """How many primary shards and replicas an index gets: a cluster owner's choice
    (``KIEMCHUNG_ES_SHARDS`` and ``KIEMCHUNG_ES_REPLICAS``), not the schema's."""

    shards: int = 1
    replicas: int = 0

    def settings(self, schema: dict[str, Any]) -> dict[str, Any]:
        """The schema's index settings with this layout."""
        return {**schema["settings"], "number_of_shards": self.shards,
                "number_of_replicas": self.replicas}


def missing_fields(live: dict[str, Any], wanted: dict[str, Any]) -> dict[str, Any]:
    """The properties of ``wanted`` (a mapping's ``properties``) that ``live`` lacks, nested
    objects compared field by field."""
    missing: dict[str, Any] = {}
    for name, spec in wanted.items():
        have = live.get(name)
        if have is None:
            missing[name] = spec
        elif "properties" in spec:
            inner = missing_fields(have.get("properties", {}), spec["properties"])
            if inner:
                missing[name] = {**spec, "properties": inner}
    return missing


def ensure_index(
    client: Elasticsearch, alias: str, index: str, schema: dict[str, Any],
    layout: IndexLayout | None = None,
) -> int | None:
    """Create ``index`` with ``schema`` and point ``alias`` at it, unless the alias exists.

    Where the alias exists, its mapping is read, and only fields the schema added since
    (additive changes only) are put on the index behind it. A store opened on an up-to-date
    index therefore only reads index metadata: the nightly run's credentials need no right to
    change mappings or settings (``docs/OPERATIONS.md``).

    Returns the schema version the existing index was created with (0 if it does not say),
    or ``None`` when the index was created now. A change that is not additive (how a field
    is indexed) reaches an existing index only through a migration.
    """
    if client.indices.exists_alias(name=alias):
        live = client.indices.get_mapping(index=alias)
        versions = []
        for name, body in live.items():
            mappings = body.get("mappings", {})
            versions.append(int(mappings.get("_meta", {}).get("schema_version", 0)))
            missing = missing_fields(mappings.get("properties", {}),
                                     schema["mappings"]["properties"])
            if missing:
                client.indices.put_mapping(index=name, properties=missing)
        return min(versions, default=0)
    try:
        client.indices.create(
            index=index,
            settings=(layout or IndexLayout()).settings(schema),
            mappings=schema["mappings"],
            aliases={alias: {"is_write_index": True}},
        )
    except ApiError as exc:
        # Two processes may race to create it; the loser finds it made.
        if exc.error != "resource_already_exists_exception":
            raise
        if not client.indices.exists_alias(name=alias):
            client.indices.put_alias(index=index, name=alias, is_write_index=True)
    return None


def schema_version(schema: dict[str, Any]) -> int:
    """The version a schema file declares (``mappings._meta.schema_version``)."""
    return int(schema["mappings"].get("_meta", {}).get("schema_version", 0))


def ensure_template(client: Elasticsearch, name: str, pattern: str, schema: dict[str, Any]) -> None:
    """Put (or refresh) the composable index template that gives every index matching
    ``pattern`` the schema: a versioned index made by hand or by a migration gets the same
    settings and mappings as the one ``ensure_index`` made."""
    # No shard or replica counts here: those are the cluster owner's, given at creation.
    settings = {key: value for key, value in schema["settings"].items()
                if key not in {"number_of_shards", "number_of_replicas"}}
    client.indices.put_index_template(
        name=name,
        index_patterns=[pattern],
        template={"settings": settings, "mappings": schema["mappings"]},
        priority=200,
        meta={"schema_version": schema["mappings"].get("_meta", {}).get("schema_version")},
    )
