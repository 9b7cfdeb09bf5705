"""No shared secret: the session key is configured (long enough) or made once per data directory."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from base64 import b64encode
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner

from core.keys import HOW_TO_MAKE, MIN_KEY_LENGTH, stored_key
from core.settings import Settings, SettingsError, load_settings
from dashboards.app import create_app
from dashboards.security import SESSION_COOKIE
from dashboards.users import UserStore
from index.factory import open_store
from tests.conftest import REPO_ROOT
from tests.dashboards.conftest import PASSWORD, csrf_of, seed_items

# The keys every install shared before keys were made per data directory.
OLD_DEFAULT_SECRET = "dev-only-secret-change-me"
OLD_DEFAULT_PSEUDONYM = "change-me"
STRONG = "Zq3v8N1xPp0rT6yL2mW9sK4dF7gH5jBc"


def _forged_cookie(key: str, session: dict[str, str]) -> str:
    """A session cookie as Starlette signs it, made by someone who knows ``key``."""
    return TimestampSigner(key).sign(b64encode(json.dumps(session).encode())).decode()


@pytest.fixture
def sqlite_app(tmp_path: Path):  # type: ignore[no-untyped-def]
    store = open_store(Settings(data_dir=tmp_path))
    store.upsert(seed_items())
    users = UserStore.in_data_dir(tmp_path)
    users.add("quan", "admin", PASSWORD)
    yield create_app(Settings(data_dir=tmp_path), store=store, users=users)
    users.close()
    store.close()


def test_a_cookie_forged_with_the_old_default_key_is_refused(sqlite_app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(sqlite_app)
    forged = {"user": "quan", "csrf": "forged-token", "epoch": "0" * 32}
    for session in (forged, {"user": "quan", "csrf": "forged-token"}):
        client.cookies.set(SESSION_COOKIE, _forged_cookie(OLD_DEFAULT_SECRET, session))
        assert client.get("/api/me").status_code == 401
        item_id = seed_items()[0].id
        answer = client.post(f"/api/items/{item_id}/verdict", headers={
            "X-CSRF-Token": "forged-token"}, json={"verdict": "needs_expert"})
        assert answer.status_code in (401, 403)
    # Signed with the key the app really uses, but without the account's session epoch.
    kept = stored_key(tmp_path, "secret_key")
    client.cookies.set(SESSION_COOKIE, _forged_cookie(kept, {"user": "quan", "csrf": "x"}))
    assert client.get("/api/me").status_code == 401
    # The key alone must stop a forger: even one who somehow learnt the account's current
    # epoch gets nowhere with the old default key, while the kept key (the control) works.
    epoch = sqlite_app.state.users.get("quan").session_epoch
    session = {"user": "quan", "csrf": "forged-token", "epoch": epoch}
    client.cookies.set(SESSION_COOKIE, _forged_cookie(OLD_DEFAULT_SECRET, session))
    assert client.get("/api/me").status_code == 401
    client.cookies.set(SESSION_COOKIE, _forged_cookie(kept, session))
    assert client.get("/api/me").json()["name"] == "quan"


def test_the_key_is_made_once_per_data_directory_owner_only(tmp_path: Path) -> None:
    first = load_settings({"KIEMCHUNG_DATA_DIR": str(tmp_path / "a")}, tmp_path / "none.toml")
    again = load_settings({"KIEMCHUNG_DATA_DIR": str(tmp_path / "a")}, tmp_path / "none.toml")
    other = load_settings({"KIEMCHUNG_DATA_DIR": str(tmp_path / "b")}, tmp_path / "none.toml")
    assert first.secret_key and len(first.secret_key) >= MIN_KEY_LENGTH
    assert first.secret_key == again.secret_key != other.secret_key
    assert first.pseudonym_key and first.pseudonym_key not in (first.secret_key,
                                                               other.pseudonym_key)
    assert OLD_DEFAULT_SECRET not in (first.secret_key, other.secret_key)
    assert OLD_DEFAULT_PSEUDONYM not in (first.pseudonym_key, other.pseudonym_key)
    keys = tmp_path / "a" / "keys"
    assert stat.S_IMODE(keys.stat().st_mode) == 0o700
    for name in ("secret_key", "pseudonym_key"):
        assert stat.S_IMODE((keys / name).stat().st_mode) == 0o600
    assert "secret_key" not in repr(first) and first.secret_key not in repr(first)


def test_processes_starting_together_agree_on_one_key(tmp_path: Path) -> None:
    found: list[str] = []
    threads = [threading.Thread(target=lambda: found.append(stored_key(tmp_path, "k")))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 8 and len(set(found)) == 1
    assert [p.name for p in (tmp_path / "keys").iterdir()] == ["k"]  # no draft left behind


@pytest.mark.parametrize("variable", ["KIEMCHUNG_SECRET_KEY", "KIEMCHUNG_PSEUDONYM_KEY"])
@pytest.mark.parametrize(("value", "problem"), [
    ("", "is empty"),
    ("x", "is too short"),
    (OLD_DEFAULT_SECRET, "is too short"),
    (OLD_DEFAULT_PSEUDONYM, "is too short"),
    ("ab" * 20, "repeats too few characters"),
])
def test_a_configured_key_too_weak_is_refused_saying_how_to_make_one(
    tmp_path: Path, variable: str, value: str, problem: str
) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings({variable: value, "KIEMCHUNG_DATA_DIR": str(tmp_path)}, tmp_path / "x.toml")
    message = str(refused.value)
    assert variable in message and problem in message and HOW_TO_MAKE in message
    assert not (tmp_path / "keys").exists() or variable == "KIEMCHUNG_PSEUDONYM_KEY"


def test_a_weak_key_in_the_config_file_is_refused_too(tmp_path: Path) -> None:
    config = tmp_path / "kiemchung.toml"
    config.write_text('secret_key = "short"\n')
    with pytest.raises(SettingsError, match="KIEMCHUNG_SECRET_KEY is too short"):
        load_settings({"KIEMCHUNG_DATA_DIR": str(tmp_path)}, config)


def test_a_strong_configured_key_is_used_as_given(tmp_path: Path) -> None:
    settings = load_settings({"KIEMCHUNG_SECRET_KEY": STRONG, "KIEMCHUNG_DATA_DIR": str(tmp_path)},
                             tmp_path / "x.toml")
    assert settings.secret_key == STRONG
    assert not (tmp_path / "keys" / "secret_key").exists()


def test_the_app_refuses_to_start_with_a_short_key(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="KIEMCHUNG_SECRET_KEY is too short"):
        create_app(Settings(data_dir=tmp_path, secret_key="test-secret"),
                   store=open_store(Settings(data_dir=tmp_path)))


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    stored_key(tmp_path, "secret_key")
    path = tmp_path / "keys" / "secret_key"
    os.chmod(path, 0o644)
    with pytest.raises(SettingsError, match="chmod 600"):
        load_settings({"KIEMCHUNG_DATA_DIR": str(tmp_path)}, tmp_path / "x.toml")


def test_sessions_survive_a_restart_on_the_kept_key(tmp_path: Path) -> None:
    store = open_store(Settings(data_dir=tmp_path))
    users = UserStore.in_data_dir(tmp_path)
    users.add("quan", "admin", PASSWORD)
    client = TestClient(create_app(Settings(data_dir=tmp_path), store=store, users=users))
    token = csrf_of(client.get("/login").text)
    client.post("/login", data={"username": "quan", "password": PASSWORD, "csrf_token": token})
    restarted = TestClient(create_app(Settings(data_dir=tmp_path), store=store, users=users))
    restarted.cookies.set(SESSION_COOKIE, client.cookies[SESSION_COOKIE])
    assert restarted.get("/api/me").json()["name"] == "quan"
    users.close()
    store.close()


def _review(tmp_path: Path, *args: str, key: str | None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KIEMCHUNG_DATA_DIR": str(tmp_path)}
    env.pop("KIEMCHUNG_ES_URL", None)
    env.pop("KIEMCHUNG_SECRET_KEY", None)
    if key is not None:
        env["KIEMCHUNG_SECRET_KEY"] = key
    return subprocess.run([sys.executable, "-m", "cli.main", "review", "--port", "9", *args],
                          env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("flags", [(), ("--host", "0.0.0.0", "--secure-cookies"),
                                   ("--host", "::", "--secure-cookies")])
@pytest.mark.parametrize("key", ["", "short-key"])
def test_review_refuses_a_weak_key_on_any_interface_and_behind_a_proxy(
    tmp_path: Path, flags: tuple[str, ...], key: str
) -> None:
    run = _review(tmp_path, *flags, key=key)
    assert run.returncode == 2, run.stderr
    assert "KIEMCHUNG_SECRET_KEY" in run.stderr and HOW_TO_MAKE in run.stderr


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_addresses_need_no_https(host: str) -> None:
    from cli.review import is_loopback, listen_problem

    assert is_loopback(host)
    assert listen_problem(host, https=False, secure_cookies=False) is None


def test_beyond_loopback_plain_http_is_refused(tmp_path: Path) -> None:
    from cli.review import listen_problem

    assert listen_problem("0.0.0.0", https=False, secure_cookies=True) is None
    assert listen_problem("192.168.1.5", https=True, secure_cookies=False) is None
    run = _review(tmp_path, "--host", "0.0.0.0", key=None)
    assert run.returncode == 2 and "--secure-cookies" in run.stderr
