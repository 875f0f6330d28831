"""Assign authority: give selected packages (those imported without one, or any) an authority, in one
undoable action. Offered on the Packages table."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QInputDialog, QWidget

from ledger.errors import LedgerError, WarningsNotAccepted
from ledger.service import Ledger


def choose_authority(parent: QWidget, ledger: Ledger, count: int) -> int | None:
    """The authority picked from the ledger's (None: cancelled or none exists)."""
    auths = ledger.records("authority", order_by="available_from, id")
    if not auths:
        return None
    names = [f"{a.name} ({a.program}, from {a.available_from.isoformat()})" for a in auths]
    choice, ok = QInputDialog.getItem(parent, "Assign authority", f"The authority the {count} selected package"
                                      f"{'s draw' if count != 1 else ' draws'} on:", names, 0, False)
    return auths[names.index(choice)].id if ok and choice in names else None


def assign(ledger: Ledger, package_ids: list[int], authority_id: int, accept_warnings: bool = False) -> str:
    """Set the authority of these packages (one action); returns what was done, in words."""
    name = ledger.get("authority", authority_id).name
    label = f"Assign authority {name} to {len(package_ids)} package{'s' if len(package_ids) != 1 else ''}"
    with ledger.action(label, accept_warnings) as act:
        for pid in package_ids:
            act.update(replace(ledger.get("package", pid), authority_id=authority_id))
    return label


def assign_selected(view, confirm) -> str | None:
    """The Packages view's button: pick an authority, assign it, ask about warnings as edits do."""
    ids = view.selected_ids()
    if not ids:
        view.message.setText("Select the packages first (Shift or Ctrl and click for several).")
        return None
    authority = choose_authority(view, view.ledger, len(ids))
    if authority is None:
        if not view.ledger.count("authority"):
            view.message.setText("The ledger has no authority yet: add one on the Authorities tab first.")
        return None
    try:
        try:
            done = assign(view.ledger, ids, authority)
        except WarningsNotAccepted as exc:
            if not confirm(view, exc.problems):
                return None
            done = assign(view.ledger, ids, authority, accept_warnings=True)
    except LedgerError as exc:
        view.message.setText(str(exc))
        return None
    return done  # the status bar says it, as for every change: the red line under the table is for problems
