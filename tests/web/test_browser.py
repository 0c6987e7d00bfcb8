"""Each role in a real Chromium: logs in through the form, sees only its scope, and the grid map draws.
Screenshots go to test-artifacts/ for people to look at."""

import os

import pytest
from django.conf import settings
from smallcity import PASSWORD, build_small_city
from test_pages import NAVIGATION

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

PHONE = {"width": 390, "height": 844}


def all_grids(city):
    return [city.district, *city.streets, *city.communities, *city.grids]


def community_subtree(city):
    return [city.communities[0], *city.grids[:2]]


# Account → (navigation it is offered, the grids its grid list holds).
ROLES = {
    "admin": ([*NAVIGATION["admin"], "后台管理"], all_grids),
    "leader": (NAVIGATION["leader"], all_grids),
    "secretary": (NAVIGATION["secretary"], community_subtree),
    "grid_worker": (NAVIGATION["grid_worker"], lambda city: city.grids[:1]),
    "handler": (NAVIGATION["handler"], lambda city: []),
    "citizen": (NAVIGATION["citizen"], lambda city: []),
}


@pytest.fixture
def console_errors(page):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def submit_login(page, base_url, username, password=PASSWORD):
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")


def log_in(page, base_url, username):
    submit_login(page, base_url, username)
    page.wait_for_url(f"{base_url}/")


def grid_rows(page, base_url):
    page.goto(f"{base_url}/grids/")
    return page.locator("#results tbody tr td:first-child a").all_inner_texts()


def wait_for_map(page):
    page.wait_for_selector("#grid-map canvas")
    chart = "echarts.getInstanceByDom(document.getElementById('grid-map'))"
    return page.evaluate(f"() => {chart}.getOption().series[0].data.length")


def test_login_page_explains_a_wrong_password_then_locks(page, live_server, artifacts_dir, console_errors):
    build_small_city()
    page.goto(f"{live_server.url}/login/")
    page.screenshot(path=os.path.join(artifacts_dir, "login.png"), full_page=True)
    submit_login(page, live_server.url, "leader", "not-the-password")
    assert "用户名或密码错误" in page.locator("[role=alert]").inner_text()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        submit_login(page, live_server.url, "leader", "not-the-password")
    assert "登录失败次数过多，账号已锁定" in page.locator("[role=alert]").inner_text()
    page.screenshot(path=os.path.join(artifacts_dir, "locked-out.png"), full_page=True)
    # The browser reports the lock-out page's 429 status as a failed resource load; nothing else may fail.
    assert [e for e in console_errors if "429" not in e] == []


def test_first_login_goes_through_the_password_change(page, live_server, artifacts_dir, console_errors):
    city = build_small_city()
    account = city.accounts["grid_worker"]
    account.must_change_password = True
    account.save()
    submit_login(page, live_server.url, account.username)
    page.wait_for_url(f"{live_server.url}/account/password/")
    page.screenshot(path=os.path.join(artifacts_dir, "password-change.png"), full_page=True)
    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password1", "Grid@Work2027")
    page.fill("#id_new_password2", "Grid@Work2027")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert "密码已修改" in page.locator(".messages").inner_text()
    assert console_errors == []


def test_search_narrows_the_grid_list_as_one_types(page, live_server, console_errors):
    city = build_small_city()
    log_in(page, live_server.url, city.accounts["leader"].username)
    page.goto(f"{live_server.url}/grids/")
    page.fill("input[name=q]", "2社区")
    page.wait_for_url("**/grids/?q=*")
    rows = page.locator("#results tbody tr")
    rows.first.wait_for()
    page.wait_for_function("document.querySelectorAll('#results tbody tr').length === 6")
    assert all("2社区" in name for name in rows.locator("td:first-child a").all_inner_texts())
    assert console_errors == []


@pytest.mark.parametrize("account_key", ROLES)
def test_each_role_sees_only_its_scope(page, live_server, artifacts_dir, console_errors, account_key):
    city = build_small_city()
    navigation, grids = ROLES[account_key]
    log_in(page, live_server.url, city.accounts[account_key].username)
    page.screenshot(path=os.path.join(artifacts_dir, f"home-{account_key}.png"), full_page=True)
    assert page.locator("nav.nav a").all_inner_texts() == navigation
    assert sorted(grid_rows(page, live_server.url)) == sorted(g.name for g in grids(city))
    assert console_errors == []


def test_grid_map_draws_the_grid_children_and_compounds(page, live_server, artifacts_dir, console_errors):
    city = build_small_city()
    log_in(page, live_server.url, city.accounts["secretary"].username)
    page.goto(f"{live_server.url}/grids/{city.communities[0].pk}/")
    assert wait_for_map(page) == 1 + 2 + 2
    page.screenshot(path=os.path.join(artifacts_dir, "grid-map.png"), full_page=True)
    assert console_errors == []


def test_grid_worker_on_a_phone(page, live_server, artifacts_dir, console_errors):
    city = build_small_city()
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, city.accounts["grid_worker"].username)
    page.screenshot(path=os.path.join(artifacts_dir, "phone-home-grid_worker.png"), full_page=True)
    overflow = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert page.evaluate(overflow) <= 0
    page.click(f"a[href='/grids/{city.grids[0].pk}/']")
    assert wait_for_map(page) == 1 + 1
    assert page.evaluate(overflow) <= 0
    assert page.locator("#grid-map").bounding_box()["width"] <= PHONE["width"]
    page.screenshot(path=os.path.join(artifacts_dir, "phone-grid-map.png"), full_page=True)
    assert console_errors == []
