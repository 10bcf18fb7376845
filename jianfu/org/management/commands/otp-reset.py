"""`jianfu otp-reset USERNAME`: for a lost phone — removes the user's second factor and
ends all their sessions, so they log in with the password alone and may enrol again."""

from django.core.management.base import BaseCommand, CommandError

from jianfu.org import otp
from jianfu.org.models import User
from jianfu.org.security import end_all_sessions


class Command(BaseCommand):
    help = "停用某用户的两步验证（手机丢失时），并使其在所有设备退出"

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")

    def handle(self, *args, username: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有用户名为“{username}”的用户。", returncode=2)
        removed = otp.disable(user=user, by=None)
        ended = end_all_sessions(user=user, by=None)
        state = "已停用两步验证" if removed else "该用户未启用两步验证"
        self.stdout.write(f"{username}：{state}，已结束 {ended} 处登录。")
