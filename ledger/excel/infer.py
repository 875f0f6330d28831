"""What a foreign package sheet leaves out, found from what it holds (before it is matched with a ledger).

- The authority, in this order: the sheet's Authority column; a value given (--set, the wizard), kept as
  given (a name no authority of the ledger or the file has is refused by the preview, never replaced);
  inferred from the program (a Program column, a number such as "PDA 71" or "USAI 12", the sheet's name
  or title rows), its fiscal year where a column gives one, and the date: the authority of that program
  available that day (preserved deadlines counted). Otherwise none: the package is stored without one,
  in the "(no authority)" group, until one is assigned.
- A missing number: derived from program and date ("USAI 2024-03-12"), with " (2)" where two share a date.
- An item list ("Stinger missiles; up to 2,000 Javelin anti-armor systems") becomes the package's
  lines (items.py), each with a system type from the taxonomy. No value is invented.

Every decision is said once per sheet in the plan's notes (and counted in `Inferred`).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import items as item_lists
from ..model import NO_AUTHORITY, PROGRAMS_EXAMPLES
from ..words import first_few
from .header_match import EXTRA
from .plan import Batch, ImportPlan, Ref

if TYPE_CHECKING:
    from ..service import Ledger

# Long names people write for the programs.
_PROGRAM_NAMES = {
    "presidential drawdown authority": "PDA", "presidential drawdown": "PDA", "drawdown": "PDA",
    "ukraine security assistance initiative": "USAI", "foreign military financing": "FMF",
}
OTHER = "Other"
ITEM_TYPES_KEY = "item_types"  # ledger setting: item text -> system type, as the person mapped it
UNKNOWN_PROGRAM = "program not known"


@dataclass
class Inferred:
    """What was found for one sheet (the preview and the wizard say it)."""

    sheet: str
    authorities: dict[str, int] = field(default_factory=dict)  # authority name -> packages given it by inference
    without: int = 0  # packages that will be stored without an authority
    numbers: list[str] = field(default_factory=list)  # derived package numbers
    lines: int = 0  # lines read from item lists
    matched: int = 0  # rows without a number taken for the stored package of their date and value
    sources: int = 0  # source names the ledger does not hold, kept in the notes
    newest: dict[str, int] = field(default_factory=dict)  # authority -> packages given it as the newest of several open
    unknown_items: list[str] = field(default_factory=list)  # items no system type matched (counted under Other)
    programs: dict[str, int] = field(default_factory=dict)  # program -> packages whose authority is missing


@dataclass(frozen=True)
class _Auth:
    id: int
    name: str
    program: str
    start: dt.date
    end: dt.date | None  # the deadline, preservations counted


def complete(ledger: Ledger, plan: ImportPlan, type_map: dict[str, str] | None = None) -> list[Inferred]:
    """Fill in the authority and number of a foreign plan's package rows and read their item lists
    into line rows, in place (once per plan)."""
    if plan.own or plan.inferred is not None:
        return plan.inferred or []
    plan.inferred = []
    auths = [_Auth(a.id, a.name, a.program, a.available_from,
                   _date(ledger.effective_deadline(a.id)) or a.expires_on) for a in ledger.iter_records("authority")]
    programs = _Programs({a.program.casefold(): a.program for a in auths})
    for p in PROGRAMS_EXAMPLES:
        programs.setdefault(p.casefold(), p)
    taxonomy = _Taxonomy(ledger, type_map or {})
    stored: dict[tuple, list[str]] = {}  # (date, value) -> numbers of the stored packages
    if any(b.kind == "package" for b in plan.batches) and ledger.count("package"):
        for number, day, value in ledger.field_values("package", ("number", "announced_on", "value_cents")):
            stored.setdefault((day, value), []).append(number)
    sources = {src.title.casefold() for src in ledger.iter_records("source")} if ledger.count("source") else set()
    for batch in list(plan.batches):
        if batch.kind == "package":
            plan.inferred.append(_package_batch(plan, batch, auths, programs, taxonomy, stored, sources))
        _currency_note(plan, batch, ledger.currency)
    plan.item_types = dict(taxonomy.used)
    if taxonomy.new_types:
        types = Batch("", "system_type", ("name", "aliases", "notes"), derived=True)
        for name, aliases, notes in taxonomy.new_types:
            types.append(0, None, (name, aliases, notes))
        plan.batches.append(types)
        plan.notes.append(f"system types of the default taxonomy added for the items: {', '.join(n for n, _, _ in taxonomy.new_types)}")
    return plan.inferred


_CURRENCIES = {"USD": (r"usd", r"us\$", r"\$"), "EUR": (r"eur", r"euros?", "\u20ac"), "GBP": (r"gbp", "\u00a3", r"pounds?")}


def _currency_note(plan: ImportPlan, batch: Batch, currency: str) -> None:
    """Say once when an amount header names another currency than the ledger's (amounts are not converted)."""
    for name, header in batch.columns.items():
        if not name.endswith("_cents"):
            continue
        low = str(header).casefold()
        named = [c for c, words in _CURRENCIES.items()
                 if any(re.search(rf"(?<![a-z]){w}(?![a-z])" if w[:1].isalpha() else w, low) for w in words)]
        if named and currency not in named:
            plan.notes.append(f"sheet {batch.sheet!r}: column {header!r} is in {named[0]}, the ledger counts in {currency}: "
                              "the amounts are read as written, not converted")


