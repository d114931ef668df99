"""The coverage page: tables and inline SVG charts in one self-contained HTML file, no network."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from filings_crawler.db.coverage import Coverage, CoverageRow, ErrorReason, RunPoint
from filings_crawler.reports import human_bytes, percent, plural

# The page loads nothing: this policy makes a browser refuse any fetch a later edit might add.
CSP = "default-src 'none'; style-src 'unsafe-inline'"

COMPLETE_COLOR = "#2e7d32"
INCOMPLETE_COLOR = "#f2a900"
QUEUE_COLOR = "#c62828"
# Run types in the order they first appear take these colours; more types reuse them.
RUN_COLORS = ("#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")
# How many of the latest runs the runs table lists (the charts plot every loaded run).
RUNS_LISTED = 30

CHART_WIDTH = 960
CHART_HEIGHT = 300
# Room around the plot for the axes' labels.
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 64, 16, 16, 64

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto;
       max-width: 1040px; padding: 0 1rem; color: #1d1d1f; }
h1 { margin-bottom: 0.2rem; }
.meta { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-variant-numeric: tabular-nums; }
th, td { padding: 0.2rem 0.6rem; border-bottom: 1px solid #ddd; }
td.num, th.num { text-align: right; }
td { white-space: nowrap; }
td.reason { white-space: normal; }
tbody th { text-align: left; background: #f4f4f6; }
tr.total td { font-weight: 600; }
tbody.overall th { background: #e4e8f0; }
svg { display: block; max-width: 100%; height: auto; margin: 0.5rem 0 1.5rem; }
svg text { font: 12px system-ui, sans-serif; fill: #333; }
svg .axis { stroke: #999; stroke-width: 1; }
svg .grid { stroke: #e5e5e5; stroke-width: 1; }
dl.legend dt { font-weight: 600; }
dl.legend dd { margin: 0 0 0.4rem 1rem; color: #333; }
"""


def render_page(
    coverage: Coverage, runs: Sequence[RunPoint], *, database: str, generated_at: datetime
) -> str:
    """The whole page: every value escaped, every chart inline, nothing fetched."""
    generated = generated_at.astimezone(UTC)
    sections = [
        header(database, generated),
        summary(coverage),
        section("Coverage by exchange and filing year", coverage_chart(coverage)),
        section("Coverage table", coverage_table(coverage)),
        section("Top error reasons of failed artifacts", errors_table(coverage)),
        section("Throughput per run", throughput_chart(runs)),
        section("Filings processed per run", processed_chart(runs)),
        section("Queue: filings with documents to fetch", queue_chart(runs, coverage)),
        section("Latest runs", runs_table(runs)),
        section("Legend", legend(coverage.exchanges)),
    ]
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(CSP)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Dataset coverage {_e(f'{generated:%Y-%m-%d %H:%M} UTC')}</title>"
        f"<style>{STYLE}</style></head>\n<body>\n" + "\n".join(sections) + "\n</body></html>\n"
    )


def _e(value: object) -> str:
    """Any value as HTML text or attribute content (quotes escaped too)."""
    return html.escape(str(value), quote=True)


def section(title: str, body: str) -> str:
    return f"<section><h2>{_e(title)}</h2>\n{body}\n</section>"


def header(database: str, generated: datetime) -> str:
    stamp = f"{generated:%Y-%m-%d %H:%M:%S} UTC"
    return (
        "<header><h1>Dataset coverage</h1>"
        f'<p class="meta">Generated <time datetime="{_e(generated.isoformat())}">{_e(stamp)}</time>'
        f" from {_e(database)}.</p></header>"
    )


