"""Sheets nobody here wrote: shaped like the tables publishers and analysts circulate, built at test
time (openpyxl, or CSV text as a spreadsheet app saves it). Each case says what importing it must
give: packages, committed total and lines, into an empty ledger and into the sample ledger.

    .venv/bin/python tests/foreign_corpus.py FOLDER    # writes the files, to open them by hand

Figures of US packages are the reference data's (resources/reference), so in the sample ledger they
are the packages it already holds: unchanged, nothing added. Other donors' packages are added there.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.styles import Font
from openpyxl.utils.datetime import CALENDAR_MAC_1904

M = 100_000_000  # cents in a million


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Path], Path]
    packages: int  # packages in the sheet
    committed_cents: int  # their total value
    lines: int  # lines their item lists give
    sample_added_cents: int  # committed added when imported into the sample ledger
    sample_lines: int  # lines added there
    options: dict = field(default_factory=dict)  # read_import options
    currency: str = "USD"  # of the empty ledger it goes into
    said: tuple[str, ...] = ()  # texts the plan's notes must hold (what was read unlike a plain cell)


def _book(title: str):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    return wb, ws


def dod_release(folder: Path) -> Path:
    """A defense-department fact sheet: title rows, 'PDA no.', items as published."""
    wb, ws = _book("PDA")
    ws.append(["U.S. Department of Defense"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["Presidential Drawdown Authority packages for Ukraine (fact sheet, as of January 2025)"])
    ws.append([])
    ws.append(["PDA no.", "Announcement", "Value of package (USD millions)", "Items included"])
    ws.append(["PDA 65", dt.date(2024, 9, 6), 250, "Air defense missiles & support; munitions for rocket systems and artillery; "
                                                     "anti-tank weapons; Bradley and other armored vehicles"])
    ws.append(["PDA 70", dt.date(2024, 11, 20), 275, "HIMARS ammo; 155/105mm; Javelin; spare parts (partial)"])
    ws.append(["PDA 72", dt.date(2024, 12, 12), 500, "Air defense; artillery; drones; armored vehicles; HIMARS ammo"])
    ws.append([])
    ws.append(["Source: U.S. Department of Defense releases; figures as announced."])
    path = folder / "dod_pda_fact_sheet.xlsx"
    wb.save(path)
    return path


def state_fact_sheet(folder: Path) -> Path:
    """A State Department fact-sheet table: 'Package #', amounts in $bn, a Program / authority column."""
    wb, ws = _book("Fact sheet")
    ws.append(["U.S. Security Cooperation with Ukraine"])
    ws.append(["Bureau of Political-Military Affairs", None, None, "Fact Sheet"])
    ws.append(["Package #", "Date announced", "Program / authority", "Amount, $bn"])
    ws.append(["PDA 73", dt.date(2024, 12, 30), "PDA", 1.25])
    ws.append(["PDA 74", dt.date(2025, 1, 9), "PDA", 0.5])
    ws.append(["USAI 22", dt.date(2024, 12, 7), "USAI", 0.988])
    path = folder / "state_fact_sheet.xlsx"
    wb.save(path)
    return path


def crs_table(folder: Path) -> Path:
    """A congressional-research table: numbered title, Fiscal year and Tranche columns, footnotes."""
    wb, ws = _book("Table 2")
    ws.append(["Table 2. Presidential Drawdowns for Ukraine Announced Since Enactment of P.L. 118-50"])
    ws.append(["(in millions of current dollars)"])
    ws.append(["Fiscal year", "Tranche", "Date", "Value ($ millions)"])
    ws.append(["FY2024", 56, dt.date(2024, 4, 24), 1000])
    ws.append(["FY2024", 57, dt.date(2024, 5, 10), 400])
    ws.append(["FY2024", 58, dt.date(2024, 5, 24), 275])
    ws.append(["Source: CRS, from Department of Defense announcements."])
    ws.append(["Notes: Values are as announced; some packages were later revalued."])
    path = folder / "crs_table.xlsx"
    wb.save(path)
    return path


def kiel_long(folder: Path) -> Path:
    """The Kiel Ukraine Support Tracker's long format: one row per item, donor, date, EUR values."""
    wb, ws = _book("Bilateral Assistance, MAIN DATA")
    ws.append(["ID", "donor", "announcement_date", "aid_type_general", "item", "quantity", "tot_value_eur", "source"])
    ws.append(["DE-1041", "Germany", dt.date(2023, 1, 25), "Military", "14 Leopard 2 A6 tanks", 14, 180_000_000, "Bundesregierung"])
    ws.append(["DE-1042", "Germany", dt.date(2023, 1, 25), "Military", "40 Marder infantry fighting vehicles", 40, 120_000_000, "Bundesregierung"])
    ws.append(["FR-0310", "France", dt.date(2023, 2, 8), "Military", "additional CAESAR howitzers", None, 60_000_000, "Elysee"])
    ws.append(["PL-0217", "Poland", dt.date(2023, 4, 5), "Military", "up to 14 MiG-29 fighter jets", 14, 300_000_000, "MON"])
    path = folder / "kiel_tracker_long.xlsx"
    wb.save(path)
    return path


