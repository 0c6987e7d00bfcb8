"""The transition table as a pure function: state, role and reach, without a database."""

import pytest

from civicgrid.appeals.errors import WorkflowError
from civicgrid.appeals.models import Status
from civicgrid.appeals.workflow import TRANSITIONS, Standing, allowed_actions, check_transition
from civicgrid.directory.models import Role, UnitKind
from civicgrid.directory.scope import Scope

DEPARTMENT, STREET_OFFICE, POLICE = 10, 20, 30


def scope(*roles, paths=(), units=(), everything=False) -> Scope:
    return Scope(
        everything=everything,
        grid_paths=tuple(paths),
        unit_ids=frozenset(units),
        person_id=None,
        roles=frozenset(roles),
    )


def standing(
    actor_scope, *, grid_path="/1/2/5/", main=DEPARTMENT, kind=UnitKind.GOVERNMENT_DEPARTMENT, **more
):
    return Standing(actor_scope, grid_path, main, kind, **more)


DISPATCHER = scope(Role.DISPATCHER, paths=["/1/"])
HANDLER = scope(Role.DEPARTMENT_HANDLER, units=[DEPARTMENT])


def code_of(action, status, who) -> str:
    with pytest.raises(WorkflowError) as error:
        check_transition(action, status, who)
    return error.value.code


def test_every_transition_names_its_sources_and_roles():
    for action, transition in TRANSITIONS.items():
        assert transition.action == action and transition.label
        assert action == "submit" or (transition.sources and transition.roles)
        assert transition.target is None or transition.target in Status.values


def test_state_is_checked_before_role_and_reach():
    assert code_of("sign", Status.RECEIVED, standing(DISPATCHER)) == "illegal_transition"
    assert code_of("sign", Status.DISPATCHED, standing(DISPATCHER)) == "forbidden_role"
    assert check_transition("sign", Status.DISPATCHED, standing(HANDLER)).target == Status.SIGNED


def test_handler_reaches_only_through_the_main_unit():
    assert code_of("sign", Status.DISPATCHED, standing(HANDLER, main=POLICE)) == "out_of_scope"


def test_area_reach_and_unlocated_appeals():
    outsider = scope(Role.DISPATCHER, paths=["/1/3/"])
    assert code_of("dispatch", Status.RECEIVED, standing(outsider)) == "out_of_scope"
    assert check_transition("dispatch", Status.RECEIVED, standing(outsider, grid_path=None))
    # A leader oversees the whole intake: an appeal not yet located is still the district's.
    leader = scope(Role.LEADER, paths=["/1/"])
    assert check_transition("supervise", Status.SIGNED, standing(leader, grid_path=None))
    secretary = scope(Role.COMMUNITY_SECRETARY, paths=["/1/2/"])
    assert code_of("blow_whistle", Status.SIGNED, standing(secretary, grid_path=None)) == "out_of_scope"


def test_system_only_where_the_table_admits_it():
    assert check_transition("dispatch", Status.RECEIVED, standing(None)).target == Status.DISPATCHED
    assert check_transition("reopen", Status.CALLED_BACK, standing(None)).target == Status.DISPATCHED
    assert code_of("close", Status.CALLED_BACK, standing(None)) == "forbidden_role"
    assert code_of("reopen", Status.CALLED_BACK, standing(DISPATCHER)) == "forbidden_role"


def test_whistle_by_a_governing_main_unit_or_the_community_secretary():
    street_handler = scope(Role.DEPARTMENT_HANDLER, units=[STREET_OFFICE])
    governed = standing(street_handler, main=STREET_OFFICE, kind=UnitKind.STREET_OFFICE)
    assert check_transition("blow_whistle", Status.SIGNED, governed)
    assert code_of("blow_whistle", Status.SIGNED, standing(HANDLER)) == "out_of_scope"
    secretary = scope(Role.COMMUNITY_SECRETARY, paths=["/1/2/"])
    assert check_transition("blow_whistle", Status.IN_PROGRESS, standing(secretary))


def test_report_arrival_needs_a_summons():
    police = scope(Role.DEPARTMENT_HANDLER, units=[POLICE])
    assert code_of("report_arrival", Status.SIGNED, standing(police)) == "out_of_scope"
    assert check_transition(
        "report_arrival", Status.SIGNED, standing(police, summoned_unit_ids=frozenset({POLICE}))
    )


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.PARTY_MEMBER])
def test_a_resident_acts_on_her_own_appeal_only(role):
    # A party member reports through the portal as anyone does, and rates what he reported.
    resident = scope(role)
    assert code_of("callback", Status.RESOLVED, standing(resident)) == "out_of_scope"
    assert check_transition("callback", Status.RESOLVED, standing(resident, is_owner=True))


def test_administrator_reaches_everything_but_not_the_system_only_reopen():
    admin = scope(everything=True)
    # rate_whistle is open in any state; whether there is a summons to rate is the data's business.
    assert allowed_actions(Status.DISPATCHED, standing(admin, main=POLICE)) == [
        "amend",
        "redispatch",
        "return",
        "sign",
        "supervise",
        "party_task",
        "merge",
        "rate_whistle",
    ]
    assert "reopen" not in allowed_actions(Status.CALLED_BACK, standing(admin))


def test_only_the_dispatcher_redispatches_and_only_before_the_unit_signs():
    assert check_transition("redispatch", Status.DISPATCHED, standing(DISPATCHER)).target == Status.DISPATCHED
    assert code_of("redispatch", Status.SIGNED, standing(DISPATCHER)) == "illegal_transition"
    assert code_of("redispatch", Status.DISPATCHED, standing(HANDLER)) == "forbidden_role"
