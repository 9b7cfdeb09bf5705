"""The periodic leadership report as a flow: the last complete month, half year or year."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from core.clock import now_utc
from core.settings import load_settings
from index.factory import open_store
from reports.gather import gather
from reports.period import PeriodKind, last_complete, parse_period
from reports.render import write_report


@flow(name="kiemchung-report", log_prints=True)
def periodic_report(
    kind: PeriodKind = "month", period: str | None = None, output_dir: str | None = None
) -> dict[str, str]:
    """Write the HTML and PDF report of ``period`` (default: the last complete one of ``kind``)."""
    settings = load_settings()
    zone = ZoneInfo(settings.timezone)
    chosen = parse_period(period, zone) if period else last_complete(kind, now_utc(), zone)
    store = open_store(settings)
    try:
        data = gather(store, chosen)
    finally:
        store.close()
    files = write_report(data, Path(output_dir) if output_dir else settings.data_dir / "reports")
    create_markdown_artifact(
        key=f"report-{kind}",
        markdown=(
            f"# Báo cáo {chosen.title_vi}\n\n"
            f"Bài thu thập: {data.total}; bị gắn cờ: {data.flagged}; "
            f"xác nhận sai lệch: {data.confirmed_total}.\n\n"
            f"HTML: `{files.html}`\n\nPDF: `{files.pdf}`"
        ),
        description=f"Report {chosen.name}",
    )
    get_run_logger().info("report %s written to %s", chosen.name, files.pdf)
    return {"period": chosen.name, "html": str(files.html), "pdf": str(files.pdf)}
