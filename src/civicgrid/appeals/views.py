"""Screens of the appeals domain: the dispatcher's workbench, the handler's inbox, the grid worker's patrol
report, the supervisor's board, the appeal detail with its timeline, the appeals list and the public citizen
portal.

Views stay thin: they read through `selectors` and write through `services`. A refused action (AppealError,
WorkflowError) becomes its Chinese message on the page, never a 500; an appeal outside the actor's scope is
a 404 (`selectors.appeal_for`).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial, wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from civicgrid.directory.models import Role
from civicgrid.directory.scope import scope_of
from civicgrid.grid import selectors as grid_selectors
from civicgrid.grid.addresses import compound_named_in
from civicgrid.grid.locate import locate
from civicgrid.web.views import PAGE_SIZE

from . import forms, selectors, services, workflow
from .errors import AppealError
from .models import CallbackVia, Channel, Resolution, Satisfaction, Status
from .portal_limits import seconds_to_wait

# The portal remembers the last code a visitor submitted or looked up in the session, so the code (the
# citizen's credential for rating) never travels in a URL, a log line or the browser history.
TRACKED_CODE = "appeals_tracked_code"
# Rows shown in each section of a workbench page; the full, filtered list is one click away.
SECTION_ROWS = 50


@dataclass(frozen=True)
class Section:
    """The first SECTION_ROWS rows of a work list, how many there are in all and where to see them all."""

    rows: list
    total: int
    more_url: str = ""

    @property
    def cut(self) -> bool:
        return self.total > len(self.rows)


def _section(rows: QuerySet, show=lambda row: row, more_url: str = "") -> Section:
    return Section([show(row) for row in rows[:SECTION_ROWS]], rows.count(), more_url)


def _list_of(**conditions) -> str:
    return f"{reverse('appeals:list')}?{urlencode(conditions)}"


# --- helpers -----------------------------------------------------------------------------------------------


def _for_roles(*roles: str):
    """Staff pages: only accounts holding one of `roles` (administrators always) may open them."""

    def decorate(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not scope_of(request.user).has_role(*roles):
                raise PermissionDenied("您的角色不能使用此页面。")
            return view(request, *args, **kwargs)

        return login_required(guarded)

    return decorate


def _attempt(request, work: Callable[[], object], *, done: str = "", form=None):
    """Run one service call. A refusal becomes the domain's Chinese message, on the form when there is one
    (the person keeps what was typed), else on the next page; returns None then."""
    try:
        result = work()
    except AppealError as error:
        if form is not None:
            form.add_error(None, error.message)
        else:
            messages.error(request, error.message)
        return None
    if done:
        messages.success(request, done)
    return result


def _form_refused(request, form) -> None:
    problems = [
        f"{form.fields[name].label}：{error}" if name in form.fields and form.fields[name].label else error
        for name, errors in form.errors.items()
        for error in errors
    ]
    messages.error(request, "；".join(problems))


def _back(request, appeal) -> str:
    """Where a form posted from a list (workbench, inbox, board) returns; the appeal's page otherwise."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("appeals:detail", args=[appeal.pk])


def _submit(request, form, *, channel: str | None = None):
    """Register the appeal the form describes and let the dispatch rules route it; unmatched, it waits in
    the dispatcher's queue."""

    def register():
        fields = form.submission()
        if channel is not None:
            fields["channel"] = channel
        # A repeated hotline ticket number returns the appeal already registered, as it stands now.
        return services.submit_appeal(actor=request.user, route=True, **fields)

    return _attempt(request, register, form=form)


def _received_message(appeal) -> str:
    routed = f"已自动派往“{appeal.main_unit.name}”" if appeal.main_unit_id else "等待派单"
    return f"诉求已登记，查询码 {appeal.tracking_code}，{routed}。"


# --- actions on one appeal ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    form: type[forms.ActionForm]
    perform: Callable  # (appeal, actor, cleaned data) → the service's result
    done: str


def _on_appeal(service):
    return lambda appeal, actor, data: service(appeal, actor=actor, **data)


def _on_chosen(service, field: str):
    """Services that act on one row of the appeal (a summons, an extension request) named by `field`."""
    return lambda appeal, actor, data: service(
        data[field], actor=actor, **{name: value for name, value in data.items() if name != field}
    )


