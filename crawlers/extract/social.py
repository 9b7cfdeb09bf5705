"""Parse social platform responses (YouTube Data API v3, Facebook Graph, Telegram web previews)
and exported files into plain post records. No network here."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lxml import html as lxml_html

from core.text import collapse_spaces, nfc
from crawlers.extract.dates import parse_date
from crawlers.extract.encoding import decode_html
from crawlers.extract.images import http_url


@dataclass
class Post:
    """A public post, video or comment as a platform describes it."""

    platform: str
    post_id: str
    url: str
    text: str
    title: str = ""
    author: str | None = None
    author_is_public: bool = True
    published: datetime | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    images: list[str] = field(default_factory=list)  # attached images, to fetch and read


def _text(value: Any) -> str:
    return nfc(str(value or "")).strip()


def youtube_search_ids(body: bytes) -> tuple[list[str], str | None]:
    """Video ids of a ``search`` response, and the next page token."""
    data = json.loads(body)
    ids = [item["id"]["videoId"] for item in data.get("items", [])
           if isinstance(item.get("id"), dict) and item["id"].get("videoId")]
    return ids, data.get("nextPageToken")


_COUNTS = frozenset({"viewCount", "commentCount"})


def youtube_videos(body: bytes) -> list[Post]:
    """Posts from a ``videos`` response (channel names kept: channels are public)."""
    posts = []
    for item in json.loads(body).get("items", []):
        snippet = item.get("snippet", {})
        video_id = str(item["id"])
        stats = item.get("statistics", {})
        posts.append(Post(
            platform="youtube", post_id=video_id,
            url=f"https://www.youtube.com/watch?v={video_id}",
            title=_text(snippet.get("title")), text=_text(snippet.get("description")),
            author=_text(snippet.get("channelTitle")) or None,
            published=parse_date(snippet.get("publishedAt")),
            metadata={"channel_id": _text(snippet.get("channelId")), "kind": "video",
                      **{k: str(v) for k, v in stats.items() if k in _COUNTS}},
        ))
    return posts


def youtube_comments(body: bytes, video_id: str) -> list[Post]:
    """Top-level comments of a ``commentThreads`` response; commenters are private people."""
    posts = []
    for item in json.loads(body).get("items", []):
        top = item.get("snippet", {}).get("topLevelComment", {})
        snippet = top.get("snippet", {})
        comment_id = str(top.get("id") or item.get("id"))
        posts.append(Post(
            platform="youtube", post_id=comment_id,
            url=f"https://www.youtube.com/watch?v={video_id}&lc={comment_id}",
            text=_text(snippet.get("textOriginal") or snippet.get("textDisplay")),
            author=_text(snippet.get("authorDisplayName")) or None, author_is_public=False,
            published=parse_date(snippet.get("publishedAt")),
            metadata={"kind": "comment", "video_id": video_id,
                      "author_id": _text((snippet.get("authorChannelId") or {}).get("value"))},
        ))
    return posts


def facebook_posts(body: bytes, page: str) -> tuple[list[Post], str | None]:
    """Posts of a public page from a Graph ``/{page}/posts`` response, and the next page URL."""
    data = json.loads(body)
    posts = []
    for item in data.get("data", []):
        post_id = str(item["id"])
        author = (item.get("from") or {}).get("name") or page
        posts.append(Post(
            platform="facebook", post_id=post_id,
            url=item.get("permalink_url") or f"https://www.facebook.com/{post_id}",
            text=_text(item.get("message")), author=_text(author),
            published=parse_date(item.get("created_time")),
            metadata={"kind": "page_post", "page": page},
            images=[url for url in [http_url("https://www.facebook.com/",
                                             item.get("full_picture"))] if url],
        ))
    return posts, (data.get("paging") or {}).get("next")


def telegram_messages(body: bytes, channel_url: str) -> list[Post]:
    """Messages of a public channel's web preview (``https://t.me/s/<channel>``)."""
    tree = lxml_html.document_fromstring(decode_html(body).text or "<html/>")
    posts = []
    for node in tree.xpath('//div[contains(@class, "tgme_widget_message ") and @data-post]'):
        data_post = node.get("data-post", "")
        text_nodes = node.xpath('.//div[contains(@class, "tgme_widget_message_text")]')
        images = _telegram_photos(node, channel_url)
        if not text_nodes and not images:
            continue
        text = ""
        if text_nodes:
            for br in text_nodes[0].iter("br"):
                br.tail = "\n" + (br.tail or "")
            lines = text_nodes[0].text_content().splitlines()
            text = "\n".join(collapse_spaces(line) for line in lines)
        owner = node.xpath('string(.//*[contains(@class, "tgme_widget_message_owner_name")])')
        stamp = node.xpath('.//a[contains(@class, "tgme_widget_message_date")]//time/@datetime')
        posts.append(Post(
            platform="telegram", post_id=data_post,
            url=f"https://t.me/{data_post}", text=nfc(text.strip()),
            author=nfc(collapse_spaces(owner)) or data_post.split("/")[0],
            published=parse_date(stamp[0]) if stamp else None,
            metadata={"kind": "channel_post", "channel": data_post.split("/")[0],
                      "preview_url": channel_url},
            images=images,
        ))
    return posts


_BACKGROUND_URL = re.compile(r"background-image:\s*url\(['\"]?([^'\")]+)")


def _telegram_photos(node: Any, channel_url: str) -> list[str]:
    """Photos of a channel message: the preview draws each as a CSS background image."""
    urls = []
    for style in node.xpath('.//a[contains(@class, "tgme_widget_message_photo_wrap")]/@style'):
        match = _BACKGROUND_URL.search(style)
        url = http_url(channel_url, match.group(1)) if match else None
        if url:
            urls.append(url)
    return urls


_TEXT_KEYS = ("text", "message", "content", "body", "description")
_DATE_KEYS = ("published", "created_time", "created_at", "date", "timestamp")
_ID_KEYS = ("post_id", "id", "message_id")
_AUTHOR_KEYS = ("author", "from", "user", "username", "channel")


def _pick(row: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = row.get(key)
        if isinstance(value, dict):
            value = value.get("name") or value.get("id")
        if value not in (None, ""):
            return value
    return None


def import_rows(data: bytes, fmt: str) -> Iterator[dict[str, Any]]:
    """Rows of a JSONL or CSV export; a malformed JSON line yields ``{"_error": ...}``."""
    text = decode_html(data).text
    if fmt == "csv":
        yield from csv.DictReader(io.StringIO(text))
        return
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            yield {"_error": f"line {number}: {exc}"}
            continue
        yield row if isinstance(row, dict) else {"_error": f"line {number}: not an object"}


def imported_post(row: dict[str, Any], platform: str, authors_are_public: bool) -> Post | None:
    """A post from one exported row; None when it has neither text nor an id."""
    text = _text(_pick(row, _TEXT_KEYS))
    post_id = _text(_pick(row, _ID_KEYS))
    if not text or not post_id:
        return None
    platform = _text(row.get("platform")) or platform or "import"
    url = _text(row.get("url") or row.get("permalink_url")) or f"urn:{platform}:{post_id}"
    author = _text(_pick(row, _AUTHOR_KEYS)) or None
    return Post(platform=platform, post_id=post_id, url=url, text=text,
                title=_text(row.get("title")), author=author, author_is_public=authors_are_public,
                published=parse_date(str(_pick(row, _DATE_KEYS) or "")) or None,
                metadata={"kind": "import"})