def home_tracker(folder: Path) -> Path:
    """A home-made tracker: two header rows, 'Package' merged over its number and date."""
    wb, ws = _book("My tracker")
    ws.append(["Package", None, "Value", "Contents"])
    ws.append(["No.", "Date", "($M)", None])
    ws.merge_cells("A1:B1")
    ws.append(["PDA 62", dt.date(2024, 7, 29), 200, "Air defense interceptors; munitions for rocket systems and artillery; "
                                                    "anti-tank weapons (same day $1.5B USAI)"])
    ws.append(["PDA 66", dt.date(2024, 9, 25), 375, None])
    ws.append(["PDA 67", dt.date(2024, 10, 15), 425, None])
    path = folder / "home_tracker.xlsx"
    wb.save(path)
    return path


def google_sheets_csv(folder: Path) -> Path:
    """A CSV as Google Sheets saves it: CRLF, amounts as shown ("$2,200,000,000.00"), US dates."""
    text = ("Program,Announced,Amount\r\n"
            'USAI,7/3/2024,"$2,200,000,000.00"\r\n'
            'USAI,12/30/2024,"$1,220,000,000.00"\r\n')
    path = folder / "usai_from_google_sheets.csv"
    path.write_bytes(text.encode("utf-8"))
    return path


def program_column(folder: Path) -> Path:
    """A Program column and no authority (nor numbers): the ledger's authorities by program and date."""
    wb, ws = _book("Aid by program")
    ws.append(["Program", "Date of announcement", "Value (USD)"])
    ws.append(["Presidential Drawdown Authority", dt.date(2024, 6, 7), 225_000_000])
    ws.append(["USAI", dt.date(2024, 9, 26), 2_400_000_000])
    path = folder / "program_column.xlsx"
    wb.save(path)
    return path


def items_with_qualifiers(folder: Path) -> Path:
    """A ministry release with item lists: quantities, 'up to', 'additional', counting units."""
    wb, ws = _book("Releases")
    ws.append(["Ministry of Defence of Norway: donations to Ukraine"])
    ws.append(["Package", "Date", "Value (USD m)", "Equipment provided"])
    ws.append(["NO-2024-03", dt.date(2024, 3, 14), 120,
               "up to 2,000 Javelin anti-armor systems; additional 155mm artillery rounds; 4 Stinger missiles"])
    ws.append(["NO-2024-07", dt.date(2024, 7, 2), 80, "10,000 rounds of small-arms ammunition; 20 mine clearing kits; field kitchens"])
    path = folder / "norway_releases.xlsx"
    wb.save(path)
    return path


def uk_mod(folder: Path) -> Path:
    """A UK defence-ministry announcement list in pounds (the ledger's currency is said to differ)."""
    wb, ws = _book("Announcements")
    ws.append(["Date of announcement", "Announcement", "Value (£m)"])
    ws.append([dt.date(2024, 2, 23), "UK-2024-02 Defence support package", 245])
    ws.append([dt.date(2024, 4, 25), "UK-2024-04 Largest package to date", 500])
    path = folder / "uk_mod_announcements.xlsx"
    wb.save(path)
    return path


