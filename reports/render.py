"""Render a report: charts embedded in HTML (Jinja2), and that HTML as PDF (WeasyPrint)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape

from core.clock import local_time, zone_label
from core.labels import LABEL_NAMES_VI
from reports.charts import FLAGGED_COLOUR, bar_chart, trend_chart
from reports.gather import ReportData

TEMPLATES = Path(__file__).with_name("templates")


@dataclass(frozen=True)
class ReportFiles:
    html: Path
    pdf: Path | None


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def chart_uris(data: ReportData) -> dict[str, str]:
    """The four charts of a report as ``data:`` URIs, so the HTML is one self-contained file."""
    labels = {LABEL_NAMES_VI.get(k, k): v for k, v in data.by_label.items()}
    return {
        "trend": _data_uri(trend_chart(data.trend, "Xu hướng theo thời gian (trend)")),
        "labels": _data_uri(bar_chart(labels, "Theo loại câu chuyện (by narrative)")),
        "sources": _data_uri(bar_chart(data.by_source, "Theo nguồn (by source)")),
        "provinces": _data_uri(
            bar_chart(data.by_province, "Theo tỉnh thành (by province)", FLAGGED_COLOUR)
        ),
    }


def render_html(data: ReportData) -> str:
    """The report in the period's own zone (the configured one), named on the page."""
    zone = data.period.start.tzinfo
    assert isinstance(zone, ZoneInfo), "a period starts at midnight in a named zone"
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"])
    )
    environment.filters["local_day"] = lambda moment: local_time(moment, zone).strftime(
        "%d/%m/%Y"
    )
    return environment.get_template("report.html.j2").render(
        data=data,
        period=data.period,
        last_day=data.period.end - timedelta(days=1),
        generated_local=local_time(data.generated_at, zone),
        zone=zone_label(zone, data.period.start),
        charts=chart_uris(data),
        label_names=LABEL_NAMES_VI,
    )


def render_pdf(data: ReportData) -> bytes:
    """The report as PDF bytes (what the app's report download sends)."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=render_html(data), base_url=str(TEMPLATES)).write_pdf()
    return pdf


def write_report(data: ReportData, directory: Path, *, pdf: bool = True) -> ReportFiles:
    """``kiemchung-<period>.html`` and ``.pdf`` in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    html = render_html(data)
    html_path = directory / f"kiemchung-{data.period.name}.html"
    html_path.write_text(html, encoding="utf-8")
    pdf_path = None
    if pdf:
        from weasyprint import HTML

        pdf_path = directory / f"kiemchung-{data.period.name}.pdf"
        HTML(string=html, base_url=str(TEMPLATES)).write_pdf(pdf_path)
    return ReportFiles(html_path, pdf_path)
