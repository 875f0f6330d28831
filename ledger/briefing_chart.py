"""The brief's remaining-balance chart as SVG text: vector lines and real text, no raster.

One drawing serves every form of the brief: the HTML holds it inline and the PDF renderer draws the same
SVG (Qt's SVG renderer paints it as vector paths and text into the PDF). Only SVG Tiny features are used
(rect, line, path, text with presentation attributes) so both renderers draw it alike.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import NamedTuple

from .money import format_cents

# Okabe-Ito colours (readable by colour-blind readers), as in the app's chart; the total is black.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")
MARK = "#D55E00"
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"


class ChartLine(NamedTuple):
    name: str
    points: tuple[tuple[str, int], ...]  # (ISO day, cents) after each day the value changed
    bold: bool = False


def _ordinal(day: str) -> int:
    return dt.date.fromisoformat(day).toordinal()


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / ticks
    mag = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def _x_ticks(start: int, end: int) -> list[tuple[int, str]]:
    d0, d1 = dt.date.fromordinal(start), dt.date.fromordinal(end)
    months = 12 if (end - start) > 2 * 365 else 3 if (end - start) > 180 else 1
    out = []
    y, m = d0.year, 1
    while True:
        day = dt.date(y, m, 1)
        if day > d1:
            break
        if day >= d0 and (m - 1) % months == 0:
            out.append((day.toordinal(), str(y) if m == 1 and months == 12 else day.strftime("%Y-%m")))
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return out


def chart_svg(lines: tuple[ChartLine, ...], marks: tuple[tuple[str, int, str], ...], start: str, as_of: str,
              currency: str, width: int = 680, height: int = 250) -> str:
    """Step lines of each group's remaining authority up to `as_of`, the reported balances as diamonds."""
    e = lambda t: html.escape(str(t), quote=True)  # noqa: E731
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" version="1.2" baseProfile="tiny" width="{width}" '
           f'height="{height}" viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="9">',
           '<title>Remaining authority over time</title>']
    left, right, top, bottom = 72, 170, 8, 22
    pw, ph = width - left - right, height - top - bottom
    out.append(f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#888" stroke-width="0.6"/>')
    if not lines or not start:
        out.append(f'<text x="{left + pw / 2:.1f}" y="{top + ph / 2:.1f}" text-anchor="middle" fill="#555">'
                   f'Nothing recorded on or before {e(as_of)}</text></svg>')
        return "".join(out)
    x0, x1 = _ordinal(start), max(_ordinal(as_of), _ordinal(start) + 1)
    values = [c for ln in lines for _d, c in ln.points] + [c for d, c, _t in marks]
    lo, hi = min(0, *values), max(1, *values)
    step = _nice_step((hi - lo) / 100.0) * 100
    lo = (lo // step) * step
    hi = -(-hi // step) * step
    sx = lambda o: left + (o - x0) / (x1 - x0) * pw  # noqa: E731
    sy = lambda c: top + ph - (c - lo) / (hi - lo) * ph  # noqa: E731
    v = lo
    while v <= hi:
        y = sy(v)
        colour, w = ("#555", 0.8) if v == 0 else ("#ddd", 0.5)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" stroke="{colour}" stroke-width="{w}"/>')
        out.append(f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end" fill="#333">{e(format_cents(int(v), currency))}</text>')
        v += step
    for o, label in _x_ticks(x0, x1):
        x = sx(o)
        out.append(f'<line x1="{x:.1f}" y1="{top + ph}" x2="{x:.1f}" y2="{top + ph + 3}" stroke="#555" stroke-width="0.6"/>')
        out.append(f'<text x="{x:.1f}" y="{top + ph + 13}" text-anchor="middle" fill="#333">{e(label)}</text>')
    colours = iter(COLOURS * (1 + len(lines) // len(COLOURS)))
    legend = []
    for ln in lines:
        colour = "#000000" if ln.bold else next(colours)
        d = []
        for i, (day, cents) in enumerate(ln.points):
            x, y = sx(_ordinal(day)), sy(cents)
            d.append(f"M{x:.1f} {y:.1f}" if i == 0 else f"H{x:.1f}V{y:.1f}")
        d.append(f"H{sx(x1):.1f}")
        out.append(f'<path d="{"".join(d)}" fill="none" stroke="{colour}" stroke-width="{2.2 if ln.bold else 1.2}"/>')
        legend.append((ln.name, colour, ln.bold))
    for day, cents, _label in marks:
        x, y = sx(_ordinal(day)), sy(cents)
        out.append(f'<path d="M{x:.1f} {y - 4:.1f}L{x + 4:.1f} {y:.1f}L{x:.1f} {y + 4:.1f}L{x - 4:.1f} {y:.1f}Z" '
                   f'fill="{MARK}" stroke="#333" stroke-width="0.5"/>')
    if marks:
        legend.append(("Reported balance", MARK, None))
    lx, ly = left + pw + 10, top + 8
    for name, colour, bold in legend[: int(ph // 13)]:
        if bold is None:
            out.append(f'<path d="M{lx + 9} {ly - 7}L{lx + 13} {ly - 3}L{lx + 9} {ly + 1}L{lx + 5} {ly - 3}Z" fill="{colour}"/>')
        else:
            out.append(f'<line x1="{lx}" y1="{ly - 3}" x2="{lx + 18}" y2="{ly - 3}" stroke="{colour}" '
                       f'stroke-width="{2.2 if bold else 1.4}"/>')
        out.append(f'<text x="{lx + 23}" y="{ly}" fill="#111">{e(name)}</text>')
        ly += 13
    out.append("</svg>")
    return "".join(out)
