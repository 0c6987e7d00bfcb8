from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from civicgrid.party import exports, services
from civicgrid.party.models import BranchMeeting, RecruitmentApplication, VolunteerPost
from civicgrid.party.rules.meetings import MeetingKind
from civicgrid.party.services import Attendance, Vote

pytestmark = pytest.mark.django_db


def login(client, account):
    client.force_login(account)
    return client


def hold_assembly(party, held_on=date(2026, 3, 20)):
    attendance = [
        Attendance(m, present=i != 6, absence_reason="出差" if i == 6 else "")
        for i, m in enumerate(party.members)
    ]
    return services.record_meeting(
        organisation=party.branch,
        kind=MeetingKind.GENERAL_ASSEMBLY,
        held_on=held_on,
        place="党群服务中心",
        chair=party.members[0],
        recorder=party.members[1],
        topic="第一季度支部党员大会",
        agenda="学习；表决",
        attendance=attendance,
        votes=[Vote("表决事项", yes=6, no=1)],
        actor=party.accounts["branch_secretary"],
    )


def reopen(workbook):
    """Save and open again, as a user's spreadsheet program would."""
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return load_workbook(buffer)


def test_meeting_ledger_workbook_has_a_row_per_meeting(party):
    hold_assembly(party)
    hold_assembly(party, date(2026, 6, 20))
    hold_assembly(party, date(2025, 12, 1))  # another year: not in the 2026 ledger
    workbook = reopen(exports.meeting_ledger_workbook(party.branch, 2026, date(2026, 11, 23)))
    rows = list(workbook["三会一课台账"].iter_rows(values_only=True))
    assert rows[0][:3] == ("日期", "类型", "主题")
    assert len(rows) == 3
    assert rows[1][0].date() == date(2026, 3, 20)
    assert rows[1][1] == "支部党员大会" and rows[1][6:8] == (9, 8)
    assert rows[1][8] == "赵亮（出差）"
    assert "应到8 实到7 赞成6" in rows[1][11] and rows[1][11].endswith("通过")
    calendar = list(workbook["开展情况"].iter_rows(values_only=True))
    assert ("2026年第1季度", "支部党员大会", "每季度", "已开展", "2026-03-20") in calendar
    assert ("2026年第3季度", "支部党员大会", "每季度", "未开展", None) in calendar


def test_dues_ledger_workbook_marks_paid_unpaid_and_not_yet_due(party):
    member = party.members[4]
    for month in (1, 2):
        services.record_dues_payment(
            member=member,
            month=date(2026, month, 1),
            amount=Decimal(40),
            paid_on=date(2026, month, 5),
            actor=party.accounts["branch_secretary"],
        )
    workbook = reopen(exports.dues_ledger_workbook(party.branch, 2026, date(2026, 4, 15)))
    rows = {r[0]: r for r in workbook.active.iter_rows(values_only=True)}
    assert len(rows) == 1 + len(party.members)
    chen = rows["陈静"]
    assert chen[1:4] == ("在职（按工资）", 4000, 40)
    assert chen[4:9] == (40, 40, "欠", None, None)  # on 15 April, April is not late yet
    assert chen[16:] == (80, 1)
    probationary = rows["周敏"]  # admitted 1 March 2026
    assert probationary[4:8] == (None, None, "欠", None)


def test_export_views_answer_xlsx_for_the_branch_and_404_outside(party, client):
    hold_assembly(party)
    login(client, party.accounts["branch_secretary"])
    response = client.get(reverse("party:export_meetings", args=[party.branch.pk]) + "?year=2026")
    assert response.status_code == 200
    assert load_workbook(BytesIO(response.content))["三会一课台账"].max_row == 2
    assert client.get(reverse("party:export_dues", args=[party.branch.pk])).status_code == 200
    assert client.get(reverse("party:export_dues", args=[party.other_branch.pk])).status_code == 404


