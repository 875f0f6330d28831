"""How a row is stored, declared once and applied to a batch held as columns (one edit is a batch of
one): labels and programs without surrounding spaces (they are compared as typed), an adjustment's
reported balance's, reported figure's or disbursement by authority's program taken from
its authority, a delivery's system type from its line.

Columns are stored-form lists (ISO dates, int cents); a column that changes is replaced by a new
list, so the caller's lists (a preview's block) are never written into.
"""

from __future__ import annotations

from typing import Any

from .model import Kind

# Kinds whose program, left empty, is taken from their authority.
PROGRAM_FROM_AUTHORITY = ("adjustment", "observation", "reported_figure", "disbursement_by_authority")
_TRIMMED: dict[str, tuple[str, ...]] = {}


def trimmed_fields(kind: Kind) -> tuple[str, ...]:
    """Fields stored without surrounding spaces (labels and programs), once per kind."""
    names = _TRIMMED.get(kind.name)
    if names is None:
        names = _TRIMMED[kind.name] = tuple(f.name for f in kind.fields if f.unique or f.name == "program")
    return names


def normalise_columns(kind: Kind, cols: dict[str, list], facts: Any) -> dict[str, list]:
    """`cols` as they are stored (replacing the columns that change); `facts.get_row` reads the
    authorities and lines referred to (the ledger, or BulkFacts for an import)."""
    for name in trimmed_fields(kind):
        col = cols[name]
        trimmed = list(map(str.strip, col)) if set(map(type, col)) == {str} else [v.strip() if v.__class__ is str else v for v in col]
        if trimmed != col:
            cols[name] = trimmed
    if kind.name in PROGRAM_FROM_AUTHORITY:
        _taken_from(cols, "program", "authority_id", "authority", "program", facts, lambda v: not v, all)
    if kind.name == "disbursement":
        _taken_from(cols, "system_type_id", "line_id", "line", "system_type_id", facts, lambda v: v is None,
                    lambda col: None not in col)
    return cols


def _taken_from(cols: dict[str, list], field: str, ref_field: str, ref_kind: str, their_field: str, facts: Any,
                missing, none_missing) -> None:
    """Fill `field` where it is `missing` from the record `ref_field` names (when that record exists);
    `none_missing(column)` says at once that no value is (a sheet giving every program)."""
    refs, values = cols[ref_field], cols[field]
    if none_missing(values):
        return
    found: dict[int, Any] = {}
    out = None
    for i, (ref, value) in enumerate(zip(refs, values)):
        if ref is None or not missing(value) or not isinstance(ref, int):
            continue
        if ref not in found:
            row = facts.get_row(ref_kind, ref)
            found[ref] = row[their_field] if row else None
        if found[ref] not in (None, ""):
            if out is None:
                out = cols[field] = list(values)
            out[i] = found[ref]


def normalise_row(kind: Kind, row: dict[str, Any], facts: Any) -> dict[str, Any]:
    """One row, in place: the columns of a batch of one."""
    cols = normalise_columns(kind, {name: [row.get(name)] for name in _read(kind)}, facts)
    for name, col in cols.items():
        if name in row or col[0] is not None:
            row[name] = col[0]
    return row


_READ: dict[str, tuple[str, ...]] = {}


def _read(kind: Kind) -> tuple[str, ...]:
    """The fields normalising a row of `kind` reads or writes."""
    names = _READ.get(kind.name)
    if names is None:
        extra = ("program", "authority_id") if kind.name in PROGRAM_FROM_AUTHORITY else \
            ("system_type_id", "line_id") if kind.name == "disbursement" else ()
        names = _READ[kind.name] = tuple(dict.fromkeys((*trimmed_fields(kind), *extra)))
    return names
