"""The appeal screens through Django's test client: each renders for its role, actions change state through
the services, a scope miss is a 404 and a refused action a message, never a 500."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from samplefiles import photo_png

from civicgrid.appeals import services
from civicgrid.appeals.models import Appeal, Channel, Status
from civicgrid.insight.urgent import assess

from .conftest import add_department, ensure_categories


def act(client, appeal, action, **data):
    return client.post(reverse("appeals:act", args=[appeal.pk, action]), data, follow=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- each screen for its role -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("account", "url_name", "heading"),
    [
        ("dispatcher", "appeals:workbench", "派单台"),
        ("dispatcher", "appeals:intake", "登记热线诉求"),
        ("handler", "appeals:inbox", "待办"),
        ("grid_worker", "appeals:patrol", "巡查上报"),
        ("supervisor", "appeals:supervision", "督办"),
        ("leader", "appeals:supervision", "督办"),
        ("secretary", "appeals:list", "诉求"),
    ],
)
def test_each_screen_renders_for_its_role(client_for, stages, account, url_name, heading):
    stages.resolved()
    response = client_for(account).get(reverse(url_name))
    assert response.status_code == 200
    assert f"<h1>{heading}" in response.content.decode()


@pytest.mark.parametrize(
    ("account", "url_name"),
    [("handler", "appeals:workbench"), ("citizen", "appeals:inbox"), ("dispatcher", "appeals:patrol")],
)
def test_a_role_page_refuses_other_roles(client_for, city, account, url_name):
    assert client_for(account).get(reverse(url_name)).status_code == 403


def test_staff_pages_ask_for_a_login(client, city):
    response = client.get(reverse("appeals:workbench"))
    assert response.status_code == 302 and response.url.startswith(reverse("web:login"))


def test_the_navigation_offers_each_role_its_screen(client_for, city):
    expected = {
        "dispatcher": "派单台",
        "handler": "待办",
        "grid_worker": "巡查上报",
        "supervisor": "督办",
    }
    for account, label in expected.items():
        assert f">{label}</a>" in client_for(account).get(reverse("web:home")).content.decode()


# --- the workbench and the dispatch -------------------------------------------------------------------------


def test_intake_registers_a_hotline_appeal_and_it_waits_in_the_queue(client_for, city):
    category = ensure_categories()
    client = client_for("dispatcher")
    response = client.post(
        reverse("appeals:intake"),
        {
            "channel": Channel.HOTLINE,
            "external_id": "12345-0001",
            "kind": "complaint",
            "urgency": "urgent",
            "category_1": category.parent.parent.pk,
            "category_2": category.parent.pk,
            "category_3": category.pk,
            "title": "井盖缺失",
            "text": "人行道井盖缺失，有安全隐患。",
            "lat": city.grids[0].centroid_lat,
            "lng": city.grids[0].centroid_lng,
            "contact_name": "李四",
            "contact_phone": "13700001111",
        },
        follow=True,
    )
    appeal = Appeal.objects.get(external_id="12345-0001")
    assert (appeal.category, appeal.grid, appeal.status) == (category, city.grids[0], Status.RECEIVED)
    assert appeal.contact.phone == "13700001111"
    assert any(appeal.tracking_code in m for m in messages_of(response))
    page = client.get(reverse("appeals:workbench")).content.decode()
    assert "井盖缺失" in page and "紧急" in page


def test_a_category_that_does_not_belong_to_its_parent_is_refused(client_for, city):
    category = ensure_categories()
    other = ensure_categories().parent.parent.children.create(name="其他分支")
    response = client_for("dispatcher").post(
        reverse("appeals:intake"),
        {
            "channel": "hotline",
            "kind": "complaint",
            "urgency": "normal",
            "title": "t",
            "text": "x",
            "category_1": category.parent.parent.pk,
            "category_2": other.pk,
            "category_3": category.pk,
        },
    )
    assert response.status_code == 200
    assert not Appeal.objects.exists()


def test_the_category_cascade_offers_the_children_of_the_choice_above(client, db):
    category = ensure_categories()
    response = client.get(reverse("appeals:categories"), {"category_1": category.parent.parent.pk})
    page = response.content.decode()
    assert category.parent.name in page and 'name="category_3"' in page


def test_the_dispatcher_sees_the_predicted_category_and_likely_duplicates(client_for, stages):
    first = stages.received(text="小区门口路灯连续三晚不亮，晚上出门很不方便，请修一下。")
    elsewhere = stages.received(text="小区门口路灯连续三晚不亮，夜间出行不便。", lat=None, lng=None)
    unrelated = stages.received(title="噪音扰民", text="楼下饭店油烟噪音扰民，深夜仍在营业。")
    appeal = stages.received()
    page = client_for("dispatcher").get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert "智能分类：<b>" in page and "置信度" in page
    assert "疑似重复诉求" in page and first.tracking_code in page
    assert elsewhere.tracking_code not in page and unrelated.tracking_code not in page


def test_the_timeline_says_why_an_appeal_was_made_urgent_or_left_to_the_operator(
    client_for, stages, settings
):
    raised = stages.received(title="楼道燃气泄漏", text="楼道里燃气泄漏，气味很大，请马上派人处理。")
    settings.CIVICGRID_RAISE_URGENT_CASES = "certain"
    assert not assess("车库出租", "车库里住人，上周失火了，物业不管。").certain, "pick another 疑似 text"
    left = stages.received(title="车库出租", text="车库里住人，上周失火了，物业不管。")
    client = client_for("dispatcher")
    page = client.get(reverse("appeals:detail", args=[raised.pk])).content.decode()
    assert "急难险重（燃气泄漏" in page and "已自动设为紧急" in page
    page = client.get(reverse("appeals:detail", args=[left.pk])).content.decode()
    assert "疑似急难险重（火灾" in page and "未自动升级，请受理人员判断" in page


def test_dispatch_through_the_detail_page_shows_the_rule_suggestion(client_for, stages, city):
    services.save_dispatch_rule(
        actor=city.accounts["admin"], unit=city.units["department"], grid=city.grids[0]
    )
    appeal = stages.received()
    client = client_for("dispatcher")
    page = client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert "派单建议" in page and "区城市管理局" in page and "按派单规则" in page
    act(
        client,
        appeal,
        "dispatch",
        unit=city.units["department"].pk,
        assisting_units=[city.units["property"].pk],
    )
    appeal.refresh_from_db()
    assert appeal.status == Status.DISPATCHED and appeal.main_unit == city.units["department"]
    assert appeal.assignments.filter(unit=city.units["property"], role="assisting").exists()
    page = client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert "主办：区城市管理局；协办：安居物业公司" in page


def test_the_dispatcher_places_an_unlocated_appeal_and_the_timeline_says_so(client_for, stages, city):
    appeal = stages.received(lat=None, lng=None, address="某小区门口")
    client = client_for("dispatcher")
    page = client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert "更正分类与位置" in page and 'name="grid_1"' in page and "（未定位）" in page
    assert "该诉求尚未定位" in page  # the dispatch panel says where to place it first
    # Choosing a street re-draws the selects with its communities (htmx).
    options = client.get(reverse("appeals:locations"), {"grid_1": city.streets[0].pk}).content.decode()
    assert f'value="{city.communities[0].pk}">1社区</option>' in options  # named as it reads under 第1街道
    assert f'value="{city.communities[2].pk}"' not in options
    compound = city.compounds[1]
    grid = compound.grid
    response = act(
        client,
        appeal,
        "amend",
        grid_1=city.streets[0].pk,
        grid_2=grid.parent.pk,
        grid_3=grid.pk,
        compound=compound.pk,
        reason="来电人补充：幸福2号小区",
    )
    assert "已更正分类与位置。" in messages_of(response)
    appeal.refresh_from_db()
    assert (appeal.grid, appeal.compound) == (grid, compound)
    page = response.content.decode()
    assert f"网格：（无） → {grid.name}" in page and f"小区：（无） → {compound.name}" in page


def test_amend_is_offered_to_the_dispatcher_only_and_needs_a_reason(client_for, stages):
    appeal = stages.dispatched()
    page = client_for("handler").get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert "更正分类与位置" not in page
    response = act(client_for("dispatcher"), appeal, "amend", reason="")
    assert any("更正理由" in m for m in messages_of(response))
    assert not appeal.events.filter(action="amend").exists()


def test_the_dispatcher_redispatches_an_unsigned_appeal_from_its_page(client_for, stages, city):
    department, street_office, company = (city.units[k] for k in ("department", "street_office", "property"))
    appeal = services.dispatch_appeal(
        stages.received(), unit=department, actor=stages.dispatcher, assisting_units=[company]
    )
    detail = reverse("appeals:detail", args=[appeal.pk])
    assert "改派" not in client_for("handler").get(detail).content.decode()
    client = client_for("dispatcher")
    page = client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    panel = page[page.index('<details class="action action-redispatch">') :]
    panel = panel[: panel.index("确认改派")]
    # The unit holding it is not offered; what the change does to its 响应率 is said before, not after.
    assert f'value="{department.pk}"' not in panel.split('name="assisting_units"')[0]
    assert f"当前主办：{department.name}" in panel and "改派后本轮不计入其响应率" in panel
    assisting = re.search(rf'<input [^>]*name="assisting_units" value="{company.pk}"[^>]*>', panel)
    assert "checked" in assisting.group()  # the 协办 units go along unless unticked
    refused = act(client, appeal, "redispatch", unit=street_office.pk, reason="")
    assert any("改派理由" in m for m in messages_of(refused))
    assert '<details class="action action-redispatch" open>' in refused.content.decode()
    response = act(client, appeal, "redispatch", unit=street_office.pk, reason="属街道职责")
    assert "已改派。" in messages_of(response)
    appeal.refresh_from_db()
    assert appeal.main_unit == street_office and appeal.status == Status.DISPATCHED
    page = response.content.decode()
    assert f"原主办：{department.name}；主办：{street_office.name}（本轮不计入原单位响应率）" in page
    notices = client_for("handler").get(reverse("appeals:inbox")).content.decode()
    assert f"已改派至{street_office.name}" in notices


def test_a_refused_action_shows_its_panel_again_with_what_was_chosen(client_for, stages, city):
    appeal = stages.received()
    street = city.streets[1]
    response = act(client_for("dispatcher"), appeal, "amend", grid_1=street.pk, reason="")
    page = response.content.decode()
    assert response.status_code == 200 and "更正理由" in " ".join(messages_of(response))
    assert '<details class="action action-amend" open>' in page
    assert f'<option value="{street.pk}" selected>' in page  # the street chosen is still chosen
    assert '<details class="action action-dispatch">' in page  # and the other panels folded
    # Opened again without posting (a reload after refusing to resubmit), its address leads to the appeal.
    again = client_for("dispatcher").get(reverse("appeals:act", args=[appeal.pk, "amend"]))
    assert again.status_code == 302 and again.url == reverse("appeals:detail", args=[appeal.pk])


def test_the_location_selects_need_a_login(client, city):
    response = client.get(reverse("appeals:locations"))
    assert response.status_code == 302


def test_a_returned_appeal_shows_its_reason_in_the_queue(client_for, stages):
    appeal = stages.dispatched()
    act(client_for("handler"), appeal, "return", reason="不属于本单位职责，应由物业处理")
    assert Appeal.objects.get(pk=appeal.pk).status == Status.RETURNED
    page = client_for("dispatcher").get(reverse("appeals:workbench")).content.decode()
    assert "不属于本单位职责，应由物业处理" in page


def test_merge_into_an_appeal_by_its_tracking_code(client_for, stages):
    original, duplicate = stages.received(), stages.received(title="路灯坏了")
    act(client_for("dispatcher"), duplicate, "merge", into=original.tracking_code.lower())
    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED and duplicate.merged_into == original


def test_callback_and_close_from_the_workbench(client_for, stages):
    appeal = stages.resolved()
    client = client_for("dispatcher")
    workbench = reverse("appeals:workbench")
    assert "待回访" in client.get(workbench).content.decode()
    response = act(
        client, appeal, "callback", resolution="resolved", satisfaction="satisfied", next=workbench
    )
    assert response.redirect_chain[-1][0] == workbench
    assert "回访已记录。" in messages_of(response)
    act(client, appeal, "close", next=workbench)
    assert Appeal.objects.get(pk=appeal.pk).status == Status.CLOSED


def test_a_long_work_list_says_how_many_it_leaves_out_and_where_they_are(client_for, stages, monkeypatch):
    from civicgrid.appeals import views

    monkeypatch.setattr(views, "SECTION_ROWS", 2)
    for _ in range(3):
        stages.resolved()
    page = client_for("dispatcher").get(reverse("appeals:workbench"))
    callbacks = page.context["callbacks"]
    assert (len(callbacks.rows), callbacks.total) == (2, 3)
    html = page.content.decode()
    assert "共 3 件，此处列出前 2 件" in html and "/appeals/list/?status=resolved" in html


def test_an_overdue_badge_names_the_deadline_that_passed(client_for, stages):
    appeal = stages.dispatched()
    past = timezone.now() - dt.timedelta(hours=1)
    Appeal.objects.filter(pk=appeal.pk).update(sign_due=past, due_state="overdue")
    page = client_for("dispatcher").get(reverse("appeals:list")).content.decode()
    assert "签收超期" in page


# --- the handler --------------------------------------------------------------------------------------------


def test_the_handler_signs_contacts_asks_for_time_and_resolves_with_evidence(client_for, stages, city):
    appeal = stages.dispatched()
    client = client_for("handler")
    inbox = client.get(reverse("appeals:inbox")).content.decode()
    assert "待签收" in inbox and appeal.title in inbox
    act(client, appeal, "sign")
    act(client, appeal, "first_contact", note="已电话联系市民")
    act(client, appeal, "request_extension", working_days=3, reason="需采购配件")
    act(
        client_for("supervisor"),
        appeal,
        "decide_extension",
        extension=appeal.extensions.get().pk,
        approve="yes",
    )
    photo = SimpleUploadedFile("after.png", photo_png(), content_type="image/png")
    act(client, appeal, "resolve", reply="已更换灯泡。", evidence=photo)
    appeal.refresh_from_db()
    assert appeal.status == Status.RESOLVED and appeal.reply == "已更换灯泡。"
    assert appeal.extensions.get().decision == "approved"
    evidence = appeal.attachments.get()
    response = client.get(reverse("appeals:attachment", args=[appeal.pk, evidence.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


def test_a_pdf_evidence_says_it_is_a_pdf_and_how_large(client_for, stages):
    photo = SimpleUploadedFile("门口.png", photo_png(), content_type="image/png")
    appeal = stages.in_progress(attachments=[photo])
    client = client_for("handler")
    pdf = SimpleUploadedFile("验收单.pdf", b"%PDF-1.4\n" + b"0" * 12_000, content_type="application/pdf")
    act(client, appeal, "resolve", reply="已修复。", evidence=pdf)
    page = client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    citizen, evidence = page.split('<ul class="attachments">')[1].split("</ul>")[0].split("</li>")[:2]
    # The citizen's photo shows as a picture; the PDF, which has none, says what it is and how large.
    assert "<img" in citizen and "file-meta" not in citizen
    assert '<span class="file" aria-hidden="true">PDF</span>' in evidence and "<img" not in evidence
    assert "<span>办理凭证 · " in evidence and '<span class="file-meta">PDF · 11.7\xa0KB</span>' in evidence


def panel_names(response) -> list[str]:
    return [panel.name for panel in response.context["panels"]]


@pytest.mark.parametrize(("stage", "forward"), [("dispatched", "sign"), ("signed", "first_contact")])
def test_the_handlers_page_opens_the_way_forward_not_the_return(client_for, stages, stage, forward):
    appeal = getattr(stages, stage)()
    panels = client_for("handler").get(reverse("appeals:detail", args=[appeal.pk])).context["panels"]
    assert (panels[0].name, panels[0].open) == (forward, True)
    assert panels[-1].name == "return" and not panels[-1].open


def test_an_extension_is_not_offered_while_one_awaits_its_decision(client_for, stages):
    appeal = stages.in_progress()
    client = client_for("handler")
    assert "request_extension" in panel_names(client.get(reverse("appeals:detail", args=[appeal.pk])))
    act(client, appeal, "request_extension", working_days=3, reason="需采购配件")
    # A second request would only be refused (已有待审批的延期申请): not offered until the first is decided.
    assert "request_extension" not in panel_names(client.get(reverse("appeals:detail", args=[appeal.pk])))
    act(
        client_for("supervisor"),
        appeal,
        "decide_extension",
        extension=appeal.extensions.get().pk,
        approve="no",
    )
    assert "request_extension" in panel_names(client.get(reverse("appeals:detail", args=[appeal.pk])))


def test_the_handler_sees_the_citizen_contact_and_others_see_it_masked(client_for, stages):
    appeal = stages.dispatched()
    url = reverse("appeals:detail", args=[appeal.pk])
    assert "13912345678" in client_for("handler").get(url).content.decode()
    masked = client_for("supervisor").get(url).content.decode()
    assert "139****5678" in masked and "13912345678" not in masked


# --- errors -------------------------------------------------------------------------------------------------


def test_an_appeal_outside_the_scope_is_not_found(client_for, stages, city):
    appeal = stages.received(lat=city.grids[5].centroid_lat, lng=city.grids[5].centroid_lng)
    client = client_for("secretary")
    assert client.get(reverse("appeals:detail", args=[appeal.pk])).status_code == 404
    assert (
        client.post(reverse("appeals:act", args=[appeal.pk, "supervise"]), {"reason": "x"}).status_code == 404
    )


def test_another_units_handler_finds_neither_the_appeal_nor_its_files(client_for, stages):
    appeal = stages.resolved()
    client = client_for("property_handler")
    assert client.get(reverse("appeals:detail", args=[appeal.pk])).status_code == 404
    assert client.get(reverse("appeals:attachment", args=[appeal.pk, 1])).status_code == 404
    assert client.post(reverse("appeals:act", args=[appeal.pk, "callback"])).status_code == 404


def test_an_unknown_action_is_not_found(client_for, stages):
    appeal = stages.received()
    response = client_for("dispatcher").post(reverse("appeals:act", args=[appeal.pk, "delete"]))
    assert response.status_code == 404


def test_an_illegal_action_is_a_message_and_changes_nothing(client_for, stages):
    appeal = stages.received()
    response = act(client_for("dispatcher"), appeal, "close")
    assert response.status_code == 200
    assert messages_of(response) == ["诉求当前状态为“已受理”，不能归档。"]
    assert Appeal.objects.get(pk=appeal.pk).status == Status.RECEIVED


def test_a_role_that_may_not_act_gets_the_reason(client_for, stages):
    appeal = stages.dispatched()
    response = act(client_for("dispatcher"), appeal, "sign")
    assert messages_of(response) == ["您的角色不能签收。"]


def test_a_missing_reason_is_named_in_the_message(client_for, stages):
    appeal = stages.dispatched()
    response = act(client_for("handler"), appeal, "return", reason="")
    assert messages_of(response) == ["理由：该字段是必填项。"]
    assert Appeal.objects.get(pk=appeal.pk).status == Status.DISPATCHED


def test_a_refused_attachment_keeps_the_form_and_says_why(client_for, city):
    response = client_for("grid_worker").post(
        reverse("appeals:patrol"),
        {
            "kind": "report",
            "urgency": "normal",
            "title": "占道经营",
            "text": "路口占道经营。",
            "photo": SimpleUploadedFile("x.jpg", b"#!/bin/sh\n", content_type="image/jpeg"),
        },
    )
    assert response.status_code == 200
    assert "内容与其类型不符" in response.content.decode()
    assert not Appeal.objects.exists()


# --- the grid worker ----------------------------------------------------------------------------------------


def test_a_patrol_report_is_located_on_the_grid(client_for, city):
    grid = city.grids[0]
    client = client_for("grid_worker")
    response = client.post(
        reverse("appeals:patrol"),
        {
            "kind": "report",
            "urgency": "normal",
            "title": "垃圾堆放",
            "text": "楼道堆放杂物。",
            "lat": grid.centroid_lat,
            "lng": grid.centroid_lng,
            "photo": SimpleUploadedFile("scene.png", photo_png(), content_type="image/png"),
        },
        follow=True,
    )
    appeal = Appeal.objects.get()
    assert (appeal.channel, appeal.grid, appeal.compound) == (Channel.PATROL, grid, city.compounds[0])
    assert f"位置：{grid.name} · {city.compounds[0].name}" in messages_of(response)[0]
    assert "垃圾堆放" in response.content.decode()  # my reports
    preview = client.get(reverse("appeals:locate"), {"lat": grid.centroid_lat, "lng": grid.centroid_lng})
    assert grid.name in preview.content.decode()


PHOTO_DROPPED = "所选照片未能保留，请重新选择后再提交。"


def test_a_refused_patrol_report_says_its_photo_must_be_chosen_again(client_for, city):
    grid = city.grids[0]
    client = client_for("grid_worker")
    report = {"kind": "report", "urgency": "normal", "text": "井盖缺失。", "lat": grid.centroid_lat}
    refused = client.post(
        reverse("appeals:patrol"),
        report | {"photo": SimpleUploadedFile("scene.png", photo_png(), content_type="image/png")},
    )
    page = refused.content.decode()
    # What was typed comes back; the photo cannot, and the grid worker is told so by the photo field.
    assert "井盖缺失。" in page and PHOTO_DROPPED in page
    assert not Appeal.objects.exists()
    # Without a photo there is nothing to choose again.
    assert PHOTO_DROPPED not in client.post(reverse("appeals:patrol"), report).content.decode()


def preview_of(response) -> str:
    return (
        response.content.decode()
        .split('<div id="location-preview" aria-live="polite">')[1]
        .split("</div>")[0]
        .strip()
    )


def test_a_refused_report_shows_again_where_it_is_placed(client_for, city):
    grid, compound = city.grids[0], city.compounds[0]
    point = {"lat": grid.centroid_lat, "lng": grid.centroid_lng}
    # No title: the patrol form comes back with the point, and with where the point is.
    report = {"kind": "report", "urgency": "normal", "title": "", "text": "井盖缺失。"} | point
    refused = client_for("grid_worker").post(reverse("appeals:patrol"), report)
    assert "该字段是必填项" in refused.content.decode() and not Appeal.objects.exists()
    assert preview_of(refused) == f'<p class="located">位于：<b>{grid.name}</b> · <b>{compound.name}</b></p>'
    # At the hotline desk an address naming a compound places the appeal as well.
    named = city.compounds[3]
    call = {"channel": "hotline", "kind": "complaint", "urgency": "normal", "title": "", "text": "噪音。"}
    refused = client_for("dispatcher").post(
        reverse("appeals:intake"), call | {"address": f"长江路292号{named.name}3栋"}
    )
    assert f"地址中的小区：<b>{named.name}</b> · <b>{named.grid.name}</b>" in preview_of(refused)
    # A fresh form, or one with nowhere to place, shows none.
    assert preview_of(client_for("grid_worker").get(reverse("appeals:patrol"))) == ""
    assert preview_of(client_for("dispatcher").post(reverse("appeals:intake"), call)) == ""


def test_intake_shows_where_the_address_places_the_appeal(client_for, city):
    client = client_for("dispatcher")
    assert (
        'hx-include="#id_lat, #id_lng, #id_address"' in client.get(reverse("appeals:intake")).content.decode()
    )
    compound = city.compounds[3]
    address = f"长江路292号{compound.name}3栋"
    preview = client.get(
        reverse("appeals:locate"), {"lat": "", "lng": "", "address": address}
    ).content.decode()
    assert f"地址中的小区：<b>{compound.name}</b> · <b>{compound.grid.name}</b>" in preview
    # Half a point counts as none, and an address that names no compound says nothing.
    assert client.get(reverse("appeals:locate"), {"lat": "32.0", "address": "长江路292号"}).content == b""


# --- 吹哨报到 and 督办 --------------------------------------------------------------------------------------


def test_whistle_arrival_and_rating(client_for, stages, city):
    water, water_handler = add_department(city, "区水务局", "water")
    appeal = stages.in_progress()
    response = act(
        client_for("secretary"), appeal, "blow_whistle", units=[water.pk], reason="积水严重，请到场"
    )
    assert "召集：区水务局" in response.content.decode()  # the timeline names whom the whistle summoned
    summons = appeal.whistles.get().summonses.get()
    client = client_for("handler")
    client.force_login(water_handler)
    inbox = client.get(reverse("appeals:inbox")).content.decode()
    assert appeal.title in inbox and "未报到" in inbox
    act(client, appeal, "report_arrival", summons=summons.pk, action_taken="已抽排积水")
    act(client_for("secretary"), appeal, "rate_whistle", summons=summons.pk, rating=5)
    summons.refresh_from_db()
    assert summons.arrived_at is not None and summons.rating == 5
    board = client_for("supervisor").get(reverse("appeals:supervision")).content.decode()
    assert "已抽排积水" in board


def test_supervise_by_tracking_code(client_for, stages):
    appeal = stages.signed()
    client = client_for("supervisor")
    response = client.post(
        reverse("appeals:supervision"),
        {"appeal": appeal.tracking_code, "reason": "群众反映强烈"},
        follow=True,
    )
    assert appeal.supervisions.get().reason == "群众反映强烈"
    assert "群众反映强烈" in response.content.decode()
    again = client.post(reverse("appeals:supervision"), {"appeal": appeal.tracking_code, "reason": "再次"})
    assert "该诉求已在督办中。" in again.content.decode()


# --- the list -----------------------------------------------------------------------------------------------


def test_the_list_filters_by_category_period_and_keyword(client_for, stages):
    category = ensure_categories()
    stages.received(title="井盖缺失", category=category)
    stages.received(title="噪音扰民")
    client = client_for("dispatcher")
    # The filter speaks the local calendar; after 16:00 UTC the UTC date is already yesterday in Beijing.
    today = timezone.localdate(stages.received(title="今天的诉求").received_at).isoformat()

    def titles(**query):
        page = client.get(reverse("appeals:list"), query)
        return sorted(appeal.title for appeal in page.context["page"].object_list)

    assert titles(category_1=category.parent.parent.pk) == ["井盖缺失"]
    assert titles(q="噪音") == ["噪音扰民"]
    assert titles(received_from=today, received_to=today) == ["井盖缺失", "今天的诉求", "噪音扰民"]
    assert titles(received_to="2000-01-01") == []


def test_the_list_filters_by_status_and_paginates(client_for, stages):
    stages.received(title="已受理的诉求")
    stages.dispatched(title="已派单的诉求")
    client = client_for("leader")
    page = client.get(reverse("appeals:list"), {"status": "dispatched"}).content.decode()
    assert "已派单的诉求" in page and "已受理的诉求" not in page
    partial = client.get(reverse("appeals:list"), headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and "共 2 条" in partial


def test_the_dispatcher_lists_the_appeals_still_to_be_located(client_for, stages):
    stages.received(title="已定位的诉求")
    stages.dispatched(title="没有位置的诉求", lat=None, lng=None)
    page = client_for("dispatcher").get(reverse("appeals:list"), {"unlocated": "on"}).content.decode()
    assert "没有位置的诉求" in page and "已定位的诉求" not in page
    # A secretary sees no appeal without a grid, so is not offered the filter.
    assert 'name="unlocated"' not in client_for("secretary").get(reverse("appeals:list")).content.decode()


# --- the public portal --------------------------------------------------------------------------------------


def test_a_citizen_submits_tracks_and_rates_without_an_account(client, stages, city):
    response = client.post(
        reverse("appeals:portal"),
        {
            "kind": "complaint",
            "title": "噪音扰民",
            "text": "夜间施工噪音。",
            "contact_name": "赵六",
            "contact_phone": "13600002222",
        },
        follow=True,
    )
    appeal = Appeal.objects.get(title="噪音扰民")
    assert appeal.channel == Channel.WEB and appeal.created_by is None
    page = response.content.decode()
    assert appeal.tracking_code in page and "13600002222" not in page and "赵六" not in page
    for step in ("dispatch_appeal", "sign_appeal", "record_first_contact", "resolve_appeal"):
        actor = stages.dispatcher if step == "dispatch_appeal" else stages.handler
        extra = {"unit": city.units["department"]} if step == "dispatch_appeal" else {}
        extra |= {"reply": "已协调停工。"} if step == "resolve_appeal" else {}
        getattr(services, step)(appeal, actor=actor, **extra)
    page = client.get(reverse("appeals:track")).content.decode()
    assert "已协调停工。" in page and "评价办理结果" in page and "部门承办人" not in page
    assert 'value="unrated"' not in page  # rating online, she has not declined to rate
    client.post(reverse("appeals:rate"), {"resolution": "resolved", "satisfaction": "satisfied"})
    callback = appeal.callbacks.get()
    assert (callback.via, callback.satisfaction) == ("online", "satisfied")


def test_a_signed_in_citizen_rates_her_own_appeal_as_on_the_portal(client_for, stages, city):
    appeal = stages.resolved(actor=city.accounts["citizen"], channel=Channel.WEB)
    page = client_for("citizen").get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    # She rates; she is not a call-taker recording a callback, and rating at all she has not declined to.
    assert "<summary>评价办理结果</summary>" in page and "确认评价办理结果" in page and "您的意见" in page
    assert 'value="unrated"' not in page and "回访记录" not in page
    act(client_for("citizen"), appeal, "callback", resolution="resolved", satisfaction="satisfied")
    assert (appeal.callbacks.get().via, appeal.callbacks.get().satisfaction) == ("online", "satisfied")
    # The dispatcher's callback keeps its call record and the citizen who would not rate.
    other = stages.resolved()
    desk = client_for("dispatcher").get(reverse("appeals:detail", args=[other.pk])).content.decode()
    assert "<summary>回访</summary>" in desk and 'value="unrated"' in desk and "回访记录" in desk
    # A party member rates what he reported as anyone does.
    his = stages.resolved(actor=city.accounts["party_member"], channel=Channel.WEB)
    act(client_for("party_member"), his, "callback", resolution="resolved", satisfaction="satisfied")
    assert his.callbacks.get().via == "online"


def test_the_portal_fills_in_a_signed_in_residents_name_and_phone(client_for, client, city):
    form = client_for("citizen").get(reverse("appeals:portal")).context["form"]
    person = city.accounts["citizen"].person
    assert (form["contact_name"].value(), form["contact_phone"].value()) == (person.name, person.phone)
    # A visitor without an account starts from blank fields.
    anonymous = client.get(reverse("appeals:portal")).context["form"]
    assert (anonymous["contact_name"].value(), anonymous["contact_phone"].value()) == (None, None)


def test_a_resident_finds_her_own_list_and_a_handler_his_units_from_the_inbox(client_for, stages, city):
    page = client_for("citizen").get(reverse("appeals:list")).content.decode()
    # Nothing submitted yet: her list says so and where to start.
    assert "<h1>我的诉求</h1>" in page and f'<a href="{reverse("appeals:portal")}">我要反映' in page
    assert "<h1>诉求</h1>" in client_for("secretary").get(reverse("appeals:list")).content.decode()
    # The inbox holds the work at hand; the unit's resolved and closed appeals are one link away.
    resolved = stages.resolved()
    inbox = client_for("handler").get(reverse("appeals:inbox")).content.decode()
    assert resolved.title not in inbox and f'href="{reverse("appeals:list")}"' in inbox
    listed = client_for("handler").get(reverse("appeals:list")).content.decode()
    assert "<h1>诉求</h1>" in listed and resolved.title in listed


def test_a_citizen_rating_online_is_told_when_her_appeal_is_handled_again(client, stages):
    appeal = stages.resolved()
    client.post(reverse("appeals:track"), {"code": appeal.tracking_code})
    response = client.post(
        reverse("appeals:rate"), {"resolution": "unresolved", "satisfaction": "dissatisfied"}, follow=True
    )
    appeal.refresh_from_db()
    assert appeal.reopen_count == 1
    assert "感谢您的评价！诉求已转回承办单位重新办理" in messages_of(response)[0]
    satisfied = stages.resolved()
    client.post(reverse("appeals:track"), {"code": satisfied.tracking_code})
    response = client.post(
        reverse("appeals:rate"), {"resolution": "resolved", "satisfaction": "satisfied"}, follow=True
    )
    assert messages_of(response) == ["感谢您的评价！"]


def test_a_refused_rating_comes_back_with_what_the_citizen_wrote(client, stages, settings):
    appeal = stages.resolved()
    client.post(reverse("appeals:track"), {"code": appeal.tracking_code})
    opinion = "路灯修好后第二晚又不亮了。"
    # An invalid choice: said by its field, her opinion and her other choice kept, nothing recorded.
    refused = client.post(
        reverse("appeals:rate"), {"resolution": "resolved", "satisfaction": "rather", "note": opinion}
    )
    page = refused.content.decode()
    assert refused.status_code == 200 and opinion in page and not appeal.callbacks.exists()
    assert "选择一个有效的选项" in str(refused.context["rating"].errors["satisfaction"])
    assert (
        '<input type="radio" name="resolution" value="resolved" id="id_resolution_0" required checked>'
        in page
    )
    # Over the limit: the reason above the rating form, which keeps what she wrote.
    settings.CIVICGRID_PORTAL_LOOKUP_RATE = "1/min"
    refused = client.post(
        reverse("appeals:rate"), {"resolution": "resolved", "satisfaction": "satisfied", "note": opinion}
    )
    page = refused.content.decode()
    assert refused.status_code == 429 and opinion in page and not appeal.callbacks.exists()
    rating = page.split('<h2 id="rate-title">')[1]
    assert "操作过于频繁" in rating and "您填写的内容已保留。" in rating


def test_a_rating_refused_once_the_appeal_is_rated_says_why(client, stages):
    appeal = stages.resolved()
    client.post(reverse("appeals:track"), {"code": appeal.tracking_code})
    rating = {"resolution": "resolved", "satisfaction": "satisfied"}
    client.post(reverse("appeals:rate"), rating, follow=True)
    # Rated in another tab: no form is left to show, and the refusal is said on the page.
    response = client.post(reverse("appeals:rate"), rating | {"note": "再评一次"})
    assert response.context["rating"] is None and messages_of(response) == [
        "诉求当前状态为“已回访”，不能回访。"
    ]
    assert appeal.callbacks.count() == 1


PORTAL_APPEAL = {"kind": "complaint", "title": "路灯不亮", "text": "小区门口路灯坏了三天。"}


def test_the_portal_limits_submissions_per_address_and_keeps_what_was_typed(client, db, settings):
    settings.CIVICGRID_PORTAL_SUBMIT_RATE = "2/hour"
    for _ in range(2):
        assert client.post(reverse("appeals:portal"), PORTAL_APPEAL).status_code == 302
    refused = client.post(reverse("appeals:portal"), PORTAL_APPEAL)
    page = refused.content.decode()
    assert refused.status_code == 429 and "操作过于频繁" in page and "小区门口路灯坏了三天。" in page
    assert Appeal.objects.count() == 2
    # Another address has its own count.
    assert client.post(reverse("appeals:portal"), PORTAL_APPEAL, REMOTE_ADDR="10.0.0.9").status_code == 302


def test_a_pdf_is_no_photo_and_the_portal_says_so_by_the_field_keeping_the_rest(client, db, settings):
    page = client.get(reverse("appeals:portal")).content.decode()
    assert "JPEG、PNG 或 WebP，10 MB 以内。" in page  # what the photo field says it takes ...
    pdf = SimpleUploadedFile("检测报告.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    refused = client.post(reverse("appeals:portal"), PORTAL_APPEAL | {"photo": pdf})
    # ... is what it takes: a PDF is refused by the photo field, the rest kept, and no appeal registered.
    assert refused.status_code == 200 and not Appeal.objects.exists()
    assert refused.context["form"].errors["photo"] == [
        "“检测报告.pdf”不是照片，请选择 JPEG、PNG 或 WebP 格式的图片。"
    ]
    page = refused.content.decode()
    assert "小区门口路灯坏了三天。" in page and PHOTO_DROPPED not in page  # the refusal says why itself
    png = SimpleUploadedFile("路灯.png", photo_png(), content_type="image/png")
    assert client.post(reverse("appeals:portal"), PORTAL_APPEAL | {"photo": png}).status_code == 302
    assert Appeal.objects.get().attachments.get().content_type == "image/png"
    # The hint follows the configured limit.
    settings.CIVICGRID_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
    assert "JPEG、PNG 或 WebP，5 MB 以内。" in client.get(reverse("appeals:portal")).content.decode()


def test_patrol_and_intake_photos_are_images_too(client_for, city):
    video = SimpleUploadedFile("scene.mp4", b"\x00\x00\x00\x18ftypmp42", content_type="video/mp4")
    report = {"kind": "report", "urgency": "normal", "title": "占道经营", "text": "路口占道经营。"}
    refused = client_for("grid_worker").post(reverse("appeals:patrol"), report | {"photo": video})
    assert "“scene.mp4”不是照片" in refused.content.decode()
    pdf = SimpleUploadedFile("来电记录.pdf", b"%PDF-1.4\n", content_type="application/pdf")
    refused = client_for("dispatcher").post(
        reverse("appeals:intake"), report | {"channel": "hotline", "kind": "complaint", "photo": pdf}
    )
    assert "“来电记录.pdf”不是照片" in refused.content.decode()
    assert not Appeal.objects.exists()


def test_the_portal_limits_tracking_code_lookups(client, db, settings):
    settings.CIVICGRID_PORTAL_LOOKUP_RATE = "1/min"
    assert "查询码不存在" in client.post(reverse("appeals:track"), {"code": "ZZZZZZZZZZ"}).content.decode()
    refused = client.post(reverse("appeals:track"), {"code": "YYYYYYYYYY"})
    assert refused.status_code == 429 and "操作过于频繁" in refused.content.decode()


def test_tracking_an_unknown_code_says_so(client, db):
    response = client.post(reverse("appeals:track"), {"code": "ZZZZZZZZZZ"})
    assert "查询码不存在" in response.content.decode()


def test_the_workbench_lists_appeals_left_unsigned_past_their_deadline(client_for, stages):
    late, on_time = stages.dispatched(title="井盖缺失"), stages.dispatched(title="路灯闪烁")
    late.sign_due = late.dispatched_at
    late.save()
    page = client_for("dispatcher").get(reverse("appeals:workbench")).content.decode()
    section = page[page.index('id="unsigned-title"') : page.index('id="callbacks-title"')]
    assert "井盖缺失" in section and "路灯闪烁" not in section and "在诉求页面改派" in section
    assert on_time.status == Status.DISPATCHED
    # The deadline the section is about, not the 办结时限 the other lists show.
    assert "签收时限" in section and "办结时限" not in section
    assert timezone.localtime(late.sign_due).strftime("%m-%d %H:%M") in section