def _json_dict(text: str | None) -> dict[str, str]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def remember_item_types(ledger: Ledger, plan: ImportPlan) -> None:
    """Keep the item mappings an import used, so the next list with those items needs none."""
    if plan.item_types:
        known = _json_dict(ledger.meta(ITEM_TYPES_KEY))
        known.update(plan.item_types)
        ledger.set_meta(ITEM_TYPES_KEY, json.dumps(known, ensure_ascii=False, sort_keys=True))


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


class _Programs(dict):
    """Casefolded program -> program, for one import: hashed by identity, so what a text names is
    worked out once per distinct wording ("PDA 1" to "PDA 100000" are one wording)."""

    __hash__ = object.__hash__
    __eq__ = object.__eq__


_DIGITS = str.maketrans("0123456789", " " * 10)


def _program_in(text: Any, programs: dict[str, str]) -> str | None:
    """The one program a text names ("PDA 71", "USAI tranche", "Presidential Drawdown Authority")."""
    if not isinstance(text, str) or not text.strip():
        return None
    return _program_named(text.casefold().translate(_DIGITS), programs)


def _programs_in(col: list, programs: dict[str, str]) -> list[str | None]:
    """`_program_in` of each cell of a column: a column of text with C functions mapped over it ("PDA 1"
    to "PDA 100000" are a few wordings once their digits are blanked), an empty one at once."""
    if col.count(None) == len(col):
        return col
    if set(map(type, col)) != {str}:
        return [_program_in(v, programs) for v in col]
    lows = list(map(str.translate, map(str.casefold, col), itertools.repeat(_DIGITS)))
    found = {low: (_program_named(low, programs) if low.strip() else None) for low in dict.fromkeys(lows)}
    return list(map(found.__getitem__, lows))


@functools.lru_cache(maxsize=4096)
def _program_named(low: str, programs: dict[str, str]) -> str | None:
    found = {programs[w] for w in re.findall(r"[a-z]+", low) if w in programs}
    found |= {p for name, p in _PROGRAM_NAMES.items() if name in low and p.casefold() in programs}
    return found.pop() if len(found) == 1 else None


def _fiscal_year(text: Any) -> str | None:
    if isinstance(text, (int, float)) and 1990 < text < 2100:
        return str(int(text))
    m = re.search(r"(?:fy\s*)?((?:19|20)\d\d)", str(text or ""), re.IGNORECASE)
    return m[1] if m else None


def _pick(auths: list[_Auth], program: str | None, fy: str | None, day: dt.date | None) -> tuple[_Auth | None, str]:
    """(authority, how) for a package of `program` announced on `day`: the one available that day (the
    newest where appropriations overlap, as no-year funds do), or of that fiscal year."""
    if program is None:
        return None, "no program"
    of = [a for a in auths if a.program.casefold() == program.casefold()]
    if fy:
        named = [a for a in of if fy in a.name]
        if len(named) == 1:
            return named[0], "fiscal year"
    if day is None:
        return None, "no date"
    open_then = [a for a in of if a.start <= day and (a.end is None or day <= a.end)]
    if not open_then:
        return None, "none available that day"
    open_then.sort(key=lambda a: (a.start, a.id))
    return open_then[-1], "date" if len(open_then) == 1 else "newest of several"