def summary(coverage: Coverage) -> str:
    total = coverage.total()
    if not coverage.has_filings:
        return (
            "<p><strong>No filings yet</strong>: run <code>scrapy crawl backfill</code>. "
            f"{_e(total.companies_targeted)} companies are targeted.</p>"
        )
    text = (
        f"{_e(total.filings_complete)} of {_e(total.filings_found)} filings complete "
        f"({_e(percent(total.completeness))}) for {_e(total.companies_with_filings)} of "
        f"{_e(total.companies_targeted)} targeted companies; {_e(coverage.queue)} artifacts "
        f"of {_e(total.filings_queued)} filings still to fetch (pending or failed); "
        f"{_e(human_bytes(total.bytes_stored))} stored."
    )
    if coverage.untargeted_filings:
        text += (
            f" Not counted: {_e(plural(coverage.untargeted_filings, 'filing'))} of companies no "
            "longer on a target exchange."
        )
    return f"<p>{text}</p>"


# --- tables -------------------------------------------------------------------------------

COVERAGE_COLUMNS = (
    "Year",
    "Companies targeted",
    "Companies with filings",
    "Filings found",
    "Filings complete",
    "Complete",
    "Artifacts pending",
    "Artifacts failed",
    "Stored",
)


def coverage_table(coverage: Coverage) -> str:
    head = "".join(
        f'<th class="{"" if i == 0 else "num"}">{_e(name)}</th>'
        for i, name in enumerate(COVERAGE_COLUMNS)
    )
    bodies = [coverage_tbody(coverage, exchange) for exchange in coverage.exchanges]
    bodies.append(coverage_tbody(coverage, None))
    return f"<table><thead><tr>{head}</tr></thead>{''.join(bodies)}</table>"


def coverage_tbody(coverage: Coverage, exchange: str | None) -> str:
    name = exchange or "All target exchanges"
    targeted = coverage.targeted_count(exchange)
    title = f"{name} (companies targeted: {targeted})"
    rows = "".join(coverage_tr(row) for row in coverage.block(exchange))
    css = ' class="overall"' if exchange is None else ""
    return (
        f'<tbody{css}><tr><th colspan="{len(COVERAGE_COLUMNS)}">{_e(title)}</th></tr>{rows}</tbody>'
    )


def coverage_tr(row: CoverageRow) -> str:
    cells = [
        row.label,
        row.companies_targeted,
        row.companies_with_filings,
        row.filings_found,
        row.filings_complete,
        percent(row.completeness),
        row.artifacts_pending,
        row.artifacts_failed,
        human_bytes(row.bytes_stored),
    ]
    css = ' class="total"' if row.year is None and not row.listed_in_past else ""
    tds = "".join(
        f"<td>{_e(cell)}</td>" if i == 0 else f'<td class="num">{_e(cell)}</td>'
        for i, cell in enumerate(cells)
    )
    return f"<tr{css}>{tds}</tr>"