def test_screens_render_for_each_role(party, client):
    login(client, party.accounts["branch_secretary"])
    assert client.get(reverse("party:home")).url == reverse("party:branch", args=[party.branch.pk])
    page = client.get(reverse("party:branch", args=[party.branch.pk])).content.decode()
    assert "我的支部 · 幸福1号小区党支部" in page and "139****5678" in page  # phones masked
    login(client, party.accounts["community_secretary"])
    assert client.get(reverse("party:committee")).status_code == 200
    login(client, party.accounts["member"])
    assert client.get(reverse("party:home")).url == reverse("party:mine")
    assert "我的 · 陈静" in client.get(reverse("party:mine")).content.decode()
    assert client.get(reverse("party:branch", args=[party.branch.pk])).status_code == 404


def test_committee_meeting_form_lists_the_committee_and_records_the_vote(party, client):
    login(client, party.accounts["branch_secretary"])
    url = reverse("party:meeting_new", args=[party.branch.pk]) + "?kind=committee"
    page = client.get(url).content.decode()
    assert f"present_{party.members[2].pk}" in page and f"present_{party.members[3].pk}" not in page
    data = {
        "held_on": "2026-11-05",
        "place": "支部活动室",
        "agenda": "研究发展党员",
        "chair": party.members[0].pk,
        "recorder": party.members[1].pk,
        "vote_subject": "确定入党积极分子",
        "vote_yes": "2",
        "vote_no": "0",
        "vote_abstain": "0",
        f"present_{party.members[0].pk}": "on",
        f"present_{party.members[1].pk}": "on",
        f"reason_{party.members[2].pk}": "外出务工",
    }
    response = client.post(url, data)
    meeting = BranchMeeting.objects.get()
    assert response.url == reverse("party:meeting", args=[meeting.pk])
    assert meeting.kind == MeetingKind.COMMITTEE
    assert meeting.attendance.filter(present=False).get().absence_reason == "外出务工"
    vote = meeting.votes.get()
    assert (vote.due_voting, vote.present_voting, vote.passed) == (3, 2, True)


def test_meeting_form_refuses_absence_without_reason(party, client):
    login(client, party.accounts["branch_secretary"])
    data = {
        "held_on": "2026-11-05",
        "place": "支部活动室",
        "agenda": "党课",
        "chair": party.members[0].pk,
        "recorder": party.members[1].pk,
    }
    response = client.post(reverse("party:meeting_new", args=[party.branch.pk]) + "?kind=lecture", data)
    assert "缺席须注明原因" in response.content.decode()
    assert not BranchMeeting.objects.exists()
    assert client.get(reverse("party:meeting_new", args=[party.branch.pk]) + "?kind=party").status_code == 404


def test_application_page_refuses_a_step_with_the_rule_and_dates(party, client):
    login(client, party.accounts["branch_secretary"])
    response = client.post(
        reverse("party:application_new", args=[party.branch.pk]),
        {"name": "吴小青", "phone": "13600002222", "birth_date": "1995-05-01"},
    )
    application = RecruitmentApplication.objects.get()
    assert response.url == reverse("party:application", args=[application.pk])
    url = response.url
    client.post(url, {"day": "2026-09-01", "documents": ["入党申请书"]})
    page = client.post(url, {"day": "2026-10-02", "documents": ["谈话记录"]}).content.decode()
    assert "不符合「收到申请书后一个月内派人谈话」" in page
    assert "2026年9月1日" in page and "2026年10月2日" in page and "2026年10月1日" in page
    application.refresh_from_db()
    assert application.next_step == 2
    assert timezone.localdate() >= date(2026, 10, 2)


def test_mailbox_page_turns_a_letter_into_an_appeal(party, client):
    login(client, party.city.accounts["citizen"])  # lives in the first community
    assert client.get(reverse("party:my_mailbox")).url == reverse("party:mailbox", args=[party.committee.pk])
    response = client.post(
        reverse("party:mailbox", args=[party.committee.pk]),
        {
            "sender_name": "居民",
            "phone": "13800000000",
            "subject": "建议增设休息座椅",
            "body": "小区广场缺少座椅。",
        },
        follow=True,
    )
    message = party.committee.mailbox.get()
    assert message.appeal.channel == "mailbox" and message.appeal.grid == party.city.communities[0]
    assert f"查询码 {message.appeal.tracking_code}" in response.content.decode()
    # The letter is among her own appeals, where she follows it.
    mine = client.get(reverse("appeals:list")).content.decode()
    assert message.appeal.tracking_code in mine


