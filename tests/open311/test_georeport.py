"""Open311 GeoReport v2: discovery, services, definitions, requests and tokens in JSON and XML, errors in
the specification's shape, citizen-safe reads."""

import datetime as dt
import json
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from civicgrid.appeals import services as appeal_services
from civicgrid.appeals.models import Appeal, AppealContact, Category, Channel
from civicgrid.open311.models import ServiceRequest

V2 = "/open311/v2"


@pytest.fixture
def service(db) -> Category:
    return Category.objects.filter(level=3).order_by("path").first()


@pytest.fixture
def post(api, keys, city, service):
    """POST requests.<fmt> as the 12345 system would, form-encoded, returning the response."""

    def send(fmt="json", key="hotline", headers=None, **fields):
        grid = city.grids[0]
        form = {
            "api_key": keys[key].token,
            "service_code": str(service.pk),
            "lat": grid.centroid_lat,
            "long": grid.centroid_lng,
            "description": "小区门口路灯不亮，请尽快修复。我的电话13912345678",
            "first_name": "小明",
            "last_name": "王",
            "phone": "13912345678",
            "email": "wang@example.cn",
            "media_url": "https://img.example.cn/1.jpg",
        } | fields
        form = {name: value for name, value in form.items() if value is not None}
        return api.post(f"{V2}/requests.{fmt}", form, **(headers or {}))

    return send


def parsed(response):
    if response["Content-Type"].startswith("text/xml"):
        return ET.fromstring(response.content)
    return json.loads(response.content)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_discovery_names_the_endpoint(api, fmt):
    body = parsed(api.get(f"{V2}/discovery.{fmt}"))
    url = body["endpoints"][0]["url"] if fmt == "json" else body.find("endpoints/endpoint/url").text
    assert url == "http://testserver/open311/v2"


def test_services_are_level_three_categories_with_their_group(api, service):
    services = parsed(api.get(f"{V2}/services.json"))
    assert len(services) == Category.objects.filter(level=3, is_active=True).count()
    first = services[0]
    assert first["service_code"] == str(service.pk) and first["service_name"] == service.name
    assert first["group"] == service.parent.parent.name and first["metadata"] is True
    xml = parsed(api.get(f"{V2}/services.xml"))
    assert xml.tag == "services" and xml.find("service/service_code").text == str(service.pk)


def test_a_service_definition_lists_its_attributes(api, service):
    definition = parsed(api.get(f"{V2}/services/{service.pk}.json"))
    kind = next(a for a in definition["attributes"] if a["code"] == "kind")
    assert kind["datatype"] == "singlevaluelist" and {"key": "complaint", "name": "投诉"} in kind["values"]
    xml = parsed(api.get(f"{V2}/services/{service.pk}.xml"))
    assert xml.find("attributes/attribute/values/value/key").text == "complaint"


def test_posting_a_request_registers_an_appeal_and_keeps_personal_data_apart(api, post, service):
    response = post(**{"attribute[kind]": "suggestion", "attribute[anonymous]": "true"})
    assert response.status_code == 201
    created = parsed(response)[0]
    appeal = Appeal.objects.get(pk=created["service_request_id"])
    assert (appeal.channel, appeal.kind, appeal.category, appeal.is_anonymous) == (
        Channel.OPEN311,
        "suggestion",
        service,
        True,
    )
    assert appeal.grid_id is not None  # located on the grid from lat/long
    assert AppealContact.objects.get(appeal=appeal).name == "王小明"
    submission = ServiceRequest.objects.get(appeal=appeal)
    assert (submission.email, submission.token) == ("wang@example.cn", created["token"])
    token = parsed(api.get(f"{V2}/tokens/{created['token']}.json"))
    assert token == [{"service_request_id": str(appeal.pk), "token": created["token"]}]


