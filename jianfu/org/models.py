"""Units (one tree), people, their roles, and the audit trail."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class UnitKind(models.TextChoices):
    DISTRICT = "district", "区"
    OFFICE = "office", "减负办"
    DEPARTMENT = "department", "区直部门"
    TOWNSHIP = "township", "乡镇"
    STREET = "street", "街道"
    VILLAGE = "village", "村"
    COMMUNITY = "community", "社区"
    SCHOOL = "school", "学校"


# The grassroots: where the burden lands and is measured.
GRASSROOTS_KINDS = (
    UnitKind.TOWNSHIP,
    UnitKind.STREET,
    UnitKind.VILLAGE,
    UnitKind.COMMUNITY,
    UnitKind.SCHOOL,
)
TOWNSHIP_LEVEL_KINDS = (UnitKind.TOWNSHIP, UnitKind.STREET)
VILLAGE_LEVEL_KINDS = (UnitKind.VILLAGE, UnitKind.COMMUNITY)
# Units that issue burdens downwards (district level).
ISSUER_KINDS = (UnitKind.DEPARTMENT, UnitKind.OFFICE, UnitKind.DISTRICT)


class UnitQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def grassroots(self):
        return self.filter(kind__in=GRASSROOTS_KINDS)

    def departments(self):
        return self.filter(kind=UnitKind.DEPARTMENT)


class Unit(models.Model):
    name = models.CharField("名称", max_length=100, unique=True)
    kind = models.CharField("类型", max_length=16, choices=UnitKind.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name="上级单位", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_active = models.BooleanField("在用", default=True)
    requires_head_signoff = models.BooleanField(
        "提交前须部门负责人签批", default=False, help_text="勾选后，经办人提交的事项须先经本部门负责人签批"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_grassroots(self) -> bool:
        return self.kind in GRASSROOTS_KINDS

    def ancestors(self) -> list["Unit"]:
        """Parents from the nearest up to the root; guards against cycles."""
        chain: list[Unit] = []
        seen = {self.pk}
        node = self.parent
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return chain

    def district(self) -> "Unit | None":
        if self.kind == UnitKind.DISTRICT:
            return self
        return next((u for u in self.ancestors() if u.kind == UnitKind.DISTRICT), None)

    def descendant_ids(self) -> set[int]:
        """Ids of every unit below this one (breadth-first, one query per level)."""
        found: set[int] = set()
        frontier = [self.pk]
        while frontier:
            children = list(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            frontier = [pk for pk in children if pk not in found]
            found.update(frontier)
        return found

    def alias_list(self) -> list[str]:
        return [a.alias for a in self.aliases.all()]


class UnitAlias(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="aliases", verbose_name="单位")
    alias = models.CharField("别名", max_length=100, unique=True)

    class Meta:
        verbose_name = "单位别名"
        verbose_name_plural = "单位别名"

    def __str__(self) -> str:
        return self.alias


class Role(models.TextChoices):
    REVIEWER = "reviewer", "减负办审核员"
    CLERK = "clerk", "部门经办人"
    HEAD = "head", "部门负责人"
    GRASSROOTS = "grassroots", "基层用户"
    LEADER = "leader", "领导"
    ADMIN = "admin", "系统管理员"


class User(AbstractUser):
    unit = models.ForeignKey(
        Unit, verbose_name="所属单位", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    display_name = models.CharField("姓名", max_length=50, blank=True)
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def role_set(self) -> frozenset[str]:
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            cached = frozenset(self.roles.values_list("role", flat=True)) if self.pk else frozenset()
            self._role_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set.intersection(roles))

    def role_labels(self) -> list[str]:
        return [Role(r).label for r in sorted(self.role_set)]


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles", verbose_name="用户")
    role = models.CharField("角色", max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_user_role")]

    def __str__(self) -> str:
        return self.get_role_display()


class AuditEvent(models.Model):
    """Append-only trail: who changed what, when, before and after.

    Written by the service functions in the same transaction as the change.
    Anonymous burden reports never write rows that name a person.
    """

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField("操作", max_length=40, db_index=True)
    target_type = models.CharField("对象类型", max_length=40)
    target_id = models.CharField("对象编号", max_length=40, db_index=True)
    summary = models.CharField("摘要", max_length=300, blank=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id}"


class Setting(models.Model):
    """Office-editable thresholds and defaults (gate limits, meter tariffs)."""

    key = models.CharField("键", max_length=80, unique=True)
    value = models.JSONField("值")
    note = models.CharField("说明", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "参数设置"
        verbose_name_plural = "参数设置"
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key


class TotpDevice(models.Model):
    """A user's authenticator app (RFC 6238 TOTP): the optional second factor.

    `confirmed_at` stays empty until the user has typed one valid code, so a
    half-finished enrolment never locks anyone out. `last_step` remembers the
    last accepted time step: a code is accepted once (no replay within its 30 s).
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device", verbose_name="用户")
    secret = models.CharField("密钥", max_length=64)
    confirmed_at = models.DateTimeField("启用时间", null=True, blank=True)
    last_step = models.BigIntegerField("最近使用的时间步", default=0)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "两步验证设备"
        verbose_name_plural = "两步验证设备"

    def __str__(self) -> str:
        return f"{self.user} 的验证器"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None
