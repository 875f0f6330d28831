"""The layout of an exported workbook: sheet names, columns and number formats.

One sheet per kind of record, in the order references can be written (sources first). Each data
sheet starts with an "ID" column (the record's stable id, used to match rows on re-import); a
reference is written as the referenced record's id, followed by a column with its name for people
to read (ignored on import when the id is given, used when the id cell is empty).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import KIND_ORDER, KINDS, Field

LAYOUT_VERSION = 1
ABOUT_SHEET = "About"
ACCEPTED_WARNINGS = "Accepted warnings"  # About row: one per line, accepted again on import
SUMMARY_SHEET = "Summary"
SERIES_SHEET = "Balance over time"

SHEET_NAMES = {
    "source": "Sources",
    "authority": "Authorities",
    "system_type": "System types",
    "package": "Packages",
    "line": "Package lines",
    "disbursement": "Disbursements",
    "adjustment": "Adjustments",
    "observation": "Observations",
}
KIND_BY_SHEET = {v.casefold(): k for k, v in SHEET_NAMES.items()}

DATE_FORMAT = "yyyy-mm-dd"
INT_FORMAT = "#,##0"


def money_format(currency: str) -> str:
    """A currency format Excel and LibreOffice both understand; negatives in red parentheses."""
    code = currency.replace('"', "")
    return f'"{code}" #,##0.00;[Red]"{code}" (#,##0.00)'


@dataclass(frozen=True)
class Column:
    header: str
    field: str | None  # the record field; None for the informational name column of a reference
    type: str  # id | text | cents | signed_cents | date | int | ref | ref_name | choice | aliases
    ref: str | None = None
    width: int = 12
    ref_field: str | None = None  # for a ref_name column: the field holding the id it names


def _width(f: Field) -> int:
    return {"date": 12, "cents": 18, "signed_cents": 18, "int": 10, "ref": 8, "choice": 14}.get(f.type, 24 if f.name != "notes" else 40)


def columns(kind: str) -> tuple[Column, ...]:
    """The columns of a kind's sheet, in order."""
    out = [Column("ID", "id", "id", width=8)]
    for f in KINDS[kind].fields:
        if f.type == "ref":
            out.append(Column(f"{f.label} ID", f.name, "ref", f.ref, width=10))
            out.append(Column(f.label, None, "ref_name", f.ref, width=24, ref_field=f.name))
        else:
            out.append(Column(f.label, f.name, f.type, width=_width(f)))
    return tuple(out)


DATA_KINDS = KIND_ORDER
