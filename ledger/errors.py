"""Exceptions the core raises when an operation cannot go on.

Each message names what, where and why, so the command line and the UI can show it as is.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from .model import KINDS, default_label


class LedgerError(Exception):
    """Base class: a problem the user can understand and act on."""


class NotALedgerError(LedgerError):
    """The file exists but is not an Aid Ledger database."""


class LedgerVersionError(LedgerError):
    """The ledger was written by a newer version of the app."""


class LedgerLockedError(LedgerError):
    """Another program holds the ledger."""


class LedgerInUseError(LedgerLockedError):
    """Another program has the ledger open for writing; it may still be opened read-only.

    `holder` is the `ledger.lock.Holder` named in the lock file, or None."""

    def __init__(self, where: str, holder: Any):
        self.holder = holder
        who = holder.describe() if holder else "another program (the lock file does not say which)"
        super().__init__(f"{where} is open for writing in {who}: close it there, or open the ledger read-only")


class ReadOnlyError(LedgerError):
    """The ledger (or its folder) cannot be written."""


class NotFoundError(LedgerError):
    """A record referred to by id or name does not exist."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a record: an error blocks the change, a warning may be accepted."""

    level: str  # "error" | "warning"
    kind: str  # record kind, e.g. "package"
    record: str  # how a person names the record, e.g. "package PDA 71"
    field: str
    message: str
    record_id: int | None = None  # set by bulk adds, so an import can point at the row
    rule: str = ""  # the rule that found it (ledger.rules), so many records' problems are said once

    @property
    def label(self) -> str:
        """The field as people see it (the model's label: 'Authority', not authority_id)."""
        return field_label(self.kind, self.field)

    def __str__(self) -> str:
        return f"{self.record}, {self.label}: {self.message}"


def field_label(kind: str, name: str) -> str:
    """The model's label for a field of a kind; a name the model does not know is made readable."""
    label = labels(kind).get(name)
    return label if label is not None else default_label(name)


@functools.cache
def labels(kind: str) -> dict[str, str]:
    """Field name -> label of a kind ({} for a kind the model does not know): read once per kind, as
    an import's thousands of problems each name theirs."""
    k = KINDS.get(kind)
    return {f.name: f.label for f in k.fields} if k else {}


class ValidationError(LedgerError):
    """One or more errors: nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


class WarningsNotAccepted(LedgerError):
    """Only warnings, but the caller did not accept them: nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))
