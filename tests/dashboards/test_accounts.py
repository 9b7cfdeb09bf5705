"""Accounts that resist attack: argon2 hashes, sessions that end, throttled sign-in, local
redirects, no-store, and handlers that keep the event loop free."""

from __future__ import annotations

import inspect
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from core.settings import Settings
from dashboards.app import ROUTERS, create_app
from dashboards.login_throttle import LoginThrottle
from dashboards.passwords import hash_password, needs_upgrade
from dashboards.security import SESSION_COOKIE
from dashboards.users import UserStore
from index.factory import open_store
from index.store import ItemStore
from tests.conftest import REPO_ROOT
from tests.dashboards.conftest import PASSWORD, csrf_of, seed_items

NEW_PASSWORD = "mat-khau-moi-dai-hon"


class FakeClock:
    """Seconds that pass when the test says so: back-off without sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[ItemStore]:
    store = open_store(Settings(data_dir=tmp_path))
    store.upsert(seed_items())
    yield store
    store.close()


@pytest.fixture
def accounts(tmp_path: Path) -> Iterator[UserStore]:
    users = UserStore.in_data_dir(tmp_path)
    for name, role in (("lan", "reviewer"), ("minh", "analyst"), ("quan", "admin")):
        users.add(name, role, PASSWORD)
    yield users
    users.close()


@pytest.fixture
def web(tmp_path: Path, sqlite_store: ItemStore, accounts: UserStore, clock: FakeClock) -> FastAPI:
    return create_app(Settings(data_dir=tmp_path), store=sqlite_store, users=accounts,
                      throttle=LoginThrottle(clock=clock))


def _login(client: TestClient, name: str, password: str = PASSWORD, **extra: str):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"username": name, "password": password,
                                       "csrf_token": token, **extra}, follow_redirects=False)


def _signed_in(app: FastAPI, name: str) -> TestClient:
    client = TestClient(app)
    assert _login(client, name).status_code == 303
    client.headers["X-CSRF-Token"] = client.get("/api/me").json()["csrf_token"]
    return client


def _replay(app: FastAPI, cookie: str) -> TestClient:
    """Another browser holding a copy of ``cookie`` (as a thief would)."""
    client = TestClient(app)
    client.cookies.set(SESSION_COOKIE, cookie)
    return client


# Passwords -----------------------------------------------------------------------------------

def test_passwords_are_argon2id_with_their_parameters(accounts: UserStore) -> None:
    stored = sqlite3.connect(accounts.path).execute(
        "SELECT password_hash FROM users WHERE name = 'lan'").fetchone()[0]
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert not needs_upgrade(stored)


@pytest.mark.parametrize("old_hash", [
    # scrypt, as accounts were stored before argon2
    "scrypt",
    # argon2 with weaker parameters than the current ones
    "argon2-weak",
])
def test_an_old_hash_is_upgraded_on_sign_in(web: FastAPI, accounts: UserStore,
                                            old_hash: str) -> None:
    import hashlib
    import secrets

    from argon2 import PasswordHasher

    if old_hash == "scrypt":
        salt = secrets.token_bytes(16)
        digest = hashlib.scrypt(PASSWORD.encode(), salt=salt, n=2**14, r=8, p=1,
                                maxmem=64 * 1024 * 1024, dklen=32)
        legacy = f"scrypt${salt.hex()}${digest.hex()}"
    else:
        legacy = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    db = sqlite3.connect(accounts.path)
    with db:
        db.execute("UPDATE users SET password_hash = ? WHERE name = 'lan'", (legacy,))
    assert needs_upgrade(legacy)
    assert _login(TestClient(web), "lan").status_code == 303
    upgraded = db.execute("SELECT password_hash FROM users WHERE name = 'lan'").fetchone()[0]
    assert upgraded != legacy and not needs_upgrade(upgraded)
    assert _login(TestClient(web), "lan").status_code == 303
    assert _login(TestClient(web), "lan", "sai-mat-khau").status_code == 401


def test_hashes_of_one_password_differ() -> None:
    assert hash_password(PASSWORD) != hash_password(PASSWORD)


# Sessions that end ---------------------------------------------------------------------------

def test_an_old_cookie_is_refused_after_logout(web: FastAPI) -> None:
    client = _signed_in(web, "lan")
    stolen = client.cookies[SESSION_COOKIE]
    assert _replay(web, stolen).get("/api/me").status_code == 200
    client.post("/logout", data={"csrf_token": client.headers["X-CSRF-Token"]})
    assert _replay(web, stolen).get("/api/me").status_code == 401
    assert client.get("/api/me").status_code == 401


def test_an_old_cookie_is_refused_after_a_password_change_in_the_app(
    web: FastAPI, accounts: UserStore
) -> None:
    client = _signed_in(web, "lan")
    elsewhere = _signed_in(web, "lan")
    stolen = client.cookies[SESSION_COOKIE]
    form = csrf_of(client.get("/account/password").text)
    wrong = client.post("/account/password", data={
        "csrf_token": form, "current_password": "sai-mat-khau", "new_password": NEW_PASSWORD,
        "new_password_again": NEW_PASSWORD})
    assert wrong.status_code == 401 and 'id="password-error"' in wrong.text
    differ = client.post("/account/password", data={
        "csrf_token": form, "current_password": PASSWORD, "new_password": NEW_PASSWORD,
        "new_password_again": NEW_PASSWORD + "x"})
    assert differ.status_code == 400
    changed = client.post("/account/password", data={
        "csrf_token": form, "current_password": PASSWORD, "new_password": NEW_PASSWORD,
        "new_password_again": NEW_PASSWORD}, follow_redirects=False)
    assert changed.status_code == 303
    assert client.get("/api/me").json()["name"] == "lan"  # this browser carries on
    assert _replay(web, stolen).get("/api/me").status_code == 401
    assert elsewhere.get("/api/me").status_code == 401
    assert _login(TestClient(web), "lan").status_code == 401
    assert _login(TestClient(web), "lan", NEW_PASSWORD).status_code == 303
    assert ("lan", "password", "ok") in [(e.actor, e.action, e.outcome)
                                         for e in accounts.events()]


def test_an_old_cookie_is_refused_after_a_password_change_from_the_shell(
    web: FastAPI, accounts: UserStore, tmp_path: Path
) -> None:
    client = _signed_in(web, "lan")
    env = {**os.environ, "KIEMCHUNG_DATA_DIR": str(tmp_path)}
    env.pop("KIEMCHUNG_ES_URL", None)
    run = subprocess.run(
        [sys.executable, "-m", "cli.main", "users", "set-password", "lan", "--password-stdin"],
        input=NEW_PASSWORD + "\n", env=env, cwd=REPO_ROOT, capture_output=True, text=True,
        timeout=120)
    assert run.returncode == 0, run.stderr
    assert client.get("/api/me").status_code == 401
    assert accounts.authenticate("lan", NEW_PASSWORD) is not None
    short = subprocess.run(
        [sys.executable, "-m", "cli.main", "users", "set-password", "lan", "--password-stdin"],
        input="ngan\n", env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert short.returncode == 1


def test_a_role_change_ends_the_sessions(web: FastAPI, accounts: UserStore) -> None:
    client = _signed_in(web, "quan")
    accounts.set_role("quan", "reviewer")
    assert client.get("/api/me").status_code == 401
    assert _signed_in(web, "quan").get("/audit").status_code == 403


def test_removing_and_adding_a_user_again_does_not_revive_old_cookies(
    web: FastAPI, accounts: UserStore
) -> None:
    client = _signed_in(web, "lan")
    stolen = client.cookies[SESSION_COOKIE]
    accounts.remove("lan")
    accounts.add("lan", "admin", PASSWORD)
    assert _replay(web, stolen).get("/api/me").status_code == 401


# Throttled sign-in ---------------------------------------------------------------------------

def test_the_11th_try_in_a_minute_is_refused_even_right_then_allowed_after_back_off(
    web: FastAPI, accounts: UserStore, clock: FakeClock
) -> None:
    client = TestClient(web)
    for _ in range(10):
        assert _login(client, "lan", "sai-mat-khau").status_code == 401
        clock.now += 5
    refused = _login(client, "lan")
    assert refused.status_code == 429 and 'id="login-error"' in refused.text
    assert int(refused.headers["Retry-After"]) > 0
    assert SESSION_COOKIE not in client.cookies or client.get("/api/me").status_code == 401
    events = [e for e in accounts.events(actor="lan", action="login")]
    assert events[0].outcome == "refused: throttled" and events[0].client == "testclient"
    assert all(e.client == "testclient" for e in events)
    clock.now += 30
    assert _login(client, "lan").status_code == 429  # still within the back-off
    clock.now += 31
    assert _login(client, "lan").status_code == 303  # after it


def test_the_back_off_doubles_for_a_persistent_guesser(web: FastAPI, clock: FakeClock) -> None:
    client = TestClient(web)
    for _ in range(10):
        _login(client, "lan", "sai")
    clock.now += 61
    for _ in range(10):
        _login(client, "lan", "sai")
    clock.now += 61
    assert _login(client, "lan").status_code == 429
    clock.now += 60
    assert _login(client, "lan").status_code == 303


def test_one_address_trying_many_names_is_throttled(web: FastAPI, accounts: UserStore) -> None:
    client = TestClient(web)
    for n in range(30):
        assert _login(client, f"khong-co-{n}", "sai").status_code == 401
    assert _login(client, "minh").status_code == 429
    refused = accounts.events(action="login", size=1)[0]
    assert (refused.actor, refused.outcome, refused.client) == (
        "minh", "refused: throttled", "testclient")


def test_other_accounts_are_not_locked_by_one_account_s_guesser(web: FastAPI) -> None:
    guesser, colleague = TestClient(web), TestClient(web, client=("10.1.2.3", 50000))
    for _ in range(10):
        _login(guesser, "lan", "sai")
    assert _login(guesser, "lan").status_code == 429
    assert _login(colleague, "minh").status_code == 303


# Sign-in flow and redirects ------------------------------------------------------------------

def test_get_login_leaves_a_signed_in_session_alone(web: FastAPI) -> None:
    client = _signed_in(web, "lan")
    answer = client.get("/login", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    assert "set-cookie" not in answer.headers
    assert client.get("/login?next=/items/abc", follow_redirects=False
                      ).headers["location"] == "/items/abc"
    assert client.get("/api/me").json()["name"] == "lan"


def test_a_deep_link_returns_to_its_page_after_sign_in(web: FastAPI) -> None:
    item_id = seed_items()[0].id
    client = TestClient(web)
    first = client.get(f"/items/{item_id}?back=/queue", follow_redirects=False)
    assert first.status_code == 303
    form = client.get(first.headers["location"]).text
    assert f'name="next" value="/items/{item_id}?back=/queue"' in form
    answer = client.post("/login", data={
        "username": "lan", "password": PASSWORD, "csrf_token": csrf_of(form),
        "next": f"/items/{item_id}?back=/queue"}, follow_redirects=False)
    assert answer.headers["location"] == f"/items/{item_id}?back=/queue"


HOSTILE_TARGETS = [
    "//evil.example/x", "/\\evil.example/x", "/\\/evil.example", "\\\\evil.example",
    "/\t/evil.example", "https://evil.example/", "javascript:alert(1)", "evil.example",
    "/%5C127.0.0.1:8199/pwned".replace("%5C", "\\"),
]


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_next_after_sign_in_stays_on_the_site(web: FastAPI, target: str) -> None:
    answer = _login(TestClient(web), "lan", next=target)
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    signed = _signed_in(web, "lan")
    assert signed.get("/login", params={"next": target},
                      follow_redirects=False).headers["location"] == "/"


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_back_links_stay_on_the_site(web: FastAPI, target: str) -> None:
    client = _signed_in(web, "lan")
    item_id = seed_items()[0].id
    page = client.get(f"/items/{item_id}", params={"back": target}).text
    assert '<a href="/queue">' in page and "evil.example" not in page
    moved = client.post("/lang", data={"lang": "en", "back": target}, follow_redirects=False)
    assert moved.headers["location"] == "/"
    recorded = client.post(f"/items/{item_id}/verdict", data={
        "verdict": "needs_expert", "back": target}, follow_redirects=False)
    assert recorded.headers["location"] == "/queue"


def test_the_old_open_redirect_is_closed(web: FastAPI) -> None:
    """The issue's own request: ``back=/%5C127.0.0.1:8199/pwned`` linked to another host."""
    client = _signed_in(web, "lan")
    page = client.get(f"/items/{seed_items()[0].id}?back=/%5C127.0.0.1:8199/pwned").text
    assert "127.0.0.1:8199" not in page


