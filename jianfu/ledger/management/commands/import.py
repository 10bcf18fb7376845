"""`jianfu import KIND FILE`: import a CSV or XLSX file, all or nothing (spec/cli.md).

Exit codes: 0 imported; 2 bad input (every bad row listed, nothing written); 3 anything else."""

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jianfu.ledger.io import IMPORT_KINDS, run_import
from jianfu.org.models import User
from jianfu.progress import progress_bar


class Command(BaseCommand):
    help = "导入 CSV 或 XLSX 文件（全部成功才写入；有问题的行全部列出）。类型：" + "、".join(
        f"{code}（{label}）" for code, label in IMPORT_KINDS.items()
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(IMPORT_KINDS), help="导入类型")
        parser.add_argument("file", help="CSV（UTF-8/GB18030）或 XLSX 文件")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--user", default="", help="记入审计日志的操作人用户名")

    def handle(self, *args, kind: str, file: str, dry_run: bool, user: str, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}", returncode=2)
        by = None
        if user:
            by = User.objects.filter(username=user).first()
            if by is None:
                raise CommandError(f"未知用户：{user}", returncode=2)
        started = time.perf_counter()
        try:
            with progress_bar(sys.stdout.isatty()) as update:
                result = run_import(kind, path, filename=str(file), by=by, dry_run=dry_run, progress=update)
        except Exception as exc:  # exit code 3: not the file's fault
            raise CommandError(f"导入 {file} 时出错：{exc}", returncode=3) from exc
        if not result.ok:
            lines = "\n".join(str(e) for e in result.errors)
            raise CommandError(
                f"导入失败：{file} 有 {len(result.errors)} 处问题，未写入任何数据。\n{lines}", returncode=2
            )
        seconds = time.perf_counter() - started
        rate = result.rows / seconds if seconds > 0 else 0.0
        self.stdout.write(f"{result.summary()}用时 {seconds:.1f} 秒（{rate:.0f} 行/秒）。")
