"""Reads of party data, always through the actor's scope.

Who manages which organisations: an administrator everything; a member serving on a committee (书记, 委员…)
her organisation and everything under it (so a 党委 or 党工委 sees all its branches); a community secretary or
a district leader the organisations attached to grids and compounds in their area. Every member sees her own
records. Organisations outside the scope do not exist for the actor: views answer 404.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from civicgrid.directory.models import Role
from civicgrid.directory.scope import scope_of
from civicgrid.grid.models import Grid

from .conf import party_setting
from .models import (
    BranchMeeting,
    CommitteeMember,
    CommitteeRole,
    CommunityReport,
    CommunityTask,
    DuesPayment,
    DuesReduction,
    MemberStatus,
    Organisation,
    OrganisationTransfer,
    PartyMember,
    PointEntry,
    RecruitmentApplication,
    ReductionStatus,
    StudyRecord,
    TaskStatus,
    VoluntaryDues,
    VolunteerPost,
    VolunteerShift,
)
from .rules.dates import add_months, month_start, months_from
from .rules.dues import WAGE_CATEGORIES, Arrears, arrears, monthly_dues
from .rules.meetings import ComplianceEntry, MeetingKind, compliance_calendar
from .rules.points import yearly_score
from .rules.recruitment import STAGES
from .rules.service import service_shortfalls
from .rules.structure import OrganisationKind, StructureWarning, structure_warnings

AREA_MANAGER_ROLES = (Role.COMMUNITY_SECRETARY, Role.LEADER)


def community_level() -> int:
    return next(i for i, level in enumerate(settings.CIVICGRID_GRID_LEVELS) if level["key"] == "community")


def community_of(grid: Grid | None) -> Grid | None:
    """The community-level grid containing `grid` (itself if it is one)."""
    if grid is None:
        return None
    ancestor_ids = [int(i) for i in grid.path.strip("/").split("/")]
    return Grid.objects.filter(pk__in=ancestor_ids, level=community_level()).first()


# --- scope ------------------------------------------------------------------------------------------------


def managed_paths(actor) -> tuple[str, ...]:
    """Paths of the organisation subtrees the actor manages (cached on the account for the request)."""
    cached = getattr(actor, "_party_managed_paths", None)
    if cached is not None:
        return cached
    scope = scope_of(actor)
    paths = set(
        serving_committees(timezone.localdate())
        .filter(member__person_id=scope.person_id)
        .values_list("organisation__path", flat=True)
    )
    if scope.grid_paths and scope.has_role(*AREA_MANAGER_ROLES):
        attached = Organisation.objects.filter(
            scope.grid_q("grid__path") | scope.grid_q("compound__grid__path")
        )
        paths.update(attached.values_list("path", flat=True))
    kept: list[str] = []
    for path in sorted(paths, key=len):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    actor._party_managed_paths = tuple(kept)
    return actor._party_managed_paths


def _under_managed(actor, path_field: str) -> Q:
    if scope_of(actor).everything:
        return Q(pk__isnull=False)  # not Q(), which vanishes when OR-ed with the actor's own records
    q = Q(pk__in=[])
    for path in managed_paths(actor):
        q |= Q(**{f"{path_field}__startswith": path})
    return q


def organisations_for(actor) -> QuerySet[Organisation]:
    return Organisation.objects.filter(_under_managed(actor, "path")).select_related(
        "parent", "grid", "compound"
    )


def branches_for(actor) -> QuerySet[Organisation]:
    return organisations_for(actor).filter(kind=OrganisationKind.BRANCH)


def branch_for(actor, pk: int) -> Organisation:
    return get_object_or_404(branches_for(actor), pk=pk)


def manages(actor, organisation: Organisation) -> bool:
    return scope_of(actor).everything or any(organisation.path.startswith(p) for p in managed_paths(actor))


def members_for(actor) -> QuerySet[PartyMember]:
    """Members of the organisations the actor manages, and the actor's own member record."""
    own = Q(person_id=scope_of(actor).person_id) if scope_of(actor).person_id else Q(pk__in=[])
    return PartyMember.objects.filter(_under_managed(actor, "organisation__path") | own).select_related(
        "person", "organisation", "group"
    )


def own_member(actor) -> PartyMember | None:
    person_id = scope_of(actor).person_id
    if person_id is None:
        return None
    return PartyMember.objects.select_related("organisation").filter(person_id=person_id).first()