# Caching -------------------------------------------------------------------------------------

def test_signed_in_pages_the_api_and_exports_are_never_stored(web: FastAPI) -> None:
    client = _signed_in(web, "quan")
    for path in ("/queue", f"/items/{seed_items()[0].id}", "/search", "/audit",
                 "/audit/security", "/api/me", "/api/items", "/api/export?format=csv",
                 "/api/export?format=json", "/api/stats/label", "/login", "/no-such-page"):
        assert client.get(path).headers.get("cache-control") == "no-store", path
    assert "no-store" not in client.get("/static/app.css").headers.get("cache-control", "")


# Nothing blocks the event loop ---------------------------------------------------------------

def test_handlers_that_touch_the_store_or_hash_run_off_the_event_loop(web: FastAPI) -> None:
    """Every route and dependency that reads the store or the accounts is a plain function,
    which FastAPI runs in its thread pool. The coroutines left are the CSRF check (it awaits
    the form and offloads its one write) and the two handlers that check passwords, which
    hand every check to ``PasswordChecks`` and every other wait to the thread pool.

    The routes are read from the routers the app includes (recent FastAPI no longer lists
    included routes in ``app.routes``), and the walk must have seen the pages it guards."""
    offloading = {"csrf_protect", "login", "change_password"}
    app_wide = [d.dependency for d in web.router.dependencies if d.dependency]
    coroutines, seen = [], set()
    for router in ROUTERS:
        for route in router.routes:
            assert isinstance(route, APIRoute), route
            seen.add(route.path)
            calls = [route.endpoint, *app_wide]
            calls += [d.call for d in route.dependant.dependencies if d.call]
            for call in calls:
                if inspect.iscoroutinefunction(call) and call.__name__ not in offloading:
                    coroutines.append(f"{route.path} {call.__name__}")
    assert {"/queue", "/items/{item_id}", "/audit", "/audit/security", "/search",
            "/login", "/api/items", "/api/export"} <= seen
    assert coroutines == []


