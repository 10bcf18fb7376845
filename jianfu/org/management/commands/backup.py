"""`jianfu backup FILE`: a consistent copy of the whole database while the site runs (spec/cli.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jianfu.org.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份：把整个数据库的一致副本写入 FILE（SQLite 用在线备份，PostgreSQL 用压缩 JSON）"

    def add_arguments(self, parser):
        parser.add_argument("file", help="备份文件路径")
        parser.add_argument(
            "--format",
            choices=["auto", "sqlite", "json"],
            default="auto",
            help="auto（默认：SQLite 数据库文件或 PostgreSQL 的压缩 JSON）、sqlite、json（可恢复到任一数据库）",
        )

    def handle(self, *args, file: str, format: str, **options):  # noqa: A002 - the option's name
        path = Path(file)
        if path.is_dir():
            raise CommandError(f"{path} 是目录，请给出备份文件名。", returncode=2)
        try:
            counts = backup(path, fmt=format)
        except BackupError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        except OSError as exc:
            raise CommandError(f"无法写入 {path}：{exc}", returncode=3) from exc
        if "pages" in counts:
            self.stdout.write(f"已备份到 {path}（SQLite 数据库，{counts['pages']} 页）。")
        else:
            self.stdout.write(f"已备份到 {path}（{len(counts)} 张表，共 {sum(counts.values())} 行）。")
