"""Prefect's environment for a flow started from the ``kiemchung`` command.

With no Prefect server configured, a flow talks to the server ``kiemchung serve`` runs for the
same data directory when there is one (so its runs show up there), and otherwise runs on
Prefect's real engine against a temporary local server whose database lives under the data
directory rather than the user's home. Call ``prepare`` before the first import of ``prefect``.
"""

from __future__ import annotations

import os

from core.settings import Settings


def prepare(settings: Settings) -> None:
    """Point Prefect at the data directory unless the user configured Prefect already."""
    from flows.prefect_server import running_server

    if "PREFECT_API_URL" not in os.environ:
        served = running_server(settings.data_dir)
        if served:
            os.environ["PREFECT_API_URL"] = served
    if "PREFECT_API_URL" not in os.environ and "PREFECT_HOME" not in os.environ:
        home = (settings.data_dir / "prefect").resolve()
        home.mkdir(parents=True, exist_ok=True)
        os.environ["PREFECT_HOME"] = str(home)
    # The telemetry heartbeat writes to the temporary server's SQLite at the same time as the
    # run and fills the log with "database is locked"; and it is not ours to send.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    # A busy two-core machine can take a while to start the temporary server.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