def applications_for(actor) -> QuerySet[RecruitmentApplication]:
    return RecruitmentApplication.objects.filter(_under_managed(actor, "organisation__path")).select_related(
        "person", "organisation"
    )


def application_for(actor, pk: int) -> RecruitmentApplication:
    return get_object_or_404(applications_for(actor), pk=pk)


def meetings_for(actor) -> QuerySet[BranchMeeting]:
    return BranchMeeting.objects.filter(_under_managed(actor, "organisation__path")).select_related(
        "organisation", "chair__person", "recorder__person"
    )


def communities_for(actor) -> QuerySet[Grid]:
    """Communities whose 双报到 the actor runs: those in the area of a community secretary or leader."""
    scope = scope_of(actor)
    if not scope.has_role(*AREA_MANAGER_ROLES):
        return Grid.objects.none()
    return Grid.objects.filter(scope.grid_q(), level=community_level())


def community_for(actor, pk: int) -> Grid:
    return get_object_or_404(communities_for(actor), pk=pk)


def reports_to(community: Grid) -> QuerySet[CommunityReport]:
    return community.party_reports.select_related("member__person", "member__organisation", "unit").order_by(
        "-reported_on"
    )


def home_organisation(person) -> Organisation | None:
    """The party organisation of the community a person lives in: where her letters to the secretary go."""
    community = community_of(person.home_grid) if person is not None else None
    return Organisation.objects.filter(grid=community).order_by("path").first() if community else None


def tasks_for(actor) -> QuerySet[CommunityTask]:
    """Tasks of communities in the actor's area, and tasks of communities the actor has reported to."""
    scope = scope_of(actor)
    reported = CommunityReport.objects.filter(member__person_id=scope.person_id).values("community")
    return CommunityTask.objects.filter(
        scope.grid_q("community__path") | Q(community__in=reported)
    ).select_related("community", "claimed_by__person")


def task_for(actor, pk: int) -> CommunityTask:
    return get_object_or_404(tasks_for(actor), pk=pk)


# --- organisations ----------------------------------------------------------------------------------------


def voting_members(organisation: Organisation) -> QuerySet[PartyMember]:
    return organisation.members.filter(status=MemberStatus.FULL)


def current_members(organisation: Organisation) -> QuerySet[PartyMember]:
    return organisation.members.filter(
        status__in=[MemberStatus.FULL, MemberStatus.PROBATIONARY]
    ).select_related("person")


def groups_of(branch: Organisation) -> QuerySet[Organisation]:
    return branch.children.filter(kind=OrganisationKind.GROUP)


def due_at(organisation: Organisation, kind: str, today: date) -> QuerySet[PartyMember]:
    """Who is due at a meeting: the committee at a 支委会, every current member otherwise."""
    members = current_members(organisation)
    if kind == MeetingKind.COMMITTEE:
        return members.filter(committee_posts__in=committee_of(organisation, today)).distinct()
    return members


def serving_committees(today: date) -> QuerySet[CommitteeMember]:
    """Committee posts whose term has begun and not ended."""
    return CommitteeMember.objects.filter(
        Q(term_end__isnull=True) | Q(term_end__gte=today), term_start__lte=today
    )


def committee_of(organisation: Organisation, today: date) -> QuerySet[CommitteeMember]:
    return serving_committees(today).filter(organisation=organisation).select_related("member__person")


@dataclass
class _BranchFacts:
    full_members: int = 0
    all_members: int = 0
    committee_size: int = 0
    has_secretary: bool = False
    has_groups: bool = False
    held: list[tuple[str, date]] = field(default_factory=list)


