"""`jianfu reindex`: rebuild the similarity index from the ledger (spec/cli.md)."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from jianfu.gate.similarity import store
from jianfu.progress import progress_bar


class Command(BaseCommand):
    help = "从台账重建相似度索引（批量写入；终端下显示进度条）"

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=store.BATCH, help="每批事项数（默认 %(default)s）")
        parser.add_argument(
            "--workers", type=int, default=None, help="计算签名的进程数（默认：事项多时按 CPU 核数，否则 1）"
        )

    def handle(self, *args, batch: int, workers: int | None, **options):
        if batch < 1:
            raise CommandError(f"--batch 须为正整数，收到 {batch}")
        if workers is not None and workers < 1:
            raise CommandError(f"--workers 须为正整数，收到 {workers}")
        started = time.perf_counter()
        stream = getattr(self.stdout, "_out", sys.stdout)
        with progress_bar(stream.isatty(), stream=stream) as update:
            result = store.rebuild(
                batch=batch,
                workers=workers,
                progress=(lambda done, total: update("重建相似度索引", done, total)) if update else None,
            )
        seconds = time.perf_counter() - started
        rate = result["items"] / seconds if seconds > 0 else 0.0
        self.stdout.write(
            f"已重建相似度索引：{result['items']} 个事项，用时 {seconds:.1f} 秒（{rate:.0f} 个/秒）；"
            f"高频停用片段 {result['stop_grams']} 个（抽样 {result['sampled']} 个事项）。"
        )
