from django.apps import AppConfig


class GateConfig(AppConfig):
    name = "jianfu.gate"
    verbose_name = "前置审核"
