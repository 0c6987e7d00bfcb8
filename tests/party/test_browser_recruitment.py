"""A branch secretary walks an applicant through the 25 steps in a real Chromium, and sees an early step
refused with the rule's name and dates. Screenshots go to test-artifacts/."""

import os
from datetime import date

import pytest
from smallcity import PASSWORD, build_small_city

from civicgrid.party.models import MemberStatus, RecruitmentApplication

from .conftest import build_party_city
from .walk import WALK

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.fixture
def party_city(transactional_db):
    return build_party_city(build_small_city())


def log_in(page, base_url, username):
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def open_file(page, base_url, party):
    page.goto(f"{base_url}/party/")
    page.get_by_role("link", name="登记入党申请").click()
    page.fill("#id_name", "吴小青")
    page.fill("#id_phone", "13600002222")
    page.fill("#id_birth_date", "1995-05-01")
    page.get_by_role("button", name="建立发展党员档案").click()
    page.wait_for_url("**/party/applications/*/")


def step_inputs(party, number: int, data: dict) -> dict:
    if number == 5:
        return {"contacts": [party.members[0].pk]}
    if number == 9:
        return {"introducers": [party.members[0].pk, party.members[1].pk]}
    if number == 19:
        return {"group": party.group.pk}
    return data


def fill_step(page, party, number: int, day: date, data: dict) -> None:
    page.fill("#id_day", day.isoformat())
    for box in page.locator("input[name=documents]").all():
        box.check()
    for key, value in step_inputs(party, number, data).items():
        selector = f"#id_{key}"
        if isinstance(value, bool):
            page.set_checked(selector, value)
        elif isinstance(value, list):
            page.select_option(selector, [str(v) for v in value])
        elif key in ("group", "outcome"):
            page.select_option(selector, str(value))
        else:
            page.fill(selector, value.isoformat() if isinstance(value, date) else str(value))
    page.get_by_role("button", name=f"办理第{number}步").click()


def test_branch_secretary_walks_an_applicant_through_all_25_steps(
    party_city, live_server, page, artifacts_dir
):
    party = party_city
    log_in(page, live_server.url, "branchsecretary")
    open_file(page, live_server.url, party)
    for number, day, data in WALK:
        assert page.locator("#step-title").inner_text().startswith(f"第{number}步")
        fill_step(page, party, number, day, data)
        page.get_by_text(f"第{number}步「").first.wait_for()
    page.get_by_text("材料已归档，发展程序全部完成。").wait_for()
    assert page.locator("tr[data-step]").count() == 25
    page.screenshot(path=os.path.join(artifacts_dir, "party-recruitment-25-steps.png"), full_page=True)
    member = RecruitmentApplication.objects.get().member
    assert member.status == MemberStatus.FULL
    assert member.full_since == date(2025, 12, 6)


def test_an_early_step_is_refused_with_the_rule_and_both_dates(party_city, live_server, page, artifacts_dir):
    party = party_city
    log_in(page, live_server.url, "branchsecretary")
    open_file(page, live_server.url, party)
    fill_step(page, party, 1, date(2023, 6, 1), {})
    page.get_by_text("第1步「递交入党申请书」已办理").wait_for()
    fill_step(page, party, 2, date(2023, 7, 3), {})  # talk more than a month after the application
    alert = page.get_by_role("alert")
    alert.wait_for()
    text = alert.inner_text()
    assert "不符合「收到申请书后一个月内派人谈话」" in text
    assert "收到申请书 2023年6月1日，谈话 2023年7月3日，应不晚于 2023年7月1日" in text
    assert page.locator("#step-title").inner_text().startswith("第2步")
    page.screenshot(path=os.path.join(artifacts_dir, "party-recruitment-step-refused.png"), full_page=True)
    assert RecruitmentApplication.objects.get().next_step == 2


def test_a_secretary_imports_a_roster_refused_first_then_accepted(
    party_city, live_server, page, artifacts_dir, tmp_path
):
    header = "姓名,手机号,党员状态,入党日期,转正日期,党费类别,党费基数,流动党员\n"
    bad = tmp_path / "花名册-有误.csv"
    bad.write_text(header + "孙丽,1370000000,正式党员,2012-06-30,2013-07-01,在职,5000,否\n", encoding="utf-8")
    good = tmp_path / "花名册.csv"
    good.write_text(
        header + "孙丽,13700000001,正式党员,2012-06-30,2013-07-01,在职,5000,否\n", encoding="utf-8"
    )
    log_in(page, live_server.url, "branchsecretary")
    page.goto(f"{live_server.url}/party/branches/{party_city.branch.pk}/")
    page.get_by_role("link", name="导入党员花名册（Excel/CSV）").click()

    page.set_input_files("#roster-file", str(bad))
    page.get_by_role("button", name="上传并核对").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "未导入任何党员" in alert.inner_text() and "不是 11 位手机号" in alert.inner_text()
    page.screenshot(path=os.path.join(artifacts_dir, "party-roster-refused.png"), full_page=True)

    page.set_input_files("#roster-file", str(good))
    page.get_by_role("button", name="上传并核对").click()
    preview = page.locator("section[aria-labelledby=preview-title]")
    # The upload reloads the page; wait for the preview rather than read the page it replaces.
    preview.get_by_role("cell", name="13700000001").wait_for()
    page.screenshot(path=os.path.join(artifacts_dir, "party-roster-preview.png"), full_page=True)
    page.get_by_role("button", name="确认导入 1 名党员").click()
    page.get_by_text("已导入 1 名党员。").wait_for()
    members = page.locator("section[aria-labelledby=members-title]")
    members.get_by_role("cell", name="孙丽", exact=True).wait_for()
