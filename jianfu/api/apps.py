from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "jianfu.api"
    verbose_name = "接口"