def _branch_facts(branches: list[Organisation], today: date) -> dict[int, _BranchFacts]:
    """What the structure and compliance rules need about each branch, in four queries for any number."""
    facts = {b.pk: _BranchFacts() for b in branches}
    counts = (
        PartyMember.objects.filter(
            organisation_id__in=facts, status__in=[MemberStatus.FULL, MemberStatus.PROBATIONARY]
        )
        .values("organisation_id", "status")
        .annotate(n=Count("pk"))
        .values_list("organisation_id", "status", "n")
    )
    for organisation_id, status, n in counts:
        facts[organisation_id].all_members += n
        facts[organisation_id].full_members += n if status == MemberStatus.FULL else 0
    posts = serving_committees(today).filter(organisation_id__in=facts).values_list("organisation_id", "role")
    for organisation_id, role in posts:
        facts[organisation_id].committee_size += 1
        facts[organisation_id].has_secretary |= role == CommitteeRole.SECRETARY
    for parent_id in Organisation.objects.filter(
        parent_id__in=facts, kind=OrganisationKind.GROUP
    ).values_list("parent_id", flat=True):
        facts[parent_id].has_groups = True
    meetings = BranchMeeting.objects.filter(
        Q(organisation_id__in=facts) | Q(organisation__parent_id__in=facts, kind=MeetingKind.GROUP),
        held_on__gte=date(today.year, 1, 1),
    ).values_list("organisation_id", "organisation__parent_id", "kind", "held_on")
    for organisation_id, parent_id, kind, held_on in meetings:
        facts[organisation_id if organisation_id in facts else parent_id].held.append((kind, held_on))
    return facts


@dataclass(frozen=True)
class BranchHealth:
    """A branch's 三会一课 calendar for this year and its structure warnings."""

    organisation: Organisation
    calendar: list[ComplianceEntry]
    warnings: list[StructureWarning]

    @property
    def missed(self) -> int:
        return sum(e.status == "missed" for e in self.calendar)

    @property
    def due(self) -> int:
        return sum(e.status == "due" for e in self.calendar)


def health_of(branches, today: date) -> list[BranchHealth]:
    """The calendar counts this year from the founding date if later, 党小组会 only where groups exist (from
    the groups' meetings); warnings follow the structure rules."""
    branches = list(branches)
    facts = _branch_facts(branches, today)
    rows = []
    for branch in branches:
        f = facts[branch.pk]
        kinds = [k for k, _ in MeetingKind.CHOICES if k != MeetingKind.GROUP or f.has_groups]
        since = max(branch.founded_on, date(today.year, 1, 1))
        warnings = structure_warnings(
            kind=branch.kind,
            full_members=f.full_members,
            all_members=f.all_members,
            committee_size=f.committee_size,
            has_secretary=f.has_secretary,
            term_due=branch.term_due,
            today=today,
        )
        calendar = compliance_calendar(since=since, today=today, held=f.held, kinds=kinds)
        rows.append(BranchHealth(organisation=branch, calendar=calendar, warnings=warnings))
    return rows


def committee_overview(actor, today: date) -> list[BranchHealth]:
    """Every branch the actor manages, with its missed and due meetings and structure warnings."""
    return health_of(branches_for(actor).order_by("path"), today)


def meetings_of(organisation: Organisation) -> QuerySet[BranchMeeting]:
    """The organisation's meetings with its groups' 党小组会, newest first."""
    return BranchMeeting.objects.filter(
        Q(organisation=organisation) | Q(organisation__parent=organisation, kind=MeetingKind.GROUP)
    ).select_related("organisation", "chair__person", "recorder__person")


def meeting_ledger(organisation: Organisation, year: int) -> QuerySet[BranchMeeting]:
    """A year's meetings, oldest first, with attendance and votes, for the 三会一课 ledger."""
    return (
        meetings_of(organisation)
        .filter(held_on__year=year)
        .prefetch_related("attendance__member__person", "votes")
        .order_by("held_on", "pk")
    )


# --- dues -------------------------------------------------------------------------------------------------


def dues_for_months(member: PartyMember, months: list[date]) -> dict[date, Decimal]:
    """The amount due for each month (first days): an approved reduction's amount, else the bracket amount.
    Nothing is due before the member was admitted (probationary members pay from the branch meeting's
    month). Reads the member's reductions once (none when prefetched, see `members_with_dues`)."""
    reductions = [r for r in member.dues_reductions.all() if r.status == ReductionStatus.APPROVED]
    standard = monthly_dues(member.dues_category, member.dues_base)
    admitted = month_start(member.admitted_on)
    amounts = {}
    for month in months:
        reduction = next((r for r in reductions if r.first_month <= month <= r.last_month), None)
        if month < admitted:
            amounts[month] = Decimal("0.00")
        else:
            amounts[month] = reduction.monthly_amount if reduction else standard
    return amounts


def dues_for_month(member: PartyMember, month: date) -> Decimal:
    month = month_start(month)
    return dues_for_months(member, [month])[month]


