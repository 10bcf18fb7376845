"""`jianfu demo [--port 8000]`: migrate, seed the demo district if the database is
empty, print the demo logins and serve at http://127.0.0.1:PORT (spec/cli.md).

DEBUG stays off; `jianfu.cli` supplies a SECRET_KEY kept in var/. The server is
bound to the loopback interface only, with TLS-only settings relaxed for it
(jianfu.ledger.demo.serving.DEMO_ENV)."""

import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from jianfu.gate.similarity import store
from jianfu.ledger.demo import serving
from jianfu.ledger.demo.accounts import DEMO_ACCOUNTS
from jianfu.ledger.demo.seed import SeedError, database_is_empty, seed_demo
from jianfu.org.models import User
from jianfu.progress import progress_bar


def valid_demo_logins() -> list[tuple[str, str, str, str]]:
    """(role, username, password, unit) of the demo accounts whose demo password
    still works — a password someone has changed is never printed."""
    from jianfu.org.models import Role

    users = {u.username: u for u in User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])}
    checked: dict[tuple[str, str], bool] = {}  # (stored hash, password): one slow hash check each
    rows = []
    for account in DEMO_ACCOUNTS:
        user = users.get(account.username)
        if user is None or not user.is_active:
            continue
        key = (user.password, account.password)
        if key not in checked:
            checked[key] = user.check_password(account.password)
        if checked[key]:
            unit = user.unit.name if user.unit_id else account.unit
            rows.append(("、".join(Role(r).label for r in account.roles), account.username, account.password, unit))
    return rows


class Command(BaseCommand):
    help = "演示：迁移数据库，数据库为空时生成示范区，打印各角色演示账号，并在 http://127.0.0.1:PORT 启动"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
        parser.add_argument("--no-serve", action="store_true", help="只准备数据并打印账号，不启动服务")

    def handle(self, *args, port: int, no_serve: bool, **options):
        if not 0 < port < 65536:
            raise CommandError(f"--port 应为 1 到 65535 之间的端口号，收到 {port}。", returncode=2)
        out = self.stdout
        out.write("正在迁移数据库……")
        call_command("migrate", interactive=False, verbosity=0)
        if database_is_empty():
            out.write("数据库为空，正在生成示范区“江澄区”（约一分钟）……")
            try:
                with progress_bar(sys.stdout.isatty()) as update:
                    result = seed_demo(progress=update)
            except SeedError as exc:
                raise CommandError(str(exc), returncode=1) from exc
            out.write(result.summary())
        else:
            out.write("数据库中已有数据，不再生成示范区。")
            if store.is_empty_for_ledger():
                out.write("相似度索引为空（升级后首次启动），正在重建（jianfu reindex）……")
                store.rebuild()
        rows = valid_demo_logins()
        if rows:
            out.write("\n演示账号（仅供本机演示，请勿用于生产环境）：\n")
            out.write(serving.table(("角色", "用户名", "密码", "所属单位"), rows))
        else:
            out.write("\n数据库中没有可用的演示账号，请使用已有账号登录（或 jianfu createsuperuser 创建管理员）。")
        url = f"http://127.0.0.1:{port}/"
        if no_serve:
            out.write(f"\n未启动服务（--no-serve）。启动：jianfu demo --port {port}，然后打开 {url}")
            return
        out.write(f"\n请在浏览器打开 {url} ，按 Ctrl+C 停止。\n")
        serving.serve(host="127.0.0.1", port=port, demo=True)
