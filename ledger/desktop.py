"""The desktop app's door to what sits above the facade: workbooks (`ledger.excel`) and the sample.

`ui/` reaches the core through `ledger.service.Ledger`, the pure modules (model, money, dates,
errors, paths, balances, convert), `ledger.briefing` (what a brief says) and this module only; the import contract (.importlinter) checks
it. Each function imports its module when called, so opening the app does not load the workbook code.
"""

from __future__ import annotations

from typing import Any


def export_workbook(ledger, path, progress=None, cancelled=None):
    """Write the whole ledger as an .xlsx workbook; returns an ExportResult (rows per kind)."""
    from .excel import export_workbook as export

    return export(ledger, path, progress, cancelled)


def read_import(path, **options):
    """Read a workbook or CSV file into an ImportPlan (nothing written); options as ledger.excel.read_import."""
    from .excel import read_import as read

    return read(path, **options)


def preview_import(ledger, plan, type_map=None, create_types=False, progress=None):
    """What importing `plan` would add, change, leave unchanged, miss and reject (nothing written)."""
    from .excel import preview_import as preview

    return preview(ledger, plan, type_map, create_types, progress)


def describe_change(change, currency: str) -> str:
    """A previewed change in the words a person sees (field labels, money as money)."""
    from .excel.preview import describe_change as describe

    return describe(change, currency, arrow="→")


def apply_import(ledger, preview, skip_invalid=False, accept_warnings=False, progress=None, cancelled=None):
    """Write a preview in one undoable action; all or nothing unless `skip_invalid`."""
    from .excel import apply_import as apply

    return apply(ledger, preview, skip_invalid, accept_warnings, progress, cancelled)


def list_profiles() -> list[str]:
    from .excel import list_profiles as names

    return names()


def save_profile(name: str, kind: str, mapping: dict[str, Any], shape: list[str], day_first: bool | None) -> None:
    from .excel import save_profile as save

    save(name, kind, mapping, shape, day_first)


def build_sample(ledger) -> list:
    """Fill an empty ledger with the bundled reference data; returns the warnings it accepted."""
    from .sample import build

    return build(ledger)


def load_system_types(work) -> dict[int, tuple[str, ...]]:
    """Add the default system types within an action (`Ledger.action`); id -> words that name each."""
    from .sample import load_system_types as load

    return load(work)


def write_sample(path):
    """A new ledger file holding the bundled reference data: (ledger, accepted warnings)."""
    from .sample import write_sample as write

    return write(path)


# -- what the import wizard shows of a plan and a preview (the words the command line uses too) ------


def column_lines(plan) -> list[str]:
    """Each foreign sheet's columns with the field and the confidence of each match, weak ones and ties."""
    from .excel.columns_report import column_lines as lines

    return lines(plan)


def problem_messages(rejected, rows_in=None) -> list[str]:
    """An import's rejections said once: a field missing from every row is one message, and so on."""
    from .excel.problems import summarise

    return [m.text for m in summarise(list(rejected), rows_in)]


def rows_rejected(rejected) -> int:
    """How many rows the rejections fall on (each row once)."""
    from .excel.problems import rows_rejected as count

    return count(rejected)


def suggest_authority(plan, packages) -> dict:
    """Program, name, amount and dates of an authority for packages previewed without one."""
    from .excel.infer import suggest_authority as suggest

    return suggest(plan, packages)


def extra_fields(kind: str) -> list:
    """Fields a foreign sheet of `kind` may hold beyond the stored ones (a package's program, items)."""
    from .excel.header_match import EXTRA

    return list(EXTRA.get(kind, {}).values())


def field_label(kind: str, name: str) -> str:
    from .excel.header_match import label

    return label(kind, name)


def weak_match(score: int) -> bool:
    """A header matched below the sure score: shown as weak, to be checked."""
    from .excel.header_match import SURE

    return score < SURE


def default_system_types() -> list[str]:
    """Names of the bundled taxonomy (what an empty ledger's import would add)."""
    from .items import default_taxonomy

    return [name for name, _, _ in default_taxonomy()]
