from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from civicgrid.appeals.models import Appeal, Channel
from civicgrid.ledger.models import LedgerEntry
from civicgrid.party import selectors, services
from civicgrid.party.models import CommitteeRole, MemberStatus, StudyCourse, VolunteerPost, WrittenOpinion
from civicgrid.party.rules.meetings import MeetingKind
from civicgrid.party.rules.violations import RuleViolation
from civicgrid.party.rules.votes import AppraisalGrade
from civicgrid.party.services import Attendance, Vote

pytestmark = pytest.mark.django_db


# --- scope -------------------------------------------------------------------------------------------------


def test_branch_secretary_sees_her_branch_and_its_group_only(party):
    secretary = party.accounts["branch_secretary"]
    assert set(selectors.organisations_for(secretary)) == {party.branch, party.group}
    assert set(selectors.members_for(secretary)) == set(party.members)


def test_community_secretary_as_working_committee_sees_all_branches_under_it(party):
    secretary = party.accounts["community_secretary"]
    assert set(selectors.branches_for(secretary)) == {party.branch}
    assert party.other_branch not in selectors.organisations_for(secretary)
    assert set(selectors.branches_for(party.accounts["admin"])) == {party.branch, party.other_branch}
    assert selectors.members_for(party.accounts["admin"]).count() == len(party.members) + 1


def test_member_sees_only_her_own_record(party):
    member = party.accounts["member"]
    assert not selectors.organisations_for(member).exists()
    assert list(selectors.members_for(member)) == [party.members[4]]


def test_grid_worker_sees_no_party_organisation(party):
    assert not selectors.organisations_for(party.city.accounts["grid_worker"]).exists()


def test_a_member_cannot_record_for_the_branch(party):
    with pytest.raises(PermissionDenied):
        services.record_dues_payment(
            member=party.members[4],
            month=date(2026, 1, 1),
            amount=Decimal("40.00"),
            paid_on=date(2026, 1, 5),
            actor=party.accounts["member"],
        )


# --- structure ---------------------------------------------------------------------------------------------


def test_branch_with_eight_full_members_and_three_committee_members_is_sound(party):
    assert selectors.health_of([party.branch], date(2026, 11, 23))[0].warnings == []


def test_probationary_members_cannot_be_elected(party):
    with pytest.raises(RuleViolation):
        services.appoint_committee_member(
            organisation=party.branch,
            member=party.members[-1],
            role="member",
            term_start=date(2026, 11, 1),
            actor=party.accounts["community_secretary"],
        )


# --- meetings ----------------------------------------------------------------------------------------------


def attendance(party, absent: dict[int, str] | None = None, opinions: dict[int, str] | None = None):
    absent, opinions = absent or {}, opinions or {}
    return [
        Attendance(
            member=m,
            present=i not in absent,
            absence_reason=absent.get(i, ""),
            written_opinion=opinions.get(i, WrittenOpinion.NONE),
        )
        for i, m in enumerate(party.members)
    ]


def record_assembly(party, held_on=date(2026, 11, 10), **kwargs):
    values = {"attendance": attendance(party), "votes": []}
    values.update(kwargs)
    return services.record_meeting(
        organisation=party.branch,
        kind=MeetingKind.GENERAL_ASSEMBLY,
        held_on=held_on,
        place="社区党群服务中心",
        chair=party.members[0],
        recorder=party.members[1],
        agenda="1. 学习；2. 讨论接收预备党员",
        actor=party.accounts["branch_secretary"],
        **values,
    )


def test_meeting_vote_counts_over_full_members_due_with_written_opinions(party):
    # 8 full members due (the probationary member has no vote); 3 absent, one sent a written yes.
    absent = {5: "出差", 6: "生病", 7: "出差"}
    meeting = record_assembly(
        party,
        attendance=attendance(party, absent, {5: WrittenOpinion.YES}),
        votes=[Vote("接收周某为预备党员", yes=4, no=1)],
    )
    vote = meeting.votes.get()
    assert (vote.due_voting, vote.present_voting, vote.written_yes) == (8, 5, 1)
    assert vote.passed  # 4 + 1 written > 8 / 2
    assert meeting.attendance.filter(present=False).count() == 3


def test_four_yes_of_eight_due_do_not_pass(party):
    absent = {5: "出差", 6: "生病", 7: "出差"}
    meeting = record_assembly(
        party, attendance=attendance(party, absent), votes=[Vote("表决事项", yes=4, no=1)]
    )
    assert not meeting.votes.get().passed


