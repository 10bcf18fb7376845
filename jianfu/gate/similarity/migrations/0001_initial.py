# Hand-written: the three posting tables are created with vendor SQL so that on
# SQLite they are WITHOUT ROWID (the table is its primary-key index, ~half the
# bytes per row); the model state is the ordinary Django one.

from django.db import migrations, models

POSTING_TABLES = [
    ("similarity_band", "bucket integer NOT NULL, item_id integer NOT NULL", "bucket, item_id"),
    ("similarity_uppergram", "gram integer NOT NULL, item_id integer NOT NULL", "gram, item_id"),
    ("similarity_fieldname", "name varchar(100) NOT NULL, item_id integer NOT NULL", "name, item_id"),
]


def create_posting_tables(apps, schema_editor):
    suffix = " WITHOUT ROWID" if schema_editor.connection.vendor == "sqlite" else ""
    for table, columns, key in POSTING_TABLES:
        schema_editor.execute(f"CREATE TABLE {table} ({columns}, PRIMARY KEY ({key})){suffix}")
    schema_editor.execute("CREATE INDEX similarity_field_item ON similarity_fieldname (item_id)")
    schema_editor.execute("CREATE INDEX similarity_upper_item ON similarity_uppergram (item_id)")


def drop_posting_tables(apps, schema_editor):
    for table, _columns, _key in POSTING_TABLES:
        schema_editor.execute(f"DROP TABLE {table}")


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="IndexState",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("stop_version", models.PositiveIntegerField(default=0)),
                ("sampled_items", models.PositiveIntegerField(default=0)),
                ("built_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={"verbose_name": "索引状态", "verbose_name_plural": "索引状态"},
        ),
        migrations.CreateModel(
            name="Signature",
            fields=[
                ("item_id", models.IntegerField(primary_key=True, serialize=False)),
                ("digest", models.BigIntegerField()),
                ("sig", models.BinaryField()),
                ("is_upper", models.BooleanField(default=False)),
                ("has_fields", models.BooleanField(default=False)),
            ],
            options={"verbose_name": "相似度签名", "verbose_name_plural": "相似度签名"},
        ),
        migrations.CreateModel(
            name="StopGram",
            fields=[
                ("gram", models.BigIntegerField(primary_key=True, serialize=False)),
            ],
            options={"verbose_name": "高频停用片段", "verbose_name_plural": "高频停用片段"},
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Band",
                    fields=[
                        (
                            "pk",
                            models.CompositePrimaryKey(
                                "bucket", "item_id", blank=True, editable=False, primary_key=True, serialize=False
                            ),
                        ),
                        ("bucket", models.IntegerField()),
                        ("item_id", models.IntegerField()),
                    ],
                    options={"verbose_name": "LSH 分桶", "verbose_name_plural": "LSH 分桶"},
                ),
                migrations.CreateModel(
                    name="UpperGram",
                    fields=[
                        (
                            "pk",
                            models.CompositePrimaryKey(
                                "gram", "item_id", blank=True, editable=False, primary_key=True, serialize=False
                            ),
                        ),
                        ("gram", models.IntegerField()),
                        ("item_id", models.IntegerField()),
                    ],
                    options={
                        "verbose_name": "上级来文采样",
                        "verbose_name_plural": "上级来文采样",
                        "indexes": [models.Index(fields=["item_id"], name="similarity_upper_item")],
                    },
                ),
                migrations.CreateModel(
                    name="FieldName",
                    fields=[
                        (
                            "pk",
                            models.CompositePrimaryKey(
                                "name", "item_id", blank=True, editable=False, primary_key=True, serialize=False
                            ),
                        ),
                        ("name", models.CharField(max_length=100)),
                        ("item_id", models.IntegerField()),
                    ],
                    options={
                        "verbose_name": "报表字段索引",
                        "verbose_name_plural": "报表字段索引",
                        "indexes": [models.Index(fields=["item_id"], name="similarity_field_item")],
                    },
                ),
            ],
            database_operations=[migrations.RunPython(create_posting_tables, drop_posting_tables)],
        ),
    ]
