"""What a brief says: the ledger as a report a person can hand over (`report` command, File > Export
briefing… and File > Print…).

`build` gathers everything a brief states from the service facade (figures from `Ledger.summary`, the
chart's lines from `Ledger.series`, the fingerprint); `to_html` lays it out as one self-contained HTML
page. The PDF and the printout are drawn from the same HTML by the app's Qt renderer (ui/briefing_pdf.py),
so every form of a brief holds the same text. Nothing here reads the clock except the default as-of date
and the "after today" note: the same ledger state and as-of date give the same text.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__, balances
from .briefing_chart import ChartLine, chart_svg
from .errors import LedgerError
from .model import BALANCES
from .money import format_cents
from .papers import PAPERS

if TYPE_CHECKING:
    from .service import Ledger, Summary

RECENT_DAYS = 90
# (label, Figures attribute): the headline figures, in the order `summary` prints its columns.
HEADLINE = (
    ("Authorized", "authorized_cents"),
    ("Committed", "committed_cents"),
    ("Disbursed", "disbursed_cents"),
    ("Remaining authority", "remaining_authority_cents"),
    ("Undelivered", "undelivered_cents"),
    ("Authorized - disbursed", "authorized_minus_disbursed_cents"),
)
BALANCE_LABELS = {"remaining_authority": "Remaining authority", "undelivered": "Undelivered",
                  "authorized_minus_disbursed": "Authorized - disbursed"}
GROUP_LABELS = {"authority": "Authority", "program": "Program", "system_type": "System type"}


@dataclass(frozen=True)
class GroupRow:
    name: str
    remaining: str
    deadline: str
    pace_30: str
    pace_needed: str
    projected_zero: str
    cites: tuple[int, ...] = ()


@dataclass(frozen=True)
class ObservationRow:
    day: str
    what: str
    reported_by: str
    reported: str
    derived: str
    gap: str
    cites: tuple[int, ...] = ()


@dataclass(frozen=True)
class PackageRow:
    number: str
    day: str
    authority: str
    value: str
    cites: tuple[int, ...] = ()


@dataclass(frozen=True)
class AdjustmentRow:
    day: str
    scope: str
    kind: str
    effect: str
    reason: str
    cites: tuple[int, ...] = ()


@dataclass(frozen=True)
class SourceRow:
    number: int
    title: str
    reference: str
    published: str


@dataclass(frozen=True)
class Brief:
    title: str
    as_of: str
    by: str
    currency: str
    paper: str
    fingerprint: str
    version: str
    notes: tuple[str, ...] = ()  # what a reader must know about the as-of date or the ledger
    empty: bool = False
    headline: tuple[tuple[str, str], ...] = ()
    total: GroupRow | None = None
    groups: tuple[GroupRow, ...] = ()
    observations: tuple[ObservationRow, ...] = ()
    packages: tuple[PackageRow, ...] = ()
    packages_total: str = ""
    adjustments: tuple[AdjustmentRow, ...] = ()
    later_adjustments: int = 0
    sources: tuple[SourceRow, ...] = ()
    chart: tuple[ChartLine, ...] = ()
    chart_marks: tuple[tuple[str, int, str], ...] = ()  # reported balances: day, cents, label
    chart_start: str = ""

    @property
    def group_label(self) -> str:
        return GROUP_LABELS[self.by]

    def svg(self, width: int = 680, height: int = 210) -> str:
        """The remaining-balance chart as SVG (vector graphics: the HTML holds it inline, the PDF draws it)."""
        return chart_svg(self.chart, self.chart_marks, self.chart_start, self.as_of, self.currency, width, height)


class _Sources:
    """Numbers sources in the order the brief first cites them."""

    def __init__(self, ledger: Ledger):
        self.ledger = ledger
        self.numbers: dict[int, int] = {}

    def cite(self, *source_ids: int | None) -> tuple[int, ...]:
        out = []
        for sid in source_ids:
            if sid is None:
                continue
            if sid not in self.numbers:
                self.numbers[sid] = len(self.numbers) + 1
            if self.numbers[sid] not in out:
                out.append(self.numbers[sid])
        return tuple(sorted(out))

    def rows(self) -> tuple[SourceRow, ...]:
        out = []
        for sid, n in sorted(self.numbers.items(), key=lambda kv: kv[1]):
            s = self.ledger.get("source", sid)
            out.append(SourceRow(n, s.title, s.url or "", s.published_on.isoformat() if s.published_on else ""))
        return tuple(out)


def build(ledger: Ledger, as_of: str | None = None, by: str = "authority", paper: str = "a4",
          today: dt.date | None = None) -> Brief:
    """Everything a brief states about `ledger` as of a date (default: today), grouped `by`."""
    today = today or dt.date.today()
    as_of = as_of or today.isoformat()
    if paper not in PAPERS:
        raise ValueError(f"unknown paper {paper!r}")
    cur = ledger.currency
    common = dict(title=" ".join((ledger.meta("name") or "").split()) or (ledger.path.stem if ledger.path else "Ledger"), as_of=as_of, by=by,
                  currency=cur, paper=paper, fingerprint=ledger.fingerprint(), version=__version__)
    moves = ledger.movements(by)
    if not moves and not ledger.count("observation"):
        return Brief(**common, empty=True,
                     notes=("This ledger holds no authorities, packages, deliveries, adjustments or reported figures "
                            "yet: there is nothing to report.",))
    notes = []
    first = min((m.day for m in moves), default=None)
    if first and as_of < first:
        notes.append(f"The as-of date {as_of} is before the ledger's first record ({first}): every figure is zero.")
    if as_of > today.isoformat():
        notes.append(f"The as-of date {as_of} is after the day this brief was made ({today.isoformat()}): "
                     "it counts only what the ledger held then.")
    s = ledger.summary(as_of, by)
    sources = _Sources(ledger)
    group_sources = _group_sources(ledger, by)
    groups = tuple(_group_row(g.name, g.figures, g.pace, cur, sources.cite(*group_sources.get(g.name, ())))
                   for g in s.groups)
    total = _group_row("Total", s.totals, s.pace, cur)
    observations = _observations(ledger, as_of, cur, sources)
    packages, packages_total = _recent_packages(ledger, as_of, cur, sources)
    adjustments = tuple(_adjustment_row(ledger, a, cur, sources)
                        for a in ledger.records("adjustment", "adjusted_on <= ?", [as_of], "adjusted_on, id"))
    later = ledger.count("adjustment", "adjusted_on > ?", [as_of])
    chart, start = _chart_lines(ledger, s, by, as_of)
    marks = tuple((o.observed_on.isoformat(), o.value_cents, o.metric)
                  for o in ledger.records("observation", "balance = 'remaining_authority' AND observed_on <= ?",
                                          [as_of], "observed_on, id")
                  if not start or o.observed_on.isoformat() >= start)
    return Brief(
        **common,
        notes=tuple(notes),
        headline=tuple((label, format_cents(getattr(s.totals, attr), cur)) for label, attr in HEADLINE),
        total=total,
        groups=groups,
        observations=observations,
        packages=packages,
        packages_total=packages_total,
        adjustments=adjustments,
        later_adjustments=later,
        sources=sources.rows(),
        chart=chart,
        chart_marks=marks,
        chart_start=start,
    )


def _group_row(name: str, fig: balances.Figures, pace: balances.Pace, cur: str, cites: tuple[int, ...] = ()) -> GroupRow:
    if not pace.deadline:
        deadline = ""
    elif pace.days_to_deadline is not None and pace.days_to_deadline > 0:
        deadline = f"{pace.deadline}, in {pace.days_to_deadline} days"
    else:
        deadline = f"{pace.deadline}, passed"
    needed = pace.needed_commit_per_day_cents
    return GroupRow(
        name=name,
        remaining=format_cents(fig.remaining_authority_cents, cur),
        deadline=deadline,
        pace_30=f"{format_cents(pace.committed_per_day_cents[30], cur)}/day",
        pace_needed=f"{format_cents(needed, cur)}/day" if needed is not None else "",
        projected_zero=pace.projected_zero_authority or "not at this pace",
        cites=cites,
    )


def _group_sources(ledger: Ledger, by: str) -> dict[str, list[int | None]]:
    """Per group, the sources of the authorities it holds (a system type holds none)."""
    out: dict[str, list[int | None]] = {}
    if by == "system_type":
        return out
    for a in ledger.records("authority", order_by="available_from, id"):
        out.setdefault(a.name if by == "authority" else a.program, []).append(a.source_id)
    return out


def _observations(ledger: Ledger, as_of: str, cur: str, sources: _Sources) -> tuple[ObservationRow, ...]:
    """The latest reported balance per scope (balance, program, authority), beside the derived one on the same
    day and the gap between them (reported - derived)."""
    latest = {}
    for o in ledger.records("observation", "balance IS NOT NULL AND observed_on <= ?", [as_of], "observed_on, id"):
        if o.balance in BALANCES:
            latest[(o.balance, o.program, o.authority_id)] = o
    if not latest:
        return ()
    per_authority = ledger.series("authority")
    per_program = ledger.series("program")
    total = balances.total_series(per_program)
    names = ledger.labels("authority", [o.authority_id for o in latest.values() if o.authority_id is not None])
    rows = []
    for o in sorted(latest.values(), key=lambda o: (o.observed_on, o.id)):
        day = o.observed_on.isoformat()
        if o.authority_id is not None:
            points = per_authority.get(names[o.authority_id], [])
        elif o.program:
            points = per_program.get(o.program, [])
        else:
            points = total
        derived = getattr(balances.value_at(points, day), f"{o.balance}_cents")
        scope = o.scope or (names.get(o.authority_id) if o.authority_id is not None else o.program) or "all"
        rows.append(ObservationRow(
            day=day + (" (approx.)" if o.date_precision and o.date_precision != "exact" else ""),
            what=f"{BALANCE_LABELS[o.balance]}: {scope}",
            reported_by=o.reported_by or "",
            reported=format_cents(o.value_cents, cur),
            derived=format_cents(derived, cur),
            gap=format_cents(o.value_cents - derived, cur),
            cites=sources.cite(o.source_id),
        ))
    return tuple(rows)


def _recent_packages(ledger: Ledger, as_of: str, cur: str, sources: _Sources) -> tuple[tuple[PackageRow, ...], str]:
    start = (dt.date.fromisoformat(as_of) - dt.timedelta(days=RECENT_DAYS)).isoformat()
    pkgs = ledger.records("package", "announced_on > ? AND announced_on <= ?", [start, as_of], "announced_on, id")
    names = ledger.labels("authority", {p.authority_id for p in pkgs})
    rows = tuple(PackageRow(p.number, p.announced_on.isoformat(), names.get(p.authority_id, ""),
                            format_cents(p.value_cents, cur), sources.cite(p.source_id)) for p in pkgs)
    return rows, format_cents(sum(p.value_cents for p in pkgs), cur)


def _adjustment_row(ledger: Ledger, a, cur: str, sources: _Sources) -> AdjustmentRow:
    from .movements import adjustment_effect

    scope = ledger.labels("authority", [a.authority_id])[a.authority_id] if a.authority_id is not None else f"{a.program} (no authority)"
    effect = adjustment_effect(a.kind, a.amount_cents)
    text = format_cents(effect, cur) if effect else "no amount"
    if effect > 0:
        text = "+" + text
    if a.new_deadline:
        text += f"; deadline {a.new_deadline.isoformat()}"
    return AdjustmentRow(a.adjusted_on.isoformat(), scope, a.kind, text, a.reason, sources.cite(a.source_id))


def _chart_lines(ledger: Ledger, s: Summary, by: str, as_of: str) -> tuple[tuple[ChartLine, ...], str]:
    """Remaining authority over time, per group and in total, up to the as-of date."""
    per_group = ledger.series(by)
    order = [g.name for g in s.groups]
    lines = []
    for name, points in [*((n, per_group.get(n, [])) for n in order), ("Total", balances.total_series(per_group))]:
        pts = tuple((d, f.remaining_authority_cents) for d, f in points if d <= as_of)
        if pts:
            lines.append(ChartLine(name, pts, name == "Total"))
    start = min((ln.points[0][0] for ln in lines), default="")
    return tuple(lines), start


# -- HTML ----------------------------------------------------------------------------------------

CSS = """
body { font-family: 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif; font-size: 8.5pt; color: #111; }
h1 { font-size: 15pt; margin: 0 0 2pt 0; }
h2 { font-size: 11pt; margin: 10pt 0 3pt 0; }
p { margin: 2pt 0 4pt 0; }
p.note { color: #8a2d00; }
table { border-collapse: collapse; margin: 2pt 0 6pt 0; }
th, td { border: 1px solid #999; padding: 3px; vertical-align: top; }
th { background: #e8e8e8; text-align: left; font-weight: bold; }
td.n { text-align: right; white-space: nowrap; }
span.name { white-space: nowrap; }
tr.total td { font-weight: bold; }
table.headline td { border: none; padding: 2px 24px 2px 0; }
table.headline td.n { font-size: 12pt; font-weight: bold; text-align: left; padding-right: 40px; }
.small { font-size: 8pt; color: #333; }
.mono { font-family: 'DejaVu Sans Mono', monospace; font-size: 8pt; }
h2.next { page-break-before: always; }
"""


TABLE_ATTRS = 'width="100%" cellspacing="0" cellpadding="3"'


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _cite(numbers: tuple[int, ...]) -> str:
    return f" <span class=\"small\">[{', '.join(map(str, numbers))}]</span>" if numbers else ""


def _table(head: list[str], rows: list[list[str]], numeric: set[int], total: list[str] | None = None) -> str:
    """A table of cells holding HTML already escaped; columns in `numeric` are right-aligned."""
    def row(cells: list[str], tr: str = "<tr>") -> str:
        return tr + "".join(f'<td class="n">{c}</td>' if i in numeric else f"<td>{c}</td>" for i, c in enumerate(cells)) + "</tr>"

    # cellpadding/cellspacing: Qt's rich text reads these attributes, not CSS padding, for table cells.
    out = [f"<table {TABLE_ATTRS}><tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr>"]
    out += [row(r) for r in rows]
    if total is not None:
        out.append(row(total, '<tr class="total">'))
    out.append("</table>")
    return "\n".join(out)


def to_html(brief: Brief, chart: str | None = None, page_css: bool = True) -> str:
    """The brief as one HTML page. `chart` is the chart's markup (default: the inline SVG); the Qt renderer
    gives a placeholder it draws the chart over, as Qt's HTML has no SVG."""
    chart = brief.svg() if chart is None else chart
    paper = "A4" if brief.paper == "a4" else "letter"
    css = CSS + (f"@page {{ size: {paper}; margin: 15mm; }}\n@media print {{ h2.next {{ break-before: page; }} }}\n"
                 if page_css else "")
    parts = [
        "<!DOCTYPE html>",
        "<html lang=\"en\"><head><meta charset=\"utf-8\">",
        f"<title>{_e(brief.title)}: brief as of {_e(brief.as_of)}</title>",
        f"<style>{css}</style></head><body>",
        f"<h1>{_e(brief.title)}</h1>",
        f"<p><b>Brief as of {_e(brief.as_of)}</b> · by {_e(brief.group_label.lower())} · {_e(brief.currency)}</p>",
    ]
    parts += [f"<p class=\"note\">{_e(n)}</p>" for n in brief.notes]
    if brief.empty:
        parts += [_fingerprint_html(brief), "</body></html>"]
        return "\n".join(parts) + "\n"
    cells = [f"<td>{_e(label)}</td><td class=\"n\">{_e(value)}</td>" for label, value in brief.headline]
    parts.append("<table class=\"headline\" cellspacing=\"0\" cellpadding=\"2\">" + "".join(
        "<tr>" + cells[i] + (cells[i + 3] if i + 3 < len(cells) else "") + "</tr>" for i in range(3)) + "</table>")
    parts.append("<h2>Remaining authority over time</h2>")
    parts.append(f"<p>{chart}</p>")
    parts.append(f"<p class=\"small\">Remaining authority (authorized + adjustments - committed) after every day "
                 f"something changed, up to {_e(brief.as_of)}; the bold line is the total, diamonds are reported "
                 "remaining balances.</p>")
    parts.append(f"<h2>By {_e(brief.group_label.lower())}</h2>")
    parts.append(_table(
        [brief.group_label, "Remaining authority", "Deadline", "Pace, last 30 days", "Pace needed",
         "Reaches zero"],
        [_group_cells(g) for g in brief.groups], {1, 3, 4, 5}, _group_cells(brief.total) if brief.total else None))
    parts.append("<p class=\"small\">Pace: committed per day over the last 30 days. Pace needed: committed per day "
                 "that would use the remaining authority by the deadline. Reaches zero: the day the remaining "
                 "authority is used up at the 30-day pace. Numbers in brackets are sources.</p>")
    parts.append("<h2>Reported figures beside the derived ones</h2>")
    if brief.observations:
        parts.append(_table(
            ["Reported on", "Balance", "Reported by", "Reported", "Derived (same day)", "Gap"],
            [[_e(o.day), _e(o.what) + _cite(o.cites), _e(o.reported_by), _e(o.reported), _e(o.derived), _e(o.gap)]
             for o in brief.observations], {3, 4, 5}))
        parts.append("<p class=\"small\">The latest reported figure for each scope up to the as-of date; "
                     "gap = reported - derived.</p>")
    else:
        parts.append("<p>No balance was reported on or before this date.</p>")
    parts.append(f"<h2 class=\"next\">Packages announced in the {RECENT_DAYS} days before {_e(brief.as_of)}</h2>")
    if brief.packages:
        parts.append(_table(
            ["Package", "Announced", "Authority", "Value"],
            [[_e(p.number) + _cite(p.cites), _e(p.day), _e(p.authority), _e(p.value)] for p in brief.packages],
            {3}, [f"{len(brief.packages)} packages", "", "", _e(brief.packages_total)]))
    else:
        parts.append("<p>None.</p>")
    parts.append("<h2>Adjustments</h2>")
    if brief.adjustments:
        parts.append(_table(
            ["Date", "Authority", "Kind", "Effect on remaining authority", "Reason"],
            [[_e(a.day), _e(a.scope), _e(a.kind), _e(a.effect), _e(a.reason) + _cite(a.cites)] for a in brief.adjustments],
            {3}))
    else:
        parts.append("<p>None on or before this date.</p>")
    if brief.later_adjustments:
        parts.append(f"<p class=\"small\">{brief.later_adjustments} later adjustment"
                     f"{'s are' if brief.later_adjustments > 1 else ' is'} not counted.</p>")
    parts.append("<h2>Sources</h2>")
    if brief.sources:
        parts.append(f"<table {TABLE_ATTRS}>" + "".join(
            f"<tr><td>[{s.number}]</td><td>{_e(s.title)}"
            + (f" ({_e(s.published)})" if s.published else "")
            + (f"<br><span class=\"small\">{_e(s.reference)}</span>" if s.reference else "") + "</td></tr>"
            for s in brief.sources) + "</table>")
    else:
        parts.append("<p>No source is recorded for the figures above.</p>")
    parts.append("<h2>Method</h2>")
    parts += [f"<p>{_e(t)}</p>" for t in METHOD]
    parts += [_fingerprint_html(brief), "</body></html>"]
    return "\n".join(parts) + "\n"


METHOD = (
    "Authorized: ceilings and appropriations available by the date. Committed: packages announced or contracts "
    "obligated against an authority. Disbursed: what was delivered or paid. Adjustments: revaluations, rescissions, "
    "expiries and preservations, each with a reason and a source.",
    "Derived, never typed in: remaining authority = authorized + adjustments - committed (what can still be "
    "announced); undelivered = committed - disbursed; authorized - disbursed is the headline. Every figure counts "
    "what is dated on or before the as-of date.",
    "Pace: committed per day over the last 30 days; the pace needed to commit the remaining authority by the "
    "deadline (an authority's expiry, moved by a preservation; for the total, the ledger's default deadline); the "
    "day the remaining authority reaches zero at the 30-day pace.",
    "Reported figures are balances someone published on a date. They are kept beside the derived ones, never in "
    "place of them: the gap shows where the records and the reports disagree.",
)


def _group_cells(g: GroupRow) -> list[str]:
    return [f"<span class=\"name\">{_e(g.name)}</span>" + _cite(g.cites), _e(g.remaining), _e(g.deadline), _e(g.pace_30), _e(g.pace_needed),
            _e(g.projected_zero)]


def _fingerprint_html(brief: Brief) -> str:
    return ("<h2>Fingerprint</h2><p>SHA-256 of the ledger's records, made with Aid Ledger "
            f"{_e(brief.version)}:</p><p class=\"mono\">{_e(brief.fingerprint)}</p>"
            "<p class=\"small\">The same records give the same fingerprint; any change to them gives another.</p>")


def write_file(path: str | os.PathLike, data: bytes) -> None:
    """Write all of `data` or nothing: a temporary file beside the target, then a rename."""
    target = Path(path)
    if target.is_dir():
        raise LedgerError(f"cannot write {target}: it is a folder")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as exc:
        raise LedgerError(f"cannot write {target}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise LedgerError(f"cannot write {target}: {exc.strerror or exc}") from None


__all__ = ["Brief", "build", "to_html", "write_file", "PAPERS"]