def test_vote_without_quorum_is_refused(party):
    absent = {i: "出差" for i in range(4)}
    with pytest.raises(RuleViolation) as refused:
        record_assembly(party, attendance=attendance(party, absent), votes=[Vote("表决事项", yes=4)])
    assert refused.value.code == "assembly_quorum"


def test_absence_needs_a_reason(party):
    with pytest.raises(RuleViolation) as refused:
        record_assembly(party, attendance=attendance(party, {2: " "}))
    assert "张伟" in refused.value.message


def test_compliance_calendar_turns_held_after_a_meeting(party):
    today = date(2026, 11, 23)
    entries = {
        (e.kind, e.period.label): e.status for e in selectors.health_of([party.branch], today)[0].calendar
    }
    assert entries[(MeetingKind.GENERAL_ASSEMBLY, "2026年第4季度")] == "due"
    assert entries[(MeetingKind.GROUP, "2026年10月")] == "missed"
    record_assembly(party)
    entries = {
        (e.kind, e.period.label): e.status for e in selectors.health_of([party.branch], today)[0].calendar
    }
    assert entries[(MeetingKind.GENERAL_ASSEMBLY, "2026年第4季度")] == "held"


def test_appraisal_cap_through_the_service(party):
    grades = {m: AppraisalGrade.QUALIFIED for m in party.members[:8]}
    for m in party.members[:2]:  # 8 full members: at most 2 (8 / 3 = 2.67)
        grades[m] = AppraisalGrade.EXCELLENT
    services.record_appraisal(
        organisation=party.branch,
        year=2025,
        held_on=date(2026, 1, 15),
        grades=grades,
        actor=party.accounts["branch_secretary"],
    )
    grades[party.members[2]] = AppraisalGrade.EXCELLENT
    with pytest.raises(RuleViolation):
        services.record_appraisal(
            organisation=party.branch,
            year=2026,
            held_on=date(2026, 11, 15),
            grades=grades,
            actor=party.accounts["branch_secretary"],
        )


# --- dues --------------------------------------------------------------------------------------------------


def test_dues_payment_at_the_bracket_amount(party):
    member, actor = party.members[4], party.accounts["branch_secretary"]
    assert selectors.dues_for_month(member, date(2026, 5, 1)) == Decimal("40.00")
    with pytest.raises(RuleViolation) as refused:
        services.record_dues_payment(
            member=member, month=date(2026, 5, 1), amount=Decimal("20"), paid_on=date(2026, 5, 3), actor=actor
        )
    assert "应交 40.00 元" in refused.value.message
    services.record_dues_payment(
        member=member, month=date(2026, 5, 1), amount=Decimal("40"), paid_on=date(2026, 5, 3), actor=actor
    )
    assert LedgerEntry.objects.filter(action="party.dues.pay").count() == 1


def test_probationary_member_pays_from_the_branch_meetings_month(party):
    member = party.members[-1]  # admitted 2026-03-01
    assert selectors.dues_for_month(member, date(2026, 2, 1)) == 0
    assert selectors.dues_for_month(member, date(2026, 3, 1)) == Decimal("40.00")
    with pytest.raises(RuleViolation) as refused:
        services.record_dues_payment(
            member=member, month=date(2026, 2, 1), amount=Decimal(0), paid_on=date(2026, 3, 2), actor=None
        )
    assert refused.value.code == "dues_before_admission"


def test_reduction_needs_approval_one_level_up(party):
    member = party.members[4]
    reduction = services.request_dues_reduction(
        member=member,
        first_month=date(2026, 6, 1),
        last_month=date(2026, 12, 1),
        monthly_amount=Decimal(0),
        reason="重病",
        branch_decided_on=date(2026, 5, 20),
        actor=party.accounts["branch_secretary"],
    )
    assert selectors.dues_for_month(member, date(2026, 7, 1)) == Decimal("40.00")  # not yet approved
    with pytest.raises(PermissionDenied):
        services.decide_dues_reduction(
            reduction=reduction,
            approve=True,
            decided_on=date(2026, 5, 25),
            actor=party.accounts["branch_secretary"],
        )
    assert list(selectors.pending_reductions_for(party.accounts["community_secretary"])) == [reduction]
    services.decide_dues_reduction(
        reduction=reduction,
        approve=True,
        decided_on=date(2026, 5, 25),
        actor=party.accounts["community_secretary"],
    )
    assert selectors.dues_for_month(member, date(2026, 7, 1)) == 0