def test_appraisal_page_refuses_more_than_a_third_excellent(party, client):
    login(client, party.accounts["branch_secretary"])
    url = reverse("party:appraisal", args=[party.branch.pk])
    page = client.get(url).content.decode()
    assert "周敏" in page and "预备党员，不评定等次" in page and f"grade_{party.members[7].pk}" in page
    data = {"held_on": "2026-11-20"}
    for i, m in enumerate(party.members[:8]):
        data[f"grade_{m.pk}"] = "excellent" if i < 3 else "qualified"
    page = client.post(url, data).content.decode()
    assert "正式党员 8 人，最多评 2 名优秀，现评 3 名" in page
    data[f"grade_{party.members[2].pk}"] = "qualified"
    assert client.post(url, data).status_code == 302
    assert party.branch.appraisals.get().results.filter(grade="excellent").count() == 2


def test_transfer_letter_issued_accepted_and_receipted_from_the_branch_pages(party, client):
    member = party.members[6]
    login(client, party.accounts["branch_secretary"])
    client.post(
        reverse("party:transfer_issue", args=[party.branch.pk]),
        {
            "member": member.pk,
            "to_organisation": party.other_branch.pk,
            "issued_on": timezone.localdate().isoformat(),
        },
    )
    letter = member.transfers.get()
    assert "开具介绍信" in client.get(reverse("party:branch", args=[party.branch.pk])).content.decode()
    assert client.post(reverse("party:transfer_accept", args=[letter.pk])).status_code == 403
    letter.refresh_from_db()
    assert letter.status == "issued"  # the issuing branch cannot accept its own letter
    login(client, party.accounts["other_secretary"])
    page = client.get(reverse("party:branch", args=[party.other_branch.pk])).content.decode()
    assert "赵亮" in page and "接收" in page
    client.post(reverse("party:transfer_accept", args=[letter.pk]))
    member.refresh_from_db()
    assert member.organisation == party.other_branch
    login(client, party.accounts["branch_secretary"])
    client.post(reverse("party:transfer_receipt", args=[letter.pk]))
    letter.refresh_from_db()
    assert letter.status == "receipted"


def test_community_page_posts_a_wish_a_member_reports_and_claims_it(party, client):
    community = party.city.communities[0]
    login(client, party.accounts["community_secretary"])
    assert client.get(reverse("party:communities")).url == reverse("party:community", args=[community.pk])
    url = reverse("party:community", args=[community.pk])
    client.post(url, {"kind": "wish", "title": "帮忙修理轮椅", "description": "5 栋老人轮椅坏了"})
    client.post(url, {"unit": party.city.units["department"].pk, "reported_on": "2026-03-01"})
    task = party.city.communities[0].party_tasks.get()
    login(client, party.accounts["member"])
    assert "帮忙修理轮椅" not in client.get(reverse("party:mine")).content.decode()  # not reported yet
    client.post(reverse("party:report_self"))
    assert "帮忙修理轮椅" in client.get(reverse("party:mine")).content.decode()
    client.post(reverse("party:task_claim", args=[task.pk]))
    task.refresh_from_db()
    assert task.claimed_by == party.members[4]
    login(client, party.accounts["community_secretary"])
    page = client.get(url).content.decode()
    assert "区城市管理局" in page and "陈静" in page and "已认领" in page
    assert client.get(reverse("party:community", args=[party.city.communities[2].pk])).status_code == 404


def test_reduction_requested_by_the_branch_is_decided_on_the_overview(party, client):
    member = party.members[3]
    login(client, party.accounts["branch_secretary"])
    client.post(
        reverse("party:reduction_request", args=[party.branch.pk]),
        {
            "member": member.pk,
            "first_month": "2026-12",
            "last_month": "2027-05",
            "monthly_amount": "0",
            "reason": "大病治疗",
            "branch_decided_on": "2026-11-20",
        },
    )
    reduction = member.dues_reductions.get()
    assert (
        client.post(
            reverse("party:reduction_decide", args=[reduction.pk]), {"decision": "approve"}
        ).status_code
        == 404
    )
    login(client, party.accounts["community_secretary"])
    assert "大病治疗" in client.get(reverse("party:committee")).content.decode()
    client.post(reverse("party:reduction_decide", args=[reduction.pk]), {"decision": "approve"})
    reduction.refresh_from_db()
    assert reduction.status == "approved" and reduction.decided_by == party.accounts["community_secretary"]


