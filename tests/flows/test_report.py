"""Periodic reports: a period's numbers from a real store, rendered to PDF with its charts."""

from __future__ import annotations

import random
import shutil
import subprocess
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.records import Enrichment, ReviewVerdict
from reports.period import PeriodError, last_complete, parse_period
from tests.conftest import require
from tests.factories import make_item

LABELS = ["none", "disaster_hoax", "health_pollution", "opinion", "green_scam"]
SOURCES = ["vnexpress-rss", "tuoitre-rss", "facebook-page-x"]
PROVINCES = ["Hà Nội", "Nghệ An", "Quảng Ngãi", "Thành phố Hồ Chí Minh"]


def _seed(data_dir: Path) -> dict[str, object]:
    """Items across 2026 (January to August), some confirmed; returns what H1 should count."""
    from core.settings import load_settings
    from index.factory import open_store

    rng = random.Random(7)
    store = open_store(load_settings())
    items = []
    for n in range(120):
        month = rng.randint(1, 8)
        label = rng.choice(LABELS)
        item = make_item(
            f"https://example.vn/bai-{n}.html", title=f"Bài số {n} về thủy điện",
            label=label, score=0.9, source_id=rng.choice(SOURCES),
            published=datetime(2026, month, rng.randint(1, 28), 3, 0, tzinfo=UTC),
        )
        provinces = rng.sample(PROVINCES, rng.randint(0, 2))
        items.append(item.model_copy(update={"enrichment": Enrichment(provinces=provinces)}))
    store.upsert(items)
    in_h1 = [i for i in items if i.item.published and i.item.published.month <= 6]
    confirmed = [i for i in in_h1 if i.classification.flagged][:6]
    for item in confirmed:
        store.record_verdict(ReviewVerdict(
            item_id=item.id, verdict="confirmed", label=item.classification.label,
            note="Đã đối chiếu với thông cáo của cơ quan chức năng", reviewer="reviewer-1",
        ))
    store.close()
    return {
        "total": len(in_h1),
        "flagged": sum(i.classification.flagged for i in in_h1),
        "by_source": Counter(i.item.source_id for i in in_h1),
        "by_province": Counter(p for i in in_h1 for p in i.enrichment.provinces),
        "by_label": Counter(i.classification.label for i in in_h1),
        "confirmed_titles": {i.item.title for i in confirmed},
        "january": sum(1 for i in in_h1 if i.item.published and i.item.published.month == 1),
    }


def test_periods_are_in_vietnam_time() -> None:
    h1 = parse_period("2026-h1")
    assert h1.start.isoformat() == "2026-01-01T00:00:00+07:00"
    assert h1.end.isoformat() == "2026-07-01T00:00:00+07:00"
    assert [b.label for b in h1.buckets()][0] == "01/2026" and len(h1.buckets()) == 6
    assert len(parse_period("2026-02").buckets()) == 28
    assert parse_period("2026").end.year == 2027
    # 17:30 UTC on 31 December is already 1 January in Vietnam.
    assert last_complete("year", datetime(2026, 12, 31, 17, 30, tzinfo=UTC)).name == "2026"
    assert last_complete("half", datetime(2026, 7, 1, 1, 0, tzinfo=UTC)).name == "2026-H1"
    with pytest.raises(PeriodError):
        parse_period("2026-H3")


def test_gathered_numbers_match_the_store(data_dir: Path) -> None:
    from core.settings import load_settings
    from index.factory import open_store
    from reports.gather import gather

    expected = _seed(data_dir)
    store = open_store(load_settings())
    data = gather(store, parse_period("2026-H1"))
    store.close()
    assert data.total == expected["total"]
    assert data.flagged == expected["flagged"]
    assert data.by_source == dict(expected["by_source"])  # type: ignore[call-overload]
    assert data.by_province == dict(expected["by_province"])  # type: ignore[call-overload]
    assert data.by_label == dict(expected["by_label"])  # type: ignore[call-overload]
    assert data.trend[0].items == expected["january"]
    assert sum(p.items for p in data.trend) == expected["total"]
    assert {row.title for row in data.confirmed} == expected["confirmed_titles"]


def _coloured_pixels(png: Path) -> int:
    """Pixels with a clear hue: the charts' bars; the text is black or grey."""
    from PIL import Image

    image = Image.open(png).convert("RGB")
    return sum(1 for r, g, b in image.getdata() if max(r, g, b) - min(r, g, b) > 80)


def test_report_pdf_has_its_charts_on_the_first_page(data_dir: Path, tmp_path: Path) -> None:
    require(shutil.which("pdftoppm") is not None, "no pdftoppm: apt-get install poppler-utils")
    from cli.main import main

    expected = _seed(data_dir)
    out = tmp_path / "reports"
    assert main(["report", "--period", "2026-H1", "--output", str(out)]) == 0
    pdf = out / "kiemchung-2026-H1.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")

    listing = subprocess.run(["pdfimages", "-f", "1", "-l", "1", "-list", str(pdf)],
                             capture_output=True, text=True, check=True).stdout
    assert len(listing.strip().splitlines()) - 2 >= 2  # two header lines, then one per image

    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "60", "-png", str(pdf),
                    str(tmp_path / "page")], check=True)
    page = next(tmp_path.glob("page*.png"))
    # Both charts of page 1 are blue and red bars over a good part of the page.
    assert _coloured_pixels(page) > 3000

    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    assert "6 tháng đầu năm 2026" in text
    assert f"{expected['total']}" in text
    for title in expected["confirmed_titles"]:  # type: ignore[attr-defined]
        assert title in text
    assert "Bài số" in (out / "kiemchung-2026-H1.html").read_text("utf-8")


def test_empty_period_still_renders(data_dir: Path, tmp_path: Path) -> None:
    from cli.main import main

    assert main(["report", "--period", "2025-03", "--output", str(tmp_path), "--no-pdf"]) == 0
    html = (tmp_path / "kiemchung-2025-03.html").read_text("utf-8")
    assert "Tháng 3/2025" in html and "data:image/png;base64," in html


def test_report_flow_publishes_the_files(data_dir: Path, tmp_path: Path) -> None:
    from flows.reports import periodic_report

    _seed(data_dir)
    files = periodic_report(kind="half", period="2026-H1", output_dir=str(tmp_path / "r"))
    assert files["period"] == "2026-H1"
    assert Path(files["pdf"]).read_bytes().startswith(b"%PDF")
