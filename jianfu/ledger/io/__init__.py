"""Import and export of the ledger and the reference lists (spec/cli.md "Import files").

The web pages and the `jianfu import` / `jianfu export` commands call these:
`run_import(kind, source, *, filename, by, dry_run)` → `ImportResult`,
`export_kind(kind, dest, *, fmt)`, and `IMPORT_KINDS` (code → Chinese label).
"""

from jianfu.ledger.io.report import ImportResult, RowError
from jianfu.ledger.io.runner import IMPORT_KINDS, UnknownKind, export_kind, run_import

__all__ = ["IMPORT_KINDS", "ImportResult", "RowError", "UnknownKind", "export_kind", "run_import"]
