"""Real local receivers for notifications: an SMTP server (aiosmtpd) and a webhook endpoint that
checks the HMAC signature itself, with no code of ours, so a wrong signature fails the test."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Mailbox:
    """Every e-mail the local SMTP server accepted."""

    messages: list[EmailMessage] = field(default_factory=list)
    port: int = 0


@contextmanager
def smtp_server() -> Iterator[Mailbox]:
    from aiosmtpd.controller import Controller

    box = Mailbox()

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
            box.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

    with socket.socket() as probe:  # the controller checks its own port, so it cannot be 0
        probe.bind(("127.0.0.1", 0))
        box.port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


@dataclass
class Hook:
    """What the webhook receiver got: verified bodies, and refused requests."""

    secret: str
    received: list[dict[str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    fail_next: int = 0  # answer 503 to this many requests first
    attempts: int = 0
    url: str = ""


@contextmanager
def webhook_receiver(secret: str) -> Iterator[Hook]:
    hook = Hook(secret=secret)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                hook.attempts += 1
                if hook.fail_next > 0:
                    hook.fail_next -= 1
                    return self._answer(503)
            stamp = self.headers.get("X-KiemChung-Timestamp", "")
            given = self.headers.get("X-KiemChung-Signature", "")
            expected = "sha256=" + hmac.new(
                hook.secret.encode(), stamp.encode() + b"." + body, hashlib.sha256
            ).hexdigest()
            fresh = stamp.isdigit() and abs(time.time() - int(stamp)) <= 300
            if not hmac.compare_digest(given, expected) or not fresh:
                hook.refused.append(given)
                return self._answer(401)
            document = json.loads(body)
            document["_delivery_header"] = self.headers.get("X-KiemChung-Delivery")
            document["_received_at"] = time.time()
            hook.received.append(document)
            self._answer(204)

        def _answer(self, status: int) -> None:
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    hook.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    try:
        yield hook
    finally:
        server.shutdown()
        server.server_close()