def errors_table(coverage: Coverage) -> str:
    if not coverage.errors:
        return "<p>No failed artifacts.</p>"
    rows = []
    for exchange in (*coverage.exchanges, None):
        rows += [error_tr(error) for error in coverage.errors_of(exchange)]
    return (
        '<table><thead><tr><th>Exchange</th><th class="num">Failed artifacts</th>'
        "<th>Reason (last_error)</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


def error_tr(error: ErrorReason) -> str:
    exchange = error.exchange or "All target exchanges"
    return (
        f'<tr><td>{_e(exchange)}</td><td class="num">{_e(error.count)}</td>'
        f'<td class="reason">{_e(error.reason)}</td></tr>'
    )


RUN_COLUMNS = (
    "Run",
    "Type",
    "Status",
    "Started (UTC)",
    "Duration",
    "Requests",
    "Requests/s",
    "Items",
    "Filings processed",
    "Left at last report",
)


def runs_table(runs: Sequence[RunPoint]) -> str:
    if not runs:
        return "<p>No finished run recorded in execution_runs yet.</p>"
    head = "".join(f"<th>{_e(name)}</th>" for name in RUN_COLUMNS)
    rows = "".join(run_tr(run) for run in reversed(runs[-RUNS_LISTED:]))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def run_tr(run: RunPoint) -> str:
    cells = [
        run.run_id,
        run.run_type,
        run.status,
        f"{run.started_at.astimezone(UTC):%Y-%m-%d %H:%M}",
        _duration(run.duration_seconds),
        _maybe(run.requests),
        _maybe(run.requests_per_second, "{:.2f}"),
        _maybe(run.items_scraped),
        _maybe(run.filings_processed),
        _maybe(run.progress_pending),
    ]
    tds = "".join(
        f"<td>{_e(c)}</td>" if i < 4 else f'<td class="num">{_e(c)}</td>'
        for i, c in enumerate(cells)
    )
    return f"<tr>{tds}</tr>"


def _maybe(value: float | None, form: str = "{}") -> str:
    return "-" if value is None else form.format(value)


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m {secs:02d}s"


def legend(exchanges: Sequence[str]) -> str:
    terms = [
        (
            "Targeted company",
            f"a company whose listing exchange is one of {', '.join(exchanges)}; "
            "the per-year rows repeat the exchange's count.",
        ),
        (
            "Companies with filings",
            "targeted companies with at least one filing found in that year.",
        ),
        ("Filing year", "the year of the filing date (not the fiscal year reported)."),
        (
            "Complete",
            "a filing with at least one artifact, all of them downloaded; "
            "Complete % is complete filings over filings found.",
        ),
        (
            "Artifacts pending / failed",
            "files queued and not fetched yet / whose last attempt "
            "failed (they are retried until ARTIFACT_RETRY_MAX).",
        ),
        ("Stored", "bytes of the downloaded artifacts, in decimal units."),
        (
            "Runs",
            "finished crawls from execution_runs; requests/s is downloader/request_count "
            "over the run's duration; filings processed is documents/filings_processed.",
        ),
        (
            "Queue",
            "filings with an artifact pending or failed. The database keeps no history of it: "
            "past points are what each documents crawl had left at its last progress report "
            "(backfill and incremental report companies, so they are not plotted); the last "
            "point is today's count.",
        ),
    ]
    items = "".join(f"<dt>{_e(term)}</dt><dd>{_e(text)}</dd>" for term, text in terms)
    return f'<dl class="legend">{items}</dl>'


# --- charts -------------------------------------------------------------------------------


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


def svg(chart_id: str, title: str, plot: Plot, body: Sequence[str]) -> str:
    """An inline SVG element with a fixed size (so it shows before any CSS) and an accessible title."""
    return (
        f'<svg id="{_e(chart_id)}" class="chart" '
        f'width="{plot.width}" height="{plot.height}" viewBox="0 0 {plot.width} {plot.height}" '
        f'role="img" aria-label="{_e(title)}"><title>{_e(title)}</title>' + "".join(body) + "</svg>"
    )


def nice_ticks(maximum: float, count: int = 5) -> list[float]:
    """Round tick values from 0 covering `maximum` (1, 2 or 5 times a power of ten apart)."""
    if maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return [step * i for i in range(math.ceil(maximum / step - 1e-9) + 1)]


def _number(value: float) -> str:
    """A tick or a value: whole numbers with thousands separators, fractions to 3 digits."""
    if value == int(value) or abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def y_axis(plot: Plot, ticks: Sequence[float], label: str) -> list[str]:
    parts = []
    for tick in ticks:
        y = plot.y(tick)
        parts.append(
            f'<line class="grid" x1="{plot.left}" x2="{plot.right}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text x="{plot.left - 6}" y="{y + 4:.1f}" text-anchor="end">{_e(_number(tick))}</text>'
        )
    middle = (plot.top + plot.bottom) / 2
    parts.append(
        f'<line class="axis" x1="{plot.left}" x2="{plot.left}" y1="{plot.top}" y2="{plot.bottom}"/>'
        f'<line class="axis" x1="{plot.left}" x2="{plot.right}" y1="{plot.bottom}" '
        f'y2="{plot.bottom}"/><text x="14" y="{middle:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 14 {middle:.1f})">{_e(label)}</text>'
    )
    return parts


def note(plot: Plot, message: str) -> str:
    """A line of text in the plot, for a chart with nothing (or little) to draw."""
    return (
        f'<text class="note" x="{(plot.left + plot.right) / 2:.0f}" '
        f'y="{(plot.top + plot.bottom) / 2:.0f}" text-anchor="middle">{_e(message)}</text>'
    )


def swatches(entries: Sequence[tuple[str, str]], plot: Plot) -> list[str]:
    """A one-line colour legend at the chart's bottom edge."""
    parts, x = [], plot.left
    for name, color in entries:
        parts.append(
            f'<rect x="{x}" y="{plot.height - 14}" width="10" height="10" fill="{_e(color)}"/>'
            f'<text x="{x + 14}" y="{plot.height - 5}">{_e(name)}</text>'
        )
        x += 24 + 7 * len(name)
    return parts


def coverage_chart(coverage: Coverage) -> str:
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
) -> list[str]:
    """One exchange's bars, a slot per year of the whole dataset so the groups line up."""
    inner_left, inner_width = left + width * 0.075, width * 0.85
    center = inner_left + inner_width / 2
    parts = [
        f'<text x="{center:.1f}" y="{plot.bottom + 34}" text-anchor="middle">{_e(exchange)}</text>'
    ]
    if not rows:
        parts.append(
            f'<text class="note" x="{center:.1f}" y="{plot.bottom - 8}" '
            'text-anchor="middle">no filings</text>'
        )
    slot = inner_width / len(years)
    for position, year in enumerate(years):
        x = inner_left + position * slot
        if year in rows:
            parts += coverage_bars(plot, x, slot * 0.8, rows[year])
        # Labels need room; with many years the tooltips still name each bar's year.
        if slot >= 30:
            parts.append(
                f'<text x="{x + slot * 0.4:.1f}" y="{plot.bottom + 16}" '
                f'text-anchor="middle">{_e(year)}</text>'
            )
    return parts


