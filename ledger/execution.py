"""Reported execution figures beside the derived ones: pure functions, no database.

A reported figure is what someone said a scope (an authority, or a whole program; a share also by
system type) had obligated, distributed, disbursed, delivered or had left, as of a date. The ledger
derives its own figures from packages and deliveries. The two sit side by side and are never summed
or netted: the gap between them is the point. Each measure compares with one derived figure:

- obligated -> committed (what packages and contracts announced);
- disbursed and delivered (a value) -> disbursed;
- remaining funds -> remaining authority;
- distributed -> nothing: it is a budget step (funds passed to the components that spend them), not
  a payment, so it is never compared with, or counted as, disbursed;
- delivered share (percent) -> disbursed / committed by value, for a system type that has values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .balances import Figures, value_at
from .model import NOT_ATTRIBUTED, ReportedFigure

SHARE = "delivered share"
DERIVED: dict[str, str | None] = {
    "obligated": "committed_cents",
    "distributed": None,
    "disbursed": "disbursed_cents",
    "delivered": "disbursed_cents",
    "delivered share": None,
    "remaining funds": "remaining_authority_cents",
}
DERIVED_LABEL = {
    "committed_cents": "committed",
    "disbursed_cents": "disbursed",
    "remaining_authority_cents": "remaining authority",
}

Series = dict[str, list[tuple[str, Figures]]]


def scope_name(fig: ReportedFigure, authority_names: dict[int, str]) -> str:
    """The authority a figure is for, or its program when it names none."""
    return authority_names[fig.authority_id] if fig.authority_id is not None else fig.program


def chart_group(fig: ReportedFigure, by: str, authority_names: dict[int, str]) -> str | None:
    """The chart line of the same scope: an authority's line per authority, a program's per program
    (only figures for the whole program), none per system type (a money figure there has no line)."""
    if by == "authority":
        return authority_names[fig.authority_id] if fig.authority_id is not None else None
    if by == "program":
        return fig.program if fig.authority_id is None else None
    return None


@dataclass(frozen=True)
class Comparison:
    """The latest reported figure of a measure for a scope, and the derived one of the same scope."""

    scope: str
    measure: str
    reported: ReportedFigure
    derived_cents: int | None  # on the reported date; None when the measure has no derived figure
    derived_percent: float | None  # for a delivered share
    source: str | None
    system_type: str | None = None  # a share's system type, by name

    @property
    def gap_cents(self) -> int | None:
        """Derived minus reported (positive: the ledger shows more than the source said)."""
        if self.derived_cents is None or self.reported.value_cents is None:
            return None
        return self.derived_cents - self.reported.value_cents

    @property
    def gap_percent(self) -> float | None:
        if self.derived_percent is None or self.reported.percent is None:
            return None
        return self.derived_percent - self.reported.percent


def latest(figures: Iterable[ReportedFigure], key) -> dict[tuple, ReportedFigure]:
    """Per key(figure) (None: left out), the latest figure (by date, then the last entered)."""
    out: dict[tuple, ReportedFigure] = {}
    for fig in figures:
        k = key(fig)
        if k is None:
            continue
        cur = out.get(k)
        if cur is None or (fig.reported_on, fig.id or 0) >= (cur.reported_on, cur.id or 0):
            out[k] = fig
    return out


def derived_share(fig: ReportedFigure, by_type: Series, type_names: dict[int, str]) -> float | None:
    """Disbursed / committed by value for the figure's system type on its date (None without values)."""
    if fig.system_type_id is None:
        return None
    points = by_type.get(type_names.get(fig.system_type_id, ""), [])
    f = value_at(points, fig.reported_on.isoformat())
    return 100.0 * f.disbursed_cents / f.committed_cents if f.committed_cents > 0 else None