def test_six_unpaid_months_warn(party):
    member, actor = party.members[4], party.accounts["branch_secretary"]
    for month in range(1, 6):
        services.record_dues_payment(
            member=member,
            month=date(2026, month, 1),
            amount=Decimal(40),
            paid_on=date(2026, month, 2),
            actor=actor,
        )
    # Paid January–May; on 1 November June–October (five months) are behind, the current month is not late.
    assert not selectors.dues_status(member, date(2026, 11, 1)).arrears.warning
    status = selectors.dues_status(member, date(2026, 12, 1))
    assert status.arrears.consecutive_unpaid == 6 and status.arrears.warning
    assert selectors.dues_status(member, date(2026, 1, 1)).arrears.unpaid_months == ()


# --- transfers ---------------------------------------------------------------------------------------------


def test_transfer_letter_accepted_within_validity_moves_the_member(party):
    member = party.members[5]
    letter = services.issue_transfer_letter(
        member=member,
        to_organisation=party.other_branch,
        issued_on=date(2026, 8, 20),
        actor=party.accounts["branch_secretary"],
    )
    with pytest.raises(RuleViolation) as refused:
        services.accept_transfer(letter=letter, accepted_on=date(2026, 11, 21), actor=party.accounts["admin"])
    assert refused.value.code == "transfer_letter_expired"
    with pytest.raises(PermissionDenied):
        services.accept_transfer(
            letter=letter, accepted_on=date(2026, 11, 20), actor=party.accounts["branch_secretary"]
        )
    services.accept_transfer(
        letter=letter, accepted_on=date(2026, 11, 20), actor=party.accounts["other_secretary"]
    )
    member.refresh_from_db()
    assert member.organisation == party.other_branch


# --- points, service, study, mailbox ----------------------------------------------------------------------


def test_volunteer_hours_exclude_travel_and_feed_points(party):
    member = party.members[4]
    post = VolunteerPost.objects.create(name="垃圾分类督导岗", organisation=party.branch)
    services.record_volunteer_shift(
        post=post,
        member=member,
        served_on=date(2026, 6, 6),
        service_hours=Decimal("2.5"),
        travel_hours=Decimal("1"),
        items_served=30,
        actor=party.accounts["branch_secretary"],
    )
    year = selectors.member_year(member, 2026)
    assert year.shift_hours == Decimal("2.5")
    assert year.score == Decimal("61.25")


def test_reported_member_below_the_yearly_minimum_is_flagged(party):
    member = party.members[4]
    services.report_to_community(
        community=party.city.communities[0], member=member, reported_on=date(2026, 3, 1)
    )
    flagged = [row for row in selectors.ranking(party.branch, 2026) if row.service_shortfalls]
    assert [row.member for row in flagged] == [member]
    assert flagged[0].service_shortfalls == ["参加活动 0 次，少于 2 次"]


def test_study_records_count_hours(party):
    course = StudyCourse.objects.create(title="党章学习", hours=Decimal(4))
    record = services.record_study(
        member=party.members[4], course=course, studied_on=date(2026, 4, 1), hours=Decimal(4), quiz_score=85
    )
    assert record.quiz_passed
    assert selectors.member_year(party.members[4], 2026).study_hours == 4


def test_mailbox_message_becomes_a_mailbox_appeal(party):
    message = services.send_mailbox_message(
        organisation=party.branch,
        sender_name="居民张",
        phone="13700001111",
        subject="楼道灯坏了",
        body="3 栋 2 单元楼道灯坏了一周。",
    )
    appeal = Appeal.objects.get(pk=message.appeal_id)
    assert appeal.channel == Channel.MAILBOX
    assert appeal.compound == party.city.compounds[0]


def test_member_status_needs_a_full_since_date_for_full_members(party):
    with pytest.raises(RuleViolation):
        services.register_member(
            person=party.members[0].person,
            organisation=party.branch,
            status=MemberStatus.FULL,
            admitted_on=date(2010, 1, 1),
            dues_category="employed",
        )


