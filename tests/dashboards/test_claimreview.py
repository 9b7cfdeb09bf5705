"""ClaimReview export (issue 15): only reviewer-confirmed items with a rebuttal link, valid by
schema.org's definitions, and read back the same by a JSON-LD processor (pyld) that is never
allowed to fetch anything."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pyld import jsonld

from core.records import Enrichment, ReviewVerdict
from core.settings import Settings
from dashboards.claimreview import claim_reviews
from index.factory import open_store
from index.store import ItemStore
from tests.conftest import REPO_ROOT
from tests.dashboards.conftest import seed_items, signed_in
from tests.dashboards.schema_org import check
from tests.factories import make_item

REBUTTAL = "https://baochinhphu.example/bac-bo-tin-vo-dap"

#: The part of schema.org's JSON-LD context that ClaimReview uses, embedded: the test never
#: reaches the network. ``url`` values are IRIs and dates typed, as in schema.org's context.
SCHEMA_CONTEXT: dict[str, Any] = {"@context": {
    "@vocab": "http://schema.org/",
    "schema": "http://schema.org/",
    "url": {"@id": "schema:url", "@type": "@id"},
    "datePublished": {"@id": "schema:datePublished", "@type": "schema:Date"},
}}


def offline_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
        return {"contextUrl": None, "documentUrl": url, "document": SCHEMA_CONTEXT}
    raise jsonld.JsonLdError(f"no remote documents in tests: {url}", "loading document failed",
                             code="loading document failed")


OPTIONS = {"documentLoader": offline_loader}


def _verdict(item_id: str, verdict: str, *, evidence: list[str] | None = None,
             label: str | None = None, day: int = 20,
             duplicate_of: str | None = None) -> ReviewVerdict:
    """A verdict the store's rules accept: a confirmed one carries a misleading label."""
    if verdict == "confirmed" and label is None:
        label = "disaster_hoax"
    return ReviewVerdict(item_id=item_id, verdict=verdict, label=label,  # type: ignore[arg-type]
                         evidence=evidence or [], reviewer="lan", note="ghi chú nội bộ",
                         duplicate_of=duplicate_of, at=datetime(2026, 11, day, 3, 0, tzinfo=UTC))


def review_some(store: ItemStore) -> dict[str, str]:
    """Verdicts of every kind on the seeded items; returns which item got which."""
    items = seed_items()
    xss, copy, quiet, *rumours = items
    store.record_verdict(_verdict(xss.id, "confirmed", evidence=[REBUTTAL],
                                  label="disaster_hoax", day=20))
    store.record_verdict(_verdict(rumours[1].id, "confirmed", evidence=[], day=21))  # no link
    store.record_verdict(_verdict(rumours[2].id, "not_misleading", evidence=[REBUTTAL],
                                  label="none", day=21))
    store.record_verdict(_verdict(rumours[3].id, "needs_expert", evidence=[REBUTTAL], day=21))
    store.record_verdict(_verdict(rumours[4].id, "confirmed", evidence=[
        "javascript:alert(1)", "https://evn.example/thong-cao"], label="disaster_hoax", day=10))
    # Once confirmed, then overturned: the current verdict decides, so it is not exported.
    store.record_verdict(_verdict(rumours[5].id, "confirmed", evidence=[REBUTTAL], day=5))
    store.record_verdict(_verdict(rumours[5].id, "not_misleading", label="none", day=6))
    store.refresh()
    return {"confirmed": xss.id, "copy": copy.id, "old": rumours[4].id}


def test_only_confirmed_with_a_rebuttal_link_are_exported_and_valid(
    seeded_store: ItemStore,
) -> None:
    ids = review_some(seeded_store)
    reviews = list(claim_reviews(seeded_store, organisation_url="https://kiemchung.example"))
    assert len(reviews) == 2
    newest = next(r for r in reviews if r["url"] == REBUTTAL)
    assert next(r for r in reviews if r is not newest)["url"] == "https://evn.example/thong-cao"
    for review in reviews:
        assert check(review) == [], check(review)

    # The claim as the NLP found it; the appearances are the copies with safe links only (the
    # first copy's own link is javascript:, so it is left out), the earliest first.
    assert newest["claimReviewed"] == "Đập thủy điện đã vỡ"
    appearance = newest["itemReviewed"]["appearance"]
    assert [a["url"] for a in appearance] == ["https://other.example/copy"]
    assert newest["itemReviewed"]["firstAppearance"] == appearance[0]
    assert newest["reviewRating"]["alternateName"] == "Sai sự thật"
    assert newest["reviewRating"]["ratingValue"] == 1
    assert newest["datePublished"] == "2026-11-20"
    assert newest["author"] == {"@type": "Organization", "name": "Kiểm Chứng",
                                "url": "https://kiemchung.example"}
    # Claims, not people: no reviewer, no note, no author of the claim.
    text = json.dumps(reviews, ensure_ascii=False)
    assert "lan" not in json.dumps([r["author"] for r in reviews])
    assert "ghi chú nội bộ" not in text

    since = list(claim_reviews(seeded_store, datetime(2026, 11, 15).date()))
    assert [r["url"] for r in since] == [REBUTTAL]
    assert ids["confirmed"]