def compare(
    figures: Iterable[ReportedFigure],
    by_authority: Series,
    by_program: Series,
    by_type: Series,
    authority_names: dict[int, str],
    type_names: dict[int, str],
    source_titles: dict[int, str],
) -> list[Comparison]:
    """Per scope (authority or program) and measure (and system type for shares): the latest reported
    figure beside the derived figure of the same measure and scope on the reported date."""
    figures = list(figures)

    def key(f: ReportedFigure):
        return (scope_name(f, authority_names), f.measure, f.system_type_id if f.measure == SHARE else None)

    out = []
    for (scope, measure, _type), fig in latest(figures, key).items():
        series = by_authority if fig.authority_id is not None else by_program
        attr = DERIVED[measure]
        derived = None
        if attr is not None:
            derived = getattr(value_at(series.get(scope, []), fig.reported_on.isoformat()), attr)
        share = derived_share(fig, by_type, type_names) if measure == SHARE else None
        out.append(Comparison(scope, measure, fig, derived, share, source_titles.get(fig.source_id),
                              type_names.get(fig.system_type_id) if fig.system_type_id is not None else None))
    order = {m: i for i, m in enumerate(DERIVED)}
    out.sort(key=lambda c: (c.scope.casefold(), order[c.measure], c.reported.system_type_id or 0))
    return out


@dataclass(frozen=True)
class Marker:
    """A reported figure drawn beside the derived line of the same measure and scope."""

    group: str
    day: str
    cents: int
    tooltip: str


def tooltip(fig: ReportedFigure, scope: str, figure_text: str, source: str | None, url: str | None) -> str:
    """Who, when, scope, figure, source (and how sure), as a marker's tooltip says it."""
    when = fig.reported_on.isoformat() + (f" ({fig.date_precision})" if fig.date_precision not in (None, "exact") else "")
    lines = [
        f"{fig.reported_by or 'Unknown'}, as of {when}",
        f"{scope}{': ' + fig.scope if fig.scope else ''}",
        f"{fig.measure}: {figure_text}",
    ]
    if source or url:
        lines.append(f"Source: {source or ''}{' ' + url if url else ''}".rstrip())
    if fig.confidence and fig.confidence != "seen in source text":
        lines.append(f"Confidence: {fig.confidence}")
    return "\n".join(lines)


def markers(
    figures: Iterable[ReportedFigure],
    by: str,
    attr: str,
    groups: Iterable[str],
    authority_names: dict[int, str],
    sources: dict[int, tuple[str, str | None]],
    money,
) -> list[Marker]:
    """Reported figures whose measure compares with the balance `attr`, on the drawn `groups` of the
    same scope, in date order. `money(cents)` writes a figure for the tooltip."""
    wanted = set(groups)
    out = []
    for fig in figures:
        if DERIVED.get(fig.measure) != attr or fig.value_cents is None:
            continue
        group = chart_group(fig, by, authority_names)
        if group is None or group not in wanted:
            continue
        title, url = sources.get(fig.source_id, (None, None))
        tip = tooltip(fig, scope_name(fig, authority_names), money(fig.value_cents), title, url)
        out.append(Marker(group, fig.reported_on.isoformat(), fig.value_cents, tip))
    out.sort(key=lambda m: (m.day, m.group))
    return out


@dataclass(frozen=True)
class Gap:
    group: str
    day: str  # of the latest reported figure
    reported_cents: int
    derived_cents: int

    @property
    def gap_cents(self) -> int:
        return self.derived_cents - self.reported_cents


def gaps(marks: Iterable[Marker], series: dict[str, tuple[list[str], list[int]]]) -> list[Gap]:
    """Per group with markers: the latest reported figure against the derived line on that day
    (`series`: group -> (days, cents) as drawn)."""
    last: dict[str, Marker] = {}
    for m in marks:
        if m.group not in last or m.day >= last[m.group].day:
            last[m.group] = m
    out = []
    for group, m in sorted(last.items()):
        days, cents = series.get(group, ([], []))
        derived = 0
        for d, c in zip(days, cents):
            if d > m.day:
                break
            derived = c
        out.append(Gap(group, m.day, m.cents, derived))
    return out


def disbursed_by_package(
    packages: Iterable[tuple[str, int]],
    package_disbursed: dict[str, int],
    scope_disbursed: int,
) -> list[tuple[str, int, int]]:
    """(package, committed, disbursed) per package, then what was disbursed against an authority or a
    program: it belongs to no package, so it is a row of its own rather than spread over them."""
    rows = [(number, value, package_disbursed.get(number, 0)) for number, value in packages]
    if scope_disbursed:
        rows.append((NOT_ATTRIBUTED, 0, scope_disbursed))
    return rows


__all__ = ["DERIVED", "Comparison", "Gap", "Marker", "compare", "disbursed_by_package", "gaps", "markers"]
