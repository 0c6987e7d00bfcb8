"""智慧党建 screens. Thin: reads through selectors, writes through services; a refused step shows the rule's
message on the form it came from."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from civicgrid.appeals import selectors as appeal_selectors
from civicgrid.directory import selectors as directory_selectors
from civicgrid.directory.privacy import phone_for
from civicgrid.tables import InputError, read_upload

from . import exports, roster, selectors, services
from .forms import (
    AppealTaskForm,
    ApplicationForm,
    AppraisalForm,
    CommunityTaskForm,
    DuesPaymentForm,
    DuesReductionForm,
    ElectionForm,
    MailboxForm,
    MeetingForm,
    PointsForm,
    RecruitmentStepForm,
    StudyForm,
    TaskCompletionForm,
    TransferForm,
    UnitReportForm,
    VoluntaryDuesForm,
    VolunteerShiftForm,
)
from .models import MemberStatus, Organisation, TaskStatus
from .rules.dues import DuesCategory
from .rules.meetings import MeetingKind
from .rules.violations import RuleViolation

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def home(request):
    """Branch leaders land on their branch, higher committees on the overview, members on 我的."""
    branches = selectors.branches_for(request.user)
    if branches.count() == 1:
        return redirect("party:branch", pk=branches.get().pk)
    if branches.exists():
        return redirect("party:committee")
    return redirect("party:mine")


@login_required
def committee(request):
    today = timezone.localdate()
    rows = selectors.committee_overview(request.user, today)
    if not rows:
        raise Http404
    context = {
        "rows": rows,
        "pending": selectors.pending_reductions_for(request.user),
        "unit_hours": selectors.unit_service_hours_for(request.user, today.year),
        "today": today,
    }
    return render(request, "party/committee.html", context)


@login_required
def branch(request, pk: int):
    organisation = selectors.branch_for(request.user, pk)
    today = timezone.localdate()
    health = selectors.health_of([organisation], today)[0]
    members = selectors.current_members(organisation)
    context = {
        "branch": organisation,
        "today": today,
        "warnings": health.warnings,
        "committee": selectors.committee_of(organisation, today),
        "open_meetings": [e for e in health.calendar if e.status != "held"],
        "dues": selectors.dues_overview(organisation, today),
        "dues_form": DuesPaymentForm(members=members, initial={"paid_on": today}),
        "pipeline": selectors.pipeline(organisation),
        "members": [(m, phone_for(request.user, m.person), m.party_age(today)) for m in members],
        "ranking": selectors.ranking(organisation, today.year),
        "meetings": selectors.meetings_of(organisation)[:10],
        "transfers": selectors.transfers_of(organisation),
        "reduction_form": DuesReductionForm(members=members, initial={"branch_decided_on": today}),
        "voluntary_form": VoluntaryDuesForm(members=members, initial={"paid_on": today}),
        "voluntary_dues": selectors.voluntary_dues_of(organisation, today.year),
        "study_to_confirm": selectors.study_awaiting_confirmation(organisation),
        "points_form": PointsForm(members=members, initial={"occurred_on": today}),
        "shift_form": VolunteerShiftForm(
            members=members, posts=selectors.posts_for(organisation), initial={"served_on": today}
        ),
        "transfer_form": TransferForm(
            members=members,
            destinations=selectors.transfer_destinations().exclude(pk=organisation.pk),
            initial={"issued_on": today},
        ),
    }
    return render(request, "party/branch.html", context)


@login_required
def mine(request):
    member = selectors.own_member(request.user)
    if member is None:
        return render(request, "party/not_member.html")
    return _mine_page(request, member)


def _mine_page(request, member, study_form=None):
    """我的; `study_form` is a refused study entry, shown again with what was typed and why."""
    today = timezone.localdate()
    context = {
        "member": member,
        "record": selectors.member_year(member, today.year),
        "tasks": selectors.tasks_taken_by(member),
        "open_tasks": selectors.tasks_for(request.user).filter(status=TaskStatus.OPEN),
        "study": selectors.study_records_of(member)[:20],
        "study_form": study_form or StudyForm(initial={"studied_on": today}),
        "reports": [(r, r.renewal_overdue_since(today)) for r in selectors.reports_of(member)],
    }
    return render(request, "party/mine.html", context)


# --- recruitment ------------------------------------------------------------------------------------------


@login_required
def application_new(request, pk: int):
    organisation = selectors.branch_for(request.user, pk)
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.open_application_for_new_person(
                organisation=organisation, actor=request.user, **form.cleaned_data
            )
        except RuleViolation as violation:
            form.add_error(None, str(violation))
        else:
            return redirect("party:application", pk=application.pk)
    return render(request, "party/application_new.html", {"branch": organisation, "form": form})


@login_required
def application(request, pk: int):
    """The applicant's file: steps done, and the form of the next step with the rules it is checked by."""
    file = selectors.application_for(request.user, pk)
    rules = file.rules
    step = rules.step(file.next_step) if file.next_step else None
    form = None
    if step is not None:
        form = RecruitmentStepForm(
            request.POST or None,
            step=step,
            rules=rules,
            members=selectors.current_members(file.organisation),
            groups=selectors.groups_of(file.organisation),
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.record_recruitment_step(
                    application=file,
                    number=step.number,
                    day=form.cleaned_data["day"],
                    documents=form.cleaned_data["documents"],
                    data=form.step_data(),
                    notes=form.cleaned_data["notes"],
                    actor=request.user,
                )
            except RuleViolation as violation:
                form.add_error(None, str(violation))
            else:
                messages.success(request, f"第{step.number}步「{step.title}」已办理。")
                return redirect("party:application", pk=file.pk)
    context = {
        "file": file,
        "rules": rules,
        "step": step,
        "step_rules": [(r.name, r.describe(rules)) for r in step.applicable_rules(rules)] if step else [],
        "form": form,
        "done": file.steps.select_related("actor").order_by("pk"),
        "stages": rules.steps,
        "phone": phone_for(request.user, file.person),
    }
    return render(request, "party/application.html", context)


# --- meetings and dues ------------------------------------------------------------------------------------


@login_required
def meeting_new(request, pk: int):
    organisation = selectors.branch_for(request.user, pk)
    kind = request.GET.get("kind", MeetingKind.GENERAL_ASSEMBLY)
    if kind not in MeetingKind.LABELS:
        raise Http404
    today = timezone.localdate()
    form = MeetingForm(
        request.POST or None,
        members=selectors.current_members(organisation),
        due=selectors.due_at(organisation, kind, today),
        initial={"held_on": today},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.record_meeting(
                organisation=organisation,
                kind=kind,
                held_on=data["held_on"],
                start_time=data["start_time"],
                place=data["place"],
                chair=data["chair"],
                recorder=data["recorder"],
                topic=data["topic"],
                agenda=data["agenda"],
                resolutions=data["resolutions"],
                remarks=data["remarks"],
                attendance=form.attendance(),
                votes=form.votes(),
                actor=request.user,
            )
        except RuleViolation as violation:
            form.add_error(None, str(violation))
        else:
            messages.success(request, f"{meeting.get_kind_display()}记录已保存。")
            return redirect("party:meeting", pk=meeting.pk)
    context = {"branch": organisation, "form": form, "kind": kind, "kinds": MeetingKind.CHOICES}
    return render(request, "party/meeting_new.html", context)


@login_required
def meeting(request, pk: int):
    record = get_object_or_404(selectors.meetings_for(request.user), pk=pk)
    return render(request, "party/meeting.html", {"meeting": record})


def _refusal_or_success(request, action, success: str) -> None:
    """Run a one-click service action and report its outcome as a message."""
    try:
        action()
    except RuleViolation as violation:
        messages.error(request, str(violation))
    else:
        messages.success(request, success)


def _label(form, name: str) -> str:
    return form.fields[name].label if name in form.fields else "表单"


def _post_form(request, form, action, success: str) -> None:
    """Validate a branch-page form and run its service action, reporting either way as a message."""
    if form.is_valid():
        _refusal_or_success(request, lambda: action(actor=request.user, **form.cleaned_data), success)
    else:
        messages.error(
            request,
            "；".join(f"{_label(form, name)}：{e}" for name, errors in form.errors.items() for e in errors),
        )


@login_required
@require_POST
def dues_payment(request, pk: int):
    organisation = selectors.branch_for(request.user, pk)
    form = DuesPaymentForm(request.POST, members=selectors.current_members(organisation))
    _post_form(request, form, services.record_dues_payment, "党费已登记。")
    return redirect("party:branch", pk=organisation.pk)


@login_required
@require_POST
def voluntary_dues(request, pk: int):
    organisation = selectors.branch_for(request.user, pk)
    form = VoluntaryDuesForm(request.POST, members=selectors.current_members(organisation))
    _post_form(request, form, services.record_voluntary_dues, "自愿多交党费已登记。")
    return redirect("party:branch", pk=organisation.pk)


@login_required
@require_POST
def transfer_issue(request, pk: int):
    organisation = selectors.branch_for(request.user, pk)
    form = TransferForm(
        request.POST,
        members=selectors.current_members(organisation),
        destinations=selectors.transfer_destinations().exclude(pk=organisation.pk),
    )
    _post_form(request, form, services.issue_transfer_letter, "介绍信已开具。")
    return redirect("party:branch", pk=organisation.pk)


@login_required
@require_POST
def transfer_accept(request, pk: int):
    letter = selectors.transfer_for(request.user, pk)
    _refusal_or_success(
        request,
        lambda: services.accept_transfer(letter=letter, accepted_on=timezone.localdate(), actor=request.user),
        f"已接收{letter.member}的组织关系。",
    )
    return redirect("party:branch", pk=letter.to_organisation_id)


@login_required
@require_POST
def transfer_receipt(request, pk: int):
    letter = selectors.transfer_for(request.user, pk)
    _refusal_or_success(
        request,
        lambda: services.return_transfer_receipt(
            letter=letter, returned_on=timezone.localdate(), actor=request.user
        ),
        "回执已登记。",
    )
    return redirect("party:branch", pk=letter.from_organisation_id)


@login_required
@require_POST
def reduction_request(request, pk: int):
    organisation = selectors.branch_for(request.user, pk)
    form = DuesReductionForm(request.POST, members=selectors.current_members(organisation))
    _post_form(request, form, services.request_dues_reduction, "减免申请已报上级党组织审批。")
    return redirect("party:branch", pk=organisation.pk)


@login_required
@require_POST
def reduction_decide(request, pk: int):
    reduction = selectors.reduction_for(request.user, pk)
    approve = request.POST.get("decision") == "approve"
    _refusal_or_success(
        request,
        lambda: services.decide_dues_reduction(
            reduction=reduction, approve=approve, decided_on=timezone.localdate(), actor=request.user
        ),
        f"已{'批准' if approve else '不批准'}{reduction.member}的党费减免。",
    )
    return redirect("party:committee")


@login_required
@require_POST
def points_record(request, pk: int):
    organisation = selectors.branch_for(request.user, pk)
    form = PointsForm(request.POST, members=selectors.current_members(organisation))
    _post_form(request, form, services.record_points, "积分已记录。")
    return redirect("party:branch", pk=organisation.pk)


@login_required
@require_POST
def shift_record(request, pk: int):
    organisation = selectors.branch_for(request.user, pk)
    form = VolunteerShiftForm(
        request.POST, members=selectors.current_members(organisation), posts=selectors.posts_for(organisation)
    )
    _post_form(request, form, services.record_volunteer_shift, "志愿服务已登记。")
    return redirect("party:branch", pk=organisation.pk)


@login_required
def election(request, pk: int):
    """换届选举 of the branch committee, checked against the election rules by the service."""
    organisation = selectors.branch_for(request.user, pk)
    form = ElectionForm(
        request.POST or None,
        members=selectors.voting_members(organisation).select_related("person"),
        initial={"held_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_election(
                organisation=organisation,
                held_on=data["held_on"],
                seats=data["seats"],
                due_voting=data["due_voting"],
                present_voting=data["present_voting"],
                votes=form.votes(),
                roles=form.roles(),
                actor=request.user,
            )
        except RuleViolation as violation:
            form.add_error(None, str(violation))
        else:
            messages.success(request, "换届选举结果已保存，新一届任期开始。")
            return redirect("party:branch", pk=organisation.pk)
    return render(request, "party/election.html", {"branch": organisation, "form": form})


@login_required
def appraisal(request, pk: int):
    """民主评议: the service checks the 1/3 cap on 优秀; members short of their 双报到 minimum are marked."""
    organisation = selectors.branch_for(request.user, pk)
    today = timezone.localdate()
    members = selectors.voting_members(organisation).select_related("person")
    form = AppraisalForm(request.POST or None, members=members, initial={"held_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_appraisal(
                organisation=organisation,
                year=form.cleaned_data["held_on"].year,
                held_on=form.cleaned_data["held_on"],
                grades=form.grades(),
                actor=request.user,
            )
        except RuleViolation as violation:
            form.add_error(None, str(violation))
        else:
            messages.success(request, "民主评议结果已保存。")
            return redirect("party:branch", pk=organisation.pk)
    shortfalls = {
        row.member.pk: row.service_shortfalls for row in selectors.ranking(organisation, today.year)
    }
    context = {
        "branch": organisation,
        "form": form,
        "rows": [(m, form[f"grade_{m.pk}"], shortfalls.get(m.pk, [])) for m in form.members],
        "probationary": selectors.current_members(organisation).filter(status="probationary"),
        "rounds": organisation.appraisals.prefetch_related("results__member__person").order_by("-year"),
    }
    return render(request, "party/appraisal.html", context)


def _xlsx(workbook, filename: str) -> HttpResponse:
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    workbook.save(response)
    return response


def _year(request) -> int:
    try:
        return int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year


@login_required
def export_meetings(request, pk: int):
    organisation = selectors.branch_for(request.user, pk)
    year = _year(request)
    workbook = exports.meeting_ledger_workbook(organisation, year, timezone.localdate())
    return _xlsx(workbook, f"meetings-{organisation.pk}-{year}.xlsx")


@login_required
def roster_import(request, pk: int):
    """党员花名册导入 in two steps: the uploaded file is checked whole and shown as it would be entered (or
    refused with every problem listed); on confirmation all members are entered, or none."""
    organisation = selectors.branch_for(request.user, pk)
    session_key = f"party-roster-{organisation.pk}"  # the checked rows, between preview and confirmation
    problems, plans = [], None
    if request.method == "POST":
        try:
            if "confirm" in request.POST:
                rows = request.session.get(session_key)
                if rows is None:
                    raise InputError("预览已失效，请重新上传花名册。")
                members = services.import_roster(organisation=organisation, rows=rows, actor=request.user)
                del request.session[session_key]
                messages.success(request, f"已导入 {len(members)} 名党员。")
                return redirect("party:branch", pk=organisation.pk)
            upload = request.FILES.get("roster")
            if upload is None:
                raise InputError("请选择花名册文件（.xlsx 或 CSV）。")
            rows = read_upload(upload)
            plans = services.check_roster(organisation=organisation, rows=rows, actor=request.user)
            request.session[session_key] = rows
        except roster.RosterError as error:
            problems = error.problems
        except (InputError, RuleViolation) as error:
            messages.error(request, str(error))
    context = {
        "branch": organisation,
        "columns": roster.COLUMNS.values(),
        "problems": problems,
        "preview": _roster_preview(plans) if plans is not None else None,
        "known": sum(plan.person is not None for plan in plans or ()),
    }
    return render(request, "party/roster.html", context)


def _roster_preview(plans: list[services.RosterPlan]) -> list[dict]:
    statuses, categories = dict(MemberStatus.choices), dict(DuesCategory.CHOICES)
    return [
        {
            "number": plan.row.number,
            "name": plan.row.name,
            "phone": plan.row.phone,
            "status": statuses[plan.row.status],
            "admitted_on": plan.row.admitted_on,
            "full_since": plan.row.full_since,
            "dues": f"{categories[plan.row.dues_category].split('（')[0]} · {plan.row.dues_base:.2f} 元",
            "mobile": "是" if plan.row.is_mobile else "否",
            "known": plan.person is not None,
        }
        for plan in plans
    ]


@login_required
def roster_template(request, pk: int):
    selectors.branch_for(request.user, pk)
    return _xlsx(exports.roster_template_workbook(), "党员花名册模板.xlsx")


@login_required
def export_dues(request, pk: int):
    organisation = selectors.branch_for(request.user, pk)
    year = _year(request)
    workbook = exports.dues_ledger_workbook(organisation, year, timezone.localdate())
    return _xlsx(workbook, f"dues-{organisation.pk}-{year}.xlsx")


# --- 双报到 tasks and the mailbox ---------------------------------------------------------------------------


@login_required
def communities(request):
    communities = selectors.communities_for(request.user)
    if communities.count() == 1:
        return redirect("party:community", pk=communities.get().pk)
    return render(request, "party/communities.html", {"communities": communities})


@login_required
def community(request, pk: int):
    """双报到 in one community: who reported, and the tasks and 微心愿 members take on."""
    grid = selectors.community_for(request.user, pk)
    today = timezone.localdate()
    task_form = CommunityTaskForm(request.POST if "title" in request.POST else None)
    unit_form = UnitReportForm(
        request.POST if "unit" in request.POST else None,
        units=directory_selectors.units_for(request.user),
        initial={"reported_on": today},
    )
    if task_form.is_bound and task_form.is_valid():
        services.post_community_task(community=grid, actor=request.user, **task_form.cleaned_data)
        messages.success(request, "任务已发布，报到党员可在“我的”中认领。")
        return redirect("party:community", pk=grid.pk)
    if unit_form.is_bound and unit_form.is_valid():
        services.report_to_community(community=grid, actor=request.user, **unit_form.cleaned_data)
        messages.success(request, f"{unit_form.cleaned_data['unit']}已报到。")
        return redirect("party:community", pk=grid.pk)
    context = {
        "community": grid,
        "reports": [(r, r.renewal_overdue_since(today)) for r in selectors.reports_to(grid)],
        "tasks": grid.party_tasks.select_related("claimed_by__person", "appeal"),
        "task_form": task_form,
        "unit_form": unit_form,
    }
    return render(request, "party/community.html", context)


@login_required
@require_POST
def study_self(request):
    """学习登记: a member records her own study session."""
    member = selectors.own_member(request.user)
    if member is None:
        raise Http404
    form = StudyForm(request.POST)
    if form.is_valid():
        try:
            services.record_study(member=member, actor=request.user, **form.cleaned_data)
        except RuleViolation as violation:
            form.add_error(None, str(violation))
        else:
            messages.success(request, "学习记录已登记，支部确认后计入学时和积分。")
            return redirect("party:mine")
    return _mine_page(request, member, study_form=form)


@login_required
@require_POST
def study_decide(request, pk: int):
    """The branch confirms a member's own study entry, or returns it with a reason."""
    record = selectors.study_record_for(request.user, pk)
    if request.POST.get("decision") == "confirm":
        _refusal_or_success(
            request,
            lambda: services.confirm_study(record=record, actor=request.user),
            f"已确认{record.member}的学习记录。",
        )
    else:
        _refusal_or_success(
            request,
            lambda: services.return_study(
                record=record, actor=request.user, reason=request.POST.get("reason", "")
            ),
            f"已退回{record.member}的学习记录。",
        )
    return redirect("party:branch", pk=record.member.organisation_id)


@login_required
@require_POST
def report_self(request):
    """An in-service member reports to the community where she lives (a repeat renews it)."""
    member = selectors.own_member(request.user)
    community = selectors.community_of(member.person.home_grid) if member else None
    if community is None:
        messages.error(request, "您的档案没有居住社区，请联系所在党支部。")
    else:
        services.report_to_community(
            community=community, member=member, reported_on=timezone.localdate(), actor=request.user
        )
        messages.success(request, f"已向{community}报到。")
    return redirect("party:mine")


@login_required
@require_POST
def task_claim(request, pk: int):
    task = selectors.task_for(request.user, pk)
    member = selectors.own_member(request.user)
    if member is None:
        raise PermissionDenied("只有党员可以认领任务。")
    try:
        services.claim_task(task=task, member=member, claimed_on=timezone.localdate(), actor=request.user)
    except RuleViolation as violation:
        messages.error(request, str(violation))
    else:
        messages.success(request, f"已认领「{task.title}」。")
    return redirect("party:mine")


@login_required
def task_complete(request, pk: int):
    task = selectors.task_for(request.user, pk)
    member = selectors.own_member(request.user)
    if member is None or task.claimed_by_id != member.pk:
        raise Http404
    form = TaskCompletionForm(request.POST or None, initial={"completed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.complete_task(task=task, member=member, actor=request.user, **form.cleaned_data)
        except RuleViolation as violation:
            form.add_error(None, str(violation))
        else:
            messages.success(request, f"「{task.title}」已完成，服务时长和积分已计入。")
            return redirect("party:mine")
    return render(request, "party/task_complete.html", {"task": task, "form": form})


@login_required
def appeal_task(request, appeal_pk: int):
    """A community secretary turns an appeal into a 双报到 task for the members reported to the community."""
    appeal = appeal_selectors.appeal_for(request.user, appeal_pk)
    form = AppealTaskForm(request.POST or None, initial={"title": appeal.title[:100]})
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_from_appeal(appeal=appeal, actor=request.user, **form.cleaned_data)
        except RuleViolation as violation:
            form.add_error(None, str(violation))
        else:
            messages.success(request, f"已向{task.community}报到党员发布任务「{task.title}」。")
            return redirect("party:appeal_task", appeal_pk=appeal.pk)
    context = {
        "appeal": appeal,
        "form": form,
        "tasks": selectors.helpers_of_appeal(appeal),
    }
    return render(request, "party/appeal_task.html", context)


@login_required
def my_mailbox(request):
    """The secretary mailbox of the community the signed-in person lives in."""
    organisation = selectors.home_organisation(request.user.person)
    if organisation is None:
        messages.error(request, "未找到您居住社区的党组织，请通过其他渠道反映诉求。")
        return redirect("web:home")
    return redirect("party:mailbox", pk=organisation.pk)


@login_required
def mailbox(request, pk: int):
    """书记信箱 of an organisation: any signed-in resident may write; the letter becomes an appeal."""
    organisation = get_object_or_404(Organisation, pk=pk)
    person = request.user.person
    initial = {"sender_name": person.name if person else "", "phone": person.phone if person else ""}
    form = MailboxForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        message = services.send_mailbox_message(
            organisation=organisation, sender=person, actor=request.user, **form.cleaned_data
        )
        messages.success(
            request, f"来信已收到，查询码 {message.appeal.tracking_code}。办理进度可在“我的诉求”中查看。"
        )
        return redirect("party:mailbox", pk=organisation.pk)
    return render(request, "party/mailbox.html", {"organisation": organisation, "form": form})