class _Taxonomy:
    """System types by name and alias: the ledger's, or (a ledger without any) the bundled default."""

    def __init__(self, ledger: Ledger, type_map: dict[str, str]):
        stored = list(ledger.iter_records("system_type"))
        self.default = not stored
        rows = [(t.name, t.aliases, t.notes) for t in stored] or item_lists.default_taxonomy()
        self.rows = {name: (name, aliases, notes) for name, aliases, notes in rows}
        self.words = {name: (name, *aliases) for name, aliases, _ in rows}
        # Unmatched items go to Other; a taxonomy without it gets it asked for as an unknown type.
        self.fallback = next((n for n in self.rows if n.casefold() == OTHER.casefold()), OTHER)
        remembered = ledger.meta(ITEM_TYPES_KEY)
        self.type_map = {**_json_dict(remembered), **{k.strip().casefold(): v for k, v in type_map.items()}}
        self.used: dict[str, str] = {}  # item -> type mapped by the person: remembered by the import
        self.new_types: list[tuple] = []
        self._added: set[str] = set()

    def type_of(self, description: str) -> tuple[str | None, bool]:
        """(system type name, matched); unmatched items go to Other where the taxonomy has it."""
        mapped = self.type_map.get(description.strip().casefold())
        if mapped and (mapped in self.rows or not self.default):
            self.used[description.strip().casefold()] = mapped
            if self.default and mapped not in self._added:
                self._added.add(mapped)
                self.new_types.append(self.rows[mapped])
            return mapped, True
        found = item_lists.classify(description, self.words, None)
        name = found if found is not None else self.fallback
        if self.default and name in self.rows and name not in self._added:
            self._added.add(name)
            self.new_types.append(self.rows[name])
        return name, found is not None


def _file_authorities(plan: ImportPlan) -> set[str]:
    """The names (casefolded) of the authorities the file's own sheets hold: a package may name one."""
    out: set[str] = set()
    for b in plan.batches:
        if b.kind == "authority" and "name" in b.fields:
            out.update(n.strip().casefold() for n in b.data[b.fields.index("name")] if isinstance(n, str))
    return out


