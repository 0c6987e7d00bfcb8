"""Whole lives of appeals in a real Chromium, each person in a browser of their own: the citizen on the
portal, the dispatcher at the workbench, the handlers at their inboxes, the community secretary and the
supervisor. Screenshots go to test-artifacts/ for people to look at."""

import datetime as dt
import os
import re

import pytest
from django.utils import timezone
from samplefiles import photo_png
from smallcity import PASSWORD, build_small_city

from civicgrid.appeals import services
from civicgrid.appeals.models import Appeal, Status

from .conftest import Stages, add_department, ensure_categories

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def city():
    return build_small_city()


@pytest.fixture
def stages(city) -> Stages:
    return Stages(city)


@pytest.fixture
def people(browser, live_server, city):
    """`people("dispatcher")`: a page in a browser context of its own, logged in as that account (None: an
    anonymous citizen)."""
    contexts = []

    def open_as(key: str | None, **options):
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.js_errors = errors
        if key is not None:
            page.goto(f"{live_server.url}/login/")
            page.fill("#id_username", city.accounts[key].username if key in city.accounts else key)
            page.fill("#id_password", PASSWORD)
            page.click("main button[type=submit]")
            page.wait_for_url(f"{live_server.url}/")
        return page

    yield open_as
    for context in contexts:
        assert context.pages[0].js_errors == []
        context.close()


def shoot(page, artifacts_dir, name: str) -> None:
    page.screenshot(path=os.path.join(artifacts_dir, name), full_page=True)


def act(page, action: str, within=None, **fields) -> str:
    """Open the action's panel, fill it in, confirm it; the message the next page shows."""
    panel = (within or page).locator(f"details.action-{action}").first
    if panel.get_attribute("open") is None:
        panel.locator(":scope > summary").click()
    for name, value in fields.items():
        control = panel.locator(f"[name={name}]")
        kind = control.first.evaluate("e => e.tagName === 'SELECT' ? 'select' : e.type")
        if kind == "select":
            control.select_option(label=value)
        elif kind in {"radio", "checkbox"}:
            for label in value if isinstance(value, list) else [value]:
                exactly = re.compile(rf"^\s*{re.escape(label)}\s*$")
                choice = panel.locator(f"label.choice:has(input[name={name}])").filter(has_text=exactly)
                folded = choice.locator("xpath=ancestor::details[contains(@class, 'picker-group')]")
                if folded.count() and folded.get_attribute("open") is None:
                    folded.locator("summary").click()
                choice.locator("input").check()
        elif kind == "file":
            control.set_input_files(value)
        else:
            control.fill(value)
    with page.expect_navigation():
        panel.locator("button[type=submit]").click()
    return page.locator(".messages").inner_text()


def detail(page, base_url, appeal) -> None:
    page.goto(f"{base_url}/appeals/{appeal.pk}/")


def status_of(appeal) -> str:
    return Appeal.objects.get(pk=appeal.pk).status


def photo(name: str) -> dict:
    return {"name": name, "mimeType": "image/png", "buffer": photo_png()}


def choose_category(page, category) -> None:
    """Pick the 3 levels of the cascade, each once htmx has drawn it."""
    for level, node in enumerate([category.parent.parent, category.parent, category], start=1):
        choose_and_settle(page, page.locator(f"select[name=category_{level}]"), str(node.pk))


def choose_and_settle(page, select, value: str) -> None:
    """Choose in a select that htmx re-draws, and wait until the new one is drawn and live."""
    page.evaluate(
        "() => { window.settled = new Promise(done => "
        "document.body.addEventListener('htmx:afterSettle', done, {once: true})); }"
    )
    select.select_option(value)
    page.evaluate("() => window.settled.then(() => true)")


