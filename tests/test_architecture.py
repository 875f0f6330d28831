"""The core never imports Qt or the UI, and keeps to its layers (.importlinter, checked by import-linter)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "pyqtgraph", "ui")


def forbidden_imports(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
            "import_module",
            "__import__",
        ):
            names = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        found += [n for n in names if n.split(".")[0] in FORBIDDEN]
    return found


def test_ledger_never_imports_qt():
    offenders = {}
    for path in sorted((ROOT / "ledger").rglob("*.py")):
        bad = forbidden_imports(path.read_text(encoding="utf-8"))
        if bad:
            offenders[str(path.relative_to(ROOT))] = bad
    assert offenders == {}


def test_the_check_catches_imports():
    assert forbidden_imports("import PySide6.QtCore") == ["PySide6.QtCore"]
    assert forbidden_imports("from pyqtgraph import PlotWidget") == ["pyqtgraph"]
    assert forbidden_imports("from ui.app import run_app") == ["ui.app"]
    assert forbidden_imports("import importlib\nimportlib.import_module('PySide6')") == ["PySide6"]
    assert forbidden_imports("import sqlite3\nfrom .model import KINDS") == []


def test_importing_the_core_loads_no_qt():
    import subprocess
    import sys

    code = "import sys, ledger.service, ledger.cli, ledger.sample, ledger.report; print([m for m in sys.modules if m.split('.')[0] in ('PySide6','pyqtgraph','ui')])"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_model_doc_is_current():
    import runpy

    render = runpy.run_path(str(ROOT / "scripts" / "model_doc.py"))["render"]
    assert (ROOT / "docs" / "model.md").read_text(encoding="utf-8") == render(), "run scripts/model_doc.py"


def test_import_contract_holds():
    """Layers, the app's door into the core and no cycles: `lint-imports` prints what breaks them."""
    import subprocess
    import sys

    lint = Path(sys.executable).parent / "lint-imports"
    run = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]


def test_import_contract_lists_no_exceptions():
    text = (ROOT / ".importlinter").read_text(encoding="utf-8")
    assert "ignore_imports" not in text and "exhaustive_ignores" not in text


def test_the_usai_sheet_is_built_in_one_place():
    """The first-contact tests and the screenshots of the wizard build their USAI fact sheet with
    tests/usai_sheet.py: a second copy of its layout drifts from the first."""
    header = '"Date announced", "Value of package (USD millions)", "Equipment provided"'
    holding = sorted(str(p.relative_to(ROOT)) for d in ("tests", "scripts", "bench") for p in (ROOT / d).rglob("*.py")
                     if p != Path(__file__).resolve() and header in p.read_text(encoding="utf-8"))
    assert holding == ["tests/usai_sheet.py"]
    assert "from usai_sheet import usai_sheet" in (ROOT / "scripts" / "screenshots_first_contact.py").read_text(encoding="utf-8")