def workbook_1904(folder: Path) -> Path:
    """A workbook of the 1904 date system (old Mac Excel): its date serials are 1,462 days off."""
    wb, ws = _book("USAI")
    wb.epoch = CALENDAR_MAC_1904
    ws.append(["Announced", "Value ($M)"])
    ws.append([dt.date(2024, 4, 26), 6000])
    ws.append([dt.date(2024, 7, 29), 1500])
    path = folder / "usai_1904.xlsx"
    wb.save(path)
    return path


def amounts_as_text(folder: Path) -> Path:
    """Amounts typed as text, the way they are copied from a press release."""
    wb, ws = _book("Copied")
    ws.append(["Tranche", "Announced on", "Value"])
    ws.append(["PDA 71", dt.date(2024, 12, 2), "$725 million"])
    ws.append(["PDA 69", dt.date(2024, 11, 1), "USD 425,000,000"])
    ws.append(["PDA 68", dt.date(2024, 10, 21), "0.4 billion"])
    path = folder / "amounts_as_text.xlsx"
    wb.save(path)
    return path


def totals_row(folder: Path) -> Path:
    """A table with a totals row as a spreadsheet leaves it (a label, then the sum)."""
    wb, ws = _book("Summary")
    ws.append(["Package", "Date", "Value ($M)"])
    ws.append(["PDA 59", dt.date(2024, 6, 7), 225])
    ws.append(["PDA 60", dt.date(2024, 7, 3), 150])
    ws.append(["PDA 61", dt.date(2024, 7, 10), 225])
    ws.append(["Total", None, 600])
    path = folder / "totals_row.xlsx"
    wb.save(path)
    return path


def unlabelled_total(folder: Path) -> Path:
    """A sum under the column with no label at all, and blank rows around it."""
    wb, ws = _book("Drawdowns")
    ws.append(["PDA", "Announcement date", "USD millions"])
    ws.append(["PDA 63", dt.date(2024, 8, 9), 125])
    ws.append(["PDA 64", dt.date(2024, 8, 23), 125])
    ws.append([])
    ws.append([None, None, 250])
    path = folder / "unlabelled_total.xlsx"
    wb.save(path)
    return path


def sheet_named_program(folder: Path) -> Path:
    """Only a date and a value: the program is the sheet's name, the numbers are derived."""
    wb, ws = _book("USAI tranches")
    ws.append(["Date", "Amount ($M)"])
    ws.append([dt.date(2024, 7, 3), 2200])
    ws.append([dt.date(2025, 1, 15), 300])
    ws.append([dt.date(2025, 1, 15), 150])
    path = folder / "usai_by_sheet_name.xlsx"
    wb.save(path)
    return path


def eu_semicolon_csv(folder: Path) -> Path:
    """A CSV saved by a European spreadsheet: semicolons, a BOM, ISO dates, values in EUR."""
    # The item list holds a ';' of its own: quoted, as the spreadsheet writes it.
    text = ("\ufeffDate;Package;Total value (EUR);Items included\n"
            '2024-02-16;DE-2024-1;1100000000;"36 howitzers; 120,000 rounds of artillery ammunition"\n'
            '2024-06-11;DE-2024-2;500000000;"IRIS-T air defense system"\n')
    path = folder / "germany_semicolons.csv"
    path.write_bytes(text.encode("utf-8"))
    return path


def think_tank_monitor(folder: Path) -> Path:
    """A think-tank's table: a title block, 'Package' merged over two header rows, values as text with
    footnote marks ("1,250.0*", "500†"), dates as "Dec. 2, 2024", and the footnotes under it."""
    wb, ws = _book("Table 1")
    ws.append(["Ukraine Security Assistance Monitor"])
    ws.append(["Presidential drawdown packages announced since the election, as tracked by the Institute"])
    ws.append(["Last updated: 15 January 2025"])
    ws.append([])
    ws.append(["Package", None, "Value", None])
    ws.append(["No.", "Announced", "(USD millions)", "Notes"])
    ws.merge_cells("A5:B5")
    ws.append(["PDA 71", "Dec. 2, 2024", "725", "Includes NASAMS munitions"])
    ws.append(["PDA 72", "Dec. 12, 2024", "500*", None])
    ws.append(["PDA 73", "Dec. 30, 2024", "1,250.0*", "Largest since April"])
    ws.append(["PDA 74", "Jan. 9, 2025", "500†", None])
    ws.append([])
    ws.append(["* Value as announced; later revaluations not reflected."])
    ws.append(["† Final package of the administration."])
    ws.append(["Source: DoD press releases; Institute calculations."])
    path = folder / "think_tank_monitor.xlsx"
    wb.save(path)
    return path


