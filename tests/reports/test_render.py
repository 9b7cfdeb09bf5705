"""Report rendering (the ``reports`` package, used by the report flow and ``kiemchung report``):
charts with nothing to draw say so, dates are in the period's zone, numbers line up."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from reports.charts import NO_DATA, bar_figure, trend_figure
from reports.gather import ConfirmedItem, ReportData, TrendPoint
from reports.period import parse_period
from reports.render import render_html


def _texts(figure) -> list[str]:  # type: ignore[no-untyped-def]
    return [text.get_text() for axes in figure.axes for text in axes.texts]


def test_charts_without_data_say_so_and_draw_no_axis() -> None:
    for figure in (
        bar_figure({}, "Theo nguồn"),
        bar_figure({"vnexpress": 0}, "Theo nguồn"),
        trend_figure([TrendPoint("01/05", 0, 0), TrendPoint("02/05", 0, 0)], "Xu hướng"),
        trend_figure([], "Xu hướng"),
    ):
        [axes] = figure.axes
        assert not axes.axison  # no −0.045…0.045 scale around nothing
        assert NO_DATA in _texts(figure)


def test_charts_with_data_draw_their_bars_from_zero() -> None:
    bars = bar_figure({"vnexpress": 3, "tuoitre": 1}, "Theo nguồn")
    [axes] = bars.axes
    assert axes.axison and NO_DATA not in _texts(bars)
    assert [round(p.get_width()) for p in axes.patches] == [1, 3]
    trend = trend_figure([TrendPoint("01/05", 2, 1), TrendPoint("02/05", 0, 0)], "Xu hướng")
    [axes] = trend.axes
    assert axes.get_ylim()[0] == 0


def _data(zone: ZoneInfo) -> ReportData:
    # 23:30 UTC on 31 May is 06:30 on 1 June in Vietnam: the report's June, shown as 01/06.
    posted = datetime(2026, 5, 31, 23, 30, tzinfo=UTC)
    return ReportData(
        period=parse_period("2026-06", zone), total=1, flagged=1, by_label={"disaster_hoax": 1},
        by_source={}, by_province={}, trend=[TrendPoint("01/06", 1, 1)],
        confirmed=[ConfirmedItem(
            title="Tin vỡ đập", url="https://mxh.example/1", source_id="mxh", date=posted,
            label="disaster_hoax", verdict_label="disaster_hoax", note="",
            verdict_at=posted,
        )],
        confirmed_total=1, generated_at=posted,
    )


def test_dates_are_in_the_configured_zone_and_the_zone_is_named() -> None:
    html = render_html(_data(ZoneInfo("Asia/Ho_Chi_Minh")))
    assert "Asia/Ho_Chi_Minh (UTC+07:00)" in html
    assert "<td>01/06/2026</td>" in html and "31/05/2026" not in html
    assert "Xác nhận sai lệch (01/06/2026)" in html
    assert "06:30 01/06/2026" in html  # generated at, local clock
    utc = render_html(_data(ZoneInfo("UTC")))
    assert "UTC (UTC+00:00)" in utc and "<td>31/05/2026</td>" in utc


def test_number_headers_align_with_their_numbers() -> None:
    html = render_html(_data(ZoneInfo("Asia/Ho_Chi_Minh")))
    css = html.split("<style>")[1].split("</style>")[0]
    rules = {
        selector.strip(): body
        for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css)
        for selector in selectors.split(",")
    }
    assert "text-align: right" in rules["th.n"] and "text-align: right" in rules["td.n"]
    assert '<th class="n">Số bài</th>' in html