def _package_batch(plan: ImportPlan, batch: Batch, auths: list[_Auth], programs: dict[str, str], taxonomy: _Taxonomy,
                   stored: dict[tuple, list[str]], sources: set[str]) -> Inferred:
    out = Inferred(batch.sheet)
    n = len(batch)
    cols = dict(zip(batch.fields, batch.data))
    extra = {name: cols.pop(name) for name in list(cols) if name in EXTRA["package"]}
    none = [None] * n
    numbers = list(cols.get("number", none))
    days = cols.get("announced_on", none)
    given = cols.get("authority_id")
    program_col, fy_col = extra.get("program", none), extra.get("fiscal_year", none)
    hint = _program_in(batch.sheet, programs) or _program_in(" ".join(plan.titles.get(batch.sheet, [])), programs)
    authority_names = {a.name.casefold() for a in auths} | _file_authorities(plan)
    values = cols.get("value_cents", none)
    # Each step picks the rows it concerns first (a column of numbers is mostly full, its authority one
    # value); a column of text only is looked at with C functions mapped over it.
    text = set(map(type, numbers)) == {str}
    stripped = list(map(str.strip, numbers)) if text else [x.strip() if isinstance(x, str) else "" for x in numbers]
    bare = [i for i, x in enumerate(stripped) if x.isdigit()] if any(map(str.isdigit, stripped)) else []
    for i in bare:  # a bare tranche number ("56") is named with its program ("PDA 56")
        program = _program_in(program_col[i], programs) or hint
        if program:
            numbers[i] = f"{program} {stripped[i]}"
    missing = [i for i, x in enumerate(stripped) if not x] if "" in stripped else []
    # The numbers in use: only rows without one are given one, never another row's (a full column needs none).
    taken: set[str] = set()
    if missing:
        taken = {x.strip().casefold() for x in numbers if isinstance(x, str)} if bare else set(map(str.casefold, stripped))
        taken.discard("")
    # A row without a number is the stored package of its date and value where there is exactly one
    # (the same list imported again, or a package the ledger has).
    for i in missing:
        if not (isinstance(numbers[i], str) and numbers[i].strip()) and isinstance(days[i], dt.date):
            same = stored.get((days[i], values[i]), [])
            if len(same) == 1 and same[0].casefold() not in taken:
                numbers[i] = same[0]
                taken.add(same[0].casefold())
                out.matched += 1
    known = {number.casefold() for found in stored.values() for number in found}

    def named(g) -> bool:  # the sheet's authority, one the ledger or the file has, or an id
        return g is not None and not (isinstance(g, Ref) and g.name.strip().casefold() not in authority_names)

    authority: list[Any] = []
    chosen: dict[tuple, tuple[_Auth | None, str]] = {}  # (program, fiscal year, day) -> what _pick gave
    refs: dict[str, Ref] = {}
    # The person's own choice (--set, the wizard) is kept as typed: a name no authority has is the
    # preview's to refuse, never one for inference to replace.
    whole = given is not None and ("authority_id" in batch.given or all(map(named, set(given))))
    in_program_col = _programs_in(program_col, programs)
    in_number = _programs_in(numbers, programs) if not whole else none
    for i in range(0 if whole else n):
        g = given[i] if given is not None else None
        if named(g):
            authority.append(g)
            continue
        if g is None and known and isinstance(numbers[i], str) and numbers[i].strip().casefold() in known:
            authority.append(None)  # a package the ledger has: it keeps its own authority
            continue
        program = (_program_in(g.name, programs) if isinstance(g, Ref) else None) or in_program_col[i] or in_number[i] or hint
        fy = (fy_col[i] is not None and _fiscal_year(fy_col[i])) or (_fiscal_year(g.name) if isinstance(g, Ref) else None)
        key = (program, fy, days[i] if isinstance(days[i], dt.date) else None)
        picked = chosen.get(key)
        if picked is None:  # a sheet repeats its programs and days: each is looked up once
            picked = chosen[key] = _pick(auths, *key)
        found, how = picked
        if found is not None:
            ref = refs.get(found.name)
            if ref is None:
                ref = refs[found.name] = Ref(found.name)  # one per authority: rows share it
            authority.append(ref)
            out.authorities[found.name] = out.authorities.get(found.name, 0) + 1
            if how == "newest of several":
                out.newest[found.name] = out.newest.get(found.name, 0) + 1
        elif isinstance(g, Ref) and program is None:
            authority.append(g)  # a name that is no authority and no program: the preview says so
        else:
            authority.append(None)
            out.without += 1
            key = program or UNKNOWN_PROGRAM
            out.programs[key] = out.programs.get(key, 0) + 1
    if whole:
        authority = list(given)
    # The numbers still missing: derived from program and date, unique in the sheet.
    for i in missing:
        if (isinstance(numbers[i], str) and numbers[i].strip()) or not isinstance(days[i], dt.date):
            continue  # no date either: the preview rejects the row for what it lacks
        program = _program_in(program_col[i], programs) or hint or (authority[i] and _program_of(authority[i], auths))
        base = f"{program or 'Package'} {days[i].isoformat()}"
        name, k = base, 2
        while name.casefold() in taken:
            name, k = f"{base} ({k})", k + 1
        taken.add(name.casefold())
        numbers[i] = name
        out.numbers.append(name)
    _unknown_sources(cols, sources, out)
    cols["number"] = numbers
    cols["authority_id"] = authority
    batch.fields = tuple(cols)
    batch.data = list(cols.values())
    headers = {f: batch.columns.pop(f, f) for f in extra}
    batch.columns.setdefault("number", "Number")
    batch.columns.setdefault("authority_id", "Authority")
    if "items" in extra:
        _lines(plan, batch, extra["items"], numbers, taxonomy, out, headers["items"])
    _notes(plan, out, not auths)
    return out


def _unknown_sources(cols: dict[str, list], sources: set[str], out: Inferred) -> None:
    """A source named in the sheet that the ledger does not hold ("Bundesregierung") is kept in the
    package's notes rather than refused (a title is not enough to make a source of)."""
    col = cols.get("source_id")
    if col is None:
        return
    notes = cols.setdefault("notes", [None] * len(col))
    for i, ref in enumerate(col):
        if isinstance(ref, Ref) and ref.name.strip().casefold() not in sources:
            col[i] = None
            notes[i] = f"{notes[i]}\nSource: {ref.name.strip()}" if notes[i] else f"Source: {ref.name.strip()}"
            out.sources += 1


def _program_of(ref: Any, auths: list[_Auth]) -> str | None:
    if isinstance(ref, Ref):
        a = next((a for a in auths if a.name.casefold() == ref.name.strip().casefold()), None)
        return a.program if a else None
    return None


