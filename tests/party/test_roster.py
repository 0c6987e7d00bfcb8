"""党员花名册导入: reading and checking the file, the all-or-nothing service, the command and the screen."""

import json
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from civicgrid.directory.models import Person
from civicgrid.ledger.models import LedgerEntry
from civicgrid.party import services
from civicgrid.party.models import MemberStatus, PartyMember
from civicgrid.party.roster import COLUMNS, RosterError, read_roster
from civicgrid.party.rules.dues import DuesCategory
from civicgrid.party.rules.violations import RuleViolation

HEADER = list(COLUMNS.values())


def row(**cells) -> dict[str, str]:
    base = {
        "姓名": "孙丽",
        "手机号": "13700000001",
        "党员状态": "正式党员",
        "入党日期": "2012-06-30",
        "转正日期": "2013年7月1日",
        "党费类别": "离退休",
        "党费基数": "3,500.5",
        "流动党员": "否",
    }
    return base | cells


def test_a_good_roster_reads_with_its_dates_choices_and_defaults():
    rows = [
        row(),
        row(
            姓名="吴刚",
            手机号="13700000002",
            党员状态="预备党员",
            入党日期="2026/3/1",
            转正日期="",
            党费类别="",
            党费基数="",
            流动党员="是",
        ),
    ]
    first, second = read_roster(rows)
    assert (first.status, first.admitted_on, first.full_since) == (
        MemberStatus.FULL,
        date(2012, 6, 30),
        date(2013, 7, 1),
    )
    assert (first.dues_category, first.dues_base, first.is_mobile) == (
        DuesCategory.RETIRED,
        Decimal("3500.50"),
        False,
    )
    assert (second.status, second.full_since, second.dues_category, second.is_mobile) == (
        MemberStatus.PROBATIONARY,
        None,
        DuesCategory.EMPLOYED,
        True,
    )
    spelled = read_roster(
        [row(入党日期="2012-06-30 00:00:00", 手机号="137-0000 0001", 党费类别="在职（按工资）")]
    )
    assert (spelled[0].admitted_on, spelled[0].phone, spelled[0].dues_category) == (
        date(2012, 6, 30),
        "13700000001",
        DuesCategory.EMPLOYED,
    )


def test_every_problem_is_named_by_row_and_column():
    rows = [
        row(),
        row(姓名="", 手机号="1234"),
        row(手机号="13700000001", 党员状态="积极分子"),
        row(手机号="13700000003", 入党日期="2012-02-30", 党费基数="-5"),
        row(手机号="13700000004", 转正日期="2012-12-01"),
        row(手机号="13700000005", 党员状态="预备党员"),
    ]
    with pytest.raises(RosterError) as refused:
        read_roster(rows)
    found = {(p.row, p.column) for p in refused.value.problems}
    assert found == {
        (3, "姓名"),
        (3, "手机号"),
        (4, "手机号"),
        (4, "党员状态"),
        (5, "入党日期"),
        (5, "党费基数"),
        (6, "转正日期"),
        (7, "转正日期"),
    }
    messages = [str(p) for p in refused.value.problems]
    assert "第 4 行「手机号」：与第 2 行重复" in messages
    assert any("须不早于 2013年6月30日" in m for m in messages)


def test_a_file_without_the_needed_columns_or_rows_is_refused():
    with pytest.raises(RosterError, match="缺少列：手机号、入党日期"):
        read_roster([{"姓名": "孙丽", "党员状态": "正式党员"}])
    with pytest.raises(RosterError, match="没有数据行"):
        read_roster([])


@pytest.mark.django_db
def test_the_import_enters_everyone_with_a_trace_and_dues_from_this_month(party):
    known = Person.objects.create(name="孙丽", phone="13700000001")
    entries_before = LedgerEntry.objects.count()
    plans = services.check_roster(
        organisation=party.branch,
        rows=[row(), row(姓名="吴刚", 手机号="13700000002")],
        actor=party.accounts["branch_secretary"],
    )
    assert [(plan.row.name, plan.person) for plan in plans] == [("孙丽", known), ("吴刚", None)]
    assert LedgerEntry.objects.count() == entries_before and not PartyMember.objects.filter(person=known)
    members = services.import_roster(
        organisation=party.branch,
        rows=[row(), row(姓名="吴刚", 手机号="13700000002")],
        actor=party.accounts["branch_secretary"],
    )
    assert [m.person.name for m in members] == ["孙丽", "吴刚"]
    assert members[0].person == known
    assert all(m.organisation == party.branch for m in members)
    assert members[0].dues_from == timezone.localdate().replace(day=1)
    assert LedgerEntry.objects.count() == entries_before + 2
    assert LedgerEntry.objects.order_by("-sequence").first().action == "party.member.register"


