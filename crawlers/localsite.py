"""A small threaded HTTP server for a directory on 127.0.0.1, for tests and the demo.

Text files get ``{base_url}`` replaced by the server's own URL; files carry an ``ETag`` and a
``Last-Modified``, and a conditional request for an unchanged file is answered 304. Special
routes under ``/_special/`` produce the hostile cases a crawler must survive: an oversized
body, a gzip bomb, redirects to a private address, a ``file://`` URL or anywhere
(``redirect?to=``), a redirect loop, a slow answer, an HTTP error status.
Run ``python -m crawlers.localsite DIR [--port N]`` to serve by hand.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import mimetypes
import sys
import threading
import time
from collections.abc import Sequence
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import parse_qs, unquote, urlsplit

TEXT_SUFFIXES = {".html", ".htm", ".xml", ".rss", ".atom", ".txt", ".json", ".jsonl", ".csv"}
_TYPES = {".rss": "application/rss+xml", ".atom": "application/atom+xml", ".xml": "application/xml",
          ".json": "application/json", ".jsonl": "application/x-ndjson", ".csv": "text/csv"}
DEFAULT_ROBOTS = b"User-agent: *\nDisallow: /private/\n"
_BOMB_INFLATED_BYTES = 64 * 1024 * 1024


def _gzip_bomb() -> bytes:
    # Zeros compress about 1000:1, so 64 MiB becomes ~64 KiB on the wire.
    return gzip.compress(b"\0" * _BOMB_INFLATED_BYTES, compresslevel=9)


class _Handler(BaseHTTPRequestHandler):
    server: LocalSiteServer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # the request log is kept in memory for the tests instead

    def do_GET(self) -> None:  # noqa: N802
        self.server.arrive()
        try:
            if self.server.hold_seconds:
                time.sleep(self.server.hold_seconds)
            self._answer()
        finally:
            self.server.depart()

    def _answer(self) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        self.server.record(path, parts.query)
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        if path == "/robots.txt":
            return self._robots()
        if path.startswith("/_special/"):
            return self._special(path[len("/_special/"):], query)
        return self._file(path, query)

    # -- helpers ---------------------------------------------------------------------------
    def _send(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the crawler hung up (size cap, timeout): expected in tests

    def _robots(self) -> None:
        mode = self.server.robots
        if mode == "error":
            return self._send(500, b"server error", "text/plain")
        if mode == "missing":
            return self._send(404, b"not found", "text/plain")
        if mode == "slow":  # longer than any timeout the tests give the crawler
            time.sleep(self.server.slow_seconds)
            return self._send(200, b"User-agent: *\nDisallow:\n", "text/plain")
        file = self.server.root / "robots.txt"
        body = file.read_bytes() if file.is_file() else DEFAULT_ROBOTS
        self._send(200, body, "text/plain")

    def _special(self, route: str, query: dict[str, str]) -> None:
        if route == "oversized":
            size = int(float(query.get("mb", "8")) * 1024 * 1024)
            return self._send(200, b"<html><body>" + b"x" * size, "text/html")
        if route == "gzip-bomb":
            return self._send(200, _gzip_bomb(), "text/html", Content_Encoding="gzip")
        if route == "redirect-private":
            return self._send(302, b"", "text/html", Location="http://10.0.0.1/secret")
        if route == "redirect-link-local":
            return self._send(302, b"", "text/html", Location="http://169.254.169.254/latest/")
        if route == "redirect-file":
            return self._send(302, b"", "text/html", Location="file:///etc/passwd")
        if route == "redirect":  # to any URL: the address guard must check every hop
            return self._send(302, b"", "text/html", Location=query.get("to", "/"))
        if route in {"loop-a", "loop-b"}:  # A -> B -> A
            other = "loop-b" if route == "loop-a" else "loop-a"
            return self._send(302, b"", "text/html", Location=f"/_special/{other}")
        if route == "slow":
            time.sleep(float(query.get("seconds", "5")))
            return self._send(200, b"<html><body>late</body></html>", "text/html")
        if route.startswith("status/"):
            code = int(route.split("/", 1)[1])
            return self._send(code, b"error page", "text/html")
        return self._send(404, b"no such special route", "text/plain")

    def _file(self, path: str, query: dict[str, str]) -> None:
        target = self._resolve(path, query)
        if target is None:
            return self._send(404, b"<html><body>404</body></html>", "text/html")
        body = target.read_bytes()
        suffix = target.suffix.lower()
        if suffix in TEXT_SUFFIXES:
            # The base URL is ASCII, so a byte-level replace is right for every ASCII-compatible
            # encoding (windows-1258 pages included).
            body = body.replace(b"{base_url}", self.server.base_url.encode("ascii"))
        # No charset parameter: pages must declare (or not declare) their own encoding.
        content_type = _TYPES.get(suffix) or mimetypes.guess_type(target.name)[0] or "text/html"
        # Validators, as real sites send them, so conditional requests can be tested.
        etag = '"' + hashlib.sha1(body).hexdigest() + '"'
        modified = formatdate(int(target.stat().st_mtime), usegmt=True)
        if self._not_modified(etag, int(target.stat().st_mtime)):
            self.server.record_not_modified(path)
            return self._send(304, b"", content_type, ETag=etag, Last_Modified=modified)
        self._send(200, body, content_type, ETag=etag, Last_Modified=modified)

    def _not_modified(self, etag: str, mtime: int) -> bool:
        asked = self.headers.get("If-None-Match")
        if asked is not None:
            return etag in [tag.strip() for tag in asked.split(",")] or asked.strip() == "*"
        since = self.headers.get("If-Modified-Since")
        if since is None:
            return False
        try:
            return mtime <= int(parsedate_to_datetime(since).timestamp())
        except (TypeError, ValueError):
            return False

    def _resolve(self, path: str, query: dict[str, str]) -> Path | None:
        root = self.server.root
        relative = path.lstrip("/")
        candidates = [f"{relative}@{key}={value}.json" for key, value in sorted(query.items())]
        candidates += [relative, f"{relative}.json", f"{relative}/index.html".lstrip("/")]
        for candidate in candidates:
            target = (root / candidate).resolve()
            if target.is_file() and target.is_relative_to(root):
                return target
        return None


class LocalSiteServer(ThreadingHTTPServer):
    """The server; ``requests`` lists every path asked for, in order."""

    daemon_threads = True

    def __init__(self, root: Path, port: int = 0, robots: str = "file",
                 host: str = "127.0.0.1") -> None:
        super().__init__((host, port), _Handler)
        self.root = Path(root).resolve()
        # "file" (robots.txt in root or a default), "error" (500), "missing" (404), "slow"
        self.robots = robots
        self.slow_seconds = 5.0
        self.hold_seconds = 0.0  # every answer waits this long (to see overlapping requests)
        self.requests: list[str] = []
        self.not_modified: list[str] = []  # paths answered 304 to a conditional request
        self.in_flight = 0
        self.max_in_flight = 0  # most requests this server was answering at one moment
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        host = str(self.server_address[0])
        host = "127.0.0.1" if host in {"0.0.0.0", ""} else host
        return f"http://{host}:{self.server_address[1]}"

    def arrive(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def depart(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def record_not_modified(self, path: str) -> None:
        with self._lock:
            self.not_modified.append(path)

    def record(self, path: str, query: str) -> None:
        with self._lock:
            self.requests.append(path + (f"?{query}" if query else ""))


class LocalSite:
    """Serve ``root`` on a free port for the life of a ``with`` block.

    >>> with LocalSite(Path("crawlers/demo_site")) as site:  # doctest: +SKIP
    ...     print(site.base_url)
    """

    def __init__(self, root: Path, *, port: int = 0, robots: str = "file",
                 host: str = "127.0.0.1") -> None:
        self.server = LocalSiteServer(root, port, robots, host)
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def requests(self) -> list[str]:
        return list(self.server.requests)

    def start(self) -> LocalSite:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LocalSite:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawlers.localsite", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", type=Path, nargs="?",
                        default=Path(__file__).with_name("demo_site"), help="directory to serve")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--robots", choices=("file", "error", "missing", "slow"), default="file")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (0.0.0.0 only inside a network namespace)")
    args = parser.parse_args(argv)
    site = LocalSite(args.root, port=args.port, robots=args.robots, host=args.host).start()
    print(f"Serving {args.root} at {site.base_url} (Ctrl-C to stop)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        site.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
