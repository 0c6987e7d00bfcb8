"""智慧党建: party organisations and members, 三会一课, dues, recruitment, points, volunteer service, 双报到,
the secretary mailbox and study records.

Organisations hang off the governance grid: a community's party organisation is attached to the community's
grid, a compound's branch to the compound, a unit's branch to the unit, so data scope follows the grid.
Rules live in rules/ as plain functions; models hold facts.
"""

from datetime import date

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q

from .rules.dates import age_on
from .rules.dues import DuesCategory
from .rules.meetings import MeetingKind
from .rules.points import reason_label
from .rules.recruitment import STAGES, rule_set
from .rules.service import renewal_due
from .rules.structure import OrganisationKind, term_due_date
from .rules.transfer import letter_valid_until, receipt_due
from .rules.votes import AppraisalGrade

MONEY = {"max_digits": 10, "decimal_places": 2}
HOURS = {"max_digits": 6, "decimal_places": 2}


class Organisation(models.Model):
    """党委 → 党总支 → 党支部 → 党小组. `path` holds the ids from the root ("/1/7/") for subtree queries."""

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=OrganisationKind.CHOICES)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级党组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False, db_index=True)
    unit = models.ForeignKey(
        "directory.Unit",
        verbose_name="所在单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_organisations",
    )
    grid = models.ForeignKey(
        "grid.Grid",
        verbose_name="所在网格",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_organisations",
    )
    compound = models.ForeignKey(
        "grid.Compound",
        verbose_name="所在小区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_organisations",
    )
    community_based = models.BooleanField("村（社区）党组织", default=False, help_text="任期 5 年")
    founded_on = models.DateField("成立日期")
    term_start = models.DateField("本届任期开始", null=True, blank=True)

    class Meta:
        verbose_name = "党组织"
        verbose_name_plural = "党组织"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent_id else '/'}{self.pk}/"
        if path != self.path:
            self.path = path
            Organisation.objects.filter(pk=self.pk).update(path=path)

    @property
    def term_due(self) -> date | None:
        return term_due_date(self.term_start, self.kind, self.community_based) if self.term_start else None


class CommitteeRole(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY_SECRETARY = "deputy_secretary", "副书记"
    ORGANISATION = "organisation", "组织委员"
    PUBLICITY = "publicity", "宣传委员"
    DISCIPLINE = "discipline", "纪检委员"
    MEMBER = "member", "委员"


class CommitteeMember(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name="党组织", on_delete=models.CASCADE, related_name="committee"
    )
    member = models.ForeignKey(
        "PartyMember", verbose_name="党员", on_delete=models.PROTECT, related_name="committee_posts"
    )
    role = models.CharField("职务", max_length=20, choices=CommitteeRole.choices)
    term_start = models.DateField("任职开始")
    term_end = models.DateField("任职结束", null=True, blank=True)

    class Meta:
        verbose_name = "委员"
        verbose_name_plural = "委员"
        ordering = ["organisation", "role"]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_role_display()} · {self.member}"


class MemberStatus(models.TextChoices):
    PROBATIONARY = "probationary", "预备党员"
    FULL = "full", "正式党员"
    CANCELLED = "cancelled", "已取消预备党员资格"
    TRANSFERRED_OUT = "transferred_out", "组织关系已转出"


class PartyMember(models.Model):
    person = models.OneToOneField(
        "directory.Person", verbose_name="人员", on_delete=models.PROTECT, related_name="party_member"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="所在党支部", on_delete=models.PROTECT, related_name="members"
    )
    group = models.ForeignKey(
        Organisation,
        verbose_name="所在党小组",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="group_members",
    )
    status = models.CharField("状态", max_length=20, choices=MemberStatus.choices)
    admitted_on = models.DateField("接收为预备党员日期", help_text="支部大会通过之日")
    probation_end = models.DateField("预备期满日期", null=True, blank=True)
    full_since = models.DateField("转为正式党员日期", null=True, blank=True, help_text="党龄自此计算")
    dues_category = models.CharField(
        "党费类别", max_length=20, choices=DuesCategory.CHOICES, default=DuesCategory.EMPLOYED
    )
    dues_base = models.DecimalField("党费基数（月）", default=0, **MONEY)
    # Members registered with years of history start their dues ledger when the branch starts using it.
    dues_from = models.DateField("党费记账起始月份", help_text="该月 1 日")
    is_mobile = models.BooleanField("流动党员", default=False)
    under_probation_discipline = models.BooleanField("受留党察看处分", default=False)

    class Meta:
        verbose_name = "党员"
        verbose_name_plural = "党员"
        ordering = ["organisation", "person__name", "pk"]

    def __str__(self) -> str:
        return self.person.name

    @property
    def is_full(self) -> bool:
        return self.status == MemberStatus.FULL

    @property
    def can_vote(self) -> bool:
        # Probationary members have no vote and cannot elect or be elected.
        return self.is_full

    def party_age(self, today: date) -> int | None:
        """Whole years since the end of probation (党龄)."""
        if not self.full_since or today < self.full_since:
            return None
        return age_on(self.full_since, today)


