"""Forms of the appeal screens. They check what a person typed; the services decide what the domain allows.

Action forms take the acting account and the appeal (`actor=`, `appeal=`) so that their choices (units,
summonses, pending extensions) come from what the actor may see; their cleaned data are the keyword
arguments of the matching service.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.html import escape

from civicgrid.directory import selectors as directory_selectors
from civicgrid.directory.forms import PhoneField, UnitChoiceField, UnitsChoiceField
from civicgrid.directory.models import Role, UnitKind
from civicgrid.directory.scope import scope_of
from civicgrid.grid.forms import LocationLevels
from civicgrid.web.cascade import TreeLevels

from . import selectors, workflow
from .attachments import check_photo, photo_hint
from .errors import AppealError
from .models import (
    AssignmentRole,
    Channel,
    DueState,
    ExtensionDecision,
    Kind,
    Resolution,
    Satisfaction,
    Status,
    Urgency,
)

CATEGORY_LEVELS = ("一级分类", "二级分类", "三级分类")
# Channels a hotline operator registers by hand; patrol, Open311 and imports have their own paths in.
INTAKE_CHANNELS = [
    (c.value, c.label) for c in (Channel.HOTLINE, Channel.WECHAT, Channel.APP, Channel.MAILBOX, Channel.WEB)
]
# 未评价 is what a call-taker records when the citizen declines to rate; someone rating online has not.
ONLINE_SATISFACTION = [c for c in Satisfaction.choices if c[0] != Satisfaction.UNRATED]
RATINGS = [(5, "5 分 · 很好"), (4, "4 分 · 较好"), (3, "3 分 · 一般"), (2, "2 分 · 较差"), (1, "1 分 · 很差")]


def _blank(choices, label: str = "全部"):
    return [("", label), *choices]


def _text(label: str, *, required: bool = True, rows: int = 3):
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}))


class CategoryCascade(forms.Form):
    """Three linked selects (一级 → 二级 → 三级), `category` in the cleaned data being the deepest chosen."""

    category_prompt = "请选择"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.categories = category_levels(self, self.category_prompt)

    def clean(self):
        cleaned = super().clean()
        cleaned["category"] = self.categories.deepest(cleaned)
        return cleaned


def category_levels(form: forms.Form, prompt: str = "请选择", category=None) -> TreeLevels:
    """The category selects on `form`, showing `category` when the form is not bound."""
    return TreeLevels(
        form,
        prefix="category",
        labels=CATEGORY_LEVELS,
        children=lambda parent: selectors.category_children(parent.pk if parent else None),
        prompt=prompt,
        initial=category.ancestor_ids if category else (),
    )


class AppealForm(CategoryCascade):
    """An appeal as any channel takes it in; the portal and the patrol form drop what they do not ask."""

    channel = forms.ChoiceField(label="来源渠道", choices=INTAKE_CHANNELS, initial=Channel.HOTLINE)
    external_id = forms.CharField(label="热线工单号", required=False, max_length=64)
    kind = forms.ChoiceField(label="诉求类型", choices=Kind.choices, initial=Kind.COMPLAINT)
    urgency = forms.ChoiceField(label="紧急程度", choices=Urgency.choices, initial=Urgency.NORMAL)
    title = forms.CharField(label="标题", max_length=200)
    text = _text("诉求内容", rows=5)
    address = forms.CharField(label="事发地址", max_length=200, required=False)
    lat = forms.FloatField(label="纬度", required=False, min_value=-90, max_value=90)
    lng = forms.FloatField(label="经度", required=False, min_value=-180, max_value=180)
    photo = forms.FileField(
        label="照片",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    contact_name = forms.CharField(label="诉求人姓名", max_length=50, required=False)
    contact_phone = PhoneField(label="联系电话")
    contact_address = forms.CharField(label="联系地址", max_length=200, required=False)
    is_anonymous = forms.BooleanField(label="匿名（不向承办单位透露诉求人身份）", required=False)

    SECTIONS = (
        ("what", "诉求内容", ("channel", "external_id", "kind", "urgency", "title", "text", "photo")),
        ("where", "事发位置", ("address", "lat", "lng")),
        ("who", "诉求人", ("contact_name", "contact_phone", "contact_address", "is_anonymous")),
    )

    @property
    def sections(self) -> list[dict]:
        """The form's fields by section, as the page lays them out; a form without a section's fields
        leaves it out."""
        laid_out = []
        for key, title, names in self.SECTIONS:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                laid_out.append({"key": key, "title": title, "fields": fields})
        return laid_out

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photo"].help_text = photo_hint()

    def clean_photo(self):
        """A 照片 is an image: a PDF or a video is refused on the field, and the rest of the form kept."""
        upload = self.cleaned_data.get("photo")
        if upload:
            try:
                check_photo(upload)
            except AppealError as error:
                raise ValidationError(error.message, code=error.code) from None
        return upload

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("lat") is None) != (cleaned.get("lng") is None):
            raise ValidationError("经纬度须同时填写，或都不填。")
        return cleaned

    @property
    def photo_dropped(self) -> bool:
        """Whether a photo was sent with a form shown again for another error: browsers never send a file
        back, so the person must choose it again, and is told so (a refused photo says why by itself)."""
        return bool(self.is_bound and self.files.get("photo") and self.errors and "photo" not in self.errors)

    def submission(self) -> dict:
        """Keyword arguments of services.submit_appeal for what the form asked."""
        data = self.cleaned_data
        fields = [name for name in self.fields if not name.startswith("category_") and name != "photo"]
        submission = {name: data[name] for name in fields}
        submission["category"] = data["category"]
        submission["attachments"] = [data["photo"]] if data.get("photo") else []
        return submission


class PortalAppealForm(AppealForm):
    """The public portal: the citizen writes, the channel is the web portal."""

    channel = None
    external_id = None
    urgency = None
    contact_address = None


class PatrolForm(AppealForm):
    """A grid worker on patrol, on a phone: the camera opens straight away, the place comes from the GPS."""

    channel = None
    external_id = None
    contact_name = None
    contact_phone = None
    contact_address = None
    is_anonymous = None
    # Photo and place first: on patrol the worker shoots the scene, then describes it.
    SECTIONS = (
        ("scene", "现场照片", ("photo",)),
        ("where", "事发位置", ("address", "lat", "lng")),
        ("what", "问题描述", ("kind", "urgency", "title", "text")),
    )
    kind = forms.ChoiceField(label="问题类型", choices=Kind.choices, initial=Kind.REPORT)
    photo = forms.FileField(
        label="拍照或选择照片",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )


class AppealFilterForm(CategoryCascade):
    category_prompt = "全部"
    status = forms.ChoiceField(label="状态", choices=_blank(Status.choices), required=False)
    due_state = forms.ChoiceField(
        label="时限", choices=_blank([c for c in DueState.choices if c[0]]), required=False
    )
    channel = forms.ChoiceField(label="渠道", choices=_blank(Channel.choices), required=False)
    kind = forms.ChoiceField(label="诉求类型", choices=_blank(Kind.choices), required=False)
    received_from = forms.DateField(
        label="受理日期自", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(label="至", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(label="关键词", required=False, max_length=100)
    unlocated = forms.BooleanField(label="仅看未定位（待更正位置）", required=False)

    def __init__(self, *args, actor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only those who see appeals without a grid can find any.
        if not workflow.sees_unlocated(scope_of(actor)):
            del self.fields["unlocated"]

    def filter(self, appeals):
        """The appeals matching every filled-in condition (all of them when the form is invalid)."""
        if not self.is_valid():
            return appeals
        data = self.cleaned_data
        conditions = {
            "status": data["status"],
            "due_state": data["due_state"],
            "channel": data["channel"],
            "kind": data["kind"],
            "category__path__startswith": data["category"].path if data["category"] else "",
            "received_at__date__gte": data["received_from"],
            "received_at__date__lte": data["received_to"],
        }
        appeals = appeals.filter(**{lookup: value for lookup, value in conditions.items() if value})
        if data["q"]:
            appeals = appeals.filter(Q(title__contains=data["q"]) | Q(tracking_code=data["q"].upper()))
        if data.get("unlocated"):
            appeals = appeals.filter(grid__isnull=True)
        return appeals


def _appeal_in_scope(actor, code: str):
    code = code.strip().upper()
    appeal = selectors.appeals_for(actor).filter(tracking_code=code).first()
    if appeal is None:
        raise ValidationError(f"没有查询码为“{code}”的诉求，或它不在您的范围内。")
    return appeal


class SuperviseForm(forms.Form):
    """督办 any appeal in the supervisor's scope, named by its tracking code."""

    appeal = forms.CharField(label="诉求查询码", max_length=16)
    reason = _text("督办理由", rows=2)

    def __init__(self, *args, actor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor

    def clean_appeal(self):
        return _appeal_in_scope(self.actor, self.cleaned_data["appeal"])


class PlaceForm(forms.Form):
    """Where an appeal being written is: a point, or else an address that names a compound."""

    lat = forms.FloatField(min_value=-90, max_value=90, required=False)
    lng = forms.FloatField(min_value=-180, max_value=180, required=False)
    address = forms.CharField(max_length=200, required=False)

    @property
    def point(self) -> tuple[float, float] | None:
        data = self.cleaned_data
        return None if data["lat"] is None or data["lng"] is None else (data["lat"], data["lng"])


class TrackForm(forms.Form):
    code = forms.CharField(
        label="查询码",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        try:
            selectors.appeal_by_tracking_code(code)
        except Http404:
            raise ValidationError("查询码不存在，请核对后重新输入。") from None
        return code


# --- actions on one appeal -------------------------------------------------------------------------------


class ActionForm(forms.Form):
    # What the action's panel is called when the workflow's name for it would mislead this actor.
    panel_label = ""

    def __init__(self, *args, actor, appeal, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.actor, self.appeal = actor, appeal

    @property
    def offered(self) -> bool:
        """Whether there is anything to act on (a form choosing among none is not shown)."""
        return True


class ChoosingForm(ActionForm):
    """An action on one row of the appeal (`chosen`: a summons, an extension request)."""

    chosen = ""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A summons or an extension request is known to people by its department.
        self.fields[self.chosen].label_from_instance = lambda row: row.unit.name

    @property
    def offered(self) -> bool:
        return self.fields[self.chosen].queryset.exists()


class NoteForm(ActionForm):
    note = _text("说明", required=False, rows=2)


class ReasonForm(ActionForm):
    reason = _text("理由", rows=2)


class UnitsForm(ActionForm):
    """A 主办 unit and its 协办 units, among the active units the actor may dispatch to."""

    unit = UnitChoiceField(label="主办单位", queryset=None, empty_label="请选择单位")
    assisting_units = UnitsChoiceField(label="协办单位", queryset=None, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.units = directory_selectors.units_for(self.actor).filter(is_active=True).order_by("kind", "name")
        self.fields["unit"].queryset = self.units
        self.fields["assisting_units"].queryset = self.units


class DispatchForm(UnitsForm):
    note = _text("派单意见", required=False, rows=2)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        units = self.units
        # The dispatch rules' choice, pre-selected; the dispatcher may override it.
        self.suggestion = selectors.dispatch_suggestion(self.appeal)
        self.suggested_unit = units.filter(pk=self.suggestion.unit_id).first()
        self.initial.setdefault("unit", self.suggested_unit)
        # What the text analysis reads in the appeal: its category, and open appeals it may repeat.
        self.predicted = selectors.predicted_category(self.appeal)
        self.duplicates = selectors.likely_duplicates(self.actor, self.appeal)


class RedispatchForm(UnitsForm):
    """改派: another 主办 unit (the one holding the appeal is not offered) and the reason."""

    reason = _text("改派理由", rows=2)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        appeal, unit = self.appeal, self.fields["unit"]
        unit.label = "改派至"
        unit.queryset = self.units.exclude(pk=appeal.main_unit_id)
        # The 协办 units go along unless the dispatcher unticks them.
        assisting = appeal.assignments.filter(is_active=True, role=AssignmentRole.ASSISTING)
        self.initial.setdefault("assisting_units", list(assisting.values_list("unit_id", flat=True)))
        # Whether the round being withdrawn still counts against its unit: said before, not found out after.
        due = timezone.localtime(appeal.sign_due)
        late = timezone.now() > due
        effect = "已超签收时限，本轮仍计入其响应率。" if late else "改派后本轮不计入其响应率。"
        unit.help_text = f"当前主办：{escape(appeal.main_unit.name)}，签收时限 {due:%m-%d %H:%M}。{effect}"


class AmendForm(ActionForm):
    """更正: the category and the place, shown as they stand, with the reason for changing them."""

    reason = _text("更正理由", rows=2)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        appeal = self.appeal
        self.categories = category_levels(self, "（未分类）", appeal.category)
        self.location = LocationLevels(self, self.actor, grid=appeal.grid, compound=appeal.compound)
        self.order_fields([*self.categories.names, *self.location.names, "reason"])

    def clean(self):
        cleaned = super().clean()
        category, (grid, compound) = self.categories.deepest(cleaned), self.location.place(cleaned)
        # The service takes what the selects amount to, not each level's choice.
        for name in [*self.categories.names, *self.location.names]:
            cleaned.pop(name, None)
        return cleaned | {"category": category, "grid": grid, "compound": compound}


class LocationCascade(forms.Form):
    """The place selects alone, re-drawn by htmx as a choice changes."""

    def __init__(self, *args, actor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.location = LocationLevels(self, actor)


class ExtensionRequestForm(ActionForm):
    working_days = forms.IntegerField(label="延期工作日", min_value=1, max_value=60, initial=3)
    reason = _text("延期理由", rows=2)

    @property
    def offered(self) -> bool:
        # One request at a time: while one awaits its decision, another would only be refused.
        return not self.appeal.extensions.filter(decision=ExtensionDecision.PENDING).exists()


class ExtensionDecisionForm(ChoosingForm):
    chosen = "extension"
    extension = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)
    approve = forms.TypedChoiceField(
        label="审批结果",
        choices=[("yes", "批准"), ("no", "不批准")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = _text("审批意见", required=False, rows=2)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        pending = self.appeal.extensions.filter(decision=ExtensionDecision.PENDING).select_related("unit")
        self.fields["extension"].queryset = pending
        if request := pending.first():
            self.initial.setdefault("extension", request)
            self.fields[
                "approve"
            ].label = f"{request.unit.name}申请延期 {request.working_days} 个工作日：{request.reason}"


class ResolveForm(ActionForm):
    reply = _text("答复意见", rows=4)
    evidence = forms.FileField(
        label="办理凭证（照片或 PDF）",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        return [upload] if upload else []


class CallbackForm(ActionForm):
    resolution = forms.ChoiceField(label="是否解决", choices=Resolution.choices, widget=forms.RadioSelect)
    satisfaction = forms.ChoiceField(label="是否满意", choices=Satisfaction.choices, widget=forms.RadioSelect)
    note = _text("回访记录", required=False, rows=2)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A dispatcher calls the citizen back; a citizen signed in rates her own appeal, as on the portal:
        # she has not declined to rate, and writes her own opinion, not a call record.
        if self.actor is not None and not scope_of(self.actor).has_role(Role.DISPATCHER):
            self.panel_label = "评价办理结果"
            self.fields["satisfaction"].choices = ONLINE_SATISFACTION
            self.fields["note"].label = "您的意见"


class CitizenRatingForm(CallbackForm):
    """The citizen's own verdict on the portal (群众网上评价). 未评价 is what a call-taker records when the
    citizen declines to rate; someone rating online has not declined."""

    satisfaction = forms.ChoiceField(label="是否满意", choices=ONLINE_SATISFACTION, widget=forms.RadioSelect)
    note = _text("您的意见", required=False, rows=2)


class MergeForm(ActionForm):
    into = forms.CharField(label="合并到（原诉求查询码）", max_length=16)
    note = _text("说明", required=False, rows=2)

    def clean_into(self):
        return _appeal_in_scope(self.actor, self.cleaned_data["into"])


class WhistleForm(ActionForm):
    units = UnitsChoiceField(label="召集部门", queryset=None)
    reason = _text("吹哨事由", rows=2)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = (
            directory_selectors.units_for(self.actor)
            .filter(is_active=True, kind__in=[UnitKind.GOVERNMENT_DEPARTMENT, UnitKind.PROPERTY_COMPANY])
            .exclude(pk=self.appeal.main_unit_id)
            .order_by("kind", "name")
        )


class ArrivalForm(ChoosingForm):
    chosen = "summons"
    summons = forms.ModelChoiceField(label="报到单位", queryset=None, empty_label=None)
    action_taken = _text("到场处置情况", rows=3)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["summons"].queryset = selectors.summonses_awaiting(self.actor).filter(
            whistle__appeal=self.appeal
        )


class WhistleRatingForm(ChoosingForm):
    chosen = "summons"
    summons = forms.ModelChoiceField(label="被评价部门", queryset=None, empty_label=None)
    rating = forms.TypedChoiceField(label="评分", choices=RATINGS, coerce=int, widget=forms.RadioSelect)
    note = _text("评价意见", required=False, rows=2)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A department that never came can be rated too: the community's verdict on its (lack of) response.
        self.fields["summons"].queryset = selectors.appeal_summonses(self.appeal).filter(rating=None)
