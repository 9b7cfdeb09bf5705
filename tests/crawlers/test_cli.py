"""``kiemchung crawl`` and ``kiemchung extract`` as a person uses them, in a child process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from crawlers.localsite import LocalSite
from tests.crawlers.conftest import DEMO_SITE, DEMO_SOURCES

REPO_ROOT = Path(__file__).resolve().parents[2]


def _kiemchung(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args], cwd=cwd, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT), **env}, timeout=300, check=False,
    )


def test_extract_prints_the_record_of_a_saved_page(tmp_path: Path) -> None:
    page = DEMO_SITE / "bai" / "thuy-dien-song-lam-2-thong-bao-xa-lu-1000101.html"
    done = _kiemchung("extract", str(page), "--url", "https://tin.example/bai-1.html",
                      cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["title"].startswith("Thủy điện Sông Lam 2 thông báo xả lũ")
    assert "14h" in record["lead"] and "350 m³/s" in record["text"]
    assert record["published"] == "2025-06-12T07:30:00+07:00"


def test_extract_of_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    done = _kiemchung("extract", str(tmp_path / "khong-co.html"), cwd=tmp_path)
    assert done.returncode != 0
    assert "khong-co.html" in done.stderr and "Traceback" not in done.stderr


def test_crawl_writes_items_then_finds_nothing_new(tmp_path: Path) -> None:
    out = tmp_path / "items.jsonl"
    env = {"KIEMCHUNG_ALLOW_LOOPBACK": "true", "KIEMCHUNG_DATA_DIR": str(tmp_path / "data")}
    with LocalSite(DEMO_SITE) as site:
        args = ("crawl", "--sources-file", str(DEMO_SOURCES), "--base-url", site.base_url,
                "--out", str(out), "--no-progress")
        first = _kiemchung(*args, cwd=tmp_path, **env)
        assert first.returncode == 0, first.stderr
        lines = out.read_text("utf-8").splitlines()
        assert len(lines) == len(list((DEMO_SITE / "bai").glob("*.html")))
        second = _kiemchung(*args, cwd=tmp_path, **env)
    assert second.returncode == 0, second.stderr
    assert len(out.read_text("utf-8").splitlines()) == len(lines)
    assert "demo-rss" in second.stdout + second.stderr
