"""`jianfu serve [--port 8000]`: serve the platform without touching its data (spec/cli.md).

gunicorn (`jianfu.wsgi`) on 127.0.0.1:PORT, meant to sit behind nginx, which
terminates TLS and sets X-Forwarded-Proto; Django's development server only where
gunicorn cannot run. Requires the production environment (SECRET_KEY,
ALLOWED_HOSTS, DATABASE_URL); see README."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from jianfu.ledger.demo import serving


def pending_migrations() -> int:
    executor = MigrationExecutor(connections["default"])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


class Command(BaseCommand):
    help = "启动服务（gunicorn，默认绑定 127.0.0.1:8000；生产环境请置于 nginx 之后）"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
        parser.add_argument("--host", default="127.0.0.1", help="绑定地址（默认 127.0.0.1，仅本机与 nginx 可访问）")
        parser.add_argument(
            "--workers", type=int, default=0, help="gunicorn 工作进程数（默认按 CPU 核数，或 WEB_CONCURRENCY）"
        )

    def handle(self, *args, port: int, host: str, workers: int, **options):
        if not 0 < port < 65536:
            raise CommandError(f"--port 应为 1 到 65535 之间的端口号，收到 {port}。", returncode=2)
        if workers < 0:
            raise CommandError(f"--workers 不能为负数，收到 {workers}。", returncode=2)
        pending = pending_migrations()
        if pending:
            raise CommandError(f"数据库还有 {pending} 个迁移未执行，请先运行 jianfu migrate。", returncode=3)
        if not settings.DEBUG and not settings.ALLOWED_HOSTS:
            self.stderr.write("提示：ALLOWED_HOSTS 为空，所有请求都会被拒绝（400）；请设置环境变量 ALLOWED_HOSTS。")
        self.stdout.write(
            f"在 http://{host}:{port}/ 启动服务（{'gunicorn' if serving.gunicorn_available() else 'runserver'}）。"
        )
        serving.serve(host=host, port=port, workers=workers or None)
