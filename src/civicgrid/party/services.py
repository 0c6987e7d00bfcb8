"""Writes to party data. Each exercise of power (approvals, votes, dues, recruitment steps, transfers) is
checked against its rule, refused with a RuleViolation naming the rule and the dates, and traced in the
留痕 ledger inside the same transaction."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from civicgrid.appeals.models import Channel, Kind
from civicgrid.appeals.services import notify, record_party_help, submit_appeal
from civicgrid.directory.models import Person, Role
from civicgrid.directory.scope import scope_of
from civicgrid.ledger.services import record as record_in_ledger

from . import roster, selectors
from .models import (
    AppraisalResult,
    AppraisalRound,
    BranchMeeting,
    CommitteeMember,
    CommitteeRole,
    CommunityReport,
    CommunityTask,
    DuesPayment,
    DuesReduction,
    MailboxMessage,
    MeetingAttendance,
    MeetingVote,
    MemberStatus,
    Organisation,
    OrganisationTransfer,
    PartyMember,
    PointEntry,
    RecruitmentApplication,
    RecruitmentStep,
    ReductionStatus,
    StudyRecord,
    TaskKind,
    TaskStatus,
    TransferStatus,
    VoluntaryDues,
    VolunteerShift,
    WrittenOpinion,
)
from .rules import dues, recruitment, study, transfer
from .rules.dates import add_months, month_start
from .rules.points import points_for
from .rules.recruitment import FullMembershipOutcome, StepFact
from .rules.structure import OrganisationKind, check_committee_candidate, check_parent
from .rules.violations import RuleViolation, cn_date
from .rules.votes import VoteTally, check_appraisal, election_result


def _trace(action: str, *, target, actor, payload: dict | None = None) -> None:
    record_in_ledger(f"party.{action}", target=target, actor=actor, payload=payload or {})


def _require_manager(actor, organisation: Organisation) -> None:
    """People act within the organisations they manage; actor None is the platform itself (the demo seeder,
    imports), which the callers vouch for."""
    if actor is not None and not selectors.manages(actor, organisation):
        raise PermissionDenied("只有该党组织的委员或上级党组织可以办理。")


# --- organisations and members ----------------------------------------------------------------------------


@transaction.atomic
def create_organisation(
    *,
    name: str,
    kind: str,
    founded_on: date,
    parent: Organisation | None = None,
    unit=None,
    grid=None,
    compound=None,
    community_based: bool = False,
    term_start: date | None = None,
    actor=None,
) -> Organisation:
    if parent is not None:
        _require_manager(actor, parent)
    check_parent(kind, parent.kind if parent else None)
    organisation = Organisation.objects.create(
        name=name,
        kind=kind,
        parent=parent,
        unit=unit,
        grid=grid,
        compound=compound,
        community_based=community_based,
        founded_on=founded_on,
        term_start=term_start,
    )
    _trace("organisation.create", target=organisation, actor=actor, payload={"name": name, "kind": kind})
    return organisation


@transaction.atomic
def appoint_committee_member(
    *, organisation: Organisation, member: PartyMember, role: str, term_start: date, actor=None
) -> CommitteeMember:
    """Committee members are elected from full members; probationary members cannot be elected."""
    _require_manager(actor, organisation)
    check_committee_candidate(str(member), member.is_full)
    post = CommitteeMember.objects.create(
        organisation=organisation, member=member, role=role, term_start=term_start
    )
    _trace("committee.appoint", target=post, actor=actor, payload={"member": member.pk, "role": role})
    return post


@transaction.atomic
def record_election(
    *,
    organisation: Organisation,
    held_on: date,
    seats: int,
    due_voting: int,
    present_voting: int,
    votes: Mapping[PartyMember, int],
    roles: Mapping[PartyMember, str] | None = None,
    actor,
) -> list[CommitteeMember]:
    """换届: the members elected form the committee of a new term from `held_on`; the posts of the outgoing
    committee end the day before. `roles` gives the elected their 分工 (书记, 副书记 …; 委员 otherwise)."""
    _require_manager(actor, organisation)
    for candidate in votes:
        check_committee_candidate(str(candidate), candidate.is_full)
    elected = election_result(due_voting=due_voting, present_voting=present_voting, seats=seats, votes=votes)
    roles = dict(roles or {})
    not_elected = [str(m) for m in roles if m not in elected]
    if not_elected:
        raise RuleViolation("committee_roles", "分工限于当选委员", f"{'、'.join(not_elected)} 未当选。")
    selectors.committee_of(organisation, held_on).update(term_end=held_on - timedelta(days=1))
    posts = [
        CommitteeMember.objects.create(
            organisation=organisation, member=m, role=roles.get(m, CommitteeRole.MEMBER), term_start=held_on
        )
        for m in elected
    ]
    organisation.term_start = held_on
    organisation.save(update_fields=["term_start"])
    _trace(
        "committee.elect",
        target=organisation,
        actor=actor,
        payload={
            "held_on": held_on,
            "due": due_voting,
            "present": present_voting,
            "votes": {str(m.pk): n for m, n in votes.items()},
            "elected": [m.pk for m in elected],
        },
    )
    return posts


@transaction.atomic
def register_member(
    *,
    person,
    organisation: Organisation,
    status: str,
    admitted_on: date,
    full_since: date | None = None,
    dues_category: str,
    dues_base: Decimal = Decimal(0),
    dues_from: date | None = None,
    is_mobile: bool = False,
    actor=None,
) -> PartyMember:
    """Enter a member who joined before the branch used the platform (new members come from recruitment)."""
    _require_manager(actor, organisation)
    rules = recruitment.rule_set()
    recruitment.check_membership_dates(status == MemberStatus.FULL, admitted_on, full_since, rules)
    member = PartyMember.objects.create(
        person=person,
        organisation=organisation,
        status=status,
        admitted_on=admitted_on,
        probation_end=full_since or add_months(admitted_on, rules.probation_months),
        full_since=full_since,
        dues_category=dues_category,
        dues_base=dues_base,
        dues_from=month_start(dues_from or admitted_on),
        is_mobile=is_mobile,
    )
    _trace(
        "member.register",
        target=member,
        actor=actor,
        payload={"organisation": organisation.pk, "status": status},
    )
    return member


@dataclass(frozen=True)
class RosterPlan:
    """One roster row as an import would enter it: `person` is the platform's record of them, or None for
    someone it does not know yet."""

    row: roster.RosterRow
    person: Person | None


def check_roster(*, organisation: Organisation, rows: list[dict[str, str]], actor) -> list[RosterPlan]:
    """Everything import_roster checks, with nothing stored: what it would enter, or RosterError listing every
    problem. A person the platform knows by the same name and phone is that person (phones are not unique: a
    family shares one, a caller may give a surname only), provided they are not a member already."""
    _require_manager(actor, organisation)
    if organisation.kind != OrganisationKind.BRANCH:
        raise RuleViolation("roster_branch", "党员编入党支部", "花名册只能导入到党支部。")
    entries = roster.read_roster(rows)
    known: dict[tuple[str, str], list[Person]] = {}
    for person in Person.objects.filter(phone__in=[e.phone for e in entries]).select_related("party_member"):
        known.setdefault((person.name, person.phone), []).append(person)
    problems, plans = [], []
    for entry in entries:
        same = known.get((entry.name, entry.phone), [])
        member = next((p.party_member for p in same if hasattr(p, "party_member")), None)
        if member is not None:
            problems.append(
                roster.RosterProblem(entry.number, "姓名", f"{entry.name} 已是党员（{member.organisation}）")
            )
        plans.append(RosterPlan(entry, same[0] if same else None))
    if problems:
        raise roster.RosterError(problems)
    return plans


@transaction.atomic
def import_roster(*, organisation: Organisation, rows: list[dict[str, str]], actor) -> list[PartyMember]:
    """Enter a branch's existing members from its roster file (party/roster.py), all or none, after the
    checks of check_roster; anyone the platform does not know is added."""
    plans = check_roster(organisation=organisation, rows=rows, actor=actor)
    today = timezone.localdate()  # the dues ledger starts when the branch starts keeping it here
    return [
        register_member(
            person=plan.person or Person.objects.create(name=plan.row.name, phone=plan.row.phone),
            organisation=organisation,
            status=plan.row.status,
            admitted_on=plan.row.admitted_on,
            full_since=plan.row.full_since,
            dues_category=plan.row.dues_category,
            dues_base=plan.row.dues_base,
            dues_from=today,
            is_mobile=plan.row.is_mobile,
            actor=actor,
        )
        for plan in plans
    ]


@transaction.atomic
def place_in_group(*, member: PartyMember, group: Organisation, actor) -> PartyMember:
    _require_manager(actor, member.organisation)
    if group.kind != OrganisationKind.GROUP or group.parent_id != member.organisation_id:
        raise RuleViolation(
            "group_of_branch", "编入本支部的党小组", f"{group} 不是 {member.organisation} 的党小组。"
        )
    member.group = group
    member.save(update_fields=["group"])
    _trace("member.place", target=member, actor=actor, payload={"group": group.pk})
    return member


# --- 组织关系转接 -------------------------------------------------------------------------------------------


@transaction.atomic
def issue_transfer_letter(
    *,
    member: PartyMember,
    issued_on: date,
    to_organisation: Organisation | None = None,
    to_name: str = "",
    actor,
) -> OrganisationTransfer:
    """The member's branch agrees and the letter records the month dues are paid to."""
    _require_manager(actor, member.organisation)
    if to_organisation is None and not to_name.strip():
        raise RuleViolation("transfer_destination", "转入党组织", "请选择或填写转入党组织。")
    paid = member.dues_payments.order_by("-month").first()
    letter = OrganisationTransfer.objects.create(
        member=member,
        from_organisation=member.organisation,
        to_organisation=to_organisation,
        to_name=to_name.strip(),
        issued_on=issued_on,
        dues_paid_to=paid.month if paid else None,
    )
    _trace("transfer.issue", target=letter, actor=actor, payload={"issued_on": issued_on})
    return letter


