"""Appeals over the REST API: the UI's data scope, filters, idempotent intake and the workflow through the
same services, with domain refusals as structured 4xx."""

import pytest

from civicgrid.appeals.models import Appeal, AppealContact, Status
from civicgrid.directory.models import Role

APPEALS = "/api/v1/appeals/"


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_a_key_sees_exactly_its_service_accounts_scope(api, keys, report):
    inside = report(grid_index=0)  # first community
    outside = report(grid_index=6)  # second street
    assert ids(api.get(APPEALS, **keys["dashboard"].headers)) == {inside.pk}
    assert ids(api.get(APPEALS, **keys["hotline"].headers)) == {inside.pk, outside.pk}
    for path in (f"{APPEALS}{outside.pk}/", f"{APPEALS}{outside.pk}/events/"):
        response = api.get(path, **keys["dashboard"].headers)
        assert response.status_code == 404
        assert response.json() == {"code": "not_found", "detail": "未找到该对象，或它不在您的数据范围内。"}


def test_the_browser_session_works_too(api, city, report):
    appeal = report()
    api.force_login(city.accounts["dispatcher"])
    assert ids(api.get(APPEALS)) == {appeal.pk}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=dispatched", {("complaint", "dispatched")}),
        ("status=received", {("complaint", "received"), ("suggestion", "received")}),
        ("kind=suggestion", {("suggestion", "received")}),
        ("grid={community}", {("complaint", "dispatched"), ("complaint", "received")}),
        ("search=井盖", {("suggestion", "received")}),
        ("external_id=WO-1", {("suggestion", "received")}),
        ("channel=hotline&kind=complaint", set()),
        ("urgency=critical", set()),
    ],
)
def test_appeals_filter_by_query(api, keys, city, report, dispatched, query, expected):
    report(grid_index=0)
    report(grid_index=4, kind="suggestion", title="井盖缺失", channel="hotline", external_id="WO-1")
    response = api.get(f"{APPEALS}?{query.format(community=city.communities[0].pk)}", **keys["admin"].headers)
    assert {(row["kind"], row["status"]) for row in response.json()["results"]} == expected


def test_the_list_is_paginated(api, keys, report):
    for _ in range(3):
        report()
    page = api.get(f"{APPEALS}?page_size=2", **keys["admin"].headers).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]


def test_detail_shows_contact_as_the_role_may_see_it(api, keys, dispatched):
    hotline = api.get(f"{APPEALS}{dispatched.pk}/", **keys["hotline"].headers).json()
    department = api.get(f"{APPEALS}{dispatched.pk}/", **keys["department"].headers).json()
    assert hotline["contact"]["phone"] == "13912345678"
    assert department["contact"]["phone"] == "13912345678"  # the assigned unit calls the citizen
    assert "sign" in department["allowed_actions"]


