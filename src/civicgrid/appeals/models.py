"""Citizen appeals (诉求) and everything that happens to them: assignments, events, extensions, supervision,
吹哨报到, callbacks, notifications; the category catalogue, dispatch rules and per-category deadlines.

The citizen's contact details live in their own table (AppealContact) so that lists, exports and most roles
never load them. Rows here are written only by services.py.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from .attachments import TYPE_NAMES


class Channel(models.TextChoices):
    HOTLINE = "hotline", "12345热线"
    WEB = "web", "网站"
    APP = "app", "App"
    WECHAT = "wechat", "微信"
    MAILBOX = "mailbox", "书记信箱"
    PATROL = "patrol", "网格巡查"
    OPEN311 = "open311", "Open311"
    IMPORT = "import", "批量导入"


class Kind(models.TextChoices):
    COMPLAINT = "complaint", "投诉"
    CONSULTATION = "consultation", "咨询"
    SUGGESTION = "suggestion", "建议"
    REPORT = "report", "举报"
    HELP = "help", "求助"
    PRAISE = "praise", "表扬"


class Urgency(models.TextChoices):
    NORMAL = "normal", "普通"
    URGENT = "urgent", "紧急"
    CRITICAL = "critical", "特急"


class Status(models.TextChoices):
    RECEIVED = "received", "已受理"
    DISPATCHED = "dispatched", "已派单"
    SIGNED = "signed", "已签收"
    IN_PROGRESS = "in_progress", "处理中"
    RESOLVED = "resolved", "已办结"
    CALLED_BACK = "called_back", "已回访"
    CLOSED = "closed", "已归档"
    RETURNED = "returned", "已退回"
    MERGED = "merged", "已合并"


class DueState(models.TextChoices):
    NONE = "", "—"
    ON_TIME = "on_time", "正常"
    NEAR_DUE = "near_due", "临期"
    OVERDUE = "overdue", "超期"


class Category(models.Model):
    """One node of the 3-level catalogue (一级/二级/三级分类). `path` holds the ids from the root, e.g.
    "/1/7/42/"."""

    name = models.CharField("名称", max_length=50)
    level = models.PositiveSmallIntegerField(
        "级别",
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        choices=[(1, "一级"), (2, "二级"), (3, "三级")],
    )
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=64, editable=False, db_index=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "诉求分类"
        verbose_name_plural = "诉求分类"
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="category_name_unique_in_parent"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=3), name="category_level_range"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # Level and path follow from the parent, so they are derived here rather than trusted from callers.
        self.level = self.parent.level + 1 if self.parent_id else 1
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent_id else '/'}{self.pk}/"
        if path != self.path:
            self.path = path
            Category.objects.filter(pk=self.pk).update(path=path)

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this category, inclusive."""
        return [int(part) for part in self.path.strip("/").split("/")]