@transaction.atomic
def accept_transfer(*, letter: OrganisationTransfer, accepted_on: date, actor) -> OrganisationTransfer:
    """The receiving organisation accepts a letter still valid and assigns the member to its branch."""
    if letter.to_organisation is None:
        raise RuleViolation("transfer_destination", "转入党组织", "转往平台外党组织的介绍信由对方接收。")
    _require_manager(actor, letter.to_organisation)
    if letter.status != TransferStatus.ISSUED:
        raise RuleViolation("transfer_state", "转接状态", "该介绍信已经接收。")
    transfer.check_acceptance(letter.issued_on, accepted_on)
    letter.accepted_on, letter.status = accepted_on, TransferStatus.ACCEPTED
    letter.save(update_fields=["accepted_on", "status"])
    member = letter.member
    member.organisation, member.group = letter.to_organisation, None
    member.save(update_fields=["organisation", "group"])
    _trace("transfer.accept", target=letter, actor=actor, payload={"accepted_on": accepted_on})
    return letter


@transaction.atomic
def return_transfer_receipt(
    *, letter: OrganisationTransfer, returned_on: date, actor
) -> OrganisationTransfer:
    """The receipt comes back to the issuer. For a letter to an organisation outside the platform the receipt
    is the only news of its acceptance, and the member leaves the branch's roll."""
    _require_manager(actor, letter.from_organisation)
    outside = letter.to_organisation is None
    if letter.status != TransferStatus.ACCEPTED and not (outside and letter.status == TransferStatus.ISSUED):
        raise RuleViolation("transfer_state", "转接状态", "介绍信尚未被接收。")
    if outside:
        letter.accepted_on = letter.accepted_on or returned_on
        letter.member.status = MemberStatus.TRANSFERRED_OUT
        letter.member.save(update_fields=["status"])
    letter.receipt_returned_on, letter.status = returned_on, TransferStatus.RECEIPTED
    letter.save(update_fields=["receipt_returned_on", "accepted_on", "status"])
    overdue = transfer.receipt_overdue(letter.accepted_on, returned_on, returned_on)
    _trace(
        "transfer.receipt",
        target=letter,
        actor=actor,
        payload={"returned_on": returned_on, "overdue": overdue},
    )
    return letter