class TransferStatus(models.TextChoices):
    ISSUED = "issued", "已开具介绍信"
    ACCEPTED = "accepted", "已接收"
    RECEIPTED = "receipted", "回执已退回"


class OrganisationTransfer(models.Model):
    """组织关系转接 by 介绍信: issued by the member's side, accepted by the receiving organisation, and the
    receipt (回执) returned to the issuer."""

    member = models.ForeignKey(
        PartyMember, verbose_name="党员", on_delete=models.PROTECT, related_name="transfers"
    )
    from_organisation = models.ForeignKey(
        Organisation, verbose_name="转出党组织", on_delete=models.PROTECT, related_name="transfers_out"
    )
    to_organisation = models.ForeignKey(
        Organisation,
        verbose_name="转入党组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers_in",
    )
    to_name = models.CharField("转入党组织（平台外）", max_length=100, blank=True)
    issued_on = models.DateField("开具日期")
    dues_paid_to = models.DateField("党费交至（月）", null=True, blank=True)
    accepted_on = models.DateField("接收日期", null=True, blank=True)
    receipt_returned_on = models.DateField("回执退回日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=TransferStatus.choices, default=TransferStatus.ISSUED
    )

    class Meta:
        verbose_name = "组织关系转接"
        verbose_name_plural = "组织关系转接"
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_organisation__isnull=False) | ~Q(to_name=""), name="transfer_has_destination"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.to_organisation or self.to_name}"

    @property
    def valid_until(self) -> date:
        return letter_valid_until(self.issued_on)

    @property
    def receipt_due(self) -> date | None:
        return receipt_due(self.accepted_on) if self.accepted_on else None


class BranchMeeting(models.Model):
    """One meeting of 三会一课 or organisational life, with the record the 支部工作条例 asks for."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="党组织", on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField("会议类型", max_length=20, choices=MeetingKind.CHOICES)
    held_on = models.DateField("日期")
    start_time = models.TimeField("开始时间", null=True, blank=True)
    place = models.CharField("地点", max_length=100)
    chair = models.ForeignKey(
        PartyMember, verbose_name="主持人", on_delete=models.PROTECT, related_name="meetings_chaired"
    )
    recorder = models.ForeignKey(
        PartyMember, verbose_name="记录人", on_delete=models.PROTECT, related_name="meetings_recorded"
    )
    topic = models.CharField("主题", max_length=200, blank=True)
    agenda = models.TextField("议程")
    resolutions = models.TextField("决议事项", blank=True)
    remarks = models.TextField("备注", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "组织生活会议"
        verbose_name_plural = "组织生活会议"
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.get_kind_display()}"


class WrittenOpinion(models.TextChoices):
    NONE = "", "无"
    YES = "yes", "书面同意"
    NO = "no", "书面反对"


class MeetingAttendance(models.Model):
    """One member due at a meeting: present, or absent with the reason (and a written opinion if any)."""

    meeting = models.ForeignKey(
        BranchMeeting, verbose_name="会议", on_delete=models.CASCADE, related_name="attendance"
    )
    member = models.ForeignKey(
        PartyMember, verbose_name="党员", on_delete=models.PROTECT, related_name="attendance"
    )
    present = models.BooleanField("出席")
    absence_reason = models.CharField("缺席原因", max_length=100, blank=True)
    written_opinion = models.CharField(
        "书面意见", max_length=3, choices=WrittenOpinion.choices, default=WrittenOpinion.NONE, blank=True
    )

    class Meta:
        verbose_name = "出席情况"
        verbose_name_plural = "出席情况"
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_unique")]

    def __str__(self) -> str:
        return f"{self.member} · {'出席' if self.present else '缺席'}"


class MeetingVote(models.Model):
    """The tally of one resolution; each candidate for admission is voted on separately."""

    meeting = models.ForeignKey(
        BranchMeeting, verbose_name="会议", on_delete=models.CASCADE, related_name="votes"
    )
    subject = models.CharField("表决事项", max_length=200)
    due_voting = models.PositiveSmallIntegerField("应到有表决权党员")
    present_voting = models.PositiveSmallIntegerField("实到有表决权党员")
    yes = models.PositiveSmallIntegerField("赞成")
    no = models.PositiveSmallIntegerField("反对", default=0)
    abstain = models.PositiveSmallIntegerField("弃权", default=0)
    written_yes = models.PositiveSmallIntegerField("书面赞成", default=0)
    written_no = models.PositiveSmallIntegerField("书面反对", default=0)
    passed = models.BooleanField("通过")

    class Meta:
        verbose_name = "表决"
        verbose_name_plural = "表决"

    def __str__(self) -> str:
        return self.subject


class AppraisalRound(models.Model):
    """民主评议党员 of one year in one branch."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="党组织", on_delete=models.PROTECT, related_name="appraisals"
    )
    year = models.PositiveSmallIntegerField("年度")
    held_on = models.DateField("评议日期")

    class Meta:
        verbose_name = "民主评议"
        verbose_name_plural = "民主评议"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="appraisal_round_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.year}年民主评议"


