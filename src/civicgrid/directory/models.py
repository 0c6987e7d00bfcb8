"""Units, people, accounts and the roles that give each account its scope.

A role assignment is always scoped: to a grid subtree (what happens in that area) or to a unit (the work of
that department, office or company). Data-scope rules read nothing else (see scope.py).
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class UnitKind(models.TextChoices):
    GOVERNMENT_DEPARTMENT = "government_department", "政府部门"
    STREET_OFFICE = "street_office", "街道办事处"
    COMMUNITY_COMMITTEE = "community_committee", "社区居委会"
    PROPERTY_COMPANY = "property_company", "物业公司"
    ENTERPRISE = "enterprise", "企业"
    SOCIAL_ORGANISATION = "social_organisation", "社会组织"


class Unit(models.Model):
    """Any body that receives or handles work: FixMyStreet's "body"."""

    name = models.CharField("名称", max_length=100, unique=True)
    kind = models.CharField("类型", max_length=32, choices=UnitKind.choices)
    grid = models.ForeignKey(
        "grid.Grid",
        verbose_name="所在/负责区域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
        help_text="街道办、居委会对应其辖区；部门对应其管辖区域",
    )
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """A natural person known to the platform, with or without an account (a caller to 12345 has none)."""

    name = models.CharField("姓名", max_length=50)
    phone = models.CharField("手机号", max_length=20, blank=True, db_index=True)
    unit = models.ForeignKey(
        Unit, verbose_name="工作单位", null=True, blank=True, on_delete=models.SET_NULL, related_name="staff"
    )
    home_grid = models.ForeignKey(
        "grid.Grid",
        verbose_name="居住网格",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="residents",
    )
    household = models.ForeignKey(
        "grid.Household",
        verbose_name="住户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Account(AbstractUser):
    """A login. Every account belongs to a person; its roles live in RoleAssignment."""

    person = models.OneToOneField(
        Person, verbose_name="人员", null=True, blank=True, on_delete=models.PROTECT, related_name="account"
    )
    must_change_password = models.BooleanField("首次登录须改密码", default=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    class Meta:
        verbose_name = "账号"
        verbose_name_plural = "账号"

    def __str__(self) -> str:
        return f"{self.person.name}（{self.username}）" if self.person_id else self.username


class Role(models.TextChoices):
    CITIZEN = "citizen", "群众"
    GRID_WORKER = "grid_worker", "网格员"
    COMMUNITY_SECRETARY = "community_secretary", "社区书记"
    DEPARTMENT_HANDLER = "department_handler", "部门承办人"
    DISPATCHER = "dispatcher", "派单员（话务员）"
    SUPERVISOR = "supervisor", "督办员"
    LEADER = "leader", "区领导"
    PARTY_MEMBER = "party_member", "党员"
    ADMINISTRATOR = "administrator", "系统管理员"


class RoleAssignment(models.Model):
    account = models.ForeignKey(Account, verbose_name="账号", on_delete=models.CASCADE, related_name="roles")
    role = models.CharField("角色", max_length=32, choices=Role.choices)
    grid = models.ForeignKey(
        "grid.Grid",
        verbose_name="网格范围",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name="单位范围",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    granted_at = models.DateTimeField("授予时间", auto_now_add=True)

    class Meta:
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        constraints = [
            # An administrator's scope is the whole platform; every other role is scoped to exactly one of
            # a grid subtree or a unit.
            models.CheckConstraint(
                condition=Q(role="administrator", grid__isnull=True, unit__isnull=True)
                | (~Q(role="administrator") & (Q(grid__isnull=False) | Q(unit__isnull=False))),
                name="role_assignment_scoped",
            ),
            models.UniqueConstraint(
                fields=["account", "role", "grid", "unit"], name="role_assignment_unique"
            ),
        ]

    def __str__(self) -> str:
        where = self.grid or self.unit or "全平台"
        return f"{self.account} · {self.title} · {where}"

    @property
    def title(self) -> str:
        """The role as its holder is called: a handler at a property company is 物业承办人, not 部门承办人."""
        if (
            self.role == Role.DEPARTMENT_HANDLER
            and self.unit_id
            and self.unit.kind == UnitKind.PROPERTY_COMPANY
        ):
            return "物业承办人"
        return self.get_role_display()

    @property
    def label(self) -> str:
        """The role chip: title and where it applies, e.g. 网格员 · 梅园新村社区第1网格."""
        where = self.grid.name if self.grid_id else self.unit.name if self.unit_id else "全平台"
        return f"{self.title} · {where}"
