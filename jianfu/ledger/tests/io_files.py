"""Building import files in memory for the io tests."""

import io
from collections.abc import Sequence

from openpyxl import Workbook


def csv_file(rows: Sequence[Sequence], *, encoding: str = "utf-8", bom: bool = False, name: str = "t.csv"):
    lines = []
    for row in rows:
        cells = []
        for value in row:
            text = "" if value is None else str(value)
            if any(ch in text for ch in ',"\n'):
                text = '"' + text.replace('"', '""') + '"'
            cells.append(text)
        lines.append(",".join(cells))
    data = ("\r\n".join(lines) + "\r\n").encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    buffer = io.BytesIO(data)
    buffer.name = name
    return buffer


def xlsx_file(rows: Sequence[Sequence], *, name: str = "t.xlsx"):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = name
    return buffer


def messages(result) -> list[str]:
    return [str(e) for e in result.errors]
