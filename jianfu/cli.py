"""The `jianfu` console entry point: our commands plus every Django command."""

import os
import secrets
import sys
from pathlib import Path


def _data_dir() -> Path:
    """var/ (or JIANFU_DATA_DIR), created on first use: the SQLite file and uploads live there."""
    data_dir = Path(os.environ.get("JIANFU_DATA_DIR") or Path(__file__).resolve().parent.parent / "var")
    data_dir.mkdir(parents=True, exist_ok=True)
    return data_dir


def _demo_secret_key() -> str:
    """`jianfu demo` runs without configuration: it makes and keeps its own key."""
    key_file = _data_dir() / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jianfu.settings")
    _data_dir()
    if len(argv) > 1 and argv[1] == "demo" and not os.environ.get("SECRET_KEY"):
        os.environ["SECRET_KEY"] = _demo_secret_key()
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
