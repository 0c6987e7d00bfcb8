"""A community secretary turns an appeal into a 双报到 task; a reported member claims and completes it; her
hours and points count, and the appeal's page shows who helped."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from civicgrid.appeals.models import Kind, Notification
from civicgrid.appeals.selectors import appeal_timeline
from civicgrid.appeals.services import submit_appeal
from civicgrid.ledger.models import LedgerEntry
from civicgrid.party import selectors, services
from civicgrid.party.models import CommunityTask, TaskStatus
from civicgrid.party.rules.violations import RuleViolation

pytestmark = pytest.mark.django_db


@pytest.fixture
def appeal(party):
    return submit_appeal(
        channel="hotline",
        kind=Kind.HELP,
        title="独居老人家中水管漏水无人修",
        text="幸福1号小区3栋独居老人家中水管漏水，希望有人帮忙联系维修。",
        grid=party.city.grids[0],
    )


def test_appeal_becomes_a_task_completed_by_a_reported_member(party, appeal, client):
    secretary, member, member_account = (
        party.accounts["community_secretary"],
        party.members[4],
        party.accounts["member"],
    )
    services.report_to_community(
        community=party.city.communities[0], member=member, reported_on=date(2026, 3, 1)
    )

    client.force_login(secretary)
    url = reverse("party:appeal_task", args=[appeal.pk])
    response = client.post(url, {"title": "帮独居老人联系修水管", "description": "上门查看并联系物业维修"})
    assert response.status_code == 302
    task = CommunityTask.objects.get()
    assert (task.appeal, task.community, task.status) == (appeal, party.city.communities[0], TaskStatus.OPEN)

    client.force_login(member_account)
    assert "帮独居老人联系修水管" in client.get(reverse("party:mine")).content.decode()
    client.post(reverse("party:task_claim", args=[task.pk]))
    response = client.post(
        reverse("party:task_complete", args=[task.pk]),
        {
            "completed_on": timezone.localdate().isoformat(),
            "hours": "1.5",
            "outcome": "已联系物业更换水管，老人满意。",
        },
    )
    assert response.url == reverse("party:mine")

    record = selectors.member_year(member, timezone.localdate().year)
    assert record.task_hours == Decimal("1.5") and record.tasks_completed == 1
    assert record.score == Decimal(60) + 2 + Decimal("0.75")
    assert [t.claimed_by for t in selectors.helpers_of_appeal(appeal)] == [member]
    assert (
        LedgerEntry.objects.filter(
            action__in=["party.task.post", "party.task.claim", "party.task.complete"]
        ).count()
        == 3
    )

    notice = Notification.objects.get(recipient_account=secretary)
    assert "党员陈静已完成诉求" in notice.text and notice.link == url

    client.force_login(secretary)
    page = client.get(url).content.decode()
    assert "陈静" in page and "已联系物业更换水管" in page

    # The appeal's own timeline shows the hand-over and who helped, each with its ledger entry.
    party_events = [e for e in appeal_timeline(appeal) if e.action in {"party_task", "party_help"}]
    assert [(e.action, e.actor) for e in party_events] == [("party_task", secretary), ("party_help", None)]
    assert "陈静" in party_events[1].note and party_events[1].data["hours"] == "1.5"
    assert LedgerEntry.objects.filter(action__in=["appeal.party_task", "appeal.party_help"]).count() == 2


def test_only_members_reported_to_the_community_may_claim(party, appeal):
    task = services.task_from_appeal(
        appeal=appeal, title="修水管", actor=party.accounts["community_secretary"]
    )
    with pytest.raises(RuleViolation) as refused:
        services.claim_task(task=task, member=party.members[5], claimed_on=date(2026, 11, 23), actor=None)
    assert refused.value.code == "task_reported"


def test_only_the_communitys_secretary_turns_its_appeals_into_tasks(party, appeal):
    with pytest.raises(PermissionDenied):
        services.task_from_appeal(appeal=appeal, title="修水管", actor=party.accounts["other_secretary"])
