"""Bounded load run on loopback: gunicorn (2 workers) on a free 127.0.0.1 port, a thread-pool client.

Bounded in requests and seconds per endpoint; only 127.0.0.1."""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

REQUESTS = int(os.environ.get("BENCH_HTTP_REQUESTS", "400"))
# Per endpoint, for the warm-up bound and for wrk; the smoke test shortens both.
SECONDS = float(os.environ.get("BENCH_HTTP_SECONDS", "20"))
THREADS = 8


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session_cookie() -> str:
    """A logged-in session of the demo administrator, as a Cookie header value."""
    from django.conf import settings
    from django.test import Client

    from jianfu.org.models import User

    user = User.objects.get(username="admin")
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _one(url: str, headers: dict, body: bytes | None) -> tuple[float, bool]:
    req = urllib.request.Request(url, data=body, headers=headers, method="POST" if body else "GET")
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310 - loopback only
            resp.read()
            # A lost session is redirected to the login page (200 there): not a success.
            ok = resp.status == 200 and resp.geturl() == url
    except Exception:  # noqa: BLE001 - an error is a measured outcome
        ok = False
    return (time.perf_counter() - t0) * 1000, ok


def _hammer(url: str, headers: dict, body: bytes | None = None) -> dict:
    lat: list[float] = []
    errors = 0
    deadline = time.perf_counter() + SECONDS
    t0 = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        futures = []
        for _ in range(REQUESTS):
            futures.append(pool.submit(lambda: _one(url, headers, body) if time.perf_counter() < deadline else None))
        for f in futures:
            r = f.result()
            if r is None:
                continue
            lat.append(r[0])
            errors += not r[1]
    wall = time.perf_counter() - t0
    lat.sort()
    return {
        "rps": len(lat) / wall,
        "p50": lat[len(lat) // 2] if lat else float("nan"),
        "p99": lat[min(len(lat) - 1, int(0.99 * (len(lat) - 1)))] if lat else float("nan"),
        "errors": errors,
        "n": len(lat),
    }


WRK_SCRIPT = """
%(request)s
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK {"n": %%d, "us": %%d, "p50": %%d, "p99": %%d, "errors": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout + e.status))
end
"""


def _wrk(url: str, headers: dict, body: bytes | None) -> dict:
    """The same bound (SECONDS, THREADS connections) with wrk: a C client leaves the two
    cores to the server, where the Python client above takes most of one."""
    request = ""
    if body is not None:
        request = f"wrk.method = 'POST'\nwrk.body = {json.dumps(body.decode(), ensure_ascii=False)}\n"
    for name, value in headers.items():
        request += f"wrk.headers[{json.dumps(name)}] = {json.dumps(value, ensure_ascii=False)}\n"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(WRK_SCRIPT % {"request": request})
    try:
        cmd = ["wrk", "-t", "2", "-c", str(THREADS), "-d", f"{int(SECONDS)}s", "-s", fh.name, url]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=SECONDS + 30).stdout  # noqa: S603
    finally:
        os.unlink(fh.name)
    r = json.loads(next(line[4:] for line in out.splitlines() if line.startswith("WRK ")))
    return {
        "rps": r["n"] / (r["us"] / 1e6),
        "p50": r["p50"] / 1000,
        "p99": r["p99"] / 1000,
        "errors": r["errors"],
        "n": r["n"],
    }


def load_run(rec) -> None:
    import psutil

    cookie = _session_cookie()
    port = _free_port()
    env = dict(os.environ)
    env["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "jianfu.wsgi:application",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    peak = [0.0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            try:
                procs = [psutil.Process(server.pid), *psutil.Process(server.pid).children()]
                peak[0] = max(peak[0], *(p.memory_info().rss for p in procs))
            except psutil.Error:
                pass
            time.sleep(0.1)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/login/", timeout=1).read()  # noqa: S310
                break
            except Exception:  # noqa: BLE001 - not up yet
                time.sleep(0.2)
        web = {"Cookie": cookie}
        # Session + CSRF, as the pages call it while a clerk types.
        csrf = "benchcsrf" + "0" * 23
        api = {"Cookie": f"{cookie}; csrftoken={csrf}", "X-CSRFToken": csrf, "Content-Type": "application/json"}
        api["Referer"] = base + "/"
        body = json.dumps(
            {
                "kind": "document",
                "title": "关于做好防汛抗旱工作的通知",
                "body": "各镇（街道）：请做好防汛准备。" * 40,
                "issuer": "区教育局",
            }
        ).encode()
        for name, url, headers, data in (
            ("items", base + "/items/", web, None),
            ("dashboard", base + "/dashboard/", web, None),
            ("review", base + "/api/v1/review", api, body),
        ):
            warm = _hammer(url, headers, data)  # warm-up, and a check that every answer is a 200
            if shutil.which("wrk") and not warm["errors"]:
                r, client = _wrk(url, headers, data), f"wrk, {THREADS} connections, {int(SECONDS)} s"
            else:
                r, client = _hammer(url, headers, data), f"Python client, {THREADS} threads (wrk not installed)"
            note = f"{name}: {r['n']} requests, {client}, gunicorn 2 workers"
            rec.add("http_rps", r["rps"], "req/s", note=note)
            rec.add("http_p50_ms", r["p50"], "ms", note=note)
            rec.add("http_p99_ms", r["p99"], "ms", note=note)
            rec.add("http_errors", r["errors"], "count", note=note)
    finally:
        stop.set()
        server.terminate()
        server.wait(10)
    rec.add("server_rss_mb", peak[0] / 2**20, "MB", note="peak RSS of the largest gunicorn process")
