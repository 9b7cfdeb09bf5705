"""Property-based tests of the JSON API from its own OpenAPI document (schemathesis, in-process
over ASGI, on a seeded SQLite store, signed in as an admin): no request makes a 5xx, and every
answer has a documented status and the documented shape."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from core.settings import Settings
from dashboards.app import create_app
from dashboards.security import SESSION_COOKIE
from dashboards.users import UserStore
from index.factory import open_store
from tests.dashboards.conftest import PASSWORD, csrf_of, seed_items

_DATA = Path(tempfile.mkdtemp(prefix="kiemchung-schemathesis-"))
_STORE = open_store(Settings(data_dir=_DATA))
_STORE.upsert(seed_items())
_USERS = UserStore.in_data_dir(_DATA)
_USERS.add("quan", "admin", PASSWORD)
APP = create_app(Settings(data_dir=_DATA), store=_STORE, users=_USERS)


def _session() -> tuple[dict[str, str], dict[str, str]]:
    client = TestClient(APP)
    token = csrf_of(client.get("/login").text)
    client.post("/login", data={"username": "quan", "password": PASSWORD, "csrf_token": token})
    me = client.get("/api/me").json()
    cookie = client.cookies.get(SESSION_COOKIE)
    assert cookie, "sign-in set no session cookie"
    return {SESSION_COOKIE: cookie}, {"X-CSRF-Token": me["csrf_token"]}


COOKIES, HEADERS = _session()
schema = schemathesis.openapi.from_asgi("/api/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_makes_a_server_error(case: schemathesis.Case) -> None:
    # No 5xx, and every answer is documented and shaped as documented. Schemathesis's
    # "positive data acceptance" check is left out: now and then it flagged a 4xx to an odd
    # generated body that a replay of the same body did not reproduce.
    response = case.call_and_validate(
        headers=HEADERS, cookies=COOKIES,
        checks=[schemathesis.checks.not_a_server_error, status_code_conformance,
                content_type_conformance, response_schema_conformance],
    )
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
    assert response.status_code not in (401, 403), "the admin session was not used"
