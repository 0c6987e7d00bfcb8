"""Bad input of every kind gets a 4xx with a stable code and a Chinese message, never a 500."""

import json

import pytest

APPEALS = "/api/v1/appeals/"
VALID = {"kind": "complaint", "title": "噪音", "text": "夜间施工噪音"}


def as_json(**changes) -> bytes:
    return json.dumps(VALID | changes).encode()


# (name, method, path, raw body, content type, extra headers, status, code)
CASES = [
    (
        "malformed-json",
        "post",
        APPEALS,
        b'{"kind": "complaint",',
        "application/json",
        {},
        400,
        "malformed_body",
    ),
    ("nan-token", "post", APPEALS, b'{"lat": NaN, "lng": 1}', "application/json", {}, 400, "malformed_body"),
    ("json-array", "post", APPEALS, b"[1, 2]", "application/json", {}, 400, "invalid"),
    ("json-string", "post", APPEALS, b'"hello"', "application/json", {}, 400, "invalid"),
    ("xml-body", "post", APPEALS, b"<appeal><title>x", "application/xml", {}, 415, "unsupported_media_type"),
    ("form-body", "post", APPEALS, b"kind=complaint", "application/x-www-form-urlencoded", {}, 415, None),
    (
        "huge-body",
        "post",
        APPEALS,
        as_json(text="长" * 1_000_000),
        "application/json",
        {},
        413,
        "body_too_large",
    ),
    ("title-number", "post", APPEALS, as_json(title=123), "application/json", {}, 400, "invalid"),
    ("title-too-long", "post", APPEALS, as_json(title="长" * 201), "application/json", {}, 400, "invalid"),
    ("text-nul", "post", APPEALS, as_json(text="a\x00b"), "application/json", {}, 400, "invalid"),
    ("text-blank", "post", APPEALS, as_json(text="   "), "application/json", {}, 400, "invalid"),
    ("kind-unknown", "post", APPEALS, as_json(kind="rumour"), "application/json", {}, 400, "invalid"),
    ("lat-string", "post", APPEALS, as_json(lat="32.0", lng=118.7), "application/json", {}, 400, "invalid"),
    ("lat-bool", "post", APPEALS, as_json(lat=True, lng=118.7), "application/json", {}, 400, "invalid"),
    ("lat-out-of-range", "post", APPEALS, as_json(lat=91, lng=118.7), "application/json", {}, 400, "invalid"),
    ("lng-out-of-range", "post", APPEALS, as_json(lat=32, lng=-181), "application/json", {}, 400, "invalid"),
    ("lat-without-lng", "post", APPEALS, as_json(lat=32.0), "application/json", {}, 400, "invalid"),
    ("lat-huge", "post", APPEALS, as_json(lat=1e308, lng=1), "application/json", {}, 400, "invalid"),
    ("category-unknown", "post", APPEALS, as_json(category=99999), "application/json", {}, 400, "invalid"),
    ("phone", "post", APPEALS, as_json(contact_phone="12"), "application/json", {}, 400, "invalid_phone"),
    ("category-string", "post", APPEALS, as_json(category="1"), "application/json", {}, 400, "invalid"),
    ("category-huge", "post", APPEALS, as_json(category=10**30), "application/json", {}, 400, "invalid"),
    (
        "received-future",
        "post",
        APPEALS,
        as_json(received_at="2999-01-01T00:00:00Z"),
        "application/json",
        {},
        400,
        "invalid",
    ),
    (
        "received-ancient",
        "post",
        APPEALS,
        as_json(received_at="0042-07-24T14:43:08Z"),
        "application/json",
        {},
        400,
        "invalid",
    ),
    (
        "external-id-long",
        "post",
        APPEALS,
        as_json(external_id="x" * 65),
        "application/json",
        {},
        400,
        "invalid",
    ),
    (
        "idempotency-key-bad",
        "post",
        APPEALS,
        as_json(),
        "application/json",
        {"HTTP_IDEMPOTENCY_KEY": "空 格"},
        400,
        "invalid",
    ),
    (
        "bad-key",
        "get",
        APPEALS,
        b"",
        "application/json",
        {"HTTP_X_API_KEY": "cg_zz"},
        401,
        "authentication_failed",
    ),
    ("id-not-a-number", "get", f"{APPEALS}abc/", b"", "application/json", {}, 404, "not_found"),
    ("id-huge", "get", f"{APPEALS}{10**30}/", b"", "application/json", {}, 404, "not_found"),
    ("page-size-zero", "get", f"{APPEALS}?page_size=0", b"", "application/json", {}, 400, "invalid"),
    ("page-size-text", "get", f"{APPEALS}?page_size=all", b"", "application/json", {}, 400, "invalid"),
    ("page-beyond", "get", f"{APPEALS}?page=99", b"", "application/json", {}, 404, "not_found"),
    ("status-unknown", "get", f"{APPEALS}?status=lost", b"", "application/json", {}, 400, "invalid"),
    (
        "date-malformed",
        "get",
        f"{APPEALS}?received_after=yesterday",
        b"",
        "application/json",
        {},
        400,
        "invalid",
    ),
    ("grid-huge", "get", f"{APPEALS}?grid={10**30}", b"", "application/json", {}, 400, "invalid"),
    ("score-group", "get", "/api/v1/scores/?group=street", b"", "application/json", {}, 400, "invalid"),
    ("score-month", "get", "/api/v1/scores/?month=13", b"", "application/json", {}, 400, "invalid"),
    ("nul-in-path", "get", f"{APPEALS}%00/", b"", "application/json", {}, 404, "not_found"),
    ("invented-method", "PROPFINDALL", APPEALS, b"", "application/json", {}, 405, "method_not_allowed"),
    ("delete-not-allowed", "delete", f"{APPEALS}1/", b"", "application/json", {}, 405, "method_not_allowed"),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "content_type", "headers", "status", "code"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_input_is_a_clear_4xx(
    api, keys, dispatched, method, path, body, content_type, headers, status, code
):
    headers = {**keys["hotline"].headers, **headers}
    response = api.generic(method.upper(), path, body, content_type=content_type, **headers)
    assert response.status_code == status, response.content[:300]
    payload = response.json()
    if code:
        assert payload["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in payload["detail"]), payload
