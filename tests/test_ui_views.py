"""What the views say: notes on empty stages and overcommitment, quantities per unit, the delivery
form's line picker, the detail pane, errors under a table, labels in the window's messages, column
widths after rows load, and one wording of the date-order setting."""

from __future__ import annotations

import datetime as dt
import re

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402

from ledger.model import KINDS, Disbursement  # noqa: E402
from ledger.service import Ledger  # noqa: E402
from ui import app as ui_app  # noqa: E402

AS_OF = "2024-12-02"
INTERNAL = re.compile(r"\b(" + "|".join(sorted({f.name for k in KINDS.values() for f in k.fields if "_" in f.name})) + r")\b")


@pytest.fixture(autouse=True)
def no_modal_boxes(message_boxes):
    return message_boxes


@pytest.fixture
def window(sample_window):
    return sample_window  # conftest: the main window on a copy of the sample, as of AS_OF


def test_empty_stages_and_overcommitment_are_explained(window):
    cards = window.dashboard.cards
    # The sample's disbursements (one package's, and what sources give by authority) taken away.
    for kind in ("disbursement", "disbursement_by_authority"):
        for r in window.ledger.records(kind):
            window.ledger.delete(kind, r.id)
    window.refresh_all()
    assert "No deliveries" in cards["disbursed_cents"].detail.text()
    assert "No deliveries" in window.show_table("disbursement").detail.toPlainText()
    window.show_view(0)
    assert "until deliveries are recorded" in cards["undelivered_cents"].detail.text()
    model = window.dashboard.model
    over = [r for r in range(model.rowCount()) if model.groups[r].figures.remaining_authority_cents < 0]
    assert over  # USAI FY2022-FY2023 is overcommitted in the sample
    tip = model.index(over[0], model.column("Remaining")).data(Qt.ItemDataRole.ToolTipRole)
    assert "overcommitted" in tip
    assert "overcommitted" in cards["remaining_authority_cents"].detail.text()
    # A delivery takes the note away.
    pkg = window.ledger.find("package", "PDA 71")
    window.ledger.add(Disbursement(dt.date(2024, 12, 1), pkg.id, value_cents=100_00), accept_warnings=True)
    window.refresh_all()
    assert "No deliveries" not in cards["disbursed_cents"].detail.text()


def test_an_empty_ledger_says_what_is_missing(qtbot, tmp_path):
    ui_app.make_app()
    w = ui_app.build_window(None)
    qtbot.addWidget(w)
    w.show()
    assert w.create_ledger(tmp_path / "new.aidledger")
    cards = w.dashboard.cards
    assert "No authorities" in cards["authorized_cents"].detail.text()
    assert "No packages" in cards["committed_cents"].detail.text()
    assert "No deliveries" in cards["disbursed_cents"].detail.text()
    w.show_view(1)
    assert "Nothing to chart yet" in w.chart.plot.title.text
    w.close()


def test_cards_fall_back_to_the_compact_figure_when_the_full_one_does_not_fit(window):
    window.settings.currency_display = "full"
    window.apply_preferences()
    window.refresh_all()
    window.resize(1024, 700)
    card = window.dashboard.cards["authorized_cents"]
    card.resize(180, card.height())
    assert card.value.text().endswith("B")  # compact
    assert card.value.toolTip().endswith(".00")  # full figure in the tooltip
    card.resize(900, card.height())
    assert card.value.text() == card.value.toolTip()


def test_group_names_stay_in_view_as_row_headers(window):
    table = window.dashboard.table
    assert table.isColumnHidden(0)
    model = window.dashboard.model
    names = [model.headerData(r, Qt.Orientation.Vertical) for r in range(model.rowCount())]
    assert names == [g.name for g in model.groups]
    assert table.verticalHeader().isVisible()


def test_quantities_by_system_type_are_added_per_unit(window, sample_copy):
    from ui.quantities import ITEMS, ROUNDS, by_system_type

    window.show_view(2)
    with Ledger.open(sample_copy, readonly=True) as led:
        per_unit = by_system_type(led)
        totals = led.quantities_by_system_type()
    fires = per_unit["Fires"][0]
    assert fires[ROUNDS] > 0 and fires[ITEMS] > 0
    for name, (given, _done) in per_unit.items():
        assert sum(given.values()) == totals.get(name, (0, 0))[0]  # nothing lost, only kept apart
    model = window.bars.model
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == "Fires")
    text = model.index(row, 5).data()
    assert f"{fires[ITEMS]:,} items" in text and f"{fires[ROUNDS]:,} rounds" in text


@pytest.mark.parametrize(
    "description, unit, expected",
    [
        ("155mm rounds", None, "rounds"),
        ("HIMARS ammunition", None, "rounds"),
        ("155mm", None, "rounds"),
        ("155mm howitzers (M777)", None, "items"),
        ("HIMARS", None, "items"),
        ("Javelin", "missiles", "missiles"),
    ],
)
def test_unit_of_a_line(description, unit, expected):
    from ui.quantities import unit_of

    assert unit_of(unit, description) == expected


