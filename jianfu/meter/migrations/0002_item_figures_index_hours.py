"""The meter's covering index, SQLite only (see 0001), rebuilt:

- it also holds the stored hours and what they are valid for (jianfu.meter.figures), so the
  grouped queries still read the index, never the table;
- `date` follows `status`: a query with status and a date range (the top items, the video
  suggestions) reads a range of the index instead of the table by item_status_date;
- a small covering index for the yearly quota use (year, status, upper level, issuer, kind)
  replaces reading every row of the year from the table (0.17 s → 0.015 s at 10^5).
"""

from django.db import migrations

INDEX, QUOTA_INDEX = "meter_item_figures", "meter_item_year"
OLD = (
    "status", "is_upper_level", "date", "kind", "issuer_id", "targets_all", "ends_on", "frequency",
    "latest_review_id", "estimated_hours", "chars", "is_policy", "duration_minutes", "mode", "attendees",
    "materials_required", "onsite_days", "daily_minutes", "category", "fields", "year",
)  # fmt: skip
NEW = ("status", "date", "is_upper_level", *OLD[3:], "meter_hours", "meter_key", "meter_review_id")
QUOTA = ("year", "status", "is_upper_level", "issuer_id", "kind")


def _build(columns, quota: bool):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        table = schema_editor.quote_name(apps.get_model("ledger", "Item")._meta.db_table)
        quote = schema_editor.quote_name
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(INDEX)}")
        schema_editor.execute(f"CREATE INDEX {quote(INDEX)} ON {table} ({', '.join(map(quote, columns))})")
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(QUOTA_INDEX)}")
        if quota:
            schema_editor.execute(f"CREATE INDEX {quote(QUOTA_INDEX)} ON {table} ({', '.join(map(quote, QUOTA))})")

    return run


class Migration(migrations.Migration):
    dependencies = [("meter", "0001_item_figures_index"), ("ledger", "0002_item_meter_hours")]

    operations = [migrations.RunPython(_build(NEW, quota=True), _build(OLD, quota=False), elidable=False)]