def _lines(plan: ImportPlan, batch: Batch, texts: list, numbers: list, taxonomy: _Taxonomy, out: Inferred, header: str) -> None:
    lines = Batch(batch.sheet, "line", ("package_id", "system_type_id", "description", "quantity", "qualifier", "unit"),
                  columns={"package_id": header, "system_type_id": header, "description": header}, derived=True)
    unknown: dict[str, None] = {}
    for row, text, number in zip(batch.numbers, texts, numbers):
        if not isinstance(text, str) or not text.strip() or not number:
            continue
        for item in item_lists.parse_list(text):
            type_name, matched = taxonomy.type_of(item.description)
            if not matched:
                unknown.setdefault(item.description, None)
            lines.append(row, None, (Ref(number), Ref(type_name) if type_name else None, item.description,
                                     item.quantity, item.qualifier, item.unit))
    if len(lines):
        plan.batches.append(lines)
        out.lines = len(lines)
        out.unknown_items = list(unknown)


def _notes(plan: ImportPlan, out: Inferred, empty: bool) -> None:
    where = f"sheet {out.sheet!r}"
    for name, count in out.authorities.items():
        plan.notes.append(f"{where}: authority {name} found for {count} package{'s' if count != 1 else ''} from the program and the date"
                          + (f" ({out.newest[name]} of them the newest of several authorities of the program open that day: "
                             "give another with --set authority=NAME)" if name in out.newest else ""))
    if out.numbers:
        plan.notes.append(f"{where}: {len(out.numbers)} package number{'s' if len(out.numbers) != 1 else ''} derived from program and date "
                          f"(e.g. {out.numbers[0]!r})")
    if out.matched:
        plan.notes.append(f"{where}: {out.matched} row{'s' if out.matched != 1 else ''} without a number matched the stored package "
                          "of the same date and value")
    if out.sources:
        plan.notes.append(f"{where}: {out.sources} source name{'s' if out.sources != 1 else ''} not in the ledger kept in the "
                          "packages' notes")
    if out.lines:
        plan.notes.append(f"{where}: item lists read into {out.lines} package line{'s' if out.lines != 1 else ''} (quantities as written, no values)")
    if out.without:
        why = ", ".join(f"{p}: {c}" for p, c in out.programs.items())
        plan.notes.append(f"{where}: {out.without} package{'s have' if out.without != 1 else ' has'} no authority ({why}): no Authority column "
                          "or value, and no authority of the program covers the date. They will be stored without one, under "
                          f"{NO_AUTHORITY!r}; give one with --set authority=NAME (in the app: the Authority value on the Columns tab), "
                          "or later select them in the Packages table and choose Assign authority (python main.py edit package ID authority=NAME)"
                          + ("; this ledger has no authorities yet: add one (python main.py add authority ..., or in the import "
                             "wizard: Create authority) and preview again" if empty else ""))
    if out.unknown_items:
        few, more = first_few(out.unknown_items, 8)
        shown = ", ".join(map(repr, few)) + (f" and {more:,} more" if more else "")
        plan.notes.append(f"{where}: {len(out.unknown_items)} item{'s' if len(out.unknown_items) != 1 else ''} matched no system type and count under {OTHER}: {shown} "
                          "(map one with --map-type 'ITEM=TYPE', or add it as an alias of a system type)")


def fiscal_year(day: dt.date) -> int:
    """The US federal fiscal year a date falls in (FY2025 began on 2024-10-01)."""
    return day.year + 1 if day.month >= 10 else day.year


def suggest_authority(plan: ImportPlan | None, packages: list) -> dict[str, Any]:
    """What an authority for these packages (stored without one) would likely be: the program the
    sheet names for most of them, a name with the fiscal year of the first, at least their value,
    available from the first date."""
    counts: dict[str, int] = {}
    for inferred in (plan.inferred or []) if plan is not None else []:
        for program, n in inferred.programs.items():
            if program != UNKNOWN_PROGRAM:
                counts[program] = counts.get(program, 0) + n
    program = max(counts, key=counts.get) if counts else ""
    first = min((p.announced_on for p in packages), default=dt.date.today())
    return {
        "program": program,
        "name": f"{program + ' ' if program else ''}FY{fiscal_year(first)}",
        "amount_cents": sum(p.value_cents for p in packages),
        "available_from": first,
        "expires_on": None,
    }
