"""Write docs/model.md from the field descriptions in ledger/model.py (run after changing the model)."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ledger.model import KIND_ORDER, KINDS  # noqa: E402

TYPES = {
    "text": "text",
    "cents": "amount (integer cents, zero or more)",
    "signed_cents": "amount (integer cents, may be negative)",
    "date": "date (YYYY-MM-DD)",
    "int": "whole number, zero or more",
    "aliases": "list of names (`;`-separated in workbooks and on the command line)",
}


MARKER = "<!-- Written by hand from here on: scripts/model_doc.py keeps it. -->"


def _by_hand() -> str:
    """The part of docs/model.md below MARKER (explanations with examples), kept as written."""
    path = ROOT / "docs" / "model.md"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    return text[text.index(MARKER):] if MARKER in text else ""


def render() -> str:
    out = ["# The ledger's records", "", "Generated from `ledger/model.py` by `scripts/model_doc.py`, down to the",
           "hand-written part at the end (reported and derived execution figures).", ""]
    for name in KIND_ORDER:
        k = KINDS[name]
        out += [f"## {k.name.replace('_', ' ')} (table `{k.table}`)", "", (k.cls.__doc__ or "").strip(), "",
                "| field | type | required |", "|---|---|---|"]
        for f in k.fields:
            t = f"reference to a {f.ref.replace('_', ' ')}" if f.type == "ref" else (
                "one of " + ", ".join(f.choices) if f.type == "choice" else TYPES[f.type])
            out.append(f"| `{f.name}` | {t}{' (unique)' if f.unique else ''} | {'yes' if f.required else ''} |")
        out.append("")
    hand = _by_hand()
    return "\n".join(out) + ("\n" + hand if hand else "")


if __name__ == "__main__":
    (ROOT / "docs" / "model.md").write_text(render(), encoding="utf-8")
