"""Problems of many records said once: an import of a colleague's ledger can raise the same warning
on thirty thousand deliveries, and thirty thousand lines (on the command line, or in a question box
taller than the screen) say less than three examples and a count.

Problems are grouped by what they say: the same rule on the same field of the same kind (a field
rule's problems by their text, which names no record). Each group keeps its first few problems as
they are, in the order met, and counts the rest in one line; never "and 1 more", which costs a line
as long as the problem it stands for.
"""

from __future__ import annotations

from collections.abc import Iterable

from .errors import Problem, field_label
from .model import KINDS
from .words import first_few

SHOWN = 3  # problems given whole per group; the rest are counted


def said_once(problems: Iterable[Problem], shown: int = SHOWN, lines: int | None = None) -> list[tuple[str, str]]:
    """(level, text) lines: each group's first `shown` problems, then how many more it has (a group of
    `shown` + 1 is given whole); at most `lines` lines (a question box must fit the screen), the last
    counting what did not fit."""
    groups: dict[tuple[str, str, str, str], list[Problem]] = {}
    for p in problems:
        groups.setdefault((p.level, p.kind, p.field, p.rule or p.message), []).append(p)
    out: list[tuple[str, str, int]] = []  # (level, text, problems it stands for)
    for (level, kind, field, _), items in groups.items():
        whole, more = first_few(items, shown)
        out += [(level, str(p), 1) for p in whole]
        if more:
            k = KINDS.get(kind)
            what = k.plural if k else "records"
            on = f" on {field_label(kind, field)}" if field else ""
            out.append((level, f"and {more:,} more {what} with this {level}{on}", more))
    if lines is not None and len(out) > lines:
        rest = out[lines - 1:]  # two lines at least, so never "and 1 more"
        levels = {level for level, _, _ in rest}
        level = levels.pop() if len(levels) == 1 else "problem"
        n = sum(c for _, _, c in rest)
        out = [*out[:lines - 1], (level, f"and {n:,} more {level}{'s' if n != 1 else ''}", n)]
    return [(level, text) for level, text, _ in out]
