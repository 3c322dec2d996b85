"""Server-side SVG charts: readable without JavaScript, embedded straight into the page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from html import escape
from math import ceil

PALETTE = ("#1f6feb", "#e36209", "#2da44e", "#a371f7", "#d1242f", "#bf8700", "#0a7ea4", "#8250df", "#57606a")
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 720, 240, 48, 40, 28
MAX_SERIES = 8
#: The most period labels under an axis before only every n-th is written.
MAX_LABELS = 12
#: The legend: two columns, a line each, nothing cut.
LEGEND_COLUMNS, LEGEND_LINE = 2, 16
#: A period's key and how it is written (``2026-W49`` -> ``vk 49/2026``).
Label = Callable[[str], str]


def stacked_bars(rows: list[tuple[str, str, int]], title: str, period: Label, value: Label, other: str) -> str:
    """Bars per period, stacked by value (the largest values; the rest as ``other``)."""
    periods = sorted({when for when, _, _ in rows})
    totals: dict[str, int] = defaultdict(int)
    for _, name, count in rows:
        totals[name] += count
    kept = sorted(totals, key=lambda name: -totals[name])[:MAX_SERIES]
    stacks: dict[str, dict[str, int]] = {when: defaultdict(int) for when in periods}
    for when, name, count in rows:
        stacks[when][name if name in kept else ""] += count
    series = [*kept, *([""] if len(totals) > len(kept) else [])]
    highest = max((sum(stack.values()) for stack in stacks.values()), default=0) or 1
    step = (WIDTH - LEFT - 10) / max(len(periods), 1)
    parts = [_frame(title, str(highest))]
    for index, when in enumerate(periods):
        x = LEFT + index * step + step * 0.1
        y = float(HEIGHT - BOTTOM)
        for number, name in enumerate(series):
            count = stacks[when].get(name, 0)
            if not count:
                continue
            height = count / highest * (HEIGHT - BOTTOM - TOP)
            y -= height
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.8:.1f}" height="{height:.1f}" '
                f'fill="{PALETTE[number % len(PALETTE)]}">'
                f"<title>{escape(period(when))} {escape(value(name) if name else other)}: {count}</title></rect>"
            )
    parts.append(_period_labels(periods, period))
    names = [value(name) if name else other for name in series]
    return _svg(parts, title, _legend(names))


def rate_line(rows: list[tuple[str, int, int]], title: str, period: Label, percent: Callable[[float], str]) -> str:
    """The share of unanswered questions per period: a point in the middle of each period with
    its percentage written above it, joined by a line when there are several."""
    step = (WIDTH - LEFT - 10) / max(len(rows), 1)
    points = []
    for index, (_, total, fallbacks) in enumerate(rows):
        share = fallbacks / total if total else 0.0
        points.append((LEFT + (index + 0.5) * step, HEIGHT - BOTTOM - share * (HEIGHT - BOTTOM - TOP), share))
    parts = [_frame(title, percent(1.0))]
    if len(points) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{PALETTE[4]}" stroke-width="2"/>')
    written = _every(len(rows))
    for index, ((x, y, share), (when, total, fallbacks)) in enumerate(zip(points, rows, strict=True)):
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{PALETTE[4]}"><title>{escape(period(when))}: '
            f"{fallbacks}/{total} ({escape(percent(share))})</title></circle>"
        )
        if index % written == 0:
            parts.append(
                f'<text class="share" x="{x:.1f}" y="{y - 8:.1f}" font-size="11" text-anchor="middle">'
                f"{escape(percent(share))}</text>"
            )
    parts.append(_period_labels([when for when, _, _ in rows], period))
    return _svg(parts, title, "")


def _every(count: int) -> int:
    """Write every n-th label so that at most MAX_LABELS stand under an axis."""
    return max(1, ceil(count / MAX_LABELS))


def _period_labels(periods: list[str], period: Label) -> str:
    step = (WIDTH - LEFT - 10) / max(len(periods), 1)
    written = _every(len(periods))
    return "".join(
        f'<text class="period" x="{LEFT + (index + 0.5) * step:.1f}" y="{HEIGHT - BOTTOM + 16}" font-size="11" '
        f'text-anchor="middle">{escape(period(when))}</text>'
        for index, when in enumerate(periods)
        if index % written == 0
    )


def _frame(title: str, highest: str) -> str:
    base = HEIGHT - BOTTOM
    return (
        f'<text x="{LEFT}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>'
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{base}" stroke="#888"/>'
        f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - 10}" y2="{base}" stroke="#888"/>'
        f'<text x="{LEFT - 4}" y="{TOP + 4}" font-size="10" text-anchor="end">{escape(highest)}</text>'
        f'<text x="{LEFT - 4}" y="{base}" font-size="10" text-anchor="end">0</text>'
    )


def _legend(names: list[str]) -> str:
    column = (WIDTH - LEFT) / LEGEND_COLUMNS
    items = []
    for number, name in enumerate(names):
        x = LEFT + (number % LEGEND_COLUMNS) * column
        y = HEIGHT + 4 + (number // LEGEND_COLUMNS) * LEGEND_LINE
        items.append(
            f'<rect x="{x:.0f}" y="{y - 9}" width="10" height="10" fill="{PALETTE[number % len(PALETTE)]}"/>'
            f'<text class="legend" x="{x + 14:.0f}" y="{y}" font-size="11">{escape(name)}</text>'
        )
    return "".join(items)


def _svg(parts: list[str], title: str, legend: str) -> str:
    lines = legend.count("<rect")
    height = HEIGHT + ceil(lines / LEGEND_COLUMNS) * LEGEND_LINE + 4
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" class="chart">{"".join(parts)}{legend}</svg>'
    )
