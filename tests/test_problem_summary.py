"""The same problem on many records is said once: a few examples and a count, on the command line
and in the app's question, whatever an import raises."""

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from ledger.errors import Problem, WarningsNotAccepted
from ledger.model import Authority, Disbursement, Package, PackageLine, SystemType
from ledger.problem_summary import said_once
from ledger.service import Ledger

ROOT = Path(__file__).resolve().parent.parent
D = dt.date(2024, 5, 1)


def _over_delivered(led: Ledger, n: int) -> list[Problem]:
    """The warnings of `n` deliveries, each beyond its line's quantity, and one beyond the package's value."""
    a = led.add(Authority("PDA", "PDA FY2024", 1_000_00, dt.date(2024, 4, 24)))
    t = led.add(SystemType("Fires", ("HIMARS",)))
    p = led.add(Package("PDA 56", D, a.id, 500_00))
    line = led.add(PackageLine(p.id, t.id, "HIMARS ammo", quantity=1))
    with pytest.raises(WarningsNotAccepted) as exc, led.action("deliveries") as act:
        act.add_many([Disbursement(D, p.id, line_id=line.id, quantity=2) for _ in range(n)]
                     + [Disbursement(D, p.id, value_cents=900_00)])
    return exc.value.problems


def test_one_rule_on_many_records_is_three_examples_and_a_count(ledger):
    problems = _over_delivered(ledger, 40)
    lines = said_once(problems)
    assert [level for level, _ in lines] == ["warning"] * 5
    assert all("more than the line's 1" in text for _, text in lines[:3])
    assert lines[3] == ("warning", "and 37 more disbursements with this warning on Quantity")
    assert "more than is left undelivered" in lines[4][1]  # another rule: a group of its own


def test_a_field_rule_groups_by_its_text():
    p = [Problem("error", "package", f"package P{i}", "value_cents", "is required") for i in range(5)]
    other = Problem("error", "package", "package Q", "value_cents", "is negative")
    lines = said_once([*p, other])
    assert lines[3] == ("error", "and 2 more packages with this error on Value")
    assert lines[4] == ("error", str(other))


def test_one_more_is_given_whole_never_counted():
    """'and 1 more' costs a line as long as the problem it stands for: the fourth is shown instead."""
    p = [Problem("error", "package", f"package P{i}", "value_cents", "is required") for i in range(4)]
    assert said_once(p) == [("error", str(x)) for x in p]
    assert said_once([*p, p[0]])[3] == ("error", "and 2 more packages with this error on Value")


def test_a_question_never_grows_beyond_its_lines():
    many = [Problem("warning", "disbursement", f"disbursement {i}", f, "x", rule=f"rule {f} {i % 30}")
            for i in range(3000) for f in ("quantity",)]
    lines = said_once(many, lines=16)
    assert len(lines) == 16
    shown = sum(1 for _, t in lines[:15] if not t.startswith("and "))
    counted = sum(int(t.split()[1].replace(",", "")) for _, t in lines if t.startswith("and "))
    assert shown + counted == 3000
    assert lines[-1][1].endswith("more warnings")


def _over_deliveries(tmp_path, rows: int):
    """(ledger, sheet, the command line's import of it): `rows` deliveries of 2 against a line of 1."""
    path = tmp_path / "l.aidledger"
    with Ledger.open(path) as led:
        a = led.add(Authority("PDA", "PDA FY2024", 1_000_00, dt.date(2024, 4, 24)))
        t = led.add(SystemType("Fires", ("HIMARS",)))
        p = led.add(Package("PDA 56", D, a.id, 500_00))
        led.add(PackageLine(p.id, t.id, "HIMARS ammo", quantity=1))
    csv = tmp_path / "deliveries.csv"
    csv.write_text("Date,Package,Line,Quantity\n" + "".join(f"2024-05-0{1 + i % 9},PDA 56,HIMARS ammo,2\n" for i in range(rows)))
    run = subprocess.run([sys.executable, str(ROOT / "main.py"), "import", str(csv), "--ledger", str(path), "--yes",
                          "--kind", "disbursements"], capture_output=True, text=True, timeout=120)
    return path, csv, run