def test_points_and_volunteer_shifts_recorded_from_the_branch_page(party, client):
    post = VolunteerPost.objects.create(name="政策宣讲岗", organisation=party.committee)
    member = party.members[3]
    login(client, party.accounts["branch_secretary"])
    url = reverse("party:branch", args=[party.branch.pk])
    assert "政策宣讲岗" in client.get(url).content.decode()
    client.post(
        reverse("party:shift_record", args=[party.branch.pk]),
        {
            "post": post.pk,
            "member": member.pk,
            "served_on": "2026-10-01",
            "service_hours": "2",
            "travel_hours": "1",
            "items_served": "12",
        },
    )
    response = client.post(
        reverse("party:points_record", args=[party.branch.pk]),
        {"member": member.pk, "reason": "honour", "occurred_on": "2026-10-02", "note": ""},
        follow=True,
    )
    assert "说明：" in response.content.decode()
    client.post(
        reverse("party:points_record", args=[party.branch.pk]),
        {"member": member.pk, "reason": "honour", "occurred_on": "2026-10-02", "note": "获评优秀志愿者"},
    )
    assert list(member.points.values_list("reason", flat=True).order_by("occurred_on")) == [
        "service_hour",
        "honour",
    ]
    assert member.shifts.get().service_hours == 2


def test_group_meetings_count_for_the_branch_and_appear_in_its_ledger(party):
    services.record_meeting(
        organisation=party.group,
        kind=MeetingKind.GROUP,
        held_on=date(2026, 11, 3),
        place="3 栋楼下",
        chair=party.members[2],
        recorder=party.members[3],
        agenda="学习",
        attendance=[Attendance(m, present=True) for m in party.members[2:5]],
        actor=party.accounts["branch_secretary"],
    )
    rows = list(reopen(exports.meeting_ledger_workbook(party.branch, 2026, date(2026, 11, 23))).active.values)
    assert rows[1][1] == "党小组会" and rows[1][6] == 3


def test_election_page_refuses_an_equal_number_election_then_records_one(party, client):
    login(client, party.accounts["branch_secretary"])
    url = reverse("party:election", args=[party.branch.pk])
    assert "换届选举" in client.get(url).content.decode()
    data = {"held_on": "2026-11-20", "seats": "3", "due_voting": "8", "present_voting": "7"}
    for member, votes in zip(party.members[:3], (7, 6, 5), strict=True):
        data[f"votes_{member.pk}"] = str(votes)
    for member in party.members[:8]:
        data[f"role_{member.pk}"] = "member"
    data[f"role_{party.members[0].pk}"] = "secretary"
    page = client.post(url, data).content.decode()
    assert "应选 3 人，候选人 3 人" in page
    data[f"votes_{party.members[3].pk}"] = "2"
    assert client.post(url, data).status_code == 302
    party.branch.refresh_from_db()
    assert party.branch.term_start == date(2026, 11, 20)


def party_links(client, account) -> list[str]:
    page = login(client, account).get(reverse("party:committee" if account.is_superuser else "party:mine"))
    nav = page.content.decode().split('<nav class="party-nav"')[1].split("</nav>")[0]
    return [label for label in ("我的支部", "各支部总览", "双报到", "我的<", "书记信箱") if label in nav]


def test_the_party_menu_offers_only_pages_that_lead_somewhere(party, client):
    secretary = ["我的支部", "各支部总览", "我的<", "书记信箱"]
    assert party_links(client, party.accounts["branch_secretary"]) == secretary
    assert party_links(client, party.accounts["member"]) == ["我的<", "书记信箱"]
    # The administrator manages every branch, is no party member and lives nowhere.
    assert party_links(client, party.accounts["admin"]) == ["各支部总览", "双报到"]


def test_party_form_labels_carry_no_ascii_colon(party, client):
    page = login(client, party.accounts["member"]).get(reverse("party:my_mailbox"), follow=True)
    assert "您的姓名</label>" in page.content.decode() and "您的姓名:" not in page.content.decode()
