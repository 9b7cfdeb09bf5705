"""Legacy Vietnamese encodings, wrong charset labels and mojibake, through the real engine."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from core.records import CrawledItem
from core.settings import Settings
from crawlers.extract.encoding import single_byte
from crawlers.extract.legacy_vietnamese import to_tcvn3, to_vni
from crawlers.localsite import LocalSite
from crawlers.runner import crawl
from tests.crawlers.pages import sitemap, source, sources_file, write

TITLE = "Người dân đồng bằng sông Cửu Long ứng phó hạn mặn"
BODY = ("Nhiều địa phương đã trữ nước ngọt, điều chỉnh lịch thời vụ và chuyển đổi cây trồng "
        "để ứng phó với đợt xâm nhập mặn sớm hơn mọi năm; người dân ưu tiên nước cho sinh hoạt.")


def _page(charset: str = "") -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    return (f"<html><head>{meta}<title>{TITLE}</title></head><body><h1>{TITLE}</h1>"
            f"<div class='content'><p>{BODY}</p><p>{BODY}</p></div></body></html>")


PAGES: dict[str, bytes] = {
    "bai/tcvn3-khong-khai-bao-1000001.html": to_tcvn3(_page()),
    "bai/vni-latin1-1000002.html": to_vni(_page("iso-8859-1")),
    "bai/utf8-nhan-latin1-1000003.html": _page("iso-8859-1").encode("utf-8"),
    "bai/mojibake-1000004.html": single_byte(_page("utf-8").encode("utf-8")).encode("utf-8"),
}


def test_legacy_and_mislabelled_pages_come_out_as_nfc_vietnamese(settings: Settings,
                                                                   tmp_path: Path) -> None:
    root = tmp_path / "site"
    for path, body in PAGES.items():
        write(root, path, body)
    write(root, "sitemap.xml", sitemap([f"/{path}" for path in PAGES]))
    sources = sources_file(tmp_path / "sources.yaml", source("cu", "sitemap", "/sitemap.xml"))
    out = tmp_path / "items.jsonl"
    with LocalSite(root) as site:
        report = crawl(settings, out, sources_file=sources, base_url=site.base_url)
    items = {item.url.rsplit("/", 1)[1]: item for item in
             (CrawledItem.model_validate_json(line) for line in out.read_text().splitlines())}
    assert len(items) == 4, report.summary_lines()
    for name, item in items.items():
        assert item.title == TITLE, name
        assert BODY in item.text, name
        assert unicodedata.is_normalized("NFC", item.text)
    assert items["tcvn3-khong-khai-bao-1000001.html"].metadata["legacy_encoding"] == "tcvn3"
    assert items["vni-latin1-1000002.html"].metadata["legacy_encoding"] == "vni"
    assert "valid UTF-8" in items["utf8-nhan-latin1-1000003.html"].metadata["extraction_notes"]
    assert "mojibake" in items["mojibake-1000004.html"].metadata["extraction_notes"]
    # every correction is in the summary too
    text = "\n".join(report.per_source["cu"].messages)
    for word in ("TCVN3", "VNI", "valid UTF-8", "mojibake"):
        assert word in text