@dataclass(frozen=True)
class DuesStatus:
    member: PartyMember
    amount_due: Decimal  # for the month asked about
    paid: Decimal | None
    arrears: Arrears  # months before the month asked about: the current month is not late yet

    @property
    def base_missing(self) -> bool:
        """A wage or pension category with no base yet (a newly admitted member, say) computes to nothing."""
        return self.member.dues_category in WAGE_CATEGORIES and not self.member.dues_base


def dues_status(member: PartyMember, month: date) -> DuesStatus:
    month = month_start(month)
    first = max(month_start(member.dues_from), month_start(member.admitted_on))
    due_months = months_from(first, add_months(month, -1)) if first < month else []
    payments = {p.month: p.amount for p in member.dues_payments.all() if p.month <= month}
    amounts = dues_for_months(member, [*due_months, month])
    settled = [m for m in due_months if m in payments or amounts[m] == 0]
    return DuesStatus(
        member=member,
        amount_due=amounts[month],
        paid=payments.get(month),
        arrears=arrears(due_months, settled),
    )


def members_with_dues(organisation: Organisation) -> QuerySet[PartyMember]:
    """Current members with their dues payments and reductions loaded, for ledgers over many members."""
    return current_members(organisation).prefetch_related("dues_payments", "dues_reductions")


def dues_overview(organisation: Organisation, month: date) -> list[DuesStatus]:
    return [dues_status(m, month) for m in members_with_dues(organisation)]


def dues_ledger(organisation: Organisation, year: int) -> QuerySet[DuesPayment]:
    return DuesPayment.objects.filter(member__organisation=organisation, month__year=year).select_related(
        "member__person"
    )


def voluntary_dues_of(organisation: Organisation, year: int) -> QuerySet[VoluntaryDues]:
    return VoluntaryDues.objects.filter(member__organisation=organisation, paid_on__year=year).select_related(
        "member__person"
    )


def pending_reductions_for(actor) -> QuerySet[DuesReduction]:
    """Reductions awaiting the actor's approval: those of branches under an organisation she manages, other
    than her own branch (approval is one level up)."""
    return DuesReduction.objects.filter(
        _under_managed(actor, "member__organisation__parent__path"), status=ReductionStatus.PENDING
    ).select_related("member__person", "member__organisation")


# --- 组织关系转接 ------------------------------------------------------------------------------------------


def transfers_of(organisation: Organisation) -> QuerySet[OrganisationTransfer]:
    """Letters issued by the branch or addressed to it, newest first."""
    return OrganisationTransfer.objects.filter(
        Q(from_organisation=organisation) | Q(to_organisation=organisation)
    ).select_related("member__person", "from_organisation", "to_organisation")


def transfer_for(actor, pk: int) -> OrganisationTransfer:
    return get_object_or_404(
        OrganisationTransfer.objects.filter(
            _under_managed(actor, "from_organisation__path") | _under_managed(actor, "to_organisation__path")
        ),
        pk=pk,
    )


def transfer_destinations() -> QuerySet[Organisation]:
    """Every branch on the platform: a letter may go anywhere (names of organisations are not personal)."""
    return Organisation.objects.filter(kind=OrganisationKind.BRANCH).order_by("name")


def reduction_for(actor, pk: int) -> DuesReduction:
    return get_object_or_404(pending_reductions_for(actor), pk=pk)


def posts_for(branch: Organisation) -> QuerySet[VolunteerPost]:
    """Active volunteer posts of the branch and of its parent organisation."""
    return VolunteerPost.objects.filter(
        Q(organisation=branch) | Q(organisation_id=branch.parent_id), is_active=True
    ).order_by("name")


# --- recruitment ------------------------------------------------------------------------------------------


def pipeline(organisation: Organisation) -> dict[str, list[RecruitmentApplication]]:
    """Open applications by stage, in stage order."""
    stages: dict[str, list[RecruitmentApplication]] = {title: [] for title in STAGES.values()}
    for application in organisation.applications.filter(next_step__isnull=False).select_related("person"):
        stages[application.stage_title].append(application)
    return stages


# --- members' records -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberYear:
    member: PartyMember
    year: int
    score: Decimal
    point_entries: list[PointEntry]
    shift_hours: Decimal
    task_hours: Decimal
    tasks_completed: int
    shifts: int
    study_hours: Decimal
    study_required: int
    service_shortfalls: list[str]

    @property
    def service_hours(self) -> Decimal:
        return self.shift_hours + self.task_hours


