"""Forms of the party screens. They collect input only: rules are checked by the services."""

from decimal import Decimal

from django import forms

from civicgrid.directory.forms import PhoneField

from .models import CommitteeRole, MemberStatus, PartyMember, StudyCourse, TaskKind, WrittenOpinion
from .rules.points import points_scheme
from .rules.recruitment import FullMembershipOutcome, RuleSet, Step
from .rules.votes import AppraisalGrade
from .services import Attendance, Vote

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
MONTH = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


class PartyForm(forms.Form):
    """Labels without Django's ASCII colon, as on every other screen of the platform."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class MemberChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("empty_label", "请选择党员")
        super().__init__(*args, **kwargs)

    def label_from_instance(self, member: PartyMember) -> str:
        return f"{member}（{member.get_status_display()}）"


class MembersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, member: PartyMember) -> str:
        return f"{member}（{member.get_status_display()}）"


class ApplicationForm(PartyForm):
    name = forms.CharField(label="申请人姓名", max_length=50)
    phone = PhoneField(label="手机号", max_length=20)
    birth_date = forms.DateField(label="出生日期", widget=DATE)


def _count(label: str) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, initial=0)


def _vote_fields() -> dict[str, forms.Field]:
    return {
        "due_voting": _count("应到有表决权党员"),
        "present_voting": _count("实到有表决权党员"),
        "yes": _count("赞成"),
        "no": _count("反对"),
        "abstain": _count("弃权"),
        "written_yes": _count("缺席党员书面赞成"),
        "written_no": _count("缺席党员书面反对"),
    }


def _step_fields(step: Step, rules: RuleSet, members, groups) -> dict[str, forms.Field]:
    """The facts a step records beyond its date, documents and notes."""
    if step.number == 5:
        return {"contacts": MembersChoiceField(label="培养联系人", queryset=members)}
    if step.number == 6:
        return {"reviews": _count("考察次数")}
    if step.number == 8 and rules.target_needs_agreement_and_publicity:
        return {
            "higher_agreed": forms.BooleanField(label="上级党委已审查同意", required=False),
            "publicity_start": forms.DateField(label="公示开始", widget=DATE),
            "publicity_end": forms.DateField(label="公示结束", widget=DATE),
        }
    if step.number == 9:
        return {"introducers": MembersChoiceField(label="入党介绍人", queryset=members)}
    if step.number == 10:
        return {"review_passed": forms.BooleanField(label="政治审查结论合格", required=False)}
    if step.number == 11:
        return {"training_days": _count("培训天数"), "training_hours": _count("培训学时")}
    if step.number == 13:
        return {
            "pre_review_passed": forms.BooleanField(label="预审合格", required=False),
            "leaving_unit_soon": forms.BooleanField(
                label=f"{rules.leaving_unit_months} 个月内将离开工作单位", required=False
            ),
        }
    if step.number == 15:
        return _vote_fields()
    if step.number in (17, 24):
        return {
            "special_reason": forms.CharField(label="特殊情况说明（超过三个月审批时填写）", required=False)
        }
    if step.number == 19:
        return {
            "group": forms.ModelChoiceField(
                label="编入党小组", queryset=groups, required=False, empty_label="暂不编入党小组"
            )
        }
    if step.number == 23:
        return {
            "outcome": forms.ChoiceField(label="转正结论", choices=FullMembershipOutcome.CHOICES),
            "extension_months": forms.IntegerField(label="延长预备期（月）", min_value=0, required=False),
            **_vote_fields(),
        }
    return {}


class RecruitmentStepForm(PartyForm):
    day = forms.DateField(label="办理日期", widget=DATE)
    notes = forms.CharField(label="备注", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, step: Step, rules: RuleSet, members, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step
        self.fields["documents"] = forms.MultipleChoiceField(
            label="材料",
            choices=[(d, d) for d in step.documents],
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
        extra = _step_fields(step, rules, members, groups)
        if "due_voting" in extra:
            # Those due to vote are the branch's full members; the secretary corrects it for those excused.
            extra["due_voting"].initial = members.filter(status=MemberStatus.FULL).count()
        self.fields.update(extra)
        self.order_fields(["day", "documents", *extra, "notes"])

    def step_data(self) -> dict:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("day", "notes", "documents") and value is not None
        }


class MeetingForm(PartyForm):
    """A meeting's record, with a line per member due and one optional vote. The kind of meeting is chosen
    before the form, since it decides who is due."""

    held_on = forms.DateField(label="日期", widget=DATE)
    start_time = forms.TimeField(label="开始时间", widget=TIME, required=False)
    place = forms.CharField(label="地点", max_length=100)
    topic = forms.CharField(label="主题", max_length=200, required=False)
    agenda = forms.CharField(label="议程", widget=forms.Textarea(attrs={"rows": 3}))
    resolutions = forms.CharField(label="决议事项", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    remarks = forms.CharField(label="备注", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    vote_subject = forms.CharField(label="表决事项（如有）", max_length=200, required=False)
    vote_yes = forms.IntegerField(label="赞成", min_value=0, required=False)
    vote_no = forms.IntegerField(label="反对", min_value=0, required=False)
    vote_abstain = forms.IntegerField(label="弃权", min_value=0, required=False)

    def __init__(self, *args, members, due, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(due)
        self.fields["chair"] = MemberChoiceField(label="主持人", queryset=members, empty_label="请选择主持人")
        self.fields["recorder"] = MemberChoiceField(
            label="记录人", queryset=members, empty_label="请选择记录人"
        )
        for member in self.members:
            self.fields[f"present_{member.pk}"] = forms.BooleanField(
                label=str(member), required=False, initial=True
            )
            self.fields[f"reason_{member.pk}"] = forms.CharField(
                label="缺席原因", max_length=100, required=False
            )
            self.fields[f"opinion_{member.pk}"] = forms.ChoiceField(
                label="书面意见", choices=WrittenOpinion.choices, required=False
            )

    def attendance(self) -> list[Attendance]:
        data = self.cleaned_data
        return [
            Attendance(
                member=m,
                present=data[f"present_{m.pk}"],
                absence_reason=data[f"reason_{m.pk}"],
                written_opinion=data[f"opinion_{m.pk}"],
            )
            for m in self.members
        ]

    def votes(self) -> list[Vote]:
        data = self.cleaned_data
        if not data["vote_subject"]:
            return []
        return [
            Vote(data["vote_subject"], data["vote_yes"] or 0, data["vote_no"] or 0, data["vote_abstain"] or 0)
        ]

    def attendance_rows(self):
        """(member, present field, reason field, opinion field) for the template."""
        return [
            (m, self[f"present_{m.pk}"], self[f"reason_{m.pk}"], self[f"opinion_{m.pk}"])
            for m in self.members
        ]


class DuesPaymentForm(PartyForm):
    member = MemberChoiceField(label="党员", queryset=PartyMember.objects.none())
    month = forms.DateField(label="所属月份", widget=MONTH, input_formats=["%Y-%m"])
    amount = forms.DecimalField(label="金额（元）", max_digits=10, decimal_places=2, min_value=0)
    paid_on = forms.DateField(label="交纳日期", widget=DATE)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class VoluntaryDuesForm(PartyForm):
    member = MemberChoiceField(label="党员", queryset=PartyMember.objects.none())
    amount = forms.DecimalField(
        label="金额（元）", max_digits=10, decimal_places=2, min_value=Decimal("0.01")
    )
    paid_on = forms.DateField(label="交纳日期", widget=DATE)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class DuesReductionForm(PartyForm):
    member = MemberChoiceField(label="党员", queryset=PartyMember.objects.none())
    first_month = forms.DateField(label="起始月份", widget=MONTH, input_formats=["%Y-%m"])
    last_month = forms.DateField(label="截止月份", widget=MONTH, input_formats=["%Y-%m"])
    monthly_amount = forms.DecimalField(
        label="减免后每月金额（元，0 为免交）", max_digits=10, decimal_places=2, min_value=0
    )
    reason = forms.CharField(label="原因", max_length=200)
    branch_decided_on = forms.DateField(label="支部决定日期", widget=DATE)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class PointsForm(PartyForm):
    member = MemberChoiceField(label="党员", queryset=PartyMember.objects.none())
    reason = forms.ChoiceField(label="事由", choices=())
    occurred_on = forms.DateField(label="日期", widget=DATE)
    note = forms.CharField(label="说明", max_length=200)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["reason"].choices = [
            (key, f"{reason['label']}（{reason['points']:+}）")
            for key, reason in points_scheme()["reasons"].items()
        ]


class StudyForm(PartyForm):
    """学习登记 on 我的: a member records a session of one of the branch's courses."""

    course = forms.ModelChoiceField(
        label="课程", queryset=StudyCourse.objects.order_by("title"), empty_label="请选择课程"
    )
    studied_on = forms.DateField(label="学习日期", widget=DATE)
    hours = forms.DecimalField(label="学时", max_digits=6, decimal_places=2, min_value=Decimal("0.25"))
    quiz_score = forms.IntegerField(label="测验成绩（可不填）", min_value=0, max_value=100, required=False)


