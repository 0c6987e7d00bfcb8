"""What arrived through Open311 beside the appeal itself."""

from django.db import models

from civicgrid.api.models import ApiClient
from civicgrid.appeals.models import Appeal


class ServiceRequest(models.Model):
    """An Open311 service request: the appeal it became, the token the client may poll, the attributes and
    media link as sent, and the e-mail address (personal data: never published, like AppealContact)."""

    appeal = models.OneToOneField(
        Appeal, verbose_name="诉求", on_delete=models.PROTECT, related_name="open311_request"
    )
    token = models.CharField("令牌", max_length=32, unique=True, editable=False)
    client = models.ForeignKey(
        ApiClient, verbose_name="提交应用", on_delete=models.PROTECT, related_name="open311_requests"
    )
    attributes = models.JSONField("属性", default=dict, blank=True)
    media_url = models.URLField("媒体链接", max_length=500, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    device_id = models.CharField("设备标识", max_length=100, blank=True)
    account_id = models.CharField("账户标识", max_length=100, blank=True)
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = "Open311 请求"
        verbose_name_plural = "Open311 请求"
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.appeal_id} ({self.token})"
