"""``kiemchung serve`` with nothing configured really fires its schedule, then cleans up.

The test runs ``serve`` exactly as the README says an operator does, in a subprocess with no
Prefect setting at all, the nightly schedule moved to "every minute" so it comes due within the
test, and waits for a run the server's scheduler created to complete. Before ``serve`` ran a
Prefect server of its own, nothing was ever scheduled on the embedded default.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from crawlers.localsite import LocalSite
from tests.flows.conftest import DEMO_SITE, REPO_ROOT

#: Server start (~30 s here), the next minute boundary, the runner's poll, the flow's own work.
RUN_TIMEOUT_S = 600


def _post(url: str, body: dict) -> list[dict]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return list(json.load(response))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie child of ours is gone for every purpose.
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
def test_serve_with_no_configuration_runs_the_scheduled_nightly(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PREFECT_", "KIEMCHUNG_"))}
    env.update(KIEMCHUNG_DATA_DIR=str(data_dir), KIEMCHUNG_ALLOW_LOOPBACK="true",
               HOME=str(tmp_path))  # not even a Prefect profile in the user's home
    log = (tmp_path / "serve.log").open("wb")
    with LocalSite(DEMO_SITE) as site:
        serve = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "serve",
             "--sources", str(REPO_ROOT / "crawlers" / "demo_sources.yaml"),
             "--base-url", site.base_url, "--nightly-cron", "* * * * *", "--prefect-port", "0"],
            cwd=tmp_path, env={**env, "PYTHONPATH": str(REPO_ROOT)}, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )
        server_pid = None
        try:
            state_file = data_dir / "prefect" / "server.json"
            deadline = time.monotonic() + RUN_TIMEOUT_S
            completed: list[dict] = []
            while not completed:
                assert serve.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
                assert time.monotonic() < deadline, "no scheduled nightly run completed; log:\n" \
                    + (tmp_path / "serve.log").read_text()[-3000:]
                time.sleep(3)
                if not state_file.exists():
                    continue
                server = json.loads(state_file.read_text("utf-8"))
                server_pid = int(server["pid"])
                runs = _post(f"{server['api_url']}/flow_runs/filter",
                             {"flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}}})
                completed = [r for r in runs if r.get("deployment_id")]
            run = completed[0]
            # The scheduler made it: not triggered by hand, by the test or by the runner.
            assert run["auto_scheduled"] is True
            assert run["parameters"]["base_url"] == site.base_url
            summaries = list((data_dir / "runs").glob("*/summary.json"))
            assert summaries, "the run left no summary"
            summary = json.loads(summaries[0].read_text("utf-8"))
            assert sum(s["new"] for s in summary["sources"]) > 0
            assert (data_dir / "kiemchung.sqlite3").exists()
        finally:
            serve.send_signal(signal.SIGTERM)
            try:
                serve.wait(timeout=120)
            except subprocess.TimeoutExpired:
                os.killpg(serve.pid, signal.SIGKILL)
                serve.wait(timeout=30)
                pytest.fail("serve did not stop on SIGTERM")
    # serve stopped its Prefect server on the way out and said so.
    assert server_pid is not None
    deadline = time.monotonic() + 60
    while _alive(server_pid) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not _alive(server_pid), "the local Prefect server outlived serve"
    assert not (data_dir / "prefect" / "server.json").exists()
    assert b"local Prefect server stopped" in (tmp_path / "serve.log").read_bytes()
