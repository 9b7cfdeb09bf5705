"""OCR of Vietnamese text in images with the real Tesseract: the has-text check, reading,
time bounds, and a clear message when Tesseract is missing."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from nlp import ocr
from tests.conftest import require
from tests.images import font_path, photo_background, png_bytes, render_text

SENTENCE = "Ủy ban nhân dân tỉnh khẳng định thông tin cắt điện toàn tỉnh là bịa đặt."


@pytest.fixture(scope="module")
def tesseract() -> None:
    require(ocr.tesseract_problem() is None,
            f"{ocr.tesseract_problem()} (scripts/system-deps.sh installs it)")
    require(font_path() is not None, "DejaVu Sans is missing: apt-get install fonts-dejavu-core")


def test_reads_vietnamese_with_every_diacritic(tesseract: None) -> None:
    result = ocr.read_image_text(png_bytes(render_text(SENTENCE, size=30)))
    assert result.status == "read"
    assert result.text == SENTENCE


def test_reads_over_a_photo_and_rotated(tesseract: None) -> None:
    image = render_text(SENTENCE, size=34, background="photo", seed=3, angle=-3.0)
    result = ocr.read_image_text(png_bytes(image))
    assert "bịa đặt" in result.text
    assert "Ủy ban nhân dân" in result.text


def test_images_without_text_skip_tesseract(tesseract: None) -> None:
    for image in (Image.new("RGB", (800, 600), (250, 250, 250)), photo_background((800, 600), 1)):
        assert not ocr.looks_like_text(image)
        result = ocr.read_image_text(png_bytes(image))
        assert result.status == "no_text"
        assert result.text == ""
    assert ocr.looks_like_text(render_text(SENTENCE, background="photo", seed=2))


def test_output_is_normalised_like_crawled_text() -> None:
    # Decomposed marks are composed (NFC) and the eth look-alike becomes "Đ", as the crawler
    # does for page text; a line of stray marks from a picture's edge is dropped.
    raw = "Ðập thuy\u0309 điện  đã vỡ\n\n| ~ ' ,\n"
    assert ocr.tidy_text(raw) == "Đập thu\u1ef7 điện đã vỡ"


def test_a_missing_tesseract_is_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    ocr.tesseract_problem.cache_clear()
    try:
        result = ocr.read_image_text(png_bytes(Image.new("RGB", (10, 10))))
    finally:
        monkeypatch.undo()
        ocr.tesseract_problem.cache_clear()
    assert result.status == "unavailable"
    assert "apt-get install tesseract-ocr tesseract-ocr-vie" in result.message


def test_time_bound_stops_a_long_reading(tesseract: None) -> None:
    text = " ".join([SENTENCE] * 60)
    result = ocr.read_image_text(png_bytes(render_text(text, size=26, width_chars=90)),
                                 timeout_seconds=0.5)
    assert result.status == "timeout"
    assert result.text == ""


def test_undecodable_and_oversized_images_are_refused(tesseract: None) -> None:
    assert ocr.read_image_text(b"GIF89a not really").status == "error"
    huge = io.BytesIO()
    Image.new("1", (8000, 6000)).save(huge, format="PNG")
    result = ocr.read_image_text(huge.getvalue())
    assert result.status == "error"
    assert "cap" in result.message
