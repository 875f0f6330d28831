"""The detail pane's HTML: the record as a person reads it, technical notes folded away.

Notes written by importers and scripts ("tranche_no_basis: ...", "sources: github:...@<commit>") are
kept, but shown only when the reader opens the Details part; amounts never wrap inside a figure.
"""

from __future__ import annotations

import html
import re
from typing import Any

from ledger.errors import field_label
from ledger.model import KINDS
from ledger.service import Ledger

from .convert import to_text
from .fmt import Display

DETAILS_LINK = "#details"
_HASH = re.compile(r"\b[0-9a-f]{40}\b")
_MACHINE_KEY = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+:")  # snake_case keys: an importer's field, not prose


def is_technical(line: str) -> bool:
    """A note line for machines: a snake_case key, a commit hash, or a repository path."""
    return bool(_MACHINE_KEY.match(line) or _HASH.search(line) or "github:" in line)


def split_notes(text: str | None) -> tuple[list[str], list[str]]:
    """(lines for people, technical lines) of a notes field."""
    people, machine = [], []
    for line in (text or "").splitlines():
        if line.strip():
            (machine if is_technical(line) else people).append(line)
    return people, machine


NOWRAP_CELL = "<td style='white-space: nowrap'>"  # Qt keeps white-space on blocks (cells), not spans


def detail_html(
    ledger: Ledger,
    kind: str,
    rec: Any,
    display: Display,
    labels: dict[str, dict[int, str]],
    expanded: bool = False,
) -> str:
    """Every field, the record's source and its history; technical notes under a Details link."""
    k = KINDS[kind]
    esc = html.escape
    out = [f"<h3>{esc(k.name.replace('_', ' ').capitalize())} {esc(str(getattr(rec, k.label_field)))}</h3><table>"]
    technical = [f"Id: {rec.id}"]
    for f in k.fields:
        if f.name == "source_id":
            continue  # said once, in the Source section below, with its date and link
        value = getattr(rec, f.name)
        cell = "<td>"
        if f.type in ("cents", "signed_cents"):
            shown = esc(display.full(value)) if value is not None else ""
            cell = NOWRAP_CELL
        elif f.type == "ref":
            name = (labels.get(f.ref, {}).get(value) or ledger.labels(f.ref, [value]).get(value, "")) if value else ""
            shown = esc(name)
        elif f.type == "text" and f.name == "notes":
            people, machine = split_notes(value)
            technical.extend(machine)
            shown = "<br>".join(esc(line) for line in people)
        else:
            shown = esc(to_text(f, value)).replace(chr(10), "<br>")
        out.append(f"<tr>{NOWRAP_CELL}<b>{esc(f.label)}</b></td>{cell}{shown}</td></tr>")
    out.append("</table>")
    source_id = getattr(rec, "source_id", None)
    if source_id and ledger.exists("source", source_id):
        s = ledger.get("source", source_id)
        link = ""
        if s.url:
            link = (
                f' <a href="{esc(s.url)}">{esc(s.url)}</a>'
                if s.url.startswith(("http://", "https://"))
                else f" {esc(s.url)}"
            )
        when = f" ({s.published_on.isoformat()})" if s.published_on and s.published_on.isoformat() not in s.title else ""
        out.append(f"<h4>Source</h4><p>{esc(s.title)}{when}{link}</p>")
    elif kind != "source":
        out.append("<h4>Source</h4><p><i>none recorded</i></p>")
    out.append("<h4>History</h4><ul>")
    for action, change in ledger.record_history(kind, rec.id):
        state = "" if action.state == "done" else f" <i>({esc(action.state)})</i>"
        what = {"insert": "added", "delete": "deleted", "update": "changed"}.get(change.op, change.op)
        if change.op == "update" and change.old and change.new:
            diffs = [
                f"{esc(field_label(kind, c))}: {_value(kind, c, change.old.get(c), display)} → "
                f"{_value(kind, c, change.new.get(c), display)}"
                for c in change.new
                if change.old.get(c) != change.new.get(c)
            ]
            what = "; ".join(diffs) or "no change"
        when = esc(action.at.replace("T", " ")[:16])
        out.append(f"<li>{when} — {esc(action.label)}{state}: {what}</li>")
    out.append("</ul>")
    if expanded:
        out.append(f'<h4><a href="{DETAILS_LINK}">▾ Details</a></h4><p><small>')
        out.append("<br>".join(esc(line) for line in technical))
        out.append("</small></p>")
    else:
        out.append(f'<h4><a href="{DETAILS_LINK}">▸ Details</a></h4>')
    return "".join(out)


def _value(kind: str, column: str, value: Any, display: Display) -> str:
    """A stored value of a history entry as the tables show it (money formatted, never wrapped)."""
    if value is None:
        return "(empty)"
    f = next((f for f in KINDS[kind].fields if f.name == column), None)
    if f is not None and f.type in ("cents", "signed_cents") and isinstance(value, int):
        return html.escape(display.full(value))
    text = str(value)
    return html.escape(text if len(text) <= 80 else text[:77] + "…")
