"""What a request handler gets from the app: its stores, accounts, throttle, official sources,
client address."""

from __future__ import annotations

import threading
from zoneinfo import ZoneInfo

from fastapi import Request

from dashboards.login_throttle import LoginThrottle
from dashboards.users import UserStore
from index.alert_store import AlertStore, open_alert_store
from index.store import ItemStore

_OPENING = threading.Lock()


def store_of(request: Request) -> ItemStore:
    store: ItemStore = request.app.state.store
    return store


def zone_of(request: Request) -> ZoneInfo:
    """The configured zone (``KIEMCHUNG_TIMEZONE``): pages show, filter and export in it."""
    return ZoneInfo(request.app.state.settings.timezone)


def users_of(request: Request) -> UserStore:
    users: UserStore = request.app.state.users
    return users


def throttle_of(request: Request) -> LoginThrottle:
    throttle: LoginThrottle = request.app.state.throttle
    return throttle


def alert_store_of(request: Request) -> AlertStore:
    """Alerts and the send log beside the item store, opened on first use."""
    state = request.app.state
    if getattr(state, "alert_store", None) is None:
        with _OPENING:
            if getattr(state, "alert_store", None) is None:
                state.alert_store = open_alert_store(state.settings)
    alerts: AlertStore = state.alert_store
    return alerts


def official_sources_of(request: Request) -> frozenset[str]:
    """Ids of the official sources: the app's ``official_sources`` when set, else those of
    the shipped sources file."""
    state = request.app.state
    if getattr(state, "official_sources", None) is None:
        from dashboards.official_evidence import official_sources_from_file

        state.official_sources = official_sources_from_file()
    return frozenset(state.official_sources)


def client_address(request: Request) -> str:
    """The client's address as the server saw it (behind a proxy, uvicorn puts the address
    from ``X-Forwarded-For`` here when the proxy is in ``--forwarded-allow-ips``)."""
    return request.client.host if request.client else "-"
