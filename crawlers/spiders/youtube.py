"""YouTube Data API v3: keyword search in a time window, video details, top-level comments."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any, ClassVar
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response

from core.clock import as_utc, now_utc
from crawlers.extract.social import youtube_comments, youtube_search_ids, youtube_videos
from crawlers.spiders.social import SocialSpider

DEFAULT_API = "https://www.googleapis.com/youtube/v3"
_FIRST_WINDOW = timedelta(days=2)


class YoutubeSpider(SocialSpider):
    """Searches each keyword for videos published since the window start."""

    name = "youtube"
    kinds: ClassVar[frozenset[str]] = frozenset({"youtube"})
    generic: ClassVar[bool] = True
    required_setting: ClassVar[str] = "youtube_api_key"

    def _api(self, method: str, **params: Any) -> str:
        base = (self.source.options.api_base or DEFAULT_API).rstrip("/")
        params["key"] = self.context.settings.youtube_api_key
        return f"{base}/{method}?{urlencode(params)}"

    def start_requests_for_source(self) -> Iterable[scrapy.Request]:
        start = self.window_start or self.last_success or now_utc() - _FIRST_WINDOW
        after = as_utc(start).strftime("%Y-%m-%dT%H:%M:%SZ")
        for keyword in self.source.options.keywords:
            url = self._api("search", part="snippet", type="video", q=keyword, maxResults=50,
                            publishedAfter=after, relevanceLanguage="vi", regionCode="VN")
            yield self.entry_request(url, self.parse_search)

    def parse_search(self, response: Response) -> Iterable[scrapy.Request]:
        ids, _next = youtube_search_ids(response.body)
        if ids:
            url = self._api("videos", part="snippet,statistics", id=",".join(ids))
            yield self.entry_request(url, self.parse_videos)

    def parse_videos(self, response: Response) -> Iterable[Any]:
        for post in youtube_videos(response.body):
            item = self.post_item(post)
            if item is not None:
                yield item
            if self.source.options.max_comments:
                url = self._api("commentThreads", part="snippet", videoId=post.post_id,
                                maxResults=self.source.options.max_comments, order="relevance",
                                textFormat="plainText")
                yield self.entry_request(url, self.parse_comments, kc_video=post.post_id)

    def parse_comments(self, response: Response) -> Iterable[dict[str, Any]]:
        for post in youtube_comments(response.body, response.meta["kc_video"]):
            item = self.post_item(post)
            if item is not None:
                yield item
