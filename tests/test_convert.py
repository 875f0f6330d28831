"""One converter: the command line, the app and workbooks turn the same text into the same value, and
refuse the same text."""

import datetime as dt

import pytest

from ledger import convert
from ledger.cli.common import InputError
from ledger.cli.records import _convert as cli_convert
from ledger.excel.cells_in import CellError, converter
from ledger.model import KINDS
from ledger.service import Ledger
from ui.convert import InputProblem
from ui.convert import to_value as app_convert

class Refused(str):
    """The three paths must refuse the text, each saying this."""


CASES = [
    ("package", "value_cents", "725M", None, 725_000_000_00),
    ("package", "value_cents", "$1.25 billion", None, 1_250_000_000_00),
    ("package", "value_cents", "1,234.56", None, 1_234_56),
    ("package", "value_cents", "-5", None, Refused("negative")),
    ("package", "value_cents", "lots", None, Refused("not an amount")),
    ("adjustment", "amount_cents", "(1,000)", None, -1_000_00),
    ("line", "quantity", "1,000", None, 1000),
    ("line", "quantity", "1 000", None, 1000),
    ("line", "quantity", "-3", None, Refused("negative")),
    ("line", "quantity", "2.5", None, Refused("not a whole number")),
    ("package", "announced_on", "2024-12-02", None, dt.date(2024, 12, 2)),
    ("package", "announced_on", "2/12/2024", True, dt.date(2024, 12, 2)),
    ("package", "announced_on", "2/12/2024", False, dt.date(2024, 2, 12)),
    ("package", "announced_on", "someday", None, Refused("not a date")),
    ("adjustment", "kind", "Preservation", None, "preservation"),
    ("adjustment", "kind", "refund", None, Refused("is not one of")),
    ("system_type", "aliases", "SAM; air defence ;", None, ("SAM", "air defence")),
    ("package", "number", "PDA 71", None, "PDA 71"),
]


def _outcome(call, errors):
    try:
        return call()
    except errors as exc:
        return f"refused: {exc}"


@pytest.mark.parametrize("kind,name,text,day_first,expected", CASES)
def test_every_path_gives_the_same_value(kind, name, text, day_first, expected):
    f = KINDS[kind].field(name)
    led = None
    got = {
        "command line": _outcome(lambda: cli_convert(led, f, text, day_first), InputError),
        "app": _outcome(lambda: app_convert(led, f, text, day_first), InputProblem),
        "workbook": _outcome(lambda: converter(f, day_first=day_first)(text), CellError),
    }
    if isinstance(expected, Refused):
        assert all(v.startswith("refused") and expected in v for v in got.values()), got
    else:
        assert got == dict.fromkeys(got, expected)


def test_references_resolve_by_name_then_by_id_on_both_typed_paths(sample_copy):
    with Ledger.open(sample_copy, readonly=True) as led:
        f = KINDS["package"].field("authority_id")
        fy24 = led.find("authority", "PDA FY2024").id
        for text in ("PDA FY2024", "pda fy2024", str(fy24)):
            assert cli_convert(led, f, text, None) == app_convert(led, f, text, None) == fy24
        with pytest.raises(InputError, match="no authority named 'PDA FY1999'"):
            cli_convert(led, f, "PDA FY1999", None)
        with pytest.raises(InputProblem, match="no authority named '999'"):
            app_convert(led, f, "999", None)


def test_blank_is_nothing_and_a_workbook_reads_cells_as_typed():
    assert convert.to_value(KINDS["package"].field("value_cents"), "  ") is None
    assert convert.to_value(KINDS["system_type"].field("aliases"), "") == ()
    number = KINDS["package"].field("number")
    assert converter(number)(71.0) == convert.to_value(number, "71") == "71"
