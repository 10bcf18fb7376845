"""Column specs: the Chinese header users keep in Excel, with the English alias
that spec/cli.md writes in brackets (`名称[name]`)."""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from jianfu.ledger.io.report import RowError


@dataclass(frozen=True)
class Column:
    key: str  # English alias, also the key of a parsed row
    label: str  # Chinese header, what export writes
    required: bool = False  # the column must be present (its cells may still be optional)

    @property
    def header(self) -> str:
        return f"{self.label}[{self.key}]"


_BRACKETS = re.compile(r"[\[\(（【](.*?)[\]\)）】]")


def _norm(text: str) -> str:
    return "".join(str(text).split()).lower()


def header_names(cell: str) -> set[str]:
    """All the names a header cell may stand for: `名称[name]` → {名称, name, 名称[name]}."""
    raw = _norm(cell)
    names = {raw}
    inner = _BRACKETS.findall(raw)
    outer = _BRACKETS.sub("", raw)
    if outer:
        names.add(outer)
    names.update(n for n in inner if n)
    # Excel users sometimes mark required columns: `*名称`.
    names.update({n.lstrip("*＊") for n in names})
    return names


def match_headers(headers: Sequence[str], columns: Sequence[Column]) -> tuple[dict[str, int], list[RowError]]:
    """Map column key → index in the file; unknown headers are ignored.

    A missing required column is an error naming it (row 1 is the header)."""
    positions: dict[str, int] = {}
    errors: list[RowError] = []
    by_name: dict[str, Column] = {}
    for col in columns:
        by_name[_norm(col.label)] = col
        by_name[_norm(col.key)] = col
    for index, cell in enumerate(headers):
        for name in header_names(cell):
            col = by_name.get(name)
            if col is not None:
                if col.key in positions:
                    errors.append(RowError(1, col.label, f"列重复（第{positions[col.key] + 1}列与第{index + 1}列）"))
                else:
                    positions[col.key] = index
                break
    for col in columns:
        if col.required and col.key not in positions:
            errors.append(RowError(1, col.label, f"缺少必填列“{col.label}”（或英文列名 {col.key}）"))
    return positions, errors
