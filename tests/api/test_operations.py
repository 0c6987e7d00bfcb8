"""Keys as an operator issues and revokes them: the `api-key` command and the admin."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from civicgrid.api.models import ApiClient, ApiKey
from civicgrid.ledger.models import LedgerEntry


def run(*args) -> str:
    out = StringIO()
    call_command("api_key", *args, stdout=out)
    return out.getvalue()


def test_the_command_creates_lists_and_revokes(api, city):
    output = run(
        "create", "12345热线", "--account", "dispatcher", "--scopes", "read,submit", "--channel", "hotline"
    )
    token = output.strip().splitlines()[-1]
    client = ApiClient.objects.get(name="12345热线")
    assert (client.scopes, client.channel, client.account.username) == (
        ["read", "submit"],
        "hotline",
        "dispatcher",
    )
    assert api.get("/api/v1/appeals/", HTTP_X_API_KEY=token).status_code == 200
    prefix = token.split("_")[1]
    assert prefix in run("list") and "有效" in run("list")
    assert f"已吊销密钥 {prefix}" in run("revoke", prefix)
    assert api.get("/api/v1/appeals/", HTTP_X_API_KEY=token).status_code == 401
    second = run("create", "12345热线").strip().splitlines()[-1]  # another key for the existing client
    assert second != token and ApiKey.objects.filter(client=client).count() == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("create", "新应用"), "--account"),
        (("create", "新应用", "--account", "nobody"), "不存在"),
        (("create", "新应用", "--account", "dispatcher", "--scopes", "everything"), "权限无效"),
        (("revoke", "ffffffff"), "没有前缀"),
    ],
)
def test_the_command_refuses_in_chinese(city, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_the_admin_shows_a_new_token_once_and_revokes(client, city, new_key):
    key = new_key("看板", ["read"])
    client.force_login(city.accounts["admin"])
    page = client.post(
        "/admin/api/apiclient/", {"action": "issue_key", "_selected_action": [key.client.pk]}, follow=True
    )
    tokens = re.findall(r"cg_[0-9a-f]{8}_[A-Za-z0-9_-]{43}", page.content.decode())
    assert len(tokens) == 1 and "只显示这一次" in page.content.decode()
    issued = ApiKey.objects.get(prefix=tokens[0].split("_")[1])
    assert tokens[0] not in client.get(f"/admin/api/apikey/{issued.pk}/change/").content.decode()
    client.post("/admin/api/apikey/", {"action": "revoke", "_selected_action": [issued.pk]})
    issued.refresh_from_db()
    assert issued.revoked_at is not None
    assert LedgerEntry.objects.filter(action="api_key.revoke", actor=city.accounts["admin"]).count() == 1
