"""Single-column indexes that no query needs, dropped: each cost every imported row a
B-tree insert. kind, status and issuer lead the composite indexes (item_kind_status_date,
item_status_date, item_issuer_year_kind, item_issuer_date); is_upper_level alone served no
query; a target link's item leads unique_item_target, its unit target_unit_kind_date.
docs/import.md lists which query uses which index.

The state changes as AlterField would, but the database only drops the indexes: on SQLite
AlterField rebuilds the whole table, which would also drop the meter's triggers and
covering indexes (meter migrations 0002, 0003).
"""

import django.db.models.deletion
from django.db import migrations, models

# (model, field) whose own index goes.
FIELDS = [
    ("item", "kind"),
    ("item", "status"),
    ("item", "is_upper_level"),
    ("item", "issuer"),
    ("itemtarget", "item"),
    ("itemtarget", "unit"),
]


def _own_indexes(schema_editor, table: str, column: str) -> list[str]:
    """The plain indexes on exactly this column (PostgreSQL: also its varchar_pattern_ops twin)."""
    with schema_editor.connection.cursor() as cursor:
        found = schema_editor.connection.introspection.get_constraints(cursor, table)
    return [
        name
        for name, c in found.items()
        if c["index"] and not c["unique"] and not c["primary_key"] and c["columns"] == [column]
    ]


def drop(apps, schema_editor):
    for model_name, field_name in FIELDS:
        model = apps.get_model("ledger", model_name)
        column = model._meta.get_field(field_name).column
        for name in _own_indexes(schema_editor, model._meta.db_table, column):
            schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def create(apps, schema_editor):
    for model_name, field_name in FIELDS:
        model = apps.get_model("ledger", model_name)
        field = model._meta.get_field(field_name)
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))
        like = getattr(schema_editor, "_create_like_index_sql", None)
        if like is not None and (sql := like(model, field)) is not None:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0003_item_issuer_date"),
        ("org", "0002_totpdevice"),
        ("meter", "0003_month_totals"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop, create, elidable=False)],
            state_operations=[
                migrations.AlterField(
                    model_name="item",
                    name="is_upper_level",
                    field=models.BooleanField(default=False, verbose_name="上级来文"),
                ),
                migrations.AlterField(
                    model_name="item",
                    name="issuer",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="issued_items",
                        to="org.unit",
                        verbose_name="发起单位",
                    ),
                ),
                migrations.AlterField(
                    model_name="item",
                    name="kind",
                    field=models.CharField(
                        choices=[
                            ("document", "发文"),
                            ("meeting", "会议"),
                            ("inspection", "督查检查考核"),
                            ("data_request", "报表"),
                            ("task", "属地任务"),
                            ("campus", "进校园"),
                            ("award", "评比创建"),
                            ("app", "政务应用"),
                        ],
                        max_length=16,
                        verbose_name="类型",
                    ),
                ),
                migrations.AlterField(
                    model_name="item",
                    name="status",
                    field=models.CharField(
                        choices=[
                            ("draft", "草稿"),
                            ("submitted", "已提交"),
                            ("approved", "已批准"),
                            ("returned", "已退回"),
                            ("rejected", "已否决"),
                            ("merged", "已合并"),
                            ("issued", "已发布"),
                            ("closed", "已办结"),
                        ],
                        default="draft",
                        max_length=16,
                        verbose_name="状态",
                    ),
                ),
                migrations.AlterField(
                    model_name="itemtarget",
                    name="item",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="target_links",
                        to="ledger.item",
                    ),
                ),
                migrations.AlterField(
                    model_name="itemtarget",
                    name="unit",
                    field=models.ForeignKey(
                        db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit"
                    ),
                ),
            ],
        )
    ]
