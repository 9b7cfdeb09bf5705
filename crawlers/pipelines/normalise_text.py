"""Put every text field in NFC with tidy spacing, and cap the body length."""

from __future__ import annotations

from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler

from core.text import collapse_spaces, nfc

_ONE_LINE_FIELDS = ("title", "lead", "author", "section")


class NormaliseTextPipeline:
    """NFC on every string; one-line fields collapsed; body lines trimmed and capped."""

    def __init__(self, max_text_chars: int, crawler: Crawler) -> None:
        self.max_text_chars = max_text_chars
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NormaliseTextPipeline:
        return cls(crawler.settings.getint("KC_MAX_TEXT_CHARS", 200_000), crawler)

    def process_item(self, item: dict[str, Any], spider: Spider | None = None) -> dict[str, Any]:
        for key in _ONE_LINE_FIELDS:
            if isinstance(item.get(key), str):
                empty = None if key in {"author", "section"} else ""
                item[key] = nfc(collapse_spaces(item[key])) or empty
        lines = (collapse_spaces(line) for line in nfc(item.get("text") or "").splitlines())
        text = "\n".join(line for line in lines if line)
        if len(text) > self.max_text_chars:
            text = text[: self.max_text_chars]
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("kc/text_truncated")
        item["text"] = text
        metadata = item.get("metadata") or {}
        item["metadata"] = {nfc(str(k)): nfc(str(v)) for k, v in metadata.items()}
        return item