def _callback(appeal, actor, data):
    # A dispatcher calls the citizen; a citizen answering on his own appeal does so online.
    via = CallbackVia.PHONE if scope_of(actor).has_role(Role.DISPATCHER) else CallbackVia.ONLINE
    return services.record_callback(appeal, actor=actor, via=via, **data)


ACTIONS = {
    "dispatch": Action(forms.DispatchForm, _on_appeal(services.dispatch_appeal), "已派单。"),
    "redispatch": Action(forms.RedispatchForm, _on_appeal(services.redispatch_appeal), "已改派。"),
    "amend": Action(forms.AmendForm, _on_appeal(services.amend_appeal), "已更正分类与位置。"),
    "sign": Action(forms.NoteForm, _on_appeal(services.sign_appeal), "已签收。"),
    "return": Action(forms.ReasonForm, _on_appeal(services.return_appeal), "已退回派单员。"),
    "first_contact": Action(forms.NoteForm, _on_appeal(services.record_first_contact), "已记录首次联系。"),
    "request_extension": Action(
        forms.ExtensionRequestForm, _on_appeal(services.request_extension), "延期申请已提交。"
    ),
    "decide_extension": Action(
        forms.ExtensionDecisionForm, _on_chosen(services.decide_extension, "extension"), "已审批延期申请。"
    ),
    "resolve": Action(forms.ResolveForm, _on_appeal(services.resolve_appeal), "已办结，等待回访。"),
    "callback": Action(forms.CallbackForm, _callback, "回访已记录。"),
    "close": Action(forms.NoteForm, _on_appeal(services.close_appeal), "已归档。"),
    "supervise": Action(forms.ReasonForm, _on_appeal(services.supervise_appeal), "已督办。"),
    "merge": Action(forms.MergeForm, _on_appeal(services.merge_appeal), "已合并为重复诉求。"),
    "blow_whistle": Action(
        forms.WhistleForm, _on_appeal(services.blow_whistle), "已吹哨，已通知被召集部门。"
    ),
    "report_arrival": Action(forms.ArrivalForm, _on_chosen(services.report_arrival, "summons"), "已报到。"),
    "rate_whistle": Action(
        forms.WhistleRatingForm, _on_chosen(services.rate_whistle_response, "summons"), "评价已记录。"
    ),
}


@dataclass(frozen=True)
class ActionPanel:
    """One action the actor may take, with its form, as the templates render it."""

    name: str
    label: str
    form: forms.ActionForm
    open: bool = False

    @property
    def url(self) -> str:
        return reverse("appeals:act", args=[self.form.appeal.pk, self.name])


def action_panel(actor, appeal, name: str, *, row: bool = False) -> ActionPanel:
    # On a list page every row carries its own form: ids are made unique per appeal.
    auto_id = f"a{appeal.pk}_{name}_%s" if row else "id_%s"
    form = ACTIONS[name].form(actor=actor, appeal=appeal, auto_id=auto_id)
    return ActionPanel(name, workflow.TRANSITIONS[name].label, form)


def _action_panels(actor, appeal) -> list[ActionPanel]:
    panels = [
        action_panel(actor, appeal, name)
        for name in selectors.allowed_actions(actor, appeal)
        if name in ACTIONS
    ]
    return [panel for panel in panels if panel.form.offered]


def _extension_panels(actor) -> Section:
    """Pending extension requests with their approve/reject form, for those who decide them."""
    if not scope_of(actor).has_role(*workflow.TRANSITIONS["decide_extension"].roles):
        return Section([], 0)
    return _section(
        selectors.pending_extensions(actor).order_by("requested_at", "pk"),
        lambda extension: action_panel(actor, extension.appeal, "decide_extension", row=True),
    )


@login_required
@require_http_methods(["GET", "POST"])
def appeal_action(request, pk: int, action: str):
    appeal = selectors.appeal_for(request.user, pk)
    if action not in ACTIONS:
        raise Http404("没有这个操作")
    if request.method == "GET":
        # The address a refused action was shown at, opened again (a reload, a bookmark): the appeal's page.
        return redirect("appeals:detail", appeal.pk)
    spec = ACTIONS[action]
    form = spec.form(request.POST, request.FILES, actor=request.user, appeal=appeal)
    if form.is_valid():
        work = partial(spec.perform, appeal, request.user, form.cleaned_data)
        if _attempt(request, work, done=spec.done) is not None:
            return redirect(_back(request, appeal))
    else:
        _form_refused(request, form)
    if request.POST.get("next"):
        return redirect(_back(request, appeal))
    # Refused on the appeal's own page: the page again, the panel open with what was typed and chosen.
    refused = ActionPanel(action, workflow.TRANSITIONS[action].label, form, open=True)
    return _detail_page(request, appeal, refused)


