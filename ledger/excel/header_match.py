"""Which field a foreign header means, with how sure the match is.

Headers and each field's vocabulary are put in one form first: lower case, units and punctuation out
(`headers.normalise`), small words dropped ("of", "the", "on"), plurals made singular, "no."/"#" read
as "number". Equal forms are a sure match (100). Otherwise rapidfuzz's token-sort ratio scores the
header against every word of the vocabulary (word order does not count); the best field wins when it
scores at least WEAK, and a match under SURE is flagged as weak. Two fields with the same best score
are a tie: the column is left for the person to map, never picked silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import KINDS, Field
from .headers import HEADER_SEARCH_ROWS, SYNONYMS, Header, is_amount_header, is_money_header, normalise

SURE = 90  # at or above: shown as a plain match
WEAK = 75  # at or above: used, flagged as weak; below: not a match

_SMALL = frozenset("of the on a an in by for to per at and or".split())
_NUMBER = re.compile(r"\b(?:no|nr|num)\b")

# Fields a package sheet may hold that are not stored as such: they help find the authority and the
# number, and an item list becomes the package's lines.
EXTRA: dict[str, dict[str, Field]] = {
    "package": {
        "program": Field("program", "text", label="Program"),
        "fiscal_year": Field("fiscal_year", "text", label="Fiscal year"),
        "items": Field("items", "text", label="Items"),
    },
}

# Words people use beyond the synonym lists of `headers` (which stay the exact vocabulary).
_MORE: dict[str, dict[str, tuple[str, ...]]] = {
    "package": {
        "number": ("package number", "pda number", "usai number", "tranche number", "drawdown number", "package id",
                   "tranche", "package", "drawdown package", "pda tranche", "usai tranche", "pda", "usai"),
        "announced_on": ("announcement", "announcement date", "date announced", "announced", "announced on",
                         "date of announcement", "release date", "date"),
        "authority_id": ("authority", "program authority", "funding authority", "appropriation", "authority name"),
        "value_cents": ("value", "amount", "package value", "value package", "total", "total value", "cost",
                        "amount usd", "dollar value", "usd value", "value eur", "amount eur", "value total"),
        "program": ("program", "programme", "funding program", "mechanism", "instrument", "program type"),
        "fiscal_year": ("fiscal year", "fy", "financial year", "budget year"),
        "items": ("items", "items included", "equipment", "equipment provided", "contents", "capabilities",
                  "package contents", "main items", "what is included", "item list", "systems", "weapons"),
        "notes": ("notes", "comments", "remarks", "description", "details"),
    },
}


def words(text: str) -> str:
    """The comparable form of a header's normalised base (or of a vocabulary word)."""
    text = _NUMBER.sub("number", text)
    out = []
    for w in text.split():
        if w in _SMALL:
            continue
        if len(w) > 3 and w.endswith("ies"):
            w = w[:-3] + "y"
        elif len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
            w = w[:-1]
        out.append(w)
    return " ".join(out)


@dataclass(frozen=True)
class Match:
    field: str | None
    score: int  # 0-100
    tie: tuple[str, ...] = ()  # fields that scored as well (the column is not mapped)

    @property
    def weak(self) -> bool:
        return self.field is not None and self.score < SURE


_VOCAB: dict[str, dict[str, tuple[str, ...]]] = {}


def vocabulary(kind: str) -> dict[str, tuple[str, ...]]:
    """field -> its words in comparable form: the synonyms, the words above, the field's label and name."""
    if kind not in _VOCAB:
        out: dict[str, list[str]] = {}
        for name, ws in SYNONYMS.get(kind, {}).items():
            out.setdefault(name, []).extend(w for w in ws if w)
        for name, ws in _MORE.get(kind, {}).items():
            out.setdefault(name, []).extend(ws)
        for f in KINDS[kind].fields:
            out.setdefault(f.name, []).extend((f.label.lower(), f.name.replace("_", " ")))
        for f in EXTRA.get(kind, {}).values():
            out.setdefault(f.name, []).append(f.label.lower())
        _VOCAB[kind] = {name: tuple(dict.fromkeys(words(w) for w in ws if words(w))) for name, ws in out.items()}
    return _VOCAB[kind]


def field_spec(kind: str, name: str) -> Field:
    """The description of a field, stored or extra."""
    extra = EXTRA.get(kind, {})
    return extra[name] if name in extra else KINDS[kind].field(name)


def label(kind: str, name: str) -> str:
    return field_spec(kind, name).label