# --- 三会一课 -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attendance:
    member: PartyMember
    present: bool
    absence_reason: str = ""
    written_opinion: str = WrittenOpinion.NONE


@dataclass(frozen=True)
class Vote:
    subject: str
    yes: int
    no: int = 0
    abstain: int = 0


def _tally(vote: Vote, attendance: list[Attendance]) -> VoteTally:
    """Due and present voters and written opinions come from the attendance: only full members vote."""
    voters = [a for a in attendance if a.member.can_vote]
    absent = [a for a in voters if not a.present]
    return VoteTally(
        due_voting=len(voters),
        present_voting=sum(a.present for a in voters),
        yes=vote.yes,
        no=vote.no,
        abstain=vote.abstain,
        written_yes=sum(a.written_opinion == WrittenOpinion.YES for a in absent),
        written_no=sum(a.written_opinion == WrittenOpinion.NO for a in absent),
    )


@transaction.atomic
def record_meeting(
    *,
    organisation: Organisation,
    kind: str,
    held_on: date,
    place: str,
    chair: PartyMember,
    recorder: PartyMember,
    agenda: str,
    attendance: Iterable[Attendance],
    votes: Iterable[Vote] = (),
    topic: str = "",
    resolutions: str = "",
    remarks: str = "",
    start_time=None,
    actor,
) -> BranchMeeting:
    _require_manager(actor, organisation)
    attendance = list(attendance)
    missing_reason = [str(a.member) for a in attendance if not a.present and not a.absence_reason.strip()]
    if missing_reason:
        raise RuleViolation(
            "absence_reason", "缺席须注明原因", f"{'、'.join(missing_reason)} 缺席未注明原因。"
        )
    tallies = [(vote, _tally(vote, attendance)) for vote in votes]
    for vote, tally in tallies:
        tally.check_consistent()
        if not tally.quorate:
            raise RuleViolation(
                "assembly_quorum",
                "到会有表决权的党员超过应到人数的一半",
                f"「{vote.subject}」：应到 {tally.due_voting} 人，实到 {tally.present_voting} 人，不能表决。",
            )
    meeting = BranchMeeting.objects.create(
        organisation=organisation,
        kind=kind,
        held_on=held_on,
        start_time=start_time,
        place=place,
        chair=chair,
        recorder=recorder,
        topic=topic,
        agenda=agenda,
        resolutions=resolutions,
        remarks=remarks,
        recorded_by=actor,
    )
    MeetingAttendance.objects.bulk_create(
        MeetingAttendance(
            meeting=meeting,
            member=a.member,
            present=a.present,
            absence_reason=a.absence_reason.strip(),
            written_opinion=a.written_opinion if not a.present else WrittenOpinion.NONE,
        )
        for a in attendance
    )
    MeetingVote.objects.bulk_create(
        MeetingVote(
            meeting=meeting,
            subject=vote.subject,
            due_voting=tally.due_voting,
            present_voting=tally.present_voting,
            yes=tally.yes,
            no=tally.no,
            abstain=tally.abstain,
            written_yes=tally.written_yes,
            written_no=tally.written_no,
            passed=tally.passed,
        )
        for vote, tally in tallies
    )
    for a in attendance:
        if a.present:
            award_points(member=a.member, reason="meeting_attended", occurred_on=held_on, note=str(meeting))
    _trace(
        "meeting.record",
        target=meeting,
        actor=actor,
        payload={
            "kind": kind,
            "held_on": held_on,
            "present": [a.member.pk for a in attendance if a.present],
            "absent": [a.member.pk for a in attendance if not a.present],
            "votes": [
                {"subject": v.subject, "passed": t.passed, "yes": t.yes + t.written_yes} for v, t in tallies
            ],
        },
    )
    return meeting


