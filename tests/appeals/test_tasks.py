"""The deadline sweep: near due and overdue are marked, the unit is told, overdue goes to 督办 once."""

import datetime as dt

from civicgrid.appeals import services
from civicgrid.appeals.models import Appeal, DueState, Notification, Status, Supervision
from civicgrid.appeals.selectors import supervision_board
from civicgrid.appeals.tasks import check_deadlines

HOUR = dt.timedelta(hours=1)


def with_deadlines(appeal: Appeal, start: dt.datetime) -> Appeal:
    """Pin the appeal's deadlines: sign 10 h, contact 20 h, resolve 100 h after `start`."""
    Appeal.objects.filter(pk=appeal.pk).update(
        dispatched_at=start,
        sign_due=start + 10 * HOUR,
        contact_due=start + 20 * HOUR,
        resolve_due=start + 100 * HOUR,
    )
    return Appeal.objects.get(pk=appeal.pk)


def test_sweep_marks_near_due_then_overdue_and_supervises_once(city, life):
    appeal = with_deadlines(life.dispatched(), dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC))
    start = appeal.dispatched_at
    notices = Notification.objects.filter(recipient_unit=city.units["department"])

    assert services.refresh_due_states(now=start + HOUR).checked == 1
    assert Appeal.objects.get(pk=appeal.pk).due_state == DueState.ON_TIME
    assert not notices.exists()

    sweep = services.refresh_due_states(now=start + 9 * HOUR)  # 1 h of 10 left: the last fifth
    assert sweep.near_due == 1
    assert Appeal.objects.get(pk=appeal.pk).due_state == DueState.NEAR_DUE
    assert notices.count() == 1 and "即将超期" in notices.first().text

    sweep = services.refresh_due_states(now=start + 11 * HOUR)
    assert (sweep.overdue, sweep.supervised) == (1, 1)
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert appeal.due_state == DueState.OVERDUE and appeal.is_supervised
    supervision = Supervision.objects.get(appeal=appeal)
    assert supervision.is_automatic and supervision.opened_by is None
    # It names the deadline missed, as the appeal's badge does.
    assert supervision.reason == "签收超期，系统自动督办。"
    assert [s.appeal for s in supervision_board(city.accounts["supervisor"])] == [appeal]
    assert appeal.events.filter(action="supervise", actor=None).count() == 1

    assert services.refresh_due_states(now=start + 12 * HOUR).supervised == 0  # unchanged: nothing to do


def test_overdue_again_after_signing_is_not_supervised_twice(city, life):
    appeal = with_deadlines(life.dispatched(), dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC))
    start = appeal.dispatched_at
    services.refresh_due_states(now=start + 11 * HOUR)
    Supervision.objects.filter(appeal=appeal).update(closed_at=start + 11 * HOUR)
    Appeal.objects.filter(pk=appeal.pk).update(is_supervised=False)
    appeal = services.sign_appeal(appeal, actor=life.handler)
    assert services.refresh_due_states(now=start + 12 * HOUR).overdue == 0  # signed: contact due at +20 h
    sweep = services.refresh_due_states(now=start + 21 * HOUR)
    assert (sweep.overdue, sweep.supervised) == (1, 0)
    assert Supervision.objects.filter(appeal=appeal).count() == 1


def test_an_automatic_supervision_names_the_deadline_missed(city, life):
    appeal = with_deadlines(life.dispatched(), dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC))
    start = appeal.dispatched_at
    # Signed in time (as the sweep would find it), not contacted by +20 h.
    Appeal.objects.filter(pk=appeal.pk).update(
        status=Status.SIGNED, signed_at=start + HOUR, due_state=DueState.ON_TIME
    )
    services.refresh_due_states(now=start + 21 * HOUR)
    assert Supervision.objects.get(appeal=appeal).reason == "首次联系超期，系统自动督办。"


def test_appeals_out_of_handling_are_not_swept(city, life):
    life.submit()
    resolved = life.resolved()
    assert resolved.status == Status.RESOLVED and resolved.due_state == DueState.NONE
    assert services.refresh_due_states(now=resolved.resolve_due + 1000 * HOUR).checked == 0


def test_celery_task_runs_the_sweep(city, life):
    life.dispatched()
    result = check_deadlines.delay().get()
    assert result == {"checked": 1, "near_due": 0, "overdue": 0, "supervised": 0}
    assert check_deadlines.name == "civicgrid.appeals.tasks.check_deadlines"
