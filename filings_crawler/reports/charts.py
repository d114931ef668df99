"""The coverage page's inline SVG charts: coverage bars, bars per run, the queue line.

Each chart is returned as `markupsafe.Markup`, trusted SVG: every fragment is a `Markup`
format string, so what is put into it (a company's exchange, a run type, a tooltip) is escaped
as it goes in, and the page's template inserts the chart as it is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC

from markupsafe import Markup

from filings_crawler.db.coverage import Coverage, CoverageRow, RunPoint
from filings_crawler.reports import percent

COMPLETE_COLOR = "#2e7d32"
INCOMPLETE_COLOR = "#f2a900"
QUEUE_COLOR = "#c62828"
# Run types in the order they first appear take these colours; more types reuse them.
RUN_COLORS = ("#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")

CHART_WIDTH = 960
CHART_HEIGHT = 300
# Room around the plot for the axes' labels.
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 64, 16, 16, 64


@dataclass(frozen=True)
class Plot:
    """The plotting area of a chart and its value scale: data coordinates to pixels."""

    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    y_max: float = 1.0

    @property
    def left(self) -> int:
        return MARGIN_LEFT

    @property
    def right(self) -> int:
        return self.width - MARGIN_RIGHT

    @property
    def top(self) -> int:
        return MARGIN_TOP

    @property
    def bottom(self) -> int:
        return self.height - MARGIN_BOTTOM

    def y(self, value: float) -> float:
        return self.bottom - (self.bottom - self.top) * value / self.y_max


def svg(chart_id: str, title: str, plot: Plot, body: Sequence[Markup]) -> Markup:
    """An inline SVG element with a fixed size (so it shows before any CSS) and an accessible title."""
    return Markup(
        '<svg id="{id}" class="chart" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
        'role="img" aria-label="{title}"><title>{title}</title>{body}</svg>'
    ).format(id=chart_id, w=plot.width, h=plot.height, title=title, body=Markup("").join(body))


def nice_ticks(maximum: float, count: int = 5) -> list[float]:
    """Round tick values from 0 covering `maximum` (1, 2 or 5 times a power of ten apart)."""
    if maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return [step * i for i in range(math.ceil(maximum / step - 1e-9) + 1)]


def number(value: float) -> str:
    """A tick or a value: whole numbers with thousands separators, fractions to 3 digits."""
    if value == int(value) or abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def y_axis(plot: Plot, ticks: Sequence[float], label: str) -> list[Markup]:
    parts = [
        Markup(
            '<line class="grid" x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}"/>'
            '<text x="{tx}" y="{ty:.1f}" text-anchor="end">{tick}</text>'
        ).format(
            left=plot.left,
            right=plot.right,
            y=plot.y(tick),
            tx=plot.left - 6,
            ty=plot.y(tick) + 4,
            tick=number(tick),
        )
        for tick in ticks
    ]
    parts.append(
        Markup(
            '<line class="axis" x1="{left}" x2="{left}" y1="{top}" y2="{bottom}"/>'
            '<line class="axis" x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}"/>'
            '<text x="14" y="{middle:.1f}" text-anchor="middle" '
            'transform="rotate(-90 14 {middle:.1f})">{label}</text>'
        ).format(
            left=plot.left,
            right=plot.right,
            top=plot.top,
            bottom=plot.bottom,
            middle=(plot.top + plot.bottom) / 2,
            label=label,
        )
    )
    return parts


def note(plot: Plot, message: str) -> Markup:
    """A line of text in the plot, for a chart with nothing (or little) to draw."""
    return Markup(
        '<text class="note" x="{x:.0f}" y="{y:.0f}" text-anchor="middle">{}</text>'
    ).format(message, x=(plot.left + plot.right) / 2, y=(plot.top + plot.bottom) / 2)


def swatches(entries: Sequence[tuple[str, str]], plot: Plot) -> list[Markup]:
    """A one-line colour legend at the chart's bottom edge."""
    parts, x = [], plot.left
    for name, color in entries:
        parts.append(
            Markup(
                '<rect x="{x}" y="{ry}" width="10" height="10" fill="{color}"/>'
                '<text x="{tx}" y="{ty}">{name}</text>'
            ).format(
                x=x, ry=plot.height - 14, color=color, tx=x + 14, ty=plot.height - 5, name=name
            )
        )
        x += 24 + 7 * len(name)
    return parts


