"""Download the images a spider named on an item (``_image_urls``) through the crawler's own
downloader, so the address guard, robots.txt and the User-Agent apply; keep the allowed ones."""

from __future__ import annotations

import base64
import hashlib
import io
import logging
from pathlib import Path
from typing import Any

import scrapy
from PIL import Image, UnidentifiedImageError
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future

from crawlers.context import RunContext

logger = logging.getLogger(__name__)

#: What Pillow says the bytes are -> the media type we store. Anything else (SVG, which can
#: carry script; TIFF, PDF) is refused, whatever the server's Content-Type claims.
ALLOWED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp",
                   "GIF": "image/gif"}
DEFAULT_MAX_IMAGES = 4
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_PIXELS = 25_000_000
#: Smaller than this is an icon, a tracking pixel or a spacer, never a notice worth reading.
MIN_SIDE = 48
THUMBNAIL_SIDE = 240


class ImageRefused(ValueError):
    """The bytes are not an image we keep; the message says why."""


def check_image(body: bytes, max_pixels: int) -> tuple[str, int, int]:
    """(media type, width, height) of ``body``, read from its header without decoding pixels."""
    try:
        with Image.open(io.BytesIO(body)) as image:
            kind, (width, height) = image.format, image.size
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ImageRefused(f"not an image: {exc}") from exc
    if kind not in ALLOWED_FORMATS:
        raise ImageRefused(f"type {kind} is not allowed")
    if width * height > max_pixels:
        raise ImageRefused(f"{width}x{height} is over the cap of {max_pixels} pixels")
    if min(width, height) < MIN_SIDE:
        raise ImageRefused(f"{width}x{height} is too small to hold text")
    return ALLOWED_FORMATS[kind], width, height


def thumbnail(body: bytes) -> str:
    """A small JPEG of the image as a ``data:`` URL (the UI's CSP allows data: images)."""
    with Image.open(io.BytesIO(body)) as image:
        image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        small = image.convert("RGB")
    buffer = io.BytesIO()
    small.save(buffer, format="JPEG", quality=70)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def image_path(image_dir: Path, sha256: str) -> Path:
    """Where the image with this hash is kept: one file per distinct image, never two."""
    return image_dir / sha256[:2] / sha256


class FetchImagesPipeline:
    """For each item, fetch up to ``max_images`` of its images; the item goes on either way."""

    def __init__(self, image_dir: Path, max_images: int, max_bytes: int, max_pixels: int,
                 crawler: Crawler) -> None:
        self.image_dir = image_dir
        self.max_images = max_images
        self.max_bytes = max_bytes
        self.max_pixels = max_pixels
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FetchImagesPipeline:
        context: RunContext = crawler.settings["KC_CONTEXT"]
        return cls(
            context.settings.data_dir / "images",
            crawler.settings.getint("KC_IMAGES_PER_ITEM", DEFAULT_MAX_IMAGES),
            crawler.settings.getint("KC_IMAGE_MAX_BYTES", DEFAULT_MAX_BYTES),
            crawler.settings.getint("KC_IMAGE_MAX_PIXELS", DEFAULT_MAX_PIXELS),
            crawler,
        )

    def _count(self, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key)

    async def process_item(self, item: dict[str, Any], spider: Spider | None = None
                           ) -> dict[str, Any]:
        urls = list(dict.fromkeys(u for u in item.get("_image_urls") or [] if u))
        images: list[dict[str, Any]] = []
        for url in urls[: self.max_images]:
            kept = await self._fetch(url, len(images) + 1)
            if kept is not None:
                images.append(kept)
        if images:
            item["images"] = images
        return item

    async def _fetch(self, url: str, n: int) -> dict[str, Any] | None:
        request = scrapy.Request(url, meta={"download_maxsize": self.max_bytes, "kc_image": True},
                                 dont_filter=True)
        engine = self.crawler.engine
        assert engine is not None
        try:
            if hasattr(engine, "download_async"):
                response = await engine.download_async(request)
            else:  # Scrapy before 2.14
                response = await maybe_deferred_to_future(engine.download(request))
        except IgnoreRequest as exc:  # the address guard or robots.txt said no
            self._count("kc/images_refused")
            logger.warning("image not fetched %s: %s", url, exc)
            return None
        except Exception as exc:  # a network error on an image must not lose the item
            self._count("kc/images_failed")
            logger.warning("image fetch failed %s: %s: %s", url, type(exc).__name__, exc)
            return None
        if response.status != 200:
            self._count("kc/images_failed")
            logger.warning("image fetch failed %s: HTTP %s", url, response.status)
            return None
        try:
            media_type, width, height = check_image(response.body, self.max_pixels)
        except ImageRefused as exc:
            self._count("kc/images_refused")
            logger.info("image refused %s: %s", url, exc)
            return None
        sha256 = hashlib.sha256(response.body).hexdigest()
        path = image_path(self.image_dir, sha256)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".partial")
            partial.write_bytes(response.body)
            partial.replace(path)
        self._count("kc/images")
        return {"n": n, "url": url, "sha256": sha256, "media_type": media_type,
                "width": width, "height": height, "thumbnail": thumbnail(response.body)}
