"""Analysts: search with facets, charts data, CSV and JSON exports, the JSON API."""

from __future__ import annotations

import csv
import io
import json

from fastapi.testclient import TestClient

from index.store import ItemStore
from tests.dashboards.conftest import seed_items
from tests.factories import make_item


def test_search_page_highlights_and_facets(analyst: TestClient) -> None:
    html = analyst.get("/search", params={"q": "thuy dien"}).text
    # The folded query matches the word as a phrase, and the phrase is marked whole.
    assert "<mark>thủy điện</mark>" in html
    assert 'id="facets"' in html and "facebook-pages" in html
    assert "<script>window.__pwned" not in html


def test_api_search_filters(analyst: TestClient) -> None:
    body = analyst.get("/api/items", params={"label": "solution_myth", "size": 50}).json()
    assert body["total"] == 6 and {i["label"] for i in body["items"]} == {"solution_myth"}
    assert analyst.get("/api/items", params={"label": "bogus"}).status_code == 422
    one = analyst.get(f"/api/items/{seed_items()[0].id}").json()
    assert one["known_claims"] == ["kc-0001"]
    assert analyst.get("/api/items/missing").status_code == 404


def test_stats(analyst: TestClient) -> None:
    timeline = analyst.get("/api/stats/timeline").json()
    flagged_per_day = [sum(day) for day in zip(*timeline["series"].values(), strict=True)]
    assert sum(flagged_per_day) == 14 and len(timeline["days"]) == len(flagged_per_day)
    assert analyst.get("/api/stats/sources").json() == {"facebook-pages": 9, "tiktok": 4,
                                                        "zalo": 1}
    assert analyst.get("/api/stats/province").json() == {"Nghệ An": 1}


def test_csv_export_is_complete_and_defuses_formulas(
    analyst: TestClient, seeded_store: ItemStore
) -> None:
    evil = make_item("https://x.example/formula", title="=HYPERLINK(\"http://evil\")",
                     label="green_scam", score=0.8)
    seeded_store.upsert([evil] + [make_item(f"https://bulk.example/{n}") for n in range(700)])
    seeded_store.refresh()
    response = analyst.get("/api/export", params={"format": "csv"})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert len(rows) == len(seed_items()) + 701
    titles = {row["title"] for row in rows}
    assert "'=HYPERLINK(\"http://evil\")" in titles


def test_json_export_filters(analyst: TestClient) -> None:
    response = analyst.get("/api/export", params={"format": "json", "source": "tiktok"})
    rows = json.loads(response.text)
    assert rows and {row["source_id"] for row in rows} == {"tiktok"}


def test_openapi_document(analyst: TestClient) -> None:
    doc = TestClient(analyst.app).get("/api/openapi.json").json()
    assert "/api/items" in doc["paths"] and "/queue" not in doc["paths"]
