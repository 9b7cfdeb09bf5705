#!/usr/bin/env python3
"""Start, check and stop a real single-node Elasticsearch 8 on loopback, for tests and development.

Where it comes from: Elasticsearch's own integration-test distribution
(``org.elasticsearch.distribution.integ-test-zip:elasticsearch``), fetched with Maven from Maven
Central into a cache directory. The codelibs cluster runner the project first planned on is
published on Maven Central only up to 7.10.2.0, so it cannot give us an 8.x node.

This distribution carries no JDK (the machine's Java 17 runs it) and only the core modules: no
analysis-common (Kiểm Chứng folds diacritics itself), no reindex module (migrations copy with
scroll and bulk), no x-pack security (the node listens on 127.0.0.1 only).

Elasticsearch refuses to run as root; under root the node runs as the system user
``kiemchung-es``, created on first use.

    python3 scripts/es_node.py start        # prints the URL once the node is healthy
    python3 scripts/es_node.py status
    python3 scripts/es_node.py stop

Several nodes that form one cluster on loopback (for fault tests: ``kill`` one with SIGKILL,
``start`` it again with the same name and it rejoins with its data):

    python3 scripts/es_node.py cluster --name c3 --nodes 3   # prints the nodes' URLs, one a line
    python3 scripts/es_node.py kill --name c3-2
    python3 scripts/es_node.py start --name c3-2
    python3 scripts/es_node.py wipe --name c3 --nodes 3
Standard library only: it runs before the project's virtual environment exists.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

ES_VERSION = os.environ.get("KIEMCHUNG_ES_VERSION", "8.19.21")
ARTIFACT = f"org.elasticsearch.distribution.integ-test-zip:elasticsearch:{ES_VERSION}:zip"
ES_USER = "kiemchung-es"
START_TIMEOUT_S = 240
STOP_TIMEOUT_S = 60


def log(message: str) -> None:
    print(f"[es-node] {message}", file=sys.stderr, flush=True)


def cache_dir() -> Path:
    explicit = os.environ.get("KIEMCHUNG_ES_CACHE")
    if explicit:
        return Path(explicit)
    if os.geteuid() == 0:
        # Under root the node runs as another user, who must be able to reach these files;
        # a home directory such as /root is not traversable by others.
        return Path("/var/cache/kiemchung")
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kiemchung"


def run_dir(name: str) -> Path:
    return cache_dir() / "nodes" / name


def java_home() -> str:
    for variable in ("ES_JAVA_HOME", "JAVA_HOME"):
        if os.environ.get(variable):
            return os.environ[variable]
    java = shutil.which("java")
    if not java:
        raise SystemExit(
            "es-node: Java 17 or newer is needed (apt-get install openjdk-17-jre-headless)"
        )
    return str(Path(java).resolve().parent.parent)


def fetch_distribution() -> Path:
    """The unpacked distribution, downloading it with Maven the first time."""
    home = cache_dir() / f"elasticsearch-{ES_VERSION}"
    if (home / "bin" / "elasticsearch").exists():
        return home
    downloads = cache_dir() / "downloads"
    archive = downloads / f"elasticsearch-{ES_VERSION}.zip"
    if not archive.exists():
        if not shutil.which("mvn"):
            raise SystemExit(
                "es-node: Maven is needed to fetch Elasticsearch (apt-get install maven)"
            )
        log(f"fetching {ARTIFACT} from Maven Central (about 100 MB, once)")
        downloads.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["mvn", "-q", "-B", "dependency:copy", f"-Dartifact={ARTIFACT}",
             f"-DoutputDirectory={downloads}"],
            check=True, stdout=sys.stderr,
        )
    log(f"unpacking {archive.name}")
    staging = cache_dir() / f".unpack-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    with zipfile.ZipFile(archive) as bundle:
        bundle.extractall(staging)
    for script in (staging / f"elasticsearch-{ES_VERSION}" / "bin").iterdir():
        script.chmod(0o755)
    (staging / f"elasticsearch-{ES_VERSION}").rename(home)
    shutil.rmtree(staging, ignore_errors=True)
    for path in [cache_dir(), *home.rglob("*")]:
        path.chmod(path.stat().st_mode | 0o005 | (0o050 if path.is_dir() else 0))
    return home


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def ensure_user() -> tuple[int, int] | None:
    """The uid and gid to run the node as, or None when we are not root."""
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam(ES_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", ES_USER],
            check=True,
        )
        entry = pwd.getpwnam(ES_USER)
    return entry.pw_uid, entry.pw_gid


def health(url: str) -> str | None:
    try:
        with urllib.request.urlopen(f"{url}/_cluster/health", timeout=5) as response:
            return str(json.load(response)["status"])
    except (urllib.error.URLError, OSError, ValueError, KeyError):
        return None


def read_state(name: str) -> dict[str, object] | None:
    state = run_dir(name) / "node.json"
    return json.loads(state.read_text()) if state.exists() else None


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_layout(name: str) -> dict[str, object]:
    """Ports and cluster membership the node was first started with (kept across restarts)."""
    layout = run_dir(name) / "layout.json"
    return json.loads(layout.read_text()) if layout.exists() else {}


def start(
    name: str, port: int | None, heap: str, *, cluster: dict[str, object] | None = None,
    wait: bool = True,
) -> str:
    """Start the node ``name``; a node started before keeps its ports and its cluster.

    ``cluster`` (``name``, ``seeds``, ``masters``, ``transport_port``) makes it one node of a
    multi-node cluster instead of a single-node one."""
    state = read_state(name)
    if state and alive(int(state["pid"])) and health(str(state["url"])):  # type: ignore[arg-type]
        log(f"node {name!r} already running")
        return str(state["url"])
    home = fetch_distribution()
    node_dir = run_dir(name)
    conf = node_dir / "config"
    if not conf.exists():
        shutil.copytree(home / "config", conf)
    for sub in ("data", "logs"):
        (node_dir / sub).mkdir(parents=True, exist_ok=True)
    layout = read_layout(name)
    if not layout:
        layout = {"http_port": port or free_port(), "cluster": cluster}
        if cluster is None:
            layout["transport_port"] = free_port()
        else:
            layout["transport_port"] = cluster["transport_port"]
        (node_dir / "layout.json").write_text(json.dumps(layout))
    http_port = int(port or layout["http_port"])  # type: ignore[call-overload]
    url = f"http://127.0.0.1:{http_port}"
    ids = ensure_user()
    if ids:
        for path in [node_dir, *node_dir.rglob("*")]:
            os.chown(path, *ids)
    env = dict(os.environ, ES_JAVA_HOME=java_home(), ES_PATH_CONF=str(conf),
               ES_JAVA_OPTS=f"-Xms{heap} -Xmx{heap}")
    env.pop("JAVA_HOME", None)
    member = layout.get("cluster")
    if isinstance(member, dict):
        discovery = [
            "-E", f"cluster.name=kiemchung-{member['name']}",
            "-E", f"discovery.seed_hosts={','.join(member['seeds'])}",
            "-E", f"cluster.initial_master_nodes={','.join(member['masters'])}",
        ]
    else:
        discovery = ["-E", "discovery.type=single-node"]
    command = [
        str(home / "bin" / "elasticsearch"),
        "-E", f"node.name=kiemchung-{name}",
        *discovery,
        "-E", "network.host=127.0.0.1",
        "-E", f"http.port={http_port}",
        "-E", f"transport.port={layout['transport_port']}",
        "-E", f"path.data={node_dir / 'data'}",
        "-E", f"path.logs={node_dir / 'logs'}",
        "-E", "xpack.security.enabled=false",
        "-E", "cluster.routing.allocation.disk.threshold_enabled=false",
    ]
    if ids:
        command = ["setpriv", f"--reuid={ids[0]}", f"--regid={ids[1]}", "--clear-groups", *command]
    output = (node_dir / "console.log").open("ab")
    process = subprocess.Popen(
        command, env=env, stdout=output, stderr=subprocess.STDOUT, cwd=node_dir,
        start_new_session=True,
    )
    (node_dir / "node.json").write_text(json.dumps({"pid": process.pid, "url": url}))
    log(f"starting Elasticsearch {ES_VERSION} at {url} (logs: {node_dir / 'console.log'})")
    if wait:
        wait_healthy(name, process, url)
    return url


def wait_healthy(name: str, process: subprocess.Popen[bytes] | None, url: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            tail = (run_dir(name) / "console.log").read_text(errors="replace")[-3000:]
            raise SystemExit(f"es-node: Elasticsearch exited with {process.returncode}:\n{tail}")
        if health(url) in {"green", "yellow"}:
            log(f"node {name!r} is healthy")
            return
        time.sleep(1)
    stop(name)
    raise SystemExit(f"es-node: no healthy node at {url} after {START_TIMEOUT_S}s")


def start_cluster(name: str, nodes: int, heap: str) -> list[str]:
    """``nodes`` nodes ``NAME-1`` … ``NAME-N`` forming the cluster ``kiemchung-NAME``."""
    names = [f"{name}-{number}" for number in range(1, nodes + 1)]
    ports = {member: int(read_layout(member).get("transport_port") or free_port())  # type: ignore[call-overload]
             for member in names}
    seeds = [f"127.0.0.1:{ports[member]}" for member in names]
    masters = [f"kiemchung-{member}" for member in names]
    urls = [
        start(member, None, heap, wait=False, cluster={
            "name": name, "seeds": seeds, "masters": masters, "transport_port": ports[member],
        })
        for member in names
    ]
    for member, url in zip(names, urls, strict=True):
        wait_healthy(member, None, url)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{urls[0]}/_cluster/health", timeout=5) as response:
                if int(json.load(response)["number_of_nodes"]) == nodes:
                    log(f"cluster {name!r}: {nodes} nodes joined")
                    return urls
        except (urllib.error.URLError, OSError, ValueError, KeyError):
            pass
        time.sleep(1)
    raise SystemExit(f"es-node: the {nodes} nodes of {name!r} did not form one cluster")


def kill(name: str) -> None:
    """SIGKILL the node, as when its machine is lost; its data stays for a later ``start``."""
    state = read_state(name)
    if state and alive(int(state["pid"])):  # type: ignore[arg-type]
        os.killpg(int(state["pid"]), signal.SIGKILL)  # type: ignore[arg-type]
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while alive(int(state["pid"])) and time.monotonic() < deadline:  # type: ignore[arg-type]
            with contextlib.suppress(ChildProcessError):
                os.waitpid(int(state["pid"]), os.WNOHANG)  # type: ignore[arg-type]
            time.sleep(0.2)
    (run_dir(name) / "node.json").unlink(missing_ok=True)
    log(f"node {name!r} killed")


def stop(name: str) -> None:
    state = read_state(name)
    if not state:
        log(f"no node {name!r} to stop")
        return
    pid = int(state["pid"])  # type: ignore[arg-type]
    if alive(pid):
        os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while alive(pid) and time.monotonic() < deadline:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
            time.sleep(0.5)
        if alive(pid):
            log("node did not stop in time; killing it")
            os.killpg(pid, signal.SIGKILL)
    (run_dir(name) / "node.json").unlink(missing_ok=True)
    log(f"node {name!r} stopped")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action",
                        choices=["start", "stop", "status", "fetch", "wipe", "cluster", "kill"])
    parser.add_argument("--name", default="dev", help="several nodes can live side by side")
    parser.add_argument("--port", type=int, help="HTTP port (default: a free one)")
    parser.add_argument("--heap", default=os.environ.get("KIEMCHUNG_ES_HEAP", "1g"))
    parser.add_argument("--nodes", type=int, default=0,
                        help="cluster: how many nodes (NAME-1 … NAME-N); wipe: all of them")
    args = parser.parse_args()
    members = [f"{args.name}-{n}" for n in range(1, args.nodes + 1)] or [args.name]
    if args.action == "fetch":
        print(fetch_distribution())
    elif args.action == "start":
        print(start(args.name, args.port, args.heap))
    elif args.action == "cluster":
        print("\n".join(start_cluster(args.name, args.nodes or 3, args.heap)))
    elif args.action == "kill":
        kill(args.name)
    elif args.action == "stop":
        for member in members:
            stop(member)
    elif args.action == "wipe":
        for member in members:
            stop(member)
            shutil.rmtree(run_dir(member), ignore_errors=True)
    else:
        state = read_state(args.name)
        url = str(state["url"]) if state else None
        status = health(url) if url else None
        print(f"{args.name}: {url or '-'} {status or 'not running'}")
        return 0 if status else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
