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


def overlapping(widgets) -> list[tuple[str, str]]:
    """Pairs of the visible `widgets` whose rectangles on screen intersect, by accessible name or text."""

    def name(w):
        return w.accessibleName() or getattr(w, "text", lambda: type(w).__name__)()

    shown = [w for w in widgets if w.isVisible()]
    rects = [w.rect().translated(w.mapToGlobal(w.rect().topLeft()) - w.rect().topLeft()) for w in shown]
    return [(name(a), name(b)) for i, a in enumerate(shown) for j, b in enumerate(shown)
            if i < j and rects[i].intersects(rects[j])]
