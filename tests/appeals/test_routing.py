"""The routing table each process keeps (routing.py): any change to what routing reads moves the stamp on,
in the writer's transaction, and the next use rebuilds; a rolled-back change is never trusted."""

from decimal import Decimal

import pytest
from django.db import transaction

from civicgrid.appeals import services
from civicgrid.appeals.models import DeadlineOverride, RoutingStamp
from civicgrid.appeals.routing import routing_table


def chosen_unit(table, city, grid_index=0):
    return table.choice([], city.grids[grid_index].path, None).unit_id


def test_a_rule_saved_after_the_table_was_built_routes_the_next_appeal(city):
    before = routing_table()
    assert chosen_unit(before, city) is None
    services.save_dispatch_rule(actor=city.accounts["admin"], unit=city.units["department"])
    after = routing_table()
    assert after is not before and chosen_unit(after, city) == city.units["department"].pk
    assert routing_table() is after  # unchanged stamp: the same table, no rebuild


def test_a_rolled_back_rule_leaves_no_trace_in_any_table(city):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.save_dispatch_rule(actor=city.accounts["admin"], unit=city.units["department"])
        assert chosen_unit(routing_table(), city) == city.units["department"].pk
        raise RuntimeError("the action fails after the rule was saved")
    assert chosen_unit(routing_table(), city) is None


def test_another_process_s_change_is_seen_through_the_stamp(city):
    table = routing_table()
    RoutingStamp.objects.update(token="written-by-another-process")
    assert routing_table() is not table


def test_deadline_overrides_and_deactivated_units_take_effect_at_once(city, category_named):
    category = category_named("城乡建设", "城市建设和市政管理", "燃气供应")
    services.save_dispatch_rule(actor=city.accounts["admin"], unit=city.units["department"])
    DeadlineOverride.objects.create(category=category, resolve_working_days=2, contact_hours=Decimal("1"))
    table = routing_table()
    policy = table.policy(table.lineage(category), "normal")
    assert (policy.resolve_working_days, policy.contact_hours) == (2, Decimal("1"))
    department = city.units["department"]
    department.is_active = False  # as the admin's unit form saves it
    department.save()
    assert chosen_unit(routing_table(), city) is None


def test_without_a_stamp_row_every_use_rebuilds(city):
    RoutingStamp.objects.all().delete()
    first = routing_table()
    assert routing_table() is not first
