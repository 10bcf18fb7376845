"""Reading and writing the tables users keep: CSV (UTF-8 with or without BOM,
GB18030) and XLSX (first sheet). Every cell comes back as text, numbered by
the spreadsheet row the user sees (header = row 1)."""

import csv
import datetime as dt
import io
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls


class TableError(Exception):
    """The file as a whole cannot be read (wrong format, bad encoding)."""


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (spreadsheet row number, cells)


def _read_bytes(source) -> bytes:
    if isinstance(source, str | os.PathLike):
        return Path(source).read_bytes()
    data = source.read()
    return data.encode("utf-8") if isinstance(data, str) else data


def cell_text(value) -> str:
    """Excel cells come typed; the importers parse text."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise TableError("无法识别文件编码：请另存为 UTF-8 或 GB18030 编码的 CSV，或 XLSX") from exc


def _read_csv(data: bytes) -> Table:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise TableError(f"CSV 格式错误：{exc}") from exc
    if not records:
        raise TableError("文件是空的：第1行应为列名")
    headers = [c.strip() for c in records[0]]
    # Cells keep their spaces: a body's indentation is content; the parsers strip the rest.
    rows = [(n, rec) for n, rec in enumerate(records[1:], start=2)]
    return Table(headers, rows)


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise TableError(f"无法读取 XLSX 文件：{exc}") from exc
    try:
        if not book.worksheets:
            raise TableError("工作簿中没有工作表")
        sheet = book.worksheets[0]
        rows_iter = sheet.iter_rows(values_only=True)
        header_row = next(rows_iter, None)
        if header_row is None:
            raise TableError("工作表是空的：第1行应为列名")
        headers = [cell_text(c).strip() for c in header_row]
        rows = [(n, [cell_text(c) for c in rec]) for n, rec in enumerate(rows_iter, start=2)]
    except TableError:
        raise
    except Exception as exc:  # read-only mode parses a damaged sheet only as its rows are read
        raise TableError(f"无法读取 XLSX 文件：{exc}") from exc
    finally:
        book.close()
    return Table(headers, rows)


def read_table(source, filename: str) -> Table:
    """Read a CSV or XLSX file (path or binary file object); the format comes
    from the content first (a misnamed file still reads), the name second."""
    try:
        data = _read_bytes(source)
    except OSError as exc:
        raise TableError(f"无法打开文件：{exc.strerror or exc}") from exc
    lower = filename.lower()
    if data.startswith(OLE_MAGIC) or lower.endswith(".xls"):
        raise TableError("不支持旧版 .xls 文件：请在 Excel 中另存为 .xlsx 或 CSV")
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data)
    if lower.endswith((".xlsx", ".xlsm")):
        raise TableError("文件扩展名是 .xlsx，但内容不是 Excel 工作簿")
    return _read_csv(data)


def non_blank(rows: Iterable[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    """Blank lines in a sheet are not rows (Excel leaves them after deletions)."""
    for number, cells in rows:
        if any(c.strip() for c in cells):
            yield number, cells


def write_table(dest, headers: Sequence[str], rows: Iterable[Sequence], fmt: str) -> int:
    """Write CSV (UTF-8 with BOM so Excel opens it) or XLSX to a path or a binary
    file object (an HttpResponse will do); returns the number of rows written.
    CSV is written in pieces so a large ledger never sits in memory as one string."""
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"未知的导出格式：{fmt}（应为 csv 或 xlsx）")
    if isinstance(dest, str | os.PathLike):
        with open(dest, "wb") as handle:
            return write_table(handle, headers, rows, fmt)
    if fmt == "csv":
        return _write_csv(dest, headers, rows)
    return _write_xlsx(dest, headers, rows)


def _write_csv(dest: BinaryIO, headers: Sequence[str], rows: Iterable[Sequence]) -> int:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(headers)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
        if count % 2000 == 0:
            dest.write(buffer.getvalue().encode("utf-8"))
            buffer.seek(0)
            buffer.truncate()
    dest.write(buffer.getvalue().encode("utf-8"))
    return count


def _write_xlsx(dest: BinaryIO, headers: Sequence[str], rows: Iterable[Sequence]) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sheet1")

    def cell(value):
        if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
            # Control characters pasted from Word are not allowed in a workbook;
            # dropping them beats refusing to export the whole ledger.
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        # A title or body starting with "=" is text, never a formula Excel would run.
        if isinstance(value, str) and value.startswith("="):
            text = WriteOnlyCell(sheet, value=value)
            text.data_type = "s"
            return text
        return value

    sheet.append(list(headers))
    count = 0
    for row in rows:
        sheet.append([cell(v) for v in row])
        count += 1
    out = io.BytesIO()
    book.save(out)
    dest.write(out.getvalue())
    return count


def format_for(filename: str) -> str:
    """csv or xlsx by the file's extension."""
    lower = str(filename).lower()
    if lower.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    if lower.endswith((".csv", ".txt")):
        return "csv"
    raise ValueError(f"无法从文件名“{filename}”判断格式：请使用 .csv 或 .xlsx 扩展名")
