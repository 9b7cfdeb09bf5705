"""Server-rendered pages: the Jinja2 templates, and ``render`` with what every page needs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from dashboards.i18n import Translator, pick_language
from dashboards.sessions import csrf_token, current_user

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=TEMPLATES_DIR)
    # Autoescape is Starlette's default for .html; said again because crawled text depends on it.
    templates.env.autoescape = True
    return templates


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
