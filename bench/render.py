"""Write the measured tables of bench/results.json into docs/benchmarks.md.

Only the part between the two markers is rewritten; the prose around it is kept."""

import json
import platform
import sqlite3
import subprocess
from pathlib import Path

BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"
ROWS = (
    ("gate_p50_ms", "gate p50, 3,000-字 draft (ms)"),
    ("gate_p99_ms", "gate p99 (ms)"),
    ("similarity_p50_ms", "similarity lookup p50 (ms)"),
    ("similarity_p99_ms", "similarity lookup p99 (ms)"),
    ("near_dup_recall", "NEAR_DUPLICATE recall, 10-40%"),
    ("near_dup_recall_30_40", "NEAR_DUPLICATE recall, 30-40%"),
    ("near_dup_precision", "NEAR_DUPLICATE precision"),
    ("near_dup_index_recall", "index alone: source ranked first (no threshold)"),
    ("copies_upper_recall", "COPIES_UPPER_DOC recall"),
    ("copies_upper_precision", "COPIES_UPPER_DOC precision"),
    ("brute_force_p50_ms", "TF-IDF brute force p50 (ms)"),
    ("brute_force_recall", "TF-IDF brute force recall (cos >= 0.5)"),
    ("brute_force_false_positives", "TF-IDF false positives on unrelated drafts"),
    ("brute_force_bytes_per_item", "TF-IDF bytes per item (memory)"),
    ("datasketch_p50_ms", "datasketch MinHashLSH p50 (ms)"),
    ("datasketch_recall", "datasketch recall (candidates)"),
    ("datasketch_bytes_per_item", "datasketch bytes per item (memory)"),
    ("index_bytes_per_item", "our index bytes per item (database)"),
    ("import_items_per_s", "import with signatures (items/s)"),
    ("index_items_per_s", "`jianfu reindex` alone (items/s)"),
    ("save_item_p50_ms", "one item saved and indexed, p50 (ms)"),
    ("save_item_p99_ms", "one item saved and indexed, p99 (ms)"),
    ("report_year_s", "year statistics, dashboard on a cache miss (s)"),
    ("report_year_after_edit_s", "year statistics right after an edit (s)"),
    ("report_command_s", "`jianfu report` for the year, json (s)"),
    ("server_rss_mb", "server peak RSS (MB)"),
)


def _fmt(v: float) -> str:
    if v != v:  # NaN
        return "–"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.3g}" if abs(v) < 1 else f"{v:.2f}"


def _version(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=10, check=False).stdout.strip()  # noqa: S603
    except OSError:
        return "?"


def tables(records: list[dict]) -> str:
    cols = sorted({(r["db"] or "", r["items"] or 0) for r in records if r["db"]}, key=lambda c: (c[1], c[0]))
    value = {
        (r["metric"], r["db"] or "", r["items"] or 0): r["value"]
        for r in records
        if not r.get("note", "").startswith(("items:", "dashboard:", "review:"))
    }
    head = "| metric | " + " | ".join(f"{db} {n:,}" for db, n in cols) + " |"
    lines = [head, "|---|" + "---|" * len(cols)]
    for metric, label in ROWS:
        cells = [_fmt(value[(metric, db, n)]) if (metric, db, n) in value else "" for db, n in cols]
        if any(cells):
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    http = [r for r in records if r.get("note", "").startswith(("items:", "dashboard:", "review:"))]
    if http:
        lines += [
            "",
            "| HTTP (loopback, gunicorn 2 workers) | ledger | client | req/s | p50 ms | p99 ms | errors |",
            "|---|---|---|---|---|---|---|",
        ]
        by, clients = {}, {}
        for r in http:
            name, _, rest = r["note"].partition(":")
            by.setdefault((r["db"], r["items"], name), {})[r["metric"]] = r["value"]
            # "876 requests, wrk, 8 connections, 20 s, gunicorn 2 workers" -> "876 requests, wrk, 8 connections, 20 s"
            clients[(r["db"], r["items"], name)] = rest.strip().removesuffix(", gunicorn 2 workers")
        for (db, n, name), m in by.items():
            lines.append(
                f"| {name} | {db} {n:,} | {clients[(db, n, name)]} | "
                + " | ".join(
                    _fmt(m.get(k, float("nan"))) for k in ("http_rps", "http_p50_ms", "http_p99_ms", "http_errors")
                )
                + " |"
            )
    pg = _version(["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "show server_version"])
    ram = _version(["sh", "-c", "free -h | awk 'NR==2{print $2}'"])
    machine = (
        f"Machine: {_version(['nproc'])} cores, {ram} RAM; "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"PostgreSQL {pg}."
    )
    return "\n".join([machine, "", *lines])


def render(results: Path, doc: Path) -> None:
    records = json.loads(results.read_text())
    block = f"{BEGIN}\n{tables(records)}\n{END}"
    text = doc.read_text() if doc.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + block + text[text.index(END) + len(END) :]
    else:
        text += "\n" + block + "\n"
    doc.write_text(text)