def test_unit_registration_and_unit_totals_of_volunteer_hours(party):
    unit = party.city.units["department"]
    report = services.report_to_community(
        community=party.city.communities[0], unit=unit, reported_on=date(2026, 1, 5)
    )
    again = services.report_to_community(
        community=party.city.communities[0], unit=unit, reported_on=date(2026, 7, 5)
    )
    assert again.pk == report.pk and again.renewed_on == date(2026, 7, 5)
    member = party.members[4]
    member.person.unit = unit
    member.person.save()
    post = VolunteerPost.objects.create(name="文明交通岗", organisation=party.branch)
    services.record_volunteer_shift(
        post=post,
        member=member,
        served_on=date(2026, 6, 6),
        service_hours=Decimal(3),
        actor=party.accounts["branch_secretary"],
    )
    assert not selectors.unit_service_hours_for(party.accounts["other_secretary"], 2026).exists()
    assert list(selectors.unit_service_hours_for(party.accounts["community_secretary"], 2026)) == [
        {"member__person__unit__name": unit.name, "hours": Decimal(3)}
    ]


def test_tasks_are_seen_in_the_secretarys_area_and_by_reported_members(party):
    community = party.city.communities[0]
    task = services.post_community_task(
        community=community, kind="wish", title="帮忙买药", actor=party.accounts["community_secretary"]
    )
    assert list(selectors.tasks_for(party.accounts["community_secretary"])) == [task]
    assert not selectors.tasks_for(party.accounts["member"]).exists()
    services.report_to_community(community=community, member=party.members[4], reported_on=date(2026, 3, 1))
    assert list(selectors.tasks_for(party.accounts["member"])) == [task]
    assert not selectors.tasks_for(party.accounts["other_secretary"]).exists()


def test_members_are_placed_only_in_their_own_branchs_groups(party):
    member = party.members[4]
    services.place_in_group(member=member, group=party.group, actor=party.accounts["branch_secretary"])
    assert member.group == party.group
    with pytest.raises(RuleViolation):
        services.place_in_group(member=member, group=party.other_branch, actor=party.accounts["admin"])


def test_letter_to_an_organisation_outside_the_platform_ends_with_its_receipt(party):
    member, actor = party.members[5], party.accounts["branch_secretary"]
    letter = services.issue_transfer_letter(
        member=member, to_name="外省某单位党支部", issued_on=date(2026, 9, 1), actor=actor
    )
    services.return_transfer_receipt(letter=letter, returned_on=date(2026, 9, 20), actor=actor)
    member.refresh_from_db()
    assert member.status == MemberStatus.TRANSFERRED_OUT
    assert member not in selectors.current_members(party.branch)


def test_overview_of_all_branches_in_a_constant_number_of_queries(party, django_assert_max_num_queries):
    admin = party.accounts["admin"]
    selectors.branches_for(admin).count()  # the scope is computed once per request
    with django_assert_max_num_queries(6):
        rows = {row.organisation: row for row in selectors.committee_overview(admin, date(2026, 11, 23))}
    assert rows[party.branch].warnings == []
    assert [w.code for w in rows[party.other_branch].warnings] == ["branch_too_small", "secretary_missing"]
    assert rows[party.other_branch].missed > rows[party.other_branch].due > 0


def test_election_starts_a_new_term_with_the_elected_committee(party):
    votes = {m: n for m, n in zip(party.members[:4], (8, 7, 6, 3), strict=True)}
    posts = services.record_election(
        organisation=party.branch,
        held_on=date(2026, 11, 20),
        seats=3,
        due_voting=8,
        present_voting=8,
        votes=votes,
        roles={party.members[1]: CommitteeRole.SECRETARY},
        actor=party.accounts["community_secretary"],
    )
    assert [p.member for p in posts] == party.members[:3]
    committee = {(c.member, c.role) for c in selectors.committee_of(party.branch, date(2026, 11, 20))}
    assert (party.members[1], CommitteeRole.SECRETARY) in committee and len(committee) == 3
    assert len(selectors.committee_of(party.branch, date(2026, 11, 19))) == 3  # the outgoing committee
    party.branch.refresh_from_db()
    assert party.branch.term_due == date(2029, 11, 20)
    with pytest.raises(RuleViolation):
        services.record_election(
            organisation=party.branch,
            held_on=date(2026, 11, 21),
            seats=3,
            due_voting=8,
            present_voting=8,
            votes={**votes, party.members[-1]: 5},
            actor=party.accounts["community_secretary"],
        )
