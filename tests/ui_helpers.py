"""Waiting for the app's background work in tests: it starts at once and ends later, on the GUI thread."""

from __future__ import annotations

TIMEOUT_MS = 60_000


def finished(qtbot, wizard, started: bool) -> bool:
    """Wait for the import wizard's preview or import that `started` says began (with what it
    chains: Create authority and Map items preview again, accepted warnings import again);
    True when it ended well."""
    if not started:
        return False
    qtbot.waitUntil(lambda: not wizard.busy, timeout=TIMEOUT_MS)
    return wizard.last_outcome is not None and wizard.last_outcome.ok
