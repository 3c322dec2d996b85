"""Server-side SVG charts: readable without JavaScript, embedded straight into the page."""

from __future__ import annotations

from collections import defaultdict
from html import escape

PALETTE = ("#1f6feb", "#e36209", "#2da44e", "#a371f7", "#d1242f", "#bf8700", "#0a7ea4", "#8250df", "#57606a")
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 720, 260, 40, 60, 20
MAX_SERIES = 8


def stacked_bars(rows: list[tuple[str, str, int]], title: str) -> str:
    """Bars per period, stacked by value (the largest values; the rest as 'other')."""
    periods = sorted({period for period, _, _ in rows})
    totals: dict[str, int] = defaultdict(int)
    for _, value, count in rows:
        totals[value] += count
    kept = sorted(totals, key=lambda value: -totals[value])[:MAX_SERIES]
    stacks: dict[str, dict[str, int]] = {period: defaultdict(int) for period in periods}
    for period, value, count in rows:
        stacks[period][value if value in kept else "other"] += count
    series = [*kept, *(["other"] if len(totals) > len(kept) else [])]
    highest = max((sum(stack.values()) for stack in stacks.values()), default=0) or 1
    plot_width = WIDTH - LEFT - 10
    step = plot_width / max(len(periods), 1)
    parts = [_frame(title, highest)]
    for index, period in enumerate(periods):
        x = LEFT + index * step + step * 0.1
        y = float(HEIGHT - BOTTOM)
        for number, value in enumerate(series):
            count = stacks[period].get(value, 0)
            if not count:
                continue
            height = count / highest * (HEIGHT - BOTTOM - TOP)
            y -= height
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.8:.1f}" height="{height:.1f}" '
                f'fill="{PALETTE[number % len(PALETTE)]}">'
                f"<title>{escape(period)} {escape(value)}: {count}</title></rect>"
            )
        parts.append(
            f'<text x="{x + step * 0.4:.1f}" y="{HEIGHT - BOTTOM + 14}" font-size="10" text-anchor="middle">'
            f"{escape(period[-5:])}</text>"
        )
    parts.append(_legend(series))
    return _svg(parts, title)


def rate_line(rows: list[tuple[str, int, int]], title: str) -> str:
    """The share of fallbacks per period, as a line with its points."""
    plot_width = WIDTH - LEFT - 10
    step = plot_width / max(len(rows) - 1, 1)
    points = []
    for index, (_, total, fallbacks) in enumerate(rows):
        share = fallbacks / total if total else 0.0
        points.append((LEFT + index * step, HEIGHT - BOTTOM - share * (HEIGHT - BOTTOM - TOP), share))
    parts = [_frame(title, 100, unit="%")]
    if points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{PALETTE[4]}" stroke-width="2"/>')
        for (x, y, share), (period, total, fallbacks) in zip(points, rows, strict=True):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{PALETTE[4]}"><title>{escape(period)}: '
                f"{fallbacks}/{total} ({share:.0%})</title></circle>"
            )
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 14}" font-size="10" text-anchor="middle">'
                f"{escape(period[-5:])}</text>"
            )
    return _svg(parts, title)


def _frame(title: str, highest: int, unit: str = "") -> str:
    base = HEIGHT - BOTTOM
    return (
        f'<text x="{LEFT}" y="14" font-size="13" font-weight="bold">{escape(title)}</text>'
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{base}" stroke="#888"/>'
        f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - 10}" y2="{base}" stroke="#888"/>'
        f'<text x="{LEFT - 4}" y="{TOP + 4}" font-size="10" text-anchor="end">{highest}{unit}</text>'
        f'<text x="{LEFT - 4}" y="{base}" font-size="10" text-anchor="end">0</text>'
    )


def _legend(series: list[str]) -> str:
    items = []
    for number, value in enumerate(series):
        x = LEFT + (number % 6) * 110
        y = HEIGHT - 28 + (number // 6) * 14
        items.append(
            f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{PALETTE[number % len(PALETTE)]}"/>'
            f'<text x="{x + 14}" y="{y}" font-size="11">{escape(value[:16])}</text>'
        )
    return "".join(items)


def _svg(parts: list[str], title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}">{"".join(parts)}</svg>'
    )