class VolunteerShiftForm(PartyForm):
    post = forms.ModelChoiceField(label="服务岗位", queryset=None, empty_label="请选择服务岗位")
    member = MemberChoiceField(label="党员", queryset=PartyMember.objects.none())
    served_on = forms.DateField(label="服务日期", widget=DATE)
    service_hours = forms.DecimalField(label="服务时长（小时）", max_digits=6, decimal_places=2, min_value=0)
    travel_hours = forms.DecimalField(
        label="路途时间（小时，不计入）", max_digits=6, decimal_places=2, min_value=0, initial=0
    )
    items_served = forms.IntegerField(label="服务人次/件数", min_value=0, initial=0)

    def __init__(self, *args, members, posts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["post"].queryset = posts


class ElectionForm(PartyForm):
    """换届选举: votes for each candidate (blank: not a candidate) and the 分工 of those elected."""

    held_on = forms.DateField(label="选举日期", widget=DATE)
    seats = forms.IntegerField(label="应选委员人数", min_value=1, max_value=7)
    due_voting = forms.IntegerField(label="应到有选举权党员", min_value=1)
    present_voting = forms.IntegerField(label="实到有选举权党员", min_value=0)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        self.fields["due_voting"].initial = len(self.members)
        for member in self.members:
            self.fields[f"votes_{member.pk}"] = forms.IntegerField(label="得票", min_value=0, required=False)
            self.fields[f"role_{member.pk}"] = forms.ChoiceField(
                label="分工", choices=CommitteeRole.choices, initial=CommitteeRole.MEMBER
            )

    def votes(self) -> dict[PartyMember, int]:
        return {
            m: self.cleaned_data[f"votes_{m.pk}"]
            for m in self.members
            if self.cleaned_data[f"votes_{m.pk}"] is not None
        }

    def roles(self) -> dict[PartyMember, str]:
        """Roles other than 委员, for the candidates (the service refuses one for someone not elected)."""
        return {
            m: self.cleaned_data[f"role_{m.pk}"]
            for m in self.votes()
            if self.cleaned_data[f"role_{m.pk}"] != CommitteeRole.MEMBER
        }

    def rows(self):
        return [(m, self[f"votes_{m.pk}"], self[f"role_{m.pk}"]) for m in self.members]


class AppraisalForm(PartyForm):
    """民主评议: a grade per full member; probationary members are listed but not graded."""

    held_on = forms.DateField(label="评议日期", widget=DATE)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        for member in self.members:
            self.fields[f"grade_{member.pk}"] = forms.ChoiceField(
                label=str(member), choices=AppraisalGrade.CHOICES, initial=AppraisalGrade.QUALIFIED
            )

    def grades(self) -> dict[PartyMember, str]:
        return {m: self.cleaned_data[f"grade_{m.pk}"] for m in self.members}


class TransferForm(PartyForm):
    member = MemberChoiceField(label="党员", queryset=PartyMember.objects.none())
    to_organisation = forms.ModelChoiceField(
        label="转入党支部", queryset=None, required=False, empty_label="请选择（平台外的填写下一栏）"
    )
    to_name = forms.CharField(label="或平台外党组织名称", max_length=100, required=False)
    issued_on = forms.DateField(label="开具日期", widget=DATE)

    def __init__(self, *args, members, destinations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["to_organisation"].queryset = destinations


class MailboxForm(PartyForm):
    sender_name = forms.CharField(label="您的姓名", max_length=50)
    phone = PhoneField(label="联系电话", max_length=20)
    subject = forms.CharField(label="主题", max_length=100)
    body = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 5}))


class CommunityTaskForm(PartyForm):
    kind = forms.ChoiceField(label="类型", choices=TaskKind.choices)
    title = forms.CharField(label="标题", max_length=100)
    description = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class UnitReportForm(PartyForm):
    unit = forms.ModelChoiceField(label="报到单位", queryset=None, empty_label="请选择报到单位")
    reported_on = forms.DateField(label="报到日期", widget=DATE)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class TaskCompletionForm(PartyForm):
    completed_on = forms.DateField(label="完成日期", widget=DATE)
    hours = forms.DecimalField(
        label="服务时长（小时，不含路途）", max_digits=6, decimal_places=2, min_value=0
    )
    outcome = forms.CharField(label="完成情况", widget=forms.Textarea(attrs={"rows": 3}))


class AppealTaskForm(PartyForm):
    title = forms.CharField(label="任务标题", max_length=100)
    description = forms.CharField(label="任务说明", widget=forms.Textarea(attrs={"rows": 3}), required=False)
