"""The recorded storm night (``fixtures/storm_night.jsonl``) played on the local site.

``StormSite.publish(moment)`` writes the site as it stood at ``moment``: each source's RSS
feed lists the items that had appeared by then, newest first, and their article pages exist.
A feed file is rewritten only when it changes, so an unchanged feed answers 304 to the
watch's conditional request, as a real site's would.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Final

from core.clock import VIETNAM_TZ
from core.ids import doc_id_for_url

RECORDING: Final[Path] = Path(__file__).with_name("fixtures") / "storm_night.jsonl"
SOURCES: Final[dict[str, str]] = {
    "storm-news": "Báo Miền Trung (thử nghiệm)",
    "storm-social": "Nhóm cư dân Bắc Trà My (thử nghiệm)",
    "storm-official": "Cổng thông tin phòng chống thiên tai (thử nghiệm)",
}


@dataclass(frozen=True)
class StormItem:
    minute: int
    source: str
    role: str
    title: str
    text: str
    slug: str

    def at(self, start: datetime) -> datetime:
        return start + timedelta(minutes=self.minute)

    @property
    def path(self) -> str:
        return f"/{self.source}/{self.slug}.html"


def recording() -> list[StormItem]:
    rows = [json.loads(line) for line in RECORDING.read_text("utf-8").splitlines() if line]
    return [StormItem(**row) for row in rows]


def sources_yaml(every: str, until: datetime) -> str:
    """The sources file of the night, with its ``watch:`` section."""
    lines = ["sources:"]
    for source_id, name in SOURCES.items():
        lines += [f"  - id: {source_id}", f"    name: {name}", "    kind: rss",
                  f'    urls: ["{{base_url}}/{source_id}/rss.xml"]',
                  "    options: {delay: 0.02, max_items: 200}"]
        if source_id == "storm-official":
            lines.append("    official: true")
    lines += ["watch:", "  name: bao", f"  sources: [{', '.join(SOURCES)}]",
              f"  every: {every}", f"  until: {until.isoformat()}"]
    return "\n".join(lines) + "\n"


class StormSite:
    """The site's files under ``root``, as of a moment of the night."""

    def __init__(self, root: Path, start: datetime) -> None:
        from crawlers.localsite import LocalSite

        self.root = root
        self.start = start
        self.items = recording()
        for source_id in SOURCES:
            (root / source_id).mkdir(parents=True, exist_ok=True)
        self.site = LocalSite(root)

    @property
    def base_url(self) -> str:
        return self.site.base_url

    def item_id(self, item: StormItem) -> str:
        return doc_id_for_url(self.base_url + item.path)

    def appeared(self, moment: datetime, role: str | None = None) -> list[StormItem]:
        return [item for item in self.items if item.at(self.start) <= moment
                and (role is None or item.role == role)]

    def publish(self, moment: datetime) -> None:
        shown = self.appeared(moment)
        for item in shown:
            page = self.root / item.source / f"{item.slug}.html"
            if not page.exists():
                page.write_text(self._page(item), "utf-8")
        for source_id, name in SOURCES.items():
            entries = [i for i in reversed(shown) if i.source == source_id]
            feed = self.root / source_id / "rss.xml"
            text = self._feed(source_id, name, entries)
            if not feed.exists() or feed.read_text("utf-8") != text:
                feed.write_text(text, "utf-8")

    def _feed(self, source_id: str, name: str, entries: list[StormItem]) -> str:
        items = "".join(
            f"<item><title>{html.escape(i.title)}</title>"
            f"<link>{{base_url}}{i.path}</link><guid>{{base_url}}{i.path}</guid>"
            f"<pubDate>{format_datetime(i.at(self.start).astimezone(VIETNAM_TZ))}</pubDate>"
            "</item>"
            for i in entries
        )
        return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
                f"<title>{html.escape(name)}</title><link>{{base_url}}/{source_id}/</link>"
                f"<description>{html.escape(name)}</description><language>vi</language>"
                f"{items}</channel></rss>")

    def _page(self, item: StormItem) -> str:
        when = item.at(self.start).astimezone(VIETNAM_TZ).isoformat()
        title = html.escape(item.title)
        body = html.escape(item.text)
        return (
            '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
            f"<title>{title}</title>"
            f'<meta property="og:title" content="{title}">'
            f'<meta property="article:published_time" content="{when}">'
            f'<link rel="canonical" href="{{base_url}}{item.path}">'
            "</head><body><main><article>"
            f'<h1 class="article-title">{title}</h1>'
            f'<div class="article-body"><p>{body}</p></div>'
            "</article></main></body></html>"
        )
