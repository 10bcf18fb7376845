"""`run_import` and `export_kind`: the one implementation behind `jianfu import`,
`jianfu export` and the web pages' upload and download buttons."""

import logging
import os
from pathlib import Path

from django.db import DatabaseError, IntegrityError, connection, transaction

from jianfu.ledger.io import tabular
from jianfu.ledger.io.base import Context, Handler, Progress, no_progress
from jianfu.ledger.io.cells import Cells
from jianfu.ledger.io.columns import match_headers
from jianfu.ledger.io.items import ItemsHandler
from jianfu.ledger.io.reference import (
    BodiesHandler,
    CatalogHandler,
    DutyListHandler,
    LexiconHandler,
    PlanHandler,
    WhitelistHandler,
)
from jianfu.ledger.io.report import ImportAborted, ImportResult, RowError
from jianfu.ledger.io.units import UnitsHandler
from jianfu.ledger.models import Item, ItemTarget
from jianfu.meter import months as meter_months
from jianfu.org.models import Unit, User
from jianfu.org.services import record_audit

logger = logging.getLogger(__name__)

HANDLERS: dict[str, type[Handler]] = {
    h.code: h
    for h in (
        UnitsHandler,
        ItemsHandler,
        PlanHandler,
        DutyListHandler,
        WhitelistHandler,
        CatalogHandler,
        BodiesHandler,
        LexiconHandler,
    )
}

# Kind code → Chinese label (spec/cli.md "Import files").
IMPORT_KINDS: dict[str, str] = {code: handler.label for code, handler in HANDLERS.items()}


class UnknownKind(ValueError):
    pass


def handler_for(kind: str) -> Handler:
    try:
        return HANDLERS[kind]()
    except KeyError:
        raise UnknownKind(f"未知的导入类型“{kind}”，可用：{'、'.join(HANDLERS)}") from None


def _filename(source, filename: str | None) -> str:
    if filename:
        return filename
    if isinstance(source, str | os.PathLike):
        return Path(source).name
    return getattr(source, "name", "") or "上传文件"


def run_import(
    kind: str,
    source,
    *,
    filename: str | None = None,
    by: User | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import one CSV/XLSX file (a path or a binary file object), all or nothing.

    Every row is checked first and every problem reported; nothing is written if
    any row is bad. `dry_run` checks and counts inside a transaction that is
    rolled back. `progress(stage, done, total)` is called as rows go by."""
    handler = handler_for(kind)
    name = _filename(source, filename)
    result = ImportResult(kind=kind, filename=name, dry_run=dry_run)
    progress = progress or no_progress
    try:
        table = tabular.read_table(source, name)
    except tabular.TableError as exc:
        result.errors.append(RowError(0, "文件", str(exc)))
        return result
    positions, header_errors = match_headers(table.headers, handler.columns)
    if header_errors:
        result.errors.extend(header_errors)
        return result
    columns = {c.key: c for c in handler.columns}
    ctx = Context(result, by, progress)
    rows = list(tabular.non_blank(table.rows))
    result.rows = len(rows)
    records = []
    seen: dict[object, int] = {}
    for done, (number, cells) in enumerate(rows, start=1):
        values = {key: (cells[i] if i < len(cells) else "") for key, i in positions.items()}
        row = Cells(number, values, columns, result.errors)
        record = handler.parse(row, ctx)
        if not row.bad:
            key = handler.key(record)
            if key in seen:
                result.errors.append(RowError(number, handler.key_label, f"与第{seen[key]}行重复"))
            else:
                seen[key] = number
                records.append((number, record))
        if done % 500 == 0:
            progress("检查", done, len(rows))
    progress("检查", len(rows), len(rows))
    handler.check(records, ctx)
    if not result.errors:
        _write(handler, records, ctx, dry_run)
    if result.errors:
        result.errors.sort(key=lambda e: e.row)
        result.created = result.updated = result.unchanged = 0
    return result


def _write(handler: Handler, records, ctx: Context, dry_run: bool) -> None:
    result = ctx.result
    try:
        with transaction.atomic():
            handler.write(records, ctx)
            if result.errors:
                raise ImportAborted(list(result.errors))
            record_audit(
                actor=ctx.by,
                action=f"import.{handler.code}",
                target_type="import",
                target_id=handler.code,
                summary=f"导入{handler.label}：{result.filename}"[:300],
                after={
                    "file": result.filename,
                    "rows": result.rows,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                },
            )
            if dry_run:
                transaction.set_rollback(True)
            elif result.created >= ANALYZE_AFTER:
                transaction.on_commit(refresh_statistics)
                transaction.on_commit(meter_months.refresh)  # the months written, computed once, not on a read
    except ImportAborted as exc:
        result.errors[:] = exc.errors
    except (IntegrityError, DatabaseError) as exc:
        # Two people editing the same list at once, or a constraint the checks missed:
        # roll back and say so rather than crash half-way.
        logger.exception("import %s of %s failed", handler.code, result.filename)
        result.errors.append(RowError(0, "数据库", f"写入失败，已全部撤销：{exc}"))


# Rows created by one import after which the planner's statistics are refreshed at once.
ANALYZE_AFTER = 1000


def refresh_statistics() -> None:
    """ANALYZE the ledger after a large import (PostgreSQL). Until autovacuum gets to
    it, the planner believes the tables are as small as before and picks plans that
    walk tens of thousands of rows (measured: the gate's lookups at 10^5 items)."""
    if connection.vendor != "postgresql":
        return  # SQLite's planner works without statistics on these queries
    tables = [Item._meta.db_table, ItemTarget._meta.db_table, Unit._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(tables)}")  # noqa: S608 - our own table names


def export_kind(kind: str, dest, *, fmt: str) -> int:
    """Write every row of a kind, with the import's Chinese headers; returns the row count."""
    handler = handler_for(kind)
    headers = [c.label for c in handler.columns]
    return tabular.write_table(dest, headers, handler.export_rows(), fmt)
