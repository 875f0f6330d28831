"""Excel workbooks (and CSV): export the ledger, import our own exports and analysts' sheets.

No Qt here. The app reaches these through `ledger.service.Ledger` (export_workbook, read_import,
preview_import, apply_import). Long work takes `progress(done, total)` and `cancelled() -> bool`.
See docs/excel.md.
"""

from __future__ import annotations

from .apply import ImportRejected, ImportResult, apply_import
from .errors import Cancelled, ExcelError, UnreadableFile
from .plan import Batch, ImportPlan, Ref, Rejection
from .preview import Added, Changed, Missing, Preview, preview_import
from .profiles import delete_profile, list_profiles, load_profile, save_profile
from .read import IMPORT_KINDS, read_import


def __getattr__(name: str):
    # Export loads its writer (rustpy-xlsxwriter) only when asked for: an import never needs it.
    if name in ("ExportResult", "export_workbook"):
        from . import export

        return getattr(export, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "Added",
    "Batch",
    "Cancelled",
    "Changed",
    "ExcelError",
    "ExportResult",
    "IMPORT_KINDS",
    "ImportPlan",
    "ImportRejected",
    "ImportResult",
    "Missing",
    "Preview",
    "Ref",
    "Rejection",
    "UnreadableFile",
    "apply_import",
    "delete_profile",
    "export_workbook",
    "list_profiles",
    "load_profile",
    "preview_import",
    "read_import",
    "save_profile",
]
