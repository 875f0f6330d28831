"""Keep PySide 6.12.0 from crashing the app on Python 3.11.

PySide6 6.12.0 drops a reference to None (and sometimes True/False) on calls such as
QPainter.drawLine(QPointF, QPointF) or QPainter.setRenderHint, which pyqtgraph makes on every repaint,
and on signals emitted from other threads. From Python 3.12 on, None, True and False are immortal and
the missing references do no harm; on 3.11 their count reaches zero after some thousand repaints and
the interpreter aborts ("none_dealloc" / "bool_dealloc"). Giving these three singletons a reference
count no session can use up makes 3.11 behave as 3.12 does. Nothing else is touched.
"""

from __future__ import annotations

import ctypes
import sys

HEADROOM = 1 << 48  # far beyond the references any session could drop; far below the 63-bit limit


def apply() -> bool:
    """Raise the reference counts of None, True and False once; True if it was needed."""
    if sys.version_info >= (3, 12) or getattr(apply, "done", False):
        return False
    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += HEADROOM  # ob_refcnt is the first field
    apply.done = True
    return True