@pytest.mark.parametrize("how", ["external_id", "header"])
def test_posting_is_idempotent(post, how):
    extra = {"external_id": "12345-77"} if how == "external_id" else {}
    headers = {"HTTP_IDEMPOTENCY_KEY": "try-1"} if how == "header" else {}
    first, again = post(headers=headers, **extra), post(headers=headers, **extra)
    assert (first.status_code, again.status_code) == (201, 200)
    assert parsed(first) == parsed(again)
    assert ServiceRequest.objects.count() == 1


def test_posting_answers_xml_too(post):
    response = post(fmt="xml", address_string="鼓楼区中山路 1 号", lat=None, long=None)
    root = parsed(response)
    assert response.status_code == 201 and root.tag == "service_requests"
    assert root.find("request/service_request_id").text.isdigit()


def test_a_public_read_shows_only_citizen_safe_fields(api, post, report):
    posted = parsed(post())[0]["service_request_id"]
    report()  # a web appeal: not published through Open311
    rows = parsed(api.get(f"{V2}/requests.json"))
    assert [r["service_request_id"] for r in rows] == [posted]
    text = json.dumps(rows, ensure_ascii=False)
    for personal in ("13912345678", "王小明", "wang@example.cn", "小明"):
        assert personal not in text
    assert rows[0]["status"] == "open" and rows[0]["lat"] == round(rows[0]["lat"], 3)
    one = parsed(api.get(f"{V2}/requests/{posted}.json"))
    assert one == rows


def test_a_key_that_may_read_sees_its_accounts_scope(api, keys, post, report):
    post()
    web = report()
    rows = parsed(api.get(f"{V2}/requests.json", {"api_key": keys["hotline"].token}))
    assert str(web.pk) in {r["service_request_id"] for r in rows}
    assert api.get(f"{V2}/requests/{web.pk}.json").status_code == 404


def test_internal_states_map_to_open_and_closed_with_notes(api, post, keys, city):
    appeal = Appeal.objects.get(pk=parsed(post())[0]["service_request_id"])
    dispatcher, handler = city.accounts["dispatcher"], city.accounts["handler"]
    appeal_services.dispatch_appeal(appeal, unit=city.units["department"], actor=dispatcher)
    row = parsed(api.get(f"{V2}/requests/{appeal.pk}.json"))[0]
    assert (row["status"], row["status_notes"], row["agency_responsible"]) == (
        "open",
        "已派单。",
        "区城市管理局",
    )
    appeal_services.sign_appeal(appeal, actor=handler)
    appeal_services.record_first_contact(appeal, actor=handler)
    appeal_services.resolve_appeal(appeal, actor=handler, reply="已修复，联系电话02512345678。")
    row = parsed(api.get(f"{V2}/requests/{appeal.pk}.json"))[0]
    assert row["status"] == "closed" and row["status_notes"] == "已办结：已修复，联系电话025********。"


def test_requests_filter_as_the_specification_says(api, post, service):
    first = parsed(post())[0]["service_request_id"]
    second = parsed(post(description="第二件"))[0]["service_request_id"]
    Appeal.objects.filter(pk=first).update(received_at=timezone.now() - dt.timedelta(days=100))

    def ids(**query):
        return [r["service_request_id"] for r in parsed(api.get(f"{V2}/requests.json", query))]

    assert ids() == [second]  # the last 90 days by default
    assert ids(service_request_id=f"{first},{second}", status="closed") == [second, first]  # ids override
    assert ids(service_code=str(service.pk), status="open") == [second]
    assert ids(status="closed") == []
    old = (timezone.now() - dt.timedelta(days=120)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(start_date=old) == [first]
    assert ids(page_size=1, page=1) == [second]
    response = api.get(f"{V2}/requests.json", {"page_size": 1})
    assert response["X-Total-Count"] == "1"


def test_xml_stays_well_formed_whatever_the_text(api, post):
    post(**{"attribute[title]": "路灯\x05不\x1f亮"})
    root = parsed(api.get(f"{V2}/requests.xml"))
    assert root.find("request/description").text == "路灯\ufffd不\ufffd亮"
