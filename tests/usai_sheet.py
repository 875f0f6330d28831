"""A foreign workbook in the layout of the USAI fact sheets: a title row naming the program, a blank
row, then a table that names no authority and no tranche numbers (a date, a value in USD millions,
an item list). The first-contact tests and scripts/screenshots_first_contact.py build theirs here."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

HEADERS = ["Date announced", "Value of package (USD millions)", "Equipment provided"]
ROWS = [  # the tests' rows: a value as text, two packages of one day, one without items
    (dt.date(2024, 5, 10), 400, "up to 2,000 Javelin anti-armor systems; 155mm artillery rounds"),
    (dt.date(2024, 6, 7), "225", "HAWK interceptors"),
    (dt.date(2024, 6, 7), 150, None),
]


def usai_sheet(path: Path, rows=ROWS, sheet: str = "Tranches",
               title: str = "Ukraine Security Assistance Initiative (USAI) announcements, 2024") -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append([title])
    ws.append([])
    ws.append(HEADERS)
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path
