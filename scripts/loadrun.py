"""Bounded load run on loopback against the demo district, with a check that nothing is lost.

    .venv/bin/python scripts/loadrun.py [--requests 400] [--writes 300] [--rate-requests 900]
                                        [--database-url postgres://…/EMPTY_DB] [--out FILE] [--keep]

Seeds the demo (`seed-demo`) into a fresh SQLite database in a temporary folder, serves
it with gunicorn (2 workers, production settings over plain HTTP on 127.0.0.1) as
bench/http.py does, and measures with bench/http.py's client:

- reads: the item list page, the dashboard page, POST /api/v1/review (session + CSRF);
- writes: drafts created through POST /api/v1/items with a write token, 8 at a time;
  afterwards every acknowledged draft (201 with its id) must be in the database, and the
  item count must have grown by exactly the number acknowledged;
- the token rate limit across the two workers: a burst on one token at the production
  rate (600/min) must be refused past the rate, not at twice it.

Prints a JSON summary (docs/security.md "Load run" quotes it). Bounded: at most
`--requests` per read endpoint (20 s each), `--writes` drafts, `--rate-requests` calls.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def production_env(data_dir: Path) -> dict[str, str]:
    """As bench/__main__.py: production settings, plain HTTP on loopback."""
    return {
        "DEBUG": "0",
        "SECRET_KEY": "loadrun-only-secret-key-not-for-production",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "JIANFU_DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{data_dir / 'loadrun.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "jianfu.settings",
    }


def call(url: str, headers: dict, body: bytes | None = None) -> tuple[int, bytes, float]:
    """One request: (status, body, milliseconds); a refused connection is status 0."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST" if body else "GET")  # noqa: S310
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
            status, data = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, data = exc.code, exc.read()
    except OSError:
        status, data = 0, b""
    return status, data, (time.perf_counter() - t0) * 1000


def percentiles(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    if not ordered:
        return {"p50": float("nan"), "p99": float("nan")}
    return {
        "p50": round(ordered[len(ordered) // 2], 1),
        "p99": round(ordered[min(len(ordered) - 1, int(0.99 * (len(ordered) - 1)))], 1),
    }


def create_drafts(base: str, key: str, count: int, threads: int) -> dict:
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def one(n: int):
        body = {
            "kind": "document",
            "title": f"压力测试草稿第{n}号：关于做好防汛抗旱工作的通知",
            "body": "各镇（街道）：请做好防汛准备。" * 20,
            "targets": ["青山镇"],
            "date": "2025-11-20",
        }
        return call(base + "/api/v1/items", headers, json.dumps(body, ensure_ascii=False).encode())

    t0 = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(one, range(count)))
    wall = time.perf_counter() - t0
    acknowledged = [json.loads(data)["id"] for status, data, _ in results if status == 201]
    return {
        "n": count,
        "rps": round(count / wall, 1),
        **percentiles([ms for *_, ms in results]),
        "errors": count - len(acknowledged),
        "statuses": sorted({status for status, *_ in results}),
        "acknowledged_ids": acknowledged,
    }


def rate_burst(base: str, key: str, count: int, threads: int) -> dict:
    headers = {"Authorization": f"Bearer {key}"}
    with ThreadPoolExecutor(threads) as pool:
        statuses = [s for s, *_ in pool.map(lambda _: call(base + "/api/v1/items?per_page=1", headers), range(count))]
    return {
        "sent": count,
        "allowed": statuses.count(200),
        "refused_429": statuses.count(429),
        "other": sorted(set(statuses) - {200, 429}),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per read endpoint")
    parser.add_argument("--writes", type=int, default=300, help="drafts created through the API")
    parser.add_argument("--rate-requests", type=int, default=900, help="burst on one token (rate 600/min)")
    parser.add_argument("--out", type=Path, help="also write the JSON summary here")
    parser.add_argument("--database-url", help="an EMPTY database to seed instead of a temporary SQLite file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (database, cache)")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="jianfu-loadrun-"))
    os.environ.pop("JIANFU_TESTING", None)
    os.environ.update(production_env(data_dir))
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from bench import http as bench_http
    from jianfu.api.models import ApiToken
    from jianfu.api.tokens import create_token
    from jianfu.ledger.models import Item
    from jianfu.org.models import AuditEvent, User

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("seed-demo", verbosity=0)
    seed_s = time.perf_counter() - t0
    bench_http.REQUESTS = args.requests
    cookie = bench_http._session_cookie()
    clerk = User.objects.get(username="clerk_edu")
    _, write_key = create_token(by=clerk, name="压力测试", unit=clerk.unit, scope=ApiToken.Scope.WRITE)
    _, burst_key = create_token(by=clerk, name="限流测试", unit=clerk.unit, scope=ApiToken.Scope.READ)
    items_before = Item.objects.count()
    creates_before = AuditEvent.objects.filter(action="item.create").count()
    connections.close_all()

    port = bench_http._free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "jianfu.wsgi:application"]
        + ["--log-level", "warning"],
        env=dict(os.environ),
        cwd=ROOT,
    )
    summary: dict = {
        "database": connections["default"].vendor,
        "seed_s": round(seed_s, 1),
        "items_before": items_before,
        "threads": bench_http.THREADS,
    }
    try:
        for _ in range(150):
            if call(base + "/login/", {})[0] == 200:
                break
            time.sleep(0.2)
        csrf = "loadruncsrf" + "0" * 21
        api = {"Cookie": f"{cookie}; csrftoken={csrf}", "X-CSRFToken": csrf, "Content-Type": "application/json"}
        review = json.dumps(
            {
                "kind": "document",
                "title": "关于做好防汛抗旱工作的通知",
                "body": "各镇（街道）：请做好防汛准备。" * 40,
                "issuer": "区教育局",
            }
        ).encode()
        for name, url, headers, body in (
            ("items", base + "/items/", {"Cookie": cookie}, None),
            ("dashboard", base + "/dashboard/", {"Cookie": cookie}, None),
            ("review", base + "/api/v1/review", api, review),
        ):
            bench_http._hammer(url, headers, body)  # warm-up
            measured = bench_http._hammer(url, headers, body)
            summary[name] = {k: round(v, 1) for k, v in measured.items()}
        summary["create_draft"] = create_drafts(base, write_key, args.writes, bench_http.THREADS)
        summary["rate_limit"] = rate_burst(base, burst_key, args.rate_requests, bench_http.THREADS)
    finally:
        server.terminate()
        server.wait(10)

    acknowledged = summary["create_draft"].pop("acknowledged_ids")
    items_after = Item.objects.count()
    summary["nothing_lost"] = {
        "acknowledged": len(acknowledged),
        "items_after_minus_before": items_after - items_before,
        "acknowledged_ids_present": Item.objects.filter(pk__in=acknowledged, status="draft").count(),
        "audit_item_create_added": AuditEvent.objects.filter(action="item.create").count() - creates_before,
    }
    lost = summary["nothing_lost"]
    ok = len(acknowledged) == lost["items_after_minus_before"] == lost["acknowledged_ids_present"]
    ok = ok and lost["audit_item_create_added"] == len(acknowledged)
    summary["ok"] = ok
    connections.close_all()
    if not args.keep:
        shutil.rmtree(data_dir, ignore_errors=True)
    text = json.dumps(summary, ensure_ascii=False, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