@transaction.atomic
def record_appraisal(
    *, organisation: Organisation, year: int, held_on: date, grades: Mapping[PartyMember, str], actor
) -> AppraisalRound:
    """民主评议: the 1/3 cap on 优秀 and no grades for probationary members."""
    _require_manager(actor, organisation)
    check_appraisal(
        {str(m): g for m, g in grades.items()},
        full_members=selectors.voting_members(organisation).count(),
        probationary={str(m) for m in grades if m.status == MemberStatus.PROBATIONARY},
    )
    appraisal = AppraisalRound.objects.create(organisation=organisation, year=year, held_on=held_on)
    AppraisalResult.objects.bulk_create(
        AppraisalResult(round=appraisal, member=m, grade=g) for m, g in grades.items()
    )
    _trace(
        "appraisal.record", target=appraisal, actor=actor, payload={str(m.pk): g for m, g in grades.items()}
    )
    return appraisal


# --- 党费 -------------------------------------------------------------------------------------------------


@transaction.atomic
def record_dues_payment(
    *, member: PartyMember, month: date, amount: Decimal, paid_on: date, actor
) -> DuesPayment:
    """A month's dues, paid in full at the amount due (an approved reduction's amount where one applies)."""
    _require_manager(actor, member.organisation)
    # One payment per member and month: lock the member so two clerks cannot both record the same month.
    PartyMember.objects.select_for_update().filter(pk=member.pk).first()
    month = month_start(month)
    if month < month_start(member.admitted_on):
        raise RuleViolation(
            "dues_before_admission",
            "预备党员自支部大会通过之月起交纳党费",
            f"{member} 于 {cn_date(member.admitted_on)} 接收为预备党员，"
            f"{month.year}年{month.month}月无须交纳。",
        )
    due = selectors.dues_for_month(member, month)
    if Decimal(amount) != due:
        raise RuleViolation(
            "dues_amount",
            "按规定标准交纳党费",
            f"{member} {month.year}年{month.month}月应交 {due} 元，录入 {amount} 元。",
        )
    if member.dues_payments.filter(month=month).exists():
        raise RuleViolation(
            "dues_duplicate", "按月交纳党费", f"{member} {month.year}年{month.month}月党费已交。"
        )
    payment = DuesPayment.objects.create(
        member=member, month=month, amount=due, paid_on=paid_on, recorded_by=actor
    )
    award_points(member=member, reason="dues_paid", occurred_on=paid_on, note=f"{month:%Y-%m} 党费")
    _trace("dues.pay", target=payment, actor=actor, payload={"month": month, "amount": due})
    return payment