def coverage_bars(plot: Plot, x: float, width: float, row: CoverageRow) -> list[str]:
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


def bar(x: float, y: float, width: float, height: float, *, color: str, tip: str) -> str:
    """A data rectangle with its value as a native tooltip; `class="bar"` lets tests count them."""
    return (
        f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{max(width, 1):.1f}" '
        f'height="{max(height, 0):.1f}" fill="{_e(color)}"><title>{_e(tip)}</title></rect>'
    )


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

    def axis(self, most: int = 6) -> list[str]:
        """Labels under at most `most` evenly spread slots, the last always among them."""
        count = len(self.labels)
        step = max(1, math.ceil(count / most))
        shown = sorted({*range(0, count, step), count - 1} - {-1})
        return [
            f'<text x="{self.x(i) + self.slot / 2:.1f}" y="{self.plot.bottom + 16}" '
            f'text-anchor="middle">{_e(self.labels[i])}</text>'
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
) -> str:
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
        tip = (
            f"run {run.run_id} ({run.run_type}, {run.status}, {started}): {_number(value)} {label}"
        )
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


def throughput_chart(runs: Sequence[RunPoint]) -> str:
    values = [run.requests_per_second for run in runs]
    return run_bar_chart(
        "chart-throughput", "Requests per second of each run", "requests/s", runs, values
    )


def processed_chart(runs: Sequence[RunPoint]) -> str:
    values = [
        None if run.filings_processed is None else float(run.filings_processed) for run in runs
    ]
    return run_bar_chart(
        "chart-processed", "Filings processed by each run", "filings", runs, values
    )


def queue_chart(runs: Sequence[RunPoint], coverage: Coverage) -> str:
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
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
        body.append(
            f'<polyline class="line" points="{line}" fill="none" stroke="{QUEUE_COLOR}" '
            'stroke-width="2"/>'
        )
    else:
        body.append(note(plot, "No documents crawl recorded its queue: only today's is known"))
    for (index, value), (x, y) in zip(points, xy, strict=True):
        if index == len(runs):
            tip = f"now: {value} filings with artifacts pending or failed ({coverage.queue} artifacts)"
        else:
            tip = f"run {runs[index].run_id}: {value} filings left at its last progress report"
        body.append(
            f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{QUEUE_COLOR}">'
            f"<title>{_e(tip)}</title></circle>"
        )
    return svg("chart-queue", "Filings with documents to fetch, per run and now", plot, body)
