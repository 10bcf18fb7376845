from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "jianfu.org"
    verbose_name = "单位与人员"
