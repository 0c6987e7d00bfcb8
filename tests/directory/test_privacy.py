import pytest

from civicgrid.directory.privacy import mask_phone, phone_for


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13800000000", "138****0000"),
        ("  13912345678 ", "139****5678"),
        ("02584561234", "025****1234"),
        ("1234567", "*******"),
        ("", ""),
    ],
)
def test_mask_phone_keeps_the_prefix_and_last_four_digits(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("viewer", "whole"),
    [("admin", True), ("citizen", True), ("leader", False), ("grid_worker", False), ("secretary", False)],
)
def test_whole_phone_only_for_administrators_and_the_person_herself(city, viewer, whole):
    citizen = city.accounts["citizen"].person
    shown = phone_for(city.accounts[viewer], citizen)
    assert (shown == citizen.phone) is whole
    assert whole or shown == "138****0000"
