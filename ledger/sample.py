"""The sample ledger: the bundled reference data (US aid to Ukraine 2021-2025) as ledger records.

Every column of the reference tables lands somewhere: in a field, a package line, a source, or the
notes. Choices the data does not make itself are written into the records' notes:
- PDA packages without a fiscal year (56-74) draw on the FY2024 authority (enacted 2024-04-24); PDA 1
  (2021-08-27) on a FY2021 authority of USD 60 M, the amount its White House memorandum delegated.
- USAI packages draw on the FY2022-FY2023 appropriations before 2024-04-24, on FY2024 after; numbers
  not given by the data follow announcement order (it matches the known numbers 18, 20, 21, 22).
- The 2023 revaluation is split between FY2022 and FY2023 as its reason states; the later ones name no
  fiscal year and stay with the program, unassigned.
- The 2024-09-26 preservation keeps FY2024 authority alive to the transition date, 2025-01-20.
- Item lists become lines with a quantity where one is given, and no value: the reference data has no
  values per system type, so a package's value stays Unallocated. There are no deliveries in the data.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

from .items import classify, default_taxonomy, parse_item, parse_list
from .model import UNALLOCATED, Adjustment, Authority, Observation, Package, PackageLine, Source, SystemType
from .money import parse_amount
from .paths import resources_dir
from .service import Ledger

TRANSITION_DATE = dt.date(2025, 1, 20)
FY2024_ENACTED = dt.date(2024, 4, 24)


def _read(name: str) -> list[dict[str, str]]:
    with open(resources_dir() / "reference" / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _notes(row: dict[str, str], keys: list[str]) -> str | None:
    parts = [f"{k}: {row[k].strip()}" for k in keys if row.get(k, "").strip()]
    return "\n".join(parts) or None


def _millions(text: str) -> int:
    return parse_amount(text, unit=10**6)


class _Sources:
    def __init__(self, act):
        self.act = act
        self.ids: dict[tuple[str, str | None], int] = {}

    def get(self, title: str, url: str | None = None, published_on: dt.date | None = None) -> int:
        key = (title, url)
        if key not in self.ids:
            self.ids[key] = self.act.add(Source(title, url, published_on)).id
        return self.ids[key]


def load_system_types(act) -> dict[int, tuple[str, ...]]:
    """Add the default taxonomy; returns id -> words that identify the type."""
    out = {}
    for name, aliases, notes in default_taxonomy():
        st = act.add(SystemType(name, aliases, notes))
        out[st.id] = (st.name, *aliases)
    return out


def build(ledger: Ledger) -> list:
    """Write the reference data into an empty ledger in one action; returns the accepted warnings."""
    with ledger.action("Load sample data", accept_warnings=True) as act:
        sources = _Sources(act)
        words = load_system_types(act)
        other = next(tid for tid, names in words.items() if names[0] == "Other")
        auths: dict[str, int] = {}
        for row in _read("authorities.csv"):
            name = f"{row['program']} {row['fiscal_year']}"
            source = row["source"].strip()
            auths[name] = act.add(
                Authority(
                    program=row["program"],
                    name=name,
                    amount_cents=_millions(row["amount_usd_m"]),
                    available_from=dt.date.fromisoformat(row["available_from"]),
                    expires_on=dt.date.fromisoformat(row["expires_on"]) if row["expires_on"] else None,
                    kind=row["kind"] or None,
                    legal_basis=row["legal_basis"] or None,
                    source_id=sources.get(source, source if source.startswith("http") else None),
                    notes=row["notes"] or None,
                )
            ).id
        pda = _read("pda_tranches.csv")
        first = pda[0]
        auths["PDA FY2021"] = act.add(
            Authority(
                program="PDA",
                name="PDA FY2021",
                amount_cents=_millions(first["wh_memo_506a1_usd_m"]),
                available_from=dt.date.fromisoformat(first["wh_memo_date"]),
                expires_on=dt.date(2021, 9, 30),
                kind="delegation",
                legal_basis="FAA 506(a)(1)",
                source_id=sources.get("White House memorandum of 2021-08-27 (delegation under FAA 506(a)(1))"),
                notes="Not in the authorities table: the amount is what the memorandum for PDA 1 delegated.",
            )
        ).id
        # Adjustments before packages: a package is checked with the preservation that moved its deadline.
        for row in _read("adjustments.csv"):
            day = dt.date.fromisoformat(row["date"])
            src = sources.get(row["source"], None, day)
            base = dict(adjusted_on=day, program=row["program"], kind=row["kind"], reason=row["reason"], source_id=src)
            if row["kind"] == "revaluation" and row["amount_usd_m"] == "6200":
                for fy, amount in (("FY2022", "2600"), ("FY2023", "3600")):
                    act.add(Adjustment(**base, amount_cents=_millions(amount), authority_id=auths[f"PDA {fy}"],
                                       notes=f"{fy} part of USD 6.2 B, as the reason states. {row['notes']}"))
            elif row["kind"] == "preservation":
                act.add(Adjustment(**base, amount_cents=_millions(row["amount_usd_m"]), authority_id=auths["PDA FY2024"],
                                   new_deadline=TRANSITION_DATE,
                                   notes=f"{row['notes']}. New deadline: the transition date, 2025-01-20, by which the "
                                         "administration said it would use the remaining authority."))
            else:
                act.add(Adjustment(**base, amount_cents=_millions(row["amount_usd_m"]),
                                   notes=f"{row['notes']}. No fiscal year given: kept with the program."))
        for row in pda:
            day = dt.date.fromisoformat(row["announce_date"])
            fy = row["authority_fy_per_uamission"] or ("FY2024" if day >= FY2024_ENACTED else "FY2021")
            url = row["dod_release_url"] or None
            pkg = act.add(
                Package(
                    number=f"PDA {row['tranche_no']}",
                    announced_on=day,
                    authority_id=auths[f"PDA {fy}"],
                    value_cents=_millions(row["amount_usd_m"]),
                    source_id=sources.get(f"PDA {row['tranche_no']} announcement ({row['announce_date']})", url, day),
                    notes=_notes(
                        {**row, "authority": "" if row["authority_fy_per_uamission"] else f"PDA {fy} (inferred from the date)"},
                        [
                            "authority",
                            "tranche_no_basis",
                            "wh_memo_date",
                            "wh_memo_506a1_usd_m",
                            "wh_memo_614a1_usd_m",
                            "pun_money_json_pda_usd_m",
                            "dod_fact_sheet_url",
                            "verification",
                            "notes",
                            "sources",
                        ],
                    ),
                )
            )
            items = row["main_items"].strip()
            if items and items != "not retrieved":
                for item in parse_list(items):
                    act.add(PackageLine(pkg.id, classify(item.description, words, other), item.description,
                                        quantity=item.quantity, qualifier=item.qualifier, unit=item.unit))
        for i, row in enumerate(_read("usai_packages.csv"), start=1):
            day = dt.date.fromisoformat(row["announce_date"])
            given = row["usai_no"].split(" ")[0] if row["usai_no"] else ""
            act.add(
                Package(
                    number=f"USAI {given or i}",
                    announced_on=day,
                    authority_id=auths["USAI FY2024" if day >= FY2024_ENACTED else "USAI FY2022-FY2023"],
                    value_cents=_millions(row["usai_usd_m"]),
                    source_id=sources.get(f"USAI announcement ({row['announce_date']})", None, day),
                    notes=_notes(
                        {**row, "number": "" if given else "inferred from announcement order"},
                        ["number", "usai_no", "same_day_pda_usd_m", "notes", "sources"],
                    ),
                )
            )
        for row in _read("remaining_pda_observations.csv"):
            metric = row["metric"]
            program = "USAI" if "USAI" in metric or "USAI" in row["scope"] else "PDA"
            fy = re.search(r"\((FY\d{4})\)", metric)
            source = row["source_url_or_path"]
            act.add(
                Observation(
                    observed_on=dt.date.fromisoformat(row["as_of_date"]),
                    metric=metric,
                    value_cents=parse_amount(row["value_usd_b"], unit=10**9),
                    program=program,
                    authority_id=auths[f"{program} {fy[1]}"] if fy else None,
                    balance="remaining_authority" if metric.lower().startswith("remaining") else None,
                    scope=row["scope"] or None,
                    date_precision=row["date_precision"] or None,
                    reported_by=row["reported_by"] or None,
                    source_id=sources.get(f"{row['reported_by']} ({row['as_of_date']})", source),
                    notes=row["notes"] or None,
                )
            )
    ledger.set_meta("default_deadline", TRANSITION_DATE.isoformat())
    ledger.set_meta("name", "US aid to Ukraine 2021-2025 (sample)")
    return act.warnings


def write_sample(path: str | Path) -> tuple[Ledger, list]:
    """Create a new ledger file holding the sample. Refuses a file that already holds records."""
    ledger = Ledger.open(path)
    if any(ledger.count(k) for k in ("authority", "package", "source")):
        ledger.close()
        from .errors import LedgerError

        raise LedgerError(f"{path} already holds records: the sample goes into a new ledger")
    return ledger, build(ledger)


__all__ = ["build", "write_sample", "classify", "parse_item", "UNALLOCATED"]
