"""`jianfu backup FILE` / `jianfu restore FILE`: a consistent copy of everything, and back.

Two formats, told apart by their first bytes:

- SQLite file (the embedded default): SQLite's online backup API copies every page
  of a consistent snapshot while the site keeps running; restore copies the pages
  back the same way, replacing the whole database at once.
- Compressed JSON lines (PostgreSQL, or SQLite with `--format json`): every row of
  every table, read inside ONE repeatable-read transaction, so the copy is one
  moment even while people keep working. Restore empties the tables and loads every
  row in ONE transaction (foreign keys checked at commit), then resets the id
  sequences: it either all lands or nothing changes.

The copy records the applied migrations; restore refuses a copy from another schema
version (run `jianfu migrate` to the same version first).
"""

import base64
import datetime as dt
import gzip
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder

FORMAT_NAME = "jianfu-backup"
FORMAT_VERSION = 1
SQLITE_MAGIC = b"SQLite format 3\x00"
GZIP_MAGIC = b"\x1f\x8b"
CHUNK = 2000


class BackupError(Exception):
    """A file that cannot be restored (named, with the reason), or a schema mismatch."""


def backed_up_models() -> list[type[models.Model]]:
    """Every table Django manages, many-to-many link tables included, in a stable order."""
    found = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and not m._meta.swapped
    ]
    return sorted(found, key=lambda m: m._meta.db_table)


def _applied_migrations() -> list[list[str]]:
    recorder = MigrationRecorder(connection)
    return sorted([app, name] for app, name in recorder.applied_migrations())


def is_sqlite() -> bool:
    return connection.vendor == "sqlite"


# --------------------------------------------------------------------------- backup


def backup(path: Path, *, fmt: str = "auto") -> dict[str, int]:
    """Writes the copy to `path` (atomically: a temporary file renamed at the end).
    Returns rows per table (JSON) or {"pages": n} (SQLite)."""
    path = Path(path)
    if fmt == "auto":
        fmt = "sqlite" if is_sqlite() else "json"
    if fmt == "sqlite" and not is_sqlite():
        raise BackupError("SQLite 格式的备份只适用于 SQLite 数据库；PostgreSQL 请使用默认的 JSON 格式。")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".jianfu-backup-", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        counts = _backup_sqlite(tmp) if fmt == "sqlite" else _backup_json(tmp)
        os.chmod(tmp, 0o600)  # the copy holds password hashes and personal data
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return counts


