"""`jianfu seed-demo [--years 2]`: fill an EMPTY database with the demo district (spec/cli.md).

Exit codes: 0 seeded; 1 refused because the database already holds data (nothing
written); 2 bad arguments; 3 anything else."""

import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError

from jianfu.ledger.demo.seed import DEFAULT_REVIEW_LIMIT, SeedError, seed_demo
from jianfu.progress import progress_bar


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today 应为 ISO 日期（如 2025-12-31），收到“{value}”。", returncode=2) from None


class Command(BaseCommand):
    help = "向空数据库填充示范区“江澄区”：单位、各角色演示账号、参考清单和自去年起的台账（可重复生成，结果相同）"

    def add_arguments(self, parser):
        parser.add_argument("--years", type=int, default=2, help="台账从今年往前推几年的1月1日开始（默认 2）")
        parser.add_argument("--scale", type=float, default=1.0, help="台账规模系数（默认 1.0，约六七千条）")
        parser.add_argument("--seed", type=int, default=2025, help="随机种子（默认 2025）")
        parser.add_argument("--today", default="", help="以哪一天为“今天”（ISO 日期，默认今天）")
        parser.add_argument(
            "--reviews", type=int, default=DEFAULT_REVIEW_LIMIT, help="最多生成多少条前置审核记录（默认 %(default)s）"
        )

    def handle(self, *args, years: int, scale: float, seed: int, today: str, reviews: int, **options):
        if years < 1 or years > 10:
            raise CommandError(f"--years 应为 1 到 10 之间的整数，收到 {years}。", returncode=2)
        if not 0 < scale <= 20:
            raise CommandError(f"--scale 应在 0 到 20 之间，收到 {scale}。", returncode=2)
        if reviews < 0:
            raise CommandError(f"--reviews 不能为负数，收到 {reviews}。", returncode=2)
        day = _date(today) if today else None
        try:
            with progress_bar(sys.stdout.isatty()) as update:
                result = seed_demo(
                    today=day, years=years, scale=scale, seed=seed, review_limit=reviews, progress=update
                )
        except SeedError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        except Exception as exc:
            raise CommandError(f"生成示范区数据时出错：{exc}", returncode=3) from exc
        self.stdout.write(result.summary())