@transaction.atomic
def record_voluntary_dues(*, member: PartyMember, amount: Decimal, paid_on: date, actor) -> VoluntaryDues:
    """自愿多交党费, recorded by the branch; whether it goes to the Centre whole is fixed when it is paid."""
    _require_manager(actor, member.organisation)
    if Decimal(amount) <= 0:
        raise RuleViolation("dues_voluntary_amount", "自愿多交党费", f"金额应大于 0 元，录入 {amount} 元。")
    if paid_on > timezone.localdate():
        raise RuleViolation("dues_voluntary_future", "如实登记党费", f"交纳日期 {cn_date(paid_on)} 还没到。")
    payment = VoluntaryDues.objects.create(
        member=member,
        amount=amount,
        paid_on=paid_on,
        to_centre=dues.voluntary_dues_to_centre(amount),
        recorded_by=actor,
    )
    _trace(
        "dues.voluntary",
        target=payment,
        actor=actor,
        payload={"amount": amount, "paid_on": paid_on, "to_centre": payment.to_centre},
    )
    return payment


@transaction.atomic
def request_dues_reduction(
    *,
    member: PartyMember,
    first_month: date,
    last_month: date,
    monthly_amount: Decimal,
    reason: str,
    branch_decided_on: date,
    actor,
) -> DuesReduction:
    """The branch decides a hardship reduction or exemption; it applies once approved one level up."""
    _require_manager(actor, member.organisation)
    if month_start(last_month) < month_start(first_month):
        raise RuleViolation("reduction_period", "减免期间", "截止月份早于起始月份。")
    reduction = DuesReduction.objects.create(
        member=member,
        first_month=month_start(first_month),
        last_month=month_start(last_month),
        monthly_amount=monthly_amount,
        reason=reason,
        branch_decided_on=branch_decided_on,
    )
    _trace(
        "dues.reduction_request",
        target=reduction,
        actor=actor,
        payload={"amount": monthly_amount, "reason": reason},
    )
    return reduction


@transaction.atomic
def decide_dues_reduction(
    *, reduction: DuesReduction, approve: bool, decided_on: date, actor
) -> DuesReduction:
    parent = reduction.member.organisation.parent
    if parent is None or not selectors.manages(actor, parent):
        raise PermissionDenied("党费减免须经上一级党组织审批。")
    if reduction.status != ReductionStatus.PENDING:
        raise RuleViolation("reduction_state", "减免审批", "该申请已审批。")
    if decided_on < reduction.branch_decided_on:
        raise RuleViolation(
            "reduction_order",
            "先支部决定后上级审批",
            f"审批 {cn_date(decided_on)} 早于支部决定 {cn_date(reduction.branch_decided_on)}。",
        )
    reduction.status = ReductionStatus.APPROVED if approve else ReductionStatus.REFUSED
    reduction.decided_by, reduction.decided_on = actor, decided_on
    reduction.save(update_fields=["status", "decided_by", "decided_on"])
    _trace("dues.reduction_decide", target=reduction, actor=actor, payload={"approved": approve})
    return reduction


# --- 发展党员 -----------------------------------------------------------------------------------------------


@transaction.atomic
def open_application(
    *, person, organisation: Organisation, birth_date: date, actor, rule_version: str | None = None
) -> RecruitmentApplication:
    _require_manager(actor, organisation)
    if organisation.kind != OrganisationKind.BRANCH:
        raise RuleViolation("application_branch", "向党支部递交申请", f"{organisation} 不是党支部。")
    if PartyMember.objects.filter(
        person=person, status__in=[MemberStatus.FULL, MemberStatus.PROBATIONARY]
    ).exists():
        raise RuleViolation("application_member", "申请人不是党员", f"{person} 已是党员。")
    application = RecruitmentApplication.objects.create(
        person=person,
        organisation=organisation,
        birth_date=birth_date,
        rule_version=recruitment.rule_set(rule_version).version,
    )
    _trace(
        "recruitment.open",
        target=application,
        actor=actor,
        payload={"rule_version": application.rule_version},
    )
    return application


@transaction.atomic
def open_application_for_new_person(
    *, name: str, phone: str, organisation: Organisation, birth_date: date, actor
) -> RecruitmentApplication:
    """An applicant not yet known to the platform is recorded as living where the branch is; a refused
    application leaves no stray person behind."""
    home = organisation.compound.grid if organisation.compound_id else organisation.grid
    person = Person.objects.create(name=name.strip(), phone=phone.strip(), home_grid=home)
    return open_application(person=person, organisation=organisation, birth_date=birth_date, actor=actor)


def history_of(application: RecruitmentApplication) -> tuple[StepFact, ...]:
    return tuple(StepFact(s.number, s.done_on, s.data) for s in application.steps.order_by("pk"))


def _member_facts(members: Iterable[PartyMember]) -> list[dict]:
    """Contacts and introducers as the rules see them, frozen into the step record."""
    return [
        {
            "id": m.pk,
            "name": str(m),
            "full_member": m.is_full,
            "under_discipline": m.under_probation_discipline,
        }
        for m in members
    ]


