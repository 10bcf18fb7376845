"""`jianfu export KIND FILE`: the same columns import reads, as CSV (UTF-8 with BOM,
so Excel opens it) or XLSX by the file's extension."""

from django.core.management.base import BaseCommand, CommandError

from jianfu.ledger.io import IMPORT_KINDS, export_kind
from jianfu.ledger.io.tabular import format_for


class Command(BaseCommand):
    help = "导出与导入相同列的 CSV 或 XLSX 文件（按扩展名）。类型：" + "、".join(
        f"{code}（{label}）" for code, label in IMPORT_KINDS.items()
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(IMPORT_KINDS), help="导出类型")
        parser.add_argument("file", help="输出文件：.csv 或 .xlsx")

    def handle(self, *args, kind: str, file: str, **options):
        try:
            fmt = format_for(file)
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        try:
            count = export_kind(kind, file, fmt=fmt)
        except OSError as exc:
            raise CommandError(f"无法写入 {file}：{exc.strerror or exc}", returncode=2) from exc
        except Exception as exc:
            raise CommandError(f"导出 {file} 时出错：{exc}", returncode=3) from exc
        self.stdout.write(f"已导出{IMPORT_KINDS[kind]} {count} 行到 {file}。")
