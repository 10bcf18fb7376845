"""The gate's own data: the lexicon of phrase rules (data the office edits)."""

from django.db import models
from django.utils import timezone


class LexiconEntry(models.Model):
    """A phrase that makes a rule fire (spec/gate.md: phrases are data, not code)."""

    code = models.CharField("规则", max_length=40, db_index=True)
    phrase = models.CharField("词语", max_length=100)
    note = models.CharField("说明", max_length=200, blank=True)
    is_active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = "审核词库词条"
        verbose_name_plural = "审核词库"
        ordering = ["code", "phrase"]
        constraints = [models.UniqueConstraint(fields=["code", "phrase"], name="unique_lexicon_phrase")]

    def __str__(self) -> str:
        return f"{self.code}: {self.phrase}"