# --- the appeal and its timeline ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    actor: str
    label: str
    detail: str
    note: str
    before: str
    after: str


def _status_label(status: str) -> str:
    return Status(status).label if status else ""


AMENDED = {"category": "分类", "grid": "网格", "compound": "小区"}


def _dispatch_detail(data: dict) -> str:
    # Events before the 协办 names were recorded name the 主办 unit only.
    assisting = data.get("assisting_names")
    return f"主办：{data['unit_name']}" + (f"；协办：{'、'.join(assisting)}" if assisting else "")


def _withdrawn(data: dict) -> str:
    """Whether a round the dispatcher took back (改派, 合并 before signing) still counts against its unit."""
    if "counted" not in data:
        return ""
    return "（已超签收时限，本轮计入原单位响应率）" if data["counted"] else "（本轮不计入原单位响应率）"


def _name_of(row: dict | None) -> str:
    return row["name"] if row else "（无）"


def _urgent_detail(data: dict) -> str:
    # Events written before urgency_raised existed carry a reason only when the appeal was raised.
    if data.get("urgency_raised", True):
        return f"{data['urgent_reason']}，已自动设为紧急"
    return f"{data['urgent_reason']}，未自动升级，请受理人员判断"


# What an event's data adds to its note on the timeline, per action.
EVENT_DETAILS = {
    "submit": lambda data: _urgent_detail(data) if data.get("urgent_reason") else "",
    "dispatch": _dispatch_detail,
    "redispatch": lambda data: (
        f"原主办：{data['from_unit_name']}；{_dispatch_detail(data)}{_withdrawn(data)}"
    ),
    # Events before the units' names were recorded say only that the whistle was blown.
    "blow_whistle": lambda data: f"召集：{'、'.join(data['unit_names'])}" if data.get("unit_names") else "",
    "amend": lambda data: "；".join(
        f"{AMENDED[name]}：{_name_of(before)} → {_name_of(after)}" for name, (before, after) in data.items()
    ),
    "request_extension": lambda data: f"申请延期 {data['days']} 个工作日",
    "decide_extension": lambda data: "批准延期" if data["approved"] else "不批准延期",
    "callback": lambda data: (
        f"{Resolution(data['resolution']).label} · {Satisfaction(data['satisfaction']).label}"
    ),
    "merge": lambda data: f"合并至 {data['into_code']}{_withdrawn(data)}",
    "rate_whistle": lambda data: f"评分 {data['rating']} 分",
}


def _actor_label(event) -> str:
    if event.actor_id:
        return str(event.actor)
    # Nobody signed in: the citizen on the portal (submitting, or rating with the tracking code), else the
    # platform itself.
    by_citizen = event.action == "submit" or event.data.get("via") == CallbackVia.ONLINE
    return "诉求人" if by_citizen else "系统"


def _timeline(appeal) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            at=event.at,
            actor=_actor_label(event),
            label=workflow.TRANSITIONS[event.action].label,
            detail=EVENT_DETAILS[event.action](event.data) if event.action in EVENT_DETAILS else "",
            note=event.note,
            before=_status_label(event.from_status),
            after=_status_label(event.to_status) if event.to_status != event.from_status else "",
        )
        for event in selectors.appeal_timeline(appeal)
    ]


@login_required
def appeal_detail(request, pk: int):
    return _detail_page(request, selectors.appeal_for(request.user, pk))


GIVING_BACK = frozenset({"return"})


