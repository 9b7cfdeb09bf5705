"""Báo Cao Bằng: its section pages, declared over the listing spider."""

from __future__ import annotations

from typing import ClassVar

from crawlers.extract.sites import SiteRules
from crawlers.spiders.listing import ListingSpider


class BaoCaoBangSpider(ListingSpider):
    """Selectors are from the site's public markup as last known; not verified from here."""

    name = "baocaobang"
    link_pattern: ClassVar[str] = r"/[a-z0-9-]+-\d{4,}\.html$"
    rules: ClassVar[SiteRules | None] = SiteRules(
        title="h1.title-detail, h1.article-title, h1",
        lead="div.sapo, h2.sapo, .article-sapo",
        body="div.content-detail, div.detail-content, div.article-content",
        author="p.author, div.author",
    )
