"""`jianfu restore FILE`: replace the whole database with a copy made by `jianfu backup` (spec/cli.md)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from jianfu.org.backup import BackupError, backup, detect_format, is_sqlite, restore


class Command(BaseCommand):
    help = "恢复：用 jianfu backup 生成的备份替换整个数据库（全部成功或不作任何改变）"

    def add_arguments(self, parser):
        parser.add_argument("file", help="备份文件路径")
        parser.add_argument("--yes", action="store_true", help="不再确认（当前数据库的内容将被全部替换）")
        parser.add_argument(
            "--no-safety-copy", action="store_true", help="恢复前不先备份当前数据库（默认先备份到 数据目录/backups/）"
        )

    def handle(self, *args, file: str, yes: bool, **options):
        path = Path(file)
        if not yes and options.get("interactive", True) and self.stdin_isatty():
            answer = input(f"将用 {path} 替换当前数据库的全部内容，确定吗？[y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                raise CommandError("已取消，数据库未改变。", returncode=1)
        try:
            detect_format(path)  # a wrong file is refused before anything else happens
            if not options.get("no_safety_copy"):
                # Restoring the wrong copy must not cost the work since the last backup.
                stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
                suffix = "sqlite3" if is_sqlite() else "json.gz"
                safety = Path(settings.DATA_DIR) / "backups" / f"before-restore-{stamp}.{suffix}"
                backup(safety)
                self.stdout.write(f"已先把当前数据库备份到 {safety}。")
            counts = restore(path)
        except BackupError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        except DatabaseError as exc:
            raise CommandError(f"恢复失败，数据库未改变：{exc}", returncode=3) from exc
        if "pages" in counts:
            self.stdout.write(f"已从 {path} 恢复（SQLite 数据库，{counts['pages']} 页）。")
        else:
            self.stdout.write(f"已从 {path} 恢复（{len(counts)} 张表，共 {sum(counts.values())} 行）。")

    @staticmethod
    def stdin_isatty() -> bool:
        import sys

        return sys.stdin.isatty()