@transaction.atomic
def record_recruitment_step(
    *,
    application: RecruitmentApplication,
    number: int,
    day: date,
    documents: Iterable[str],
    data: Mapping | None = None,
    notes: str = "",
    actor,
    today: date | None = None,
) -> RecruitmentStep:
    """Record one of the 25 steps after checking it against the application's rule set."""
    _require_manager(actor, application.organisation)
    application = RecruitmentApplication.objects.select_for_update().get(pk=application.pk)
    data = dict(data or {})
    for key in ("contacts", "introducers"):
        if key in data:
            data[key] = _member_facts(data[key])
    group = data.pop("group", None)
    rules, history = application.rules, history_of(application)
    documents = list(documents)
    recruitment.check_step(
        rules,
        history,
        number=number,
        day=day,
        documents=documents,
        data=data,
        birth_date=application.birth_date,
        today=today or timezone.localdate(),
    )
    step = RecruitmentStep.objects.create(
        application=application,
        number=number,
        done_on=day,
        documents=documents,
        data=data,
        notes=notes,
        actor=actor,
    )
    history += (StepFact(number, day, data),)
    _apply_step_outcome(application, number, history, group, actor)
    application.next_step = recruitment.next_step(history)
    application.save(update_fields=["next_step", "member"])
    _trace(
        f"recruitment.step{number}",
        target=application,
        actor=actor,
        payload={
            "step": number,
            "title": rules.step(number).title,
            "day": day,
            "documents": documents,
            **data,
        },
    )
    return step


def _apply_step_outcome(
    application: RecruitmentApplication, number: int, history: tuple[StepFact, ...], group, actor
) -> None:
    """Approval of admission makes the applicant a probationary member from the branch meeting's date;
    placement puts her in a group; approval of the 转正 resolution makes her a full member (party age from the
    end of probation), extends her probation, or cancels it."""
    rules = application.rules
    if number == 17:
        admitted_on = next(f.day for f in history if f.number == 15)
        # update_or_create: someone whose probation was once cancelled may apply and be admitted again.
        application.member, _ = PartyMember.objects.update_or_create(
            person=application.person,
            defaults={
                "organisation": application.organisation,
                "group": None,
                "status": MemberStatus.PROBATIONARY,
                "admitted_on": admitted_on,
                "probation_end": recruitment.probation_end(history, rules),
                "full_since": None,
                "dues_from": month_start(admitted_on),
            },
        )
    elif number == 19 and group is not None:
        place_in_group(member=application.member, group=group, actor=actor)
    elif number == 24:
        member = application.member
        outcome = next(f for f in reversed(history) if f.number == 23).data["outcome"]
        member.probation_end = recruitment.probation_end(history, rules)
        if outcome == FullMembershipOutcome.ON_TIME:
            member.status, member.full_since = MemberStatus.FULL, member.probation_end
        elif outcome == FullMembershipOutcome.CANCEL:
            member.status = MemberStatus.CANCELLED
        member.save(update_fields=["probation_end", "status", "full_since"])


# --- 积分, volunteer service, 双报到 ---------------------------------------------------------------------


def award_points(
    *,
    member: PartyMember,
    reason: str,
    occurred_on: date,
    quantity: Decimal | int = 1,
    note: str = "",
    actor=None,
) -> PointEntry:
    """One line in the member's points ledger; the yearly caps apply when the score is computed."""
    return PointEntry.objects.create(
        member=member,
        reason=reason,
        points=points_for(reason, quantity),
        occurred_on=occurred_on,
        note=note,
        recorded_by=actor,
    )


@transaction.atomic
def record_points(*, member: PartyMember, reason: str, occurred_on: date, note: str, actor) -> PointEntry:
    """A bonus or deduction entered by the branch (honours, breaches): always with its reason."""
    _require_manager(actor, member.organisation)
    if not note.strip():
        raise RuleViolation("points_reason", "积分变动须说明理由", "请填写说明。")
    entry = award_points(
        member=member, reason=reason, occurred_on=occurred_on, note=note.strip(), actor=actor
    )
    _trace(
        "points.record",
        target=member,
        actor=actor,
        payload={"reason": reason, "points": entry.points, "note": note},
    )
    return entry


@transaction.atomic
def record_volunteer_shift(
    *,
    post,
    member: PartyMember,
    served_on: date,
    service_hours: Decimal,
    travel_hours: Decimal = Decimal(0),
    items_served: int = 0,
    note: str = "",
    actor,
) -> VolunteerShift:
    """Hours on the post only: travel time is recorded apart and never counted (民政部 2021 办法). The
    member's branch records them, whoever runs the post."""
    _require_manager(actor, member.organisation)
    if service_hours <= 0:
        raise RuleViolation("service_hours", "服务时长", "服务时长须大于 0。")
    shift = VolunteerShift.objects.create(
        post=post,
        member=member,
        served_on=served_on,
        service_hours=service_hours,
        travel_hours=travel_hours,
        items_served=items_served,
        note=note,
    )
    award_points(
        member=member, reason="service_hour", quantity=service_hours, occurred_on=served_on, note=str(post)
    )
    _trace(
        "volunteer.shift", target=shift, actor=actor, payload={"hours": service_hours, "items": items_served}
    )
    return shift


