"""Read the Vietnamese text in an image with Tesseract: a cheap has-text check first, light
pre-processing (grayscale, scaling, thresholding), and a time bound per image.

Tesseract is a Debian program (``tesseract-ocr`` with the ``tesseract-ocr-vie`` model), reached
through ``pytesseract``; when it is missing, ``read_image_text`` says so in its result and the
caller goes on without the image's text.
"""

from __future__ import annotations

import io
import re
import shutil
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final, Literal

import numpy as np
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

from core.text import collapse_spaces, nfc
from nlp.normalize import normalize_unicode

LANGUAGE: Final = "vie"
#: Images are decoded only up to this many pixels (a decompression bomb stops here).
MAX_PIXELS: Final = 40_000_000
#: Tesseract reads best when capital letters are 30-40 pixels tall; an image whose longer side
#: is under this is scaled up (at most ``MAX_UPSCALE`` times) before reading.
TARGET_LONG_SIDE: Final = 1800
MAX_UPSCALE: Final = 3.0
#: The has-text check looks at a copy this wide: enough for strokes of body text, and fast.
CHECK_WIDTH: Final = 480
#: A pixel is a stroke edge when its horizontal brightness step is at least this (0-255).
EDGE_STEP: Final = 40
#: Share of edge pixels below which an image holds no readable text. Measured on the bench's
#: images: text over plain or photo-like backgrounds lands at 0.02 or more; flat images, soft
#: gradients and blurred photos under 0.005.
MIN_EDGE_SHARE: Final = 0.008
#: Skew searched by ``deskew``: photos of notices and screenshots are rarely more than a few
#: degrees off; the step is fine enough for Tesseract's line finder to do the rest.
MAX_SKEW_DEGREES: Final = 6.0
SKEW_STEP_DEGREES: Final = 0.5
SKEW_CHECK_WIDTH: Final = 600
#: A line of OCR output is kept when at least this share of its characters are letters or
#: digits; lines of stray marks from picture edges are dropped.
MIN_WORDLIKE_SHARE: Final = 0.6

OcrStatus = Literal["read", "no_text", "timeout", "unavailable", "error"]


@dataclass(frozen=True)
class OcrResult:
    """What reading one image gave: the text (normalised), how long it took, and why not."""

    text: str
    seconds: float
    status: OcrStatus
    message: str = ""


@lru_cache(maxsize=1)
def tesseract_problem() -> str | None:
    """Why OCR cannot run on this machine (a sentence naming the fix), or ``None``."""
    import pytesseract

    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        return ("Tesseract is not installed, images are not read: "
                "apt-get install tesseract-ocr tesseract-ocr-vie (scripts/system-deps.sh)")
    try:
        languages = pytesseract.get_languages(config="")
    except (pytesseract.TesseractError, OSError) as exc:
        return f"Tesseract does not run ({exc}); images are not read"
    if LANGUAGE not in languages:
        return ("Tesseract has no Vietnamese model, images are not read: "
                "apt-get install tesseract-ocr-vie")
    return None


def open_image(data: bytes) -> Image.Image:
    """Decode image bytes, refusing more than ``MAX_PIXELS`` pixels before decoding them."""
    opened = Image.open(io.BytesIO(data))
    width, height = opened.size
    if width * height > MAX_PIXELS:
        raise ValueError(f"image of {width}x{height} pixels is over the cap of {MAX_PIXELS}")
    return ImageOps.exif_transpose(opened)


