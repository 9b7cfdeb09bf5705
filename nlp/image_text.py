"""Read the text of the images the crawler kept for a batch of items, within time bounds per item
and per run; the text joins each image of the item with its place ("from image n")."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.records import CrawledItem, ItemImage
from nlp.ocr import read_image_text, tesseract_problem

#: Default bounds: one item's images never take more than this, nor a whole run's.
ITEM_SECONDS = 30.0
RUN_SECONDS = 1800.0
#: Below this much time left, an image is not started at all: Tesseract needs a moment.
MIN_START_SECONDS = 0.5


class OcrBudget:
    """Seconds of OCR a run may still spend; shared by the run's threads, so it is locked."""

    def __init__(self, run_seconds: float = RUN_SECONDS, item_seconds: float = ITEM_SECONDS
                 ) -> None:
        self.run_seconds = run_seconds
        self.item_seconds = item_seconds
        self._spent = 0.0
        self._lock = threading.Lock()

    @property
    def spent(self) -> float:
        with self._lock:
            return self._spent

    def left(self) -> float:
        with self._lock:
            return max(0.0, self.run_seconds - self._spent)

    def spend(self, seconds: float) -> None:
        with self._lock:
            self._spent += seconds


@dataclass
class OcrReport:
    """What OCR did for a batch: for the run summary."""

    images: int = 0
    read: int = 0
    no_text: int = 0
    skipped: int = 0
    failed: int = 0
    seconds: float = 0.0
    messages: list[str] = field(default_factory=list)

    def merge(self, other: OcrReport) -> None:
        for name in ("images", "read", "no_text", "skipped", "failed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.seconds += other.seconds
        self.messages.extend(m for m in other.messages if m not in self.messages)


def _read_one(image: ItemImage, image_dir: Path, seconds: float) -> ItemImage:
    path = image_dir / image.sha256[:2] / image.sha256
    if not path.exists():
        return image.model_copy(update={"ocr_status": "error"})
    result = read_image_text(path, timeout_seconds=seconds)
    return image.model_copy(update={
        "text": result.text, "ocr_status": result.status, "ocr_seconds": result.seconds,
    })


def read_item_images(
    items: Sequence[CrawledItem], image_dir: Path, budget: OcrBudget | None = None
) -> tuple[list[CrawledItem], OcrReport]:
    """The items with the text of their images read, and what it cost.

    An image already read (a resumed run) is not read again. When Tesseract is missing, or the
    budget is spent, images are marked ``unavailable`` or ``skipped`` and the items go on.
    """
    budget = budget or OcrBudget()
    report = OcrReport()
    problem = tesseract_problem() if any(i.images for i in items) else None
    if problem:
        report.messages.append(problem)
    started = time.perf_counter()
    out: list[CrawledItem] = []
    for item in items:
        if not item.images:
            out.append(item)
            continue
        item_left = budget.item_seconds
        images = []
        for image in item.images:
            report.images += 1
            if image.ocr_status in ("read", "no_text"):
                images.append(image)
                continue
            seconds = min(item_left, budget.left())
            if problem or seconds < MIN_START_SECONDS:
                status = "unavailable" if problem else "skipped"
                report.skipped += 1
                images.append(image.model_copy(update={"ocr_status": status}))
                continue
            done = _read_one(image, image_dir, seconds)
            budget.spend(done.ocr_seconds)
            item_left -= done.ocr_seconds
            if done.ocr_status == "read":
                report.read += 1
            elif done.ocr_status == "no_text":
                report.no_text += 1
            else:
                report.failed += 1
            images.append(done)
        out.append(item.model_copy(update={"images": images}))
    if report.skipped and not problem:
        report.messages.append(
            f"{report.skipped} images not read: the OCR time budget of the run was spent")
    report.seconds = round(time.perf_counter() - started, 3)
    return out, report
