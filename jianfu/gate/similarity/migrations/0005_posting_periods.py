# Postings filed by the quarter of their item's date (rows.period_of): the four
# posting tables are recreated keyed (key, period, …) and the index is emptied;
# `jianfu reindex` builds it again (`jianfu demo` does so by itself when it
# finds the index empty). Until then lookups find nothing.
#
# Hand-written like 0001: on SQLite the row tables are WITHOUT ROWID (each table
# is its primary-key index), the list tables not (their rows of packed ids are
# too large for an index b-tree: reading a lookup's ~250 of them took twice as
# long); on PostgreSQL the packed lists are stored uncompressed (0003) and kept
# in their row up to a page. The model state is the ordinary Django one.

from django.db import migrations, models

_KEYED = "{key} integer NOT NULL, period integer NOT NULL"
POSTING_TABLES = [
    ("similarity_band", _KEYED.format(key="bucket") + ", item_id integer NOT NULL", "bucket, period, item_id"),
    ("similarity_uppergram", _KEYED.format(key="gram") + ", item_id integer NOT NULL", "gram, period, item_id"),
    ("similarity_bandlist", _KEYED.format(key="bucket") + ", ids {blob} NOT NULL", "bucket, period"),
    ("similarity_upperlist", _KEYED.format(key="gram") + ", ids {blob} NOT NULL", "gram, period"),
]
OLD_TABLES = {
    "similarity_band": ("bucket integer NOT NULL, item_id integer NOT NULL", "bucket, item_id"),
    "similarity_uppergram": ("gram integer NOT NULL, item_id integer NOT NULL", "gram, item_id"),
    "similarity_bandlist": ("bucket integer NOT NULL, ids {blob} NOT NULL", "bucket"),
    "similarity_upperlist": ("gram integer NOT NULL, ids {blob} NOT NULL", "gram"),
}
EMPTY = [
    "DELETE FROM similarity_fieldname",
    "DELETE FROM similarity_signature",
    "UPDATE similarity_indexstate SET stop_version = 0",
]


def _create(schema_editor, tables) -> None:
    vendor = schema_editor.connection.vendor
    blob = "bytea" if vendor == "postgresql" else "BLOB"
    for table, columns, key in tables:
        lists = table.endswith("list")
        suffix = " WITHOUT ROWID" if vendor == "sqlite" and not lists else ""
        schema_editor.execute(f"DROP TABLE {table}")
        schema_editor.execute(f"CREATE TABLE {table} ({columns.format(blob=blob)}, PRIMARY KEY ({key})){suffix}")
        if vendor == "postgresql" and lists:
            schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN ids SET STORAGE EXTERNAL")
            # A quarter's list is ~2.3 KB at 10^6 items: kept in the row up to a
            # page (8160 B) instead of TOASTed from 2 KB on, a lookup's ~250
            # list reads took 1.2 ms instead of 1.6 (measured on the bench's lists).
            schema_editor.execute(f"ALTER TABLE {table} SET (toast_tuple_target = 8160)")


def forwards(apps, schema_editor):
    _create(schema_editor, POSTING_TABLES)


def backwards(apps, schema_editor):
    _create(schema_editor, [(table, *OLD_TABLES[table]) for table, _columns, _key in POSTING_TABLES])


def _composite(*names):
    return models.CompositePrimaryKey(*names, blank=True, editable=False, primary_key=True, serialize=False)


class Migration(migrations.Migration):
    dependencies = [
        ("similarity", "0004_drop_upper_item_index"),
    ]

    operations = [
        migrations.RunSQL(EMPTY, reverse_sql=EMPTY),
        migrations.AddField(
            model_name="signature",
            name="period",
            field=models.IntegerField(default=0),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Band"),
                migrations.DeleteModel(name="BandList"),
                migrations.DeleteModel(name="UpperGram"),
                migrations.DeleteModel(name="UpperList"),
                migrations.CreateModel(
                    name="Band",
                    fields=[
                        ("pk", _composite("bucket", "period", "item_id")),
                        ("bucket", models.IntegerField()),
                        ("period", models.IntegerField()),
                        ("item_id", models.IntegerField()),
                    ],
                    options={"verbose_name": "LSH 分桶", "verbose_name_plural": "LSH 分桶"},
                ),
                migrations.CreateModel(
                    name="BandList",
                    fields=[
                        ("pk", _composite("bucket", "period")),
                        ("bucket", models.IntegerField()),
                        ("period", models.IntegerField()),
                        ("ids", models.BinaryField()),
                    ],
                    options={"verbose_name": "LSH 分桶（合并）", "verbose_name_plural": "LSH 分桶（合并）"},
                ),
                migrations.CreateModel(
                    name="UpperGram",
                    fields=[
                        ("pk", _composite("gram", "period", "item_id")),
                        ("gram", models.IntegerField()),
                        ("period", models.IntegerField(default=0)),
                        ("item_id", models.IntegerField()),
                    ],
                    options={"verbose_name": "上级来文采样", "verbose_name_plural": "上级来文采样"},
                ),
                migrations.CreateModel(
                    name="UpperList",
                    fields=[
                        ("pk", _composite("gram", "period")),
                        ("gram", models.IntegerField()),
                        ("period", models.IntegerField(default=0)),
                        ("ids", models.BinaryField()),
                    ],
                    options={"verbose_name": "上级来文采样（合并）", "verbose_name_plural": "上级来文采样（合并）"},
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
