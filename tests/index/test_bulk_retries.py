"""Bulk writes under back-pressure: Elasticsearch's 429 answers are retried with backoff until
every item is written exactly once.

The real node only rejects when its write queue overflows, which a test cannot cause on demand,
so a small proxy on 127.0.0.1 sits between the store and the real node and turns some of the
traffic into 429s: first a whole bulk request, then every other item of the next one (those
items are not forwarded, exactly as a node that rejected them would not have written them).
Everything else reaches the real node unchanged.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from index.es_store import ElasticStore
from tests.factories import make_item

_HOP_HEADERS = {"transfer-encoding", "content-length", "connection"}
_REJECTED = {"type": "es_rejected_execution_exception", "reason": "injected by the test proxy"}


class _Proxy(ThreadingHTTPServer):
    def __init__(self, upstream: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.upstream = upstream.rstrip("/")
        self.bulk_requests = 0
        self.rejected_items = 0


class _Handler(BaseHTTPRequestHandler):
    server: _Proxy

    def log_message(self, *args: Any) -> None:
        return

    def _forward(self, body: bytes | None) -> tuple[int, list[tuple[str, str]], bytes]:
        request = urllib.request.Request(
            self.server.upstream + self.path, data=body, method=self.command,
            headers={k: v for k, v in self.headers.items() if k.lower() not in _HOP_HEADERS},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, list(response.headers.items()), response.read()
        except urllib.error.HTTPError as error:
            return error.code, list(error.headers.items()), error.read()

    def _reply(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.send_response(status)
        for key, value in headers:
            if key.lower() not in _HOP_HEADERS:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        if self.path.split("?")[0].endswith("/_bulk") and body:
            self.server.bulk_requests += 1
            if self.server.bulk_requests == 1:
                self._reply_whole_rejection()
                return
            if self.server.bulk_requests == 2:
                self._reply_half_rejected(body)
                return
        self._reply(*self._forward(body))

    def _reply_whole_rejection(self) -> None:
        payload = json.dumps({"error": _REJECTED, "status": 429}).encode()
        self._reply(429, [("Content-Type", "application/json"),
                          ("X-Elastic-Product", "Elasticsearch")], payload)

    def _reply_half_rejected(self, body: bytes) -> None:
        lines = [line for line in body.split(b"\n") if line.strip()]
        pairs = [(lines[i], lines[i + 1]) for i in range(0, len(lines), 2)]
        kept = [pair for n, pair in enumerate(pairs) if n % 2 == 0]
        forwarded = b"\n".join(b"\n".join(pair) for pair in kept) + b"\n"
        status, headers, answer = self._forward(forwarded)
        real = iter(json.loads(answer)["items"])
        items = []
        for n, (action, _) in enumerate(pairs):
            if n % 2 == 0:
                items.append(next(real))
                continue
            op, meta = next(iter(json.loads(action).items()))
            self.server.rejected_items += 1
            items.append({op: {"_index": meta.get("_index"), "_id": meta["_id"],
                               "status": 429, "error": _REJECTED}})
        merged = json.dumps({"took": 1, "errors": True, "items": items}).encode()
        self._reply(status, headers, merged)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle


@pytest.fixture
def proxy(es_url: str) -> Iterator[_Proxy]:
    server = _Proxy(es_url)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


def test_429s_are_retried_until_each_item_is_written_once(
    proxy: _Proxy, es_url: str, es_prefix: str
) -> None:
    direct = Elasticsearch(es_url)
    ElasticStore(direct, prefix=es_prefix).ensure_schema()
    host, port = proxy.server_address[:2]
    store = ElasticStore(Elasticsearch(f"http://{host}:{port}", max_retries=0),
                         prefix=es_prefix, initial_backoff=0.05)
    items = [make_item(f"https://backpressure.example/{n}", text=f"Tin {n}") for n in range(40)]
    report = store.upsert(items)
    assert report.ok and not report.dead_lettered
    assert sorted(report.written) == sorted(item.id for item in items)
    assert proxy.bulk_requests >= 3 and proxy.rejected_items == 20
    direct.indices.refresh(index=store.names.items_alias)
    for item in items:
        doc = direct.get(index=store.names.items_alias, id=item.id)
        assert doc["_version"] == 1, f"{item.id} written {doc['_version']} times"
    assert direct.count(index=store.names.items_alias)["count"] == 40
    direct.close()
