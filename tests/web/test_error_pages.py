"""Error pages speak Chinese and offer a way on, whether a view refuses, a page is missing, a form's CSRF
token has expired or the server fails."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views import defaults

pytestmark = pytest.mark.django_db


def test_a_refused_page_says_why_in_chinese(client, city):
    client.force_login(city.accounts["citizen"])
    response = client.get(reverse("dashboards:overview"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "无权访问（403）" in html and "无权查看问政分析看板。" in html and "返回首页" in html


def test_a_missing_page_is_explained(client, city):
    client.force_login(city.accounts["leader"])
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在（404）" in response.content.decode()


def test_an_expired_form_says_what_to_do(city):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("web:login"), {"username": "leader", "password": "x"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


def test_the_server_error_page_needs_no_request_context():
    response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "系统出错（500）" in response.content.decode()
