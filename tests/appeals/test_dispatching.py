"""Dispatch rules: most specific wins, property matters go to the compound's company, conflicts and misses
wait for the dispatcher; rules are versioned and ledgered."""

import pytest

from civicgrid.appeals import services
from civicgrid.appeals.dispatching import AppealFacts, RuleView, choose_unit, is_property_matter
from civicgrid.appeals.errors import WorkflowError
from civicgrid.appeals.models import DispatchRuleVersion, Status
from civicgrid.appeals.selectors import dispatcher_queue
from civicgrid.ledger.models import LedgerEntry
from civicgrid.ledger.selectors import verify_chain

KEYWORDS = ["物业", "小区管理"]
FACTS = AppealFacts(
    category_ids=frozenset({1, 10, 100}),
    category_names=("城乡建设", "住房保障与房地产", "物业服务"),
    grid_path="/1/2/3/4/",
    compound_id=7,
    property_company_id=None,
)


def rule(rule_id, unit_id, *, category=None, level=0, grid=None, compound=None) -> RuleView:
    return RuleView(rule_id, unit_id, category, level, grid, compound)


def test_catch_all_rule_matches_anything():
    assert choose_unit(FACTS, [rule(1, 50)], KEYWORDS).unit_id == 50


def test_deeper_grid_beats_shallower_grid_and_category():
    rules = [rule(1, 50, grid="/1/"), rule(2, 51, grid="/1/2/3/"), rule(3, 52, category=100, level=3)]
    choice = choose_unit(FACTS, rules, KEYWORDS)
    assert (choice.unit_id, choice.rule_id) == (51, 2)


def test_category_depth_breaks_equal_grid_depth():
    rules = [rule(1, 50, grid="/1/2/", category=1, level=1), rule(2, 51, grid="/1/2/", category=10, level=2)]
    assert choose_unit(FACTS, rules, KEYWORDS).unit_id == 51


def test_compound_rule_beats_everything():
    rules = [rule(1, 50, grid="/1/2/3/4/", category=100, level=3), rule(2, 51, compound=7)]
    assert choose_unit(FACTS, rules, KEYWORDS).unit_id == 51


def test_rules_that_do_not_match_are_ignored():
    rules = [rule(1, 50, grid="/1/9/"), rule(2, 51, category=999, level=1), rule(3, 52, compound=8)]
    choice = choose_unit(FACTS, rules, KEYWORDS)
    assert choice.unit_id is None and "无匹配" in choice.reason


def test_equally_specific_rules_for_different_units_are_a_conflict_left_to_the_dispatcher():
    rules = [rule(3, 50, grid="/1/2/"), rule(4, 51, grid="/1/2/")]
    choice = choose_unit(FACTS, rules, KEYWORDS)
    assert choice.unit_id is None and "3、4" in choice.reason


def test_equally_specific_rules_for_the_same_unit_are_no_conflict():
    choice = choose_unit(FACTS, [rule(4, 50, grid="/1/2/"), rule(3, 50, grid="/1/2/")], KEYWORDS)
    assert (choice.unit_id, choice.rule_id) == (50, 3)


def test_property_matter_in_a_compound_goes_to_its_company_unless_a_compound_rule_says_otherwise():
    facts = AppealFacts(**{**FACTS.__dict__, "property_company_id": 90})
    assert choose_unit(facts, [rule(1, 50, grid="/1/2/3/4/", category=100, level=3)], KEYWORDS).unit_id == 90
    assert choose_unit(facts, [rule(2, 51, compound=7)], KEYWORDS).unit_id == 51
    not_property = AppealFacts(**{**facts.__dict__, "category_names": ("城乡建设", "城市建设和市政管理")})
    assert choose_unit(not_property, [], KEYWORDS).unit_id is None


def test_is_property_matter_looks_at_every_level():
    assert is_property_matter(["城乡建设", "住房保障与房地产", "物业服务"], KEYWORDS)
    assert not is_property_matter(["城乡建设", "燃气供应"], KEYWORDS)


# --- with the database -----------------------------------------------------------------------------------


def test_auto_dispatch_property_matter_to_the_compound_company(city, life, category_named):
    category = category_named("城乡建设", "住房保障与房地产", "物业服务")
    appeal = life.submit(category=category)
    assert appeal.compound_id == city.compounds[0].pk
    appeal = services.auto_dispatch(appeal)
    assert appeal.status == Status.DISPATCHED
    assert appeal.main_unit == city.units["property"]
    assert appeal.events.last().note.startswith("自动派单")


def test_auto_dispatch_by_grid_rule_and_unmatched_waits_in_queue(city, life):
    admin = city.accounts["admin"]
    services.save_dispatch_rule(actor=admin, unit=city.units["street_office"], grid=city.streets[0])
    in_street_1 = services.auto_dispatch(life.submit(grid_index=0))
    assert in_street_1.main_unit == city.units["street_office"]
    in_street_2 = services.auto_dispatch(life.submit(grid_index=5))
    assert in_street_2.status == Status.RECEIVED
    assert in_street_2 in dispatcher_queue(city.accounts["dispatcher"])
    assert in_street_1 not in dispatcher_queue(city.accounts["dispatcher"])