def test_the_command_line_says_thousands_of_warnings_in_a_few_lines(tmp_path):
    path, csv, run = _over_deliveries(tmp_path, 2000)
    assert run.returncode != 0
    warnings = [ln for ln in run.stderr.splitlines() if ln.startswith("Warning")]
    assert len(warnings) == 4, run.stderr
    assert warnings[3] == "Warning: and 1,997 more disbursements with this warning on Quantity"
    again = subprocess.run([sys.executable, str(ROOT / "main.py"), "import", str(csv), "--ledger", str(path), "--yes",
                            "--kind", "disbursements", "--accept-warnings"], capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert again.stderr.splitlines()[-1] == "Warning (accepted): and 1,997 more disbursements with this warning on Quantity"


def test_the_apps_question_fits_the_screen(qapp, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from ui import confirm

    asked = {}

    def question(parent, title, text, *args):
        asked["text"] = text
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    many = [Problem("warning", "disbursement", f"disbursement {i}", "quantity", f"brings deliveries to {i}",
                    rule="_deliveries_beyond_the_line") for i in range(30_000)]
    assert confirm.ask_accept_warnings(None, many)
    bullets = [ln for ln in asked["text"].splitlines() if ln.startswith("•")]
    assert len(bullets) == 4
    assert bullets[-1] == "• and 29,997 more disbursements with this warning on Quantity"
    assert confirm.ask_accept_warnings(None, many[:4])  # the question, like the command line, shows a fourth whole
    assert [ln for ln in asked["text"].splitlines() if ln.startswith("•")] == [f"• {p}" for p in many[:4]]


def test_the_command_line_shows_a_fourth_warning_whole(tmp_path):
    _path, _csv, run = _over_deliveries(tmp_path, 4)
    warnings = [ln for ln in run.stderr.splitlines() if ln.startswith("Warning")]
    assert len(warnings) == 4, run.stderr
    assert "more" not in warnings[3].split(":")[0] and warnings[3].endswith("brings deliveries to 8, more than the line's 1")


def test_a_list_of_the_first_few_never_counts_one_more():
    from ledger.words import first_few

    assert first_few(list(range(4)), 3) == ([0, 1, 2, 3], 0)
    assert first_few(list(range(5)), 3) == ([0, 1, 2], 2)
    assert first_few([], 3) == ([], 0)
    # Given only the first few of many (a list in the import wizard): the count comes from `total`.
    assert first_few(list(range(4)), 3, total=4) == ([0, 1, 2, 3], 0)
    assert first_few(list(range(4)), 3, total=5000) == ([0, 1, 2], 4997)


def test_the_wizards_lists_show_one_left_over_whole(qapp, tmp_path):
    from ui.import_wizard import LISTED, SHOWN, ImportWizard
    from ui.settings import Settings

    with Ledger.open(tmp_path / "l.aidledger") as led:
        wizard = ImportWizard(led, Settings(), None)
        for total, shown in ((SHOWN + 1, SHOWN + 1), (SHOWN + 2, SHOWN + 1), (5000, SHOWN + 1)):
            wizard._fill("notes", [f"note {i}" for i in range(min(total, LISTED))], total)
            lst = wizard.lists["notes"]
            assert lst.count() == shown
            assert (lst.item(lst.count() - 1).text() == f"… and {total - SHOWN:,} more") == (total > SHOWN + 1)


def test_row_numbers_of_a_rejection_list_one_left_over_whole():
    from ledger.excel.plan import Rejection
    from ledger.excel.problems import ROWS_SHOWN, summarise

    def rows(n):
        return [Rejection("s", i, "Date", "x", "is not a date") for i in range(2, 2 + n)]

    (msg,) = summarise(rows(ROWS_SHOWN + 1))
    assert msg.text.endswith(f"({', '.join(str(i) for i in range(2, 2 + ROWS_SHOWN + 1))})") and "more" not in msg.text
    (msg,) = summarise(rows(ROWS_SHOWN + 2))
    assert msg.text.endswith(" and 2 more)")
