"""Starting the web server for `jianfu serve` and `jianfu demo`.

gunicorn (`jianfu.wsgi`) bound to 127.0.0.1 — in production nginx terminates TLS in
front of it — with Django's development server as the fallback where gunicorn
cannot run (it needs a POSIX system). Static files come from whitenoise (already in
MIDDLEWARE) in both cases, so DEBUG stays off and no `--insecure` is needed.
"""

import importlib.util
import os
import sys
import unicodedata

# The demo serves plain HTTP on the loopback interface: the production settings
# that presume TLS in front (secure cookies, redirect to https, HSTS) would make
# logging in impossible there, so the demo — and only the demo — turns them off.
DEMO_ENV = {
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_COOKIES": "0",
    "SECURE_HSTS_SECONDS": "0",
}
DEMO_HOSTS = "127.0.0.1,localhost"


def default_workers() -> int:
    value = os.environ.get("WEB_CONCURRENCY", "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    return max(2, min(4, (os.cpu_count() or 1) * 2))


def gunicorn_available() -> bool:
    return os.name == "posix" and importlib.util.find_spec("gunicorn") is not None


def demo_environment(environ: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ if environ is None else environ)
    env.update(DEMO_ENV)
    if not env.get("ALLOWED_HOSTS"):
        env["ALLOWED_HOSTS"] = DEMO_HOSTS
    return env


def gunicorn_command(*, host: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "jianfu.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        "--timeout",
        "120",
    ]


def serve(*, host: str = "127.0.0.1", port: int = 8000, workers: int | None = None, demo: bool = False) -> None:
    """Replace this process with the web server (does not return when gunicorn runs)."""
    env = demo_environment() if demo else dict(os.environ)
    _ensure_static_root()
    if gunicorn_available():
        command = gunicorn_command(host=host, port=port, workers=workers or default_workers())
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(sys.executable, command, env)  # noqa: S606 - our own interpreter, fixed arguments
        return  # only reached when execve is replaced (tests)
    _runserver(host=host, port=port, demo=demo)


def _ensure_static_root() -> None:
    """whitenoise warns on every worker start when STATIC_ROOT is missing (files come from the finders)."""
    from django.conf import settings

    if settings.STATIC_ROOT:
        os.makedirs(settings.STATIC_ROOT, exist_ok=True)


def _runserver(*, host: str, port: int, demo: bool) -> None:
    from django.conf import settings
    from django.core.management import call_command

    if demo:
        # Settings are already loaded in this process: apply the demo's overrides directly.
        settings.SECURE_SSL_REDIRECT = False
        settings.SESSION_COOKIE_SECURE = False
        settings.CSRF_COOKIE_SECURE = False
        settings.SECURE_HSTS_SECONDS = 0
        if not settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS = DEMO_HOSTS.split(",")
    call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)


# --------------------------------------------------------------------------- tables


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """A plain-text table that lines up Chinese (double-width) and Latin text."""
    widths = [max(_width(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells) -> str:
        return "  ".join(str(c) + " " * (w - _width(str(c))) for c, w in zip(cells, widths, strict=True)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])
