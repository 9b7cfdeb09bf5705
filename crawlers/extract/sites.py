"""Per-site extraction rules: the few selectors a site needs beyond the generic extractor."""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urlsplit


@dataclass(frozen=True)
class SiteRules:
    """CSS selectors that override the generic choices for one site; empty means generic."""

    title: str = ""
    lead: str = ""
    body: str = ""
    drop: tuple[str, ...] = ()
    author: str = ""
    published: str = ""
    section: str = ""

    def merged(self, other: SiteRules | None) -> SiteRules:
        """These rules with every non-empty field of ``other`` taking precedence."""
        if other is None:
            return self
        changes = {name: getattr(other, name) for name in other.__dataclass_fields__
                   if getattr(other, name)}
        if other.drop:
            changes["drop"] = tuple(dict.fromkeys(self.drop + other.drop))
        return replace(self, **changes)


# Elements that are never body text on any news site.
GENERIC_DROP: tuple[str, ...] = (
    "script", "style", "noscript", "iframe", "form", "button", "figure", "figcaption",
    "table.desc_image", "table.tplCaption", ".VCSortableInPreviewMode[type=RelatedNews]",
    ".box-tinlienquan", ".related-news", ".related", "aside", "[class*=relate]",
)

SITE_RULES: dict[str, SiteRules] = {
    "vnexpress.net": SiteRules(
        title="h1.title-detail, h1.title-news, h1",
        lead="p.description",
        body="article.fck_detail",
        author="p.author_mail strong, p.author_mail, p.Normal[style*=right] strong, "
        "p.author strong",
        drop=("p.author_mail", "p.Normal[style*=right]", "p.author", ".box-tinlienquanv2",
              ".action_thumb", ".btn_guicauhoi_detail"),
        section="ul.breadcrumb li:first-child a",
    ),
    "tuoitre.vn": SiteRules(
        title="h1.detail-title, h1.article-title, h1.title-2, h1",
        lead="h2.detail-sapo, p.txt-head, h2.sapo",
        body="div.fck, div.detail-content",
        author="div.author-info a.name, div.author, p.author, div.author-name",
        drop=(".VCObjectBoxRelatedNewsItemSapo", ".VCSortableInPreviewMode[type=RelatedNewsBox]",
              "[type=RelatedOneNews]", "[type=RelatedNewsBox]", "div.author", "p.author",
              "div[id*=teads]", ".ck_legend", "table.desc_image"),
    ),
    "dantri.com.vn": SiteRules(
        title="h1.title-page, h1.e-magazine__title, h1",
        lead="h2.singular-sapo, h2[class*=sapo], div.singular-sapo",
        body="#desktop-in-article, div.singular-content, div.e-magazine__body",
        author="div.author-name b, div.author-name, div[class*=author] b",
        drop=("aside", "div.author-wrap", "div.author-name"),
    ),
    "vietnamnet.vn": SiteRules(
        title="h1.content-detail-title, h1",
        lead="h2.content-detail-sapo, div.content-detail-sapo",
        body="div.maincontent, div#maincontent, div.content-detail-body",
        author="span.name, p.article-detail-author__info span.name",
    ),
    "nld.com.vn": SiteRules(
        title="h1.detail-title, h1",
        lead="h2.detail-sapo, p.sapo-detail",
        body="div.detail-cmain, div.detail-content",
        drop=("ul.related-news", "div.related-news", "ul[class*=relate]", ".VCObjectBoxRelated",
              "[type=RelatedNewsBox]", "[type=RelatedOneNews]"),
    ),
    "plo.vn": SiteRules(
        title="h1.article__title, h1",
        lead="div.article__sapo, h2.article__sapo",
        body="div.article__body",
        drop=("h2.story__heading", "article.story", ".box-related", "div[class*=related]"),
        author="div.article__author span.name, div.author, span.author",
    ),
    "cafef.vn": SiteRules(
        title="h1.title, h1",
        lead="h2.sapo, h2[data-role=sapo]",
        body="div.detail-content, div.contentdetail",
        drop=("div.tinmoi", "div.tindnd", "#listNewsInContent", "[data-marked-zoneid*=related]",
              ".VCObjectBoxRelatedNewsItemSapo", "[type=RelatedNewsBox]",
              "div.link-content-footer", "p.author"),
        author="p.author, p.author_content",
    ),
    "baochinhphu.vn": SiteRules(
        title="h1.detail-title, h1",
        lead="h2.detail-sapo, div.detail-sapo",
        body="div.detail-content, div[data-role=content]",
        drop=("[type=RelatedNewsBox]", "[type=RelatedOneNews]", ".VCObjectBoxRelated"),
        author="div.detail-author, span.author",
    ),
    "baodautu.vn": SiteRules(
        title="div.title-detail, h1",
        lead="div.sapo_detail, div.sapo-detail",
        body="#content_detail_news, div.content_detail_news, div.content-detail",
        author="a.author, div.author",
        published="span.post-time, div.post-time",
    ),
}


def host_of(url: str) -> str:
    """Host of ``url`` without a leading ``www.`` or ``m.``."""
    host = (urlsplit(url).hostname or "").lower()
    for prefix in ("www.", "m."):
        if host.startswith(prefix):
            host = host[len(prefix):]
    return host


def rules_for(*urls: str | None) -> SiteRules:
    """Rules of the first of ``urls`` whose host (or parent domain) has any; else generic."""
    for url in urls:
        if not url:
            continue
        host = host_of(url)
        while host:
            if host in SITE_RULES:
                return SITE_RULES[host]
            host = host.partition(".")[2] if host.count(".") > 1 else ""
    return SiteRules()
