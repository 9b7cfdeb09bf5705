"""Sessions, roles, CSRF tokens and the security headers (CSP) of the review UI."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from fastapi import HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dashboards.users import User, UserStore

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


class LoginRequired(Exception):
    """No signed-in user; pages redirect to the login form, the API answers 401."""


class SecurityHeadersMiddleware:
    """Adds the CSP and friends to every response, error pages and static files included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)


def csrf_token(request: Request) -> str:
    """This session's CSRF token, made on first use."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


def users_of(request: Request) -> UserStore:
    store: UserStore = request.app.state.users
    return store


def current_user(request: Request) -> User | None:
    name = request.session.get("user")
    if not name:
        return None
    # Read the role afresh: a role changed or a user removed takes effect at once.
    user = users_of(request).get(str(name))
    if user is None:
        request.session.clear()
    return user


def sign_in(request: Request, user: User) -> None:
    """A fresh session on sign-in (no fixation), with a new CSRF token."""
    language = request.session.get("lang")
    request.session.clear()
    request.session["user"] = user.name
    if language:
        request.session["lang"] = language
    csrf_token(request)


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
        users_of(request).log(actor, "csrf", request.url.path, "refused")
        raise HTTPException(status_code=403, detail="CSRF token missing or invalid")


def require_roles(*roles: str) -> Callable[[Request], Awaitable[User]]:
    """A dependency giving the signed-in user, refusing (403, logged) any other role."""

    async def dependency(request: Request) -> User:
        user = current_user(request)
        if user is None:
            raise LoginRequired()
        if not user.can(*roles):
            users_of(request).log(
                user.name, f"{request.method} {request.url.path}", request.url.path,
                f"refused: role {user.role}",
            )
            raise HTTPException(status_code=403, detail="forbidden")
        return user

    return dependency


READ_ROLES = ("reviewer", "analyst", "admin")
REVIEW_ROLES = ("reviewer", "admin")
ANALYST_ROLES = ("analyst", "admin")
ADMIN_ROLES = ("admin",)


def session_options(secret_key: str, *, secure: bool) -> dict[str, Any]:
    """Options of Starlette's signed-cookie session: HttpOnly always, Secure over https."""
    return {
        "secret_key": secret_key,
        "session_cookie": SESSION_COOKIE,
        "max_age": SESSION_MAX_AGE,
        "same_site": "strict",
        "https_only": secure,
    }
