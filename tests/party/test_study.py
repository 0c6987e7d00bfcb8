"""Study records (学习教育): the session rule, self-entry by members, and the 我的 form."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from civicgrid.appeals.models import Notification
from civicgrid.ledger.models import LedgerEntry
from civicgrid.party import selectors, services
from civicgrid.party.models import PointEntry, StudyCourse, StudyRecord
from civicgrid.party.rules.study import check_study_session
from civicgrid.party.rules.violations import RuleViolation

TODAY = date(2026, 11, 23)


def session(**changes):
    values = {
        "course_hours": Decimal(4),
        "hours": Decimal(4),
        "studied_on": TODAY,
        "today": TODAY,
        "quiz_score": 85,
    }
    check_study_session(**(values | changes))


def test_a_session_claims_at_most_the_course_hours_on_a_past_day_with_a_percent_quiz():
    session()
    session(hours=Decimal("1.5"), quiz_score=None)
    for changes, code in (
        ({"hours": Decimal(5)}, "study_hours"),
        ({"hours": Decimal(0)}, "study_hours"),
        ({"studied_on": TODAY + timedelta(days=1)}, "study_future"),
        ({"quiz_score": 101}, "study_quiz"),
    ):
        with pytest.raises(RuleViolation) as refused:
            session(**changes)
        assert refused.value.code == code


@pytest.fixture
def course(db):
    return StudyCourse.objects.create(title="党章学习", hours=Decimal(4))


def test_a_members_own_entry_counts_once_her_branch_confirms_it(party, course):
    member = party.members[4]
    yesterday = timezone.localdate() - timedelta(days=1)
    record = services.record_study(
        member=member, course=course, studied_on=yesterday, hours=Decimal(2), actor=party.accounts["member"]
    )
    assert record.hours == 2 and record.member == member and not record.confirmed
    assert not PointEntry.objects.filter(member=member, reason="study_hour").exists()
    entry = LedgerEntry.objects.order_by("-sequence").first()
    assert (entry.action, entry.actor) == ("party.study.record", party.accounts["member"])
    assert list(selectors.study_awaiting_confirmation(party.branch)) == [record]

    with pytest.raises(PermissionDenied):
        services.confirm_study(record=record, actor=party.accounts["member"])
    record = services.confirm_study(record=record, actor=party.accounts["branch_secretary"])
    assert record.confirmed and record.confirmed_by == party.accounts["branch_secretary"]
    assert PointEntry.objects.filter(member=member, reason="study_hour").exists()
    assert LedgerEntry.objects.order_by("-sequence").first().action == "party.study.confirm"
    assert not selectors.study_awaiting_confirmation(party.branch).exists()
    with pytest.raises(RuleViolation, match="已经确认过"):
        services.confirm_study(record=record, actor=party.accounts["branch_secretary"])
    with pytest.raises(RuleViolation, match="已登记"):
        services.record_study(
            member=member,
            course=course,
            studied_on=yesterday,
            hours=Decimal(2),
            actor=party.accounts["member"],
        )


def test_the_branch_returns_an_entry_with_a_reason_the_member_is_told(party, course):
    member = party.members[4]
    yesterday = timezone.localdate() - timedelta(days=1)
    record = services.record_study(
        member=member, course=course, studied_on=yesterday, hours=Decimal(4), actor=party.accounts["member"]
    )
    with pytest.raises(RuleViolation, match="请填写退回原因"):
        services.return_study(record=record, actor=party.accounts["branch_secretary"], reason=" ")
    services.return_study(record=record, actor=party.accounts["branch_secretary"], reason="当天未组织该课程")
    assert not StudyRecord.objects.filter(pk=record.pk).exists()
    entry = LedgerEntry.objects.order_by("-sequence").first()
    assert entry.action == "party.study.return" and entry.payload["reason"] == "当天未组织该课程"
    note = Notification.objects.filter(recipient_account=party.accounts["member"]).latest("pk")
    assert "被支部退回：当天未组织该课程" in note.text


def test_the_branch_page_confirms_and_the_mine_page_shows_the_state(party, course, client):
    yesterday = timezone.localdate() - timedelta(days=1)
    record = services.record_study(
        member=party.members[4],
        course=course,
        studied_on=yesterday,
        hours=Decimal(1),
        actor=party.accounts["member"],
    )
    url = reverse("party:study_decide", args=[record.pk])
    client.force_login(party.accounts["member"])
    assert "待支部确认" in client.get(reverse("party:mine")).content.decode()
    assert client.post(url, {"decision": "confirm"}).status_code == 404
    client.force_login(party.accounts["branch_secretary"])
    page = client.get(reverse("party:branch", args=[party.branch.pk])).content.decode()
    assert "待确认的自学登记（1 条）" in page
    response = client.post(url, {"decision": "confirm"}, follow=True)
    assert "已确认" in response.content.decode()
    record.refresh_from_db()
    assert record.confirmed


def test_a_manager_does_not_confirm_her_own_entry(party, course):
    secretary = party.accounts["branch_secretary"]
    own = selectors.own_member(secretary)
    record = services.record_study(
        member=own,
        course=course,
        studied_on=timezone.localdate() - timedelta(days=1),
        hours=Decimal(1),
        actor=secretary,
    )
    assert not record.confirmed
    with pytest.raises(RuleViolation, match="不能确认自己登记的学习"):
        services.confirm_study(record=record, actor=secretary)


def test_an_entry_by_the_branch_counts_at_once(party, course):
    yesterday = timezone.localdate() - timedelta(days=1)
    record = services.record_study(
        member=party.members[5],
        course=course,
        studied_on=yesterday,
        hours=Decimal(1),
        actor=party.accounts["branch_secretary"],
    )
    assert record.confirmed
    assert PointEntry.objects.filter(member=party.members[5], reason="study_hour").exists()


def test_only_the_member_or_her_branch_records_her_study(party, course):
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(PermissionDenied):
        services.record_study(
            member=party.members[5],
            course=course,
            studied_on=yesterday,
            hours=Decimal(1),
            actor=party.accounts["member"],
        )
    services.record_study(
        member=party.members[5],
        course=course,
        studied_on=yesterday,
        hours=Decimal(1),
        actor=party.accounts["branch_secretary"],
    )


def test_the_mine_screen_takes_a_study_session(party, course, client):
    client.force_login(party.accounts["member"])
    page = client.get(reverse("party:mine")).content.decode()
    assert "登记学习" in page and "党章学习" in page
    url = reverse("party:study_self")
    today = timezone.localdate().isoformat()

    response = client.post(url, {"course": course.pk, "studied_on": today, "hours": "3"}, follow=True)
    # On a phone each row is a card: its figures say what they are.
    assert "学习记录已登记" in response.content.decode() and 'data-label="学时"' in response.content.decode()
    assert StudyRecord.objects.filter(member=party.members[4], hours=3).exists()

    response = client.post(url, {"course": course.pk, "studied_on": today, "hours": "6"}, follow=True)
    assert "本课程 4.00 学时，录入 6 学时" in response.content.decode()
    assert StudyRecord.objects.filter(member=party.members[4]).count() == 1


def test_a_refused_study_entry_keeps_what_was_typed(party, course, client):
    client.force_login(party.accounts["member"])
    url = reverse("party:study_self")
    response = client.post(
        url, {"course": course.pk, "studied_on": "2026-03-02", "hours": "0.1", "quiz_score": "88"}
    )
    form = response.context["study_form"]
    # The member sees why, by the field, with her course, date and score still filled in.
    assert response.status_code == 200 and "确保该值大于或等于0.25" in response.content.decode()
    assert (form["course"].value(), form["studied_on"].value(), form["quiz_score"].value()) == (
        str(course.pk),
        "2026-03-02",
        "88",
    )
    assert not StudyRecord.objects.filter(member=party.members[4]).exists()


def test_someone_who_is_not_a_member_has_no_study_form(party, client):
    client.force_login(party.accounts["community_secretary"])
    assert client.post(reverse("party:study_self"), {}).status_code == 404
