"""`units` — 单位: 名称 (key), 类型, 上级单位 (may be defined later in the file), 别名."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from jianfu.ledger import lists
from jianfu.ledger.choices import join_list
from jianfu.ledger.io.base import Context, Handler
from jianfu.ledger.io.cells import Cells
from jianfu.ledger.io.columns import Column
from jianfu.ledger.io.report import RowError
from jianfu.org.models import Unit, UnitKind


@dataclass
class UnitRow:
    name: str
    kind: str
    parent: str | None  # None: column absent (keep); "": no parent
    aliases: list[str] | None  # None: column absent (keep)


class UnitsHandler(Handler):
    code = "units"
    label = "单位"
    key_label = "名称"
    columns = (
        Column("name", "名称", required=True),
        Column("type", "类型", required=True),
        Column("parent", "上级单位"),
        Column("aliases", "别名"),
    )

    def parse(self, cells: Cells, ctx: Context) -> UnitRow:
        name = cells.text("name", required=True, max_length=100)
        kind = cells.choice("type", UnitKind, required=True)
        parent = cells.text("parent", max_length=100) if cells.has("parent") else None
        if parent and name and parent == name:
            cells.error("parent", "上级单位不能是自身")
        aliases = cells.words("aliases") if cells.has("aliases") else None
        for alias in aliases or ():
            if len(alias) > 100:
                cells.error("aliases", f"别名“{alias[:20]}…”超过100个字符")
        return UnitRow(name, kind, parent, aliases)

    def key(self, record: UnitRow) -> Any:
        return record.name

    def check(self, records: Sequence[tuple[int, UnitRow]], ctx: Context) -> None:
        errors = ctx.result.errors
        in_file = {r.name: (n, r) for n, r in records}
        alias_rows: dict[str, int] = {}
        for number, row in records:
            if row.parent and row.parent not in in_file and ctx.units.find(row.parent) is None:
                errors.append(RowError(number, "上级单位", f"未知单位“{row.parent}”（文件和系统中都没有）"))
            for alias in row.aliases or ():
                if alias in in_file and alias != row.name:
                    errors.append(RowError(number, "别名", f"别名“{alias}”与第{in_file[alias][0]}行的单位名称相同"))
                if alias in alias_rows:
                    errors.append(RowError(number, "别名", f"别名“{alias}”与第{alias_rows[alias]}行重复"))
                alias_rows.setdefault(alias, number)
        self.order = self._parents_first(records, ctx)

    def _parents_first(self, records: Sequence[tuple[int, UnitRow]], ctx: Context) -> list[tuple[int, UnitRow]]:
        """Rows in an order where a parent defined in the file comes before its
        children; a cycle (in the file, or through units already stored) is an error."""
        in_file = {r.name: (n, r) for n, r in records}

        def parent_of(name: str) -> str | None:
            if name in in_file:
                row = in_file[name][1]
                if row.parent is not None:
                    return row.parent or None
            unit = ctx.units.find(name)
            if unit is None or unit.parent_id is None:
                return None
            parent = ctx.units.units.get(unit.parent_id)
            return parent.name if parent else None

        reported: set[str] = set()
        for number, row in records:
            chain = [row.name]
            node = parent_of(row.name)
            while node is not None and node not in chain and len(chain) < 10_000:
                chain.append(node)
                node = parent_of(node)
            if node is not None and node == row.name and row.name not in reported:
                reported.update(chain)
                loop = " → ".join([*chain, row.name])
                ctx.result.errors.append(RowError(number, "上级单位", f"上级单位形成循环：{loop}"))

        done: set[str] = set()
        ordered: list[tuple[int, UnitRow]] = []

        def visit(name: str, depth: int = 0) -> None:
            if name in done or name not in in_file or depth > 10_000:
                return
            done.add(name)
            row = in_file[name][1]
            if row.parent:
                visit(row.parent, depth + 1)
            ordered.append(in_file[name])

        for _number, row in records:
            visit(row.name)
        return ordered

    def write(self, records: Sequence[tuple[int, UnitRow]], ctx: Context) -> None:
        written: dict[str, Unit] = {}
        total = len(self.order)
        for done, (number, row) in enumerate(self.order, start=1):
            parent: Any = lists.KEEP
            if row.parent is not None:
                parent = written.get(row.parent) or ctx.units.find(row.parent) if row.parent else None
            try:
                unit, outcome = lists.upsert_unit(
                    name=row.name,
                    kind=row.kind,
                    parent=parent,
                    aliases=lists.KEEP if row.aliases is None else row.aliases,
                    by=ctx.by,
                )
            except lists.ListError as exc:
                ctx.result.errors.append(RowError(number, "名称", str(exc)))
                continue
            written[row.name] = unit
            ctx.result.count(outcome)
            ctx.progress("写入", done, total)

    def export_rows(self):
        units = Unit.objects.select_related("parent").prefetch_related("aliases").order_by("kind", "name")
        for unit in units:
            yield [
                unit.name,
                unit.get_kind_display(),
                unit.parent.name if unit.parent else "",
                join_list(sorted(unit.alias_list())),
            ]
