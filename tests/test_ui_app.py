"""The desktop app, driven offscreen through the real main window (pytest-qt)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from ui_helpers import finished  # noqa: E402

from ledger.balances import total_series  # noqa: E402
from ledger.excel import export_workbook  # noqa: E402
from ledger.model import PackageLine  # noqa: E402
from ledger.money import format_cents  # noqa: E402
from ledger.service import Ledger  # noqa: E402
from ui import app as ui_app  # noqa: E402
from ui.chart import step_arrays  # noqa: E402
from ui.dashboard import CARDS  # noqa: E402
from ui.mainwindow import TABLE_KINDS  # noqa: E402
from ui.settings import Settings  # noqa: E402
from ui.tables import PAGE, RecordModel  # noqa: E402

AS_OF = "2024-12-02"


@pytest.fixture(autouse=True)
def no_modal_boxes(message_boxes):
    return message_boxes


@pytest.fixture
def window(sample_window):
    return sample_window  # conftest: the main window on a copy of the sample, as of AS_OF


def column_of(model: RecordModel, field: str) -> int:
    return 1 + [f.name for f in model.fields].index(field)


def test_title_names_the_file_and_dashboard_matches_core(window, sample_copy):
    assert sample_copy.name in window.windowTitle()
    with Ledger.open(sample_copy, readonly=True) as led:
        s = led.summary(AS_OF, "authority")
    for _title, attr, _tip in CARDS:
        assert window.dashboard.cards[attr].value.text() == format_cents(getattr(s.totals, attr), "USD")
    model = window.dashboard.model
    assert model.rowCount() == len(s.groups)
    for row, g in enumerate(s.groups):
        assert model.index(row, 0).data() == g.name
        remaining = model.index(row, model.column("Remaining"))
        assert remaining.data(Qt.ItemDataRole.UserRole) == g.figures.remaining_authority_cents
        assert remaining.data() == format_cents(g.figures.remaining_authority_cents)
        needed = model.index(row, model.column("Needed")).data(Qt.ItemDataRole.UserRole)
        assert needed == g.pace.needed_commit_per_day_cents
        zero = model.index(row, model.column("Zero on")).data()
        assert zero == (g.pace.projected_zero_authority or "")
    assert "USD" in window.dashboard.cards["committed_cents"].value.text()


def test_as_of_moves_the_figures(window, sample_copy):
    window.dashboard.set_as_of(dt.date(2022, 6, 1))
    with Ledger.open(sample_copy, readonly=True) as led:
        s = led.summary("2022-06-01", "authority")
    assert window.dashboard.cards["committed_cents"].value.text() == format_cents(s.totals.committed_cents)


@pytest.mark.parametrize("by", ["authority", "system_type"])
def test_chart_arrays_are_the_core_series(window, sample_copy, by):
    window.show_view(1)
    chart = window.chart
    chart.by.setCurrentIndex(chart.by.findData(by))
    with Ledger.open(sample_copy, readonly=True) as led:
        series = led.series(by)
        observations = [
            o
            for o in led.records("observation")
            if o.balance == "remaining_authority" and o.observed_on.isoformat() <= AS_OF
        ]
    # The chart shows the ledger as it stood on the as-of date: nothing recorded later.
    total = [(d, f) for d, f in total_series(series) if d <= AS_OF]
    series = {n: [(d, f) for d, f in pts if d <= AS_OF] for n, pts in series.items()}
    for name, points in series.items():
        if not points:
            assert name not in chart.data
            continue
        days, cents = chart.data[name]
        assert days == [d for d, _ in points]
        assert cents == [f.remaining_authority_cents for _, f in points]
        x, y = chart.curves[name].getOriginalDataset()
        ex, ey = step_arrays(days, cents, chart.end_day())
        assert list(y) == list(ey) and list(x) == list(ex)
    assert chart.data["Total"][1] == [f.remaining_authority_cents for _, f in total]
    # Reported balances sit beside the derived line.
    assert len(chart.observation_points) == len(observations)
    # One vertical marker per deadline date.
    assert set(chart.deadline_lines) >= {"2025-01-20"}


def test_chart_projections_at_current_and_needed_pace(window, sample_copy):
    window.show_view(1)
    chart = window.chart
    chart.set_as_of(AS_OF)
    with Ledger.open(sample_copy, readonly=True) as led:
        s = led.summary(AS_OF, "authority")
    left = s.totals.remaining_authority_cents
    x, y = chart.projections["pace needed"].getOriginalDataset()
    assert y[0] == left / 100 and y[-1] == 0
    assert x[-1] == step_arrays([s.pace.deadline], [0], None)[0][0]
    x, y = chart.projections["current pace"].getOriginalDataset()
    days = (x[-1] - x[0]) / 86400
    assert y[0] == left / 100
    assert round((y[0] - y[-1]) * 100 / days) == s.pace.committed_per_day_cents[30]


def test_chart_export_png_and_svg(window, tmp_path):
    window.show_view(1)
    for name in ("chart.png", "chart.svg"):
        window.chart.export(str(tmp_path / name))
        assert (tmp_path / name).stat().st_size > 1000
    assert (tmp_path / "chart.png").read_bytes()[:4] == b"\x89PNG"
    assert b"<svg" in (tmp_path / "chart.svg").read_bytes()[:500]


def test_crosshair_reading(window):
    window.show_view(1)
    text = window.chart.reading("2024-12-02")
    assert "Total: USD" in text and "2024-12-02" in text


def test_edit_a_cell_then_undo_and_redo(window, qtbot):
    view = window.show_table("package")
    model = view.model
    col = column_of(model, "value_cents")
    row = model.row_of(next(r.id for r in model.rows if r.number == "PDA 71"))
    before = model.record(row).value_cents
    model.confirm = lambda parent, problems: True  # more than the authority has left: a warning
    assert model.setData(model.index(row, col), "800M")
    assert window.ledger.find("package", "PDA 71").value_cents == 800_000_000_00
    qtbot.waitUntil(lambda: window.act_undo.isEnabled() and "Edit package" in window.act_undo.text())
    window.act_undo.trigger()
    assert window.ledger.find("package", "PDA 71").value_cents == before
    qtbot.waitUntil(lambda: model.record(model.row_of(model.record(row).id)).value_cents == before)
    assert model.index(row, col).data() == format_cents(before)
    window.act_redo.trigger()
    assert window.ledger.find("package", "PDA 71").value_cents == 800_000_000_00
    qtbot.waitUntil(lambda: window.history.model.rowCount() >= 2)
    assert window.history.model.actions[0].label == "Edit package"


def test_invalid_cell_shows_why_and_changes_nothing(window):
    view = window.show_table("package")
    model = view.model
    col = column_of(model, "announced_on")
    before = model.record(0)
    assert not model.setData(model.index(0, col), "not a date")
    assert "Announced" in view.message.text() and "not a date" in view.message.text()
    assert model.index(0, col).data(Qt.ItemDataRole.ToolTipRole) == view.message.text()
    assert window.ledger.get("package", before.id) == before
    # A reference that does not exist
    col = column_of(model, "authority_id")
    assert not model.setData(model.index(0, col), "PDA FY1999")
    assert "no authority named" in view.message.text()


def test_warning_asks_for_confirmation(window):
    view = window.show_table("package")
    model = view.model
    col = column_of(model, "value_cents")
    row = model.row_of(next(r.id for r in model.rows if r.number == "PDA 71"))
    asked = []
    model.confirm = lambda parent, problems: asked.append(problems) or False
    before = model.record(row).value_cents
    assert not model.setData(model.index(row, col), "900 bn")  # beyond what the authority has left
    assert asked and "Not written" in view.message.text()
    assert window.ledger.find("package", "PDA 71").value_cents == before
    model.confirm = lambda parent, problems: True
    assert model.setData(model.index(row, col), "900 bn")
    assert window.ledger.find("package", "PDA 71").value_cents == 900 * 10**9 * 100


def test_delete_and_undo(window, qtbot):
    view = window.show_table("package")
    n = view.model.total
    view.table.selectRow(0)
    first = view.model.record(0)
    removed = view.delete_selected(confirm=False)
    assert removed >= 1 and not window.ledger.exists("package", first.id)
    qtbot.waitUntil(lambda: view.model.total == n - 1)
    window.undo()
    assert window.ledger.exists("package", first.id)
    qtbot.waitUntil(lambda: view.model.total == n)


def test_search_and_sort_go_through_the_service(window, qtbot):
    view = window.show_table("package")
    view.search.setText("USAI")
    qtbot.waitUntil(lambda: view.model.search_text == "USAI")
    assert view.model.total == window.ledger.search_count("package", "USAI") < window.ledger.count("package")
    assert sum(r.number.startswith("USAI") for r in view.model.rows) == 23
    assert all("usai" in f"{r.number} {r.notes}".lower() for r in view.model.rows)
    view.table.sortByColumn(column_of(view.model, "value_cents"), Qt.SortOrder.DescendingOrder)
    values = [r.value_cents for r in view.model.rows]
    assert values == sorted(values, reverse=True)


def test_detail_pane_shows_source_and_history(window):
    view = window.show_table("package")
    view.select_id(view.model.record(0).id)
    text = view.detail.toPlainText()
    assert "Source" in text and "announcement" in text
    assert "History" in text and "Load sample data" in text


def test_every_model_passes_qtmodeltester(window, qtmodeltester):
    for kind in TABLE_KINDS:
        qtmodeltester.check(window.show_table(kind).model)
    qtmodeltester.check(window.dashboard.model)
    qtmodeltester.check(window.history.model)
    window.show_view(2)
    qtmodeltester.check(window.bars.model)


def test_bars_by_system_type_match_summary(window, sample_copy):
    window.show_view(2)
    with Ledger.open(sample_copy, readonly=True) as led:
        s = led.summary(window.bars.as_of, "system_type")
    for g in s.groups:
        assert window.bars.values[g.name] == (
            g.figures.authorized_cents,
            g.figures.committed_cents,
            g.figures.disbursed_cents,
        )


def test_tables_fetch_lazily(qtbot, tmp_path):
    led = Ledger.open(tmp_path / "big.aidledger")
    from ledger.sample import build

    build(led)
    pkg = led.find("package", "PDA 71")
    with led.action("Add lines") as act:
        act.add_many([PackageLine(pkg.id, 1, f"item {i}", quantity=i) for i in range(3 * PAGE)])
    model = RecordModel(led, "line", ui_display())
    assert model.rowCount() == PAGE < model.total
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 2 * PAGE
    led.close()


def ui_display():
    from ui.fmt import Display

    return Display()


def test_first_run_shows_welcome_and_makes_the_sample(qtbot):
    ui_app.make_app()
    w = ui_app.build_window(None)
    qtbot.addWidget(w)
    assert w.stack.currentWidget() is w.welcome and w.ledger is None
    qtbot.mouseClick(w.welcome.buttons["sample"], Qt.MouseButton.LeftButton)
    assert not w.welcome.buttons["empty"].isEnabled() and not w.act_open.isEnabled()  # made on a worker meanwhile
    qtbot.waitUntil(lambda: w.ledger is not None, timeout=60_000)
    assert w.ledger.count("package") == 97 and w.welcome.buttons["empty"].isEnabled()
    assert "sample.aidledger" in w.windowTitle()
    assert Settings().last_ledger.endswith("sample.aidledger")
    w.close()


def test_empty_ledger_has_default_system_types(qtbot):
    ui_app.make_app()
    w = ui_app.build_window(None)
    qtbot.addWidget(w)
    qtbot.mouseClick(w.welcome.buttons["empty"], Qt.MouseButton.LeftButton)
    assert w.ledger.count("package") == 0 and w.ledger.count("system_type") > 3
    w.close()


def test_preferences_and_settings_are_typed(window, monkeypatch):
    from ui.preferences import PreferencesDialog

    dialog = PreferencesDialog(window.settings, window.ledger, window)
    dialog.currency.setCurrentIndex(dialog.currency.findData("full"))
    dialog.deadline.setText("2025-03-01")
    dialog.try_accept()
    assert window.ledger.default_deadline == "2025-03-01"
    assert Settings().currency_display == "full"
    window.resize(1280, 800)  # wide enough for full figures (a narrow card shows the compact one)
    window.apply_preferences()
    window.refresh_all()
    assert window.dashboard.cards["committed_cents"].value.text().endswith(".00")
    s = Settings()
    s.q.setValue("display/currency", "nonsense")
    assert s.currency_display == "short"


def test_unexpected_error_dialog_is_logged(window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from ui import errors

    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append((self.text(), self.detailedText())))
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        import sys

        errors.install_excepthook()
        sys.excepthook(type(exc), exc, exc.__traceback__)
    assert shown and "boom" in shown[0][0] and "Traceback" in shown[0][1]
    assert "boom" in errors.log_path().read_text()


def test_window_state_is_remembered(window, qtbot, sample_copy):
    view = window.show_table("package")
    view.table.horizontalHeader().resizeSection(2, 211)
    window.save_window()
    window.close_ledger()
    assert Settings().column_widths("package")[2] == 211
    assert Settings().last_ledger == str(sample_copy.resolve())
    assert ui_app.initial_ledger(None, Settings()) == str(sample_copy.resolve())
    assert Settings().bytes("geometry") is not None


@pytest.fixture
def exported(sample_file, tmp_path) -> Path:
    path = tmp_path / "sample.xlsx"
    with Ledger.open(sample_file, readonly=True) as led:
        export_workbook(led, path)
    return path


def empty_window(qtbot, tmp_path):
    ui_app.make_app()
    w = ui_app.build_window(str(tmp_path / "empty.aidledger"))
    qtbot.addWidget(w)
    return w


def test_export_through_the_window(qtbot, window, tmp_path, monkeypatch):
    from ui import export

    target = tmp_path / "out.xlsx"
    blocked = [window.act_export, window.act_open]
    job = export.export_file(window, window.ledger, str(target), blocks=blocked)
    assert job.running and not any(a.isEnabled() for a in blocked)  # no second export meanwhile
    with qtbot.waitSignal(job.finished, timeout=60_000) as signal:
        pass
    outcome = signal.args[0]
    assert outcome is job.outcome and all(a.isEnabled() for a in blocked)
    assert outcome.ok and target.exists()
    assert outcome.result.counts["package"] == window.ledger.count("package")


def test_cancel_stops_long_work_between_steps(qtbot, window):
    from ui.worker import start_work

    steps = []

    def work(progress, cancelled):
        for i in range(1000):
            if cancelled():
                from ledger.excel import Cancelled

                raise Cancelled("stopped")
            steps.append(i)
            progress(i, 1000)
        return "finished"

    def run(**kw):
        outcomes = []
        job = start_work(window, "Working", work, outcomes.append, **kw)
        qtbot.waitUntil(lambda: not job.running, timeout=30_000)
        return outcomes[0]

    outcome = run(on_start=lambda worker: worker.cancel())
    assert not outcome.ok and outcome.message.startswith("Cancelled") and steps == []
    outcome = run()
    assert (outcome.ok, outcome.result) == (True, "finished") and len(steps) == 1000


def test_import_wizard_preview_then_apply_then_undo(qtbot, tmp_path, exported, sample_file):
    from ui.import_wizard import ImportWizard

    w = empty_window(qtbot, tmp_path)
    wizard = ImportWizard(w.ledger, w.settings, str(exported), w)
    wizard.imported.connect(w._ledger_changed)
    assert finished(qtbot, wizard, wizard.run_preview())
    with Ledger.open(sample_file, readonly=True) as src:
        n_packages = src.count("package")
    assert sum(1 for a in wizard.preview.added if a.kind == "package") == n_packages
    assert w.ledger.count("package") == 0  # a preview writes nothing
    assert wizard.apply_button.isEnabled()
    assert "Added (" in wizard.tabs.tabText(0)
    asked = []
    wizard.confirm = lambda parent, problems: asked.append(problems) or True
    assert finished(qtbot, wizard, wizard.apply()), wizard.summary.text()
    assert not asked  # the warnings the sample accepted travel with its export: not asked again
    assert w.ledger.count("package") == n_packages
    qtbot.waitUntil(lambda: w.dashboard.summary is not None and w.dashboard.summary.totals.committed_cents > 0)
    qtbot.waitUntil(lambda: w.act_undo.isEnabled())
    w.undo()
    assert w.ledger.count("package") == 0
    w.close()


def test_an_updated_sheet_opens_on_what_it_changes_and_writes_it(qtbot, window, exported):
    import openpyxl

    from ui.import_wizard import ImportWizard

    wb = openpyxl.load_workbook(exported)
    ws = wb["Packages"]
    header = [c.value for c in ws[1]]
    value, number = header.index("Value") + 1, header.index("Number") + 1
    ws.cell(2, value).value = ws.cell(2, value).value + 1000  # a colleague revised one package's value
    wb.save(exported)
    wizard = ImportWizard(window.ledger, window.settings, str(exported), window)
    assert finished(qtbot, wizard, wizard.run_preview())
    assert not wizard.preview.added and len(wizard.preview.changed) == 1
    assert wizard.tabs.currentWidget() is wizard.lists["changed"]  # nothing added: the tab of what changes is shown
    assert "Value:" in wizard.lists["changed"].item(0).text()
    (change,) = wizard.preview.changed
    wizard.confirm = lambda parent, problems: True
    assert finished(qtbot, wizard, wizard.apply()), wizard.summary.text()
    assert window.ledger.get("package", change.new.id).value_cents == change.new.value_cents
    assert ws.cell(2, number).value == change.new.number


def test_import_cancelled_changes_nothing(qtbot, tmp_path, exported):
    from ui.import_wizard import ImportWizard

    w = empty_window(qtbot, tmp_path)
    wizard = ImportWizard(w.ledger, w.settings, str(exported), w)
    assert finished(qtbot, wizard, wizard.run_preview())
    started = wizard.apply(on_start=lambda worker: worker.cancel())
    assert started and not finished(qtbot, wizard, started)
    assert wizard.summary.text().startswith("Cancelled")
    assert w.ledger.count("package") == 0 and w.ledger.undo_label() is None
    w.close()


def test_import_shows_rejected_rows_with_reasons(qtbot, tmp_path):
    from ui.import_wizard import ImportWizard

    csv = tmp_path / "packages.csv"
    csv.write_text("Package,Date,Value ($M),Authority\nPDA 99,2024-12-30,125,Nowhere FY1999\nPDA 98,soon,10,Nowhere\n")
    w = empty_window(qtbot, tmp_path)
    wizard = ImportWizard(w.ledger, w.settings, str(csv), w)
    assert finished(qtbot, wizard, wizard.run_preview())
    assert wizard.preview.rejected
    assert wizard.lists["rejected"].count() == len(wizard.preview.rejected)
    assert not wizard.apply_button.isEnabled()
    w.close()


def test_plots_follow_a_dark_palette(window):
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication

    window.show_view(1)
    app = QApplication.instance()
    before = app.palette()
    dark = QPalette(before)
    dark.setColor(QPalette.ColorRole.Base, QColor(30, 30, 30))
    dark.setColor(QPalette.ColorRole.Text, QColor(230, 230, 230))
    app.setPalette(dark)
    try:
        window._palette_changed()
        assert window.chart.plot.backgroundBrush().color() == QColor(30, 30, 30)
        assert window.chart.curves["Total"].opts["pen"].color() == QColor(230, 230, 230)
    finally:
        app.setPalette(before)


def test_every_control_is_named_for_screen_readers(window, tmp_path, exported):
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QComboBox,
        QDateEdit,
        QLineEdit,
        QTextBrowser,
    )

    from ui.import_wizard import ImportWizard

    window.show_view(1)
    window.show_view(2)
    for kind in TABLE_KINDS:
        window.show_table(kind)
    wizard = ImportWizard(window.ledger, window.settings, str(exported), window)
    unnamed = []
    for root in (window, wizard):
        for cls in (QAbstractButton, QComboBox, QLineEdit, QDateEdit, QAbstractItemView, QTextBrowser):
            for w in root.findChildren(cls):
                if w.parent() is not None and type(w.parent()).__name__ in ("QComboBox", "QDateEdit"):
                    continue  # the inner parts of a named control
                if isinstance(w, QLineEdit) and isinstance(w.parent(), (QComboBox, QDateEdit)):
                    continue
                if type(w).__name__ in ("QToolButton", "QScrollBar", "QHeaderView") or w.objectName().startswith("qt_"):
                    continue  # Qt's own scroll and tab arrows, table headers
                if type(w.window()).__name__ == "QFrame":
                    continue  # a combo box's popup list
                text = w.text() if isinstance(w, QAbstractButton) else ""
                if not (w.accessibleName() or text.strip()):
                    unnamed.append(f"{type(w).__name__} in {type(w.window()).__name__}")
    assert not unnamed, unnamed
    wizard.close()


def test_find_focuses_the_search_box_of_the_current_table(window, qtbot):
    window.activateWindow()
    window.show_table("authority")
    window.act_find.trigger()
    view = window.records["authority"]
    qtbot.waitUntil(lambda: view.search.hasFocus() or window.focusWidget() is view.search)


def test_first_start_fits_a_screen_smaller_than_the_default_size(window):
    # The offscreen screen is 800 pixels high: 1280x800 would hide the status bar and the chart's readout.
    room = window.screen().availableGeometry()
    assert room.height() < 800 + 48
    assert window.frameGeometry().height() <= room.height()
    assert room.contains(window.geometry().topLeft())


def test_a_saved_window_size_comes_back(qtbot, sample_copy):
    first = ui_app.build_window(str(sample_copy))
    qtbot.addWidget(first)
    first.resize(700, 500)
    first.save_window()
    first.close()
    again = ui_app.build_window(str(sample_copy))
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (700, 500)
    again.close()