def _sums(queryset, field: str) -> dict[int, tuple[Decimal, int]]:
    """(sum of `field`, row count) per member."""
    rows = queryset.values("member_id").annotate(total=Sum(field), n=Count("pk"))
    return {row["member_id"]: (row["total"] or Decimal(0), row["n"]) for row in rows}


def years_of(members, year: int) -> list[MemberYear]:
    """Each member's points, service and study in a year, in six queries for any number of members."""
    members = list(members)
    ids = [m.pk for m in members]
    entries: dict[int, list[PointEntry]] = {pk: [] for pk in ids}
    for entry in PointEntry.objects.filter(member_id__in=ids, occurred_on__year=year):
        entries[entry.member_id].append(entry)
    shifts = _sums(VolunteerShift.objects.filter(member_id__in=ids, served_on__year=year), "service_hours")
    tasks = _sums(
        CommunityTask.objects.filter(
            claimed_by_id__in=ids, status=TaskStatus.COMPLETED, completed_on__year=year
        ).annotate(member_id=F("claimed_by_id")),
        "hours",
    )
    study = _sums(
        StudyRecord.objects.filter(member_id__in=ids, studied_on__year=year, confirmed_at__isnull=False),
        "hours",
    )
    reported = set(CommunityReport.objects.filter(member_id__in=ids).values_list("member_id", flat=True))
    nothing = (Decimal(0), 0)
    rows = []
    for member in members:
        (shift_hours, shift_count), (task_hours, task_count) = (
            shifts.get(member.pk, nothing),
            tasks.get(member.pk, nothing),
        )
        rows.append(
            MemberYear(
                member=member,
                year=year,
                score=yearly_score((e.reason, e.points) for e in entries[member.pk]),
                point_entries=entries[member.pk],
                shift_hours=shift_hours,
                task_hours=task_hours,
                tasks_completed=task_count,
                shifts=shift_count,
                study_hours=study.get(member.pk, nothing)[0],
                study_required=party_setting("STUDY_HOURS_PER_YEAR"),
                service_shortfalls=service_shortfalls(shift_count + task_count, shift_hours + task_hours)
                if member.pk in reported
                else [],
            )
        )
    return rows


def member_year(member: PartyMember, year: int) -> MemberYear:
    return years_of([member], year)[0]


def ranking(organisation: Organisation, year: int) -> list[MemberYear]:
    """Members by points, highest first: advisory, for recognition, never for decisions. A row with
    `service_shortfalls` is a reported member below the yearly 双报到 minimum, raised at the 民主评议."""
    return sorted(years_of(current_members(organisation), year), key=lambda r: (-r.score, r.member.pk))


def tasks_taken_by(member: PartyMember) -> QuerySet[CommunityTask]:
    return member.tasks.select_related("community").order_by("-claimed_on")


def reports_of(member: PartyMember) -> QuerySet[CommunityReport]:
    return member.reports.select_related("community")


def study_records_of(member: PartyMember) -> QuerySet[StudyRecord]:
    return member.study.select_related("course")


def study_awaiting_confirmation(organisation: Organisation) -> QuerySet[StudyRecord]:
    """Members' own study entries their branch has not confirmed yet, oldest first."""
    return (
        StudyRecord.objects.filter(member__organisation=organisation, confirmed_at__isnull=True)
        .select_related("member__person", "course")
        .order_by("studied_on", "pk")
    )


def study_record_for(actor, pk: int) -> StudyRecord:
    """A study record of a member of an organisation the actor manages (404 otherwise)."""
    records = StudyRecord.objects.filter(_under_managed(actor, "member__organisation__path"))
    return get_object_or_404(
        records.select_related("member__organisation", "member__person", "course"), pk=pk
    )


def unit_service_hours_for(actor, year: int) -> QuerySet:
    """Volunteer hours of the actor's members by their work unit (单位合计), most first."""
    return (
        VolunteerShift.objects.filter(
            served_on__year=year, member__in=members_for(actor), member__person__unit__isnull=False
        )
        .values("member__person__unit__name")
        .annotate(hours=Sum("service_hours"))
        .order_by("-hours")
    )


def helpers_of_appeal(appeal) -> QuerySet[CommunityTask]:
    """The 双报到 tasks made from an appeal, with the members who took them."""
    return CommunityTask.objects.filter(appeal=appeal).select_related("claimed_by__person")
