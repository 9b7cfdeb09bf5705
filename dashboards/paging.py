"""Page links with the page count: "Trang 2/7", previous, next, first and last."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Pager:
    """Where a page sits among all of them, and the links to its neighbours."""

    page: int
    pages: int
    total: int
    first_url: str | None = None
    prev_url: str | None = None
    next_url: str | None = None
    last_url: str | None = None


def pager(page: int, total: int, size: int, url: Callable[[int], str],
          max_pages: int | None = None) -> Pager:
    """The pager of ``page`` among ``total`` results shown ``size`` a page; ``url(n)`` is the
    link to page n. ``max_pages`` caps how deep links go (a store's window)."""
    pages = max(1, math.ceil(total / size))
    if max_pages is not None:
        pages = min(pages, max_pages)
    page = max(1, min(page, pages))
    return Pager(
        page=page, pages=pages, total=total,
        first_url=url(1) if page > 2 else None,
        prev_url=url(page - 1) if page > 1 else None,
        next_url=url(page + 1) if page < pages else None,
        last_url=url(pages) if page < pages - 1 else None,
    )
