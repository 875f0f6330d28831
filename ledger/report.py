"""Summary and series as text, CSV and JSON (command line, scripts, other tools)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from .balances import Figures, Pace, total_series
from .money import format_cents
from .service import Summary

FIGURE_FIELDS = (
    "authorized_cents",
    "adjustments_cents",
    "committed_cents",
    "disbursed_cents",
    "remaining_authority_cents",
    "undelivered_cents",
    "authorized_minus_disbursed_cents",
)
TOTAL = "Total"


def summary_json(s: Summary) -> str:
    data = {
        "as_of": s.as_of,
        "currency": s.currency,
        "by": s.by,
        "totals": s.totals.as_dict(),
        "pace": s.pace.as_dict(),
        "groups": [{"name": g.name, **g.figures.as_dict(), "pace": g.pace.as_dict()} for g in s.groups],
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def summary_csv(s: Summary) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    pace_cols = ["committed_per_day_30_cents", "committed_per_day_90_cents", "disbursed_per_day_30_cents",
                 "disbursed_per_day_90_cents", "deadline", "needed_commit_per_day_cents", "projected_zero_authority"]
    w.writerow(["as_of", "currency", s.by, *FIGURE_FIELDS, *pace_cols])
    for name, fig, pace in [*((g.name, g.figures, g.pace) for g in s.groups), (TOTAL, s.totals, s.pace)]:
        d = fig.as_dict()
        w.writerow([s.as_of, s.currency, name, *(d[f] for f in FIGURE_FIELDS),
                    pace.committed_per_day_cents[30], pace.committed_per_day_cents[90],
                    pace.disbursed_per_day_cents[30], pace.disbursed_per_day_cents[90],
                    pace.deadline or "", _blank(pace.needed_commit_per_day_cents), pace.projected_zero_authority or ""])
    return out.getvalue()


def _blank(v):
    return "" if v is None else v


def summary_text(s: Summary) -> str:
    cur = s.currency
    heads = ["Authorized", "Adjustments", "Committed", "Disbursed", "Remaining authority", "Undelivered", "Authorized - disbursed"]
    rows = [[g.name, *_money_row(g.figures, cur)] for g in s.groups] + [[TOTAL, *_money_row(s.totals, cur)]]
    label = s.by.replace("_", " ")
    table = _table([label.capitalize(), *heads], rows)
    lines = [f"Balances as of {s.as_of} by {label} ({cur})", "", table, ""]
    lines.append("Pace (per day; last 30 / 90 days):")
    for name, pace in [*((g.name, g.pace) for g in s.groups), (TOTAL, s.pace)]:
        lines.append(f"  {name}: {_pace_text(pace, cur)}")
    return "\n".join(lines) + "\n"


def _money_row(f: Figures, cur: str) -> list[str]:
    d = f.as_dict()
    return [format_cents(d[k], cur) for k in FIGURE_FIELDS]


def _pace_text(p: Pace, cur: str) -> str:
    parts = [
        f"committed {format_cents(p.committed_per_day_cents[30], cur)} / {format_cents(p.committed_per_day_cents[90], cur)}",
        f"disbursed {format_cents(p.disbursed_per_day_cents[30], cur)} / {format_cents(p.disbursed_per_day_cents[90], cur)}",
    ]
    if p.deadline:
        if p.days_to_deadline is not None and p.days_to_deadline > 0:
            parts.append(f"deadline {p.deadline} in {p.days_to_deadline} days, needs "
                         f"{format_cents(p.needed_commit_per_day_cents, cur)}/day to commit the rest")
        else:
            parts.append(f"deadline {p.deadline} passed")
    parts.append(f"reaches zero at this pace: {p.projected_zero_authority or 'not at the current pace'}")
    return "; ".join(parts)


def _table(head: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    fmt = lambda r: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths)))  # noqa: E731
    return "\n".join([fmt(head), "  ".join("-" * w for w in widths), *map(fmt, rows)])


def series_points(per_group: dict[str, list[tuple[str, Figures]]], fill: bool = False, start: str | None = None,
                  end: str | None = None) -> dict[str, list[tuple[str, Figures]]]:
    """Add the Total line; optionally one point per calendar day; clip to [start, end]."""
    groups = dict(sorted(per_group.items(), key=lambda kv: kv[0].casefold()))
    groups[TOTAL] = total_series(per_group)
    out = {}
    for name, points in groups.items():
        if fill and points:
            points = _fill_days(points, end)
        out[name] = [(d, f) for d, f in points if (start is None or d >= start) and (end is None or d <= end)]
    return out


def _fill_days(points: list[tuple[str, Figures]], end: str | None) -> list[tuple[str, Figures]]:
    last_day = dt.date.fromisoformat(max(points[-1][0], end or points[-1][0]))
    filled, i, cur = [], 0, Figures()
    day = dt.date.fromisoformat(points[0][0])
    while day <= last_day:
        iso = day.isoformat()
        while i < len(points) and points[i][0] <= iso:
            cur = points[i][1]
            i += 1
        filled.append((iso, cur))
        day += dt.timedelta(days=1)
    return filled


def series_csv(points: dict[str, list[tuple[str, Figures]]], currency: str, by: str) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["date", by, "currency", *FIGURE_FIELDS])
    for name, pts in points.items():
        for day, fig in pts:
            d = fig.as_dict()
            w.writerow([day, name, currency, *(d[f] for f in FIGURE_FIELDS)])
    return out.getvalue()


def series_json(points: dict[str, list[tuple[str, Figures]]], currency: str, by: str) -> str:
    data = {
        "currency": currency,
        "by": by,
        "series": [{"name": name, "points": [{"date": d, **f.as_dict()} for d, f in pts]} for name, pts in points.items()],
    }
    return json.dumps(data, indent=1, ensure_ascii=False)