def bar(x: float, y: float, width: float, height: float, *, color: str, tip: str) -> Markup:
    """A data rectangle with its value as a native tooltip; `class="bar"` lets tests count them."""
    return Markup(
        '<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" '
        'fill="{color}"><title>{tip}</title></rect>'
    ).format(x=x, y=y, w=max(width, 1), h=max(height, 0), color=color, tip=tip)


# --- the coverage chart ---------------------------------------------------------------------


def coverage_chart(coverage: Coverage) -> Markup:
    """Stacked bars per exchange and year: complete filings below, the rest of those found above."""
    years = sorted({row.year for row in coverage.rows if row.year is not None})
    maximum = max((row.filings_found for row in coverage.rows if row.year is not None), default=0)
    ticks = nice_ticks(maximum)
    plot = Plot(y_max=ticks[-1])
    title = "Filings found and complete, by exchange and filing year"
    body = y_axis(plot, ticks, "filings")
    if not years:
        body.append(note(plot, "No filings yet"))
        return svg("chart-coverage", title, plot, body)
    group_width = (plot.right - plot.left) / len(coverage.exchanges)
    for index, exchange in enumerate(coverage.exchanges):
        rows = {row.year: row for row in coverage.block(exchange) if row.year is not None}
        left = plot.left + index * group_width
        body += exchange_group(plot, exchange, years, rows, left=left, width=group_width)
    body += swatches([("complete", COMPLETE_COLOR), ("not complete", INCOMPLETE_COLOR)], plot)
    return svg("chart-coverage", title, plot, body)


def exchange_group(
    plot: Plot,
    exchange: str,
    years: Sequence[int],
    rows: dict[int, CoverageRow],
    *,
    left: float,
    width: float,
) -> list[Markup]:
    """One exchange's bars, a slot per year of the whole dataset so the groups line up."""
    inner_left, inner_width = left + width * 0.075, width * 0.85
    center = inner_left + inner_width / 2
    parts = [
        Markup('<text x="{x:.1f}" y="{y}" text-anchor="middle">{}</text>').format(
            exchange, x=center, y=plot.bottom + 34
        )
    ]
    if not rows:
        parts.append(
            Markup(
                '<text class="note" x="{x:.1f}" y="{y}" text-anchor="middle">no filings</text>'
            ).format(x=center, y=plot.bottom - 8)
        )
    slot = inner_width / len(years)
    for position, year in enumerate(years):
        x = inner_left + position * slot
        if year in rows:
            parts += coverage_bars(plot, x, slot * 0.8, rows[year])
        # Labels need room; with many years the tooltips still name each bar's year.
        if slot >= 30:
            parts.append(
                Markup('<text x="{x:.1f}" y="{y}" text-anchor="middle">{}</text>').format(
                    year, x=x + slot * 0.4, y=plot.bottom + 16
                )
            )
    return parts


def coverage_bars(plot: Plot, x: float, width: float, row: CoverageRow) -> list[Markup]:
    """The complete part and the rest of one exchange-year; an empty part is not drawn."""
    tip = (
        f"{row.exchange} {row.year}: {row.filings_found} found, {row.filings_complete} complete "
        f"({percent(row.completeness)}); {row.artifacts_pending} pending, "
        f"{row.artifacts_failed} failed artifacts"
    )
    complete_top = plot.y(row.filings_complete)
    found_top = plot.y(row.filings_found)
    parts = []
    if row.filings_found > row.filings_complete:
        height = complete_top - found_top
        parts.append(bar(x, found_top, width, height, color=INCOMPLETE_COLOR, tip=tip))
    if row.filings_complete:
        height = plot.bottom - complete_top
        parts.append(bar(x, complete_top, width, height, color=COMPLETE_COLOR, tip=tip))
    return parts


# --- the charts of runs -----------------------------------------------------------------------


@dataclass(frozen=True)
class RunScale:
    """One slot per run in start order, labelled with dates: days of gaps or runs of a few
    seconds would make a true time axis unreadable, and every run should stay visible."""

    labels: Sequence[str]
    plot: Plot

    @property
    def slot(self) -> float:
        return (self.plot.right - self.plot.left) / max(len(self.labels), 1)

    def x(self, index: int) -> float:
        """The left edge of slot `index`."""
        return self.plot.left + index * self.slot

    def axis(self, most: int = 6) -> list[Markup]:
        """Labels under at most `most` evenly spread slots, the last always among them."""
        count = len(self.labels)
        step = max(1, math.ceil(count / most))
        shown = sorted({*range(0, count, step), count - 1} - {-1})
        return [
            Markup('<text x="{x:.1f}" y="{y}" text-anchor="middle">{}</text>').format(
                self.labels[i], x=self.x(i) + self.slot / 2, y=self.plot.bottom + 16
            )
            for i in shown
        ]


