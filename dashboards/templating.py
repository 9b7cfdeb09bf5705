"""Server-rendered pages: the Jinja2 templates, and ``render`` with what every page needs."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from core.clock import VIETNAM_TZ, local_time, zone_label
from dashboards.i18n import Translator, pick_language
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
    for name, pattern in _TIME_FORMATS.items():
        templates.env.filters[name] = _formatter(zone, pattern)
    templates.env.globals["time_zone"] = zone_label(zone)
    return templates


def _formatter(zone: ZoneInfo, pattern: str) -> Any:
    def format_time(moment: datetime | None) -> str:
        return local_time(moment, zone).strftime(pattern) if moment else ""

    return format_time


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
        "flash": request.session.pop("flash", None),
    }
    return templates.TemplateResponse(request, name, {**base, **context}, status_code=status_code)
