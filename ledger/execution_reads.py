"""What the dashboard, the chart and the By system type view read about execution, from a ledger.

`ExecutionReads` is mixed into `Ledger` (the facade); the arithmetic is in `execution` (pure functions).
"""

from __future__ import annotations

from typing import Any

from . import execution
from .model import ReportedFigure

Ledger = Any  # the facade this is mixed into (it sits above this module)


def _names(ledger: Ledger, table: str, field: str = "name") -> dict[int, str]:
    return dict(ledger.conn.execute(f"SELECT id, {field} FROM {table}"))


def comparisons(ledger: Ledger, as_of: str | None = None) -> list[execution.Comparison]:
    """Latest figures reported as of `as_of` (None: all), each beside the derived one on its date."""
    figures = ledger.records("reported_figure", "? IS NULL OR reported_on <= ?", (as_of, as_of), order_by="reported_on, id")
    if not figures:
        return []  # most ledgers: no series to read for the three groupings
    return execution.compare(
        figures,
        ledger.series("authority"),
        ledger.series("program"),
        ledger.series("system_type"),
        _names(ledger, "authorities"),
        _names(ledger, "system_types"),
        _names(ledger, "sources", "title"),
    )


def markers(ledger: Ledger, by: str, attr: str, groups, money) -> list[execution.Marker]:
    sources = {sid: (title, url) for sid, title, url in ledger.conn.execute("SELECT id, title, url FROM sources")}
    return execution.markers(
        ledger.records("reported_figure", "value_cents IS NOT NULL", order_by="reported_on, id"),
        by, attr, groups, _names(ledger, "authorities"), sources, money,
    )


def shares(ledger: Ledger) -> list[tuple[ReportedFigure, float | None]]:
    """Reported delivered shares, latest first, each with the derived share by value of its system type."""
    by_type = ledger.series("system_type")
    types = _names(ledger, "system_types")
    figs = ledger.records("reported_figure", "measure = ?", (execution.SHARE,), order_by="reported_on DESC, id DESC")
    return [(f, execution.derived_share(f, by_type, types)) for f in figs]


def disbursed_by_package(ledger: Ledger, as_of: str | None = None) -> list[tuple[str, int, int]]:
    day = as_of or "9999-12-31"
    packages = ledger.conn.execute(
        "SELECT number, value_cents FROM packages WHERE announced_on <= ? ORDER BY announced_on, id", (day,)
    ).fetchall()
    paid = dict(ledger.conn.execute(
        "SELECT p.number, SUM(d.value_cents) FROM disbursements d JOIN packages p ON p.id = d.package_id "
        "WHERE d.value_cents IS NOT NULL AND d.disbursed_on <= ? GROUP BY p.id", (day,)
    ))
    return execution.disbursed_by_package(packages, paid, scope_disbursed(ledger, as_of))


def scope_disbursed(ledger: Ledger, as_of: str | None = None) -> int:
    """Disbursed against an authority or a program rather than a package, by `as_of` (None: all)."""
    return ledger.conn.execute("SELECT COALESCE(SUM(value_cents), 0) FROM scope_disbursements WHERE disbursed_on <= ?",
                               (as_of or "9999-12-31",)).fetchone()[0]


class ExecutionReads:
    """Mixed into `Ledger`: reported execution figures beside the derived ones."""

    def execution_comparisons(self, as_of: str | None = None) -> list[execution.Comparison]:
        """Per authority or program and measure, the latest figure reported by `as_of` beside the derived one."""
        return comparisons(self, as_of)

    def execution_markers(self, by: str, attr: str, groups, money) -> list[execution.Marker]:
        """Reported figures to draw beside the derived `attr` lines of `groups` (chart markers)."""
        return markers(self, by, attr, groups, money)

    def reported_shares(self) -> list[tuple[ReportedFigure, float | None]]:
        return shares(self)

    def disbursed_by_package(self, as_of: str | None = None) -> list[tuple[str, int, int]]:
        return disbursed_by_package(self, as_of)

    def scope_disbursed(self, as_of: str | None = None) -> int:
        """What sources give as disbursed against an authority or a program, not a package (counted in Disbursed)."""
        return scope_disbursed(self, as_of)


__all__ = ["ExecutionReads", "comparisons", "disbursed_by_package", "markers", "scope_disbursed", "shares"]
