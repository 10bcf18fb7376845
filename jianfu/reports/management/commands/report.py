"""`jianfu report --period P [--format docx|xlsx|json] -o FILE` (spec/cli.md, spec/metrics.md)."""

import sys
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jianfu.meter.periods import PeriodError, parse_period
from jianfu.meter.service import period_stats
from jianfu.progress import progress_bar
from jianfu.reports import writers
from jianfu.reports.charts import FontMissingError

FORMATS = ("docx", "xlsx", "json")
STAGE = "生成统计报告"


@contextmanager
def _progress(enabled: bool, total: int):
    """step(label): one step of the report on the shared progress bar (silent off a terminal)."""
    with progress_bar(enabled, stream=sys.stderr) as update:
        if update is None:
            yield lambda _label: None
            return
        done = 0

        def step(_label: str) -> None:
            nonlocal done
            done += 1
            update(STAGE, done, max(total, done))  # an Excel file has a step per sheet group

        yield step


class Command(BaseCommand):
    help = "生成统计期间的基层减负统计报告（Word、Excel 或 JSON）"

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="2025、2025Q4、2025H2 或 2025-10-01..2025-12-31")
        parser.add_argument("--format", choices=FORMATS, help="docx、xlsx 或 json（默认按输出文件扩展名，否则 json）")
        parser.add_argument("-o", "--output", default="-", help="输出文件；- 表示标准输出（仅 json）")

    def handle(self, *args, **options):
        try:
            self._handle(**options)
        except CommandError:
            raise
        except Exception as exc:  # spec/cli.md: anything unexpected is exit code 3, with a message
            raise CommandError(f"生成报告失败：{exc.__class__.__name__}: {exc}", returncode=3) from exc

    def _handle(self, **options):
        try:
            period = parse_period(options["period"])
        except PeriodError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        output = options["output"]
        fmt = options["format"] or (Path(output).suffix.lstrip(".").lower() if output != "-" else "json")
        if fmt not in FORMATS:
            raise CommandError(
                f"无法从输出文件“{output}”判断报告格式，请用 --format 指定 docx、xlsx 或 json。", returncode=2
            )
        if output == "-" and fmt != "json":
            raise CommandError(f"{fmt} 格式须用 -o 指定输出文件。", returncode=2)
        if output != "-" and not Path(output).parent.exists():
            raise CommandError(f"输出目录不存在：{Path(output).parent}", returncode=2)

        interactive = sys.stderr.isatty() and output != "-"
        with _progress(interactive, total=8) as step:
            step("读取台账、计算指标")
            try:
                stats = period_stats(period, keep_members=(fmt == "xlsx"))
                step("生成文件")
                if fmt == "json":
                    data = writers.to_json(stats)
                elif fmt == "docx":
                    data = writers.to_docx(stats, progress=step)
                else:
                    data = writers.to_xlsx(stats, progress=step)
            except FontMissingError as exc:
                raise CommandError(str(exc), returncode=3) from exc
        if output == "-":
            self.stdout.write(data.decode("utf-8"))
            return
        try:
            Path(output).write_bytes(data)
        except OSError as exc:
            raise CommandError(f"无法写入输出文件“{output}”：{exc}", returncode=3) from exc
        if interactive:
            self.stdout.write(self.style.SUCCESS(f"已生成 {output}（{describe_size(len(data))}）"))


def describe_size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"
