"""Signing in and out, changing one's password, and the language switch.

Every handler is a plain ``def``: FastAPI runs it in the thread pool, so checking a password
(tens of milliseconds of argon2) never holds up the event loop and the other reviewers.
"""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from dashboards.dependencies import client_address, throttle_of, users_of
from dashboards.i18n import LANGUAGES
from dashboards.redirects import local_path
from dashboards.sessions import READ_ROLES, current_user, require_roles, sign_in, sign_out
from dashboards.templating import render
from dashboards.users import MAX_PASSWORD, User, UserError

router = APIRouter(include_in_schema=False)
MAX_NAME = 64


@router.get("/login")
def login_form(request: Request, next: str = "") -> Response:
    """The sign-in form; someone already signed in goes on to ``next`` (their session kept)."""
    target = local_path(next, "")
    if current_user(request) is not None:
        return RedirectResponse(target or "/", status_code=303)
    return render(request, "login.html", error=None, next=target)


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "",
) -> Response:
    name = username.strip()[:MAX_NAME]
    address = client_address(request)
    users, throttle = users_of(request), throttle_of(request)
    target = local_path(next, "")
    wait = throttle.wait_seconds(name, address)
    if wait > 0:
        # Refused before the password is looked at: the right one too, until the back-off ends.
        users.log(name or "-", "login", "/login", "refused: throttled", address)
        minutes = max(1, math.ceil(wait / 60))
        response = render(request, "login.html", status_code=429, error="throttled",
                          minutes=minutes, next=target)
        response.headers["Retry-After"] = str(math.ceil(wait))
        return response
    user = users.authenticate(name, password[:MAX_PASSWORD])
    if user is None:
        throttle.failed(name, address)
        users.log(name or "-", "login", "/login", "refused", address)
        return render(request, "login.html", status_code=401, error="bad_login", next=target)
    throttle.succeeded(name)
    users.log(user.name, "login", "/login", "ok", address)
    sign_in(request, user)
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
def change_password(
    request: Request,
    user: Annotated[User, Depends(require_roles(*READ_ROLES))],
    current_password: Annotated[str, Form()],
    new_password: Annotated[str, Form()],
    new_password_again: Annotated[str, Form()],
) -> Response:
    """A new password after the current one; the account's other sessions end, this one
    continues with a fresh cookie."""
    users, throttle, address = users_of(request), throttle_of(request), client_address(request)
    if throttle.wait_seconds(user.name, address) > 0:
        users.log(user.name, "password", "/account/password", "refused: throttled", address)
        return render(request, "password.html", status_code=429, error="throttled_short")
    if users.authenticate(user.name, current_password[:MAX_PASSWORD]) is None:
        throttle.failed(user.name, address)
        users.log(user.name, "password", "/account/password", "refused", address)
        return render(request, "password.html", status_code=401, error="bad_current")
    if new_password != new_password_again:
        return render(request, "password.html", status_code=400, error="mismatch")
    try:
        changed = users.set_password(user.name, new_password)
    except UserError:
        return render(request, "password.html", status_code=400, error="weak_password")
    users.log(user.name, "password", "/account/password", "ok", address)
    sign_in(request, changed)
    request.session["flash"] = "password_changed"
    return RedirectResponse("/", status_code=303)