def thousands_text_dates(folder: Path) -> Path:
    """Amounts in USD thousands said in the header, bare tranche numbers, dates typed in three styles."""
    wb, ws = _book("Drawdowns")
    ws.append(["Drawdowns, fiscal year 2022"])
    ws.append(["Tranche", "Date", "Value (USD thousands)"])
    ws.append([18, "08/08/2022", 1_000_000])
    ws.append([19, "19/08/2022", 775_000])
    ws.append([20, "8 September 2022", 675_000])
    ws.append([21, "Sept. 15, 2022", 600_000])
    path = folder / "thousands_text_dates.xlsx"
    wb.save(path)
    return path


def windows_excel_csv(folder: Path) -> Path:
    """'CSV' as Excel saves it on a German Windows: cp1252 (the euro sign and dashes as single bytes),
    semicolons, CRLF, day-first dates with dots and amounts with a decimal comma."""
    text = ("Announced;Package;Value (€ m);Remarks\r\n"
            "16.02.2024;DE-2024-1;1.100,0;Howitzers – 36\r\n"
            "11.06.2024;DE-2024-2;500,5;IRIS-T – «SLM»\r\n")
    path = folder / "excel_windows.csv"
    path.write_bytes(text.encode("cp1252"))
    return path


def excel_utf8_csv(folder: Path) -> Path:
    """'CSV UTF-8' from Excel set to a European locale: a BOM, semicolons, '1.250.000.000,00', and a
    first date either order reads (02/12/2024) that the column's 30/12/2024 shows is day first."""
    text = ("﻿Announced;Package;Value (USD)\r\n"
            "02/12/2024;PDA 71;725.000.000,00\r\n"
            "12/12/2024;PDA 72;500.000.000,00\r\n"
            "30/12/2024;PDA 73;1.250.000.000,00\r\n")
    path = folder / "excel_utf8_semicolons.csv"
    path.write_bytes(text.encode("utf-8"))
    return path


def several_sheets(folder: Path) -> Path:
    """A workbook sent with a brief: a read-me, a lookup table and chart data beside the one table."""
    wb, ws = _book("Read me")
    ws.append(["This workbook accompanies our brief of January 2025."])
    ws.append(["Contact: research desk"])
    lookup = wb.create_sheet("Lookup")
    lookup.append(["Code", "Meaning"])
    lookup.append(["PDA", "Presidential Drawdown Authority"])
    lookup.append(["USAI", "Ukraine Security Assistance Initiative"])
    chart = wb.create_sheet("Chart data")
    chart.append(["Month", "Cumulative ($bn)"])
    chart.append([dt.date(2024, 9, 1), 62.1])
    chart.append([dt.date(2024, 10, 1), 62.9])
    packages = wb.create_sheet("Packages")
    packages.append(["Package", "Date", "Value ($M)"])
    for n, day, value in [(66, dt.date(2024, 9, 25), 375), (67, dt.date(2024, 10, 15), 425), (68, dt.date(2024, 10, 21), 400)]:
        packages.append([f"PDA {n}", day, value])
    path = folder / "several_sheets.xlsx"
    wb.save(path)
    return path


def hidden_rows(folder: Path) -> Path:
    """A tracker with a row hidden by hand (imported like the others, and said)."""
    wb, ws = _book("Tracker")
    ws.append(["Package", "Date", "Value ($M)", "Status"])
    for n, day, value, status in [(50, dt.date(2023, 11, 3), 125, "announced"), (51, dt.date(2023, 11, 20), 100, "announced"),
                                  (52, dt.date(2023, 12, 6), 175, "check figure"), (53, dt.date(2023, 12, 12), 200, "announced")]:
        ws.append([f"PDA {n}", day, value, status])
    ws.row_dimensions[4].hidden = True
    path = folder / "hidden_rows.xlsx"
    wb.save(path)
    return path


