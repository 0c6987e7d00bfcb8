"""Random histories: hypothesis creates appeals, walks them through the appeals services (dispatch, sign,
return, resolve, callbacks that reopen, close, merge), edits their grid and category, deletes some, and after
every step each rollup row equals a count over the raw rows; a rebuild from raw rows agrees at the end."""

import contextlib
import datetime as dt

import pytest
from conftest import Flow, assert_rollups_exact, stored_rollups
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from civicgrid.appeals import services
from civicgrid.appeals.errors import AppealError
from civicgrid.appeals.models import Appeal, AppealEvent, Category, Channel, Kind, Resolution, Satisfaction
from civicgrid.dashboards.services import rebuild_rollups

# The natural next step in each status, by the person who takes it.
STEPS = {
    "received": ["dispatch", "merge"],
    "returned": ["dispatch"],
    "dispatched": ["sign", "sign", "return"],
    "signed": ["resolve", "resolve", "return"],
    "in_progress": ["resolve"],
    "resolved": ["callback"],
    "called_back": ["close", "callback"],
    "merged": [],
    "closed": [],
}


class RollupHistories(RuleBasedStateMachine):
    city = None  # set by the test
    categories: list = []
    appeals = Bundle("appeals")

    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.flow = Flow(self.city)

    def teardown(self) -> None:
        incremental = stored_rollups()
        rebuild_rollups()
        assert stored_rollups() == incremental
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    @rule(
        target=appeals,
        grid_index=st.none() | st.integers(0, 7),
        category_index=st.none() | st.integers(0, 30),
        channel=st.sampled_from(Channel.values),
        kind=st.sampled_from(Kind.values),
        days_ago=st.integers(0, 400),
    )
    def create(self, grid_index, category_index, channel, kind, days_ago):
        category = None if category_index is None else self.categories[category_index]
        return self.flow.submit(
            grid_index=grid_index,
            category=category,
            channel=channel,
            kind=kind,
            received_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago, hours=days_ago % 24),
        )

    @rule(
        appeal=appeals,
        other=appeals,
        choice=st.integers(0, 5),
        unit=st.sampled_from(["department", "property"]),
        dissatisfied=st.booleans(),
    )
    def advance(self, appeal, other, choice, unit, dissatisfied):
        appeal = Appeal.objects.filter(pk=appeal.pk).first()
        if appeal is None or not STEPS[appeal.status]:
            return
        step = STEPS[appeal.status][choice % len(STEPS[appeal.status])]
        flow, handler = self.flow, self.handler_of(appeal)
        calls = {
            "dispatch": lambda: flow.dispatch(appeal, unit),
            "sign": lambda: services.sign_appeal(appeal, actor=handler),
            "return": lambda: services.return_appeal(appeal, actor=handler, reason="非本单位职责"),
            "resolve": lambda: (
                services.resolve_appeal(appeal, actor=handler, reply="已处理。")
                if appeal.status == "in_progress"
                else services.record_first_contact(appeal, actor=handler)
            ),
            "callback": lambda: services.record_callback(
                appeal,
                resolution=[Resolution.RESOLVED, Resolution.PARTLY_RESOLVED, Resolution.UNRESOLVED][
                    choice % 3
                ],
                satisfaction=Satisfaction.DISSATISFIED if dissatisfied else Satisfaction.values[choice % 4],
                actor=flow.dispatcher,
            ),
            "close": lambda: services.close_appeal(appeal, actor=flow.dispatcher),
            "merge": lambda: services.merge_appeal(appeal, into=other, actor=flow.dispatcher),
        }
        # A refused action (a merge into a closed or deleted appeal) changes nothing.
        with contextlib.suppress(AppealError, Appeal.DoesNotExist):
            calls[step]()

    def handler_of(self, appeal):
        accounts = self.city.accounts
        return (
            accounts["property_handler"]
            if appeal.main_unit_id == self.city.units["property"].pk
            else (accounts["handler"])
        )

    @rule(
        appeal=appeals,
        grid_index=st.none() | st.integers(0, 7),
        category_index=st.none() | st.integers(0, 30),
    )
    def reclassify(self, appeal, grid_index, category_index):
        """An edit outside the workflow (admin correction of the grid or category)."""
        appeal = Appeal.objects.filter(pk=appeal.pk).first()
        if appeal is None:
            return
        appeal.grid = None if grid_index is None else self.city.grids[grid_index]
        appeal.category = None if category_index is None else self.categories[category_index]
        appeal.save()

    @rule(appeal=appeals)
    def delete(self, appeal):
        if Appeal.objects.filter(merged_into_id=appeal.pk).exists():
            return  # duplicates protect the appeal they were merged into
        AppealEvent.objects.filter(appeal_id=appeal.pk).delete()
        Appeal.objects.filter(pk=appeal.pk).delete()

    @invariant()
    def rollups_equal_raw_counts(self):
        assert_rollups_exact()


@pytest.mark.django_db
def test_rollups_stay_exact_through_random_histories(city):
    RollupHistories.city = city
    # A spread over the catalogue's three levels.
    RollupHistories.categories = list(Category.objects.order_by("path"))[::17][:31]
    run_state_machine_as_test(
        RollupHistories,
        settings=settings(
            max_examples=25,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
