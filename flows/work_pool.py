"""A Prefect work pool that runs one night's sources side by side: the ``kiemchung-source``
deployment, whose runs the nightly flow starts one per source (``kiemchung run
--work-pool-deployment kiemchung-source/source``, or the ``source_deployment`` parameter of the
nightly deployment) and any worker of the pool picks up.

Workers are plain ``prefect worker start --pool NAME --type process --limit N`` processes, on
this machine or others that share ``KIEMCHUNG_DATA_DIR`` (run checkpoints, crawl state, spool)
and the store.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCE_DEPLOYMENT_NAME = "source"
SOURCE_ENTRYPOINT = "flows/source_run.py:source_night"


def ensure_process_pool(name: str) -> None:
    """Create the process work pool ``name`` unless it exists."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists

    with get_client(sync_client=True) as client, contextlib.suppress(ObjectAlreadyExists):
        client.create_work_pool(WorkPoolCreate(name=name, type="process"))


def deploy_source_flow(pool: str, *, code_dir: Path = REPO_ROOT) -> str:
    """Deploy the per-source flow from ``code_dir`` (the project as installed on the workers)
    to ``pool``; returns the name to pass as ``source_deployment``."""
    from prefect import flow

    ensure_process_pool(pool)
    source = flow.from_source(source=str(code_dir), entrypoint=SOURCE_ENTRYPOINT)
    source.deploy(  # type: ignore[union-attr]
        name=SOURCE_DEPLOYMENT_NAME, work_pool_name=pool, build=False, push=False,
        tags=["kiemchung", "source"], print_next_steps=False,
        description="Một nguồn của một đêm (one source of a night), on any worker of the pool",
    )
    return f"kiemchung-source/{SOURCE_DEPLOYMENT_NAME}"


@contextmanager
def local_workers(
    pool: str, count: int, *, limit: int, poll_seconds: float = 2.0,
    env: dict[str, str] | None = None,
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """``count`` process workers of ``pool`` on this machine, each running up to ``limit``
    flow runs at once, stopped (with their flow runs) when the block ends. For one large
    machine, benchmarks and tests; on several machines, start one worker on each instead."""
    from prefect.settings import PREFECT_API_URL

    environment = dict(env if env is not None else os.environ)
    if PREFECT_API_URL.value():  # the server this process talks to, however it was set
        environment.setdefault("PREFECT_API_URL", str(PREFECT_API_URL.value()))
    environment["PREFECT_WORKER_QUERY_SECONDS"] = str(poll_seconds)
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "prefect", "worker", "start", "--pool", pool, "--type",
             "process", "--limit", str(limit), "--name", f"{pool}-worker-{number}"],
            cwd=REPO_ROOT, env=environment, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for number in range(1, count + 1)
    ]
    try:
        yield workers
    finally:
        for worker in workers:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=30)
