"""Who is signed in: the session cookie names an account and carries its session epoch.

A cookie counts only while its epoch is the account's: signing out, changing the password or
the role, or removing the account draws a new epoch and every older cookie stops working.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from fastapi import HTTPException, Request

from dashboards.dependencies import client_address, users_of
from dashboards.users import User

READ_ROLES = ("reviewer", "analyst", "admin")
REVIEW_ROLES = ("reviewer", "admin")
ANALYST_ROLES = ("analyst", "admin")
ADMIN_ROLES = ("admin",)


class LoginRequired(Exception):
    """No signed-in user; pages redirect to the login form, the API answers 401."""


def csrf_token(request: Request) -> str:
    """This session's CSRF token, made on first use."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


def current_user(request: Request) -> User | None:
    """The signed-in account, read afresh (a new role counts at once), or ``None``."""
    name = request.session.get("user")
    if not name:
        return None
    user = users_of(request).for_session(str(name), str(request.session.get("epoch", "")))
    if user is None:
        request.session.clear()
    return user


def sign_in(request: Request, user: User) -> None:
    """A fresh session on sign-in (no fixation), with a new CSRF token."""
    language = request.session.get("lang")
    request.session.clear()
    request.session["user"] = user.name
    request.session["epoch"] = user.session_epoch
    if language:
        request.session["lang"] = language
    csrf_token(request)


def sign_out(request: Request) -> None:
    """Ends every session of the signed-in account, this one included."""
    name = request.session.get("user")
    language = request.session.get("lang")
    request.session.clear()
    if language:
        request.session["lang"] = language
    if name and users_of(request).get(str(name)) is not None:
        users_of(request).end_sessions(str(name))


def require_roles(*roles: str) -> Callable[[Request], User]:
    """A dependency giving the signed-in user, refusing (403, logged) any other role.

    A plain function: FastAPI runs it in the thread pool, off the event loop."""

    def dependency(request: Request) -> User:
        user = current_user(request)
        if user is None:
            raise LoginRequired()
        if not user.can(*roles):
            users_of(request).log(
                user.name, "access", f"{request.method} {request.url.path}",
                f"refused: role {user.role}", client_address(request),
            )
            raise HTTPException(status_code=403, detail="forbidden")
        return user

    return dependency
