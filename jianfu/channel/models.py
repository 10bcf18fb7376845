"""The grassroots channel: monitoring points (more models come with the channel)."""

from django.db import models

from jianfu.org.models import Unit


class MonitoringPoint(models.Model):
    """减负监测点: a designated grassroots unit that reports on its burden regularly."""

    unit = models.OneToOneField(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="monitoring_point")
    since = models.DateField("设立日期")
    is_active = models.BooleanField("在用", default=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "减负监测点"
        verbose_name_plural = "减负监测点"
        ordering = ["unit__name"]

    def __str__(self) -> str:
        return str(self.unit)