class AppraisalResult(models.Model):
    round = models.ForeignKey(
        AppraisalRound, verbose_name="评议", on_delete=models.CASCADE, related_name="results"
    )
    member = models.ForeignKey(
        PartyMember, verbose_name="党员", on_delete=models.PROTECT, related_name="appraisals"
    )
    grade = models.CharField("等次", max_length=20, choices=AppraisalGrade.CHOICES)

    class Meta:
        verbose_name = "评议等次"
        verbose_name_plural = "评议等次"
        constraints = [models.UniqueConstraint(fields=["round", "member"], name="appraisal_result_unique")]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_grade_display()}"


class DuesPayment(models.Model):
    member = models.ForeignKey(
        PartyMember, verbose_name="党员", on_delete=models.PROTECT, related_name="dues_payments"
    )
    month = models.DateField("所属月份", help_text="该月 1 日")
    amount = models.DecimalField("金额（元）", **MONEY)
    paid_on = models.DateField("交纳日期")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="收缴人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "党费交纳"
        verbose_name_plural = "党费交纳"
        ordering = ["member", "month"]
        constraints = [models.UniqueConstraint(fields=["member", "month"], name="dues_payment_month_unique")]

    def __str__(self) -> str:
        return f"{self.member} · {self.month:%Y-%m} · {self.amount}"


class VoluntaryDues(models.Model):
    """自愿多交党费: a member's payment beyond the dues, in any amount, at any time; large ones go to the
    Centre whole (rules/dues.py)."""

    member = models.ForeignKey(
        PartyMember, verbose_name="党员", on_delete=models.PROTECT, related_name="voluntary_dues"
    )
    amount = models.DecimalField("金额（元）", **MONEY)
    paid_on = models.DateField("交纳日期")
    to_centre = models.BooleanField("全额上缴中央", help_text="一次自愿多交达到规定金额的，全额上缴中央")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="收缴人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "自愿多交党费"
        verbose_name_plural = "自愿多交党费"
        ordering = ["member", "paid_on", "pk"]

    def __str__(self) -> str:
        return f"{self.member} · {self.paid_on:%Y-%m-%d} · {self.amount}"


class ReductionStatus(models.TextChoices):
    PENDING = "pending", "待上级审批"
    APPROVED = "approved", "已批准"
    REFUSED = "refused", "未批准"