def test_delivery_form_lists_the_lines_of_the_chosen_package(window):
    from ui.tables import RecordDialog

    form = RecordDialog(window.ledger, "disbursement", None, window)
    form.edits["package_id"].setText("PDA 5")
    offered = form.edits["line_id"].completer().model().stringList()
    assert "PDA 5: Javelin (2,000)" in offered
    assert all(text.startswith("PDA 5: ") for text in offered)
    pkg = window.ledger.find("package", "PDA 5")
    assert len(offered) == len(window.ledger.records("line", where="package_id = ?", params=[pkg.id]))
    form.edits["disbursed_on"].setText("2022-04-01")
    form.edits["line_id"].setText("PDA 5: Javelin (2,000)")
    form.edits["quantity"].setText("10")
    form.try_accept(confirm=lambda *_a: True)
    assert form.record is not None
    line = window.ledger.get("line", form.record.line_id)
    assert line.description == "Javelin" and line.package_id == pkg.id
    form.edits["package_id"].setText("PDA 6")
    assert all(t.startswith("PDA 6: ") for t in form.edits["line_id"].completer().model().stringList())


def test_detail_pane_folds_technical_notes_and_keeps_money_whole(window):
    view = window.show_table("package")
    view.select_id(window.ledger.find("package", "PDA 71").id)
    text = view.detail.toPlainText()
    assert "Details" in text
    assert "e8224139" not in text and "tranche_no_basis" not in text  # folded away
    assert "Announced late 2024-12-02" in text  # the note for people stays
    assert "725,000,000.00" in text
    assert text.count("Source") == 1  # the field is the Source section, not a row of its own beside it
    from PySide6.QtGui import QTextDocument

    from ui.record_detail import detail_html

    doc = QTextDocument()  # the pane's HTML (Qt's toHtml drops white-space when it writes it back)
    doc.setHtml(detail_html(window.ledger, "package", view.current_record(), view.model.display, {}))
    doc.setTextWidth(60)  # far too narrow: the figure still stays on one line
    doc.documentLayout().documentSize()  # lays the document out
    block = doc.begin()
    while block.isValid() and "725,000,000.00" not in block.text():
        block = block.next()
    assert block.isValid() and block.layout().lineCount() == 1
    view._link_clicked(__import__("PySide6.QtCore", fromlist=["QUrl"]).QUrl("#details"))
    text = view.detail.toPlainText()
    assert "e8224139" in text and "tranche_no_basis" in text
    assert not INTERNAL.search(text.split("Details")[0])  # history and fields by their labels


def test_an_error_under_a_table_goes_away_after_a_later_change(window):
    view = window.show_table("package")
    model = view.model
    col = 1 + [f.name for f in model.fields].index("value_cents")
    assert not model.setData(model.index(0, col), "lots")
    assert view.message.text() and not INTERNAL.search(view.message.text())
    src = window.ledger.records("source", limit=1)[0]  # a change to another kind of record
    window.ledger.edit("source", src.id, notes="a later change")
    window.refresh_all()
    assert view.message.text() == ""


def test_window_messages_use_labels(window, message_boxes):
    from ui.tables import RecordDialog

    form = RecordDialog(window.ledger, "package", None, window)
    form.try_accept()
    assert form.message.text() and not INTERNAL.search(form.message.text()), form.message.text()
    form.edits["number"].setText("PDA 99")
    form.edits["announced_on"].setText("2024-12-20")
    form.edits["authority_id"].setText("PDA FY2024")
    form.edits["value_cents"].setText("900 bn")
    asked = []
    form.try_accept(confirm=lambda _p, problems: asked.extend(str(p) for p in problems) or False)
    assert asked and not any(INTERNAL.search(a) for a in asked), asked
    view = window.show_table("package")
    col = 1 + [f.name for f in view.model.fields].index("authority_id")
    view.model.setData(view.model.index(0, col), "No such authority")
    assert "Authority" in view.message.text() and not INTERNAL.search(view.message.text())


def test_columns_follow_their_content_once_rows_arrive(qtbot, tmp_path):
    from ledger.model import Authority, Source
    from ui.tables import RecordsView

    ui_app.make_app()
    led = Ledger.open(tmp_path / "empty.aidledger")
    view = RecordsView(led, "authority", ui_app.Display() if hasattr(ui_app, "Display") else __import__("ui.fmt", fromlist=["Display"]).Display())
    qtbot.addWidget(view)
    view.show()
    amount = 1 + [f.name for f in view.model.fields].index("amount_cents")
    empty_width = view.table.columnWidth(amount)
    src = led.add(Source("A source"))
    led.add(Authority("PDA", "PDA FY2099 with a long name", 350_000_000_00, dt.date(2022, 1, 1), source_id=src.id))
    view.refresh()
    text = view.model.index(0, amount).data()
    assert view.table.columnWidth(amount) >= view.table.fontMetrics().horizontalAdvance(text)
    assert view.table.columnWidth(amount) >= empty_width
    led.close()


def test_one_wording_for_the_date_order(window, tmp_path):
    from ui.import_wizard import ImportWizard
    from ui.preferences import PreferencesDialog

    prefs = PreferencesDialog(window.settings, window.ledger, window)
    wizard = ImportWizard(window.ledger, window.settings, None, window)
    a = [prefs.date_order.itemText(i) for i in range(prefs.date_order.count())]
    b = [wizard.day_first.itemText(i) for i in range(wizard.day_first.count())]
    assert a == b and a[0].startswith("Refuse to guess")


def test_an_empty_backups_list_says_when_backups_are_taken(qtbot, tmp_path):
    from ui.backups_dialog import BackupsDialog

    led = Ledger.open(tmp_path / "new.aidledger")
    d = BackupsDialog(led)
    qtbot.addWidget(d)
    d.show()
    assert not led.backups()
    assert d.empty.isVisible() and "once a day" in d.empty.text()
    d.backup_now()
    assert not d.empty.isVisible()
    d.close()
    led.close()
