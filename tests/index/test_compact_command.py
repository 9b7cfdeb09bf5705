"""``kiemchung index compact``: an operator merges the search index after a large load, on
either store, and is told what happened."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.settings import Settings
from index.factory import open_store
from tests.factories import make_item

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("kind", ["sqlite", "elasticsearch"])
def test_index_compact_merges_and_reports(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    env = dict(os.environ, KIEMCHUNG_DATA_DIR=str(tmp_path))
    env.pop("KIEMCHUNG_ES_URL", None)
    settings = Settings(data_dir=tmp_path)
    if kind == "elasticsearch":
        es_url, prefix = request.getfixturevalue("es_url"), request.getfixturevalue("es_prefix")
        env.update(KIEMCHUNG_ES_URL=es_url, KIEMCHUNG_INDEX_PREFIX=prefix)
        settings = Settings(data_dir=tmp_path, es_url=es_url, index_prefix=prefix)
    store = open_store(settings)
    try:
        for n in range(7):  # seven refreshed writes: seven segments on Elasticsearch
            store.upsert([make_item(f"https://compact.example/{n}", text=f"Tin ô nhiễm số {n}")])
            store.refresh()
    finally:
        store.close()
    done = subprocess.run([sys.executable, "-m", "cli.main", "index", "compact"], cwd=REPO_ROOT,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "searches keep working" in done.stdout
    if kind == "elasticsearch":
        from index.es_segments import MERGED_SEGMENTS

        counts = done.stdout.rsplit(": ", 1)[1].split()
        assert counts[:2] == ["7", "segments"], done.stdout
        assert 1 <= int(counts[-1]) <= MERGED_SEGMENTS, done.stdout
    else:
        assert "compacted " in done.stdout and "items_search" in done.stdout