class DuesReduction(models.Model):
    """Hardship reduction or exemption: decided by the branch, approved one level up."""

    member = models.ForeignKey(
        PartyMember, verbose_name="党员", on_delete=models.PROTECT, related_name="dues_reductions"
    )
    first_month = models.DateField("起始月份")
    last_month = models.DateField("截止月份")
    monthly_amount = models.DecimalField("减免后每月金额（元）", help_text="0 为免交", **MONEY)
    reason = models.CharField("原因", max_length=200)
    branch_decided_on = models.DateField("支部决定日期")
    status = models.CharField(
        "状态", max_length=20, choices=ReductionStatus.choices, default=ReductionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_on = models.DateField("审批日期", null=True, blank=True)

    class Meta:
        verbose_name = "党费减免"
        verbose_name_plural = "党费减免"
        ordering = ["-first_month"]

    def __str__(self) -> str:
        return f"{self.member} · {self.first_month:%Y-%m}—{self.last_month:%Y-%m}"


class RecruitmentApplication(models.Model):
    """One applicant's file through the 25 steps, under the rule set in force when it was opened."""

    person = models.ForeignKey(
        "directory.Person", verbose_name="申请人", on_delete=models.PROTECT, related_name="party_applications"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="党支部", on_delete=models.PROTECT, related_name="applications"
    )
    birth_date = models.DateField("出生日期")
    rule_version = models.CharField("适用细则版本", max_length=10)
    next_step = models.PositiveSmallIntegerField("下一步骤", null=True, default=1, help_text="空：已归档")
    member = models.OneToOneField(
        PartyMember,
        verbose_name="党员档案",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="application",
    )
    opened_at = models.DateTimeField("建档时间", auto_now_add=True)

    class Meta:
        verbose_name = "发展党员档案"
        verbose_name_plural = "发展党员档案"
        ordering = ["next_step", "pk"]

    def __str__(self) -> str:
        return f"{self.person} · 发展党员"

    @property
    def rules(self):
        return rule_set(self.rule_version)

    @property
    def stage_title(self) -> str:
        return STAGES[self.rules.step(self.next_step).stage] if self.next_step else "已归档"


class RecruitmentStep(models.Model):
    application = models.ForeignKey(
        RecruitmentApplication, verbose_name="档案", on_delete=models.CASCADE, related_name="steps"
    )
    number = models.PositiveSmallIntegerField("步骤")
    done_on = models.DateField("办理日期")
    documents = models.JSONField("材料", default=list)
    data = models.JSONField("办理情况", default=dict, encoder=DjangoJSONEncoder)
    notes = models.TextField("备注", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "发展党员步骤"
        verbose_name_plural = "发展党员步骤"
        ordering = ["application", "pk"]

    def __str__(self) -> str:
        return f"{self.application} · 第{self.number}步"

    @property
    def step(self):
        return self.application.rules.step(self.number)


class PointEntry(models.Model):
    """One change to a member's points with its reason (积分明细). Scores are advisory only."""

    member = models.ForeignKey(
        PartyMember, verbose_name="党员", on_delete=models.CASCADE, related_name="points"
    )
    occurred_on = models.DateField("日期")
    reason = models.CharField("事由", max_length=30)
    points = models.DecimalField("分值", max_digits=7, decimal_places=2)
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "积分明细"
        verbose_name_plural = "积分明细"
        ordering = ["-occurred_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.member} · {self.points:+}"

    @property
    def reason_label(self) -> str:
        return reason_label(self.reason)


class VolunteerPost(models.Model):
    """党员志愿服务岗: a standing post in an area that members serve shifts on."""

    name = models.CharField("岗位名称", max_length=100)
    organisation = models.ForeignKey(
        Organisation, verbose_name="设岗党组织", on_delete=models.PROTECT, related_name="volunteer_posts"
    )
    grid = models.ForeignKey(
        "grid.Grid",
        verbose_name="服务区域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField("服务内容", blank=True)
    is_active = models.BooleanField("在岗", default=True)

    class Meta:
        verbose_name = "党员志愿服务岗"
        verbose_name_plural = "党员志愿服务岗"

    def __str__(self) -> str:
        return self.name


class VolunteerShift(models.Model):
    post = models.ForeignKey(
        VolunteerPost, verbose_name="岗位", on_delete=models.PROTECT, related_name="shifts"
    )
    member = models.ForeignKey(
        PartyMember, verbose_name="党员", on_delete=models.PROTECT, related_name="shifts"
    )
    served_on = models.DateField("服务日期")
    service_hours = models.DecimalField("服务时长（小时）", help_text="不含往返路途时间", **HOURS)
    travel_hours = models.DecimalField(
        "路途时间（小时）", default=0, help_text="记录但不计入服务时长", **HOURS
    )
    items_served = models.PositiveIntegerField("服务人次/件数", default=0)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "志愿服务记录"
        verbose_name_plural = "志愿服务记录"
        ordering = ["-served_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.member} · {self.post} · {self.served_on}"


class CommunityReport(models.Model):
    """双报到: a unit's party organisation or an in-service member reports to the community where it sits
    or she lives."""

    community = models.ForeignKey(
        "grid.Grid", verbose_name="报到社区", on_delete=models.PROTECT, related_name="party_reports"
    )
    member = models.ForeignKey(
        PartyMember,
        verbose_name="在职党员",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports",
    )
    unit = models.ForeignKey(
        "directory.Unit",
        verbose_name="报到单位",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    reported_on = models.DateField("报到日期")
    renewed_on = models.DateField("最近复报日期", null=True, blank=True)

    class Meta:
        verbose_name = "双报到"
        verbose_name_plural = "双报到"
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False, unit__isnull=True)
                | Q(member__isnull=True, unit__isnull=False),
                name="community_report_member_or_unit",
            ),
            models.UniqueConstraint(fields=["community", "member"], name="community_report_member_unique"),
            models.UniqueConstraint(fields=["community", "unit"], name="community_report_unit_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.member or self.unit} → {self.community}"

    def renewal_overdue_since(self, today: date) -> date | None:
        return renewal_due(self.renewed_on or self.reported_on, today)


class TaskKind(models.TextChoices):
    TASK = "task", "社区任务"
    WISH = "wish", "微心愿"


class TaskStatus(models.TextChoices):
    OPEN = "open", "待认领"
    CLAIMED = "claimed", "已认领"
    COMPLETED = "completed", "已完成"


class CommunityTask(models.Model):
    """A community task or a resident's 微心愿 that reported members claim and complete."""

    community = models.ForeignKey(
        "grid.Grid", verbose_name="社区", on_delete=models.PROTECT, related_name="party_tasks"
    )
    kind = models.CharField("类型", max_length=10, choices=TaskKind.choices)
    title = models.CharField("标题", max_length=100)
    description = models.TextField("内容", blank=True)
    posted_by = models.ForeignKey(
        "directory.Person",
        verbose_name="提出人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    appeal = models.ForeignKey(
        "appeals.Appeal",
        verbose_name="来源诉求",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_tasks",
    )
    status = models.CharField("状态", max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    claimed_by = models.ForeignKey(
        PartyMember,
        verbose_name="认领党员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    claimed_on = models.DateField("认领日期", null=True, blank=True)
    completed_on = models.DateField("完成日期", null=True, blank=True)
    hours = models.DecimalField("服务时长（小时）", default=0, **HOURS)
    outcome = models.TextField("完成情况", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("发布时间", auto_now_add=True)

    class Meta:
        verbose_name = "双报到任务"
        verbose_name_plural = "双报到任务"
        ordering = ["status", "-created_at"]

    def __str__(self) -> str:
        return self.title


class MailboxMessage(models.Model):
    """书记信箱: a message to a party organisation's secretary, forwarded into the appeals flow."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="党组织", on_delete=models.PROTECT, related_name="mailbox"
    )
    sender = models.ForeignKey(
        "directory.Person",
        verbose_name="来信人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sender_name = models.CharField("来信人姓名", max_length=50)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    subject = models.CharField("主题", max_length=100)
    body = models.TextField("内容")
    received_at = models.DateTimeField("来信时间", auto_now_add=True)
    appeal = models.OneToOneField(
        "appeals.Appeal",
        verbose_name="转入诉求",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mailbox_message",
    )

    class Meta:
        verbose_name = "书记信箱来信"
        verbose_name_plural = "书记信箱来信"
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return self.subject


class StudyCourse(models.Model):
    title = models.CharField("课程", max_length=100)
    hours = models.DecimalField("学时", **HOURS)
    pass_score = models.PositiveSmallIntegerField("测验合格分", default=60)

    class Meta:
        verbose_name = "学习课程"
        verbose_name_plural = "学习课程"

    def __str__(self) -> str:
        return self.title


class StudyRecord(models.Model):
    member = models.ForeignKey(
        PartyMember, verbose_name="党员", on_delete=models.CASCADE, related_name="study"
    )
    course = models.ForeignKey(
        StudyCourse, verbose_name="课程", on_delete=models.PROTECT, related_name="records"
    )
    studied_on = models.DateField("学习日期")
    hours = models.DecimalField("学时", **HOURS)
    quiz_score = models.PositiveSmallIntegerField("测验成绩", null=True, blank=True)
    # A member's own entry waits for her branch to confirm it before its hours and points count; an entry by
    # the branch is confirmed as it is made.
    confirmed_at = models.DateTimeField("支部确认时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "学习记录"
        verbose_name_plural = "学习记录"
        ordering = ["-studied_on"]

    def __str__(self) -> str:
        return f"{self.member} · {self.course}"

    @property
    def quiz_passed(self) -> bool | None:
        return None if self.quiz_score is None else self.quiz_score >= self.course.pass_score

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None