@transaction.atomic
def report_to_community(
    *, community, reported_on: date, member: PartyMember | None = None, unit=None, actor=None
):
    """双报到: a member or a unit registers with a community; a repeat registration renews it."""
    report, created = CommunityReport.objects.get_or_create(
        community=community, member=member, unit=unit, defaults={"reported_on": reported_on}
    )
    if not created:
        report.renewed_on = reported_on
        report.save(update_fields=["renewed_on"])
    _trace("report.register", target=report, actor=actor, payload={"renewal": not created})
    return report


@transaction.atomic
def post_community_task(
    *, community, kind: str, title: str, description: str = "", posted_by=None, appeal=None, actor
) -> CommunityTask:
    task = CommunityTask.objects.create(
        community=community,
        kind=kind,
        title=title,
        description=description,
        posted_by=posted_by,
        appeal=appeal,
        created_by=actor,
    )
    _trace("task.post", target=task, actor=actor, payload={"kind": kind, "title": title})
    return task


@transaction.atomic
def task_from_appeal(*, appeal, title: str, description: str = "", actor) -> CommunityTask:
    """A community secretary hands an appeal in her community to the members reported there (双报到)."""
    community = selectors.community_of(appeal.grid)
    if community is None:
        raise RuleViolation("appeal_community", "诉求位于社区", "诉求未定位到社区，不能转为双报到任务。")
    scope = scope_of(actor)
    if not (
        scope.everything
        or (scope.has_role(Role.COMMUNITY_SECRETARY) and scope.covers_grid_path(community.path))
    ):
        raise PermissionDenied("只有该社区的社区书记可以把诉求转为双报到任务。")
    task = post_community_task(
        community=community,
        kind=TaskKind.TASK,
        title=title,
        description=description or appeal.text,
        appeal=appeal,
        actor=actor,
    )
    record_party_help(
        appeal, action="party_task", actor=actor, note=f"转为双报到任务「{title}」", data={"task": task.pk}
    )
    return task


@transaction.atomic
def claim_task(*, task: CommunityTask, member: PartyMember, claimed_on: date, actor) -> CommunityTask:
    """Members who reported to the task's community may claim it."""
    task = CommunityTask.objects.select_for_update().get(pk=task.pk)
    if task.status != TaskStatus.OPEN:
        raise RuleViolation("task_state", "任务认领", "该任务已被认领。")
    if not member.reports.filter(community=task.community).exists():
        raise RuleViolation(
            "task_reported", "向本社区报到的党员认领", f"{member} 未向 {task.community} 报到。"
        )
    task.status, task.claimed_by, task.claimed_on = TaskStatus.CLAIMED, member, claimed_on
    task.save(update_fields=["status", "claimed_by", "claimed_on"])
    _trace("task.claim", target=task, actor=actor, payload={"member": member.pk})
    return task


@transaction.atomic
def complete_task(
    *, task: CommunityTask, member: PartyMember, completed_on: date, hours: Decimal, outcome: str, actor
) -> CommunityTask:
    """Completion counts the hours and points; whoever turned an appeal into the task is notified."""
    task = CommunityTask.objects.select_for_update().get(pk=task.pk)
    if task.status != TaskStatus.CLAIMED or task.claimed_by_id != member.pk:
        raise RuleViolation("task_state", "任务完成", "只有认领该任务的党员可以办结。")
    if completed_on < task.claimed_on:
        raise RuleViolation(
            "task_order", "任务完成", f"完成 {cn_date(completed_on)} 早于认领 {cn_date(task.claimed_on)}。"
        )
    if not outcome.strip():
        raise RuleViolation("task_outcome", "任务完成", "请填写完成情况。")
    task.status, task.completed_on, task.hours, task.outcome = (
        TaskStatus.COMPLETED,
        completed_on,
        hours,
        outcome,
    )
    task.save(update_fields=["status", "completed_on", "hours", "outcome"])
    award_points(member=member, reason="task_completed", occurred_on=completed_on, note=task.title)
    if hours:
        award_points(
            member=member, reason="service_hour", quantity=hours, occurred_on=completed_on, note=task.title
        )
    _trace("task.complete", target=task, actor=actor, payload={"member": member.pk, "hours": hours})
    if task.appeal_id:
        record_party_help(
            task.appeal,
            action="party_help",
            note=f"党员{member}完成双报到任务「{task.title}」，服务 {hours} 小时：{outcome}",
            data={"task": task.pk, "member": member.pk, "hours": str(hours)},
        )
    if task.appeal_id and task.created_by_id:
        notify(
            account=task.created_by,
            text=f"党员{member}已完成诉求 {task.appeal.tracking_code} 的双报到任务「{task.title}」，"
            f"服务 {hours} 小时。",
            link=reverse("party:appeal_task", args=[task.appeal_id]),
        )
    return task


