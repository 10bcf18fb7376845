"""Parsing one row's cells into typed values, collecting `第N行 列名: 问题` errors
instead of stopping at the first."""

import datetime as dt
import re
from collections.abc import Mapping

from django.db import models

from jianfu.ledger.choices import split_list
from jianfu.ledger.io.columns import Column
from jianfu.ledger.io.report import RowError

TRUE_WORDS = {"是", "true", "yes", "y", "1", "√", "✓", "对"}
FALSE_WORDS = {"否", "false", "no", "n", "0", "×", "不是", ""}
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date(text: str) -> dt.date | None:
    """2025-11-20, 2025/11/20, 2025.11.20, 2025年11月20日, 20251120 (and a time part is dropped)."""
    text = text.strip().split(" ")[0].split("T")[0]
    match = _DATE_RE.match(text) or _COMPACT_DATE_RE.match(text)
    if not match:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


_LOOKUPS: dict[tuple[type, int], dict[str, str]] = {}


def choice_lookup(choices: type[models.TextChoices], aliases: Mapping[str, str] | None = None) -> dict[str, str]:
    """Label or code → code, case-insensitive for codes (built once per choice list)."""
    cache_key = (choices, id(aliases))
    cached = _LOOKUPS.get(cache_key)
    if cached is not None:
        return cached
    table: dict[str, str] = {}
    for value, label in choices.choices:
        table[str(label)] = value
        table[str(value).lower()] = value
    for alias, value in (aliases or {}).items():
        table[alias.lower()] = value
    _LOOKUPS[cache_key] = table
    return table


def choice_hint(choices: type[models.TextChoices]) -> str:
    return "/".join(str(label) for label in choices.labels)


class Cells:
    """The cells of one row, by column key, with typed getters that record errors."""

    def __init__(self, number: int, values: dict[str, str], columns: dict[str, Column], errors: list[RowError]):
        self.number = number
        self.values = values
        self.columns = columns
        self.errors = errors
        self.bad = False

    def has(self, key: str) -> bool:
        """The column is in the file (an absent optional column leaves stored values alone)."""
        return key in self.values

    def error(self, key: str, problem: str) -> None:
        self.bad = True
        self.errors.append(RowError(self.number, self.columns[key].label, problem))

    def raw(self, key: str) -> str:
        return self.values.get(key, "").strip()

    def text(self, key: str, *, required: bool = False, max_length: int | None = None, strip: bool = True) -> str:
        value = self.raw(key) if strip else self.values.get(key, "")
        if not strip and not value.strip():
            value = ""
        if required and not value:
            self.error(key, "不能为空")
        elif max_length and len(value) > max_length:
            self.error(key, f"超过{max_length}个字符（现有{len(value)}个）")
        return value

    def integer(self, key: str, *, required: bool = False, minimum: int = 0, maximum: int = 10**9) -> int | None:
        value = self.raw(key)
        if not value:
            if required:
                self.error(key, "不能为空")
            return None
        try:
            number = float(value.replace(",", "").replace("，", ""))
        except ValueError:
            self.error(key, f"“{value}”不是整数")
            return None
        if not number.is_integer():
            self.error(key, f"“{value}”不是整数")
            return None
        if not minimum <= number <= maximum:
            self.error(key, f"“{value}”超出范围（{minimum}～{maximum}）")
            return None
        return int(number)

    def year(self, key: str) -> int | None:
        value = self.raw(key).removesuffix("年")
        self.values[key] = value
        return self.integer(key, required=True, minimum=2000, maximum=2100)

    def date(self, key: str, *, required: bool = False) -> dt.date | None:
        value = self.raw(key)
        if not value:
            if required:
                self.error(key, "不能为空")
            return None
        day = parse_date(value)
        if day is None:
            self.error(key, f"“{value}”不是有效日期（应为 2025-11-20 这样的格式）")
        return day

    def boolean(self, key: str) -> bool:
        value = self.raw(key).lower()
        if value in TRUE_WORDS:
            return True
        if value not in FALSE_WORDS:
            self.error(key, f"“{self.raw(key)}”应为“是”或“否”")
        return False

    def choice(
        self,
        key: str,
        choices: type[models.TextChoices],
        *,
        required: bool = False,
        default: str = "",
        aliases: Mapping[str, str] | None = None,
    ) -> str:
        value = self.raw(key)
        if not value:
            if required:
                self.error(key, f"不能为空（可填：{choice_hint(choices)}）")
            return default
        table = choice_lookup(choices, aliases)
        code = table.get(value) or table.get(value.lower())
        if code is None:
            self.error(key, f"未知的{self.columns[key].label}“{value}”（可填：{choice_hint(choices)}）")
            return default
        return code

    def words(self, key: str) -> list[str]:
        return split_list(self.raw(key))