def filter_left_on(folder: Path) -> Path:
    """A colleague's sheet saved with a filter still on (Program = PDA): the USAI rows are hidden."""
    wb, ws = _book("All aid")
    ws.append(["Program", "Date", "Value ($M)"])
    for row in [("PDA", dt.date(2024, 4, 24), 1000), ("USAI", dt.date(2024, 4, 26), 6000),
                ("PDA", dt.date(2024, 5, 10), 400), ("USAI", dt.date(2024, 7, 29), 1500)]:
        ws.append(list(row))
    ws.auto_filter.ref = "A1:C5"
    ws.auto_filter.add_filter_column(0, ["PDA"])
    ws.row_dimensions[3].hidden = True
    ws.row_dimensions[5].hidden = True
    path = folder / "filter_left_on.xlsx"
    wb.save(path)
    return path


def unit_in_title(folder: Path) -> Path:
    """The unit said once above the table, not in the header: "Value" holds millions."""
    wb, ws = _book("Table 3")
    ws.append(["Table 3. Drawdowns Announced in FY2024 After P.L. 118-50"])
    ws.append(["(in millions of current dollars)"])
    ws.append(["Tranche", "Date", "Value"])
    ws.append(["PDA 56", dt.date(2024, 4, 24), 1000])
    ws.append(["PDA 57", dt.date(2024, 5, 10), 400])
    ws.append(["Source: CRS, from DoD announcements."])
    path = folder / "unit_in_title.xlsx"
    wb.save(path)
    return path


CASES = [
    Case("dod_release", dod_release, 3, 1025 * M, 13, 0, 0),
    Case("state_fact_sheet", state_fact_sheet, 3, 2738 * M, 0, 0, 0),
    Case("crs_table", crs_table, 3, 1675 * M, 0, 0, 0),
    Case("kiel_long", kiel_long, 4, 660 * M, 4, 660 * M, 4, currency="EUR"),
    Case("home_tracker", home_tracker, 3, 1000 * M, 3, 0, 0),
    Case("google_sheets_csv", google_sheets_csv, 2, 3420 * M, 0, 0, 0, options={"day_first": False}),
    Case("program_column", program_column, 2, 2625 * M, 0, 0, 0),
    Case("items_with_qualifiers", items_with_qualifiers, 2, 200 * M, 6, 200 * M, 6),
    Case("uk_mod", uk_mod, 2, 745 * M, 0, 745 * M, 0, options={"kind": "packages"}),
    Case("workbook_1904", workbook_1904, 2, 7500 * M, 0, 0, 0),
    Case("amounts_as_text", amounts_as_text, 3, 1550 * M, 0, 0, 0),
    Case("totals_row", totals_row, 3, 600 * M, 0, 0, 0),
    Case("unlabelled_total", unlabelled_total, 2, 250 * M, 0, 0, 0),
    Case("sheet_named_program", sheet_named_program, 3, 2650 * M, 0, 450 * M, 0),
    Case("eu_semicolon_csv", eu_semicolon_csv, 2, 1600 * M, 3, 1600 * M, 3, currency="EUR"),
    Case("think_tank_monitor", think_tank_monitor, 4, 2975 * M, 0, 0, 0,
         said=("footnote marks after 3 figures ignored", "a note, not a record ('* Value as", "a note, not a record ('† Final")),
    Case("thousands_text_dates", thousands_text_dates, 4, 3050 * M, 0, 0, 0),
    Case("windows_excel_csv", windows_excel_csv, 2, 16005 * M // 10, 0, 16005 * M // 10, 0, currency="EUR",
         said=("2 amounts read with a decimal comma", "1 date such as '11.06.2024' read day first")),
    Case("excel_utf8_csv", excel_utf8_csv, 3, 2475 * M, 0, 0, 0,
         said=("3 amounts read with a decimal comma", "1 date such as '02/12/2024' read day first")),
    Case("several_sheets", several_sheets, 3, 1200 * M, 0, 0, 0),
    Case("hidden_rows", hidden_rows, 4, 600 * M, 0, 0, 0, said=("row 4 is hidden in the workbook",)),
    Case("unit_in_title", unit_in_title, 2, 1400 * M, 0, 0, 0,
         said=("column 'Value': plain numbers read in millions, as the title '(in millions of current dollars)' says",)),
    Case("filter_left_on", filter_left_on, 4, 8900 * M, 0, 0, 0, said=("2 rows (3, 5) are hidden by the filter left on",)),
]


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "foreign-sheets")
    out.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        print(case.build(out))
