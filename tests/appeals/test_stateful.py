"""Random lives: hypothesis drives random actions by random roles on a few appeals. Whatever happens, no
appeal reaches an inconsistent state, a refused action changes nothing, every successful action leaves
exactly its events and ledger entries, and the ledger chain stays verifiable."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from civicgrid.appeals import services
from civicgrid.appeals.errors import AppealError
from civicgrid.appeals.models import (
    Appeal,
    AppealAssignment,
    AppealEvent,
    AssignmentRole,
    ExtensionRequest,
    Resolution,
    Satisfaction,
    Status,
    Supervision,
    WhistleSummons,
)
from civicgrid.directory.models import Role
from civicgrid.ledger.models import LedgerEntry
from civicgrid.ledger.selectors import verify_chain

ACTORS = [
    "dispatcher",
    "handler",
    "property_handler",
    "street_handler",
    "supervisor",
    "leader",
    "secretary",
    "grid_worker",
    "citizen",
    "admin",
    None,
]
UNITS = ["department", "property", "street_office"]
# Who usually takes each action; "suitable" in a draw picks this person, so lives get past their first steps.
SUITABLE = {
    "dispatch": "dispatcher",
    "redispatch": "dispatcher",
    "merge": "dispatcher",
    "decide_extension": "dispatcher",
    "close": "dispatcher",
    "callback": "dispatcher",
    "supervise": "supervisor",
    "auto_dispatch": None,
}
HANDLER_OF_UNIT = {"department": "handler", "property": "property_handler", "street_office": "street_handler"}
ACTIONS = [
    "dispatch",
    "auto_dispatch",
    "redispatch",
    "return",
    "sign",
    "first_contact",
    "request_extension",
    "decide_extension",
    "resolve",
    "callback",
    "close",
    "supervise",
    "merge",
    "blow_whistle",
    "report_arrival",
    "rate_whistle",
]
NEXT = {
    Status.RECEIVED: ["dispatch", "auto_dispatch", "dispatch", "auto_dispatch", "merge"],
    Status.RETURNED: ["dispatch"],
    Status.DISPATCHED: ["sign", "sign", "return", "redispatch"],
    Status.SIGNED: ["first_contact", "first_contact", "blow_whistle", "request_extension", "return"],
    Status.IN_PROGRESS: [
        "resolve",
        "resolve",
        "decide_extension",
        "report_arrival",
        "rate_whistle",
        "supervise",
    ],
    Status.RESOLVED: ["callback"],
    Status.CALLED_BACK: ["close", "close", "callback"],
    Status.CLOSED: ["rate_whistle", "supervise"],
    Status.MERGED: ["merge", "dispatch", "close"],
}
# Statuses in which exactly one 主办 assignment is active.
HELD = {
    Status.DISPATCHED,
    Status.SIGNED,
    Status.IN_PROGRESS,
    Status.RESOLVED,
    Status.CALLED_BACK,
    Status.CLOSED,
}
# Timestamps each status requires to be set (+) or unset (−).
REQUIRED = {
    Status.DISPATCHED: ({"dispatched_at", "sign_due", "resolve_due"}, {"signed_at", "resolved_at"}),
    Status.SIGNED: ({"dispatched_at", "signed_at"}, {"first_contact_at", "resolved_at"}),
    Status.IN_PROGRESS: ({"signed_at", "first_contact_at"}, {"resolved_at"}),
    Status.RESOLVED: ({"signed_at", "first_contact_at", "resolved_at"}, {"called_back_at"}),
    Status.CALLED_BACK: ({"resolved_at", "called_back_at"}, {"closed_at"}),
    Status.CLOSED: ({"resolved_at", "called_back_at", "closed_at"}, set()),
    Status.RECEIVED: (set(), {"dispatched_at", "signed_at", "resolved_at", "closed_at"}),
    Status.RETURNED: (set(), {"dispatched_at", "signed_at", "sign_due", "closed_at"}),
    Status.MERGED: (set(), {"dispatched_at", "closed_at"}),
}


def world_state() -> tuple:
    """Everything an action could change."""
    return (
        list(Appeal.objects.order_by("pk").values()),
        list(AppealAssignment.objects.order_by("pk").values()),
        list(ExtensionRequest.objects.order_by("pk").values()),
        list(Supervision.objects.order_by("pk").values()),
        list(WhistleSummons.objects.order_by("pk").values()),
        AppealEvent.objects.count(),
        LedgerEntry.objects.count(),
    )


class AppealLives(RuleBasedStateMachine):
    city = None  # set by the test
    appeals = Bundle("appeals")

    def __init__(self) -> None:
        super().__init__()
        # Each example runs in a savepoint rolled back at teardown, on top of the test's city.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.expected_events: dict[int, int] = {}

    def teardown(self) -> None:
        assert verify_chain().ok
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def actor(self, name):
        return None if name is None else self.city.accounts[name]

    @rule(
        target=appeals,
        grid_index=st.integers(0, 7),
        urgency=st.sampled_from(["normal", "urgent", "critical"]),
        route=st.booleans(),
    )
    def submit(self, grid_index, urgency, route):
        grid = self.city.grids[grid_index]
        appeal = services.submit_appeal(
            channel="web",
            kind="complaint",
            title="随机诉求",
            text="随机生成的诉求内容",
            actor=self.city.accounts["citizen"],
            urgency=urgency,
            lat=grid.centroid_lat,
            lng=grid.centroid_lng,
            route=route,
        )
        # Routed by a matching rule, the appeal arrives with its dispatch event as well.
        self.expected_events[appeal.pk] = 1 if appeal.status == Status.RECEIVED else 2
        return appeal

    @rule(
        appeal=appeals,
        other=appeals,
        action=st.sampled_from(ACTIONS),
        actor_name=st.sampled_from(["suitable"] * len(ACTORS) + ACTORS),
        unit_name=st.sampled_from(UNITS),
        flag=st.booleans(),
        number=st.integers(0, 6),
    )
    def act(self, appeal, other, action, actor_name, unit_name, flag, number):
        self.attempt(Appeal.objects.get(pk=appeal.pk), other, action, actor_name, unit_name, flag, number)

    @rule(
        appeal=appeals,
        other=appeals,
        unit_name=st.sampled_from(UNITS),
        flag=st.booleans(),
        number=st.integers(1, 6),
    )
    def advance(self, appeal, other, unit_name, flag, number):
        """The natural next step of the appeal's life, by the person who usually takes it."""
        appeal = Appeal.objects.get(pk=appeal.pk)
        choices = NEXT[appeal.status]
        self.attempt(appeal, other, choices[number % len(choices)], "suitable", unit_name, flag, number)

    def attempt(self, appeal, other, action, actor_name, unit_name, flag, number):
        if actor_name == "suitable":
            actor_name = self.suitable_actor(appeal, action, unit_name)
        call = self.call_for(
            appeal, other, action, self.actor(actor_name), self.city.units[unit_name], flag, number
        )
        if call is None:
            return
        before = world_state()
        reopens = appeal.reopen_count
        supervisions = appeal.supervisions.count()
        try:
            call()
        except AppealError as error:
            event(f"{action}: {error.code}")  # `pytest --hypothesis-show-statistics` shows how deep lives go
            assert error.code and error.message
            assert world_state() == before, f"refused {action} changed something"
            return
        appeal.refresh_from_db()
        if action == "auto_dispatch" and appeal.status == Status.RECEIVED:
            return  # no rule matched: nothing happened, nothing to record
        event(f"{action}: ok")
        # A callback may bring one automatic follow-on: a reopen or a 督办.
        follow_on = (appeal.reopen_count - reopens) + (
            action == "callback" and appeal.supervisions.count() > supervisions
        )
        self.expected_events[appeal.pk] += 1 + follow_on

    def suitable_actor(self, appeal, action, unit_name):
        if action in SUITABLE:
            return SUITABLE[action]
        if action == "report_arrival":
            return HANDLER_OF_UNIT[unit_name]
        main = next((k for k, u in self.city.units.items() if u.pk == appeal.main_unit_id), "department")
        if action in {"blow_whistle", "rate_whistle"}:
            return "street_handler" if main == "street_office" else "secretary"
        return HANDLER_OF_UNIT.get(main, "handler")

    def call_for(self, appeal, other, action, actor, unit, flag, number):
        extension = appeal.extensions.order_by("-pk").first()
        summons = WhistleSummons.objects.filter(whistle__appeal=appeal).order_by("pk").first()
        reason = "理由" if flag or number else ""
        calls = {
            "dispatch": lambda: services.dispatch_appeal(appeal, unit=unit, actor=actor),
            "auto_dispatch": lambda: services.auto_dispatch(appeal),
            "redispatch": lambda: services.redispatch_appeal(appeal, unit=unit, actor=actor, reason=reason),
            "return": lambda: services.return_appeal(appeal, actor=actor, reason=reason),
            "sign": lambda: services.sign_appeal(appeal, actor=actor),
            "first_contact": lambda: services.record_first_contact(appeal, actor=actor),
            "request_extension": lambda: services.request_extension(
                appeal, actor=actor, working_days=number, reason=reason
            ),
            "decide_extension": extension
            and (lambda: services.decide_extension(extension, actor=actor, approve=flag)),
            "resolve": lambda: services.resolve_appeal(appeal, actor=actor, reply=reason),
            "callback": lambda: services.record_callback(
                appeal,
                resolution=[Resolution.RESOLVED, Resolution.PARTLY_RESOLVED, Resolution.UNRESOLVED][
                    number % 3
                ],
                satisfaction=Satisfaction.DISSATISFIED if flag else Satisfaction.SATISFIED,
                actor=actor,
                tracking_code=appeal.tracking_code if actor is None and number % 2 else None,
            ),
            "close": lambda: services.close_appeal(appeal, actor=actor),
            "supervise": lambda: services.supervise_appeal(appeal, actor=actor, reason=reason),
            "merge": lambda: services.merge_appeal(appeal, into=other, actor=actor),
            "blow_whistle": lambda: services.blow_whistle(appeal, actor=actor, units=[unit], reason=reason),
            "report_arrival": summons
            and (lambda: services.report_arrival(summons, actor=actor, action_taken="到场")),
            "rate_whistle": summons
            and (lambda: services.rate_whistle_response(summons, actor=actor, rating=number)),
        }
        return calls[action] or None

    @invariant()
    def every_appeal_is_consistent(self):
        for appeal in Appeal.objects.filter(pk__in=self.expected_events):
            must_have, must_lack = REQUIRED[appeal.status]
            for name in must_have:
                assert getattr(appeal, name) is not None, f"{appeal.status} without {name}"
            for name in must_lack:
                assert getattr(appeal, name) is None, f"{appeal.status} with {name}"
            mains = list(appeal.assignments.filter(role=AssignmentRole.MAIN, is_active=True))
            if appeal.status in HELD:
                assert len(mains) == 1 and mains[0].unit_id == appeal.main_unit_id
            else:
                assert not mains and appeal.main_unit_id is None
                assert not appeal.assignments.filter(is_active=True).exists()
            if appeal.status == Status.MERGED:
                # Duplicates may chain (A into B, then B into C), always ending at an appeal not merged.
                seen, target = {appeal.pk}, appeal.merged_into
                while target.status == Status.MERGED:
                    assert target.pk not in seen
                    seen.add(target.pk)
                    target = target.merged_into
            assert appeal.is_supervised == appeal.supervisions.filter(closed_at=None).exists()
            assert appeal.reopen_count <= 1

    @invariant()
    def no_event_is_lost_or_invented(self):
        for pk, expected in self.expected_events.items():
            assert AppealEvent.objects.filter(appeal_id=pk).count() == expected
            assert (
                LedgerEntry.objects.filter(target_type="appeals.appeal", target_id=str(pk)).count()
                == expected
            )


@pytest.mark.django_db
def test_random_lives_stay_legal(city):
    city.accounts["street_handler"] = _street_handler(city)
    # Auto-dispatch finds a unit in the first street and leaves the second to the dispatcher.
    services.save_dispatch_rule(
        actor=city.accounts["admin"], unit=city.units["street_office"], grid=city.streets[0]
    )
    AppealLives.city = city
    run_state_machine_as_test(
        AppealLives,
        settings=settings(
            max_examples=20,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )


def _street_handler(city):
    from civicgrid.directory.models import Person
    from civicgrid.directory.services import assign_role, create_account

    person = Person.objects.create(name="街道承办人", unit=city.units["street_office"])
    account = create_account(person=person, username="streethandler", password="x", validate=False)
    assign_role(account=account, role=Role.DEPARTMENT_HANDLER, unit=city.units["street_office"])
    return account
