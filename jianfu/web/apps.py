from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "jianfu.web"
    verbose_name = "页面"
