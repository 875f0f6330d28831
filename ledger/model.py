"""Records of the ledger as frozen dataclasses, and a description of their fields.

The field descriptions (`KINDS`) drive storage, validation, the command line, workbooks and table
views, so a field is declared once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

PROGRAMS_EXAMPLES = ("PDA", "USAI", "FMF")
ADJUSTMENT_KINDS = ("revaluation", "rescission", "expiry", "preservation")
BALANCES = ("remaining_authority", "undelivered", "authorized_minus_disbursed")
UNALLOCATED = "Unallocated"
# What a reported execution figure measures (docs/model.md says what each means). "distributed" is a
# budget step (funds passed to the components that spend them), never a payment.
MEASURES = ("obligated", "distributed", "disbursed", "delivered", "delivered share", "remaining funds")
# Other words sources use for the same measures (budget terms: outlays and expenditures are payments).
MEASURE_WORDS = (
    ("remaining authority", "remaining funds"),
    ("unobligated balance", "remaining funds"),
    ("outlays", "disbursed"),
    ("expended", "disbursed"),
    ("paid", "disbursed"),
    ("delivered value", "delivered"),
    ("value delivered", "delivered"),
    ("share delivered", "delivered share"),
    ("percent delivered", "delivered share"),
)
PRECISIONS = ("exact", "month", "quarter", "year", "approx")
CONFIDENCES = ("seen in source text", "summarised", "unverified")
NOT_ATTRIBUTED = "Not attributed to a package"
NO_AUTHORITY = "(no authority)"  # the group of packages stored before an authority was assigned


@dataclass(frozen=True)
class Source:
    """Where a figure comes from: a release, a fact sheet, a report, a statement."""

    title: str
    url: str | None = None
    published_on: dt.date | None = None
    notes: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class Authority:
    """A ceiling or appropriation: the most that may be committed, from a date, until a deadline."""

    program: str
    name: str
    amount_cents: int
    available_from: dt.date
    expires_on: dt.date | None = None
    kind: str | None = None
    legal_basis: str | None = None
    source_id: int | None = None
    notes: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class Package:
    """A commitment drawing on one authority (a drawdown package, a USAI contract tranche).

    `authority_id` may be empty: a sheet that names no authority, none found for the package's
    program and date. Such packages count in the NO_AUTHORITY group until one is assigned.
    """

    number: str
    announced_on: dt.date
    authority_id: int | None
    value_cents: int
    source_id: int | None = None
    notes: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class SystemType:
    """A kind of equipment or service; aliases are the other names imports and lists use for it."""

    name: str
    aliases: tuple[str, ...] = ()
    notes: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class PackageLine:
    """An item of a package. Quantity and value are each optional: real lists often lack one."""

    package_id: int
    system_type_id: int
    description: str
    quantity: int | None = None
    qualifier: str | None = None
    unit: str | None = None
    value_cents: int | None = None
    notes: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class Disbursement:
    """What actually left: a delivery or payment against a package (and a line or system type)."""

    disbursed_on: dt.date
    package_id: int
    line_id: int | None = None
    system_type_id: int | None = None
    quantity: int | None = None
    value_cents: int | None = None
    source_id: int | None = None
    notes: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class Adjustment:
    """A correction to an authority: revaluation (signed), rescission, expiry, preservation.

    `authority_id` may be empty when a report names only the program: the adjustment then sits in
    its own bucket rather than being split between authorities by guesswork.
    """

    adjusted_on: dt.date
    program: str
    kind: str
    amount_cents: int
    reason: str
    authority_id: int | None = None
    new_deadline: dt.date | None = None
    source_id: int | None = None
    notes: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class Observation:
    """A balance someone reported on a date, kept beside the derived one so the gap shows."""

    observed_on: dt.date
    metric: str
    value_cents: int
    program: str | None = None
    authority_id: int | None = None
    balance: str | None = None
    scope: str | None = None
    date_precision: str | None = None
    reported_by: str | None = None
    source_id: int | None = None
    notes: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class ReportedFigure:
    """An execution figure someone reported for a scope as of a date: obligated, distributed, disbursed,
    delivered (a value), delivered share (percent) or remaining funds. It sits beside the derived
    figures and is never added to them."""

    reported_on: dt.date
    measure: str
    program: str
    value_cents: int | None = None
    percent: int | None = None
    authority_id: int | None = None
    system_type_id: int | None = None
    scope: str | None = None
    date_precision: str | None = None
    reported_by: str | None = None
    confidence: str | None = None
    source_id: int | None = None
    notes: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class ScopeDisbursement:
    """A delivered or paid value a source gives for an authority (or only a program) over a period,
    not for a package: it counts in the balances by authority and program, and by package it is
    shown as not attributed to a package."""

    disbursed_on: dt.date
    program: str
    value_cents: int
    period_from: dt.date | None = None
    authority_id: int | None = None
    date_precision: str | None = None
    reported_by: str | None = None
    source_id: int | None = None
    notes: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # text | cents | signed_cents | date | int | ref | choice | aliases
    required: bool = False
    ref: str | None = None  # kind referred to by a ref field
    choices: tuple[str, ...] = ()
    unique: bool = False
    label: str = ""
    words: tuple[tuple[str, str], ...] = ()  # other words for choices: (word, choice)


def _choice_key(text: str) -> str:
    return text.strip().casefold().replace(" ", "_").replace("-", "_")


def choice_of(f: Field, text: str) -> str | None:
    """The choice a typed word means (spaces, hyphens and underscores are one; the field's other
    words count), or None."""
    key = _choice_key(text)
    for c in f.choices:
        if _choice_key(c) == key:
            return c
    return next((c for w, c in f.words if _choice_key(w) == key), None)


@dataclass(frozen=True)
class Kind:
    name: str  # singular, used in messages and on the command line
    table: str
    cls: type
    fields: tuple[Field, ...]
    label_field: str  # the field a person names the record by
    plural: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


def default_label(name: str) -> str:
    """How a field is named to people when the model gives no label: value_cents -> 'Value'."""
    return name.replace("_cents", "").replace("_id", "").replace("_", " ").capitalize()


def _f(name: str, type: str, **kw: Any) -> Field:
    kw.setdefault("label", default_label(name))
    return Field(name, type, **kw)


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "source",
            "sources",
            Source,
            (
                _f("title", "text", required=True),
                _f("url", "text", label="URL or reference"),
                _f("published_on", "date", label="Published"),
                _f("notes", "text"),
            ),
            "title",
            "sources",
        ),
        Kind(
            "authority",
            "authorities",
            Authority,
            (
                _f("program", "text", required=True),
                _f("name", "text", required=True, unique=True),
                _f("amount_cents", "cents", required=True, label="Amount"),
                _f("available_from", "date", required=True, label="Available from"),
                _f("expires_on", "date", label="Expires"),
                _f("kind", "text"),
                _f("legal_basis", "text", label="Legal basis"),
                _f("source_id", "ref", ref="source"),
                _f("notes", "text"),
            ),
            "name",
            "authorities",
        ),
        Kind(
            "package",
            "packages",
            Package,
            (
                _f("number", "text", required=True, unique=True),
                _f("announced_on", "date", required=True, label="Announced"),
                _f("authority_id", "ref", ref="authority"),
                _f("value_cents", "cents", required=True, label="Value"),
                _f("source_id", "ref", ref="source"),
                _f("notes", "text"),
            ),
            "number",
            "packages",
        ),
        Kind(
            "system_type",
            "system_types",
            SystemType,
            (
                _f("name", "text", required=True, unique=True),
                _f("aliases", "aliases"),
                _f("notes", "text"),
            ),
            "name",
            "system types",
        ),
        Kind(
            "line",
            "package_lines",
            PackageLine,
            (
                _f("package_id", "ref", required=True, ref="package"),
                _f("system_type_id", "ref", required=True, ref="system_type", label="System type"),
                _f("description", "text", required=True),
                _f("quantity", "int"),
                _f("qualifier", "text"),
                _f("unit", "text"),
                _f("value_cents", "cents", label="Value"),
                _f("notes", "text"),
            ),
            "description",
            "package lines",
        ),
        Kind(
            "disbursement",
            "disbursements",
            Disbursement,
            (
                _f("disbursed_on", "date", required=True, label="Date"),
                _f("package_id", "ref", required=True, ref="package"),
                _f("line_id", "ref", ref="line"),
                _f("system_type_id", "ref", ref="system_type", label="System type"),
                _f("quantity", "int"),
                _f("value_cents", "cents", label="Value"),
                _f("source_id", "ref", ref="source"),
                _f("notes", "text"),
            ),
            "disbursed_on",
            "disbursements",
        ),
        Kind(
            "adjustment",
            "adjustments",
            Adjustment,
            (
                _f("adjusted_on", "date", required=True, label="Date"),
                _f("program", "text", required=True),
                _f("kind", "choice", required=True, choices=ADJUSTMENT_KINDS),
                _f("amount_cents", "signed_cents", required=True, label="Amount"),
                _f("reason", "text", required=True),
                _f("authority_id", "ref", ref="authority"),
                _f("new_deadline", "date", label="New deadline"),
                _f("source_id", "ref", ref="source"),
                _f("notes", "text"),
            ),
            "adjusted_on",
            "adjustments",
        ),
        Kind(
            "observation",
            "observations",
            Observation,
            (
                _f("observed_on", "date", required=True, label="Date"),
                _f("metric", "text", required=True),
                _f("value_cents", "signed_cents", required=True, label="Value"),
                _f("program", "text"),
                _f("authority_id", "ref", ref="authority"),
                _f("balance", "choice", choices=BALANCES, label="Compares with"),
                _f("scope", "text"),
                _f("date_precision", "choice", choices=("exact", "approx"), label="Date precision"),
                _f("reported_by", "text", label="Reported by"),
                _f("source_id", "ref", ref="source"),
                _f("notes", "text"),
            ),
            "observed_on",
            "observations",
        ),
        Kind(
            "reported_figure",
            "reported_figures",
            ReportedFigure,
            (
                _f("reported_on", "date", required=True, label="As of"),
                _f("measure", "choice", required=True, choices=MEASURES, words=MEASURE_WORDS),
                _f("program", "text", required=True),
                _f("value_cents", "cents", label="Value"),
                _f("percent", "int", label="Share (%)"),
                _f("authority_id", "ref", ref="authority"),
                _f("system_type_id", "ref", ref="system_type", label="System type"),
                _f("scope", "text"),
                _f("date_precision", "choice", choices=PRECISIONS, label="Date precision"),
                _f("reported_by", "text", label="Reported by"),
                _f("confidence", "choice", choices=CONFIDENCES),
                _f("source_id", "ref", ref="source"),
                _f("notes", "text"),
            ),
            "reported_on",
            "reported figures",
        ),
        Kind(
            "disbursement_by_authority",
            "scope_disbursements",
            ScopeDisbursement,
            (
                _f("disbursed_on", "date", required=True, label="Until"),
                _f("program", "text", required=True),
                _f("value_cents", "cents", required=True, label="Value"),
                _f("period_from", "date", label="From"),
                _f("authority_id", "ref", ref="authority"),
                _f("date_precision", "choice", choices=PRECISIONS, label="Date precision"),
                _f("reported_by", "text", label="Reported by"),
                _f("source_id", "ref", ref="source"),
                _f("notes", "text"),
            ),
            "disbursed_on",
            "disbursements by authority",
        ),
    )
}

# Order in which kinds can be written so references already exist (and reverse for deletion).
KIND_ORDER = ("source", "authority", "system_type", "package", "line", "disbursement", "adjustment", "observation",
              "reported_figure", "disbursement_by_authority")
KIND_BY_CLASS = {k.cls: k for k in KINDS.values()}


def kind_of(record: object) -> Kind:
    return KIND_BY_CLASS[type(record)]


def record_fields(cls: type) -> list[str]:
    return [f.name for f in fields(cls)]
