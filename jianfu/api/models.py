"""API tokens for other systems (OA): stored hashed, scoped to a department and to
read or write, revocable, with the time they were last used."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from jianfu.org.models import Unit

TOKEN_PREFIX = "jf_"  # noqa: S105 - a visible prefix, not a secret


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read", "只读"
        WRITE = "write", "读写"

    name = models.CharField("名称", max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="代表用户", on_delete=models.CASCADE, related_name="api_tokens"
    )
    unit = models.ForeignKey(Unit, verbose_name="限定部门", on_delete=models.CASCADE, related_name="+")
    scope = models.CharField("权限", max_length=8, choices=Scope.choices, default=Scope.READ)
    # Only the sha256 of the key is kept: a leaked table does not leak working tokens.
    key_hash = models.CharField("令牌摘要", max_length=64, unique=True)
    prefix = models.CharField("令牌前缀", max_length=16)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @staticmethod
    def generate_key() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)
