"""Shared fixtures: a local HTTP server for fixture sites and test settings."""

from __future__ import annotations

import shutil
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import Settings
from crawlers.localsite import LocalSite

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_SITE = REPO_ROOT / "crawlers" / "demo_site"
DEMO_SOURCES = REPO_ROOT / "crawlers" / "demo_sources.yaml"
FIXTURE_SITE = Path(__file__).with_name("site")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", allow_loopback=True, pseudonym_key="test-key")


@pytest.fixture
def demo_site() -> Iterator[LocalSite]:
    with LocalSite(DEMO_SITE) as site:
        yield site


CP1258_TITLE = "Người dân đồng bằng sông Cửu Long ứng phó hạn mặn"
CP1258_BODY = (
    "Nhiều địa phương ở đồng bằng sông Cửu Long đã trữ nước ngọt, điều chỉnh lịch thời vụ "
    "và chuyển đổi cây trồng để ứng phó với đợt xâm nhập mặn sớm hơn mọi năm."
)
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """Encode as windows-1258 does it: base letters precomposed, tone marks combining."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        out += (base + "".join(c for c in parts if c in _TONES)).encode("cp1258")
    return bytes(out)


def write_cp1258_page(root: Path) -> None:
    """An article in windows-1258 that declares no charset at all (no header, no meta)."""
    page = (
        f"<html><head><title>{CP1258_TITLE}</title></head><body><h1>{CP1258_TITLE}</h1>"
        f"<div class=content><p>{CP1258_BODY}</p></div></body></html>"
    )
    (root / "bai" / "cp1258-khong-khai-bao-1334567.html").write_bytes(to_cp1258(page))


@pytest.fixture
def fixture_root(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, root)
    write_cp1258_page(root)
    return root


@pytest.fixture
def fixture_site(fixture_root: Path) -> Iterator[LocalSite]:
    with LocalSite(fixture_root) as site:
        yield site
