"""The balance-over-time sheet holds the ledger's total series: its last row equals the summary."""

import openpyxl

from ledger.dates import MAX_DATE
from ledger.excel import export_workbook, layout
from ledger.service import Ledger


def test_balance_over_time_sheet_ends_at_the_totals(sample_file, tmp_path):
    path = tmp_path / "s.xlsx"
    with Ledger.open(sample_file, readonly=True) as led:
        export_workbook(led, path)
        totals = led.summary(as_of=MAX_DATE.isoformat(), by="authority").totals
    rows = list(openpyxl.load_workbook(path, read_only=True)[layout.SERIES_SHEET].iter_rows(values_only=True))
    assert len(rows) > 50  # one row per day something changed, after the header
    last = rows[-1]
    assert round(last[3] * 100) == totals.committed_cents  # Committed, in currency units
    assert round(last[5] * 100) == totals.remaining_authority_cents
