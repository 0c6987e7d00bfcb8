"""我的 (智慧党建) in a real Chromium, on a phone and on a wide screen. Screenshots go to test-artifacts/."""

import os
from decimal import Decimal

import pytest
from smallcity import build_small_city

from civicgrid.party.models import StudyCourse

from .conftest import build_party_city
from .test_browser_recruitment import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.fixture
def party_city(transactional_db):
    return build_party_city(build_small_city())


def test_on_a_phone_the_study_button_has_a_row_of_its_own(party_city, live_server, page, artifacts_dir):
    StudyCourse.objects.create(title="党章学习", hours=Decimal(4))
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, "memberchen")
    page.goto(f"{live_server.url}/party/mine/")
    form = page.locator("form.inline-form")
    assert form.locator("#id_course option").first.inner_text() == "请选择课程"
    quiz, button = form.locator("#id_quiz_score").bounding_box(), form.locator("button").bounding_box()
    assert button["y"] >= quiz["y"] + quiz["height"]  # under the quiz box, not beside it
    assert abs(button["x"] - quiz["x"]) < 1  # and on the left, in line with the fields
    form.screenshot(path=os.path.join(artifacts_dir, "party-mine-study-phone.png"))
    page.set_viewport_size({"width": 1280, "height": 900})
    quiz, button = form.locator("#id_quiz_score").bounding_box(), form.locator("button").bounding_box()
    # On a wide screen the form is one line, the button level with the boxes' bottom edge.
    assert abs((button["y"] + button["height"]) - (quiz["y"] + quiz["height"])) < 4
