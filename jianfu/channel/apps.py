from django.apps import AppConfig


class ChannelConfig(AppConfig):
    name = "jianfu.channel"
    verbose_name = "监测点直报"
