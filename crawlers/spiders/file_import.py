"""Import JSONL or CSV exports of other tools; no network, but the same pipelines."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, ClassVar

from crawlers.extract.social import import_rows, imported_post
from crawlers.spiders.social import SocialSpider


class FileImportSpider(SocialSpider):
    """Reads ``options.path`` (relative paths are taken from the working directory)."""

    name = "file_import"
    kinds: ClassVar[frozenset[str]] = frozenset({"file_import"})
    generic: ClassVar[bool] = True
    source_kind: ClassVar[str] = "import"

    async def start(self) -> AsyncIterator[Any]:
        options = self.source.options
        path = Path(options.path)
        fmt = options.format or ("csv" if path.suffix.lower() == ".csv" else "jsonl")
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.entry_failed = True
            self.fail(f"không đọc được tệp (cannot read) {path}: {exc}")
            return
        for row in import_rows(data, fmt):
            if "_error" in row:
                self.fail(f"{path}: dòng hỏng (bad row) {row['_error']}", "extraction_failed")
                continue
            post = imported_post(row, options.platform, options.authors_are_public)
            if post is None:
                self.fail(f"{path}: dòng thiếu nội dung hoặc id (row without text or id)",
                          "extraction_failed")
                continue
            item = self.post_item(post)
            if item is not None:
                yield item
