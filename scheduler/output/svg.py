"""Small inline SVG charts for the HTML report, written by hand.

Hand-written SVG rather than matplotlib: a few kilobytes per chart instead of glyph paths,
labels that stay real text (searchable, selectable, crisp in print), output that is the
same on every machine, and no font or backend to configure on a server. Every label that
came from input data is escaped here, because charts are pasted into the page as markup.
"""

from __future__ import annotations

import datetime as dt
import math
from html import escape

from pydantic import BaseModel, ConfigDict

WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 14, 40
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7")
"""Okabe-Ito colours: distinguishable with the common colour-vision deficiencies."""


class Series(BaseModel):
    """One line of a line chart; None is a day without a value (the line breaks there)."""

    model_config = ConfigDict(frozen=True)

    name: str
    values: list[float | None]
    colour: str = PALETTE[0]


def line_chart(
    dates: list[dt.date], series: list[Series], title: str, unit: str = "%", top: float = 100.0
) -> str:
    """Values over the horizon on an axis from 0 to `top`: shares on a fixed 0-100, so
    charts of two plans compare; other values on a `top` the caller picks to divide into
    whole labels (`whole_top`)."""
    parts = [_open(title), *_y_axis(top, unit), *_x_axis(dates)]
    for s in series:
        runs: list[list[str]] = [[]]
        for i, v in enumerate(s.values):
            if v is None:
                runs.append([])
                continue
            x, y = _x(i, len(dates)), _y(v, top)
            runs[-1].append(f"{x:.1f},{y:.1f}")
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{s.colour}">'
                f"<title>{escape(s.name)} {dates[i]:%d/%m}: {v:.1f}{escape(unit)}</title></circle>"
            )
        parts += [
            f'<polyline points="{" ".join(run)}" fill="none" stroke="{s.colour}" stroke-width="2"/>'
            for run in runs
            if len(run) > 1
        ]
    parts.append(_legend([(s.name, s.colour) for s in series]))
    parts.append("</svg>")
    return "".join(parts)


def whole_top(values: list[float]) -> int:
    """The axis top over `values` whose four gridlines fall on whole numbers."""
    return 4 * max(1, math.ceil(max([*values, 1]) / 4))


def bar_chart(dates: list[dt.date], used: list[int], limit: list[int], title: str) -> str:
    """Beds in use per day as bars, the day's capacity as a stepped line over them."""
    top = whole_top([*used, *limit])  # whole-bed gridlines
    n = len(dates)
    band = (WIDTH - LEFT - RIGHT) / max(n, 1)
    parts = [_open(title), *_y_axis(float(top), ""), *_x_axis(dates)]
    for i, v in enumerate(used):
        x = LEFT + i * band + band * 0.15
        y = _y(v, top)
        colour = PALETTE[3] if v > limit[i] else PALETTE[0]
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{band * 0.7:.1f}" '
            f'height="{HEIGHT - BOTTOM - y:.1f}" fill="{colour}">'
            f"<title>{dates[i]:%d/%m}: {v} of {limit[i]} beds</title></rect>"
        )
    steps = []
    for i, cap in enumerate(limit):
        y = _y(cap, top)
        steps += [f"{LEFT + i * band:.1f},{y:.1f}", f"{LEFT + (i + 1) * band:.1f},{y:.1f}"]
    parts.append(
        f'<polyline points="{" ".join(steps)}" fill="none" stroke="{PALETTE[1]}" '
        'stroke-width="2" stroke-dasharray="6 3"/>'
    )
    parts.append(_legend([("beds in use", PALETTE[0]), ("capacity", PALETTE[1])]))
    parts.append("</svg>")
    return "".join(parts)


def heat_colour(value: int, top: int) -> str:
    """White to dark blue by share of `top`; a square root so small bookings still show."""
    if value <= 0 or top <= 0:
        return "#ffffff"
    t = math.sqrt(min(value / top, 1.0))
    r, g, b = (round(255 + (c - 255) * t) for c in (0x08, 0x45, 0x94))
    return f"#{r:02x}{g:02x}{b:02x}"


def heat_text(value: int, top: int) -> str:
    """Text colour that stays readable on `heat_colour(value, top)`."""
    return "#ffffff" if top > 0 and value / top > 0.45 else "#111111"


def _open(title: str) -> str:
    return (
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(title)}" class="chart"><title>{escape(title)}</title>'
    )


def _x(i: int, n: int) -> float:
    band = (WIDTH - LEFT - RIGHT) / max(n, 1)
    return LEFT + (i + 0.5) * band


def _y(value: float, top: float) -> float:
    return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * (value / top if top else 0.0)


def _y_axis(top: float, unit: str) -> list[str]:
    """Five gridlines from 0 to `top`; callers pick a `top` that divides into whole labels."""
    parts = []
    for k in range(5):
        value = top * k / 4
        y = _y(value, top)
        label = f"{value:.0f}{escape(unit)}"
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#dddddd"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">'
            f"{label}</text>"
        )
    return parts


def _x_axis(dates: list[dt.date]) -> list[str]:
    step = max(1, math.ceil(len(dates) / 14))
    return [
        f'<text x="{_x(i, len(dates)):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
        f'font-size="11">{d:%d/%m}</text>'
        for i, d in enumerate(dates)
        if i % step == 0
    ]


def _legend(items: list[tuple[str, str]]) -> str:
    parts = []
    x = LEFT
    for name, colour in items:
        parts.append(
            f'<rect x="{x}" y="{HEIGHT - 14}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16}" y="{HEIGHT - 4}" font-size="11">{escape(name)}</text>'
        )
        x += 24 + 7 * len(name)
    return "".join(parts)
