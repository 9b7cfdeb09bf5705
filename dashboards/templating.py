"""Server-rendered pages: the Jinja2 templates, and ``render`` with what every page needs."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from core.clock import VIETNAM_TZ, local_iso, local_time, zone_label
from core.labels import MISLEADING_LABELS
from dashboards.i18n import Translator, pick_language
from dashboards.redirects import local_path
from dashboards.sessions import csrf_token, current_user

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


#: How pages write a time: the day, the minute, the second, always on the configured zone's
#: clock (``local_day`` and friends); ``time_zone`` names that zone on every page.
_TIME_FORMATS = {"local_day": "%Y-%m-%d", "local_minute": "%Y-%m-%d %H:%M",
                 "local_second": "%Y-%m-%d %H:%M:%S"}


def make_templates(zone: ZoneInfo = VIETNAM_TZ) -> Jinja2Templates:
    templates = Jinja2Templates(directory=TEMPLATES_DIR)
    # Autoescape is Starlette's default for .html; said again because crawled text depends on it.
    templates.env.autoescape = True
    # The templates ship with the package: no need to look at their files on every page.
    templates.env.auto_reload = False
    for name, pattern in _TIME_FORMATS.items():
        templates.env.filters[name] = _formatter(zone, pattern)
    templates.env.globals["time_zone"] = zone_label(zone)
    # Machine-readable times (<time datetime>) carry the zone's offset, not UTC's.
    templates.env.filters["local_iso"] = lambda moment: local_iso(moment, zone) if moment else ""
    return templates


def _formatter(zone: ZoneInfo, pattern: str) -> Any:
    def format_time(moment: datetime | None) -> str:
        return local_time(moment, zone).strftime(pattern) if moment else ""

    return format_time


def here_of(request: Request) -> str:
    """This page's path and query string: where the language switch comes back to. A
    ``back`` or ``next`` link in it stays only if it is a path on this site."""
    params = [
        (key, value) for key, value in request.query_params.multi_items()
        if key not in _RETURN_PARAMS or local_path(value, "")
    ]
    query = urlencode(params)
    return request.url.path + (f"?{query}" if query else "")


_RETURN_PARAMS = frozenset({"back", "next"})


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    """A page with what every template needs: the user, the translator, the CSRF token.

    It reads the account store: call it from a plain ``def`` handler (the thread pool)."""
    language = pick_language(request.session.get("lang"))
    templates: Jinja2Templates = request.app.state.templates
    base = {
        "user": current_user(request),
        "t": Translator(language),
        "lang": language,
        "csrf": csrf_token(request),
        "path": request.url.path,
        "here": here_of(request),
        "flash": request.session.pop("flash", None),
        "undo": request.session.pop("undo", None),
        "misleading_labels": MISLEADING_LABELS,
    }
    return templates.TemplateResponse(request, name, {**base, **context}, status_code=status_code)


#: What an error page says, by status: (title, hint).
ERROR_TEXTS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "bad_request_hint"),
    403: ("forbidden", "forbidden_hint"),
    404: ("not_found_title", "not_found_hint"),
    405: ("method_not_allowed", "bad_request_hint"),
    503: ("unavailable", "unavailable_hint"),
}


def error_page(request: Request, status_code: int, *, full: bool) -> Response:
    """The friendly error page. ``full``: with the signed-in user's header (reads and may
    write the session); otherwise from the language choice alone, touching nothing."""
    title, hint = ERROR_TEXTS.get(status_code, ERROR_TEXTS[400])
    context = {"message_key": title, "title_key": title, "hint_key": hint,
               "code": status_code}
    if full:
        return render(request, "error.html", status_code, **context)
    language = pick_language(request.session.get("lang"))
    templates: Jinja2Templates = request.app.state.templates
    base = {"user": None, "t": Translator(language), "lang": language, "csrf": "",
            "path": request.url.path, "here": "/", "flash": None, "undo": None,
            "misleading_labels": MISLEADING_LABELS}
    return templates.TemplateResponse(request, "error.html", {**base, **context},
                                      status_code=status_code)
