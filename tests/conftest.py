"""Fixtures shared by the whole suite: real services, the shared real-page fixtures, test data.

A test that needs a service we can run (Elasticsearch, Chromium) skips with a clear reason on a
developer's machine without it; under CI (``CI=true``) the same absence fails the test.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = REPO_ROOT.parent / "shared"
REAL_NEWS_DIR = SHARED_DIR / "fixtures" / "real_news"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require(condition: bool, reason: str) -> None:
    """Skip (on a developer's machine) or fail (in CI) when a needed service is missing."""
    if condition:
        return
    if in_ci():
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def real_news_dir() -> Path:
    """The saved pages of Vietnamese outlets, which live beside the repo, never in it."""
    require(
        REAL_NEWS_DIR.is_dir(),
        f"the shared real-news fixtures are not at {REAL_NEWS_DIR} (they are not part of a clone)",
    )
    return REAL_NEWS_DIR


@pytest.fixture(scope="session")
def es_url() -> str:
    """URL of a real Elasticsearch node (``scripts/es-node start`` prints one)."""
    url = os.environ.get("KIEMCHUNG_TEST_ES_URL", "")
    require(
        bool(url),
        "no Elasticsearch node: set KIEMCHUNG_TEST_ES_URL (run `make es-start` to start one)",
    )
    return url


@pytest.fixture
def es_prefix(es_url: str) -> Iterator[str]:
    """A fresh index prefix for one test, with its indices deleted afterwards."""
    from elasticsearch import Elasticsearch

    prefix = f"test-{uuid.uuid4().hex[:10]}"
    yield prefix
    client = Elasticsearch(es_url)
    # Clusters refuse wildcard deletes by default (action.destructive_requires_name).
    names = list(client.indices.get(index=f"{prefix}-*", allow_no_indices=True))
    if names:
        client.indices.delete(index=",".join(names))
    # Migrations install a versioned index template per prefix.
    templates = client.options(ignore_status=404).indices.get_index_template(name=f"{prefix}-*")
    for template in templates.get("index_templates", []):
        client.indices.delete_index_template(name=template["name"])
    client.close()


_ES_OUTCOMES: dict[str, int] = {"passed": 0, "failed": 0, "skipped": 0}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that needs the Elasticsearch node, so the summary can count them."""
    for item in items:
        if "es_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.elasticsearch)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "elasticsearch" not in report.keywords:
        return
    if report.when == "call" or (report.when == "setup" and not report.passed):
        _ES_OUTCOMES[report.outcome] = _ES_OUTCOMES.get(report.outcome, 0) + 1


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say plainly whether the Elasticsearch tests ran against a real node."""
    url = os.environ.get("KIEMCHUNG_TEST_ES_URL") or "no node (KIEMCHUNG_TEST_ES_URL unset)"
    counts = ", ".join(f"{n} {outcome}" for outcome, n in _ES_OUTCOMES.items())
    terminalreporter.write_line(f"Elasticsearch tests against {url}: {counts}")