# --- 书记信箱 and study -------------------------------------------------------------------------------------


@transaction.atomic
def send_mailbox_message(
    *,
    organisation: Organisation,
    sender_name: str,
    subject: str,
    body: str,
    phone: str = "",
    sender=None,
    kind: str = Kind.SUGGESTION,
    actor=None,
) -> MailboxMessage:
    """A letter to the secretary is also an appeal (channel 书记信箱), so it is handled, timed and answered
    like every other; it is located at the organisation's grid or compound."""
    appeal = submit_appeal(
        channel=Channel.MAILBOX,
        kind=kind,
        title=subject,
        text=body,
        actor=actor,
        grid=organisation.grid,
        compound=organisation.compound,
        contact_name=sender_name,
        contact_phone=phone,
    )
    return MailboxMessage.objects.create(
        organisation=organisation,
        sender=sender,
        sender_name=sender_name,
        phone=phone,
        subject=subject,
        body=body,
        appeal=appeal,
    )


@transaction.atomic
def record_study(
    *,
    member: PartyMember,
    course,
    studied_on: date,
    hours: Decimal,
    quiz_score: int | None = None,
    actor=None,
) -> StudyRecord:
    """A study session, entered by the member herself or by her branch; a course counts once a day. The
    branch's entries count at once; a member's own entry counts (hours and study_hour points) when her branch
    confirms it (confirm_study)."""
    self_entered = actor is not None and selectors.own_member(actor) == member
    if actor is not None and not self_entered:
        _require_manager(actor, member.organisation)
    study.check_study_session(
        course_hours=course.hours,
        hours=Decimal(hours),
        studied_on=studied_on,
        today=timezone.localdate(),
        quiz_score=quiz_score,
    )
    if member.study.filter(course=course, studied_on=studied_on).exists():
        raise RuleViolation(
            "study_duplicate", "如实登记学习", f"{cn_date(studied_on)}的《{course}》学习已登记。"
        )
    record = StudyRecord.objects.create(
        member=member, course=course, studied_on=studied_on, hours=hours, quiz_score=quiz_score
    )
    _trace(
        "study.record",
        target=record,
        actor=actor,
        payload={"member": member.pk, "course": course.pk, "hours": hours, "studied_on": studied_on},
    )
    if not self_entered:
        _confirm(record, actor)
    return record


def _confirm(record: StudyRecord, actor) -> None:
    record.confirmed_at, record.confirmed_by = timezone.now(), actor
    record.save(update_fields=["confirmed_at", "confirmed_by"])
    award_points(
        member=record.member,
        reason="study_hour",
        quantity=record.hours,
        occurred_on=record.studied_on,
        note=str(record.course),
    )


@transaction.atomic
def confirm_study(*, record: StudyRecord, actor) -> StudyRecord:
    """The branch confirms a member's own study entry: its hours and points count from now on. Someone who
    manages the branch confirms others' entries, not her own."""
    _require_manager(actor, record.member.organisation)
    if selectors.own_member(actor) == record.member:
        raise RuleViolation("study_own", "如实登记学习", "不能确认自己登记的学习，请由支部其他负责人确认。")
    record = StudyRecord.objects.select_for_update().select_related("member", "course").get(pk=record.pk)
    if record.confirmed:
        raise RuleViolation("study_confirmed", "如实登记学习", "这条学习记录已经确认过了。")
    _confirm(record, actor)
    _trace("study.confirm", target=record, actor=actor, payload={"member": record.member_id})
    return record


@transaction.atomic
def return_study(*, record: StudyRecord, actor, reason: str) -> None:
    """The branch returns a member's own entry it cannot confirm (wrong course, date or hours): the entry is
    removed, the reason kept in the ledger and told to the member, who may enter it again correctly."""
    _require_manager(actor, record.member.organisation)
    if record.confirmed:
        raise RuleViolation("study_confirmed", "如实登记学习", "已确认的学习记录不能退回。")
    if not reason.strip():
        raise RuleViolation("study_return_reason", "如实登记学习", "请填写退回原因。")
    member, course, studied_on = record.member, record.course, record.studied_on
    _trace(
        "study.return",
        target=record,
        actor=actor,
        payload={"member": member.pk, "course": course.pk, "studied_on": studied_on, "reason": reason},
    )
    record.delete()
    account = member.person.account if hasattr(member.person, "account") else None
    if account is not None:
        notify(
            account=account,
            text=f"你登记的{cn_date(studied_on)}《{course}》学习被支部退回：{reason}",
            link=reverse("party:mine"),
        )
