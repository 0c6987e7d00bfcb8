"""Party data for the demo city, so every party screen has something to show: a community 党委 per
community of the first street with compound branches, members, this year's meetings (a few missed), dues
(someone six months behind), applicants part-way through the 25 steps, 双报到 tasks, volunteering and study.

Everything is written through the services, so it obeys the same rules as real data and leaves the same ledger
entries. The demo party member is her branch's secretary, so that account shows both 我的 and 我的支部.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from tqdm import tqdm

from civicgrid.directory.models import Account, Person
from civicgrid.grid.models import Compound, Grid
from civicgrid.workdays import add_working_days

from . import services
from .models import (
    CommitteeRole,
    MemberStatus,
    Organisation,
    PartyMember,
    StudyCourse,
    TaskKind,
    VolunteerPost,
)
from .rules.dates import add_months
from .rules.dues import DuesCategory
from .rules.meetings import MeetingKind, period_of
from .rules.structure import OrganisationKind
from .selectors import community_level, dues_for_month
from .services import Attendance, Vote

NAMES = ("王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭")
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国红梅玉兰海燕"
ABSENCE_REASONS = ("出差", "生病", "外出务工", "家中有事")
COURSES = (("学习党的二十届四中全会精神", 4), ("党章党规专题学习", 3), ("基层治理与接诉即办", 2))
TASKS = (
    (TaskKind.WISH, "帮独居老人代购药品", "3 栋独居老人行动不便，希望有人每周帮忙代购常用药。"),
    (TaskKind.TASK, "小区垃圾分类督导", "周末早晚两个时段在分类投放点值守督导。"),
    (TaskKind.WISH, "为留守儿童辅导作业", "两名小学生放学后需要辅导数学作业。"),
)


@dataclass
class PartyDemo:
    organisations: int = 0
    members: int = 0
    meetings: int = 0
    applications: int = 0


def seed_party_demo(district: Grid, *, seed: int, today: date, progress: bool = False) -> PartyDemo | None:
    """Seed once: None when the district's communities already have party organisations."""
    street = district.children.order_by("path").first()
    communities = list(
        Grid.objects.filter(path__startswith=street.path, level=community_level()).order_by("path")[:8]
    )
    if Organisation.objects.filter(grid__in=communities).exists():
        return None
    rng = random.Random(seed)
    demo = PartyDemo()
    with transaction.atomic():
        for community in tqdm(communities, desc="党组织", unit="个", disable=not progress, leave=False):
            _seed_community(community, rng, today, demo)
        _seed_demo_member(communities[0], rng, today)
    return demo


