"""A real Prefect server of our own on 127.0.0.1, for ``kiemchung serve`` when none is configured.

Prefect's temporary server (what a flow uses with no ``PREFECT_API_URL``) runs no scheduler, so
deployments served against it never get a run. ``kiemchung serve`` therefore starts
``prefect server start`` as a child process, with its database under ``DATA_DIR/prefect/`` and
its scheduler on, points ``PREFECT_API_URL`` at it, and stops it on the way out. The child dies
with its parent even when the parent is killed (``PR_SET_PDEATHSIG``), so no server is left
behind holding the port and the database.

While it runs, ``DATA_DIR/prefect/server.json`` names it, so a ``kiemchung run`` or
``kiemchung runs`` on the same data directory talks to the same server instead of starting a
temporary one on the same database.

This module imports nothing from Prefect: the parent must set ``PREFECT_API_URL`` before its
first import of ``prefect``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

#: Prefect's own default port, so the UI is where Prefect's documentation says it is.
DEFAULT_PORT = 4200
#: A busy two-core machine takes 20-60 s to migrate a fresh database and start the services.
START_TIMEOUT_SECONDS = 300
STOP_TIMEOUT_SECONDS = 30
STATE_FILE = "server.json"


class ServerError(RuntimeError):
    """The local Prefect server did not start; the message says why and where its log is."""


def server_home(data_dir: Path) -> Path:
    return (data_dir / "prefect").resolve()


def healthy(api_url: str, timeout: float = 3.0) -> bool:
    """True when a Prefect server answers its health check at ``api_url`` (``.../api``)."""
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=timeout) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


def running_server(data_dir: Path) -> str | None:
    """The API URL of the server ``kiemchung serve`` runs for this data directory, if it is up."""
    state = server_home(data_dir) / STATE_FILE
    try:
        info = json.loads(state.read_text(encoding="utf-8"))
        pid, url = int(info["pid"]), str(info["api_url"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return url if healthy(url) else None


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def _die_with_parent() -> None:  # runs in the child between fork and exec
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


class LocalPrefectServer:
    """``prefect server start`` as a child process, scheduler on, database under ``data_dir``.

    Use as a context manager; ``api_url`` is set once it answers. ``port=0`` picks a free port.
    """

    def __init__(
        self, data_dir: Path, *, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
        ui: bool = True,
    ) -> None:
        self.home = server_home(data_dir)
        self.host = host
        self.port = port
        self.ui = ui
        self.api_url = ""
        self.log_path = self.home / "server.log"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def environment(self) -> dict[str, str]:
        """The child's environment: our home and database, the scheduler and late-run services
        on, no telemetry, no settings from a user profile that could point elsewhere."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        env.update({
            "PREFECT_HOME": str(self.home),
            "PREFECT_SERVER_DATABASE_CONNECTION_URL": (
                "sqlite+aiosqlite:///" + str(self.home / "prefect.db")
            ),
            "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "true",
            "PREFECT_SERVER_SERVICES_LATE_RUNS_ENABLED": "true",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_SERVER_UI_ENABLED": "true" if self.ui else "false",
            "DO_NOT_TRACK": "1",
        })
        return env

    def start(self, timeout: float = START_TIMEOUT_SECONDS) -> str:
        """Start the server and wait until it answers; returns its API URL."""
        self.home.mkdir(parents=True, exist_ok=True)
        other = running_server(self.home.parent)
        if other:
            raise ServerError(f"a Prefect server for this data directory already runs at "
                              f"{other} (another `kiemchung serve`?)")
        port = self.port or _free_port(self.host)
        if not _port_free(self.host, port):
            raise ServerError(f"port {port} on {self.host} is in use; choose another with "
                              "--prefect-port (0 picks a free one)")
        url = f"http://{self.host}:{port}/api"
        command = [sys.executable, "-m", "prefect", "server", "start", "--host", self.host,
                   "--port", str(port), "--scheduler", "--late-runs"]
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                command, env=self.environment(), stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, cwd=str(self.home), preexec_fn=_die_with_parent,
            )
        deadline = time.monotonic() + timeout
        while not healthy(url):
            if self._process.poll() is not None:
                raise ServerError(f"the Prefect server exited with {self._process.returncode}; "
                                  f"its log: {self.log_path}\n{self._log_tail()}")
            if time.monotonic() > deadline:
                self.stop()
                raise ServerError(f"the Prefect server did not answer within {timeout:.0f} s; "
                                  f"its log: {self.log_path}")
            time.sleep(0.5)
        self.api_url = url
        state = self.home / STATE_FILE
        state.write_text(json.dumps({"pid": self._process.pid, "api_url": url}), "utf-8")
        return url

    def stop(self) -> None:
        """Stop the child (SIGTERM, then SIGKILL after a while) and forget it."""
        process, self._process = self._process, None
        (self.home / STATE_FILE).unlink(missing_ok=True)
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT_SECONDS)

    def _log_tail(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
        except OSError:
            return ""

    def __enter__(self) -> LocalPrefectServer:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