def _gray(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        flat = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(flat, rgba)
    return image.convert("L")


def looks_like_text(image: Image.Image) -> bool:
    """A cheap check that the image may hold text: enough sharp horizontal brightness steps.

    Text is made of strokes, so a small copy of a picture with text has many sharp steps
    between neighbouring pixels; flat images, gradients and soft photos have few. Costs a few
    milliseconds, against about a second for Tesseract.

    >>> looks_like_text(Image.new("L", (600, 400), 255))
    False
    """
    gray = _gray(image)
    if gray.width > CHECK_WIDTH:
        gray = gray.resize((CHECK_WIDTH, max(1, gray.height * CHECK_WIDTH // gray.width)))
    pixels = np.asarray(gray, dtype=np.int16)
    if pixels.shape[1] < 2:
        return False
    steps = np.abs(np.diff(pixels, axis=1))
    return float((steps >= EDGE_STEP).mean()) >= MIN_EDGE_SHARE


def _otsu_level(gray: Image.Image) -> int:
    histogram = np.asarray(gray.histogram(), dtype=np.float64)
    total = histogram.sum()
    levels = np.arange(256)
    weight_dark = np.cumsum(histogram)
    weight_light = total - weight_dark
    mass_dark = np.cumsum(histogram * levels)
    mean_dark = np.divide(mass_dark, weight_dark, out=np.zeros(256), where=weight_dark > 0)
    mean_light = np.divide(mass_dark[-1] - mass_dark, weight_light, out=np.zeros(256),
                           where=weight_light > 0)
    between = weight_dark * weight_light * (mean_dark - mean_light) ** 2
    return int(np.argmax(between))


def skew_angle(binary: Image.Image) -> float:
    """The rotation (degrees) that makes the text lines of a black-on-white image level.

    Text lines give the row sums of ink sharp peaks and valleys when they are level; the
    angle whose rotated copy has the most uneven row sums wins.
    """
    small = binary
    if small.width > SKEW_CHECK_WIDTH:
        small = small.resize(
            (SKEW_CHECK_WIDTH, max(1, small.height * SKEW_CHECK_WIDTH // small.width)))
    ink = ImageOps.invert(small.convert("L"))
    best_angle, best_score = 0.0, -1.0
    steps = int(MAX_SKEW_DEGREES / SKEW_STEP_DEGREES)
    for step in range(-steps, steps + 1):
        angle = step * SKEW_STEP_DEGREES
        rotated = ink.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=0)
        rows = np.asarray(rotated, dtype=np.float32).sum(axis=1)
        score = float(np.square(np.diff(rows)).sum())
        # A level page wins ties: rotating a clean image only blurs it.
        if score > best_score * 1.02 or (step == 0 and score >= best_score * 0.98):
            best_angle, best_score = angle, score
    return best_angle


def preprocess(image: Image.Image) -> Image.Image:
    """Grayscale, scaled so letters are tall enough, light text made dark, thresholded against
    the local background (so a photo behind the words does not swallow them), then levelled."""
    gray = _gray(image)
    scale = min(MAX_UPSCALE, TARGET_LONG_SIDE / max(gray.size))
    if scale > 1.05:
        gray = gray.resize((round(gray.width * scale), round(gray.height * scale)),
                           Image.Resampling.LANCZOS)
    pixels = np.asarray(gray, dtype=np.float32)
    if float(np.median(pixels)) < 110:  # light text on a dark ground: Tesseract wants dark ink
        gray = ImageOps.invert(gray)
        pixels = 255.0 - pixels
    # Local background: a wide blur follows the photo's light and shade; ink is what is
    # clearly darker than its surroundings, with Otsu's level of the difference deciding.
    radius = max(8, min(gray.size) // 30)
    background = np.asarray(gray.filter(ImageFilter.BoxBlur(radius)), dtype=np.float32)
    contrast = np.clip(background - pixels, 0, 255).astype(np.uint8)
    level = max(12, _otsu_level(Image.fromarray(contrast)))
    ink = contrast >= level
    binary = Image.fromarray(np.where(ink, 0, 255).astype(np.uint8), mode="L")
    angle = skew_angle(binary)
    if angle:
        binary = binary.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True,
                               fillcolor=255).point(lambda v: 0 if v < 128 else 255)
    return binary


_LINE_NOISE = re.compile(r"[^\w\s]", re.UNICODE)


def tidy_text(raw: str) -> str:
    """OCR output normalised like crawled text: NFC, look-alike letters fixed, one space, no
    lines of stray marks; the lines of one paragraph joined (a line wrapped in a picture is
    layout, not a sentence break), paragraphs one per line.

    >>> tidy_text("Ðập  thủy điện\\nđã vỡ\\n\\n~ ' ,\\n\\nChia sẻ")
    'Đập thủy điện đã vỡ\\nChia sẻ'
    """
    paragraphs = []
    for block in re.split(r"\n\s*\n", nfc(raw)):
        lines = []
        for line in block.splitlines():
            line = collapse_spaces(normalize_unicode(line))
            visible = line.replace(" ", "")
            if not visible:
                continue
            wordlike = len(visible) - len(_LINE_NOISE.findall(visible))
            if wordlike / len(visible) >= MIN_WORDLIKE_SHARE and any(c.isalpha() for c in visible):
                lines.append(line)
        if lines:
            paragraphs.append(" ".join(lines))
    return "\n".join(paragraphs)


def read_image_text(
    source: bytes | Path, *, timeout_seconds: float = 20.0, check: bool = True
) -> OcrResult:
    """The Vietnamese text of one image, read with Tesseract within ``timeout_seconds``.

    ``source`` is the image's bytes or its path. With ``check`` (the default) an image that
    fails ``looks_like_text`` is not given to Tesseract at all.

    >>> read_image_text(Path("anh-thong-bao.png")).text  # doctest: +SKIP
    'THÔNG BÁO\\nTừ ngày 1/12 cắt điện toàn tỉnh Cao Bằng'
    """
    import pytesseract

    started = time.perf_counter()

    def result(status: OcrStatus, text: str = "", message: str = "") -> OcrResult:
        return OcrResult(text, round(time.perf_counter() - started, 3), status, message)

    problem = tesseract_problem()
    if problem:
        return result("unavailable", message=problem)
    try:
        data = source.read_bytes() if isinstance(source, Path) else source
        image = open_image(data)
        image.load()
    except (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError) as exc:
        return result("error", message=f"cannot decode the image: {exc}")
    if check and not looks_like_text(image):
        return result("no_text")
    prepared = preprocess(image)
    try:
        raw = pytesseract.image_to_string(
            prepared, lang=LANGUAGE, config="--oem 1 --psm 3", timeout=max(0.5, timeout_seconds)
        )
    except RuntimeError as exc:  # pytesseract's own timeout error
        if "timeout" in str(exc).lower():
            return result("timeout", message=f"OCR stopped after {timeout_seconds:.0f} s")
        return result("error", message=str(exc))
    except (pytesseract.TesseractError, OSError) as exc:
        return result("error", message=str(exc))
    text = tidy_text(raw)
    return result("read" if text else "no_text", text)