def test_the_checker_catches_what_schema_org_forbids() -> None:
    store_item = make_item("https://mxh.example/p/1", label="disaster_hoax", score=0.9)
    from dashboards.claimreview import claim_review
    from index.query import StoredItem

    stored = StoredItem(
        indexed=store_item.model_copy(update={"enrichment": Enrichment(
            claim_sentences=["Đập thủy điện đã vỡ"])}),
        verdict=_verdict(store_item.id, "confirmed", evidence=[REBUTTAL]),
    )
    good = claim_review(stored)
    assert good is not None and check(good) == []
    broken = json.loads(json.dumps(good))
    del broken["claimReviewed"]
    broken["reviewRating"]["ratingValue"] = True
    broken["itemReviewed"]["appearance"][0]["url"] = "javascript:alert(1)"
    broken["datePublished"] = "20/11/2026"
    broken["author"]["@type"] = "Rating"
    broken["reviewRating"]["claimReviewed"] = "sai chỗ"
    errors = "\n".join(check(broken))
    for expected in ("lacks required claimReviewed", "ratingValue", "appearance[0].url",
                     "$.datePublished", "a Rating where Organization or Person",
                     "claimReviewed is not a property of Rating"):
        assert expected in errors


def test_json_ld_round_trip_through_pyld(seeded_store: ItemStore) -> None:
    review_some(seeded_store)
    reviews = list(claim_reviews(seeded_store))
    for review in reviews:
        expanded = jsonld.expand(review, OPTIONS)
        node = expanded[0]
        assert node["@type"] == ["http://schema.org/ClaimReview"]
        assert node["http://schema.org/url"] == [{"@id": review["url"]}]
        assert node["http://schema.org/claimReviewed"][0]["@value"] == review["claimReviewed"]
        rating = node["http://schema.org/reviewRating"][0]
        assert rating["@type"] == ["http://schema.org/Rating"]
        assert rating["http://schema.org/alternateName"][0]["@value"] == "Sai sự thật"
        claim = node["http://schema.org/itemReviewed"][0]
        assert claim["@type"] == ["http://schema.org/Claim"]
        first = claim["http://schema.org/firstAppearance"][0]
        assert first["http://schema.org/datePublished"][0]["@type"] == "http://schema.org/Date"
        # Compacting the expanded form back gives the same graph as the document we wrote.
        compacted = jsonld.compact(expanded, "https://schema.org", OPTIONS)
        canonical = {"algorithm": "URDNA2015", "format": "application/n-quads", **OPTIONS}
        assert jsonld.normalize(compacted, canonical) == jsonld.normalize(review, canonical)
        assert "ClaimReview" in jsonld.normalize(review, canonical)


def test_claimreview_api(app: Any, seeded_store: ItemStore) -> None:
    review_some(seeded_store)
    analyst = signed_in(app, "minh")
    answer = analyst.get("/api/claimreview", params={"since": "2026-11-01"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/ld+json")
    body = answer.json()
    assert sorted(r["url"] for r in body) == [REBUTTAL, "https://evn.example/thong-cao"]
    assert all(check(r) == [] for r in body)
    assert analyst.get("/api/claimreview", params={"since": "2026-11-21"}).json() == []
    assert TestClient(app).get("/api/claimreview").status_code == 401


def test_export_claimreview_command(tmp_path: Path) -> None:
    store = open_store(Settings(data_dir=tmp_path))
    store.upsert(seed_items())
    review_some(store)
    store.close()
    env = {**os.environ, "KIEMCHUNG_DATA_DIR": str(tmp_path)}
    env.pop("KIEMCHUNG_ES_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "export", "claimreview", "--since", "2026-11-15"],
        env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    exported = json.loads(done.stdout)
    assert [r["url"] for r in exported] == [REBUTTAL]
    assert check(exported) == []


@pytest.mark.parametrize("verdict", ["not_misleading", "needs_expert", "duplicate"])
def test_nothing_but_confirmed_is_ever_exported(verdict: str, tmp_path: Path) -> None:
    store = open_store(Settings(data_dir=tmp_path))
    item = make_item("https://mxh.example/p/2", label="disaster_hoax", score=0.95)
    original = make_item("https://mxh.example/p/1", label="disaster_hoax", score=0.95)
    store.upsert([item, original])
    duplicate_of = original.id if verdict == "duplicate" else None
    store.record_verdict(_verdict(item.id, verdict, evidence=[REBUTTAL], duplicate_of=duplicate_of))
    store.refresh()
    assert list(claim_reviews(store)) == []
    store.close()
