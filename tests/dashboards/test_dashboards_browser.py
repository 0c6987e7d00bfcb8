"""Every module and the big screen in a real Chromium, as a leader and as a community secretary: the charts
draw, nothing fails in the console, the big screen fits 1920×1080 without scrolling, and filters swap the
figures in place. Screenshots go to test-artifacts/ for people to look at (Chinese, no missing glyphs)."""

import os

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "overview": "dashboards:overview",
    "units": "dashboards:units",
    "categories": "dashboards:categories",
    "region": "dashboards:region",
    "analysis": "dashboards:analysis",
    "warnings": "dashboards:warnings",
}


def signed_in(browser, live_server, account, viewport):
    client = Client()
    client.force_login(account)
    context = browser.new_context(locale="zh-CN", viewport=viewport)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, errors


def wait_for_charts(page):
    page.wait_for_function("document.documentElement.dataset.chartsReady === 'true'")


@pytest.mark.parametrize("account", ["leader", "secretary"])
def test_each_module_draws_its_charts(browser, live_server, city, history, artifacts_dir, account):
    page, errors = signed_in(browser, live_server, city.accounts[account], {"width": 1440, "height": 900})
    for name, url_name in PAGES.items():
        page.goto(live_server.url + reverse(url_name))
        wait_for_charts(page)
        if name == "overview":
            page.wait_for_selector(".hot-issues, .card .empty")
        assert page.locator("[data-chart] canvas").count() == page.locator("[data-chart]").count()
        page.screenshot(path=os.path.join(artifacts_dir, f"dashboards-{name}-{account}.png"), full_page=True)
    page.context.close()
    assert errors == []


def test_filters_swap_the_figures_without_reloading(browser, live_server, city, history):
    page, errors = signed_in(browser, live_server, city.accounts["leader"], {"width": 1440, "height": 900})
    page.goto(live_server.url + reverse("dashboards:overview"))
    wait_for_charts(page)
    total = page.locator(".dash-tiles .tile b").first.inner_text()
    page.evaluate("window.notReloaded = true")
    page.select_option("#id_channel", "hotline")
    page.wait_for_url("**channel=hotline**")
    wait_for_charts(page)
    assert page.evaluate("window.notReloaded") is True
    assert int(page.locator(".dash-tiles .tile b").first.inner_text()) < int(total)
    page.context.close()
    assert errors == []


def test_region_drills_down_on_click(browser, live_server, city, history, artifacts_dir):
    page, errors = signed_in(browser, live_server, city.accounts["leader"], {"width": 1440, "height": 900})
    page.goto(live_server.url + reverse("dashboards:region_area", args=[city.streets[0].pk]))
    wait_for_charts(page)
    page.get_by_role("link", name=city.communities[0].name).click()
    page.wait_for_url(f"**/region/{city.communities[0].pk}/")
    wait_for_charts(page)
    assert page.locator(".breadcrumb li").all_inner_texts()[-1].endswith(city.communities[0].name)
    page.screenshot(path=os.path.join(artifacts_dir, "dashboards-region-community.png"), full_page=True)
    page.context.close()
    assert errors == []


def test_the_big_screen_fits_1080p_and_refreshes_itself(browser, live_server, city, history, artifacts_dir):
    page, errors = signed_in(browser, live_server, city.accounts["leader"], {"width": 1920, "height": 1080})
    page.goto(live_server.url + reverse("dashboards:screen"))
    wait_for_charts(page)
    size = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert size[0] <= 1920 and size[1] <= 1080
    assert page.locator("#screen-body").get_attribute("hx-trigger").startswith("every ")
    page.screenshot(path=os.path.join(artifacts_dir, "dashboards-screen.png"))
    # One refresh, as the timer would: the body is swapped and its charts drawn again.
    with page.expect_response(
        lambda r: "/dashboards/screen/" in r.url and r.request.headers.get("hx-request")
    ):
        page.evaluate("htmx.ajax('GET', '/dashboards/screen/', {target: '#screen-body', swap: 'innerHTML'})")
    page.wait_for_function(
        "document.querySelectorAll('#screen-body [data-chart]:not([data-drawn])').length === 0"
    )
    charts = page.locator("#screen-body [data-chart]")
    assert charts.count() == 4 and page.locator("#screen-body [data-chart] canvas").count() == 4
    page.context.close()
    assert errors == []


def test_on_a_phone_the_big_screen_stacks_its_panels_and_scrolls(
    browser, live_server, city, history, artifacts_dir
):
    # Fitted to 1920×1080 it ran off a phone's right edge, the dark ground stopping at the screen's width.
    page, errors = signed_in(browser, live_server, city.accounts["leader"], {"width": 390, "height": 844})
    page.goto(live_server.url + reverse("dashboards:screen"))
    wait_for_charts(page)
    width, height = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
    )
    assert width <= 390 and height > 844
    alerts = page.locator(".screen-list li").last
    assert alerts.count() == 0 or alerts.bounding_box()["x"] + alerts.bounding_box()["width"] <= 390
    page.screenshot(path=os.path.join(artifacts_dir, "dashboards-screen-phone.png"), full_page=True)
    page.context.close()
    assert errors == []