def _person(rng: random.Random, community: Grid) -> Person:
    name = rng.choice(NAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
    return Person.objects.create(name=name, phone=f"137{rng.randrange(10**8):08d}", home_grid=community)


def _member(branch: Organisation, person: Person, rng: random.Random, today: date, **kwargs) -> PartyMember:
    admitted = date(rng.randrange(1985, today.year - 2), rng.randrange(1, 13), rng.randrange(1, 29))
    return services.register_member(
        person=person,
        organisation=branch,
        status=MemberStatus.FULL,
        admitted_on=admitted,
        full_since=add_months(admitted, 12),
        dues_category=kwargs.get(
            "dues_category", rng.choice([DuesCategory.EMPLOYED] * 3 + [DuesCategory.RETIRED])
        ),
        dues_base=Decimal(rng.randrange(2500, 12000, 50)),
        dues_from=date(today.year, 1, 1),
        is_mobile=rng.random() < 0.05,
    )


def _seed_community(community: Grid, rng: random.Random, today: date, demo: PartyDemo) -> None:
    committee = services.create_organisation(
        name=f"{community.name}党委",
        kind=OrganisationKind.COMMITTEE,
        grid=community,
        community_based=True,
        founded_on=date(2018, 1, 1),
        term_start=date(2021, rng.randrange(1, 13), 1),
    )
    demo.organisations += 1
    compounds = list(Compound.objects.filter(grid__path__startswith=community.path).order_by("pk")[:2]) or [
        None
    ]
    for compound in compounds:
        branch = services.create_organisation(
            name=f"{compound.name if compound else community.name}党支部",
            kind=OrganisationKind.BRANCH,
            parent=committee,
            compound=compound,
            grid=None if compound else community,
            founded_on=date(2019, 1, 1),
            term_start=date(2024, rng.randrange(1, 13), 1),
        )
        groups = [
            services.create_organisation(
                name=f"{branch.name}第{number}党小组",
                kind=OrganisationKind.GROUP,
                parent=branch,
                founded_on=date(2019, 1, 1),
            )
            for number in ("一", "二")
        ]
        members = [_member(branch, _person(rng, community), rng, today) for _ in range(rng.randrange(9, 15))]
        for index, member in enumerate(members):
            services.place_in_group(member=member, group=groups[index % 2], actor=None)
        for member, role in zip(
            members,
            [CommitteeRole.SECRETARY, CommitteeRole.ORGANISATION, CommitteeRole.PUBLICITY],
            strict=False,
        ):
            services.appoint_committee_member(
                organisation=branch, member=member, role=role, term_start=branch.term_start
            )
        demo.organisations += 1 + len(groups)
        demo.members += len(members)
        demo.meetings += _seed_meetings(branch, members, rng, today)
        _seed_dues(members, today, lapsed=rng.choice(members[3:]))
        demo.applications += _seed_applications(branch, members, community, rng, today)
    for kind, title, text in TASKS:
        services.post_community_task(
            community=community, kind=kind, title=title, description=text, actor=None
        )


def _months_this_year(today: date) -> Iterator[date]:
    month = date(today.year, 1, 1)
    while month < today.replace(day=1):
        yield month
        month = add_months(month, 1)


def _seed_meetings(branch: Organisation, members: list[PartyMember], rng: random.Random, today: date) -> int:
    """Monthly 支委会 and 主题党日, quarterly 大会 and 党课, one 组织生活会: each skipped now and then."""
    chair, recorder = members[0], members[1]
    held = 0
    for month in _months_this_year(today):
        kinds = [MeetingKind.COMMITTEE, MeetingKind.THEME_DAY, MeetingKind.GROUP]
        if period_of(month, "quarterly").end < today and month.month % 3 == 0:
            kinds += [MeetingKind.GENERAL_ASSEMBLY, MeetingKind.LECTURE]
        for kind in kinds:
            if rng.random() < 0.12:
                continue
            due = members[:3] if kind == MeetingKind.COMMITTEE else members
            absent = set(rng.sample(range(len(due)), k=min(len(due) - 2, rng.choice((0, 1, 1, 2)))))
            attendance = [
                Attendance(
                    m,
                    present=i not in absent,
                    absence_reason=rng.choice(ABSENCE_REASONS) if i in absent else "",
                )
                for i, m in enumerate(due)
            ]
            services.record_meeting(
                organisation=branch,
                kind=kind,
                held_on=month + timedelta(days=rng.randrange(5, 25)),
                place="社区党群服务中心",
                chair=chair,
                recorder=recorder,
                topic=f"{month.month}月{dict(MeetingKind.CHOICES)[kind]}",
                agenda="一、学习近期重要讲话精神；二、通报社区治理和接诉即办情况；三、研究部署下阶段工作",
                attendance=attendance,
                votes=[Vote("通过下阶段工作安排", yes=len(due) - len(absent))]
                if kind == MeetingKind.GENERAL_ASSEMBLY
                else [],
                actor=None,
            )
            held += 1
    return held


def _seed_dues(members: list[PartyMember], today: date, lapsed: PartyMember | None) -> None:
    """This year's months paid, except by `lapsed`, who stopped seven months ago."""
    stop = add_months(today.replace(day=1), -7)
    for member in members:
        for month in _months_this_year(today):
            if member is lapsed and month >= stop:
                break
            services.record_dues_payment(
                member=member,
                month=month,
                amount=dues_for_month(member, month),
                paid_on=month + timedelta(days=4),
                actor=None,
            )


def walk_dates(start: date, full_members: int) -> Iterator[tuple[int, date, dict]]:
    """Dates and facts that satisfy every time rule, from an application on `start` to the archive."""
    vote = {"due_voting": full_members, "present_voting": full_members - 1, "yes": full_members - 1}
    activist = start + timedelta(days=30)
    publicity_start = add_working_days(add_months(activist, 12), 1)
    publicity_end = add_working_days(publicity_start, 4)
    pre_review = publicity_end + timedelta(days=40)
    admitted = pre_review + timedelta(days=20)
    approved = admitted + timedelta(days=45)
    probation_end = add_months(admitted, 12)
    yield from [
        (1, start, {}),
        (2, start + timedelta(days=10), {}),
        (3, activist, {}),
        (4, activist + timedelta(days=7), {}),
        (5, activist + timedelta(days=9), {}),
        (6, add_months(activist, 12) - timedelta(days=5), {"reviews": 2}),
        (7, add_months(activist, 12), {}),
        (
            8,
            publicity_end,
            {"higher_agreed": True, "publicity_start": publicity_start, "publicity_end": publicity_end},
        ),
        (9, publicity_end + timedelta(days=2), {}),
        (10, publicity_end + timedelta(days=10), {"review_passed": True}),
        (11, publicity_end + timedelta(days=20), {"training_days": 3, "training_hours": 24}),
        (12, publicity_end + timedelta(days=30), {}),
        (13, pre_review, {"pre_review_passed": True}),
        (14, pre_review + timedelta(days=5), {}),
        (15, admitted, vote),
        (16, admitted + timedelta(days=20), {}),
        (17, approved, {}),
        (18, approved + timedelta(days=5), {}),
        (19, approved + timedelta(days=6), {}),
        (20, approved + timedelta(days=14), {}),
        (21, approved + timedelta(days=120), {}),
        (22, probation_end - timedelta(days=14), {}),
        (23, probation_end, {**vote, "outcome": "on_time"}),
        (24, probation_end + timedelta(days=30), {}),
        (25, probation_end + timedelta(days=40), {}),
    ]


def _seed_applications(
    branch: Organisation, members: list[PartyMember], community: Grid, rng: random.Random, today: date
) -> int:
    """Applicants who applied 0.5, 1.5 and 2.5 years ago, each as far through the steps as today allows."""
    for years_ago in (0.5, 1.5, 2.5):
        start = today - timedelta(days=int(365 * years_ago) + rng.randrange(0, 40))
        application = services.open_application(
            person=_person(rng, community), organisation=branch, birth_date=date(1998, 5, 4), actor=None
        )
        full = sum(m.is_full for m in members)
        for number, day, data in walk_dates(start, full):
            if day > today:
                break
            if number == 5:
                data = {"contacts": members[:1]}
            elif number == 9:
                data = {"introducers": members[:2]}
            services.record_recruitment_step(
                application=application,
                number=number,
                day=day,
                documents=application.rules.step(number).documents,
                data=data,
                actor=None,
                today=today,
            )
    return 3


def _seed_demo_member(community: Grid, rng: random.Random, today: date) -> None:
    """The demo party member joins the first branch as its secretary, reports to her community, takes a
    task, serves on a post and studies."""
    account = Account.objects.filter(username="partymember").select_related("person").first()
    if account is None or account.person is None:
        return
    branch = Organisation.objects.filter(parent__grid=community, kind=OrganisationKind.BRANCH).first()
    member = _member(branch, account.person, rng, today, dues_category=DuesCategory.EMPLOYED)
    services.appoint_committee_member(
        organisation=branch, member=member, role=CommitteeRole.DEPUTY_SECRETARY, term_start=branch.term_start
    )
    _seed_dues([member], today, lapsed=None)
    services.report_to_community(community=community, member=member, reported_on=date(today.year, 3, 1))
    # The 微心愿 whose outcome is told below, not whichever task happens to sort first.
    task = branch.parent.grid.party_tasks.get(title=TASKS[0][1])
    services.claim_task(task=task, member=member, claimed_on=today - timedelta(days=20), actor=None)
    services.complete_task(
        task=task,
        member=member,
        completed_on=today - timedelta(days=18),
        hours=Decimal(2),
        outcome="已代购药品并送到老人家中。",
        actor=None,
    )
    post = VolunteerPost.objects.create(
        name="党员先锋岗·垃圾分类督导", organisation=branch.parent, grid=community
    )
    services.record_volunteer_shift(
        post=post,
        member=member,
        served_on=today - timedelta(days=30),
        service_hours=Decimal(3),
        travel_hours=Decimal("0.5"),
        items_served=45,
        actor=None,
    )
    for title, hours in COURSES:
        course = StudyCourse.objects.get_or_create(title=title, defaults={"hours": hours})[0]
        services.record_study(
            member=member,
            course=course,
            studied_on=today - timedelta(days=rng.randrange(10, 200)),
            hours=Decimal(hours),
            quiz_score=rng.randrange(70, 100),
        )
    # One session she entered herself (学习登记), waiting for another of the branch's managers to confirm it.
    services.record_study(
        member=member, course=course, studied_on=today - timedelta(days=2), hours=Decimal(1), actor=account
    )
