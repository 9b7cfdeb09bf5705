"""Shared helpers for social spiders: turn a ``Post`` into an item."""

from __future__ import annotations

from typing import Any, ClassVar

from core.clock import now_utc
from core.ids import canonical_url, doc_id_for_post
from crawlers.extract.social import Post
from crawlers.spiders.base import SourceSpider


class SocialSpider(SourceSpider):
    """Base of platform spiders; posts are items without fetching article pages."""

    name = ""
    source_kind: ClassVar[str] = "social"

    def post_item(self, post: Post) -> dict[str, Any] | None:
        """The item for ``post``, or None if stored already (by this or an earlier run)."""
        canonical = post.url if post.url.startswith("urn:") else canonical_url(post.url)
        if not self.claim(post.url if post.url.startswith("http") else canonical):
            return None
        return {
            "id": doc_id_for_post(post.platform, post.post_id),
            "url": post.url,
            "canonical_url": canonical,
            "source_id": self.source.id,
            "source_kind": self.source_kind,
            "platform": post.platform,
            "title": post.title,
            "text": post.text,
            "published": post.published,
            "fetched_at": now_utc(),
            "author": post.author,
            "language": "vi",
            "metadata": dict(post.metadata),
            "_private_author": not post.author_is_public,
            "_image_urls": list(post.images),
        }