def test_ordinary_life_from_the_portal_to_the_archive(people, live_server, city, artifacts_dir):
    category = ensure_categories()
    grid = city.grids[0]
    base = live_server.url

    citizen = people(None)
    citizen.goto(f"{base}/appeals/portal/")
    citizen.select_option("select[name=kind]", label="投诉")
    choose_category(citizen, category)
    citizen.fill("#id_title", "小区门口路灯不亮")
    citizen.fill("#id_text", "幸福1号小区南门路灯已连续三晚不亮，夜间出行不便，请尽快维修。")
    citizen.fill("#id_address", "幸福1号小区南门")
    citizen.fill("#id_lat", f"{grid.centroid_lat:.6f}")
    citizen.fill("#id_lng", f"{grid.centroid_lng:.6f}")
    citizen.fill("#id_contact_name", "王小明")
    citizen.fill("#id_contact_phone", "13912345678")
    citizen.set_input_files("#id_photo", photo("lamp.png"))
    shoot(citizen, artifacts_dir, "appeal-portal-submit.png")
    with citizen.expect_navigation():
        citizen.click("main form button[type=submit]")
    message = citizen.locator(".messages").inner_text()
    code = re.search(r"查询码是 ([A-Z0-9]{10})", message).group(1)
    appeal = Appeal.objects.get(tracking_code=code)
    assert (appeal.category, appeal.grid, appeal.status) == (category, grid, Status.RECEIVED)

    dispatcher = people("dispatcher")
    dispatcher.click("nav.nav >> text=派单台")
    dispatcher.click(f"text={appeal.title}")
    assert "王小明" in dispatcher.locator("main").inner_text()  # the dispatcher calls back: contact in full
    act(dispatcher, "dispatch", unit="区城市管理局", note="请尽快维修")
    assert status_of(appeal) == Status.DISPATCHED

    handler = people("handler")
    handler.click("nav.nav >> text=待办")
    act(handler, "sign", within=handler.locator("li", has_text=appeal.title))
    assert status_of(appeal) == Status.SIGNED
    detail(handler, base, appeal)
    act(handler, "first_contact", note="已电话联系王先生，约定明早维修")
    act(handler, "resolve", reply="已更换南门路灯灯泡，经夜间查看照明恢复正常。", evidence=photo("fixed.png"))
    assert status_of(appeal) == Status.RESOLVED

    dispatcher.click("nav.nav >> text=派单台")
    row = dispatcher.locator("li", has_text=appeal.title)
    row.locator("details.action-callback summary").click()
    shoot(dispatcher, artifacts_dir, "appeal-workbench-callback.png")
    assert "回访已记录。" in act(dispatcher, "callback", within=row, resolution="解决", satisfaction="满意")
    act(dispatcher, "close", within=dispatcher.locator("li", has_text=appeal.title))
    assert status_of(appeal) == Status.CLOSED

    detail(dispatcher, base, appeal)
    timeline = dispatcher.locator(".timeline").inner_text()
    for label in ("受理", "派单", "签收", "首次联系", "办结", "回访", "归档"):
        assert label in timeline
    shoot(dispatcher, artifacts_dir, "appeal-ordinary-timeline.png")

    citizen.goto(f"{base}/appeals/portal/track/")
    assert "已归档" in citizen.locator("main").inner_text()
    assert "部门承办人" not in citizen.content()  # no staff names on the public page
    shoot(citizen, artifacts_dir, "appeal-ordinary-track.png")


