"""The office's reference lists: plan, duty-list, campus-whitelist, catalog,
bodies, lexicon. Small files, so each row goes through the list services in
`jianfu.ledger.lists` (the same functions the web pages call)."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from jianfu.gate.models import LexiconEntry
from jianfu.ledger import lists
from jianfu.ledger.choices import BodyStatus, Kind, join_list
from jianfu.ledger.io.base import Context, Handler
from jianfu.ledger.io.cells import Cells
from jianfu.ledger.io.columns import Column
from jianfu.ledger.io.report import RowError
from jianfu.ledger.models import CampusWhitelistEntry, CatalogField, CoordinationBody, DutyEntry, PlanEntry, Quota
from jianfu.org.models import Unit

KEEP = lists.KEEP


def _keep_unless(cells: Cells, key: str, value: Any) -> Any:
    """An absent optional column leaves the stored value alone; an empty cell clears it."""
    return value if cells.has(key) else KEEP


def _joined(cells: Cells, key: str, max_length: int) -> Any:
    if not cells.has(key):
        return KEEP
    text = join_list(cells.words(key))
    if len(text) > max_length:
        cells.error(key, f"超过{max_length}个字符（现有{len(text)}个）")
    return text


def _row_outcome(outcomes: list[str]) -> str:
    if lists.CREATED in outcomes:
        return lists.CREATED
    if lists.UPDATED in outcomes:
        return lists.UPDATED
    return lists.UNCHANGED


def _run(ctx: Context, records: Sequence[tuple[int, Any]], column: str, save) -> None:
    """Save each record; a service refusal becomes a row error (the import then rolls back)."""
    total = len(records)
    for done, (number, record) in enumerate(records, start=1):
        try:
            outcomes = save(record)
        except lists.ListError as exc:
            ctx.result.errors.append(RowError(number, column, str(exc)))
            continue
        ctx.result.count(_row_outcome(outcomes))
        ctx.progress("写入", done, total)


# --------------------------------------------------------------------------- plan


@dataclass
class PlanRow:
    year: int
    unit: Unit
    kind: str
    title: str
    quota: int | None
    keywords: Any


class PlanHandler(Handler):
    code = "plan"
    label = "年度计划"
    key_label = "计划事项"
    columns = (
        Column("year", "年度", required=True),
        Column("unit", "单位", required=True),
        Column("kind", "类型", required=True),
        Column("title", "计划事项", required=True),
        Column("quota", "总量"),
        Column("keywords", "关键词"),
    )

    def parse(self, cells: Cells, ctx: Context) -> PlanRow:
        year = cells.year("year")
        unit = ctx.unit(cells, "unit", required=True)
        kind = cells.choice("kind", Kind, required=True)
        title = cells.text("title", max_length=200)
        quota = cells.integer("quota", maximum=1_000_000)
        if not title and quota is None and cells.raw("quota") == "":
            cells.error("quota", "计划事项为空的行须填写总量（只设年度总量）")
        return PlanRow(year, unit, kind, title, quota, _joined(cells, "keywords", 300))

    def key(self, record: PlanRow) -> Any:
        return (record.year, record.unit.pk, record.kind, record.title)

    def check(self, records: Sequence[tuple[int, PlanRow]], ctx: Context) -> None:
        quotas: dict[tuple, tuple[int, int]] = {}
        for number, row in records:
            if row.quota is None:
                continue
            key = (row.year, row.unit.pk, row.kind)
            first = quotas.setdefault(key, (number, row.quota))
            if first[1] != row.quota:
                ctx.result.errors.append(
                    RowError(number, "总量", f"与第{first[0]}行同一单位、年度、类型的总量（{first[1]}）不一致")
                )

    def write(self, records: Sequence[tuple[int, PlanRow]], ctx: Context) -> None:
        def save(row: PlanRow) -> list[str]:
            outcomes = []
            if row.title:
                outcomes.append(
                    lists.upsert_plan_entry(
                        year=row.year, unit=row.unit, kind=row.kind, title=row.title, keywords=row.keywords, by=ctx.by
                    )[1]
                )
            if row.quota is not None:
                outcomes.append(
                    lists.set_quota(year=row.year, unit=row.unit, kind=row.kind, quota=row.quota, by=ctx.by)[1]
                )
            return outcomes

        _run(ctx, records, "计划事项", save)

    def export_rows(self):
        quotas = {(q.year, q.unit_id, q.kind): q for q in Quota.objects.select_related("unit")}
        entries = list(PlanEntry.objects.select_related("unit"))
        planned = {(e.year, e.unit_id, e.kind) for e in entries}
        rows = []
        for (year, _unit, kind), quota in quotas.items():
            if (year, _unit, kind) not in planned:
                rows.append((year, quota.unit.name, kind, "", quota.quota, ""))
        for e in entries:
            quota = quotas.get((e.year, e.unit_id, e.kind))
            rows.append((e.year, e.unit.name, e.kind, e.title, quota.quota if quota else "", e.keywords))
        rows.sort(key=lambda r: (-r[0], r[1], r[2], r[3]))
        for year, unit, kind, title, quota, keywords in rows:
            yield [year, unit, Kind(kind).label, title, quota, keywords]


# --------------------------------------------------------------------------- coordination bodies


class BodiesHandler(Handler):
    code = "bodies"
    label = "议事协调机构"
    key_label = "名称"
    columns = (
        Column("name", "名称", required=True),
        Column("lead", "牵头单位"),
        Column("status", "状态"),
        Column("changed_on", "变更日期"),
    )

    def parse(self, cells: Cells, ctx: Context) -> dict:
        name = cells.text("name", required=True, max_length=150)
        lead = _keep_unless(cells, "lead", ctx.unit(cells, "lead"))
        status = _keep_unless(cells, "status", cells.choice("status", BodyStatus, default=BodyStatus.ACTIVE))
        changed_on = _keep_unless(cells, "changed_on", cells.date("changed_on"))
        if status not in (KEEP, BodyStatus.ACTIVE) and changed_on is None:
            cells.error("changed_on", f"状态为“{BodyStatus(status).label}”时须填写变更日期")
        return {"name": name, "lead": lead, "status": status, "changed_on": changed_on}

    def key(self, record: dict) -> Any:
        return record["name"]

    def write(self, records, ctx: Context) -> None:
        _run(ctx, records, "名称", lambda r: [lists.upsert_body(**r, note="导入", by=ctx.by)[1]])

    def export_rows(self):
        for body in CoordinationBody.objects.select_related("lead").order_by("name"):
            yield [
                body.name,
                body.lead.name if body.lead else "",
                body.get_status_display(),
                body.changed_on.isoformat() if body.changed_on else "",
            ]


# --------------------------------------------------------------------------- duty list


class DutyListHandler(Handler):
    code = "duty-list"
    label = "属地管理事项清单"
    key_label = "事项"
    columns = (
        Column("matter", "事项", required=True),
        Column("responsible", "主责部门"),
        Column("township_role", "乡镇职责"),
        Column("keywords", "关键词"),
    )

    def parse(self, cells: Cells, ctx: Context) -> dict:
        return {
            "matter": cells.text("matter", required=True, max_length=200),
            "responsible": _keep_unless(cells, "responsible", cells.text("responsible", max_length=200)),
            "township_role": _keep_unless(cells, "township_role", cells.text("township_role", max_length=500)),
            "keywords": _joined(cells, "keywords", 300),
        }

    def key(self, record: dict) -> Any:
        return record["matter"]

    def write(self, records, ctx: Context) -> None:
        _run(ctx, records, "事项", lambda r: [lists.upsert_duty_entry(**r, by=ctx.by)[1]])

    def export_rows(self):
        for e in DutyEntry.objects.order_by("matter"):
            yield [e.matter, e.responsible, e.township_role, e.keywords]


# --------------------------------------------------------------------------- campus whitelist


class WhitelistHandler(Handler):
    code = "campus-whitelist"
    label = "进校园白名单"
    key_label = "活动"
    columns = (
        Column("year", "年度", required=True),
        Column("activity", "活动", required=True),
        Column("organizer", "主办单位"),
        Column("per_semester", "每学期上限"),
    )

    def parse(self, cells: Cells, ctx: Context) -> dict:
        return {
            "year": cells.year("year"),
            "activity": cells.text("activity", required=True, max_length=200),
            "organizer": _keep_unless(cells, "organizer", cells.text("organizer", max_length=200)),
            "per_semester": _keep_unless(cells, "per_semester", cells.integer("per_semester", maximum=32767)),
        }

    def key(self, record: dict) -> Any:
        return (record["year"], record["activity"])

    def write(self, records, ctx: Context) -> None:
        _run(ctx, records, "活动", lambda r: [lists.upsert_whitelist_entry(**r, by=ctx.by)[1]])

    def export_rows(self):
        for e in CampusWhitelistEntry.objects.order_by("-year", "activity"):
            yield [e.year, e.activity, e.organizer, "" if e.per_semester is None else e.per_semester]


# --------------------------------------------------------------------------- data catalog


class CatalogHandler(Handler):
    code = "catalog"
    label = "共享数据目录"
    key_label = "字段"
    columns = (
        Column("field", "字段", required=True),
        Column("synonyms", "同义词"),
        Column("owner", "来源单位"),
        Column("system", "来源系统"),
        Column("frequency", "更新频次"),
    )

    def parse(self, cells: Cells, ctx: Context) -> dict:
        return {
            "field": cells.text("field", required=True, max_length=100),
            "synonyms": _joined(cells, "synonyms", 500),
            "owner": _keep_unless(cells, "owner", cells.text("owner", max_length=100)),
            "system": _keep_unless(cells, "system", cells.text("system", max_length=100)),
            "frequency": _keep_unless(cells, "frequency", cells.text("frequency", max_length=20)),
        }

    def key(self, record: dict) -> Any:
        return record["field"]

    def write(self, records, ctx: Context) -> None:
        _run(ctx, records, "字段", lambda r: [lists.upsert_catalog_field(**r, by=ctx.by)[1]])

    def export_rows(self):
        for e in CatalogField.objects.order_by("field"):
            yield [e.field, e.synonyms, e.owner, e.system, e.frequency]


# --------------------------------------------------------------------------- lexicon


class LexiconHandler(Handler):
    code = "lexicon"
    label = "审核词库"
    key_label = "词语"

    def __init__(self) -> None:
        self.codes = lists.lexicon_codes()

    columns = (
        Column("code", "规则", required=True),
        Column("phrase", "词语", required=True),
        Column("note", "说明"),
    )

    def parse(self, cells: Cells, ctx: Context) -> dict:
        code = cells.text("code", required=True).upper()
        if code and code not in self.codes:
            cells.error("code", f"未知的规则代码“{code}”（可填：{'、'.join(self.codes)}）")
        return {
            "code": code,
            "phrase": cells.text("phrase", required=True, max_length=100),
            "note": _keep_unless(cells, "note", cells.text("note", max_length=200)),
        }

    def key(self, record: dict) -> Any:
        return (record["code"], record["phrase"])

    def write(self, records, ctx: Context) -> None:
        _run(ctx, records, "词语", lambda r: [lists.upsert_lexicon_entry(**r, by=ctx.by)[1]])

    def export_rows(self):
        for e in LexiconEntry.objects.order_by("code", "phrase"):
            yield [e.code, e.phrase, e.note]
