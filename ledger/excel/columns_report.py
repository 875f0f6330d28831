"""How a foreign sheet's columns were read, in lines for the command line's preview: each header with
the field it was matched to and how sure the match is; weak matches flagged; ties asked."""

from __future__ import annotations

from .header_match import SURE, label
from .plan import ImportPlan


def column_lines(plan: ImportPlan) -> list[str]:
    out = []
    for sheet, mapping in plan.mappings.items():
        kind = plan.shapes.get(sheet, ("package", []))[0]
        scores = plan.confidence.get(sheet, {})
        parts = []
        weak = []
        for header, field in mapping.items():
            if not field:
                parts.append(f"{header!r} -> (ignored)")
                continue
            score = scores.get(header, 100)
            parts.append(f"{header!r} -> {label(kind, field)} ({score}%{', weak' if score < SURE else ''})")
            if score < SURE:
                weak.append(header)
        out.append(f"Columns of {sheet!r}: {', '.join(parts)}")
        if weak:
            out.append(f"  weak matches, check them: {', '.join(repr(h) for h in weak)} (change with --map 'HEADER=FIELD')")
        for header, fields in plan.ties.get(sheet, {}).items():
            options = " or ".join(label(kind, f) for f in fields)
            out.append(f"  {header!r} could be {options}: not used; say which with --map '{header}=FIELD'")
        unused = [h for h in plan.unmapped.get(sheet, []) if h not in plan.ties.get(sheet, {})]
        if unused:
            out.append(f"  not used: {', '.join(repr(h) for h in unused)}")
    return out
