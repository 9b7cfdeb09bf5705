"""The Kibana saved objects use only fields the items index has, in ways the mapping allows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from index.es_schema import IndexNames, load_schema

OBJECTS = Path(__file__).resolve().parents[2] / "dashboards" / "kibana" / "kiemchung.ndjson"
AGGREGATABLE = {"keyword", "date", "float", "boolean", "long", "integer"}


def _objects() -> list[dict[str, Any]]:
    return [json.loads(line) for line in OBJECTS.read_text("utf-8").splitlines() if line.strip()]


def _field_types(properties: dict[str, Any], prefix: str = "") -> dict[str, str]:
    types: dict[str, str] = {}
    for name, spec in properties.items():
        if "properties" in spec:
            types.update(_field_types(spec["properties"], f"{prefix}{name}."))
        else:
            types[prefix + name] = spec.get("type", "object")
        for sub, sub_spec in spec.get("fields", {}).items():
            types[f"{prefix}{name}.{sub}"] = sub_spec["type"]
    return types


FIELDS = _field_types(load_schema("items")["mappings"]["properties"])


def test_data_view_points_at_the_items_alias_with_a_date_time_field() -> None:
    views = [o for o in _objects() if o["type"] == "index-pattern"]
    assert len(views) == 1
    attributes = views[0]["attributes"]
    assert attributes["title"] == IndexNames("kiemchung").items_alias
    assert FIELDS[attributes["timeFieldName"]] == "date"
    for name in json.loads(attributes["fieldAttrs"]):
        assert name in FIELDS, name


def test_visualizations_aggregate_on_aggregatable_fields() -> None:
    visualizations = [o for o in _objects() if o["type"] == "visualization"]
    assert len(visualizations) >= 2
    for vis in visualizations:
        state = json.loads(vis["attributes"]["visState"])
        for agg in state["aggs"]:
            field = agg["params"].get("field")
            if field is None:
                continue
            assert FIELDS.get(field) in AGGREGATABLE, (vis["id"], field, FIELDS.get(field))
            if agg["type"] == "date_histogram":
                assert FIELDS[field] == "date"


def test_saved_search_columns_exist_and_queries_use_known_fields() -> None:
    for obj in _objects():
        for column in obj["attributes"].get("columns", []):
            assert column in FIELDS, column
        source = json.loads(obj["attributes"].get("kibanaSavedObjectMeta", {}).get(
            "searchSourceJSON", "{}"))
        query = source.get("query", {}).get("query", "")
        for clause in filter(None, query.split(" and ")):
            assert clause.split(":")[0] in FIELDS, clause


def test_every_reference_resolves_within_the_file() -> None:
    objects = _objects()
    known = {(o["type"], o["id"]) for o in objects}
    for obj in objects:
        for ref in obj["references"]:
            assert (ref["type"], ref["id"]) in known, (obj["id"], ref)
    dashboard = next(o for o in objects if o["type"] == "dashboard")
    panels = json.loads(dashboard["attributes"]["panelsJSON"])
    names = {ref["name"] for ref in dashboard["references"]}
    assert panels and all(panel["panelRefName"] in names for panel in panels)


def test_fields_are_aggregatable_on_a_real_index(es_url: str, es_prefix: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from core.settings import Settings
    from index.es_store import ElasticStore
    from index.factory import open_store

    store = open_store(Settings(data_dir=tmp_path, es_url=es_url, index_prefix=es_prefix))
    assert isinstance(store, ElasticStore)
    used = set()
    for vis in (o for o in _objects() if o["type"] == "visualization"):
        used |= {a["params"]["field"] for a in json.loads(vis["attributes"]["visState"])["aggs"]
                 if "field" in a["params"]}
    caps = store.client.field_caps(index=store.names.items_alias, fields=sorted(used))
    for field in used:
        assert field in caps["fields"], field
        assert all(kind["aggregatable"] for kind in caps["fields"][field].values()), field
    store.close()
