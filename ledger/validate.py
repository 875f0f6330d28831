"""Checks records before they are written: the rules of `ledger.rules`, run by `ledger.engine` over a
batch (one edit is a batch of one). Errors block the change; warnings may be accepted. See ledger/rules.py for every rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import engine, rules
from .errors import Problem
from .model import Kind
from .rules import date_problem

__all__ = ["check", "check_columns", "date_problem", "describe"]

describe = engine.describe


def check(facts: Any, kind: Kind, row: dict[str, Any]) -> list[Problem]:
    """All problems with `row` (a stored-form row: ISO dates, int cents) about to be written.
    `facts`: the ledger (`lookups.Lookups`) or `bulk_facts.BulkFacts` for a batch."""
    return engine.check_row(rules, facts, kind, row)


def check_columns(facts: Any, kind: Kind, cols: dict[str, list], ids: Sequence[int],
                  rows: list[dict[str, Any]] | None = None) -> tuple[list[Problem], set[int]]:
    """The same rules over a batch held as columns (imports): problems with record ids, in row order,
    and the indexes of rows with an error; `rows` join `facts` when they pass (see engine.check_columns)."""
    return engine.check_columns(rules, facts, kind, cols, ids, rows)
