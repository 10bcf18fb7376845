from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "jianfu.reports"
    verbose_name = "统计报告"
