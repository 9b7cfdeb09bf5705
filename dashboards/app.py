"""The review and analyst web app: FastAPI, server-rendered Jinja2 pages, a JSON API under /api."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from core.settings import Settings, key_in_force
from dashboards import (
    alert_pages,
    analyst_pages,
    api,
    audit_pages,
    auth_pages,
    claimreview_api,
    report_api,
    review_pages,
)
from dashboards.login_throttle import LoginThrottle
from dashboards.password_checks import PasswordChecks
from dashboards.security import SecurityHeadersMiddleware, csrf_protect, session_options
from dashboards.sessions import LoginRequired
from dashboards.templating import error_page, make_templates
from dashboards.users import UserStore
from index.store import ItemStore, StoreUnavailable

PACKAGE_DIR = Path(__file__).resolve().parent
API_TITLE = "Kiểm Chứng API"
#: The routers the app serves, in the order they are matched.
ROUTERS: tuple[APIRouter, ...] = tuple(
    module.router
    for module in (
        auth_pages, review_pages, alert_pages, audit_pages, analyst_pages, api, claimreview_api,
        report_api,
    )
)


def create_app(
    settings: Settings,
    *,
    store: ItemStore | None = None,
    users: UserStore | None = None,
    secure_cookies: bool = False,
    throttle: LoginThrottle | None = None,
) -> FastAPI:
    """The app, on ``store`` (else the configured one) and ``users`` (else the data dir's).

    Sessions are signed with ``settings.secret_key``, or with the key kept in the data
    directory (made on first use); a configured key that is too short stops the app here
    (``core.settings.SettingsError``, saying how to make one). ``secure_cookies`` marks the
    session cookie Secure; set it whenever the app is served over https
    (``kiemchung review --secure-cookies``, implied by ``--ssl-certfile``).
    """
    secret_key = key_in_force(settings, "secret_key")
    if store is None:
        from index.factory import open_store

        store = open_store(settings)
    app = FastAPI(
        title=API_TITLE,
        version="1",
        description="Tra cứu, thống kê, xuất dữ liệu và ghi kết luận (search, stats, export, "
        "verdicts). Sign in through /login; state-changing calls need the X-CSRF-Token header.",
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(csrf_protect)],
    )
    app.state.settings = settings
    app.state.store = store
    app.state.users = users or UserStore.in_data_dir(settings.data_dir)
    app.state.throttle = throttle or LoginThrottle()
    app.state.password_checks = PasswordChecks()
    app.state.templates = make_templates(ZoneInfo(settings.timezone))
    app.add_middleware(SessionMiddleware, **session_options(secret_key, secure=secure_cookies))
    app.add_middleware(SecurityHeadersMiddleware)
    app.mount("/static", StaticFiles(directory=PACKAGE_DIR / "static"), name="static")
    for router in ROUTERS:
        app.include_router(router)
    _install_error_handlers(app)
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": "login required"}, status_code=401)
        if request.method == "GET":
            # Back to this page after signing in (a local path: login checks it again).
            here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(here, safe='')}", status_code=303)
        return RedirectResponse("/login", status_code=303)

    # Starlette's class: unknown paths and wrong methods raise it too, not only our handlers.
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_json(request) or request.method not in ("GET", "HEAD", "POST"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        return await _error_page(request, exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if not _wants_json(request):
            return await _error_page(request, 400)
        # The documented shape (loc, msg, type) without the rejected input: it may be hostile.
        errors = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg")), "type": str(e.get("type"))}
            for e in exc.errors()
        ]
        return JSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(StoreUnavailable)
    async def unavailable(request: Request, exc: StoreUnavailable) -> Response:
        if not _wants_json(request):
            return await _error_page(request, 503)
        return JSONResponse({"detail": "the index is unavailable, try again"}, status_code=503)


async def _error_page(request: Request, status: int) -> Response:
    """A page in words, never JSON. After a GET it is a full page (render reads the account
    store: off the event loop); after a POST it writes no session: a refused cross-site POST
    arrives without the session cookie, and a new session would sign the reviewer out."""
    if request.method == "GET":
        return await run_in_threadpool(error_page, request, status, full=True)
    return error_page(request, status, full=False)
