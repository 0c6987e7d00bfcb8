"""API keys: how they are presented, refused, scoped, limited, recorded and stored."""

import pytest
from django.core.cache import cache

from civicgrid.api.models import ApiKey, ApiKeyUse
from civicgrid.api.services import issue_api_key, revoke_api_key, update_api_client
from civicgrid.ledger.models import LedgerEntry

APPEALS = "/api/v1/appeals/"


def test_a_key_is_accepted_in_either_header(api, keys):
    token = keys["admin"].token
    assert api.get(APPEALS, HTTP_AUTHORIZATION=f"Api-Key {token}").status_code == 200
    assert api.get(APPEALS, HTTP_X_API_KEY=token).status_code == 200


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "not_authenticated"),
        ({"HTTP_X_API_KEY": "nonsense"}, "authentication_failed"),
        ({"HTTP_X_API_KEY": "cg_00000000_" + "A" * 43}, "authentication_failed"),
        ({"HTTP_AUTHORIZATION": "Api-Key "}, "authentication_failed"),
        ({"HTTP_AUTHORIZATION": "Bearer abc"}, "not_authenticated"),
    ],
    ids=["none", "malformed", "unknown", "empty", "other-scheme"],
)
def test_a_missing_or_bad_key_is_a_401_in_chinese(api, keys, headers, code):
    response = api.get(APPEALS, **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"
    assert response.json()["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["detail"])


def test_a_wrong_secret_behind_a_real_prefix_is_refused(api, keys):
    real = keys["admin"].token
    forged = real[:-4] + ("AAAA" if not real.endswith("AAAA") else "BBBB")
    assert api.get(APPEALS, HTTP_X_API_KEY=forged).status_code == 401


@pytest.mark.parametrize(
    "disable",
    [
        lambda k: revoke_api_key(key=k.key),
        lambda k: update_api_client(
            k.client,
            scopes=k.client.scopes,
            channel=k.client.channel,
            rate_limit_per_minute=10,
            is_active=False,
        ),
        lambda k: type(k.client.account).objects.filter(pk=k.client.account_id).update(is_active=False),
    ],
    ids=["revoked", "client-inactive", "account-inactive"],
)
def test_a_disabled_key_stops_working_and_says_why(api, keys, disable):
    key = keys["hotline"]
    assert api.get(APPEALS, **key.headers).status_code == 200
    disable(key)
    response = api.get(APPEALS, **key.headers)
    assert response.status_code == 401
    assert response.json()["detail"] in ("API 密钥已吊销或其应用已停用。", "API 密钥的服务账号已停用。")


@pytest.mark.parametrize(
    ("key", "method", "path", "allowed"),
    [
        ("dashboard", "get", APPEALS, True),
        ("dashboard", "post", APPEALS, False),
        ("submit_only", "get", APPEALS, False),
        ("submit_only", "post", APPEALS, True),
        ("department", "post", APPEALS, False),
        ("hotline", "post", "/api/v1/dispatch-rules/", False),
        ("admin", "post", "/api/v1/dispatch-rules/", True),
    ],
)
def test_a_key_may_do_what_its_scopes_allow(api, keys, city, key, method, path, allowed):
    body = {"kind": "complaint", "title": "噪音", "text": "夜间施工噪音", "unit": city.units["department"].pk}
    response = getattr(api, method)(path, body, format="json", **keys[key].headers)
    if allowed:
        assert response.status_code in (200, 201)
    else:
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
        assert "权限" in response.json()["detail"]


def test_every_use_is_recorded_whatever_its_answer(api, keys):
    key = keys["dashboard"]
    api.get(APPEALS, **key.headers)
    api.get("/api/v1/appeals/999999/", **key.headers)
    api.post(APPEALS, {}, format="json", **key.headers)
    uses = list(ApiKeyUse.objects.filter(key=key.key).order_by("pk").values_list("method", "path", "status"))
    assert uses == [("GET", APPEALS, 200), ("GET", "/api/v1/appeals/999999/", 404), ("POST", APPEALS, 403)]
    assert ApiKey.objects.get(pk=key.key.pk).last_used_at is not None


def test_issue_revoke_and_changes_made_with_a_key_reach_the_ledger(api, keys, city):
    key = keys["hotline"]
    body = {"kind": "complaint", "title": "噪音", "text": "夜间施工噪音"}
    assert api.post(APPEALS, body, format="json", **key.headers).status_code == 201
    api.get(APPEALS, **key.headers)
    revoke_api_key(key=key.key, actor=city.accounts["admin"])
    actions = list(
        LedgerEntry.objects.filter(target_type="api.apikey", target_id=str(key.key.pk)).values_list(
            "action", flat=True
        )
    )
    # The read is counted in ApiKeyUse only; the submission is in the ledger twice: as the appeal's own
    # entry (by the service) and as a use of the key.
    assert actions == ["api_key.issue", "api_key.use", "api_key.revoke"]


def test_only_a_digest_of_the_token_is_stored(keys):
    key = ApiKey.objects.get(pk=keys["admin"].key.pk)
    token = keys["admin"].token
    assert token.startswith(f"cg_{key.prefix}_") and len(token) == len(f"cg_{key.prefix}_") + 43
    assert token not in (key.digest, key.prefix) and len(key.digest) == 64


def test_a_key_over_its_clients_limit_gets_429_with_retry_after(api, new_key):
    key = new_key("限流测试", ["read"], rate=3)
    statuses = [api.get(APPEALS, **key.headers).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api.get(APPEALS, **key.headers)
    assert response.json()["code"] == "throttled"
    assert "请求过于频繁" in response.json()["detail"]
    assert 1 <= int(response["Retry-After"]) <= 60
    # A second key of the same client shares the limit, so rotating keys does not double it.
    _, second = issue_api_key(client=key.client)
    assert api.get(APPEALS, HTTP_X_API_KEY=second).status_code == 429
    cache.clear()
    assert api.get(APPEALS, HTTP_X_API_KEY=second).status_code == 200
