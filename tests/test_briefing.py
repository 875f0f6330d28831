"""Briefs: the `report` command's PDF and HTML, read back the way a reader's tools read them (pdftotext,
pdfinfo, pdffonts, pdftoppm from poppler-utils)."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ledger import __version__, briefing
from ledger.model import Package
from ledger.service import Ledger

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2024-12-02"
POPPLER = shutil.which("pdftotext") and shutil.which("pdfinfo") and shutil.which("pdftoppm")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext, pdfinfo, pdftoppm) is not installed")


def main_py(*args) -> subprocess.CompletedProcess:
    """`python main.py ARGS` as a user runs it (the PDF renderer is wired in by main.py)."""
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)


def pdftotext(path: Path, layout: bool = True) -> str:
    flags = ["-layout"] if layout else []
    return subprocess.run(["pdftotext", *flags, str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def pages_text(path: Path) -> list[str]:
    return pdftotext(path).split("\f")[:-1]


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def sample_brief(sample_file, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("brief") / "brief.pdf"
    r = main_py("report", "--ledger", sample_file, "--as-of", AS_OF, "--format", "pdf", "--output", out)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    return out


def summary_totals(sample_file) -> dict[str, str]:
    """The Total row of `summary`'s text, column by column, as printed."""
    r = main_py("summary", "--ledger", sample_file, "--as-of", AS_OF)
    lines = r.stdout.splitlines()
    head = re.split(r"\s{2,}", lines[2].strip())
    total = next(line for line in lines if line.startswith("Total "))
    return dict(zip(head, re.split(r"\s{2,}", total.strip())))


@needs_poppler
def test_the_brief_holds_each_headline_figure_as_summary_prints_it(sample_brief, sample_file):
    printed = summary_totals(sample_file)
    page1 = pages_text(sample_brief)[0]
    for label, _attr in briefing.HEADLINE:
        # Label and figure side by side on the page, exactly as the summary's Total row has it.
        assert re.search(rf"(^|\s){re.escape(label)}\s+{re.escape(printed[label])}(\s|$)", page1, re.M), (label, printed[label])
    assert f"Brief as of {AS_OF}" in page1
    assert "US aid to Ukraine 2021-2025 (sample)" in page1


@needs_poppler
def test_the_brief_cites_its_sources_and_shows_the_fingerprint(sample_brief, sample_file):
    with Ledger.open(sample_file, readonly=True) as led:
        brief = briefing.build(led, AS_OF)
        digest = led.fingerprint()
    text = flat(pdftotext(sample_brief, layout=False))
    assert len(brief.sources) >= 10
    # Long titles and addresses wrap anywhere, and pdftotext joins a line ending in "-" without it.
    solid = lambda t: "".join(t.split()).replace("-", "")  # noqa: E731
    for s in brief.sources:
        assert solid(f"[{s.number}]{s.title}") in solid(text)
    # Each source is cited from a table: its number appears in brackets before the list of sources.
    tables = text[: text.index("Sources [1]")]
    cited = {int(n) for group in re.findall(r"\[([\d, ]+)\]", tables) for n in group.split(",")}
    assert cited == {s.number for s in brief.sources}
    assert digest in text and re.fullmatch(r"[0-9a-f]{64}", digest)
    assert f"Aid Ledger {__version__}" in text


