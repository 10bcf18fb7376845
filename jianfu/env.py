"""Typed readers for the environment variables of spec/cli.md.

Each helper fails loudly on a value it cannot read, so a typo in a deployment
never silently falls back to an unsafe default.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"环境变量 {name} 的值 {raw!r} 无法识别：请用 1 或 0")


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"环境变量 {name} 的值 {raw!r} 不是整数") from exc


def env_path(name: str, default: Path) -> Path:
    raw = os.environ.get(name)
    return Path(raw).expanduser().resolve() if raw else default


RATE_PERIODS = ("s", "sec", "m", "min", "h", "hour", "d", "day")


def env_rates(name: str) -> dict[str, str] | None:
    """`category=N/period,...` (e.g. `token=600/min,anon=60/min`), or None if unset."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return None
    rates = {}
    for part in env_list(name):
        category, _, rate = part.partition("=")
        count, _, period = rate.partition("/")
        if not category.strip() or not count.strip().isdigit() or period.strip() not in RATE_PERIODS:
            raise ImproperlyConfigured(
                f"环境变量 {name} 中的 {part!r} 无法识别：应写作 类别=次数/时段，如 token=600/min"
            )
        rates[category.strip()] = f"{int(count)}/{period.strip()}"
    return rates
