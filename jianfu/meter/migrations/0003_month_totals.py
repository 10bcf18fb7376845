"""Per-month figures (jianfu/meter/months.py): two tables and the triggers that date them.

`meter_month_stamp` says which months changed: every INSERT, UPDATE or DELETE of an item,
a target link or a review finding adds to the version of the month of the item's date
(both months when the date moves). Triggers, not hooks in the services, so that every
write path is covered (services, the importer's bulk insert and COPY, `update()`, raw SQL,
restores, the meter's own refresh of stored hours).

- SQLite: one row per month, its version incremented by a row trigger (writers are serialised).
- PostgreSQL: statement triggers append one row per month a statement touched, so concurrent
  writers never wait on a shared counter row; a month's version is the SUM over its rows,
  which only grows. TRUNCATE (Django's flush, `jianfu restore`) clears the stored figures.

`meter_month_part` holds each month's figures (JSON) with the version and the validity key
(tariffs, unit tree, shared catalog) they were computed for. Plain tables, not models: they
are derived data, left out of backups and restored by recomputation.
"""

from django.db import migrations

STAMP, PART = "meter_month_stamp", "meter_month_part"


def _tables(apps) -> dict[str, str]:
    return {
        "item": apps.get_model("ledger", "Item")._meta.db_table,
        "target": apps.get_model("ledger", "ItemTarget")._meta.db_table,
        "finding": apps.get_model("ledger", "ReviewFinding")._meta.db_table,
    }


def _sqlite(t: dict[str, str]) -> list[str]:
    month = "strftime('%Y-%m-01', {})"
    bump = (
        f"INSERT INTO {STAMP} (month, version) SELECT {month}, 1 {{src}} WHERE {{cond}} "
        "ON CONFLICT(month) DO UPDATE SET version = version + 1;"
    )

    def item_bump(ref: str) -> str:
        return bump.format(month.format(f"{ref}.date"), src="", cond=f"{ref}.date IS NOT NULL")

    def via_item(id_expr: str) -> str:
        return bump.format(month.format("i.date"), src=f"FROM {t['item']} i", cond=f"i.id = {id_expr}")

    def via_review(ref: str) -> str:
        return bump.format(
            month.format("i.date"), src=f"FROM {t['item']} i", cond=f"i.latest_review_id = {ref}.review_id"
        )

    sql = [
        f"CREATE TABLE {STAMP} (month date NOT NULL PRIMARY KEY, version bigint NOT NULL)",
        f"CREATE TABLE {PART} (month date NOT NULL PRIMARY KEY, key varchar(64) NOT NULL, "
        "version bigint NOT NULL, data text NOT NULL)",
    ]
    triggers = {
        ("item", "INSERT"): [item_bump("NEW")],
        ("item", "UPDATE"): [item_bump("OLD"), item_bump("NEW")],
        ("item", "DELETE"): [item_bump("OLD")],
        ("target", "INSERT"): [via_item("NEW.item_id")],
        ("target", "UPDATE"): [via_item("OLD.item_id"), via_item("NEW.item_id")],
        ("target", "DELETE"): [via_item("OLD.item_id")],
        ("finding", "INSERT"): [via_review("NEW")],
        ("finding", "UPDATE"): [via_review("OLD"), via_review("NEW")],
        ("finding", "DELETE"): [via_review("OLD")],
    }
    for (name, event), body in triggers.items():
        sql.append(
            f"CREATE TRIGGER meter_{name}_{event.lower()} AFTER {event} ON {t[name]} "
            f"FOR EACH ROW BEGIN {' '.join(body)} END"
        )
    return sql


def _postgresql(t: dict[str, str]) -> list[str]:
    sql = [
        f"CREATE TABLE {STAMP} (id bigserial PRIMARY KEY, month date NOT NULL, version bigint NOT NULL)",
        f"CREATE INDEX {STAMP}_month ON {STAMP} (month)",
        f"CREATE TABLE {PART} (month date NOT NULL PRIMARY KEY, key varchar(64) NOT NULL, "
        "version bigint NOT NULL, data text NOT NULL)",
        f"CREATE FUNCTION meter_month_cleared() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN DELETE FROM {PART}; RETURN NULL; END $$",
    ]
    # The months of the changed rows' items, one stamp row per month and statement.
    months = {
        "item": "SELECT date FROM {rows}",
        "target": f"SELECT i.date FROM {{rows}} r JOIN {t['item']} i ON i.id = r.item_id",
        "finding": f"SELECT i.date FROM {{rows}} r JOIN {t['item']} i ON i.latest_review_id = r.review_id",
    }
    for name, select in months.items():
        parts = []
        for rows in ("new_rows", "old_rows"):
            inner = select.format(rows=rows)
            absent = "DELETE" if rows == "new_rows" else "INSERT"  # the event without these rows
            parts.append(
                f"IF TG_OP <> '{absent}' THEN "
                f"INSERT INTO {STAMP} (month, version) SELECT date_trunc('month', d.date)::date, COUNT(*) "
                f"FROM ({inner}) d WHERE d.date IS NOT NULL GROUP BY 1; END IF;"
            )
        sql.append(
            f"CREATE FUNCTION meter_month_{name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {' '.join(parts)} RETURN NULL; END $$"
        )
        table = t[name]
        sql += [
            f"CREATE TRIGGER meter_{name}_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION meter_month_{name}()",
            f"CREATE TRIGGER meter_{name}_update AFTER UPDATE ON {table} "
            "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION meter_month_{name}()",
            f"CREATE TRIGGER meter_{name}_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION meter_month_{name}()",
            f"CREATE TRIGGER meter_{name}_truncate AFTER TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION meter_month_cleared()",
        ]
    return sql


def create(apps, schema_editor):
    t = _tables(apps)
    vendor = schema_editor.connection.vendor
    statements = _postgresql(t) if vendor == "postgresql" else _sqlite(t)
    # The items already there date their months too (the reads look for months by their stamps).
    month = "date_trunc('month', date)::date" if vendor == "postgresql" else "strftime('%Y-%m-01', date)"
    statements.append(
        f"INSERT INTO {STAMP} (month, version) SELECT DISTINCT {month}, 1 FROM {t['item']} WHERE date IS NOT NULL"
    )
    for statement in statements:
        schema_editor.execute(statement, params=None)


def drop(apps, schema_editor):
    t = _tables(apps)
    for name in ("item", "target", "finding"):
        for event in ("insert", "update", "delete", "truncate"):
            if event == "truncate" and schema_editor.connection.vendor != "postgresql":
                continue
            suffix = f" ON {t[name]}" if schema_editor.connection.vendor == "postgresql" else ""
            schema_editor.execute(f"DROP TRIGGER IF EXISTS meter_{name}_{event}{suffix}")
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP FUNCTION IF EXISTS meter_month_{name}()")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS meter_month_cleared()")
    schema_editor.execute(f"DROP TABLE IF EXISTS {PART}")
    schema_editor.execute(f"DROP TABLE IF EXISTS {STAMP}")


class Migration(migrations.Migration):
    dependencies = [("meter", "0002_item_figures_index_hours"), ("ledger", "0002_item_meter_hours")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