def test_a_slow_store_does_not_hold_up_other_pages(
    tmp_path: Path, sqlite_store: ItemStore, accounts: UserStore
) -> None:
    """While one reviewer's queue waits on the store (held here until another page has
    answered), an item page for someone else still answers: the queue's wait is not on the
    event loop."""
    import threading

    entered, release = threading.Event(), threading.Event()

    class HeldCounts:
        """The real store, whose searches with counts (the queue's, for its source filter;
        item pages count nothing) wait until the test lets them go."""

        def __init__(self, inner: ItemStore) -> None:
            self._inner = inner

        def __getattr__(self, name: str) -> object:
            return getattr(self._inner, name)

        def search(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            if kwargs.get("facets"):
                entered.set()
                release.wait(60)
            return self._inner.search(*args, **kwargs)

    app = create_app(Settings(data_dir=tmp_path), store=HeldCounts(sqlite_store),  # type: ignore[arg-type]
                     users=accounts)
    with TestClient(app) as reviewer:  # one event loop for every request of this client
        assert _login(reviewer, "lan").status_code == 303
        held = threading.Thread(target=lambda: reviewer.get("/queue"))
        pages: list[int] = []
        other = threading.Thread(target=lambda: pages.append(
            reviewer.get(f"/items/{seed_items()[0].id}").status_code))
        held.start()
        assert entered.wait(60), "the queue never reached the store"
        other.start()
        other.join(30)
        answered_while_held = pages == [200]
        release.set()
        held.join(60)
        other.join(60)
    assert answered_while_held


def test_a_slow_password_check_does_not_hold_up_the_pages(
    tmp_path: Path, sqlite_store: ItemStore
) -> None:
    """While one sign-in is being checked (held here until the page has answered), a signed-in
    reviewer's queue page still answers: the check is not on the event loop."""
    import threading

    entered, release = threading.Event(), threading.Event()

    class HeldUsers(UserStore):
        def authenticate(self, name: str, password: str):  # type: ignore[no-untyped-def]
            if name == "minh":
                entered.set()
                release.wait(60)
            return super().authenticate(name, password)

    users = HeldUsers(tmp_path / "held-users.sqlite3")
    users.add("lan", "reviewer", PASSWORD)
    users.add("minh", "analyst", PASSWORD)
    app = create_app(Settings(data_dir=tmp_path), store=sqlite_store, users=users)
    with TestClient(app) as reviewer:  # one event loop for every request of this client
        assert _login(reviewer, "lan").status_code == 303
        token = reviewer.get("/api/me").json()["csrf_token"]
        signing = threading.Thread(target=lambda: reviewer.post("/login", data={
            "username": "minh", "password": PASSWORD, "csrf_token": token}))
        pages: list[int] = []
        browsing = threading.Thread(
            target=lambda: pages.append(reviewer.get("/queue").status_code))
        signing.start()
        assert entered.wait(60), "the sign-in never reached the password check"
        browsing.start()
        browsing.join(60)
        answered_while_held = pages == [200]
        release.set()
        signing.join(60)
    users.close()
    assert answered_while_held
