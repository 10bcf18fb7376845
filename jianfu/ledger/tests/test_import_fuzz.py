"""Robustness: no file, however malformed, crashes an importer or half-writes it.

Hypothesis feeds every import kind (IMPORT_KINDS) arbitrary bytes, CSV/TSV text
under the kind's own headers (reordered, repeated, missing, mixed with junk) with
cells of every shape (dates that are not dates, huge numbers, unknown units, control
characters, Chinese), the same tables as real XLSX workbooks (typed cells), and
damaged workbooks. Each import must either succeed or return errors that name a row
(or the file) and a column in Chinese, and an import with errors writes nothing.
"""

import datetime as dt
import io
import re
import zipfile

import pytest
from django.apps import apps
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from jianfu.ledger.io import IMPORT_KINDS, run_import
from jianfu.ledger.io.runner import HANDLERS

pytestmark = pytest.mark.slow

EXAMPLES = 60  # per kind and test; derandomized, so every run sends the same files
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
KINDS = sorted(IMPORT_KINDS)
CHINESE = re.compile(r"[\u4e00-\u9fff]")
STAMP = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")

# Values the importers meet in real sheets, right and wrong.
PLAUSIBLE = [
    "区应急管理局", "区教育局", "青山镇", "青山村", "示范区", "不存在的单位", "区减负办",
    "发文", "会议", "检查", "报表", "系统", "进校园", "签批", "已发布", "草稿", "是", "否",
    "2025-11-20", "2025/11/20", "2025年11月20日", "2025-02-30", "45000", "0", "-1", "1e400",
    "nan", "99999999999999999999", "3.5", "每月", "每年", "线上", "线下", "X", "", " ",
    "青山镇；河西街道", "区应急管理局,区教育局", "=1+1", "@SUM(A1)", "\x00", "\u202e",
]  # fmt: skip
text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
cell = st.one_of(st.sampled_from(PLAUSIBLE), text, st.integers(-(2**70), 2**70).map(str))
# XLSX cells come typed: numbers, dates and booleans as well as text.
typed_cell = st.one_of(
    cell,
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(dt.date(1900, 3, 1), dt.date(2999, 12, 31)),
    st.booleans(),
    st.none(),
)


def headers_for(kind: str):
    """The kind's own header spellings (label, key, label[key]), in any order, some
    missing or repeated, mixed with junk headers."""
    names = [n for c in HANDLERS[kind].columns for n in (c.label, c.key, c.header, f"*{c.label}")]
    return st.lists(st.sampled_from(names) | text, min_size=0, max_size=len(HANDLERS[kind].columns) + 3)


@st.composite
def tables(draw, kind: str, cells):
    header = draw(headers_for(kind))
    width = max(len(header), 1)
    rows = draw(st.lists(st.lists(cells, min_size=0, max_size=width + 2), max_size=6))
    return [header, *rows]


def csv_bytes(table, delimiter: str, encoding: str) -> bytes:
    def quote(value) -> str:
        value = str(value)
        return '"' + value.replace('"', '""') + '"' if any(ch in value for ch in '",\n\t') else value

    lines = [delimiter.join(quote(v) for v in row) for row in table]
    return "\r\n".join(lines).encode(encoding, errors="replace")


def xlsx_bytes(table) -> bytes:
    book = Workbook()
    for row in table:
        # A workbook cannot hold control characters: openpyxl refuses to write them.
        book.active.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    # openpyxl stamps the time into the file; fixed stamps make every run send the same bytes.
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = STAMP.sub(b"2025-01-01T00:00:00Z", source.read(info.filename))
            target.writestr(zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def damaged(data: bytes, cuts: list[int]) -> bytes:
    """Flip bytes at the given positions and truncate: a workbook mangled in transit."""
    out = bytearray(data)
    for at in cuts:
        out[at % len(out)] ^= 0xFF
    return bytes(out[: max(4, len(out) - cuts[0] % 200)]) if cuts else bytes(out)


def files(kind: str):
    """(bytes, filename) pairs for one kind."""
    csv_like = st.builds(
        csv_bytes,
        tables(kind, cell),
        st.sampled_from([",", "\t"]),
        st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
    ).map(lambda b: (b, "上传.csv"))
    xlsx = tables(kind, typed_cell).map(lambda t: (xlsx_bytes(t), "上传.xlsx"))
    broken_xlsx = st.builds(
        lambda t, cuts: (damaged(xlsx_bytes(t), cuts), "上传.xlsx"),
        tables(kind, typed_cell),
        st.lists(st.integers(0, 10**6), min_size=1, max_size=5),
    )
    raw = st.tuples(st.binary(max_size=300), st.sampled_from(["x.csv", "x.xlsx", "x.xls", "x.txt", "x"]))
    return st.one_of(csv_like, xlsx, broken_xlsx, raw)


def row_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label in WATCHED_APPS}


WATCHED_APPS = {"org", "ledger", "gate", "meter", "channel"}


def check_import(kind: str, data: bytes, filename: str, by) -> None:
    before = row_counts()
    source = io.BytesIO(data)
    result = run_import(kind, source, filename=filename, by=by)  # must not raise
    if result.ok:
        assert result.created + result.updated + result.unchanged == result.rows
        return
    assert row_counts() == before, "an import with errors wrote rows"
    assert result.created == result.updated == result.unchanged == 0
    for error in result.errors:
        message = str(error)
        assert error.column, message
        assert CHINESE.search(error.problem), message
        if error.row > 0:
            assert message.startswith(f"第{error.row}行 {error.column}: "), message


@pytest.mark.parametrize("kind", KINDS)
def test_no_file_crashes_an_importer_or_half_writes(kind, district, personas):
    @FUZZ
    @given(file=files(kind))
    def run(file):
        check_import(kind, *file, by=personas["admin"])

    run()


@pytest.mark.parametrize("kind", KINDS)
def test_plausible_rows_under_the_right_headers_import_or_are_refused_cleanly(kind, district, personas):
    """Every column present and named as export writes it: most files get as far as
    the row checks and the writing, where a crash would hide."""
    headers = [c.header for c in HANDLERS[kind].columns]
    row = st.lists(st.sampled_from(PLAUSIBLE), min_size=len(headers), max_size=len(headers))

    @FUZZ
    @given(rows=st.lists(row, min_size=1, max_size=5), as_xlsx=st.booleans())
    def run(rows, as_xlsx):
        table = [headers, *rows]
        if as_xlsx:
            check_import(kind, xlsx_bytes(table), "上传.xlsx", by=personas["admin"])
        else:
            check_import(kind, csv_bytes(table, ",", "utf-8"), "上传.csv", by=personas["admin"])

    run()


def test_a_workbook_without_worksheets_is_refused_in_chinese(district):
    """Found by the fuzzer: a damaged workbook that opens but lists no sheet crashed the reader."""
    data = xlsx_bytes([["名称", "类型"], ["青山镇", "镇"]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/workbook.xml":
                content = re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", content)
            target.writestr(info, content)
    before = row_counts()
    result = run_import("units", io.BytesIO(out.getvalue()), filename="单位.xlsx")
    assert [str(e) for e in result.errors] == ["文件: 工作簿中没有工作表"]
    assert row_counts() == before
