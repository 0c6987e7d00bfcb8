"""Rollups stay exact: each kind of write by the appeals services, edits outside them, deletions, and the
rebuild from raw rows."""

import datetime as dt

import pytest
from conftest import assert_rollups_exact, raw_rollups, stored_rollups

from civicgrid.appeals import services
from civicgrid.appeals.models import Appeal, AppealAssignment, AppealEvent, Category, Satisfaction, Status
from civicgrid.dashboards.models import AppealRollup, ScoreRollup
from civicgrid.dashboards.services import rebuild_rollups

pytestmark = pytest.mark.django_db


def test_a_new_appeal_counts_once_under_its_intake_day_and_dimensions(flow, leaf_category):
    appeal = flow.submit(category=leaf_category, received_at=dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC))
    row = AppealRollup.objects.get()
    # 23:30 UTC is the next morning in Asia/Shanghai: days are local, as scoring.Period's are.
    assert (row.day, row.count, row.status) == (dt.date(2026, 3, 2), 1, Status.RECEIVED)
    assert (row.grid_id, row.grid_path) == (appeal.grid_id, appeal.grid.path)
    assert (row.category_id, row.category_root_id) == (
        leaf_category.parent_id,
        leaf_category.parent.parent_id,
    )
    assert_rollups_exact()


def test_a_routed_intake_counts_as_dispatched_from_the_start(flow, city, leaf_category):
    services.save_dispatch_rule(actor=city.accounts["admin"], unit=city.units["department"])
    # Located by its point (the grid comes from the routing table) and placed by its grid (the caller's).
    grid = city.grids[1]
    located = flow.submit(
        grid_index=None, category=leaf_category, lat=grid.centroid_lat, lng=grid.centroid_lng, route=True
    )
    placed = flow.submit(grid_index=2, route=True)
    assert located.status == placed.status == Status.DISPATCHED and located.grid_id == grid.pk
    assert AppealRollup.objects.get(grid_id=grid.pk).status == Status.DISPATCHED
    assert ScoreRollup.objects.get(grid_id=grid.pk).dispatched == 1
    assert_rollups_exact()


def test_a_full_life_moves_the_appeal_and_records_its_rates(flow, leaf_category):
    flow.closed(category=leaf_category)
    assert AppealRollup.objects.filter(count__gt=0).get().status == Status.CLOSED
    score = ScoreRollup.objects.get()
    assert (score.dispatched, score.responded, score.resolved, score.satisfied) == (1, 1, 1, 1)
    assert_rollups_exact()


def test_a_dissatisfied_callback_reopens_and_counts_a_second_round(flow):
    appeal = flow.resolve(flow.sign(flow.dispatch(flow.submit())))
    flow.callback(appeal, Satisfaction.DISSATISFIED)
    assert Appeal.objects.get(pk=appeal.pk).status == Status.DISPATCHED
    totals = {m: sum(ScoreRollup.objects.values_list(m, flat=True)) for m in ("dispatched", "responded")}
    assert totals == {"dispatched": 2, "responded": 1}
    assert_rollups_exact()


def test_returned_and_merged_appeals_keep_their_ended_rounds(flow):
    returned = services.return_appeal(flow.dispatch(flow.submit()), actor=flow.handler, reason="非本单位职责")
    target = flow.submit(grid_index=1)
    services.merge_appeal(flow.submit(grid_index=1), into=target, actor=flow.dispatcher)
    assert returned.status == Status.RETURNED
    assert sum(ScoreRollup.objects.values_list("dispatched", flat=True)) == 1
    assert_rollups_exact()


def test_a_round_withdrawn_in_time_comes_off_and_a_late_one_stays(flow, city):
    street_office = city.units["street_office"]
    in_time = flow.dispatch(flow.submit())
    services.redispatch_appeal(in_time, unit=street_office, actor=flow.dispatcher, reason="改派街道")
    assert ScoreRollup.objects.get(dispatched__gt=0).unit_id == street_office.pk
    assert_rollups_exact()
    late = flow.dispatch(flow.submit(grid_index=1))
    late.sign_due = late.dispatched_at
    late.save()
    AppealAssignment.objects.filter(appeal=late).update(sign_due=late.dispatched_at)
    services.redispatch_appeal(late, unit=street_office, actor=flow.dispatcher, reason="超时未签收")
    counted = ScoreRollup.objects.filter(grid_id=late.grid_id, dispatched__gt=0)
    assert sorted(counted.values_list("unit_id", "dispatched", "responded")) == sorted(
        [(city.units["department"].pk, 1, 0), (street_office.pk, 1, 0)]
    )
    # A dispatched duplicate merged in time is withdrawn the same way.
    services.merge_appeal(flow.dispatch(flow.submit(grid_index=2)), into=late, actor=flow.dispatcher)
    assert not ScoreRollup.objects.filter(grid_id=city.grids[2].pk, dispatched__gt=0).exists()
    assert_rollups_exact()
    incremental = stored_rollups()
    rebuild_rollups()
    assert stored_rollups() == incremental


def test_reclassifying_and_regridding_move_every_recorded_figure(flow, city, leaf_category):
    appeal = flow.resolve(flow.sign(flow.dispatch(flow.submit())))
    flow.callback(appeal)
    appeal = Appeal.objects.get(pk=appeal.pk)
    appeal.category = leaf_category
    appeal.grid = city.grids[5]
    appeal.save()
    assert set(ScoreRollup.objects.filter(dispatched__gt=0).values_list("grid_id", flat=True)) == {
        city.grids[5].pk
    }
    assert_rollups_exact()


def test_deleting_an_appeal_takes_it_and_its_callbacks_off(flow):
    kept = flow.closed()
    gone = flow.closed(grid_index=3)
    AppealEvent.objects.filter(appeal=gone).delete()  # events are protected: a purge removes them first
    Appeal.objects.get(pk=gone.pk).delete()
    assert sum(AppealRollup.objects.values_list("count", flat=True)) == 1
    assert ScoreRollup.objects.filter(grid_id=kept.grid_id, dispatched=1, satisfied=1).exists()
    assert_rollups_exact()


def test_a_rolled_back_action_leaves_the_rollups_alone(flow):
    appeal = flow.dispatch(flow.submit())
    before = stored_rollups()
    with pytest.raises(Exception, match="退回须说明理由"):
        services.return_appeal(appeal, actor=flow.handler, reason="")
    assert stored_rollups() == before


def test_rebuild_from_raw_rows_matches_the_incremental_rollups(flow, leaf_category):
    flow.closed(category=leaf_category)
    flow.dispatch(flow.submit(grid_index=None, category=Category.objects.filter(level=1).first()))
    flow.submit(grid_index=2, channel="web")
    incremental = stored_rollups()
    totals = rebuild_rollups()
    assert totals["appeal_rows"] == 3
    assert stored_rollups() == incremental == raw_rollups()