@pytest.mark.django_db
def test_one_bad_row_or_an_existing_member_stores_nobody(party):
    members_before, people_before = PartyMember.objects.count(), Person.objects.count()
    existing = party.members[3].person
    with pytest.raises(RosterError) as refused:
        services.import_roster(
            organisation=party.branch,
            rows=[row(), row(姓名=existing.name, 手机号=existing.phone)],
            actor=party.accounts["branch_secretary"],
        )
    assert [str(p) for p in refused.value.problems] == [
        f"第 3 行「姓名」：{existing.name} 已是党员（{party.branch}）"
    ]
    with pytest.raises(RosterError):
        services.import_roster(organisation=party.branch, rows=[row(), row(入党日期="昨天")], actor=None)
    assert (PartyMember.objects.count(), Person.objects.count()) == (members_before, people_before)


@pytest.mark.django_db
def test_only_managers_import_and_only_into_a_branch(party):
    with pytest.raises(PermissionDenied):
        services.import_roster(organisation=party.branch, rows=[row()], actor=party.accounts["member"])
    with pytest.raises(PermissionDenied):
        services.import_roster(
            organisation=party.other_branch, rows=[row()], actor=party.accounts["branch_secretary"]
        )
    with pytest.raises(RuleViolation, match="只能导入到党支部"):
        services.import_roster(organisation=party.committee, rows=[row()], actor=None)


def roster_xlsx(rows: list[dict[str, str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for cells in rows:
        sheet.append([int(cells[h]) if h == "手机号" else cells[h] for h in HEADER])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_the_command_imports_an_excel_roster_and_reports_a_bad_one_as_json(party, tmp_path, capsys):
    good = tmp_path / "花名册.xlsx"
    good.write_bytes(roster_xlsx([row(), row(姓名="吴刚", 手机号="13700000002")]))
    call_command("import_roster", str(good), branch=party.branch.pk, check=True, json=True)
    report = json.loads(capsys.readouterr().out)
    assert report["imported"] == 0 and [r["name"] for r in report["would_import"]] == ["孙丽", "吴刚"]
    assert not PartyMember.objects.filter(person__name="吴刚").exists()
    call_command("import_roster", str(good), branch=party.branch.pk)
    assert "已导入 2 名党员到 幸福1号小区党支部。" in capsys.readouterr().out

    bad = tmp_path / "bad.csv"
    bad.write_text(",".join(HEADER) + "\n郑好,1370000000,正式党员,2012-13-01,,,,\n", encoding="utf-8")
    count = PartyMember.objects.count()
    with pytest.raises(CommandError, match="花名册有 2 处问题，未导入任何党员"):
        call_command("import_roster", str(bad), branch=party.branch.pk, json=True)
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert [(p["row"], p["column"]) for p in report["problems"]] == [(2, "手机号"), (2, "入党日期")]
    assert PartyMember.objects.count() == count


@pytest.mark.django_db
def test_the_secretary_uploads_a_roster_on_the_branch_screen(party, client):
    client.force_login(party.accounts["branch_secretary"])
    url = reverse("party:roster_import", args=[party.branch.pk])
    page = client.get(reverse("party:branch", args=[party.branch.pk])).content.decode()
    assert url in page

    template = client.get(reverse("party:roster_template", args=[party.branch.pk]))
    sheet = load_workbook(BytesIO(template.content)).active
    assert [c.value for c in sheet[1]] == HEADER

    gbk = (",".join(HEADER) + "\n" + ",".join(row(党费基数="3500.5").values()) + "\n").encode("gb18030")
    response = client.post(url, {"roster": SimpleUploadedFile("花名册.csv", gbk)})
    page = response.content.decode()
    assert response.status_code == 200  # checked and shown, nothing stored yet
    assert "共 <strong>1</strong> 名党员" in page and "孙丽" in page and "离退休 · 3500.50 元" in page
    assert not PartyMember.objects.filter(person__name="孙丽").exists()
    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 302
    assert PartyMember.objects.filter(person__name="孙丽", organisation=party.branch).exists()
    response = client.post(url, {"confirm": "1"}, follow=True)  # confirmed once only
    assert "预览已失效" in response.content.decode()

    count = PartyMember.objects.count()
    bad = roster_xlsx([row(姓名="吴刚", 手机号="13700000002", 党员状态="入党积极分子")])
    response = client.post(url, {"roster": SimpleUploadedFile("花名册.xlsx", bad)})
    page = response.content.decode()
    assert response.status_code == 200  # the form again, with the problems
    assert "未导入任何党员" in page and "第 2 行" in page and "入党积极分子" in page
    assert PartyMember.objects.count() == count

    response = client.post(url, {}, follow=True)
    assert "请选择花名册文件" in response.content.decode()


@pytest.mark.django_db
def test_people_outside_the_branch_cannot_open_its_roster_import(party, client):
    client.force_login(party.accounts["other_secretary"])
    assert client.get(reverse("party:roster_import", args=[party.branch.pk])).status_code == 404