def _detail_page(request, appeal, refused: ActionPanel | None = None):
    """The appeal's page; `refused` replaces its panel, open, when an action was just refused."""
    # Giving the appeal back is never the default: the way forward comes first, open.
    panels = sorted(_action_panels(request.user, appeal), key=lambda panel: panel.name in GIVING_BACK)
    if refused is not None:
        panels = [refused if panel.name == refused.name else panel for panel in panels]
    elif panels:
        panels[0] = replace(panels[0], open=True)
    context = {
        "appeal": appeal,
        "contact": selectors.appeal_contact_for(request.user, appeal),
        "assignments": appeal.assignments.filter(is_active=True).select_related("unit"),
        "attachments": appeal.attachments.all(),
        "extensions": appeal.extensions.select_related("unit", "requested_by", "decided_by"),
        "callbacks": appeal.callbacks.select_related("actor"),
        "supervisions": appeal.supervisions.select_related("opened_by"),
        "summonses": selectors.appeal_summonses(appeal),
        "timeline": _timeline(appeal),
        "panels": panels,
    }
    return render(request, "appeals/detail.html", context)


@login_required
def attachment(request, pk: int, attachment_pk: int):
    stored = selectors.attachment_of(selectors.appeal_for(request.user, pk), attachment_pk)
    inline = stored.content_type.startswith("image/")
    return FileResponse(stored.file.open("rb"), content_type=stored.content_type, as_attachment=not inline)


