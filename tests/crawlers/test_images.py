"""Images the crawler may keep (issue 15): found on pages and posts, checked before keeping
(allowed types, pixel cap, not an icon), fetched by the real engine through the address guard."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from core.records import CrawledItem
from core.settings import Settings
from crawlers.extract.images import lead_image_url
from crawlers.extract.social import facebook_posts, telegram_messages
from crawlers.localsite import LocalSite
from crawlers.pipelines.fetch_images import ImageRefused, check_image, image_path
from crawlers.runner import crawl


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (250, 250, 250)).save(buffer, format="PNG")
    return buffer.getvalue()


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims huge dimensions: a pixel bomb is refused from its header alone."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(header)) + chunk
            + struct.pack(">I", zlib.crc32(chunk)))


def test_only_allowed_images_of_a_sensible_size_are_kept() -> None:
    assert check_image(_png(640, 480), 25_000_000) == ("image/png", 640, 480)
    big = io.BytesIO()
    Image.new("1", (6000, 5000)).save(big, format="PNG")  # 30 MP in a few kilobytes
    for body, reason in (
        (big.getvalue(), "over the cap of 25000000"),
        (_png_header_only(100_000, 100_000), "."),  # Pillow's own bomb guard, or ours
        (_png(32, 32), "too small"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "not an"),
        (b"GIF89a", "not an image"),
    ):
        with pytest.raises(ImageRefused, match=reason):
            check_image(body, 25_000_000)
    tiff = io.BytesIO()
    Image.new("RGB", (200, 200)).save(tiff, format="TIFF")
    with pytest.raises(ImageRefused, match="TIFF is not allowed"):
        check_image(tiff.getvalue(), 25_000_000)


def test_image_urls_are_found_on_pages_and_posts() -> None:
    page = b'<html><head><meta property="og:image" content="/anh/1.jpg"></head></html>'
    assert lead_image_url(page, "https://baocaobang.example/bai/1.html") == (
        "https://baocaobang.example/anh/1.jpg")
    assert lead_image_url(b'<meta property="og:image" content="javascript:x">', "https://a.vn/") \
        is None
    posts, _ = facebook_posts(
        b'{"data": [{"id": "1_2", "full_picture": "https://scontent.example/a.jpg"}]}', "trang")
    assert posts[0].images == ["https://scontent.example/a.jpg"] and posts[0].text == ""
    preview = (b'<div class="tgme_widget_message js-widget_message" data-post="kenh/5">'
               b'<a class="tgme_widget_message_photo_wrap" '
               b'style="width:10px;background-image:url(\'https://cdn.example/p.jpg\')"></a></div>')
    message = telegram_messages(preview, "https://t.me/s/kenh")[0]
    assert message.images == ["https://cdn.example/p.jpg"] and message.text == ""


def test_lead_image_is_fetched_once_and_kept_by_hash(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "bai").mkdir(parents=True)
    (root / "anh").mkdir()
    (root / "anh" / "dau-bai.png").write_bytes(_png(400, 300))
    article = (
        '<html lang="vi"><head><meta charset="utf-8"><title>{title}</title>'
        '<meta property="og:image" content="{base_url}/anh/dau-bai.png"></head><body><article>'
        "<h1>{title}</h1><div class=content><p>Nhiều địa phương đã trữ nước ngọt để ứng phó với "
        "đợt xâm nhập mặn sớm hơn mọi năm, theo cơ quan khí tượng thủy văn.</p><p>{title} là "
        "bài viết thử nghiệm về môi trường.</p></div></article></body></html>"
    )
    links = []
    for n in (1, 2):
        name = f"bai/han-man-{n}234567.html"
        (root / name).write_text(article.replace("{title}", f"Hạn mặn số {n}"), "utf-8")
        links.append(f"<item><title>Hạn mặn {n}</title><link>{{base_url}}/{name}</link></item>")
    (root / "rss.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        + "".join(links) + "</channel></rss>", "utf-8")
    sources = tmp_path / "sources.yaml"
    sources.write_text('sources:\n  - id: anh-dau-bai\n    kind: rss\n'
                       '    urls: ["{base_url}/rss.xml"]\n    options: {delay: 0.01}\n', "utf-8")
    settings = Settings(data_dir=tmp_path / "data", allow_loopback=True)
    out = tmp_path / "o.jsonl"
    with LocalSite(root) as site:
        report = crawl(settings, out, sources_file=sources, base_url=site.base_url)
        image_requests = [p for p in site.requests if p.startswith("/anh/")]
    assert report.per_source["anh-dau-bai"].new == 2
    items = [CrawledItem.model_validate_json(line) for line in out.read_text("utf-8").splitlines()]
    hashes = {item.images[0].sha256 for item in items}
    assert len(hashes) == 1 and all(item.images[0].n == 1 for item in items)
    assert items[0].images[0].media_type == "image/png"
    assert image_path(settings.data_dir / "images", hashes.pop()).exists()
    assert len(image_requests) == 2  # one request per item: an image is never re-crawled alone


def test_images_are_refused_where_the_guard_refuses_pages(tmp_path: Path) -> None:
    # An image on a link-local address (a cloud metadata service) is refused by the address
    # guard, as a page there would be; the post keeps its other image, numbered 1.
    root = tmp_path / "site"
    (root / "s" / "kenh").mkdir(parents=True)
    (root / "anh.png").write_bytes(_png(300, 200))
    (root / "s" / "kenh" / "index.html").write_text(
        '<div class="tgme_widget_message js-widget_message" data-post="kenh/1">'
        '<a class="tgme_widget_message_photo_wrap" '
        "style=\"background-image:url('http://169.254.169.254/latest/anh.png')\"></a>"
        '<a class="tgme_widget_message_photo_wrap" '
        "style=\"background-image:url('{base_url}/anh.png')\"></a>"
        "</div>", "utf-8")
    sources = tmp_path / "sources.yaml"
    sources.write_text('sources:\n  - id: kenh\n    kind: telegram_channel\n'
                       '    urls: ["{base_url}/s/kenh"]\n    options: {delay: 0.01}\n', "utf-8")
    settings = Settings(data_dir=tmp_path / "data", allow_loopback=True)
    out = tmp_path / "o.jsonl"
    with LocalSite(root) as site:
        crawl(settings, out, sources_file=sources, base_url=site.base_url)
    item = CrawledItem.model_validate_json(out.read_text("utf-8").splitlines()[0])
    assert [image.url.endswith("/anh.png") for image in item.images] == [True]
    assert item.images[0].n == 1 and "169.254" not in item.images[0].url
