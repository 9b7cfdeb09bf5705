"""Facebook Graph API: posts of listed public pages (page names are kept, they are public)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar
from urllib.parse import urlencode, urlsplit

import scrapy
from scrapy.http import Response

from core.clock import as_utc
from crawlers.extract.social import facebook_posts
from crawlers.spiders.social import SocialSpider

DEFAULT_API = "https://graph.facebook.com/v19.0"
_MAX_PAGES = 3


class FacebookPageSpider(SocialSpider):
    """``urls`` are the pages' addresses (https://www.facebook.com/<page>)."""

    name = "facebook_page"
    kinds: ClassVar[frozenset[str]] = frozenset({"facebook_page"})
    generic: ClassVar[bool] = True
    required_setting: ClassVar[str] = "facebook_token"

    def start_requests_for_source(self) -> Iterable[scrapy.Request]:
        base = (self.source.options.api_base or DEFAULT_API).rstrip("/")
        for page_url in self.source.urls:
            page = urlsplit(page_url).path.strip("/").split("/")[-1]
            params: dict[str, Any] = {
                "fields": "id,message,created_time,permalink_url,from,full_picture", "limit": 25,
                "access_token": self.context.settings.facebook_token,
            }
            start = self.window_start or self.last_success
            if start:
                params["since"] = int(as_utc(start).timestamp())
            yield self.entry_request(f"{base}/{page}/posts?{urlencode(params)}", self.parse_posts,
                                     kc_page=page, kc_depth=1)

    def parse_posts(self, response: Response) -> Iterable[Any]:
        posts, next_url = facebook_posts(response.body, response.meta["kc_page"])
        for post in posts:
            if post.text or post.images:
                item = self.post_item(post)
                if item is not None:
                    yield item
        depth = int(response.meta["kc_depth"])
        if next_url and depth < _MAX_PAGES:
            yield self.entry_request(next_url, self.parse_posts, kc_page=response.meta["kc_page"],
                                     kc_depth=depth + 1)
