"""A refused action: it raises the expected code and leaves the appeal exactly as it was."""

import pytest
from django.forms.models import model_to_dict

from civicgrid.appeals.errors import AppealError
from civicgrid.appeals.models import Appeal, AppealAssignment, AppealEvent, Supervision
from civicgrid.ledger.models import LedgerEntry


def snapshot(appeal: Appeal) -> tuple:
    """Everything an action could change about an appeal."""
    appeal = Appeal.objects.get(pk=appeal.pk)
    return (
        model_to_dict(appeal),
        list(AppealAssignment.objects.filter(appeal=appeal).values()),
        AppealEvent.objects.filter(appeal=appeal).count(),
        LedgerEntry.objects.count(),
        Supervision.objects.filter(appeal=appeal).count(),
    )


def refused(code: str, action, appeal: Appeal):
    """Assert the action raises the given code and leaves the appeal exactly as it was."""
    before = snapshot(appeal)
    with pytest.raises(AppealError) as error:
        action()
    assert error.value.code == code, error.value.message
    assert snapshot(appeal) == before
    return error.value