class DeadlineOverride(models.Model):
    """A category's own deadlines (for all urgencies, or one); applies to its whole subtree. Blank fields
    fall back to the next override up the tree, then to settings."""

    category = models.ForeignKey(
        Category, verbose_name="分类", on_delete=models.CASCADE, related_name="deadline_overrides"
    )
    urgency = models.CharField(
        "紧急程度", max_length=16, choices=Urgency.choices, blank=True, help_text="留空表示所有"
    )
    sign_working_hours = models.DecimalField(
        "签收时限（工作小时）", max_digits=5, decimal_places=2, null=True, blank=True
    )
    contact_hours = models.DecimalField(
        "首次联系时限（小时）", max_digits=5, decimal_places=2, null=True, blank=True
    )
    resolve_working_days = models.PositiveSmallIntegerField("办结时限（工作日）", null=True, blank=True)

    class Meta:
        verbose_name = "分类办理时限"
        verbose_name_plural = "分类办理时限"
        constraints = [
            models.UniqueConstraint(fields=["category", "urgency"], name="deadline_override_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.category} · {self.get_urgency_display() if self.urgency else '所有'}"


class DispatchRule(models.Model):
    """(category subtree, grid subtree, compound) → responsible unit. Blank conditions match anything; the
    most specific matching rule wins (see dispatching.py). Every change is kept in DispatchRuleVersion."""

    category = models.ForeignKey(
        Category,
        verbose_name="分类（含下级）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    grid = models.ForeignKey(
        "grid.Grid",
        verbose_name="网格（含下级）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    compound = models.ForeignKey(
        "grid.Compound",
        verbose_name="小区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "directory.Unit", verbose_name="承办单位", on_delete=models.PROTECT, related_name="dispatch_rules"
    )
    is_active = models.BooleanField("启用", default=True)
    version = models.PositiveIntegerField("版本", default=0, editable=False)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "派单规则"
        verbose_name_plural = "派单规则"
        ordering = ["pk"]

    def __str__(self) -> str:
        conditions = [str(c) for c in (self.category, self.grid, self.compound) if c is not None]
        return f"{' · '.join(conditions) or '任意'} → {self.unit}"


class DispatchRuleVersion(models.Model):
    """A dispatch rule as it stood after one change: the rule's history, append-only."""

    rule = models.ForeignKey(
        DispatchRule, verbose_name="规则", on_delete=models.CASCADE, related_name="versions"
    )
    version = models.PositiveIntegerField("版本")
    category_id = models.BigIntegerField("分类", null=True)
    grid_id = models.BigIntegerField("网格", null=True)
    compound_id = models.BigIntegerField("小区", null=True)
    unit_id = models.BigIntegerField("承办单位")
    is_active = models.BooleanField("启用")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="修改人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField("修改时间", auto_now_add=True)

    class Meta:
        verbose_name = "派单规则版本"
        verbose_name_plural = "派单规则版本"
        ordering = ["rule", "version"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "version"], name="dispatch_rule_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} v{self.version}"


class Appeal(models.Model):
    tracking_code = models.CharField("查询码", max_length=16, unique=True, editable=False)
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices)
    external_id = models.CharField(
        "来源编号", max_length=64, blank=True, help_text="来源系统的工单号，用于去重"
    )
    kind = models.CharField("诉求类型", max_length=16, choices=Kind.choices)
    category = models.ForeignKey(
        Category, verbose_name="分类", null=True, blank=True, on_delete=models.PROTECT, related_name="appeals"
    )
    title = models.CharField("标题", max_length=200)
    text = models.TextField("诉求内容")
    lat = models.FloatField("纬度", null=True, blank=True)
    lng = models.FloatField("经度", null=True, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    grid = models.ForeignKey(
        "grid.Grid",
        verbose_name="网格",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    compound = models.ForeignKey(
        "grid.Compound",
        verbose_name="小区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    urgency = models.CharField("紧急程度", max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)
    is_anonymous = models.BooleanField("匿名", default=False)
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    main_unit = models.ForeignKey(
        "directory.Unit",
        verbose_name="主办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="main_appeals",
    )
    reply = models.TextField("办理答复", blank=True)
    received_at = models.DateTimeField("受理时间", db_index=True)
    dispatched_at = models.DateTimeField("派单时间", null=True, blank=True)
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    first_contact_at = models.DateTimeField("首次联系时间", null=True, blank=True)
    resolved_at = models.DateTimeField("办结时间", null=True, blank=True)
    called_back_at = models.DateTimeField("回访时间", null=True, blank=True)
    closed_at = models.DateTimeField("归档时间", null=True, blank=True)
    sign_due = models.DateTimeField("签收时限", null=True, blank=True)
    contact_due = models.DateTimeField("首次联系时限", null=True, blank=True)
    resolve_due = models.DateTimeField("办结时限", null=True, blank=True)
    due_state = models.CharField(
        "时限状态", max_length=16, choices=DueState.choices, blank=True, db_index=True
    )
    reopen_count = models.PositiveSmallIntegerField("重办次数", default=0)
    is_supervised = models.BooleanField("督办中", default=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name="合并至",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submitted_appeals",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "诉求"
        verbose_name_plural = "诉求"
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=~Q(external_id=""),
                name="appeal_external_id_unique",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_state"], name="appeal_status_due")]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.title}"


class AppealContact(models.Model):
    """The citizen's personal data, apart from the appeal: loaded only where a role needs it."""

    appeal = models.OneToOneField(
        Appeal, verbose_name="诉求", on_delete=models.CASCADE, related_name="contact"
    )
    name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("电话", max_length=30, blank=True)
    address_detail = models.CharField("详细地址", max_length=200, blank=True)

    class Meta:
        verbose_name = "诉求人联系方式"
        verbose_name_plural = "诉求人联系方式"

    def __str__(self) -> str:
        return f"{self.appeal_id} 联系方式"


class AttachmentKind(models.TextChoices):
    CITIZEN = "citizen", "随诉求提交"
    EVIDENCE = "evidence", "办理凭证"


def attachment_path(instance: "AppealAttachment", filename: str) -> str:
    # The citizen's own file name may carry personal data; the stored name is the attachment's own.
    return f"appeals/{instance.uploaded_at:%Y/%m}/{instance.token}{instance.extension}"


class AppealAttachment(models.Model):
    appeal = models.ForeignKey(
        Appeal, verbose_name="诉求", on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField("类型", max_length=16, choices=AttachmentKind.choices)
    file = models.FileField("文件", upload_to=attachment_path, max_length=200)
    token = models.CharField(max_length=32, editable=False)
    extension = models.CharField(max_length=8, editable=False)
    content_type = models.CharField("文件类型", max_length=64)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["appeal", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.get_kind_display()}"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def type_name(self) -> str:
        """The file's type as people know it (PDF, MP4 视频): a file that is no picture says what it is."""
        return TYPE_NAMES.get(self.content_type) or self.extension.lstrip(".").upper() or "文件"


class AssignmentRole(models.TextChoices):
    MAIN = "main", "主办"
    ASSISTING = "assisting", "协办"


# A 主办 round the dispatcher withdrew (改派, or 合并 of a duplicate) before the unit signed it and before its
# sign deadline had passed: the dispatch's mistake, not the unit's delay, so 响应率 leaves it out.
EXCUSED_ROUND = Q(withdrawn=True, ended_at__lte=F("sign_due"))


class AssignmentQuerySet(models.QuerySet):
    def scored_rounds(self) -> "AssignmentQuerySet":
        """主办 rounds as 响应率 counts them: every dispatch but an excused one."""
        return self.filter(role=AssignmentRole.MAIN).exclude(EXCUSED_ROUND)

    def excused_rounds(self) -> "AssignmentQuerySet":
        return self.filter(role=AssignmentRole.MAIN).filter(EXCUSED_ROUND)


class AppealAssignment(models.Model):
    """A unit's part in one round of handling (工单性质). Ending it (returned, reopened, merged, withdrawn)
    keeps the row, so response figures count every dispatch they should."""

    appeal = models.ForeignKey(
        Appeal, verbose_name="诉求", on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(
        "directory.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="appeal_assignments"
    )
    role = models.CharField("工单性质", max_length=16, choices=AssignmentRole.choices)
    assigned_at = models.DateTimeField("派单时间")
    sign_due = models.DateTimeField("签收时限", null=True, blank=True)
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)
    is_active = models.BooleanField("有效", default=True)
    withdrawn = models.BooleanField("派单撤回", default=False)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = "承办单位"
        verbose_name_plural = "承办单位"
        ordering = ["appeal", "assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["appeal"], condition=Q(role="main", is_active=True), name="appeal_one_active_main"
            ),
        ]
        indexes = [models.Index(fields=["unit", "is_active"], name="assignment_unit_active")]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.unit} {self.get_role_display()}"


class AppealEvent(models.Model):
    """One action on an appeal, as it happened; never updated or deleted."""

    appeal = models.ForeignKey(Appeal, verbose_name="诉求", on_delete=models.PROTECT, related_name="events")
    action = models.CharField("动作", max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("时间")
    note = models.TextField("说明", blank=True)
    from_status = models.CharField("原状态", max_length=16, blank=True)
    to_status = models.CharField("新状态", max_length=16, blank=True)
    data = models.JSONField("数据", default=dict, blank=True)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["appeal", "at", "pk"]
        indexes = [models.Index(fields=["appeal", "at"], name="appeal_event_timeline")]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class ExtensionDecision(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未批准"
    # Answered (办结) or given back (退回) before anyone decided: nothing is left to extend.
    WITHDRAWN = "withdrawn", "已撤回"


class ExtensionRequest(models.Model):
    appeal = models.ForeignKey(
        Appeal, verbose_name="诉求", on_delete=models.CASCADE, related_name="extensions"
    )
    unit = models.ForeignKey(
        "directory.Unit", verbose_name="申请单位", on_delete=models.PROTECT, related_name="+"
    )
    working_days = models.PositiveSmallIntegerField("延期工作日", validators=[MinValueValidator(1)])
    reason = models.TextField("理由")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间")
    decision = models.CharField(
        "审批结果", max_length=16, choices=ExtensionDecision.choices, default=ExtensionDecision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审批人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.TextField("审批意见", blank=True)

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["appeal"], condition=Q(decision="pending"), name="appeal_one_pending_extension"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id} 延期{self.working_days}个工作日"


class Supervision(models.Model):
    """督办: an appeal put on the supervisor's board, by a supervisor or automatically when overdue."""

    appeal = models.ForeignKey(
        Appeal, verbose_name="诉求", on_delete=models.CASCADE, related_name="supervisions"
    )
    reason = models.TextField("督办理由")
    is_automatic = models.BooleanField("系统自动", default=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="督办人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField("督办时间")
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "督办"
        verbose_name_plural = "督办"
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["appeal"], condition=Q(closed_at=None), name="appeal_one_open_supervision"
            )
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id} 督办"


class Whistle(models.Model):
    """吹哨: a street office or community summons departments to the spot of an appeal."""

    appeal = models.ForeignKey(Appeal, verbose_name="诉求", on_delete=models.CASCADE, related_name="whistles")
    reason = models.TextField("事由")
    blown_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="吹哨人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    blown_at = models.DateTimeField("吹哨时间")
    report_due = models.DateTimeField("报到时限")

    class Meta:
        verbose_name = "吹哨"
        verbose_name_plural = "吹哨"
        ordering = ["-blown_at"]

    def __str__(self) -> str:
        return f"{self.appeal_id} 吹哨 {self.blown_at:%Y-%m-%d %H:%M}"


class WhistleSummons(models.Model):
    """报到: one summoned department's arrival, action and the community's rating of its response."""

    whistle = models.ForeignKey(
        Whistle, verbose_name="吹哨", on_delete=models.CASCADE, related_name="summonses"
    )
    unit = models.ForeignKey(
        "directory.Unit", verbose_name="报到单位", on_delete=models.PROTECT, related_name="+"
    )
    arrived_at = models.DateTimeField("报到时间", null=True, blank=True)
    arrived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报到人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    action_taken = models.TextField("处置情况", blank=True)
    rating = models.PositiveSmallIntegerField(
        "评价", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="评价人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    rated_at = models.DateTimeField("评价时间", null=True, blank=True)

    class Meta:
        verbose_name = "报到"
        verbose_name_plural = "报到"
        ordering = ["whistle", "pk"]
        constraints = [models.UniqueConstraint(fields=["whistle", "unit"], name="whistle_summons_unique")]

    def __str__(self) -> str:
        return f"{self.whistle_id} {self.unit}"

    @property
    def arrived_on_time(self) -> bool | None:
        return None if self.arrived_at is None else self.arrived_at <= self.whistle.report_due


class Resolution(models.TextChoices):
    RESOLVED = "resolved", "解决"
    PARTLY_RESOLVED = "partly_resolved", "部分解决"
    UNRESOLVED = "unresolved", "未解决"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"
    UNRATED = "unrated", "未评价"


class CallbackVia(models.TextChoices):
    PHONE = "phone", "电话回访"
    ONLINE = "online", "群众网上评价"


class Callback(models.Model):
    """回访: the citizen's verdict on one round of handling, credited to the unit that was 主办 then."""

    appeal = models.ForeignKey(
        Appeal, verbose_name="诉求", on_delete=models.CASCADE, related_name="callbacks"
    )
    unit = models.ForeignKey(
        "directory.Unit",
        verbose_name="主办单位",
        null=True,
        on_delete=models.PROTECT,
        related_name="callbacks",
    )
    resolution = models.CharField("是否解决", max_length=16, choices=Resolution.choices)
    satisfaction = models.CharField("是否满意", max_length=24, choices=Satisfaction.choices)
    via = models.CharField("回访方式", max_length=16, choices=CallbackVia.choices)
    note = models.TextField("回访记录", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="回访人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("回访时间", db_index=True)

    class Meta:
        verbose_name = "回访"
        verbose_name_plural = "回访"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.get_resolution_display()} {self.get_satisfaction_display()}"


class Notification(models.Model):
    """A message to a unit (all its staff) or to one account, e.g. an appeal near its deadline."""

    recipient_unit = models.ForeignKey(
        "directory.Unit",
        verbose_name="接收单位",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    recipient_account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    text = models.CharField("内容", max_length=300)
    link = models.CharField("链接", max_length=200, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient_unit__isnull=False) | Q(recipient_account__isnull=False),
                name="notification_has_recipient",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class RoutingStamp(models.Model):
    """One row whose token changes, in the writer's transaction, whenever anything routing reads changes
    (categories, dispatch rules, deadline overrides, units, grids, compounds): each process's routing table
    (routing.py) is valid while its token is the stored one."""

    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = "派单依据版本"
        verbose_name_plural = "派单依据版本"

    def __str__(self) -> str:
        return self.token
