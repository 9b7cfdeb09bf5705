"""A crawl whose parent dies (a killed worker) stops at once instead of writing on alone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from crawlers.localsite import LocalSite

REPO_ROOT = Path(__file__).resolve().parents[2]


def _crawl_children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == parent and b"crawlers.run" in cmdline:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux")
def test_crawler_child_dies_with_its_parent(tmp_path: Path) -> None:
    site_root = tmp_path / "site"
    site_root.mkdir()
    (site_root / "sitemap.xml").write_text(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>{base_url}/_special/slow?seconds=60</loc></url></urlset>"
    )
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n  - id: slow\n    kind: sitemap\n    urls: ['{base_url}/sitemap.xml']\n"
        "    options: {delay: 0.01, timeout: 120}\n"
    )
    script = textwrap.dedent(f"""
        from pathlib import Path
        from core.settings import Settings
        from crawlers.runner import crawl
        settings = Settings(data_dir=Path({str(tmp_path / 'data')!r}), allow_loopback=True)
        crawl(settings, Path({str(tmp_path / 'out.jsonl')!r}),
              sources_file=Path({str(sources)!r}), base_url=BASE)
    """)
    with LocalSite(site_root) as site:
        parent = subprocess.Popen(
            [sys.executable, "-c", f"BASE = {site.base_url!r}\n" + script],
            cwd=REPO_ROOT, start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 60
            children: list[int] = []
            while not children and time.monotonic() < deadline:
                children = _crawl_children(parent.pid)
                time.sleep(0.2)
            assert children, "the crawl process never started"
            while "/_special/slow" not in " ".join(site.requests):
                assert time.monotonic() < deadline, "the crawl never reached the slow page"
                time.sleep(0.2)
            os.kill(parent.pid, signal.SIGKILL)
            parent.wait(timeout=10)
            gone_by = time.monotonic() + 10
            while any(_alive(pid) for pid in children) and time.monotonic() < gone_by:
                time.sleep(0.2)
            assert not any(_alive(pid) for pid in children), "the crawl outlived its parent"
        finally:
            if parent.poll() is None:
                os.killpg(parent.pid, signal.SIGKILL)
            for pid in _crawl_children(parent.pid):
                os.kill(pid, signal.SIGKILL)