def test_wrong_unit_returns_it_with_a_reason_and_it_is_dispatched_again(
    people, live_server, city, artifacts_dir
):
    ensure_categories()
    base = live_server.url
    dispatcher = people("dispatcher")
    dispatcher.click("nav.nav >> text=派单台")
    dispatcher.click("text=登记热线诉求")
    dispatcher.select_option("#id_channel", label="12345热线")
    dispatcher.fill("#id_external_id", "BJ12345-20261123-0007")
    dispatcher.fill("#id_title", "人行道井盖缺失")
    dispatcher.fill("#id_text", "第1街道1社区人行道井盖缺失，有行人跌落风险。")
    dispatcher.fill("#id_lat", f"{city.grids[1].centroid_lat:.6f}")
    dispatcher.fill("#id_lng", f"{city.grids[1].centroid_lng:.6f}")
    dispatcher.fill("#id_contact_phone", "13700001111")
    dispatcher.select_option("#id_urgency", label="紧急")
    shoot(dispatcher, artifacts_dir, "appeal-intake.png")
    with dispatcher.expect_navigation():
        dispatcher.click("main form button[type=submit]")
    appeal = Appeal.objects.get(external_id="BJ12345-20261123-0007")
    assert "派单建议" in dispatcher.locator("details.action-dispatch").inner_text()
    shoot(dispatcher, artifacts_dir, "appeal-dispatch.png")
    act(dispatcher, "dispatch", unit="安居物业公司")

    property_handler = people("property_handler")
    property_handler.click("nav.nav >> text=待办")
    act(
        property_handler,
        "return",
        within=property_handler.locator("li", has_text=appeal.title),
        reason="市政井盖不属物业管理范围，请派市政部门",
    )
    assert status_of(appeal) == Status.RETURNED

    dispatcher.click("nav.nav >> text=派单台")
    queue = dispatcher.locator("#queue-title + table")
    assert "市政井盖不属物业管理范围" in queue.inner_text()
    shoot(dispatcher, artifacts_dir, "appeal-returned-queue.png")
    dispatcher.click(f"text={appeal.title}")
    act(dispatcher, "dispatch", unit="区城市管理局", note="改派市政部门")

    handler = people("handler")
    handler.click("nav.nav >> text=待办")
    act(handler, "sign", within=handler.locator("li", has_text=appeal.title))
    appeal.refresh_from_db()
    assert (appeal.status, appeal.main_unit) == (Status.SIGNED, city.units["department"])
    detail(handler, base, appeal)
    timeline = handler.locator(".timeline").inner_text()
    assert "退回" in timeline and "市政井盖不属物业管理范围" in timeline
    shoot(handler, artifacts_dir, "appeal-returned-timeline.png")


def test_whistle_summons_two_departments_who_report_and_are_rated(
    people, live_server, city, stages, artifacts_dir
):
    base = live_server.url
    add_department(city, "区水务局", "water")
    add_department(city, "区住房和城乡建设局", "housing")
    appeal = stages.in_progress(title="暴雨后地下车库积水", text="幸福1号小区地下车库积水半米，车辆被淹。")

    secretary = people("secretary")
    detail(secretary, base, appeal)
    act(
        secretary,
        "blow_whistle",
        units=["区水务局", "区住房和城乡建设局"],
        reason="车库积水严重，请立即到场处置",
    )
    whistle = appeal.whistles.get()
    assert whistle.summonses.count() == 2

    for username, action_taken in [
        ("water", "调派两台抽水泵，已排除积水"),
        ("housing", "检查车库结构安全，无隐患"),
    ]:
        department = people(username)
        department.click("nav.nav >> text=待办")
        assert appeal.title in department.locator("#summons-title + table").inner_text()
        department.click(f"text={appeal.title}")
        assert "已报到。" in act(department, "report_arrival", action_taken=action_taken)

    detail(secretary, base, appeal)
    for unit, rating in [("区水务局", "5 分 · 很好"), ("区住房和城乡建设局", "4 分 · 较好")]:
        act(secretary, "rate_whistle", summons=unit, rating=rating)
    ratings = {s.unit.name: s.rating for s in whistle.summonses.select_related("unit")}
    assert ratings == {"区水务局": 5, "区住房和城乡建设局": 4}
    table = secretary.locator("#whistle-title + table").inner_text()
    assert "按时" in table and "调派两台抽水泵" in table
    shoot(secretary, artifacts_dir, "appeal-whistle.png")

    supervisor = people("supervisor")
    supervisor.click("nav.nav >> text=督办")
    assert "检查车库结构安全" in supervisor.locator("#whistles-title + ul").inner_text()


