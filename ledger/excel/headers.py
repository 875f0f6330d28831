"""Finding the header row of a foreign sheet and the field each column holds.

Headers are normalised here: lower case, punctuation dropped, "#" read as "number", and units taken
out ("Value ($M)" -> "value" with unit 10**6; "USD millions" -> an amount in millions). The synonyms
below are each field's core vocabulary; `header_match` scores headers against them by meaning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HEADER_SEARCH_ROWS = 30  # title rows above the header are common; 30 is plenty

_PACKAGE = ("package", "package number", "package no", "package name", "tranche", "pda", "pda number", "drawdown", "number")
_AMOUNT = ("amount", "value", "usd", "dollars", "total value", "package value", "amount usd", "value usd", "cost", "")
_DATE = ("date", "announced", "announcement date", "date announced", "announced on", "day")
_SYSTEM = ("system", "system type", "item", "capability", "category", "type", "weapon system")
_QUANTITY = ("quantity", "qty", "number of items", "count", "units")

SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "package": {
        "number": _PACKAGE,
        "announced_on": _DATE,
        "authority_id": ("authority", "authority name", "appropriation", "funding"),
        "value_cents": _AMOUNT,
        "notes": ("notes", "comments", "remarks", "description"),  # an item list is read as lines (header_match)
        "source_id": ("source",),
    },
    "line": {
        "package_id": _PACKAGE,
        "system_type_id": _SYSTEM,
        "description": ("description", "details", "equipment", "name", "item description"),
        "quantity": _QUANTITY,
        "qualifier": ("qualifier",),
        "unit": ("unit", "unit of measure"),
        "value_cents": _AMOUNT,
        "notes": ("notes", "comments", "remarks"),
    },
    "disbursement": {
        "disbursed_on": ("date", "delivered", "delivery date", "date delivered", "disbursed", "disbursed on", "paid", "paid on", "payment date"),
        "package_id": _PACKAGE,
        "line_id": ("line id", "line"),
        "system_type_id": _SYSTEM,
        "quantity": _QUANTITY + ("delivered quantity", "quantity delivered"),
        "value_cents": _AMOUNT + ("paid amount", "amount paid", "delivered value"),
        "notes": ("notes", "comments", "remarks"),
        "source_id": ("source",),
    },
    "authority": {
        "program": ("program", "programme"),
        "name": ("name", "authority", "authority name", "appropriation"),
        "amount_cents": _AMOUNT + ("cap", "ceiling", "authorized", "authorised"),
        "available_from": ("available from", "enacted", "start", "from", "date"),
        "expires_on": ("expires", "expires on", "expiry", "deadline", "until"),
        "kind": ("kind",),
        "legal_basis": ("legal basis", "law", "statute"),
        "notes": ("notes", "comments"),
    },
    "observation": {
        "observed_on": ("date", "as of", "observed", "reported on", "report date"),
        "metric": ("metric", "figure"),
        "value_cents": _AMOUNT + ("remaining", "balance", "reported balance"),
        "program": ("program",),
        "balance": ("compares with", "balance kind"),
        "scope": ("scope",),
        "reported_by": ("reported by", "who", "reporter", "by"),
        "notes": ("notes", "comments"),
    },
    "reported_figure": {
        "reported_on": ("date", "as of", "as of date", "reported on", "report date", "period end"),
        "measure": ("measure", "stage", "what"),
        "program": ("program", "programme"),
        "value_cents": _AMOUNT + ("figure", "reported value", "reported amount"),
        "percent": ("percent", "share", "share percent", "delivered share", "pct"),
        "authority_id": ("authority", "authority name", "appropriation"),
        "system_type_id": _SYSTEM,
        "scope": ("scope",),
        "date_precision": ("date precision", "precision"),
        "reported_by": ("reported by", "who", "reporter", "by"),
        "confidence": ("confidence",),
        "source_id": ("source", "source title"),
        "notes": ("notes", "comments", "remarks"),
    },
    "disbursement_by_authority": {
        "disbursed_on": ("until", "to", "period end", "as of", "date"),
        "period_from": ("from", "since", "period start"),
        "program": ("program", "programme"),
        "value_cents": _AMOUNT + ("delivered value", "paid amount", "amount paid", "disbursed"),
        "authority_id": ("authority", "authority name", "appropriation"),
        "date_precision": ("date precision", "precision"),
        "reported_by": ("reported by", "who", "reporter", "by"),
        "source_id": ("source", "source title"),
        "notes": ("notes", "comments", "remarks"),
    },
}

_UNITS = (
    (re.compile(r"\b(?:in\s+)?(?:usd\s*|us\s*\$\s*|\$\s*)?(?:billions?|bn|b)\b"), 10**9),
    (re.compile(r"\b(?:in\s+)?(?:usd\s*|us\s*\$\s*|\$\s*)?(?:millions?|mn|mm|m)\b"), 10**6),
    (re.compile(r"\b(?:in\s+)?(?:usd\s*|us\s*\$\s*|\$\s*)?(?:thousands?|k)\b"), 10**3),
)
_CURRENCY = re.compile(r"\busd\b|us\$|\$")


@dataclass(frozen=True)
class Header:
    text: str  # as written
    base: str  # normalised, units removed
    unit: int  # multiplier for plain numbers in the column


def normalise(text: object) -> Header:
    raw = "" if text is None else str(text).strip()
    low = " ".join(raw.lower().replace("_", " ").replace("#", " number ").split())
    unit = 1
    inner = " ".join(re.findall(r"[(\[]([^)\]]*)[)\]]", low))
    outer = re.sub(r"[(\[][^)\]]*[)\]]", " ", low)
    for part in (inner, outer):
        for pattern, scale in _UNITS:
            if pattern.search(part) and (part is inner or _CURRENCY.search(part) or re.search(r"\bin\s|millions|billions|thousands", part)):
                unit = scale
                break
        if unit != 1:
            break
    base = outer
    if unit != 1:
        for pattern, _ in _UNITS:
            base = pattern.sub(" ", base)
    base = _CURRENCY.sub(" ", base)
    base = re.sub(r"[^a-z0-9 ]+", " ", base)
    base = " ".join(base.split())
    return Header(raw, base, unit)


_MONEY = re.compile(_CURRENCY.pattern + r"|\beur\b|\u20ac|\bgbp\b|\u00a3|\buah\b|\u20b4")  # the dollar words and other currencies


def is_money_header(h: Header) -> bool:
    """The header names a currency ("Announced value ($M)", "tot_value_eur"): its column holds money."""
    return _MONEY.search(h.text.lower().replace("_", " ")) is not None


_TITLE_UNIT = re.compile(
    r"^\(?\s*(?:(?:amounts?|values?|figures?|all figures|figures are)\s+)?(?:in\s+)?(?:(?:usd|us\$|\$|eur|\u20ac|gbp|\u00a3)\s*)?"
    r"(thousands|millions|billions)(?:\s+of\s+(?:current\s+|constant\s+|nominal\s+)?(?:u\.?s\.?\s+)?"
    r"(?:dollars|euros|pounds|usd|eur))?\s*\)?\.?$")
_TITLE_SCALE = {"thousands": 10**3, "millions": 10**6, "billions": 10**9}


def title_unit(text: str) -> int | None:
    """The unit a title row above a table states for its amounts: the whole row ("(in millions of
    current dollars)", "USD thousands"), or its last part after a comma ("Packages, USD billions");
    None for a title that only mentions an amount ("The $1.25 billion package")."""
    low = " ".join(text.lower().split())
    for part in (low, low.rsplit(",", 1)[-1].strip(), low.rsplit("(", 1)[-1].strip() if "(" in low else ""):
        m = _TITLE_UNIT.match(part) if part else None
        if m and (m.group(0).startswith(("(", "in", "amount", "value", "figure", "all")) or _MONEY.search(part) or "of" in part):
            return _TITLE_SCALE[m.group(1)]
    return None


def is_amount_header(h: Header) -> bool:
    return h.base == "" and (h.unit != 1 or _CURRENCY.search(h.text.lower()) is not None)