def match(kind: str, h: Header) -> Match:
    """The field `h` means for a sheet of `kind`, scored."""
    if not h.text:
        return Match(None, 0)
    if h.base == "":
        # "$M", "(USD bn)": a bare amount header.
        amounts = [n for n, f in ((f.name, f) for f in KINDS[kind].fields) if f.type in ("cents", "signed_cents")]
        return Match(amounts[0], 100) if amounts and is_amount_header(h) else Match(None, 0)
    form = words(h.base)
    if is_money_header(h):
        return _money_match(kind, form)
    # A score of 100 is the same words in any order: found without scoring, as are its ties.
    key = sorted(form.split())
    sure = [name for name, ws in vocabulary(kind).items() if any(w == form or sorted(w.split()) == key for w in ws)]
    if sure:
        return Match(sure[0], 100) if len(sure) == 1 else Match(None, 100, tuple(sure))
    from rapidfuzz import fuzz  # here, not at start-up: most headers are a field's own words

    scores: dict[str, float] = {}
    for name, ws in vocabulary(kind).items():
        best = 0.0
        for w in ws:
            s = 100.0 if w == form else fuzz.token_sort_ratio(form, w)
            if s > best:
                best = s
                if s == 100:
                    break
        scores[name] = best
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    top_name, top = ranked[0]
    if top < WEAK:
        return Match(None, round(top))
    ties = tuple(n for n, s in ranked[1:] if s == top)
    if ties:
        return Match(None, round(top), (top_name, *ties))
    return Match(top_name, round(top))


def _money_match(kind: str, form: str) -> Match:
    """A header naming a currency holds money: only an amount field can be it ("Announced value ($M)" is
    the value, never the date). Scored as any header; one holding all the words of a synonym and more
    ("announced value") is a weak match, for the person to check."""
    from rapidfuzz import fuzz

    vocab = vocabulary(kind)
    amounts = [n for n in vocab if field_spec(kind, n).type in ("cents", "signed_cents")]
    key = sorted(form.split())

    def best(n: str) -> float:
        if any(w == form or sorted(w.split()) == key for w in vocab[n]):
            return 100.0
        fuzzy = max((fuzz.token_sort_ratio(form, w) for w in vocab[n]), default=0.0)
        within = any(set(w.split()) <= set(key) for w in vocab[n])
        return max(fuzzy, WEAK if within else 0.0)

    scores = {n: best(n) for n in amounts}
    if not scores or max(scores.values()) < WEAK:
        return Match(None, round(max(scores.values(), default=0)))
    top = max(scores.values())
    best = [n for n, s in scores.items() if s == top]
    return Match(best[0], round(top)) if len(best) == 1 else Match(None, round(top), tuple(best))


def match_columns(kind: str, headers: list[Header], skip: set[int]) -> tuple[dict[int, str], dict[int, Match]]:
    """(column index -> field, column index -> its match). A field goes to the column that matches it
    best (the first, between equals); a column that loses its field is tried no further."""
    found = {i: match(kind, h) for i, h in enumerate(headers) if i not in skip and h.text}
    out: dict[int, str] = {}
    taken: set[str] = set()
    for i, m in sorted(found.items(), key=lambda kv: (-kv[1].score, kv[0])):
        if m.field and m.field not in taken:
            out[i] = m.field
            taken.add(m.field)
    return dict(sorted(out.items())), found


def match_field(kind: str, h: Header) -> str | None:
    """The field of `kind` a header names, or None."""
    return match(kind, h).field


def map_columns(kind: str, headers: list[Header], skip: set[int]) -> dict[int, str]:
    """column index -> field; each field to the column that names it best."""
    return match_columns(kind, headers, skip)[0]


def score(kind: str, row: list) -> int:
    """How many fields of `kind` a row of header texts names."""
    headers = [normalise(v) for v in row if isinstance(v, str) and v.strip()]
    return len(map_columns(kind, headers, set()))


def find_header(rows: list[list], kinds: list[str]) -> tuple[int, str, int] | None:
    """(index of the header row among `rows`, kind, score) for the best row, or None."""
    best: tuple[int, str, int] | None = None
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        texts = [v for v in row if isinstance(v, str) and v.strip()]
        if len(texts) < 2 or (best is not None and len(texts) <= best[2]):
            continue  # a text names one field at most: this row cannot name more than the best
        for kind in kinds:
            s = score(kind, row)
            if s >= 2 and (best is None or s > best[2]):
                best = (i, kind, s)
    return best
