from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "jianfu.org"
    verbose_name = "单位与人员"

    def ready(self) -> None:
        # Connects the login receiver that puts pending steps (password, 2FA) into the session.
        from jianfu.org import security  # noqa: F401
