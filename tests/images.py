"""Generated images of Vietnamese text for the OCR tests and benchmark: DejaVu Sans (every
Vietnamese glyph), several sizes, optionally rotated a few degrees or over a photo-like ground."""

from __future__ import annotations

import io
import random
import textwrap
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_PATHS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
)


def font_path() -> Path | None:
    """DejaVu Sans from Debian's fonts-dejavu-core, or ``None`` when it is not installed."""
    return next((p for p in FONT_PATHS if p.exists()), None)


def photo_background(size: tuple[int, int], seed: int) -> Image.Image:
    """A photo-like ground: soft blobs of colour, a light gradient and grain."""
    rng = np.random.default_rng(seed)
    width, height = size
    small = rng.uniform(120, 245, size=(max(2, height // 60), max(2, width // 60), 3))
    ground = Image.fromarray(small.astype(np.uint8), "RGB").resize(size, Image.Resampling.BICUBIC)
    ground = ground.filter(ImageFilter.GaussianBlur(6))
    pixels = np.asarray(ground, dtype=np.float32)
    pixels *= np.linspace(0.85, 1.05, width)[None, :, None]
    pixels += rng.normal(0, 6, size=pixels.shape)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def render_text(
    text: str,
    *,
    size: int = 32,
    angle: float = 0.0,
    background: str = "plain",
    seed: int = 0,
    width_chars: int = 40,
) -> Image.Image:
    """``text`` wrapped at ``width_chars`` and drawn in dark ink, ``size`` pixels high."""
    path = font_path()
    if path is None:
        raise FileNotFoundError("DejaVu Sans is missing: apt-get install fonts-dejavu-core")
    font = ImageFont.truetype(str(path), size)
    lines = textwrap.wrap(text, width=width_chars)
    line_height = int(size * 1.45)
    text_width = max(int(font.getlength(line)) for line in lines)
    margin = size * 2
    canvas_size = (text_width + 2 * margin, line_height * len(lines) + 2 * margin)
    if background == "photo":
        image = photo_background(canvas_size, seed)
        ink = (20, 20, 30)
    else:
        image = Image.new("RGB", canvas_size, (255, 255, 255))
        ink = (0, 0, 0)
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        draw.text((margin, margin + number * line_height), line, font=font, fill=ink)
    if angle:
        fill = (255, 255, 255) if background == "plain" else tuple(
            int(c) for c in np.asarray(image).reshape(-1, 3).mean(axis=0)
        )
        image = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True,
                             fillcolor=fill)
    return image


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes(image: Image.Image, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def random_angle(seed: int, most: float = 4.0) -> float:
    """A rotation of one to ``most`` degrees, either way."""
    rng = random.Random(seed)
    return rng.choice((-1, 1)) * rng.uniform(1.0, most)
