"""Sessions, roles, CSRF and CSP of the review UI, through real HTTP requests to the app."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from dashboards.users import UserStore
from tests.dashboards.conftest import PASSWORD, csrf_of, seed_items


def test_pages_need_a_session(app: FastAPI) -> None:
    client = TestClient(app)
    location = client.get("/queue", follow_redirects=False).headers["location"]
    assert location == "/login?next=%2Fqueue"
    assert client.get("/api/items").status_code == 401


def test_wrong_password_is_refused_and_logged(app: FastAPI, users: UserStore) -> None:
    client = TestClient(app)
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"username": "lan", "password": "sai-mat-khau",
                                           "csrf_token": token})
    assert response.status_code == 401 and 'id="login-error"' in response.text
    assert ("lan", "login", "refused") in [(e.actor, e.action, e.outcome) for e in users.events()]


def test_session_cookie_is_httponly_and_samesite(app: FastAPI) -> None:
    client = TestClient(app)
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"username": "lan", "password": PASSWORD,
                                           "csrf_token": token}, follow_redirects=False)
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie


def test_secure_cookie_when_served_over_https(tmp_path, seeded_store, users) -> None:  # type: ignore[no-untyped-def]
    from core.settings import Settings
    from dashboards.app import create_app

    app = create_app(Settings(data_dir=tmp_path), store=seeded_store,
                     users=users, secure_cookies=True)
    client = TestClient(app, base_url="https://testserver")
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"username": "lan", "password": PASSWORD,
                                           "csrf_token": token}, follow_redirects=False)
    assert "; secure" in response.headers["set-cookie"].lower()


def test_every_response_has_the_content_security_policy(reviewer: TestClient) -> None:
    for path in ("/queue", "/login", "/static/app.js", "/api/items", "/no-such-page"):
        policy = reviewer.get(path).headers["content-security-policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy
        assert "unsafe-inline" not in policy


def test_post_without_a_valid_csrf_token_is_refused(reviewer: TestClient, users: UserStore) -> None:
    item_id = seed_items()[0].id
    del reviewer.headers["X-CSRF-Token"]
    for token in (None, "forged-token"):
        data = {"verdict": "confirmed"} | ({"csrf_token": token} if token else {})
        response = reviewer.post(f"/items/{item_id}/verdict", data=data)
        assert response.status_code == 403
    assert reviewer.post(f"/api/items/{item_id}/verdict", json={"verdict": "confirmed"},
                         headers={"X-CSRF-Token": "nope"}).status_code == 403
    assert ("lan", "csrf") in [(e.actor, e.action) for e in users.events()]


def test_cross_site_origin_is_refused_even_with_the_token(reviewer: TestClient) -> None:
    item_id = seed_items()[0].id
    response = reviewer.post(
        f"/items/{item_id}/verdict", data={"verdict": "confirmed"},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403


def test_analyst_posting_a_verdict_gets_403_and_an_audit_entry(
    analyst: TestClient, users: UserStore, seeded_store
) -> None:  # type: ignore[no-untyped-def]
    item_id = seed_items()[0].id
    response = analyst.post(f"/api/items/{item_id}/verdict", json={"verdict": "confirmed"})
    assert response.status_code == 403
    response = analyst.post(f"/items/{item_id}/verdict", data={"verdict": "confirmed"})
    assert response.status_code == 403
    refused = [e for e in users.events() if e.actor == "minh" and e.outcome.startswith("refused")]
    assert len(refused) == 2 and item_id in refused[0].target
    assert seeded_store.verdict_history(item_id) == []


def test_roles_gate_pages(analyst: TestClient, reviewer: TestClient, admin: TestClient) -> None:
    assert reviewer.get("/audit").status_code == 403
    assert analyst.get("/audit").status_code == 403
    assert admin.get("/audit").status_code == 200
    assert reviewer.get("/api/export").status_code == 403
    assert analyst.get("/api/export").status_code == 200


def test_removed_user_loses_the_session_at_once(reviewer: TestClient, users: UserStore) -> None:
    users.remove("lan")
    assert reviewer.get("/api/items").status_code == 401


def test_login_redirect_target_cannot_leave_the_site(reviewer: TestClient) -> None:
    response = reviewer.post("/lang", data={"lang": "en", "back": "//evil.example/x"},
                             follow_redirects=False)
    assert response.headers["location"] == "/"


def test_security_log_cannot_be_edited(users: UserStore) -> None:
    import sqlite3

    import pytest

    users.log("lan", "login", "/login", "ok")
    db = sqlite3.connect(users.path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE security_log SET outcome = 'changed'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM security_log")
    db.close()
    assert users.events()[0].outcome == "ok"


def test_a_highlight_keeps_only_bare_mark_tags() -> None:
    from dashboards.render import clean_highlight

    fragment = ('…<mark>thủy điện</mark> <script>window.__pwned=4</script>'
                '<mark onclick="window.__pwned=5">xả lũ</mark> <b>gấp</b> &amp; <img src=x>')
    for _ in range(2):  # the sanitizer is built once and reused
        assert str(clean_highlight(fragment)) == (
            "…<mark>thủy điện</mark> <mark>xả lũ</mark> gấp &amp; ")


@pytest.mark.parametrize(("fragment", "cleaned"), [
    # What index.highlight makes passes unchanged (it skips the sanitizer).
    ("…mưa &lt;b&gt; <mark>thủy điện</mark> &amp; <mark>xả lũ</mark>…",
     "…mưa &lt;b&gt; <mark>thủy điện</mark> &amp; <mark>xả lũ</mark>…"),
    # Anything else is sanitized: another tag, a mark with an attribute or a space, nesting.
    ("<mark>a</mark><svg onload=alert(1)>", "<mark>a</mark>"),
    ('<mark class="x">a</mark>', "<mark>a</mark>"),
    ("<mark >a</mark><script>x</script>", "<mark>a</mark>"),
    ("<mark><mark>a</mark></mark>", "<mark><mark>a</mark></mark>"),
    ("<mark>a</mark>\n<iframe src=x></iframe>", "<mark>a</mark>\n"),
])
def test_only_inert_highlights_skip_the_sanitizer(fragment: str, cleaned: str) -> None:
    from dashboards.render import clean_highlight

    assert str(clean_highlight(fragment)) == cleaned
