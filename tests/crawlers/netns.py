"""A network namespace with only a loopback interface, for tests that must not reach anything.

Addresses such as 10.0.0.1 or 169.254.169.254 are put on its loopback, so a fetch the guard
wrongly allowed would really get an answer (a canary page) instead of failing for lack of a
route; nothing can leave the machine either way. Needs root and ``ip`` (iproute2).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
#: Stands for a public web server inside the namespace (any globally routable address would do).
PUBLIC_ADDRESS = "1.2.3.4"


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True, timeout=30)


def namespace_problem() -> str | None:
    """Why a namespace cannot be made here, or None."""
    if shutil.which("ip") is None:
        return "the ip command (iproute2) is missing"
    if os.geteuid() != 0:
        return "creating a network namespace needs root"
    return None


@contextmanager
def loopback_namespace(addresses: Sequence[str]) -> Iterator[str]:
    """A fresh namespace whose only interface, lo, is up and also holds ``addresses``."""
    name = f"kc-test-{uuid.uuid4().hex[:8]}"
    _ip("netns", "add", name)
    try:
        _ip("-n", name, "link", "set", "lo", "up")
        for address in addresses:
            _ip("-n", name, "addr", "add", f"{address}/32", "dev", "lo")
        yield name
    finally:
        subprocess.run(["ip", "netns", "del", name], check=False, capture_output=True)


def in_namespace(name: str, *command: str) -> list[str]:
    """``command`` run inside namespace ``name``."""
    return ["ip", "netns", "exec", name, *command]


@contextmanager
def site_in_namespace(name: str, root: Path) -> Iterator[subprocess.Popen[str]]:
    """Serve ``root`` on port 80 of every address of the namespace."""
    server = subprocess.Popen(
        in_namespace(name, sys.executable, "-m", "crawlers.localsite", str(root),
                     "--host", "0.0.0.0", "--port", "80"),
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        if "Serving" not in line:
            problem = server.stderr.read() if server.stderr else ""
            raise RuntimeError(f"the site did not start: {line} {problem}")
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
