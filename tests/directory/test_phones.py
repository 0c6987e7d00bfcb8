"""Phone numbers as people type them: checked by China's numbering rules and written one way."""

import pytest
from django.urls import reverse

from civicgrid.appeals.models import Appeal
from civicgrid.directory.phones import normalised_phone


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("13912345678", "13912345678"),
        ("139 1234 5678", "13912345678"),
        ("+86 139-1234-5678", "13912345678"),
        ("１３９１２３４５６７８", "13912345678"),  # full-width, as a Chinese input method may type it
        ("025-84561234", "025-84561234"),
        ("(025)84561234", "025-84561234"),
        ("010 6512 3456", "010-65123456"),
        ("025-84561234 转 12", "025-84561234转12"),
        ("400-800-8888", "4008008888"),
        ("+1 650 253 0000", "+1 650-253-0000"),
        ("  ", ""),
    ],
)
def test_a_number_is_written_one_way(typed, written):
    assert normalised_phone(typed) == written


@pytest.mark.parametrize(
    "typed",
    [
        "abc",
        "12",
        "12345",
        "84561234",
        "1391234567",
        "139123456789",
        # Two numbers run together: the second is no extension.
        "13912345678;13812345678",
        "025-84561234 转 13812345678",
    ],
)
def test_what_cannot_be_dialled_is_refused_in_chinese(typed):
    with pytest.raises(ValueError, match="无法识别：请填写 11 位手机号"):
        normalised_phone(typed)


@pytest.mark.django_db
def test_the_portal_keeps_the_form_and_says_which_field(client, city):
    data = {"kind": "complaint", "title": "路灯不亮", "text": "小区门口路灯不亮。", "contact_phone": "abc"}
    response = client.post(reverse("appeals:portal"), data)
    page = response.content.decode()
    assert response.status_code == 200 and not Appeal.objects.exists()
    assert "电话号码“abc”无法识别" in page and "小区门口路灯不亮。" in page
    client.post(reverse("appeals:portal"), data | {"contact_phone": "139 1234 5678"})
    assert Appeal.objects.get().contact.phone == "13912345678"