def run_labels(runs: Sequence[RunPoint]) -> list[str]:
    """Each run's start: its date, or its time (UTC) when every run started on one day, where
    six labels reading the same date would say nothing."""
    days = {run.started_at.astimezone(UTC).date() for run in runs}
    pattern = "%H:%M UTC" if len(days) == 1 else "%Y-%m-%d"
    return [f"{run.started_at.astimezone(UTC):{pattern}}" for run in runs]


def run_colors(runs: Sequence[RunPoint]) -> dict[str, str]:
    types = list(dict.fromkeys(run.run_type for run in runs))
    return {name: RUN_COLORS[i % len(RUN_COLORS)] for i, name in enumerate(types)}


def run_bar_chart(
    chart_id: str, title: str, label: str, runs: Sequence[RunPoint], values: Sequence[float | None]
) -> Markup:
    """A bar per run (`values` in run order, None where the run did not record it), by type."""
    ticks = nice_ticks(max((value for value in values if value is not None), default=0))
    plot = Plot(y_max=ticks[-1])
    scale = RunScale(run_labels(runs), plot)
    body = y_axis(plot, ticks, label) + scale.axis()
    if all(value is None for value in values):
        body.append(note(plot, "No finished run recorded this"))
        return svg(chart_id, title, plot, body)
    colors = run_colors(runs)
    for index, (run, value) in enumerate(zip(runs, values, strict=True)):
        if value is None:
            continue
        started = f"{run.started_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
        tip = f"run {run.run_id} ({run.run_type}, {run.status}, {started}): {number(value)} {label}"
        top = plot.y(value)
        body.append(
            bar(
                scale.x(index) + scale.slot * 0.1,
                top,
                scale.slot * 0.8,
                plot.bottom - top,
                color=colors[run.run_type],
                tip=tip,
            )
        )
    shown = {run.run_type for run, value in zip(runs, values, strict=True) if value is not None}
    body += swatches([(name, color) for name, color in colors.items() if name in shown], plot)
    return svg(chart_id, title, plot, body)


def throughput_chart(runs: Sequence[RunPoint]) -> Markup:
    values = [run.requests_per_second for run in runs]
    return run_bar_chart(
        "chart-throughput", "Requests per second of each run", "requests/s", runs, values
    )


def processed_chart(runs: Sequence[RunPoint]) -> Markup:
    values = [
        None if run.filings_processed is None else float(run.filings_processed) for run in runs
    ]
    return run_bar_chart(
        "chart-processed", "Filings processed by each run", "filings", runs, values
    )


def queue_chart(runs: Sequence[RunPoint], coverage: Coverage) -> Markup:
    """Filings left to fetch as each documents crawl last reported them, then today's count.

    The schema keeps no history of artifact statuses, so the past is only what runs recorded.
    """
    points = [
        (i, run.filings_queued) for i, run in enumerate(runs) if run.filings_queued is not None
    ]
    now = coverage.total().filings_queued
    points.append((len(runs), now))
    ticks = nice_ticks(max(value for _, value in points))
    plot = Plot(y_max=ticks[-1])
    scale = RunScale([*run_labels(runs), "now"], plot)
    body = y_axis(plot, ticks, "filings") + scale.axis()
    xy = [(scale.x(index) + scale.slot / 2, plot.y(value)) for index, value in points]
    if len(xy) > 1:
        body.append(
            Markup(
                '<polyline class="line" points="{}" fill="none" stroke="{}" stroke-width="2"/>'
            ).format(" ".join(f"{x:.1f},{y:.1f}" for x, y in xy), QUEUE_COLOR)
        )
    else:
        body.append(note(plot, "No documents crawl recorded its queue: only today's is known"))
    for (index, value), (x, y) in zip(points, xy, strict=True):
        if index == len(runs):
            tip = f"now: {value} filings with artifacts pending or failed ({coverage.queue} artifacts)"
        else:
            tip = f"run {runs[index].run_id}: {value} filings left at its last progress report"
        body.append(
            Markup(
                '<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{color}">'
                "<title>{tip}</title></circle>"
            ).format(x=x, y=y, color=QUEUE_COLOR, tip=tip)
        )
    return svg("chart-queue", "Filings with documents to fetch, per run and now", plot, body)
