"""The report's charts, drawn with matplotlib off screen and returned as PNG bytes."""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # no display on a server; must precede pyplot

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from reports.gather import TrendPoint  # noqa: E402

# DejaVu Sans has every Vietnamese letter with its diacritics; the default font may not.
FONT = "DejaVu Sans"
ITEMS_COLOUR = "#2a7ab0"
FLAGGED_COLOUR = "#d1495b"
DPI = 150
# Long tails (a hundred small sources) make unreadable bars; the rest are summed as "khác".
MAX_BARS = 12


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def _top(counts: dict[str, int], limit: int = MAX_BARS) -> tuple[list[str], list[int]]:
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    head, tail = ordered[:limit], ordered[limit:]
    if tail:
        head.append(("khác (other)", sum(v for _, v in tail)))
    return [k for k, _ in head], [v for _, v in head]


NO_DATA = "Không có dữ liệu trong kỳ này (no data in this period)"


def _empty(title: str, height: float) -> Figure:
    """A chart with nothing to draw says so, with no axes (no 0-height bars on a ±0.05 axis)."""
    figure, axes = plt.subplots(figsize=(6.4, height))
    axes.set_axis_off()
    axes.set_title(title, fontsize=11, loc="left")
    axes.text(0.5, 0.5, NO_DATA, ha="center", va="center", fontsize=10, color="#555",
              transform=axes.transAxes)
    return figure


def bar_figure(counts: dict[str, int], title: str, colour: str = ITEMS_COLOUR) -> Figure:
    """Horizontal bars, largest first."""
    plt.rcParams["font.family"] = FONT
    names, values = _top({k: v for k, v in counts.items() if v > 0})
    if not values:
        return _empty(title, 1.6)
    figure, axes = plt.subplots(figsize=(6.4, 0.35 * max(len(names), 3) + 1.0))
    axes.barh(names[::-1], values[::-1], color=colour)
    for y, value in enumerate(values[::-1]):
        axes.text(value, y, f" {value}", va="center", fontsize=8)
    axes.set_title(title, fontsize=11, loc="left")
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(labelsize=8)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    return figure


def bar_chart(counts: dict[str, int], title: str, colour: str = ITEMS_COLOUR) -> bytes:
    return _png(bar_figure(counts, title, colour))


def trend_figure(points: Sequence[TrendPoint], title: str) -> Figure:
    """Items and flagged items per bucket, as bars side by side."""
    plt.rcParams["font.family"] = FONT
    if not any(p.items or p.flagged for p in points):
        return _empty(title, 1.6)
    figure, axes = plt.subplots(figsize=(6.4, 2.8))
    xs = range(len(points))
    axes.bar([x - 0.2 for x in xs], [p.items for p in points], width=0.4, color=ITEMS_COLOUR,
             label="bài thu thập (items)")
    axes.bar([x + 0.2 for x in xs], [p.flagged for p in points], width=0.4,
             color=FLAGGED_COLOUR, label="bị gắn cờ (flagged)")
    step = max(1, len(points) // 12)
    axes.set_xticks(list(xs)[::step], [p.label for p in points][::step], fontsize=8)
    axes.tick_params(axis="y", labelsize=8)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(bottom=0)
    axes.set_title(title, fontsize=11, loc="left")
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(fontsize=8, frameon=False)
    return figure


def trend_chart(points: Sequence[TrendPoint], title: str) -> bytes:
    return _png(trend_figure(points, title))
