"""The period figures' stored parts per ten days (旬: days 1–10, 11–20, 21 to the month's end)
instead of per month (jianfu/meter/months.py), so an edit recomputes a third as many items.

Replaces 0003's tables, functions and triggers with the same design, dated by the piece:
`meter_dekad_stamp` says which pieces changed (every INSERT, UPDATE or DELETE of an item, a
target link or a review finding adds to the version of the piece of the item's date; both
pieces when the date moves), `meter_dekad_part` holds each piece's figures (JSON) with the
version and validity key they were computed for.

- SQLite: one row per piece, its version incremented by a row trigger (writers are serialised).
- PostgreSQL: statement triggers append one row per piece a statement touched, so concurrent
  writers never wait on a shared counter row; a piece's version is the SUM over its rows,
  which only grows. TRUNCATE (Django's flush, `jianfu restore`) clears the stored figures.

The month parts are dropped, not converted: the first read (or `months.refresh()`) computes
the pieces.
"""

import importlib

from django.db import migrations

STAMP, PART = "meter_dekad_stamp", "meter_dekad_part"
TRIGGERED = ("item", "target", "finding")


def _tables(apps) -> dict[str, str]:
    return {
        "item": apps.get_model("ledger", "Item")._meta.db_table,
        "target": apps.get_model("ledger", "ItemTarget")._meta.db_table,
        "finding": apps.get_model("ledger", "ReviewFinding")._meta.db_table,
    }


def _piece(vendor: str, day: str) -> str:
    """The first day of the piece holding `day` (months.piece_start)."""
    if vendor == "postgresql":
        return (
            f"(date_trunc('month', {day}) + "
            f"make_interval(days => LEAST((EXTRACT(DAY FROM {day})::int - 1) / 10, 2) * 10))::date"
        )
    return f"date({day}, 'start of month', '+' || (min((CAST(strftime('%d', {day}) AS integer) - 1) / 10, 2) * 10) || ' days')"


def _sqlite(t: dict[str, str]) -> list[str]:
    bump = (
        f"INSERT INTO {STAMP} (dekad, version) SELECT {{piece}}, 1 {{src}} WHERE {{cond}} "
        "ON CONFLICT(dekad) DO UPDATE SET version = version + 1;"
    )

    def item_bump(ref: str) -> str:
        return bump.format(piece=_piece("sqlite", f"{ref}.date"), src="", cond=f"{ref}.date IS NOT NULL")

    def via_item(id_expr: str) -> str:
        cond = f"i.id = {id_expr} AND i.date IS NOT NULL"
        return bump.format(piece=_piece("sqlite", "i.date"), src=f"FROM {t['item']} i", cond=cond)

    def via_review(ref: str) -> str:
        return bump.format(
            piece=_piece("sqlite", "i.date"),
            src=f"FROM {t['item']} i",
            cond=f"i.latest_review_id = {ref}.review_id AND i.date IS NOT NULL",
        )

    sql = [
        f"CREATE TABLE {STAMP} (dekad date NOT NULL PRIMARY KEY, version bigint NOT NULL)",
        f"CREATE TABLE {PART} (dekad date NOT NULL PRIMARY KEY, key varchar(64) NOT NULL, "
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
        f"CREATE TABLE {STAMP} (id bigserial PRIMARY KEY, dekad date NOT NULL, version bigint NOT NULL)",
        f"CREATE INDEX {STAMP}_dekad ON {STAMP} (dekad)",
        f"CREATE TABLE {PART} (dekad date NOT NULL PRIMARY KEY, key varchar(64) NOT NULL, "
        "version bigint NOT NULL, data text NOT NULL)",
        f"CREATE FUNCTION meter_dekad_cleared() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN DELETE FROM {PART}; RETURN NULL; END $$",
    ]
    # The pieces of the changed rows' items, one stamp row per piece and statement.
    dates = {
        "item": "SELECT date FROM {rows}",
        "target": f"SELECT i.date FROM {{rows}} r JOIN {t['item']} i ON i.id = r.item_id",
        "finding": f"SELECT i.date FROM {{rows}} r JOIN {t['item']} i ON i.latest_review_id = r.review_id",
    }
    for name, select in dates.items():
        parts = []
        for rows in ("new_rows", "old_rows"):
            inner = select.format(rows=rows)
            absent = "DELETE" if rows == "new_rows" else "INSERT"  # the event without these rows
            parts.append(
                f"IF TG_OP <> '{absent}' THEN "
                f"INSERT INTO {STAMP} (dekad, version) SELECT {_piece('postgresql', 'd.date')}, COUNT(*) "
                f"FROM ({inner}) d WHERE d.date IS NOT NULL GROUP BY 1; END IF;"
            )
        sql.append(
            f"CREATE FUNCTION meter_dekad_{name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {' '.join(parts)} RETURN NULL; END $$"
        )
        table = t[name]
        sql += [
            f"CREATE TRIGGER meter_{name}_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION meter_dekad_{name}()",
            f"CREATE TRIGGER meter_{name}_update AFTER UPDATE ON {table} "
            "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION meter_dekad_{name}()",
            f"CREATE TRIGGER meter_{name}_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION meter_dekad_{name}()",
            f"CREATE TRIGGER meter_{name}_truncate AFTER TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION meter_dekad_cleared()",
        ]
    return sql


def _drop(schema_editor, t: dict[str, str], prefix: str, tables: tuple[str, str]) -> None:
    """Drop the triggers (0003's and ours share their names), the functions named `prefix…`, the tables."""
    pg = schema_editor.connection.vendor == "postgresql"
    for name in TRIGGERED:
        for event in ("insert", "update", "delete", "truncate"):
            if event == "truncate" and not pg:
                continue
            schema_editor.execute(f"DROP TRIGGER IF EXISTS meter_{name}_{event}{f' ON {t[name]}' if pg else ''}")
        if pg:
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {prefix}_{name}()")
    if pg:
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {prefix}_cleared()")
    for table in tables:
        schema_editor.execute(f"DROP TABLE IF EXISTS {table}")


def create(apps, schema_editor):
    t = _tables(apps)
    vendor = schema_editor.connection.vendor
    _drop(schema_editor, t, "meter_month", ("meter_month_part", "meter_month_stamp"))
    statements = _postgresql(t) if vendor == "postgresql" else _sqlite(t)
    # The items already there date their pieces too (the reads look for pieces by their stamps).
    statements.append(
        f"INSERT INTO {STAMP} (dekad, version) SELECT DISTINCT {_piece(vendor, 'date')}, 1 "
        f"FROM {t['item']} WHERE date IS NOT NULL"
    )
    for statement in statements:
        schema_editor.execute(statement, params=None)


def back(apps, schema_editor):
    _drop(schema_editor, _tables(apps), "meter_dekad", (PART, STAMP))
    importlib.import_module("jianfu.meter.migrations.0003_month_totals").create(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("meter", "0003_month_totals")]

    operations = [migrations.RunPython(create, back, elidable=False)]
