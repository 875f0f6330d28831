"""Item lists ("Stinger missiles; 155mm artillery rounds; up to 2,000 Javelin anti-armor systems")
read into package lines: one parser for the sample builder and for imports.

Each item gives a description, a quantity and its qualifier where written ("up to", "additional",
"about"), the unit it is counted in ("rounds", "systems") and a system type, matched by name and
alias from the taxonomy. No value is read or invented: real lists give none per item.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

from .paths import resources_dir

_QTY = re.compile(
    r"^(?P<qual>up to|more than|over|about|approximately|additional|~|>)?\s*"
    r"(?P<num>\d[\d,]*(?:\.\d+)?)(?P<mult>M)?(?=\s)\s*(?:x\s+)?(?P<rest>.*)$",
    re.IGNORECASE,
)
_QUALIFIERS = {"~": "about", ">": "more than", "over": "more than", "approximately": "about"}
# The counting word at the end of an item ("155mm artillery rounds"): its unit.
_UNITS = ("rounds", "systems", "munitions", "shells", "cartridges", "kits", "sets", "pieces", "units", "tons", "tonnes")
_SPLIT = re.compile(r";|\n|\u2022")


@dataclass(frozen=True)
class Item:
    description: str
    quantity: int | None = None
    qualifier: str | None = None
    unit: str | None = None


def parse_item(text: str) -> tuple[int | None, str | None, str]:
    """'18 x 155mm howitzers' -> (18, None, '155mm howitzers'); '~200 MRAPs' -> (200, 'about', 'MRAPs')."""
    text = text.strip()
    m = _QTY.match(text)
    if not m or not m["rest"]:
        word = re.match(r"^(hundreds|thousands|dozens) of\s+", text, re.IGNORECASE)
        if word:
            return None, word[1].lower(), text
        lead = re.match(r"^(additional)\s+", text, re.IGNORECASE)
        return None, lead[1].lower() if lead else None, text
    qty = float(m["num"].replace(",", "")) * (10**6 if m["mult"] else 1)
    qual = (m["qual"] or "").lower() or None
    return int(qty), _QUALIFIERS.get(qual, qual), m["rest"].strip()


def unit_of(description: str) -> str | None:
    last = re.findall(r"[A-Za-z]+", description)
    word = last[-1].lower() if last else ""
    return word if word in _UNITS and len(last) > 1 else None


def pieces(items: str) -> list[str]:
    """Split an item list on ';' (or new lines and bullets), keeping a trailing remark ('confirmed
    2024-04-24') with its item."""
    out: list[str] = []
    for piece in (p.strip(" .\t") for p in _SPLIT.split(items)):
        if piece and out and re.match(r"^(confirmed|disclosed|reported)\b", piece):
            out[-1] += f"; {piece}"
        elif piece:
            out.append(piece)
    return out


def parse_list(items: str) -> list[Item]:
    out = []
    for piece in pieces(items):
        qty, qual, desc = parse_item(piece)
        out.append(Item(desc, qty, qual, unit_of(desc)))
    return out


def classify(text: str, words: dict, fallback):
    """The system type whose name or alias matches `text` at the greatest length (then earliest)."""
    best = (0, 0, fallback)
    for tid, names in words.items():
        for w in names:
            m = re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text, re.IGNORECASE)
            if m and (len(w), -m.start()) > best[:2]:
                best = (len(w), -m.start(), tid)
    return best[2]


def default_taxonomy() -> list[tuple[str, tuple[str, ...], str | None]]:
    """The bundled system types: (name, aliases, notes)."""
    with open(resources_dir() / "system_types.csv", newline="", encoding="utf-8") as fh:
        return [(row["name"], tuple(a.strip() for a in row["aliases"].split(";") if a.strip()), row["notes"] or None)
                for row in csv.DictReader(fh)]
