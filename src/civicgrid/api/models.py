"""Client applications of the open API, their keys and every use of a key.

A client acts as a service account: the account's role assignments give the client its data scope, exactly
as they would a person's. A key is shown once when issued; only its SHA-256 digest is stored, with a short
visible prefix to find it by.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from civicgrid.appeals.models import Channel


class ApiScope(models.TextChoices):
    READ = "read", "读取"
    SUBMIT = "submit", "提交诉求"
    HANDLE = "handle", "办理诉求"
    ADMIN = "admin", "管理"


class ApiClient(models.Model):
    """One application that talks to the platform (the 12345 call system, a mini-program, a dashboard)."""

    name = models.CharField("名称", max_length=100, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="负责人",
        on_delete=models.PROTECT,
        related_name="owned_api_clients",
        help_text="对该应用负责的工作人员",
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="服务账号",
        on_delete=models.PROTECT,
        related_name="api_client",
        help_text="接口以该账号身份操作，其角色授权决定数据范围",
    )
    scopes = models.JSONField("权限", default=list, help_text="read、submit、handle、admin 中的若干项")
    channel = models.CharField(
        "诉求渠道",
        max_length=16,
        choices=Channel.choices,
        default=Channel.APP,
        help_text="经该应用提交的诉求记为此渠道",
    )
    rate_limit_per_minute = models.PositiveIntegerField(
        "每分钟请求上限", default=120, validators=[MinValueValidator(1)]
    )
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "接口应用"
        verbose_name_plural = "接口应用"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def allows(self, scope: str) -> bool:
        return scope in self.scopes or ApiScope.ADMIN in self.scopes


class ApiKey(models.Model):
    client = models.ForeignKey(ApiClient, verbose_name="应用", on_delete=models.PROTECT, related_name="keys")
    prefix = models.CharField("前缀", max_length=16, unique=True, editable=False)
    digest = models.CharField("摘要 (SHA-256)", max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="签发人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("签发时间", auto_now_add=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = "接口密钥"
        verbose_name_plural = "接口密钥"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.client} · {self.prefix}…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.client.is_active


class ApiKeyUse(models.Model):
    """One request made with a key, as answered: append-only, one INSERT per request."""

    key = models.ForeignKey(ApiKey, verbose_name="密钥", on_delete=models.PROTECT, related_name="uses")
    at = models.DateTimeField("时间", db_index=True)
    method = models.CharField("方法", max_length=8)
    path = models.CharField("路径", max_length=300)
    status = models.PositiveSmallIntegerField("状态码")
    ip = models.GenericIPAddressField("来源地址", null=True)

    class Meta:
        verbose_name = "密钥使用记录"
        verbose_name_plural = "密钥使用记录"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["key", "at"], name="api_key_use_key_at")]

    def __str__(self) -> str:
        return f"{self.key.prefix} {self.method} {self.path} {self.status}"
