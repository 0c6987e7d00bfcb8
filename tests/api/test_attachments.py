"""Photos and evidence over the REST API: multipart/form-data bodies on intake and 办结, listed on the appeal
and downloaded within the same data scope."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from samplefiles import photo_png

from civicgrid.appeals.models import Appeal, AppealAttachment, Status

APPEALS = "/api/v1/appeals/"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def photo(name: str = "现场.png", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, photo_png() if content is None else content, content_type="image/png")


def test_an_appeal_submitted_as_a_form_keeps_its_photos_for_those_who_may_see_it(api, keys):
    form = {
        "kind": "complaint",
        "title": "井盖缺失",
        "text": "路口井盖缺失，夜间危险。",
        "is_anonymous": "false",
        "attachments": [photo("一.png"), photo("二.png")],
    }
    created = api.post(APPEALS, form, format="multipart", **keys["hotline"].headers)
    assert created.status_code == 201, created.json()
    listed = created.json()["attachments"]
    assert [(a["kind"], a["content_type"]) for a in listed] == [("citizen", "image/png")] * 2

    download = api.get(listed[0]["url"], **keys["hotline"].headers)
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    assert b"".join(download.streaming_content) == photo_png()
    # Outside the caller's scope the appeal, and so its files, do not exist.
    assert api.get(listed[0]["url"], **keys["dashboard"].headers).status_code == 404
    assert (
        api.get(f"{APPEALS}{created.json()['id']}/attachments/x/", **keys["hotline"].headers).status_code
        == 404
    )


def test_form_values_are_parsed_as_text_but_still_checked(api, keys):
    form = {"kind": "complaint", "title": "噪音", "text": "夜间施工", "lat": "北纬", "lng": "116.4"}
    response = api.post(APPEALS, form, format="multipart", **keys["hotline"].headers)
    assert response.status_code == 400 and "lat" in response.json()["fields"]


def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_saved(api, keys):
    form = {
        "kind": "complaint",
        "title": "噪音",
        "text": "夜间施工",
        "attachments": [photo(content=b"MZ\x90\x00")],
    }
    response = api.post(APPEALS, form, format="multipart", **keys["hotline"].headers)
    assert response.status_code == 400
    assert (
        response.json()["code"] == "attachment_mismatch" and "内容与其类型不符" in response.json()["detail"]
    )
    assert not Appeal.objects.exists() and not AppealAttachment.objects.exists()


def test_a_json_body_cannot_pretend_to_carry_files(api, keys):
    body = {"kind": "complaint", "title": "噪音", "text": "夜间施工", "attachments": ["photo.png"]}
    response = api.post(APPEALS, body, format="json", **keys["hotline"].headers)
    assert response.status_code == 400 and "attachments" in response.json()["fields"]


def test_the_department_resolves_with_evidence(api, keys, city):
    hotline, department = keys["hotline"].headers, keys["department"].headers
    body = {"kind": "complaint", "title": "路灯", "text": "路灯不亮"}
    url = f"{APPEALS}{api.post(APPEALS, body, format='json', **hotline).json()['id']}/"
    api.post(url + "dispatch/", {"unit": city.units["department"].pk}, format="json", **hotline)
    api.post(url + "sign/", {}, format="json", **department)
    api.post(url + "first-contact/", {"note": "已电话联系"}, format="json", **department)
    form = {"reply": "已更换灯具。", "evidence": [photo("修好了.png")]}
    resolved = api.post(url + "resolve/", form, format="multipart", **department)
    assert resolved.status_code == 200, resolved.json()
    assert resolved.json()["status"] == Status.RESOLVED
    assert [a["kind"] for a in resolved.json()["attachments"]] == ["evidence"]
