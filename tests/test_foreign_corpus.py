"""Sheets nobody here wrote (tests/foreign_corpus.py) import on the first try: into an empty ledger,
with no flags and the committed total and lines each case expects; and into the sample ledger."""

from __future__ import annotations

import shutil

import pytest
from foreign_corpus import CASES

from ledger.excel import apply_import, preview_import, read_import
from ledger.model import NO_AUTHORITY
from ledger.service import Ledger


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("foreign")
    return {case.name: case.build(folder) for case in CASES}


def test_the_corpus_is_broad():
    assert len(CASES) >= 23


def _import(led: Ledger, path, options, accept_warnings=False):
    plan = read_import(path, **options)
    preview = preview_import(led, plan)
    assert not preview.rejected, [str(r) for r in preview.rejected]
    result = apply_import(led, preview, accept_warnings=accept_warnings)
    return plan, preview, result


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_imports_into_an_empty_ledger(case, corpus, tmp_path):
    with Ledger.open(tmp_path / "new.aidledger", currency=case.currency) as led:
        plan, preview, _ = _import(led, corpus[case.name], case.options)
        assert led.count("package") == case.packages
        s = led.summary("2030-12-31")
        assert s.totals.committed_cents == case.committed_cents
        # No authority in an empty ledger: every package waits in its group, said once per sheet.
        assert {g.name for g in s.groups} == {NO_AUTHORITY}
        assert sum("no authority" in n for n in plan.notes) == 1, plan.notes
        assert led.count("line") == case.lines
        assert len(led.backups()) == 1  # one backup for the import, before its first write
        assert led.count("line", "value_cents IS NOT NULL") == 0  # no value invented for an item
        for text in case.said:  # a cell read unlike a plain one is said, never done silently
            assert any(text in n for n in plan.notes), (text, plan.notes)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_imports_into_the_sample_ledger(case, corpus, sample_file, tmp_path):
    path = tmp_path / "sample.aidledger"
    shutil.copy(sample_file, path)
    with Ledger.open(path) as led:
        before = led.summary("2030-12-31").totals.committed_cents
        lines, packages = led.count("line"), led.count("package")
        plan, preview, _ = _import(led, corpus[case.name], case.options, accept_warnings=True)
        if case.currency != "USD":  # EUR amounts into a USD ledger: said, never converted
            assert any(f"is in {case.currency}, the ledger counts in USD" in n for n in plan.notes), plan.notes
        assert not preview.changed or all(d[0] == "notes" for c in preview.changed for d in c.diffs)
        assert led.summary("2030-12-31").totals.committed_cents - before == case.sample_added_cents
        assert led.count("line") - lines == case.sample_lines
        added = led.count("package") - packages
        # A US package the sample holds is found (by number, or by date and value), never added twice.
        assert (added == 0) == (case.sample_added_cents == 0)
