"""``GET /api/claimreview``: confirmed verdicts with a rebuttal link as schema.org ClaimReview."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from dashboards.claimreview import claim_reviews
from dashboards.dependencies import store_of
from dashboards.sessions import READ_ROLES, require_roles
from dashboards.users import User

router = APIRouter(prefix="/api", tags=["api"])


@router.get(
    "/claimreview",
    response_class=JSONResponse,
    responses={200: {"content": {"application/ld+json": {}},
                     "description": "A JSON array of ClaimReview objects (JSON-LD)"}},
)
def claimreview(
    request: Request,
    user: Annotated[User, Depends(require_roles(*READ_ROLES))],
    since: Annotated[date | None, Query(description="Verdicts given on this day or later")] = None,
) -> JSONResponse:
    """Reviewer-confirmed items with a rebuttal link, as ClaimReview JSON-LD. Nothing else."""
    settings = request.app.state.settings
    reviews: list[dict[str, Any]] = list(
        claim_reviews(store_of(request), since, organisation_url=settings.contact_url)
    )
    return JSONResponse(reviews, media_type="application/ld+json")