@login_required
def appeal_list(request):
    form = forms.AppealFilterForm(request.GET, actor=request.user)
    page = Paginator(form.filter(selectors.appeals_for(request.user)), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    scope = scope_of(request.user)
    # Without an area or a unit, an account sees only the appeals it submitted: a resident's own list.
    own_only = not (scope.everything or scope.grid_paths or scope.unit_ids)
    context = {
        "title": "我的诉求" if own_only else "诉求",
        "own_only": own_only,
        "form": form,
        "page": page,
        "q": form.cleaned_data.get("q", "") if form.is_valid() else "",
        "table": "appeals/partials/appeal_table.html",
    }
    # htmx restoring history after a cache miss asks for the whole page, not the results.
    partial = request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request")
    response = render(request, "web/partials/results.html" if partial else "appeals/list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def category_options(request):
    """The category cascade re-drawn for the choices so far (htmx); public, as the portal uses it."""
    return render(
        request, "appeals/partials/category_cascade.html", {"form": forms.CategoryCascade(request.GET)}
    )


@login_required
def location_options(request):
    """The grid and compound selects re-drawn for the choices so far (htmx), within the caller's grids."""
    form = forms.LocationCascade(request.GET, actor=request.user)
    return render(request, "appeals/partials/location_cascade.html", {"form": form})


# --- the dispatcher's workbench ----------------------------------------------------------------------------


@_for_roles(Role.DISPATCHER)
def workbench(request):
    actor = request.user
    queue = selectors.dispatcher_queue(actor)
    handled = selectors.appeals_for(actor).order_by("resolved_at", "pk")
    reasons = selectors.return_reasons([a.pk for a in queue if a.status == Status.RETURNED])
    context = {
        "queue": [(appeal, reasons.get(appeal.pk, "")) for appeal in queue],
        "callbacks": _section(
            handled.filter(status=Status.RESOLVED),
            lambda appeal: action_panel(actor, appeal, "callback", row=True),
            _list_of(status=Status.RESOLVED),
        ),
        "closable": _section(
            handled.filter(status=Status.CALLED_BACK),
            lambda appeal: action_panel(actor, appeal, "close", row=True),
            _list_of(status=Status.CALLED_BACK),
        ),
        "extensions": _extension_panels(actor),
        "unsigned": _section(selectors.unsigned_past_due(actor)),
    }
    return render(request, "appeals/workbench.html", context)


@_for_roles(Role.DISPATCHER)
def intake(request):
    form = forms.AppealForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and (appeal := _submit(request, form)):
        messages.success(request, _received_message(appeal))
        return redirect("appeals:detail", appeal.pk)
    place = _place_preview(request, request.POST) if form.is_bound else ""
    return render(request, "appeals/intake.html", {"form": form, "place": place})


# --- the handler's inbox -----------------------------------------------------------------------------------


@_for_roles(Role.DEPARTMENT_HANDLER)
def inbox(request):
    actor = request.user
    units = scope_of(actor).unit_ids
    summonses = list(selectors.summonses_awaiting(actor))
    summoned = {s.whistle.appeal_id for s in summonses}
    appeals = list(selectors.handler_inbox(actor))
    main = [a for a in appeals if a.main_unit_id in units]
    context = {
        "to_sign": [
            (action_panel(actor, a, "sign", row=True), action_panel(actor, a, "return", row=True))
            for a in main
            if a.status == Status.DISPATCHED
        ],
        "handling": [a for a in main if a.status != Status.DISPATCHED],
        "assisting": [a for a in appeals if a.main_unit_id not in units and a.pk not in summoned],
        "summonses": summonses,
        "notifications": selectors.notifications_for(actor)[:INBOX_NOTIFICATIONS],
        "unread": selectors.unread_notification_count(actor),
    }
    return render(request, "appeals/inbox.html", context)


# --- notifications -----------------------------------------------------------------------------------------

# Notifications shown on the inbox before pointing to the full list.
INBOX_NOTIFICATIONS = 10


@login_required
def notifications(request):
    page = Paginator(selectors.notifications_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    unread = selectors.unread_notification_count(request.user)
    return render(request, "appeals/notifications.html", {"page": page, "unread": unread})


@login_required
def open_notification(request, pk: int):
    """Follow a notification's link, marking it read on the way."""
    notification = get_object_or_404(selectors.notifications_for(request.user), pk=pk)
    services.mark_notifications_read(request.user, [pk])
    # The platform writes the links itself; still, only an address on this site is followed.
    if notification.link and url_has_allowed_host_and_scheme(notification.link, {request.get_host()}):
        return redirect(notification.link)
    return redirect("appeals:notifications")


@login_required
@require_POST
def read_all_notifications(request):
    changed = services.mark_notifications_read(request.user)
    messages.success(request, f"已将 {changed} 条通知标为已读。" if changed else "没有未读通知。")
    return redirect("appeals:notifications")


# --- the grid worker's patrol report -----------------------------------------------------------------------


@_for_roles(Role.GRID_WORKER)
def patrol(request):
    form = forms.PatrolForm(request.POST or None, request.FILES or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and (appeal := _submit(request, form, channel=Channel.PATROL))
    ):
        unplaced = "未能定位到网格" + ("" if appeal.main_unit_id else "，将由派单员处理")
        place = " · ".join(p.name for p in (appeal.grid, appeal.compound) if p) or unplaced
        messages.success(request, f"{_received_message(appeal)}位置：{place}。")
        return redirect("appeals:patrol")
    reports = (
        selectors.appeals_for(request.user)
        .filter(created_by=request.user, channel=Channel.PATROL)
        .select_related("compound")[:SECTION_ROWS]
    )
    place = _place_preview(request, request.POST) if form.is_bound else ""
    return render(request, "appeals/patrol.html", {"form": form, "reports": reports, "place": place})


@login_required
def locate_preview(request):
    """Which grid and compound an appeal being written falls in, before it is sent (htmx)."""
    return HttpResponse(_place_preview(request, request.GET))


def _place_preview(request, data) -> str:
    """Where `data`'s point, or, without a whole point, the compound its address names (as intake will place
    it), puts the appeal; "" when they place nothing. A form refused for another reason shows it again."""
    form = forms.PlaceForm(data)
    if not form.is_valid():
        return ""
    by_address = form.point is None
    if by_address:
        # Half a point while the person is still typing counts as none.
        named = compound_named_in(form.cleaned_data["address"])
        if named is None:
            return ""
        compound_id, grid_id = named
    else:
        location = locate(*form.point)
        compound_id, grid_id = location.compound_id, location.grid_id
    context = {
        "located": grid_id is not None,
        "by_address": by_address,
        "grid": grid_selectors.grids_for(request.user).filter(pk=grid_id).first(),
        "compound": grid_selectors.compounds_for(request.user).filter(pk=compound_id).first(),
    }
    return render_to_string("appeals/partials/location.html", context, request)


# --- the supervisor's board --------------------------------------------------------------------------------


@_for_roles(Role.SUPERVISOR, Role.LEADER)
def supervision(request):
    actor = request.user
    form = forms.SuperviseForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        appeal = form.cleaned_data["appeal"]
        work = partial(services.supervise_appeal, appeal, actor=actor, reason=form.cleaned_data["reason"])
        if _attempt(request, work, done=f"已督办诉求 {appeal.tracking_code}。", form=form):
            return redirect("appeals:supervision")
    context = {
        "form": form,
        "board": _section(selectors.supervision_board(actor)),
        "overdue": _section(selectors.overdue_appeals(actor).order_by("resolve_due", "pk")),
        "extensions": _extension_panels(actor),
        "whistles": selectors.whistles_for(actor)[:SECTION_ROWS],
    }
    return render(request, "appeals/supervision.html", context)


# --- the public citizen portal -----------------------------------------------------------------------------


def _portal_refusal(request, setting: str) -> str:
    """The visitor's message when this use of the portal is over its limit, else ""."""
    wait = seconds_to_wait(request, setting)
    return f"操作过于频繁，请 {wait} 秒后再试。" if wait else ""


def _own_contact(user) -> dict:
    """A signed-in resident's name and phone, filled in on the portal form for her to keep or change: left
    blank, the unit handling her appeal could not reach her."""
    person = getattr(user, "person", None) if user.is_authenticated else None
    return {"contact_name": person.name, "contact_phone": person.phone} if person else {}


def portal(request):
    """Anyone may submit an appeal (channel 网站) and gets its tracking code."""
    form = forms.PortalAppealForm(
        request.POST or None, request.FILES or None, initial=_own_contact(request.user)
    )
    if request.method == "POST" and form.is_valid():
        if refusal := _portal_refusal(request, "PORTAL_SUBMIT_RATE"):
            # What was typed comes back (files must be chosen again: browsers never resend them).
            form.add_error(None, f"{refusal}您填写的内容已保留。")
            return render(request, "appeals/portal.html", {"form": form}, status=429)
        if appeal := _submit(request, form, channel=Channel.WEB):
            request.session[TRACKED_CODE] = appeal.tracking_code
            messages.success(
                request, f"提交成功！您的查询码是 {appeal.tracking_code}，请妥善保存，用于查询进度和评价。"
            )
            return redirect("appeals:track")
    return render(request, "appeals/portal.html", {"form": form})


def track(request):
    """Track an appeal by its code: citizen-safe fields and the public timeline; rate it once resolved."""
    form = forms.TrackForm(request.POST or None)
    # Every look-up counts, a wrong code too: the limit is what makes guessing codes hopeless.
    if request.method == "POST" and (refusal := _portal_refusal(request, "PORTAL_LOOKUP_RATE")):
        form.add_error(None, refusal)
        return render(
            request, "appeals/track.html", {"form": form, "tracked": None, "rating": None}, status=429
        )
    if request.method == "POST" and form.is_valid():
        request.session[TRACKED_CODE] = form.cleaned_data["code"]
        return redirect("appeals:track")
    return _track_page(request, form)


def _track_page(request, form, rating=None, *, status: int = 200):
    """诉求查询 with the appeal whose code the session holds; `rating` is a refused rating, shown again with
    what the citizen chose and wrote, and why it was refused."""
    tracked = None
    if code := request.session.get(TRACKED_CODE):
        try:
            tracked = selectors.appeal_by_tracking_code(code)
        except Http404:
            del request.session[TRACKED_CODE]
    if tracked and tracked.can_rate:
        rating = rating or forms.CitizenRatingForm(actor=None, appeal=None)
    elif rating is not None:
        # Rated meanwhile (in another tab, say): there is no form left to show, only why.
        for error in rating.non_field_errors():
            messages.error(request, error)
        rating = None
    context = {"form": form, "tracked": tracked, "rating": rating}
    return render(request, "appeals/track.html", context, status=status)


@require_POST
def rate(request):
    """The citizen's own callback (群众网上评价), with the tracking code held in the session."""
    code = request.session.get(TRACKED_CODE)
    if not code:
        return redirect("appeals:track")
    form = forms.CitizenRatingForm(request.POST, actor=None, appeal=None)
    if refusal := _portal_refusal(request, "PORTAL_LOOKUP_RATE"):
        form.add_error(None, f"{refusal}您填写的内容已保留。")
        return _track_page(request, forms.TrackForm(), form, status=429)
    if form.is_valid():
        appeal = selectors.appeal_with_tracking_code(code)
        reopens = appeal.reopen_count
        work = partial(services.record_callback, appeal, tracking_code=code, **form.cleaned_data)
        if _attempt(request, work, form=form) is not None:
            appeal.refresh_from_db()
            # Not resolved or not satisfied may send the appeal back to be handled again: she is told so.
            again = "诉求已转回承办单位重新办理，请留意办理进度。" if appeal.reopen_count > reopens else ""
            messages.success(request, f"感谢您的评价！{again}")
            return redirect("appeals:track")
    return _track_page(request, forms.TrackForm(), form)