@needs_poppler
def test_page_count_text_and_fonts_are_stable(sample_brief, sample_file, tmp_path):
    again = tmp_path / "again.pdf"
    assert main_py("report", "--ledger", sample_file, "--as-of", AS_OF, "--output", again).returncode == 0
    assert pdftotext(again) == pdftotext(sample_brief)  # the same ledger state gives the same text
    info = pdfinfo(sample_brief)
    assert info["Pages"] == pdfinfo(again)["Pages"] == "3"
    assert info["Page size"].startswith("595") and "A4" in info["Page size"]
    pages = pages_text(sample_brief)
    assert "Reported figures beside the derived ones" in pages[0]
    assert pages[1].lstrip().startswith(f"Packages announced in the 90 days before {AS_OF}")
    assert "Packages announced" not in pages[0]  # not even clipped out of sight at the foot of page 1
    assert all(f"Page {i} of 3" in p for i, p in enumerate(pages, 1))
    fonts = subprocess.run(["pdffonts", str(sample_brief)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), fonts  # every font embedded
    assert "ﬁ" not in pdftotext(sample_brief)  # no ligatures: searching "figure" finds it


@needs_poppler
def test_the_chart_is_vector_graphics_on_page_one(sample_brief, tmp_path):
    from PySide6.QtGui import QImage

    images = subprocess.run(["pdfimages", "-list", str(sample_brief)], capture_output=True, text=True, check=True)
    sizes = [tuple(map(int, row.split()[3:5])) for row in images.stdout.splitlines()[2:]]
    assert all(w <= 1 and h <= 1 for w, h in sizes), sizes  # only the empty placeholder: no raster chart
    subprocess.run(["pdftoppm", "-r", "50", "-f", "1", "-l", "2", "-png", str(sample_brief), str(tmp_path / "p")],
                   check=True)
    pngs = sorted(tmp_path.glob("p-*.png"))

    def blue_pixels(png: Path) -> int:  # the first group's line colour, #0072B2
        img = QImage(str(png))
        near = lambda c: abs(c.red() - 0) < 40 and abs(c.green() - 114) < 40 and abs(c.blue() - 178) < 40  # noqa: E731
        return sum(near(img.pixelColor(x, y)) for y in range(img.height()) for x in range(img.width()))

    assert blue_pixels(pngs[0]) > 150
    assert blue_pixels(pngs[1]) < 20


def test_svg_chart_lines_follow_the_series(sample_file):
    with Ledger.open(sample_file, readonly=True) as led:
        brief = briefing.build(led, AS_OF)
        s = led.summary(AS_OF)
    total = next(line for line in brief.chart if line.name == "Total")
    assert total.bold and total.points[-1][1] == s.totals.remaining_authority_cents
    assert [line.name for line in brief.chart] == [g.name for g in s.groups] + ["Total"]
    svg = brief.svg()
    assert svg.count("<path") >= len(brief.chart) and "<image" not in svg


def test_figures_come_from_the_summary(sample_file):
    with Ledger.open(sample_file, readonly=True) as led:
        brief = briefing.build(led, AS_OF, "program")
        s = led.summary(AS_OF, "program")
    assert [g.name for g in brief.groups] == [g.name for g in s.groups]
    pda = next(g for g in brief.groups if g.name == "PDA")
    spda = next(g for g in s.groups if g.name == "PDA")
    assert pda.projected_zero == (spda.pace.projected_zero_authority or "not at this pace")
    assert brief.total.remaining == "USD 12.51 B"


def test_reported_figures_sit_beside_the_derived_with_the_gap(ledger):
    from ledger.model import Authority, Observation

    with ledger.action("setup") as act:
        a = act.add(Authority("PDA", "PDA FY2024", 10_000, dt.date(2024, 1, 1)))
        act.add(Package("PDA 1", dt.date(2024, 2, 1), a.id, 3_000))
        act.add(Observation(dt.date(2024, 1, 15), "remaining", 9_000, "PDA", a.id, "remaining_authority", reported_by="DoD"))
        act.add(Observation(dt.date(2024, 3, 1), "remaining", 6_500, "PDA", a.id, "remaining_authority", reported_by="DoD"))
        act.add(Observation(dt.date(2024, 9, 1), "remaining", 1, "PDA", a.id, "remaining_authority", reported_by="later"))
    brief = briefing.build(ledger, "2024-06-30")
    (row,) = brief.observations  # the latest on or before the as-of date, not the one after it
    assert (row.day, row.reported, row.derived, row.gap) == ("2024-03-01", "USD 65", "USD 70", "-USD 5")


def test_fingerprint_follows_the_records_not_the_history(ledger):
    empty = ledger.fingerprint()
    from ledger.model import Authority

    ledger.add(Authority("PDA", "PDA FY2024", 10_000, dt.date(2024, 1, 1)))
    one = ledger.fingerprint()
    assert one != empty
    ledger.undo()
    assert ledger.fingerprint() == empty
    ledger.redo()
    assert ledger.fingerprint() == one
    ledger.set_meta("name", "Renamed")
    assert ledger.fingerprint() != one


def test_as_of_before_the_first_record_or_after_today_is_said(sample_file):
    with Ledger.open(sample_file, readonly=True) as led:
        early = briefing.build(led, "2019-01-01", today=dt.date(2025, 1, 1))
        late = briefing.build(led, "2025-06-01", today=dt.date(2025, 1, 1))
        normal = briefing.build(led, AS_OF, today=dt.date(2025, 1, 1))
    assert early.notes == ("The as-of date 2019-01-01 is before the ledger's first record (2021-08-27): every figure is zero.",)
    assert all(v == "USD 0" for _label, v in early.headline)
    assert "after the day this brief was made (2025-01-01)" in late.notes[0]
    assert normal.notes == ()
    assert "before the ledger's first record" in html.unescape(briefing.to_html(early))


@needs_poppler
def test_an_empty_ledger_gives_one_page_that_says_so(tmp_path):
    path = tmp_path / "empty.aidledger"
    Ledger.open(path).close()
    out = tmp_path / "empty.pdf"
    r = main_py("report", "--ledger", path, "--output", out, "--paper", "letter")
    assert r.returncode == 0, r.stderr
    assert pdfinfo(out)["Pages"] == "1" and "letter" in pdfinfo(out)["Page size"]
    text = flat(pdftotext(out, layout=False))
    assert "holds no authorities, packages, deliveries, adjustments or reported figures yet" in text
    assert f"Brief as of {dt.date.today().isoformat()}" in text


@pytest.mark.parametrize("target", ["missing-folder/brief.pdf", ".", "a-file/brief.pdf"])
def test_an_unwritable_output_is_one_line_and_exit_2(sample_file, tmp_path, target):
    (tmp_path / "a-file").write_text("")
    out = tmp_path / target
    r = main_py("report", "--ledger", sample_file, "--format", "html", "--output", out)
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and r.stderr.startswith(f"Error: cannot write {out}"), r.stderr
    assert "Traceback" not in r.stderr


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    import os

    old = tmp_path / "brief.html"
    old.write_text("old")

    def fail(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(briefing.LedgerError, match="cannot write .*brief.html: No space left on device"):
        briefing.write_file(old, b"new")
    assert old.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["brief.html"]  # no temporary file left behind


def test_bad_as_of_is_a_usage_error(sample_file, tmp_path):
    r = main_py("report", "--ledger", sample_file, "--as-of", "2024-13-45", "--output", tmp_path / "x.pdf")
    assert r.returncode == 2 and r.stderr.startswith("Error: --as-of") and r.stderr.count("\n") == 1
    assert not (tmp_path / "x.pdf").exists()


def test_html_is_one_self_contained_page(sample_file, tmp_path):
    out = tmp_path / "brief.html"
    r = main_py("report", "--ledger", sample_file, "--as-of", AS_OF, "--format", "html", "--output", out,
                "--by", "system-type", "--paper", "letter")
    assert r.returncode == 0, r.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "<svg" in text and "@page { size: letter" in text
    assert not re.search(r"src=|href=|<link|@import|url\(", text)  # nothing to fetch: it opens offline
    with Ledger.open(sample_file, readonly=True) as led:
        assert led.fingerprint() in text
        assert "By system type" in text


def test_the_pdf_needs_main_py_renderer(sample_file, tmp_path):
    from tests.cli_helpers import run_cli

    code, _out, err = run_cli("report", "--ledger", sample_file, "--output", tmp_path / "x.pdf")
    assert code == 2 and "needs the app's renderer" in err


def test_fingerprint_is_the_documented_canonical_content(ledger):
    """The docstring of ledger/fingerprint.py, written out by hand: a reader can recompute it."""
    import hashlib
    import json

    from ledger.model import KINDS, Authority, Source

    with ledger.action("setup") as act:
        s = act.add(Source("Fact sheet “PDA 71”", "https://example.org/a", dt.date(2024, 12, 2), notes='line 1\nline "2"'))
        act.add(Authority("PDA", "PDA FY2024", 780_000_000_000, dt.date(2023, 10, 1), dt.date(2024, 9, 30), source_id=s.id))
    compact = dict(ensure_ascii=False, separators=(",", ":"))
    text = json.dumps([["currency", "USD"], ["name", None], ["default_deadline", None]], **compact)
    for kind in sorted(KINDS):
        text += f"\n#{kind}" + "".join("\n" + json.dumps(list(row), **compact) for row in ledger.iter_rows(kind))
    assert ledger.fingerprint() == hashlib.sha256(text.encode()).hexdigest()


@needs_poppler
def test_a_long_ledger_name_gives_way_in_the_footer(ledger, tmp_path, qapp):
    from ledger.model import Authority
    from ui.briefing_pdf import pdf_bytes

    ledger.set_meta("name", "Very long ledger name " * 12)
    ledger.add(Authority("PDA", "PDA FY2024", 10_000, dt.date(2024, 1, 1)))
    out = tmp_path / "long.pdf"
    out.write_bytes(pdf_bytes(briefing.build(ledger, "2024-06-30")))
    for page in (1, 2):  # the bottom of each A4 page (842 points high) holds only the footer
        footer = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-x", "0", "-y", "770", "-W", "595",
                                 "-H", "72", str(out), "-"], capture_output=True, text=True, check=True).stdout
        line = " ".join(footer.split())
        assert line.startswith("Very long ledger name Very long ledg…") and "ledger name, as of" in line, line  # elided
        assert line.endswith(f"as of 2024-06-30 · fingerprint {ledger.fingerprint()[:16]} Page {page} of 2"), line
