"""Signing in and out, changing one's password, and the language switch.

Checking a password costs tens of milliseconds of argon2 on purpose, so it never runs on the
event loop nor in the shared thread pool: ``PasswordChecks`` runs it on a few threads of its
own, and the throttle refuses a locked account or address before any hashing. Everything else
these handlers do that waits (the account store, rendering) goes to the thread pool too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from dashboards.dependencies import client_address, throttle_of, users_of
from dashboards.i18n import LANGUAGES
from dashboards.login_throttle import LoginThrottle
from dashboards.password_checks import Busy, PasswordChecks
from dashboards.redirects import local_path
from dashboards.sessions import READ_ROLES, current_user, require_roles, sign_in, sign_out
from dashboards.templating import render
from dashboards.users import MAX_PASSWORD, User, UserError, UserStore

router = APIRouter(include_in_schema=False)
MAX_NAME = 64
BUSY_RETRY_SECONDS = 5


@dataclass(frozen=True)
class Attempt:
    """How one sign-in (or current-password check) ended."""

    user: User | None = None
    wait: float = 0.0  # > 0: refused by the throttle for that many seconds
    busy: bool = False


def checks_of(request: Request) -> PasswordChecks:
    checks: PasswordChecks = request.app.state.password_checks
    return checks


def _check(users: UserStore, throttle: LoginThrottle, name: str, password: str,
           address: str, action: str) -> Attempt:
    """On a checker thread: the throttle again (it may have locked while this waited), then
    the password; failures counted, every refusal logged with the address."""
    wait = throttle.wait_seconds(name, address)
    if wait > 0:
        users.log(name or "-", action, f"/{action}", "refused: throttled", address)
        return Attempt(wait=wait)
    user = users.authenticate(name, password[:MAX_PASSWORD])
    if user is None:
        throttle.failed(name, address)
        users.log(name or "-", action, f"/{action}", "refused", address)
        return Attempt()
    throttle.succeeded(name)
    return Attempt(user=user)


async def _attempt(request: Request, name: str, password: str, action: str) -> Attempt:
    users, throttle, address = users_of(request), throttle_of(request), client_address(request)
    wait = throttle.wait_seconds(name, address)  # memory only: refused without queueing
    if wait > 0:
        await run_in_threadpool(users.log, name or "-", action, f"/{action}",
                                "refused: throttled", address)
        return Attempt(wait=wait)
    try:
        return await checks_of(request).run(_check, users, throttle, name, password, address,
                                            action, client=address)
    except Busy:
        await run_in_threadpool(users.log, name or "-", action, f"/{action}", "refused: busy",
                                address)
        return Attempt(busy=True)


async def _page(request: Request, name: str, status: int, retry_after: float = 0,
                **context: object) -> Response:
    response = await run_in_threadpool(render, request, name, status, **context)
    if retry_after > 0:
        response.headers["Retry-After"] = str(math.ceil(retry_after))
    return response


@router.get("/login")
def login_form(request: Request, next: str = "") -> Response:
    """The sign-in form; someone already signed in goes on to ``next`` (their session kept)."""
    target = local_path(next, "")
    if current_user(request) is not None:
        return RedirectResponse(target or "/", status_code=303)
    return render(request, "login.html", error=None, next=target)


@router.post("/login")
async def login(
    request: Request,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "",
) -> Response:
    """Sign in, then go on to ``next`` (a path on this site) or the start page.

    The 11th wrong password for one account within a minute (the 31st from one address)
    locks it: even the right password is refused until the back-off ends."""
    name = username.strip()[:MAX_NAME]
    target = local_path(next, "")
    attempt = await _attempt(request, name, password, "login")
    if attempt.wait > 0:
        return await _page(request, "login.html", 429, attempt.wait, error="throttled",
                           minutes=max(1, math.ceil(attempt.wait / 60)), next=target,
                           username=name)
    if attempt.busy:
        return await _page(request, "login.html", 503, BUSY_RETRY_SECONDS, error="busy",
                           next=target, username=name)
    if attempt.user is None:
        return await _page(request, "login.html", 401, error="bad_login", next=target,
                           username=name)
    await run_in_threadpool(users_of(request).log, attempt.user.name, "login", "/login", "ok",
                            client_address(request))
    sign_in(request, attempt.user)
    return RedirectResponse(target or "/", status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    """Signs out everywhere: every cookie of this account stops working."""
    name = request.session.get("user")
    sign_out(request)
    if name:
        users_of(request).log(str(name), "logout", "/logout", "ok", client_address(request))
    return RedirectResponse("/login", status_code=303)


@router.post("/lang")
def set_language(
    request: Request, lang: Annotated[str, Form()], back: Annotated[str, Form()] = "/"
) -> Response:
    if lang in LANGUAGES:
        request.session["lang"] = lang
    return RedirectResponse(local_path(back, "/"), status_code=303)


@router.get("/account/password")
def password_form(
    request: Request, user: Annotated[User, Depends(require_roles(*READ_ROLES))]
) -> Response:
    return render(request, "password.html", error=None)


@router.post("/account/password")
async def change_password(
    request: Request,
    user: Annotated[User, Depends(require_roles(*READ_ROLES))],
    current_password: Annotated[str, Form()],
    new_password: Annotated[str, Form()],
    new_password_again: Annotated[str, Form()],
) -> Response:
    """A new password after the current one; the account's other sessions end, this one
    continues with a fresh cookie."""
    attempt = await _attempt(request, user.name, current_password, "password")
    if attempt.wait > 0 or attempt.busy:
        return await _page(request, "password.html", 429 if attempt.wait else 503,
                           attempt.wait or BUSY_RETRY_SECONDS, error="throttled_short")
    if attempt.user is None:
        return await _page(request, "password.html", 401, error="bad_current")
    if new_password != new_password_again:
        return await _page(request, "password.html", 400, error="mismatch")
    users = users_of(request)
    try:
        changed = await checks_of(request).run(users.set_password, user.name, new_password,
                                               client=client_address(request))
    except UserError:
        return await _page(request, "password.html", 400, error="weak_password")
    except Busy:
        return await _page(request, "password.html", 503, BUSY_RETRY_SECONDS,
                           error="throttled_short")
    await run_in_threadpool(users.log, user.name, "password", "/account/password", "ok",
                            client_address(request))
    sign_in(request, changed)
    request.session["flash"] = "password_changed"
    return RedirectResponse("/", status_code=303)
