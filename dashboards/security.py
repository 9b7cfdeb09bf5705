"""CSRF tokens, the session cookie's options and the security headers (CSP, no-store)."""

from __future__ import annotations

import hmac
from typing import Any
from urllib.parse import urlsplit

from fastapi import HTTPException, Request
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dashboards.dependencies import client_address, users_of

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SESSION_COOKIE = "kiemchung_session"
SESSION_MAX_AGE = 8 * 3600

# No inline script or style anywhere: crawled text that slips through escaping still cannot run.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # "same-origin": sources never learn who read them, and our own POSTs keep their Origin
    # header (with "no-referrer" browsers send "Origin: null", which the CSRF check refuses).
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
# Pages, the API and exports carry what one reviewer may see: no cache keeps a copy
# (a shared proxy, the browser's back button after sign-out). Static files may be cached.
NO_STORE: tuple[bytes, bytes] = (b"cache-control", b"no-store")


class SecurityHeadersMiddleware:
    """Adds the CSP and friends to every response, error pages and static files included, and
    ``Cache-Control: no-store`` to everything but ``/static``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        cacheable = str(scope.get("path", "")).startswith("/static/")
        wanted = SECURITY_HEADERS if cacheable else [*SECURITY_HEADERS, NO_STORE]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in wanted if k not in names]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", "")


async def csrf_protect(request: Request) -> None:
    """Dependency of every route: a state-changing request needs this session's token, in the
    form field ``csrf_token`` or the ``X-CSRF-Token`` header, and must not come cross-site."""
    if request.method in SAFE_METHODS:
        return
    expected = request.session.get("csrf")
    supplied = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if supplied is None and content_type.startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        supplied = value if isinstance(value, str) else None
    valid = bool(expected and supplied) and hmac.compare_digest(str(expected), str(supplied))
    if not valid or not _same_origin(request):
        actor = str(request.session.get("user") or "-")
        await run_in_threadpool(
            users_of(request).log, actor, "csrf", request.url.path, "refused",
            client_address(request),
        )
        raise HTTPException(status_code=403, detail="CSRF token missing or invalid")


def session_options(secret_key: str, *, secure: bool) -> dict[str, Any]:
    """Options of Starlette's signed-cookie session: HttpOnly always, Secure over https.

    SameSite=Lax, not Strict: with Strict a link from another site (a mail, a chat) arrives
    without the cookie, the page answers as if signed out and its new cookie replaces the
    reviewer's session. Lax sends the cookie on such top-level GETs only; every POST still
    needs this session's CSRF token and a same-origin Origin header."""
    return {
        "secret_key": secret_key,
        "session_cookie": SESSION_COOKIE,
        "max_age": SESSION_MAX_AGE,
        "same_site": "lax",
        "https_only": secure,
    }