def test_unsatisfied_callback_reopens_then_a_satisfied_one_closes(
    people, live_server, city, stages, artifacts_dir
):
    base = live_server.url
    appeal = stages.resolved(title="楼道堆物未清理")
    citizen = people(None)  # rates online with the tracking code the hotline gave her
    citizen.goto(f"{base}/appeals/portal/track/")
    citizen.fill("#id_code", appeal.tracking_code.lower())
    with citizen.expect_navigation():
        citizen.click("form.track-form button[type=submit]")
    rating = citizen.locator("#rate-title + form")
    rating.get_by_label("未解决", exact=True).check()
    rating.get_by_label("不满意", exact=True).check()
    rating.locator("textarea").fill("市民称杂物仍在")
    shoot(citizen, artifacts_dir, "appeal-citizen-rating.png")
    with citizen.expect_navigation():
        rating.locator("button[type=submit]").click()
    assert "感谢您的评价" in citizen.locator(".messages").inner_text()
    appeal.refresh_from_db()
    assert (appeal.status, appeal.reopen_count) == (Status.DISPATCHED, 1)

    handler = people("handler")
    handler.click("nav.nav >> text=待办")
    act(handler, "sign", within=handler.locator("li", has_text=appeal.title))
    detail(handler, base, appeal)
    act(handler, "first_contact", note="再次联系市民，约定清理时间")
    act(handler, "resolve", reply="已联系物业彻底清理楼道杂物，并张贴告示。")

    dispatcher = people("dispatcher")
    detail(dispatcher, base, appeal)
    act(dispatcher, "callback", resolution="解决", satisfaction="满意")
    act(dispatcher, "close", note="重办后满意")
    assert status_of(appeal) == Status.CLOSED
    timeline = dispatcher.locator(".timeline").inner_text()
    assert "重办" in timeline and "市民称杂物仍在" in timeline and "诉求人" in timeline
    shoot(dispatcher, artifacts_dir, "appeal-reopened-timeline.png")


def test_an_overdue_appeal_lands_on_the_supervisor_board(people, city, stages, artifacts_dir):
    late = stages.dispatched(title="路面塌陷无人处理")
    sweep = services.refresh_due_states(now=timezone.now() + dt.timedelta(days=30))
    assert sweep.supervised == 1
    other = stages.signed(title="噪音扰民反复发生")

    supervisor = people("supervisor")
    supervisor.click("nav.nav >> text=督办")
    board = supervisor.locator("#board-title + table").inner_text()
    assert late.title in board and "系统自动督办" in board
    assert "超期" in supervisor.locator("#overdue-title + table").inner_text()
    supervisor.fill("#id_appeal", other.tracking_code)
    supervisor.fill("#id_reason", "同一地点一月内第三次反映，请主办单位说明")
    with supervisor.expect_navigation():
        supervisor.click("#supervise-title + form button[type=submit]")
    assert "同一地点一月内第三次反映" in supervisor.locator("#board-title + table").inner_text()
    shoot(supervisor, artifacts_dir, "appeal-supervision-board.png")
    supervisor.click("nav.nav >> text=诉求")
    supervisor.select_option("select[name=due_state]", label="超期")
    with supervisor.expect_navigation():
        supervisor.click("form.filters button[type=submit]")
    assert supervisor.locator("#results tbody tr").all_inner_texts()[0].startswith(late.title)
    assert supervisor.locator("#results tbody tr").count() == 1
    shoot(supervisor, artifacts_dir, "appeal-list-overdue.png")

    handler = people("handler")
    handler.click("nav.nav >> text=待办")
    assert f"诉求{late.tracking_code}被督办" in handler.locator(".notifications").inner_text()
    shoot(handler, artifacts_dir, "appeal-handler-inbox.png")


