"""Every refusal in the specification's shape, `[{"code": 400, "description": "..."}]` in JSON or
<errors><error>… in XML, with a Chinese description: never a 500."""

import json
import xml.etree.ElementTree as ET

import pytest

from civicgrid.appeals.models import Category

V2 = "/open311/v2"
GOOD = object()  # stands for the hotline key / a valid service code in the table below


def form(**changes) -> dict:
    base = {"api_key": GOOD, "service_code": GOOD, "lat": 32.01, "long": 118.71, "description": "路灯不亮"}
    return {name: value for name, value in (base | changes).items() if value is not None}


# (name, method, path, form or (content type, raw body), status)
CASES = [
    ("no-key", "post", "requests", form(api_key=None), 403),
    ("bad-key", "post", "requests", form(api_key="cg_00000000_x"), 403),
    ("read-only-key", "post", "requests", form(api_key="dashboard"), 403),
    ("no-service-code", "post", "requests", form(service_code=None), 400),
    ("unknown-service-code", "post", "requests", form(service_code="999999"), 400),
    ("service-code-text", "post", "requests", form(service_code="路灯"), 400),
    ("level-one-category", "post", "requests", form(service_code="level1"), 400),
    ("no-location", "post", "requests", form(lat=None, long=None), 400),
    ("address-id-only", "post", "requests", form(lat=None, long=None, address_id="A1"), 400),
    ("lat-without-long", "post", "requests", form(long=None), 400),
    ("lat-out-of-range", "post", "requests", form(lat=95), 400),
    ("long-not-a-number", "post", "requests", form(long="东经"), 400),
    ("phone-too-short", "post", "requests", form(phone="12"), 400),
    ("lat-infinite", "post", "requests", form(lat="inf"), 400),
    ("description-too-long", "post", "requests", form(description="长" * 4001), 400),
    ("media-url-not-a-url", "post", "requests", form(media_url="javascript:alert(1)"), 400),
    ("email-malformed", "post", "requests", form(email="not-an-email"), 400),
    ("unknown-attribute", "post", "requests", form(**{"attribute[colour]": "red"}), 400),
    ("bad-attribute-value", "post", "requests", form(**{"attribute[kind]": "rumour"}), 400),
    ("attribute-title-too-long", "post", "requests", form(**{"attribute[title]": "长" * 201}), 400),
    (
        "attribute-lone-surrogate",
        "post",
        "requests",
        (
            "application/json",
            b'{"service_code": "LEVEL3", "address_string": "a", "attribute": {"title": "\\ud800"}}',
        ),
        400,
    ),
    (
        "attribute-odd-name",
        "post",
        "requests",
        (
            "application/json",
            b'{"service_code": "LEVEL3", "address_string": "a", "attribute": {"\\udc00": "x"}}',
        ),
        400,
    ),
    ("nul-in-description", "post", "requests", form(description="a\x00b"), 400),
    ("malformed-json", "post", "requests", ("application/json", b'{"service_code": '), 400),
    ("xml-body", "post", "requests", ("application/xml", b"<request><service_code>1</service_code>"), 415),
    (
        "huge-body",
        "post",
        "requests",
        ("application/json", b'{"description": "' + b"x" * 3_000_000 + b'"}'),
        413,
    ),
    (
        "huge-form",
        "post",
        "requests",
        ("application/x-www-form-urlencoded", b"description=" + b"x" * 3_000_000),
        413,
    ),
    (
        "too-many-fields",
        "post",
        "requests",
        ("application/x-www-form-urlencoded", b"&".join([b"a=1"] * 1100)),
        400,
    ),
    (
        "range-over-90-days",
        "get",
        "requests",
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
        400,
    ),
    (
        "end-before-start",
        "get",
        "requests",
        {"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
        400,
    ),
    ("date-malformed", "get", "requests", {"start_date": "last week"}, 400),
    ("status-unknown", "get", "requests", {"status": "pending"}, 400),
    ("ids-not-numbers", "get", "requests", {"service_request_id": "1,abc"}, 400),
    ("ids-huge", "get", "requests", {"service_request_id": "9" * 30}, 400),
    ("page-size-zero", "get", "requests", {"page_size": "0"}, 400),
    ("page-size-huge", "get", "requests", {"page_size": "100000"}, 400),
    ("unknown-request", "get", "requests/999999", {}, 404),
    ("request-id-huge", "get", f"requests/{10**30}", {}, 404),
    ("unknown-service", "get", "services/999999", {}, 404),
    ("unknown-token", "get", "tokens/nope", {}, 404),
]


def resolved(data, keys, level_three: str, level_one: str):
    if isinstance(data, tuple):
        return data
    names = {GOOD: None, "dashboard": keys["dashboard"].token, "level1": level_one}
    return {
        name: (
            keys["hotline"].token
            if value is GOOD and name == "api_key"
            else level_three
            if value is GOOD
            else names.get(value, value)
            if isinstance(value, str) and value in names
            else value
        )
        for name, value in data.items()
    }


def errors_in(response, fmt) -> list[dict]:
    if fmt == "json":
        return json.loads(response.content)
    root = ET.fromstring(response.content)
    assert root.tag == "errors"
    return [{"code": int(e.find("code").text), "description": e.find("description").text} for e in root]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("method", "path", "data", "status"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_refusals_take_the_specifications_shape(api, keys, fmt, method, path, data, status):
    level_three = str(Category.objects.filter(level=3).first().pk)
    level_one = str(Category.objects.filter(level=1).first().pk)
    data = resolved(data, keys, level_three, level_one)
    url = f"{V2}/{path}.{fmt}"
    if isinstance(data, tuple):
        # Raw bodies carry the key in the header; LEVEL3 stands for a valid service code.
        content_type, raw = data
        raw = raw.replace(b"LEVEL3", level_three.encode())
        response = api.generic(method.upper(), url, raw, content_type=content_type, **keys["hotline"].headers)
    else:
        response = getattr(api, method)(url, data)
    assert response.status_code == status, response.content[:300]
    errors = errors_in(response, fmt)
    assert len(errors) == 1 and errors[0]["code"] == status
    assert any("\u4e00" <= ch <= "\u9fff" for ch in errors[0]["description"]), errors


def test_a_rate_limited_key_gets_429_in_the_specifications_shape(api, new_key, city):
    key = new_key("限流", ["submit"], rate=1)
    body = {"api_key": key.token, "service_code": "1", "address_string": "中山路"}
    api.post(f"{V2}/requests.json", body)
    response = api.post(f"{V2}/requests.json", body)
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert json.loads(response.content)[0]["code"] == 429
