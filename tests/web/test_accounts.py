"""Account rules of a government system: password complexity, first-login change, lock-out after repeated
failures, a record of every login, and an idle session timeout."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from smallcity import PASSWORD

from civicgrid.ledger.models import LedgerEntry

NEW_PASSWORD = "Grid@Work2027"


def log_in(client, username, password=PASSWORD):
    return client.post(reverse("web:login"), {"username": username, "password": password})


def test_login_page_is_in_chinese_and_states_the_lockout_rule(client, db):
    page = client.get(reverse("web:login")).content.decode()
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    assert "登录" in page
    assert f"连续输错 {settings.AXES_FAILURE_LIMIT} 次密码，账号将锁定 {minutes} 分钟" in page
    # A citizen without an account finds the public portal and the tracking look-up from here.
    assert reverse("appeals:portal") in page and reverse("appeals:track") in page


def test_wrong_password_is_explained_in_chinese(client, city):
    response = log_in(client, "gridworker", "wrong-password")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()


def test_correct_password_logs_in_and_lands_on_home(client, city):
    response = log_in(client, "gridworker")
    assert response.status_code == 302
    assert response.url == reverse("web:home")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1#x", "至少 8 个字符"),
        ("abcdefghijk", "至少 3 类"),
        ("password", "常见密码"),
        ("Gridworker1", "太相似"),
    ],
)
def test_weak_passwords_are_refused_with_a_chinese_message(client, city, password, message):
    client.force_login(city.accounts["grid_worker"])
    response = client.post(
        reverse("web:password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()


def test_first_login_must_change_the_password_before_anything_else(client, city):
    account = city.accounts["grid_worker"]
    account.must_change_password = True
    account.save()
    log_in(client, "gridworker")
    response = client.get(reverse("web:grid_list"))
    assert response.status_code == 302
    assert response.url == reverse("web:password_change")
    assert "首次登录" in client.get(reverse("web:password_change")).content.decode()

    response = client.post(
        reverse("web:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert not account.must_change_password
    assert account.check_password(NEW_PASSWORD)
    assert client.get(reverse("web:grid_list")).status_code == 200


def test_repeated_failures_lock_the_account_even_against_the_right_password(client, city):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "secretary", "wrong-password").status_code == 200
    locked = log_in(client, "secretary", "wrong-password")
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    assert locked.status_code == 429
    assert f"登录失败次数过多，账号已锁定 {minutes} 分钟" in locked.content.decode()

    refused = log_in(client, "secretary")
    assert refused.status_code == 429
    assert client.get(reverse("web:home")).status_code == 302
    # Tries while locked are refused unchecked and neither counted nor restart the lock-out's clock.
    attempt = AccessAttempt.objects.get(username="secretary")
    log_in(client, "secretary", "wrong-password")
    again = AccessAttempt.objects.get(username="secretary")
    assert again.failures_since_start == settings.AXES_FAILURE_LIMIT
    assert again.attempt_time == attempt.attempt_time


@pytest.mark.parametrize(("password", "log"), [(PASSWORD, AccessLog), ("wrong-password", AccessFailureLog)])
def test_every_login_leaves_a_record(client, city, password, log):
    log_in(client, "leader", password)
    assert log.objects.filter(username="leader").count() == 1


def test_login_records_show_an_account_its_own_logins(client, city):
    log_in(client, "citizen", "wrong-password")
    log_in(client, "leader")
    client.post(reverse("web:logout"))
    log_in(client, "citizen")
    records = client.get(reverse("web:login_records")).context["page"].object_list
    assert [(r["username"], r["succeeded"]) for r in records] == [("citizen", True), ("citizen", False)]


def test_administrators_see_every_login_and_the_failure_counters(client, city):
    log_in(client, "citizen", "wrong-password")
    log_in(client, "admin")
    response = client.get(reverse("web:login_records"))
    records = response.context["page"].object_list
    assert {(r["username"], r["succeeded"]) for r in records} == {("citizen", False), ("admin", True)}
    assert [a.username for a in response.context["attempts"]] == ["citizen"]


def test_an_administrator_lifts_a_lockout_and_the_ledger_says_who(client, city):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "secretary", "wrong-password")
    assert log_in(client, "secretary").status_code == 429
    attempt = AccessAttempt.objects.get(username="secretary")
    # Only an administrator may; to anyone else the counter does not exist.
    client.force_login(city.accounts["leader"])
    assert client.post(reverse("web:lift_lockout", args=[attempt.pk])).status_code == 404
    client.force_login(city.accounts["admin"])
    page = client.get(reverse("web:login_records")).content.decode()
    assert "已锁定" in page and ">解锁</button>" in page
    response = client.post(reverse("web:lift_lockout", args=[attempt.pk]), follow=True)
    assert "已解锁 secretary（127.0.0.1），可以重新登录。" in response.content.decode()
    entry = LedgerEntry.objects.get(action="login.unlock")
    assert entry.actor == city.accounts["admin"] and entry.payload["username"] == "secretary"
    lifted = client.get(reverse("web:login_records")).context["lifted"]
    # The try while locked was not counted: the failures are those that locked the account.
    assert [(e.actor_label, e.payload["failures"]) for e in lifted] == [
        (str(city.accounts["admin"]), settings.AXES_FAILURE_LIMIT)
    ]
    client.post(reverse("web:logout"))
    assert log_in(client, "secretary").status_code == 302


def test_sessions_end_when_idle_and_when_the_browser_closes():
    assert 0 < settings.SESSION_COOKIE_AGE <= 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_each_request_renews_the_session(client, city):
    client.force_login(city.accounts["leader"])
    key = client.session.session_key
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + timedelta(seconds=60))
    assert client.get(reverse("web:home")).status_code == 200
    renewed = Session.objects.get(pk=key).expire_date
    assert renewed >= timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_an_idle_session_has_ended(client, city):
    client.force_login(city.accounts["leader"])
    Session.objects.filter(pk=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("web:login"))


def test_a_fields_help_text_is_the_text_its_input_is_described_by(client, city):
    # Django points a field's input at "<id>_helptext" (aria-describedby); a screen reader reads that text.
    client.force_login(city.accounts["grid_worker"])
    page = client.get(reverse("web:password_change")).content.decode()
    assert 'aria-describedby="id_new_password1_helptext"' in page
    assert 'class="helptext" id="id_new_password1_helptext"' in page
