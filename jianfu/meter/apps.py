from django.apps import AppConfig


class MeterConfig(AppConfig):
    name = "jianfu.meter"
    verbose_name = "负担工时"

    def ready(self) -> None:
        from jianfu.meter import figures

        figures.connect()  # saving the tariffs refreshes the stored hours
