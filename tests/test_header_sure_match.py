"""A header that is a field's own words (in any order) is matched without scoring, and to the same
field, with the same ties, as rapidfuzz's scores give: checked against the scores themselves."""

from rapidfuzz import fuzz

from ledger.excel import header_match as hm
from ledger.excel.headers import normalise
from ledger.model import KINDS


def _scored(kind: str, text: str) -> tuple[int, tuple[str, ...]]:
    """The top score and the fields that reach it, by rapidfuzz over the whole vocabulary."""
    form = hm.words(normalise(text).base)
    scores = {name: max(100.0 if w == form else fuzz.token_sort_ratio(form, w) for w in ws)
              for name, ws in hm.vocabulary(kind).items()}
    top = max(scores.values())
    return round(top), tuple(n for n, s in scores.items() if s == top)


def test_sure_matches_are_the_scored_ones():
    checked = 0
    for kind in KINDS:
        for ws in hm.vocabulary(kind).values():
            for w in ws:
                for text in (w, " ".join(reversed(w.split())), w.title()):
                    if not normalise(text).base:
                        continue  # "USD", "$M": a bare amount header, matched by its unit
                    m = hm.match(kind, normalise(text))
                    top, best = _scored(kind, text)
                    assert m.score == top == 100, (kind, text)
                    assert (m.field, m.tie) == ((best[0], ()) if len(best) == 1 else (None, best)), (kind, text)
                    checked += 1
    assert checked > 500


def test_a_header_beyond_the_vocabulary_is_still_scored():
    m = hm.match("disbursement", normalise("Delivred qty"))
    assert m.field == "quantity" and m.score < 100