def test_patrol_report_on_a_phone_with_gps_and_camera(people, live_server, city, artifacts_dir):
    grid = city.grids[0]
    worker = people(
        "grid_worker",
        geolocation={"latitude": grid.centroid_lat, "longitude": grid.centroid_lng, "accuracy": 8},
        permissions=["geolocation"],
    )
    worker.set_viewport_size(PHONE)
    worker.click("nav.nav >> text=巡查上报")
    assert worker.locator("#id_photo").get_attribute("capture") == "environment"
    worker.fill("#id_title", "井盖破损")
    worker.fill("#id_text", "1号楼东侧井盖破损，已设置临时警示。")
    worker.set_input_files("#id_photo", photo("manhole.png"))
    worker.click("text=使用当前位置")
    worker.wait_for_selector(f"#location-preview b:has-text('{city.compounds[0].name}')")
    assert grid.name in worker.locator("#location-preview").inner_text()
    shoot(worker, artifacts_dir, "appeal-patrol-phone.png")
    with worker.expect_navigation():
        worker.click("main form button[type=submit]")
    assert f"位置：{grid.name} · {city.compounds[0].name}" in worker.locator(".messages").inner_text()
    appeal = Appeal.objects.get(title="井盖破损")
    assert appeal.attachments.count() == 1 and appeal.channel == "patrol"
    assert "井盖破损" in worker.locator("#reports-title + ul").inner_text()
    shoot(worker, artifacts_dir, "appeal-patrol-phone-sent.png")


def test_the_dispatcher_places_an_unlocated_appeal_and_picks_helpers_by_name(
    people, live_server, city, stages, artifacts_dir
):
    appeal = stages.received(lat=None, lng=None, address="某小区门口")
    compound = city.compounds[2]
    grid = compound.grid
    dispatcher = people("dispatcher")
    detail(dispatcher, live_server.url, appeal)
    panel = dispatcher.locator("details.action-amend")
    panel.locator(":scope > summary").click()
    # Each level is offered once the one above is chosen: htmx re-draws the selects.
    chain = [
        ("grid_1", grid.parent.parent),
        ("grid_2", grid.parent),
        ("grid_3", grid),
        ("compound", compound),
    ]
    for name, node in chain:
        choose_and_settle(dispatcher, panel.locator(f"select[name={name}]"), str(node.pk))
    assert "已更正分类与位置" in act(dispatcher, "amend", reason="来电人补充了小区名称")
    shoot(dispatcher, artifacts_dir, "appeal-amend-place.png")
    appeal.refresh_from_db()
    assert (appeal.grid, appeal.compound) == (grid, compound)

    dispatch = dispatcher.locator("details.action-dispatch")
    if dispatch.get_attribute("open") is None:
        dispatch.locator(":scope > summary").click()
    assert dispatch.locator("select[name=unit] optgroup[label=物业公司]").count() == 1
    dispatch.locator("[data-picker-filter]").fill("乐家")
    visible = dispatch.locator("label.choice:visible")
    visible.first.wait_for()
    assert [text.strip() for text in visible.all_inner_texts()] == ["乐家物业公司"]
    visible.first.locator("input").check()
    assert dispatch.locator("[data-picker-chosen]").inner_text() == "已选 1 个：乐家物业公司"
    dispatch.locator("[data-picker-filter]").fill("水利")
    assert dispatch.locator("[data-picker-none]").inner_text() == "没有名称含“水利”的单位。"
    dispatch.locator("[data-picker-filter]").fill("")
    # Cleared, only the group holding a choice stays unfolded, with its full count again.
    opened = dispatch.locator("details.picker-group[open] > summary")
    assert [text.split()[0] for text in opened.all_inner_texts()] == ["物业公司"]
    assert dispatch.locator("[data-picker-none]").is_hidden()
    dispatch.locator("select[name=unit]").select_option(label="区城市管理局")
    # The 主办 unit is no 协办 choice.
    main_box = dispatch.locator(f"input[name=assisting_units][value='{city.units['department'].pk}']")
    assert main_box.is_disabled()
    shoot(dispatcher, artifacts_dir, "appeal-dispatch-picker.png")
    with dispatcher.expect_navigation():
        dispatch.locator("button[type=submit]").click()
    assert appeal.assignments.filter(unit=city.units["other_property"], role="assisting").exists()
