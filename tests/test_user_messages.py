"""Every message a user can get from bad input names fields by the labels people see (the model's
labels), never by internal names such as authority_id, value_cents or announced_on.

The bad inputs are the suite's kinds: the command line's add/edit/delete/import, the service's
validation errors and warnings, and the window's table cells and new-record form.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from cli_helpers import run_cli

from ledger.errors import LedgerError, ValidationError, WarningsNotAccepted
from ledger.model import KINDS, Adjustment, Authority, Disbursement, Package, PackageLine, SystemType
from ledger.service import Ledger

INTERNAL = sorted({f.name for k in KINDS.values() for f in k.fields if "_" in f.name}, key=len, reverse=True)
PATTERN = re.compile(r"\b(" + "|".join(INTERNAL) + r")\b")
D = dt.date(2024, 11, 1)


def internal_names(text: str) -> list[str]:
    # A URL or a file path may hold anything: only the words of the message count.
    words = re.sub(r"\S*[/\\]\S*", "", text)
    return PATTERN.findall(words)


def test_the_pattern_finds_internal_names():
    assert internal_names("package X, authority_id: is required") == ["authority_id"]
    assert internal_names("Value: 'lots' is not an amount (see /tmp/value_cents.csv)") == []


CLI_BAD = [
    ["add", "package", "number=PDA 71", "announced=2025-01-01", "authority=PDA FY2024", "value=1M"],
    ["add", "package", "number=X", "announced=2025-01-01", "authority=PDA FY2099", "value=1M"],
    ["add", "package", "number=X", "announced=2025-01-01", "authority=PDA FY2024", "value=lots"],
    ["add", "package", "number=X", "announced=2025-01-01", "authority=PDA FY2024", "value=-5"],
    ["add", "package", "number=X", "announced=3/4/2025", "authority=PDA FY2024", "value=5"],
    ["add", "package", "number=X", "announced=2525-01-01", "authority=PDA FY2024", "value=5"],
    ["add", "package", "number=X"],
    ["add", "package", "colour=red"],
    ["add", "package", "number=PDA 90", "announced=2025-02-01", "authority=PDA FY2024", "value=125M"],
    ["add", "disbursement", "disbursed=2020-01-01", "package=PDA 71", "value=1"],
    ["add", "disbursement", "disbursed=2025-01-01", "package=PDA 71"],
    ["add", "line", "package=PDA 71", "system_type=Nothing such", "description=x"],
    ["add", "line", "package=PDA 71", "system_type=Air defense", "description=x", "quantity=many"],
    ["add", "adjustment", "adjusted=2024-01-01", "program=PDA", "kind=expiry", "amount=-5", "reason=x"],
    ["add", "adjustment", "adjusted=2024-01-01", "program=PDA", "kind=bonus", "amount=5", "reason=x"],
    ["add", "authority", "program=PDA", "name=X", "amount=5", "available_from=2024-01-01", "expires=2020-01-01"],
    ["add", "observation", "observed=2024-01-01", "metric=x", "value=1", "balance=most"],
    ["edit", "package", "9999", "value=5"],
    ["edit", "package", "71", "value=far too much"],
    ["edit", "package", "71", "announced=2020-01-01"],
    ["delete", "authority", "1"],
    ["delete", "system_type", "1"],
    ["summary", "--as-of", "someday"],
]


@pytest.mark.parametrize("args", CLI_BAD, ids=lambda a: " ".join(a)[:60])
def test_command_line_messages_use_labels(sample_copy, args):
    code, out, err = run_cli(args[0], "--ledger", sample_copy, *args[1:])
    assert code != 0
    assert err.strip()
    assert internal_names(out + err) == [], out + err


def test_import_rejections_use_labels(sample_copy, tmp_path):
    csv = tmp_path / "packages.csv"
    csv.write_text(
        "Package,Announced,Authority,Value (USD)\n"
        "PDA 91,2024-11-01,PDA FY2099,5000000\n"
        "PDA 92,not a date,PDA FY2024,5000000\n"
        "PDA 93,2024-11-02,PDA FY2024,-5\n"
        "PDA 71,2024-12-02,PDA FY2024,725000000\n"
    )
    code, out, err = run_cli("import", "--ledger", sample_copy, csv, "--kind", "package")
    assert "Rejected" in out + err or code != 0
    assert internal_names(out + err) == [], out + err


def service_failures(led: Ledger) -> list[str]:
    auth = led.find("authority", "PDA FY2024")
    pkg = led.find("package", "PDA 71")
    other = led.find("package", "PDA 70")
    ttype = led.records("system_type", limit=1)[0]
    line = PackageLine(other.id, ttype.id, "x", quantity=10)
    line = led.add(line, accept_warnings=True)
    bad = [
        Package("PDA 57", D, auth.id, -5),
        Package("PDA 57", D, 999, 5),
        Package("PDA 71", D, auth.id, 5),
        Package(" ", D, auth.id, 5),
        Package("PDA 57", dt.date(1850, 1, 1), auth.id, 5),
        Package("PDA 58", D, auth.id, 10**13),
        Package("PDA 59", dt.date(2025, 6, 1), auth.id, 1),
        Disbursement(D, 999, value_cents=5),
        Disbursement(D, pkg.id, line_id=999, value_cents=5),
        Disbursement(D, pkg.id, line_id=line.id, quantity=1),
        Disbursement(D, pkg.id),
        Disbursement(dt.date(2020, 4, 1), pkg.id, quantity=1),
        Disbursement(D, pkg.id, value_cents=10**12),
        PackageLine(pkg.id, 999, "x"),
        PackageLine(pkg.id, ttype.id, "x", value_cents=10**13),
        Adjustment(D, "PDA", "expiry", -5, "lapsed"),
        Adjustment(D, "USAI", "expiry", 5, "x", authority_id=auth.id),
        Adjustment(D, "PDA", "expiry", 5, "x", new_deadline=D),
        Adjustment(D, "PDA", "bonus", 5, "x"),
        SystemType(ttype.name),
        Authority("PDA", "X", 5, D, dt.date(2020, 1, 1)),
    ]
    messages = []
    for record in bad:
        for accept in (False, True):
            try:
                led.add(record, accept_warnings=accept)
            except (ValidationError, WarningsNotAccepted) as exc:
                messages.append(str(exc))
                messages.extend(f"{p.label}: {p.message}" for p in exc.problems)
            except LedgerError as exc:
                messages.append(str(exc))
            else:
                led.undo()
    for kind, rid in (("authority", auth.id), ("package", 9999), ("system_type", ttype.id)):
        try:
            led.delete(kind, rid)
        except LedgerError as exc:
            messages.append(str(exc))
    return messages


def test_service_messages_use_labels(sample_copy):
    with Ledger.open(sample_copy) as led:
        messages = service_failures(led)
    assert len(messages) > 25
    found = {m: internal_names(m) for m in messages if internal_names(m)}
    assert not found, found


def _edited_export(sample_copy, tmp_path):
    """The sample's own export with two packages' values and a note changed, as a colleague sends it back."""
    import openpyxl

    from ledger.excel import export_workbook

    path = tmp_path / "edited.xlsx"
    with Ledger.open(sample_copy, readonly=True) as led:
        export_workbook(led, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Packages"]
    head = [c.value for c in ws[1]]
    ws.cell(2, head.index("Value") + 1).value = 61_000_000
    ws.cell(3, head.index("Notes") + 1).value = "revised per DoD release"
    wb.save(path)
    return path


def test_changed_rows_are_said_with_labels_and_money_on_the_command_line_and_in_the_wizard(sample_copy, tmp_path, qtbot):
    from ui_helpers import finished

    from ui.import_wizard import ImportWizard
    from ui.settings import Settings

    path = _edited_export(sample_copy, tmp_path)
    code, out, err = run_cli("import", "--ledger", sample_copy, path, "--dry-run")
    changed = [line for line in out.splitlines() if line.startswith("Changed")]
    assert len(changed) == 2 and "Value: USD 60,000,000.00 -> USD 61,000,000.00" in changed[0], out
    assert internal_names("\n".join(changed)) == [], out
    with Ledger.open(sample_copy) as led:
        wizard = ImportWizard(led, Settings(str(tmp_path / "settings.ini")), str(path))
        qtbot.addWidget(wizard)
        assert finished(qtbot, wizard, wizard.run_preview())
        lst = wizard.lists["changed"]
        items = [lst.item(i).text() for i in range(lst.count())]
        assert len(items) == 2 and "Value: USD 60,000,000.00 → USD 61,000,000.00" in items[0], items
        assert "Notes: " in items[1] and "…" in items[1]  # the sample's long note, cut
        assert internal_names("\n".join(items)) == [], items


def test_rows_the_rules_refuse_on_writing_join_the_wizards_rejected_tab(sample_copy, tmp_path, qtbot):
    import openpyxl
    from ui_helpers import finished

    from ui.import_wizard import ImportWizard
    from ui.settings import Settings

    path = _edited_export(sample_copy, tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Packages"]
    number = [c.value for c in ws[1]].index("Number") + 1
    ws.cell(4, number).value = ws.cell(5, number).value  # PDA 3 renumbered as PDA 4, which row 5 also is
    wb.save(path)
    with Ledger.open(sample_copy) as led:
        wizard = ImportWizard(led, Settings(str(tmp_path / "settings.ini")), str(path))
        wizard.confirm = lambda *_args: True
        qtbot.addWidget(wizard)
        wizard.skip_invalid.setChecked(True)
        assert finished(qtbot, wizard, wizard.run_preview())
        assert wizard.tabs.tabText(wizard.tabs.indexOf(wizard.lists["rejected"])) == "Rejected (1)"
        assert finished(qtbot, wizard, wizard.apply())
        lst = wizard.lists["rejected"]
        assert "2 rows left out" in wizard.summary.text()
        assert wizard.tabs.tabText(wizard.tabs.indexOf(lst)) == "Rejected (2)"
        assert "is already used by another package" in lst.item(1).text()
