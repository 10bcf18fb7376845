"""The benchmark runs end to end at a tiny size and writes every metric spec/performance.md names."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = {
    "gate_p50_ms", "gate_p99_ms", "similarity_p50_ms", "near_dup_recall", "near_dup_recall_30_40",
    "near_dup_precision", "brute_force_p50_ms", "brute_force_recall", "datasketch_p50_ms",
    "datasketch_recall", "datasketch_bytes_per_item", "index_bytes_per_item", "import_items_per_s",
    "report_year_s", "http_rps", "http_p99_ms", "http_errors", "server_rss_mb",
}  # fmt: skip


def test_bench_at_300_items_on_sqlite_writes_every_required_metric(tmp_path):
    pytest.importorskip("sklearn")
    pytest.importorskip("datasketch")
    pytest.importorskip("psutil")
    out = tmp_path / "results.json"
    env = {**os.environ, "BENCH_HTTP_REQUESTS": "20", "BENCH_HTTP_SECONDS": "2"}
    cmd = [sys.executable, "-m", "bench", "--size", "300", "--db", "sqlite", "--queries", "36", "--no-doc"]
    cmd += ["--work", str(tmp_path), "--out", str(out)]
    # A bound against a hang, not a speed check: the machine is shared.
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, timeout=300, capture_output=True)  # noqa: S603
    records = json.loads(out.read_text())
    assert REQUIRED <= {r["metric"] for r in records}
    for r in records:
        assert set(r) >= {"metric", "db", "items", "value", "unit"}
        assert r["db"] == "sqlite"
    by_name = {r["metric"]: r for r in records}
    assert by_name["http_errors"]["value"] == 0
    assert 0.0 <= by_name["near_dup_precision"]["value"] <= 1.0
    assert by_name["gate_p50_ms"]["value"] > 0
