"""The raw-SQL helpers the index's writers and readers, and the gate's per-review queries, share."""

from django.db import connection

ROWS_PER_INSERT = 400  # a few params a row: far under every backend's parameter limit


def marks(n: int) -> str:
    return ", ".join(["%s"] * n)


def fetch(sql: str, params: list | tuple = (), *, binary: bool = False) -> list[tuple]:
    """Rows of one raw statement: for small hot queries, where the ORM spends more
    Python building a query (~0.3 ms) than the database spends running it.

    `binary`: on PostgreSQL, results in binary format through a server-side
    binding cursor (Django's client-side cursors only take text): bytea then
    arrives as its bytes, not as hex text twice its size to decode, which
    halved reading a lookup's posting lists (~1 MB at 10^6 items)."""
    if binary and connection.vendor == "postgresql":
        import psycopg

        connection.ensure_connection()
        with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(sql, params, binary=True)
            return cursor.fetchall()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def insert(cursor, table: str, columns: str, rows: list[tuple]) -> None:
    """Insert many rows: COPY on PostgreSQL from ROWS_PER_INSERT rows on, multi-row INSERTs otherwise."""
    if not rows:
        return
    if connection.vendor == "postgresql" and len(rows) >= ROWS_PER_INSERT:
        # COPY: one stream instead of a statement per 400 rows (PostgreSQL
        # parses and plans each multi-row INSERT; COPY measured ~3× faster).
        # Below that one INSERT is one round trip where COPY takes two (a saved item's rows).
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    one = "(" + marks(len(rows[0])) + ")"
    for start in range(0, len(rows), ROWS_PER_INSERT):
        chunk = rows[start : start + ROWS_PER_INSERT]
        sql = f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([one] * len(chunk))  # noqa: S608
        cursor.execute(sql, [v for r in chunk for v in r])
