from django.apps import AppConfig


class MeterConfig(AppConfig):
    name = "jianfu.meter"
    verbose_name = "负担工时"