def test_submission_is_idempotent_by_external_id_and_header(api, keys):
    body = {"kind": "complaint", "title": "噪音", "text": "夜间施工噪音", "external_id": "12345-0001"}
    first = api.post(APPEALS, body, format="json", **keys["hotline"].headers)
    again = api.post(APPEALS, body, format="json", **keys["hotline"].headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and first.json()["channel"] == "hotline"

    body.pop("external_id")
    headers = {**keys["hotline"].headers, "HTTP_IDEMPOTENCY_KEY": "retry-7"}
    first = api.post(APPEALS, body, format="json", **headers)
    again = api.post(APPEALS, body, format="json", **headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Appeal.objects.count() == 2


def test_another_callers_external_id_is_refused_not_shown(api, keys, city, report):
    report(channel="app", external_id="X-1", actor=city.accounts["citizen"])
    body = {"kind": "complaint", "title": "噪音", "text": "夜间施工噪音", "external_id": "X-1"}
    response = api.post(APPEALS, body, format="json", **keys["dashboard"].headers)
    assert response.status_code == 403  # read-only key
    response = api.post(APPEALS, body, format="json", **keys["submit_only"].headers)
    assert response.status_code == 201  # its own channel (wechat): a different namespace
    admin = api.post(APPEALS, body | {"external_id": "X-1"}, format="json", **keys["admin"].headers)
    assert admin.status_code == 200  # the administrator sees every appeal, so it is a repeat for it


def test_contact_is_stored_apart_from_the_appeal(api, keys):
    body = {"kind": "help", "title": "老人求助", "text": "独居老人需要帮助", "contact_name": "李四"}
    appeal_id = api.post(APPEALS, body, format="json", **keys["hotline"].headers).json()["id"]
    assert AppealContact.objects.get(appeal_id=appeal_id).name == "李四"
    listed = api.get(APPEALS, **keys["hotline"].headers).json()["results"][0]
    assert "contact" not in listed and "李四" not in str(listed)


def test_the_workflow_runs_through_the_api(api, keys, city):
    hotline, department = keys["hotline"].headers, keys["department"].headers
    created = api.post(
        APPEALS, {"kind": "complaint", "title": "路灯", "text": "路灯不亮"}, format="json", **hotline
    )
    url = f"{APPEALS}{created.json()['id']}/"
    steps = [
        (hotline, "dispatch/", {"unit": city.units["department"].pk}, Status.DISPATCHED),
        (department, "sign/", {}, Status.SIGNED),
        (department, "first-contact/", {"note": "已电话联系"}, Status.IN_PROGRESS),
        (department, "request-extension/", {"working_days": 2, "reason": "需采购灯具"}, Status.IN_PROGRESS),
        (hotline, "decide-extension/", {"approve": True}, Status.IN_PROGRESS),
        (department, "resolve/", {"reply": "已更换灯具。"}, Status.RESOLVED),
        (hotline, "callback/", {"resolution": "resolved", "satisfaction": "satisfied"}, Status.CALLED_BACK),
        (hotline, "close/", {}, Status.CLOSED),
    ]
    for headers, action, body, status in steps:
        response = api.post(url + action, body, format="json", **headers)
        assert response.status_code == 200, (action, response.json())
        assert response.json()["status"] == status
    events = api.get(url + "events/", **hotline).json()["results"]
    assert [e["action"] for e in events] == [
        "submit",
        "dispatch",
        "sign",
        "first_contact",
        "request_extension",
        "decide_extension",
        "resolve",
        "callback",
        "close",
    ]


@pytest.mark.parametrize(
    ("key", "action", "body", "status", "code"),
    [
        ("hotline", "sign/", {}, 403, "forbidden_role"),
        ("department", "dispatch/", {"unit": 0}, 400, "invalid"),
        ("hotline", "dispatch/", {"unit": "department"}, 409, "illegal_transition"),
        ("department", "return/", {"reason": ""}, 400, "invalid"),
        ("department", "return/", {}, 400, "invalid"),
        ("hotline", "decide-extension/", {"approve": True}, 409, "no_pending_extension"),
        ("hotline", "merge/", {"into": "self"}, 409, "merge_self"),
        ("hotline", "callback/", {"resolution": "maybe", "satisfaction": "satisfied"}, 400, "invalid"),
        ("dashboard", "sign/", {}, 403, "permission_denied"),
    ],
)
def test_domain_refusals_are_structured(api, keys, city, dispatched, key, action, body, status, code):
    body = {
        name: (
            dispatched.pk
            if value == "self"
            else city.units["department"].pk
            if value == "department"
            else value
        )
        for name, value in body.items()
    }
    response = api.post(f"{APPEALS}{dispatched.pk}/{action}", body, format="json", **keys[key].headers)
    assert response.status_code == status, response.json()
    assert response.json()["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["detail"])


def test_whistle_report_and_rating_run_through_the_api(api, keys, city, new_key):
    street = new_key(
        "街道系统", ["read", "handle"], role=Role.DEPARTMENT_HANDLER, unit=city.units["street_office"]
    ).headers
    hotline, department = keys["hotline"].headers, keys["department"].headers
    created = api.post(
        APPEALS, {"kind": "help", "title": "积水", "text": "小区积水"}, format="json", **hotline
    )
    url = f"{APPEALS}{created.json()['id']}/"
    department_id = city.units["department"].pk
    steps = [
        (hotline, "dispatch/", {"unit": city.units["street_office"].pk}),
        (street, "sign/", {}),
        (street, "first-contact/", {}),
        (street, "whistle/", {"units": [department_id], "reason": "需城管到场"}),
        (department, "report-arrival/", {"action_taken": "已到场疏通"}),
        (street, "rate-whistle/", {"unit": department_id, "rating": 5}),
    ]
    for headers, action, body in steps:
        response = api.post(url + action, body, format="json", **headers)
        assert response.status_code == 200, (action, response.json())
    again = api.post(url + "report-arrival/", {}, format="json", **department)
    assert (again.status_code, again.json()["code"]) == (409, "not_summoned")
    events = [e["action"] for e in api.get(url + "events/", **hotline).json()["results"]]
    assert events[-3:] == ["blow_whistle", "report_arrival", "rate_whistle"]


def test_redispatch_moves_an_unsigned_appeal_to_another_unit(api, keys, city, dispatched):
    hotline = keys["hotline"].headers
    url = f"{APPEALS}{dispatched.pk}/redispatch/"
    assert "redispatch" in api.get(f"{APPEALS}{dispatched.pk}/", **hotline).json()["allowed_actions"]
    street_office = city.units["street_office"]
    same = api.post(url, {"unit": city.units["department"].pk, "reason": "x"}, format="json", **hotline)
    assert same.status_code == 400 and same.json()["code"] == "same_unit"
    unexplained = api.post(url, {"unit": street_office.pk}, format="json", **hotline)
    assert unexplained.status_code == 400
    moved = api.post(url, {"unit": street_office.pk, "reason": "属街道职责"}, format="json", **hotline)
    assert moved.status_code == 200, moved.json()
    assert (moved.json()["main_unit"], moved.json()["status"]) == (street_office.pk, "dispatched")
    events = api.get(f"{APPEALS}{dispatched.pk}/events/", **hotline).json()["results"]
    assert events[-1]["action"] == "redispatch"


def test_amend_changes_what_the_body_names_and_keeps_the_rest(api, keys, city, dispatched):
    hotline = keys["hotline"].headers
    url = f"{APPEALS}{dispatched.pk}/amend/"
    compound = city.compounds[5]
    moved = api.post(url, {"compound": compound.pk, "reason": "来电人更正位置"}, format="json", **hotline)
    assert moved.status_code == 200, moved.json()
    assert (moved.json()["grid"], moved.json()["compound"]) == (compound.grid.pk, compound.pk)
    category = dispatched.category
    again = api.post(
        url, {"grid": compound.grid.pk, "compound": compound.pk, "reason": "核对"}, format="json", **hotline
    )
    assert again.status_code == 400 and again.json()["code"] == "nothing_amended"
    # The handler cannot even name a compound outside his unit's reach; nor amend what he sees.
    hidden = api.post(
        url, {"compound": compound.pk, "reason": "x"}, format="json", **keys["department"].headers
    )
    assert hidden.status_code == 400 and hidden.json()["code"] == "invalid"
    refused = api.post(url, {"reason": "x"}, format="json", **keys["department"].headers)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden_role"
    dispatched.refresh_from_db()
    assert dispatched.category == category and dispatched.compound == compound
    assert "amend" in api.get(f"{APPEALS}{dispatched.pk}/", **hotline).json()["allowed_actions"]
