"""What a request handler gets from the app: its store, accounts, throttle, client address."""

from __future__ import annotations

from fastapi import Request

from dashboards.login_throttle import LoginThrottle
from dashboards.users import UserStore
from index.store import ItemStore


def store_of(request: Request) -> ItemStore:
    store: ItemStore = request.app.state.store
    return store


def users_of(request: Request) -> UserStore:
    users: UserStore = request.app.state.users
    return users


def throttle_of(request: Request) -> LoginThrottle:
    throttle: LoginThrottle = request.app.state.throttle
    return throttle


def client_address(request: Request) -> str:
    """The client's address as the server saw it (behind a proxy, uvicorn puts the address
    from ``X-Forwarded-For`` here when the proxy is in ``--forwarded-allow-ips``)."""
    return request.client.host if request.client else "-"
