import pytest
from django.core.exceptions import ImproperlyConfigured

from civicgrid.appeals.urgency import raises_urgency
from civicgrid.insight.urgent import UrgentAssessment

CERTAIN = UrgentAssessment(True, ("燃气泄漏",), "急难险重（燃气泄漏）", certain=True)
SUSPECTED = UrgentAssessment(True, ("火灾",), "疑似急难险重（火灾）")
NOTHING = UrgentAssessment(False)


@pytest.mark.parametrize(
    ("mode", "raised"),
    [("all", (True, True, False)), ("certain", (True, False, False)), ("none", (False, False, False))],
)
def test_each_mode_raises_what_it_says(mode, raised):
    assert tuple(raises_urgency(flag, mode) for flag in (CERTAIN, SUSPECTED, NOTHING)) == raised


def test_an_unknown_mode_is_a_configuration_error_in_chinese():
    with pytest.raises(ImproperlyConfigured, match="CIVICGRID_RAISE_URGENT_CASES 应为"):
        raises_urgency(CERTAIN, True)
