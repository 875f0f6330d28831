"""What one committed change touched, as `Ledger.subscribe` listeners hear it: the kinds and the
records written, so a view refreshes only when what it shows may differ."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from .model import KINDS

# Kinds whose records move no balance: a source is only cited.
_NO_BALANCE = frozenset({"source"})


@dataclass(frozen=True)
class Changed:
    label: str  # what the history says, e.g. "Edit package", "Undo Import deliveries.xlsx"
    records: Mapping[str, tuple[Collection[int], ...]] = field(default_factory=dict)  # kind -> ids (ranges for big imports)
    everything: bool = False  # a restore, or an import written through another connection
    settings: bool = False  # stored settings (default deadline, currency display)

    @classmethod
    def of_everything(cls, label: str) -> Changed:
        return cls(label, everything=True)

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(KINDS) if self.everything else frozenset(self.records)

    def ids(self, kind: str) -> Iterator[int]:
        for group in self.records.get(kind, ()):
            yield from group

    def has(self, kind: str, record_id: int) -> bool:
        return self.everything or any(record_id in group for group in self.records.get(kind, ()))

    def touches(self, kind: str) -> bool:
        """Whether a table of `kind` may show something else now: its records, or the labels of records
        it refers to (a package table shows its authority's name)."""
        if self.everything or kind in self.records:
            return True
        return any(f.ref in self.records for f in KINDS[kind].fields if f.type == "ref")

    @property
    def balances(self) -> bool:
        """Whether figures derived from the records (dashboard, chart, groups) may differ."""
        return self.everything or self.settings or bool(set(self.records) - _NO_BALANCE)


class Touched:
    """Collects what a unit of work (or an undo) writes, then says it as a `Changed`."""

    def __init__(self) -> None:
        self._ids: dict[str, set[int]] = {}
        self._runs: dict[str, list[range]] = {}

    def add(self, kind: str, record_id: int) -> None:
        self._ids.setdefault(kind, set()).add(record_id)

    def add_many(self, kind: str, ids: Iterable[int]) -> None:
        if isinstance(ids, range):
            self._runs.setdefault(kind, []).append(ids)
        else:
            self._ids.setdefault(kind, set()).update(ids)

    def changed(self, label: str) -> Changed:
        records = {}
        for kind in {*self._ids, *self._runs}:
            groups: list[Collection[int]] = list(self._runs.get(kind, ()))
            if self._ids.get(kind):
                groups.append(frozenset(self._ids[kind]))
            records[kind] = tuple(groups)
        return Changed(label, records)
