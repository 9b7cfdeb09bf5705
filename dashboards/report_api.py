"""``GET /api/report``: the periodic leadership report as PDF, drawn by the ``reports`` package
(the same one the report flow and ``kiemchung report`` use)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from dashboards.dependencies import store_of, zone_of
from dashboards.sessions import ANALYST_ROLES, require_roles
from dashboards.users import User
from reports.gather import gather
from reports.period import PeriodError, parse_period
from reports.render import render_pdf

router = APIRouter(prefix="/api", tags=["api"])


@router.get(
    "/report",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}, 422: {"description": "bad period"}},
)
def report(
    request: Request,
    user: Annotated[User, Depends(require_roles(*ANALYST_ROLES))],
    period: Annotated[str, Query(max_length=20, description="2026-05, 2026-H1 or 2026")],
) -> Response:
    """The report of one month, half year or year, in the configured zone (analyst, admin)."""
    try:
        chosen = parse_period(period, zone_of(request))
    except PeriodError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    pdf = render_pdf(gather(store_of(request), chosen))
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="kiemchung-{chosen.name}.pdf"',
    })
