"""The sample's execution figures: resources/reference/reported_execution.csv as ledger records.

Every row whose program the ledger holds (PDA, USAI) becomes a reported figure, with its confidence.
Rows about all agencies or all of DoD cover more than the ledger's programs: a figure's scope must be
one the ledger holds, so they stay in the reference table only.

Delivered and disbursed values that were seen in the source text also become disbursements, since the
sources give them for a scope, not a package: against the package a row names (`ledger_package`),
otherwise against the authority (`ledger_authority`, the reading of the row's scope written into the
table) or the program. A reported figure is cumulative as of its date: the disbursement is what it
adds to the scope's previous figure, over the period since then (or since the authority became
available). Unverified and summarised figures stay reported only.
"""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from .model import MEASURE_WORDS, MEASURES, Disbursement, ReportedFigure, ScopeDisbursement
from .money import format_cents, parse_amount
from .paths import resources_dir

PAID = ("disbursed", "delivered")


def _rows() -> list[dict[str, str]]:
    with open(resources_dir() / "reference" / "reported_execution.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def load(act: Any, sources: Any, auths: dict[str, int], packages: dict[str, int]) -> None:
    """Add the reported figures and the disbursements they give; `sources` is sample._Sources."""
    programs = {name.split(" ")[0] for name in auths}
    types = {t.name.casefold(): t.id for t in act.ledger.records("system_type")}
    auth_from = {a.id: a.available_from for a in act.ledger.records("authority")}
    last: dict[tuple[str, int | None], tuple[dt.date, int]] = {}
    for row in sorted(_rows(), key=lambda r: r["as_of_date"]):
        if row["program"] not in programs:
            continue
        measure = dict(MEASURE_WORDS).get(row["measure"], row["measure"])
        assert measure in MEASURES, measure
        day = dt.date.fromisoformat(row["as_of_date"])
        share = row["unit"] == "percent"
        cents = None if share else parse_amount(row["value"], unit=10**6)
        named_types = [t.strip() for t in row["system_types"].split(";") if t.strip()]
        confidence, _, remark = row["confidence"].partition(" (")
        authority = auths.get(row["ledger_authority"]) if row["ledger_authority"] else None
        source = sources.get(row["source_title"], row["source_url"] or None)
        notes = "\n".join(
            part
            for part in (
                row["notes"],
                f"Confidence: {row['confidence']}" if remark else "",
                f"System types: {row['system_types']}" if len(named_types) > 1 else "",
            )
            if part
        ) or None
        act.add(
            ReportedFigure(
                reported_on=day,
                measure=measure,
                program=row["program"],
                value_cents=cents,
                percent=int(row["value"]) if share else None,
                authority_id=authority,
                system_type_id=types[named_types[0].casefold()] if len(named_types) == 1 else None,
                scope=row["scope"] or None,
                date_precision=row["date_precision"] or None,
                reported_by=row["reported_by"] or None,
                confidence=confidence,
                source_id=source,
                notes=notes,
            )
        )
        if measure not in PAID or confidence != "seen in source text":
            continue
        said = f"{row['reported_by']}: {measure} {row['value']} {row['unit']} as of {row['as_of_date']} ({row['scope']})"
        if row["ledger_package"]:
            act.add(Disbursement(day, packages[row["ledger_package"]], value_cents=cents, source_id=source,
                                 notes=f"{said}. Date precision: {row['date_precision']}"))
            continue
        key = (row["program"], authority)
        had = key in last
        before_day, before = last.get(key, (auth_from.get(authority), 0))
        last[key] = (day, cents)
        if cents > before:
            start = before_day + dt.timedelta(days=1) if had else before_day
            act.add(
                ScopeDisbursement(
                    disbursed_on=day,
                    program=row["program"],
                    value_cents=cents - before,
                    period_from=start,
                    authority_id=authority,
                    date_precision=row["date_precision"] or None,
                    reported_by=row["reported_by"] or None,
                    source_id=source,
                    notes=f"{said}; what it adds to the scope's previous figure ({format_cents(before, 'USD')})",
                )
            )