def _backup_sqlite(tmp: Path) -> dict[str, int]:
    connection.ensure_connection()
    target = sqlite3.connect(tmp)
    try:
        connection.connection.backup(target)
        # One self-contained file: no -wal/-shm companions to forget when copying it away.
        target.execute("PRAGMA journal_mode=DELETE")
        pages = target.execute("PRAGMA page_count").fetchone()[0]
    finally:
        target.close()
    return {"pages": pages}


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes | memoryview | bytearray):
        return {"$b64": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _columns(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields]


def _backup_json(tmp: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Must be the first statement of the transaction: every table is then read
            # at the same snapshot, while writers carry on.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=6) as out:
            header = {
                "format": FORMAT_NAME,
                "version": FORMAT_VERSION,
                "vendor": connection.vendor,
                "migrations": _applied_migrations(),
            }
            out.write(json.dumps(header, ensure_ascii=False) + "\n")
            for model in backed_up_models():
                fields = _columns(model)
                names = [f.attname for f in fields]
                out.write(json.dumps({"table": model._meta.label_lower, "columns": names}) + "\n")
                n = 0
                rows = model._base_manager.order_by("pk").values_list(*names).iterator(chunk_size=CHUNK)
                for row in rows:
                    out.write(json.dumps([_encode(v) for v in row], ensure_ascii=False) + "\n")
                    n += 1
                counts[model._meta.label_lower] = n
    return counts


# --------------------------------------------------------------------------- restore


def detect_format(path: Path) -> str:
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"备份文件 {path} 不存在。")
    with open(path, "rb") as fh:
        head = fh.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(GZIP_MAGIC):
        return "json"
    raise BackupError(f"{path} 不是减负通的备份文件（既不是 SQLite 数据库，也不是压缩的 JSON 备份）。")


def restore(path: Path) -> dict[str, int]:
    fmt = detect_format(path)
    if fmt == "sqlite":
        result = _restore_sqlite(Path(path))
    else:
        result = _restore_json(Path(path))
    ContentType.objects.clear_cache()
    # Cached figures (dashboard statistics) describe the database that was replaced;
    # its fingerprint could match the restored one by chance.
    cache.clear()
    return result


def _restore_sqlite(path: Path) -> dict[str, int]:
    if not is_sqlite():
        raise BackupError(
            f"{path} 是 SQLite 备份，当前数据库是 {connection.vendor}；请先在 SQLite 上用 "
            "jianfu backup --format json 导出，再恢复到 PostgreSQL。"
        )
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        try:
            check = source.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {r[0] for r in source.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{path} 已损坏，无法读取：{exc}") from exc
        if check != "ok":
            raise BackupError(f"{path} 完整性检查未通过：{check}")
        if "django_migrations" not in tables:
            raise BackupError(f"{path} 不是减负通的数据库备份（缺少 django_migrations 表）。")
        theirs = sorted([a, n] for a, n in source.execute("SELECT app, name FROM django_migrations"))
        _check_migrations(path, theirs)
        connection.ensure_connection()
        if connection.in_atomic_block:
            raise BackupError("恢复 SQLite 备份不能在事务中进行。")
        # One step (-1 pages): the live database is replaced as a whole, under its lock.
        source.backup(connection.connection)
        pages = source.execute("PRAGMA page_count").fetchone()[0]
    finally:
        source.close()
    connection.close()  # drop cached state; the next query reopens the restored file
    return {"pages": pages}


def _check_migrations(path: Path, theirs: list[list[str]]) -> None:
    ours = _applied_migrations()
    if theirs == ours:
        return
    missing = sorted({tuple(m) for m in theirs} - {tuple(m) for m in ours})
    extra = sorted({tuple(m) for m in ours} - {tuple(m) for m in theirs})
    detail = []
    if missing:
        detail.append("备份中有而当前数据库未执行的迁移：" + "、".join(f"{a}.{n}" for a, n in missing[:5]))
    if extra:
        detail.append("当前数据库有而备份中没有的迁移：" + "、".join(f"{a}.{n}" for a, n in extra[:5]))
    raise BackupError(
        f"{path} 与当前数据库的结构版本不同，不能恢复。"
        + "；".join(detail)
        + "。请在与备份相同版本的程序上恢复（先运行 jianfu migrate）。"
    )


def _read_lines(path: Path) -> Iterator[tuple[int, Any]]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                try:
                    yield number, json.loads(line)
                except json.JSONDecodeError as exc:
                    raise BackupError(f"{path} 第 {number} 行不是合法的 JSON：{exc.msg}") from exc
    except (OSError, EOFError) as exc:
        raise BackupError(f"{path} 已损坏或不完整：{exc}") from exc


def _decode(field: models.Field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, dict) and set(value) == {"$b64"}:
        return base64.b64decode(value["$b64"])
    if isinstance(field, models.JSONField):
        return value
    if isinstance(field, models.DurationField):
        return dt.timedelta(seconds=value)
    return field.to_python(value)


def _restore_json(path: Path) -> dict[str, int]:
    lines = _read_lines(path)
    try:
        _, header = next(lines)
    except StopIteration:
        raise BackupError(f"{path} 是空文件。") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT_NAME:
        raise BackupError(f"{path} 不是减负通的备份文件（文件头不符）。")
    if header.get("version") != FORMAT_VERSION:
        raise BackupError(f"{path} 的备份格式版本为 {header.get('version')}，本程序只能恢复版本 {FORMAT_VERSION}。")
    _check_migrations(path, header.get("migrations") or [])

    by_label = {m._meta.label_lower: m for m in backed_up_models()}
    counts: dict[str, int] = {}
    with transaction.atomic():
        tables = [m._meta.db_table for m in by_label.values()]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Django's foreign keys are DEFERRABLE: checked at commit, whatever the load order.
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for sql in connection.ops.sql_flush(no_style(), tables, reset_sequences=False, allow_cascade=True):
                cursor.execute(sql)
        model: type[models.Model] | None = None
        fields: list[models.Field] = []
        batch: list[list[Any]] = []
        insert_sql = ""

        def flush_batch() -> None:
            # Plain INSERTs, not bulk_create: auto_now fields must keep their stored values.
            if batch:
                with connection.cursor() as cursor:
                    cursor.executemany(insert_sql, batch)
                batch.clear()

        for number, record in lines:
            if isinstance(record, dict):
                flush_batch()
                label = record.get("table")
                model = by_label.get(label)
                if model is None:
                    raise BackupError(f"{path} 第 {number} 行：当前程序没有表 {label}。")
                known = {f.attname: f for f in _columns(model)}
                unknown = [c for c in record.get("columns", []) if c not in known]
                if unknown:
                    raise BackupError(f"{path} 第 {number} 行：表 {label} 没有列 {'、'.join(unknown)}。")
                fields = [known[c] for c in record["columns"]]
                qn = connection.ops.quote_name
                insert_sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names come from the models
                    qn(model._meta.db_table),
                    ", ".join(qn(f.column) for f in fields),
                    ", ".join(["%s"] * len(fields)),
                )
                counts[label] = 0
                continue
            if model is None or not isinstance(record, list) or len(record) != len(fields):
                raise BackupError(f"{path} 第 {number} 行：数据行与列定义不符。")
            try:
                row = [f.get_db_prep_save(_decode(f, v), connection) for f, v in zip(fields, record, strict=True)]
            except Exception as exc:
                raise BackupError(f"{path} 第 {number} 行（表 {model._meta.label_lower}）：{exc}") from exc
            batch.append(row)
            counts[model._meta.label_lower] += 1
            if len(batch) >= 500:
                flush_batch()
        flush_batch()
        connection.check_constraints()
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(by_label.values())):
                cursor.execute(sql)
    return counts
