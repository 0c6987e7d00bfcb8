"""django-axes' strings in Chinese: the compiled catalogue matches its source, and the admin shows them."""

import gettext
import re
from pathlib import Path

from axes.models import AccessAttempt
from django.urls import reverse

import civicgrid.directory

CATALOGUE = Path(civicgrid.directory.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"
ENTRY = re.compile(r'^msgid "(.+)"\nmsgstr "(.*)"$', re.MULTILINE)


def test_the_compiled_catalogue_is_the_source():
    source = dict(ENTRY.findall((CATALOGUE / "django.po").read_text(encoding="utf-8")))
    with (CATALOGUE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    assert source and all(catalogue.gettext(msgid) == msgstr for msgid, msgstr in source.items()), (
        "django.mo is stale: run msgfmt -o django.mo django.po in " + str(CATALOGUE)
    )


def test_the_admin_shows_login_security_in_chinese(client, city):
    admin = city.accounts["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    page = client.get(reverse("admin:index")).content.decode()
    assert "登录安全" in page and "登录失败计数" in page and "登录成功记录" in page
    assert "Access attempts" not in page and "Axes" not in page
    AccessAttempt.objects.create(
        username="secretary",
        ip_address="127.0.0.1",
        user_agent="test",
        http_accept="*/*",
        path_info="/login/",
        get_data="",
        post_data="",
        failures_since_start=5,
    )
    listing = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "连续失败次数" in listing and "IP 地址" in listing and "Failed Logins" not in listing