def test_auto_dispatch_refuses_an_appeal_already_dispatched(city, life):
    admin = city.accounts["admin"]
    services.save_dispatch_rule(actor=admin, unit=city.units["department"])
    appeal = services.auto_dispatch(life.submit())
    with pytest.raises(WorkflowError) as error:
        services.auto_dispatch(appeal)
    assert error.value.code == "illegal_transition"


def test_inactive_rule_is_ignored(city, life):
    admin = city.accounts["admin"]
    rule_ = services.save_dispatch_rule(actor=admin, unit=city.units["department"])
    services.save_dispatch_rule(actor=admin, rule=rule_, unit=city.units["department"], is_active=False)
    assert services.auto_dispatch(life.submit()).status == Status.RECEIVED


def test_rule_changes_are_versioned_and_ledgered(city):
    admin = city.accounts["admin"]
    rule_ = services.save_dispatch_rule(actor=admin, unit=city.units["department"], grid=city.streets[0])
    rule_ = services.save_dispatch_rule(
        actor=admin, rule=rule_, unit=city.units["street_office"], grid=city.streets[0]
    )
    versions = list(DispatchRuleVersion.objects.filter(rule=rule_).order_by("version"))
    assert [(v.version, v.unit_id) for v in versions] == [
        (1, city.units["department"].pk),
        (2, city.units["street_office"].pk),
    ]
    entries = LedgerEntry.objects.filter(target_type="appeals.dispatchrule", target_id=str(rule_.pk))
    assert [e.action for e in entries] == ["dispatch_rule.change", "dispatch_rule.change"]
    assert entries.first().payload["before"] is None
    assert entries.last().payload["before"]["unit_id"] == city.units["department"].pk


def test_only_administrators_change_rules(city):
    with pytest.raises(WorkflowError) as error:
        services.save_dispatch_rule(actor=city.accounts["dispatcher"], unit=city.units["department"])
    assert error.value.code == "forbidden_role"


# --- routed intake: submit_appeal(route=True) ---------------------------------------------------------


def test_a_routed_intake_is_stored_dispatched_after_its_submit_and_dispatch_events(city, life):
    services.save_dispatch_rule(actor=city.accounts["admin"], unit=city.units["department"])
    appeal = life.submit(route=True)
    appeal.refresh_from_db()
    assert (appeal.status, appeal.main_unit) == (Status.DISPATCHED, city.units["department"])
    events = list(appeal.events.all())
    assert [(e.action, e.from_status, e.to_status) for e in events] == [
        ("submit", "", Status.RECEIVED),
        ("dispatch", Status.RECEIVED, Status.DISPATCHED),
    ]
    assert events[1].note.startswith("自动派单") and events[1].data["unit"] == city.units["department"].pk
    assignment = appeal.assignments.get()
    assert (assignment.role, assignment.is_active, assignment.sign_due) == ("main", True, appeal.sign_due)
    assert appeal.dispatched_at == events[1].at
    assert appeal.resolve_due > appeal.contact_due > appeal.dispatched_at
    entries = LedgerEntry.objects.filter(target_type="appeals.appeal", target_id=str(appeal.pk))
    assert [e.action for e in entries.order_by("sequence")] == ["appeal.submit", "appeal.dispatch"]
    assert verify_chain().ok


def test_a_routed_intake_without_a_matching_rule_waits_for_the_dispatcher(city, life):
    appeal = life.submit(route=True)
    assert appeal.status == Status.RECEIVED and appeal.main_unit is None
    assert [e.action for e in appeal.events.all()] == ["submit"]
    assert appeal in dispatcher_queue(city.accounts["dispatcher"])


def test_a_routed_property_matter_goes_to_the_company_of_the_compound_it_was_located_in(
    city, life, category_named
):
    appeal = life.submit(category=category_named("城乡建设", "住房保障与房地产", "物业服务"), route=True)
    assert appeal.compound_id == city.compounds[0].pk
    assert (appeal.status, appeal.main_unit) == (Status.DISPATCHED, city.units["property"])


def test_a_routed_urgent_appeal_gets_the_urgent_deadlines(city, life):
    services.save_dispatch_rule(actor=city.accounts["admin"], unit=city.units["department"])
    ordinary = life.submit(route=True)
    gas_leak = "楼道里闻到很浓的煤气味，燃气泄漏了，请马上处理。"
    urgent = life.submit(route=True, title="楼道燃气泄漏", text=gas_leak)
    assert urgent.urgency == "urgent"
    assert urgent.contact_due - urgent.dispatched_at < ordinary.contact_due - ordinary.dispatched_at
