"""``kiemchung users``, ``kiemchung search`` and ``kiemchung review``, run as commands."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from core.settings import Settings
from dashboards.users import UserStore
from index.factory import open_store
from tests.conftest import REPO_ROOT
from tests.dashboards.conftest import seed_items


def _kiemchung(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KIEMCHUNG_DATA_DIR": str(data_dir)}
    env.pop("KIEMCHUNG_ES_URL", None)
    return subprocess.run([sys.executable, "-m", "cli.main", *args], input=stdin, env=env,
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)


def test_users_add_list_set_role_remove(tmp_path: Path) -> None:
    added = _kiemchung(tmp_path, "users", "add", "lan", "--role", "reviewer", "--password-stdin",
                       stdin="mat-khau-du-dai\n")
    assert added.returncode == 0, added.stderr
    assert UserStore.in_data_dir(tmp_path).authenticate("lan", "mat-khau-du-dai") is not None
    assert _kiemchung(tmp_path, "users", "list").stdout.split() == ["lan", "reviewer"]
    assert _kiemchung(tmp_path, "users", "set-role", "lan", "admin").returncode == 0
    assert _kiemchung(tmp_path, "users", "list").stdout.split() == ["lan", "admin"]
    again = _kiemchung(tmp_path, "users", "add", "lan", "--role", "analyst", "--password-stdin",
                       stdin="mat-khau-khac-nua\n")
    assert again.returncode == 1 and "lan" in again.stderr
    short = _kiemchung(tmp_path, "users", "add", "minh", "--role", "analyst", "--password-stdin",
                       stdin="ngan\n")
    assert short.returncode == 1
    assert _kiemchung(tmp_path, "users", "remove", "lan").returncode == 0
    assert _kiemchung(tmp_path, "users", "list").stdout == ""


def test_search_command(tmp_path: Path) -> None:
    store = open_store(Settings(data_dir=tmp_path))
    store.upsert(seed_items())
    store.close()
    text = _kiemchung(tmp_path, "search", "thuy dien", "--source", "tiktok")
    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith("4 mục")
    lines = _kiemchung(tmp_path, "search", "--label", "solution_myth", "--format", "jsonl").stdout
    rows = [json.loads(line) for line in lines.splitlines()]
    assert len(rows) == 6 and {r["label"] for r in rows} == {"solution_myth"}
    counts = _kiemchung(tmp_path, "search", "--flagged", "--count-by", "source").stdout
    assert counts.split()[:2] == ["9", "facebook-pages"]
    exported = _kiemchung(tmp_path, "search", "--format", "csv").stdout
    assert len(exported.strip().splitlines()) == len(seed_items()) + 1


@pytest.mark.slow
def test_review_command_serves_the_app(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "KIEMCHUNG_DATA_DIR": str(tmp_path)}
    env.pop("KIEMCHUNG_ES_URL", None)
    process = subprocess.Popen([sys.executable, "-m", "cli.main", "review", "--port", str(port)],
                               env=env, cwd=REPO_ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login") as response:
                    assert response.status == 200
                    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
                    break
            except OSError:
                assert time.monotonic() < deadline, "kiemchung review did not start"
                time.sleep(0.3)
    finally:
        process.terminate()
        process.wait(timeout=20)
