"""What every import kind shares: the handler shape and a unit directory that
resolves names the way `jianfu.org.selectors.find_unit` does, in memory."""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from jianfu.ledger.io.cells import Cells
from jianfu.ledger.io.columns import Column
from jianfu.ledger.io.report import ImportResult
from jianfu.org.models import Unit, UnitAlias, User
from jianfu.org.selectors import normalise_name

Progress = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    return None


class UnitDirectory:
    """Every unit by name and alias, loaded once per import (a file of 10,000
    rows would otherwise cost tens of thousands of lookups). Same order as
    `find_unit`: exact name (normalised, then as written), then alias."""

    def __init__(self) -> None:
        self.units: dict[int, Unit] = {u.pk: u for u in Unit.objects.all()}
        self.by_name: dict[str, int] = {}
        for unit in self.units.values():
            self.by_name.setdefault(unit.name, unit.pk)
        self.by_norm = {normalise_name(u.name): u.pk for u in self.units.values()}
        self.by_alias = {normalise_name(a): uid for a, uid in UnitAlias.objects.values_list("alias", "unit_id")}

    def find(self, name: str) -> Unit | None:
        key = normalise_name(name)
        if not key:
            return None
        pk = self.by_norm.get(key) or self.by_name.get(name.strip()) or self.by_alias.get(key)
        return self.units.get(pk) if pk else None


class Context:
    """Per-import state shared by the rows (lazily built lookups)."""

    def __init__(self, result: ImportResult, by: User | None, progress: Progress):
        self.result = result
        self.by = by
        self.progress = progress
        self._units: UnitDirectory | None = None

    @property
    def units(self) -> UnitDirectory:
        if self._units is None:
            self._units = UnitDirectory()
        return self._units

    def unit(self, cells: Cells, key: str, *, required: bool = False) -> Unit | None:
        name = cells.raw(key)
        if not name:
            if required:
                cells.error(key, "不能为空")
            return None
        unit = self.units.find(name)
        if unit is None:
            cells.error(key, f"未知单位“{name}”（请先导入单位，或检查名称与别名）")
        return unit


class Handler:
    """One import kind. `parse` turns a row into a record (or records errors);
    `key` says which rows are the same row; `write` stores the records inside the
    import's transaction; `export_rows` yields the same columns back."""

    code: str = ""
    label: str = ""
    columns: tuple[Column, ...] = ()
    key_label: str = ""

    def parse(self, cells: Cells, ctx: Context) -> Any:
        raise NotImplementedError

    def key(self, record: Any) -> Any:
        raise NotImplementedError

    def check(self, records: Sequence[tuple[int, Any]], ctx: Context) -> None:
        """Cross-row checks after every row parsed (errors go to ctx.result.errors)."""

    def write(self, records: Sequence[tuple[int, Any]], ctx: Context) -> None:
        raise NotImplementedError

    def export_rows(self) -> Iterable[Sequence[Any]]:
        raise NotImplementedError


def yes_no(value: bool) -> str:
    return "是" if value else "否"
