"""更正: the dispatcher corrects an appeal's category and place; the trace records both sides."""

import pytest
from refusals import refused

from civicgrid.appeals import forms, selectors, services
from civicgrid.appeals.errors import AppealError
from civicgrid.appeals.models import Status
from civicgrid.directory.models import Role
from civicgrid.ledger.models import LedgerEntry


def test_an_unlocated_appeal_is_placed_in_a_compound_and_its_community_sees_it(city, life):
    appeal = life.submit(lat=None, lng=None, address="某路口")
    secretary = city.accounts["secretary"]
    assert appeal.grid is None and not selectors.appeals_for(secretary).filter(pk=appeal.pk).exists()
    compound = city.compounds[1]
    appeal = services.amend_appeal(
        appeal, actor=life.dispatcher, category=None, compound=compound, reason="来电人补充：幸福2号小区"
    )
    assert (appeal.grid, appeal.compound, appeal.status) == (compound.grid, compound, Status.RECEIVED)
    assert selectors.appeals_for(secretary).filter(pk=appeal.pk).exists()
    event = appeal.events.get(action="amend")
    assert event.note == "来电人补充：幸福2号小区"
    assert event.data == {
        "grid": [None, {"id": compound.grid.pk, "name": compound.grid.name}],
        "compound": [None, {"id": compound.pk, "name": compound.name}],
    }
    assert LedgerEntry.objects.filter(action="appeal.amend", target_id=str(appeal.pk)).exists()


def reclassify(appeal, actor, category, reason="热线登记分类有误"):
    """更正 of the category alone: the place as it stands."""
    return services.amend_appeal(
        appeal, actor=actor, category=category, grid=appeal.grid, compound=appeal.compound, reason=reason
    )


def test_a_dispatched_appeal_is_reclassified_and_keeps_its_deadlines(city, life, category_named):
    appeal = life.dispatched()
    deadlines = (appeal.sign_due, appeal.contact_due, appeal.resolve_due, appeal.main_unit_id)
    category = category_named("城乡建设")
    appeal = reclassify(appeal, life.dispatcher, category)
    assert appeal.category == category and appeal.status == Status.DISPATCHED
    assert (appeal.sign_due, appeal.contact_due, appeal.resolve_due, appeal.main_unit_id) == deadlines
    event = appeal.events.get(action="amend")
    assert list(event.data) == ["category"]
    assert event.data["category"][1] == {"id": category.pk, "name": "城乡建设"}
    appeal = reclassify(
        appeal, life.dispatcher, category_named("城乡建设", "城市建设和市政管理", "城市公共设施")
    )
    # A category is named with its ancestors: 其他 under one parent is not 其他 under another.
    assert appeal.events.filter(action="amend").last().data["category"][1]["name"] == (
        "城乡建设 › 城市建设和市政管理 › 城市公共设施"
    )
    refused("category_required", lambda: reclassify(appeal, life.dispatcher, None), appeal)


def test_a_grid_alone_clears_the_compound(city, life):
    appeal = life.submit()
    appeal = services.amend_appeal(
        appeal, actor=life.dispatcher, category=None, grid=city.communities[1], reason="位置在隔壁社区"
    )
    assert (appeal.grid, appeal.compound) == (city.communities[1], None)


def test_amend_refusals_change_nothing(city, life):
    appeal = life.dispatched()
    same = {"category": appeal.category, "grid": appeal.grid, "compound": appeal.compound}
    dispatcher = life.dispatcher
    elsewhere = city.compounds[7]
    refused(
        "reason_required", lambda: services.amend_appeal(appeal, actor=dispatcher, **same, reason=" "), appeal
    )
    refused(
        "nothing_amended",
        lambda: services.amend_appeal(appeal, actor=dispatcher, **same, reason="核对"),
        appeal,
    )
    refused(
        "compound_outside_grid",
        lambda: services.amend_appeal(
            appeal, actor=dispatcher, category=None, grid=city.grids[0], compound=elsewhere, reason="x"
        ),
        appeal,
    )
    refused(
        "forbidden_role",
        lambda: services.amend_appeal(appeal, actor=life.handler, category=None, reason="x"),
        appeal,
    )
    other = life.account("dispatcher2", Role.DISPATCHER, grid=city.streets[1])
    refused(
        "out_of_scope",
        lambda: services.amend_appeal(appeal, actor=other, category=None, reason="x"),
        appeal,
    )
    refused(
        "place_required",
        lambda: services.amend_appeal(appeal, actor=dispatcher, category=appeal.category, reason="x"),
        appeal,
    )
    closed = life.called_back()
    closed = services.close_appeal(closed, actor=dispatcher)
    with pytest.raises(AppealError) as error:
        services.amend_appeal(closed, actor=dispatcher, category=None, reason="x")
    assert error.value.code == "illegal_transition"


# --- the form -------------------------------------------------------------------------------------------


def test_the_form_shows_the_place_as_it_stands_below_the_district(city, life):
    appeal = life.submit()
    form = forms.AmendForm(actor=life.dispatcher, appeal=appeal)
    grid = city.grids[0]
    assert [form[name].label for name in form.location.names] == [
        "街道",
        "社区",
        "居民小组",
        "住户小组",
        "小区",
    ]
    assert form.initial["grid_1"] == grid.parent.parent.pk and form.initial["grid_3"] == grid.pk
    assert form.initial["compound"] == city.compounds[0].pk
    # Options read as they do under their parent: 第1网格, not 第1街道1社区第1网格 cut off in a narrow select.
    assert [label for _, label in form.fields["grid_3"].choices][1:] == ["第1网格", "第2网格"]
    # The compounds offered are those of the grid chosen.
    assert [label for _, label in form.fields["compound"].choices][1:] == ["幸福1号小区"]


def test_the_form_takes_the_deepest_choice_and_refuses_a_mismatch(city, life):
    appeal = life.submit(lat=None, lng=None)
    street, community = city.streets[1], city.communities[2]
    data = {"grid_1": street.pk, "grid_2": community.pk, "reason": "来电补充位置"}
    form = forms.AmendForm(data, actor=life.dispatcher, appeal=appeal)
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {
        "reason": "来电补充位置",
        "category": None,
        "grid": community,
        "compound": None,
    }
    assert {label for _, label in form.fields["compound"].choices} >= {"幸福5号小区", "幸福6号小区"}
    mismatched = forms.AmendForm(
        {"grid_1": city.streets[0].pk, "grid_2": community.pk, "reason": "x"},
        actor=life.dispatcher,
        appeal=appeal,
    )
    assert not mismatched.is_valid() and "grid_2" in mismatched.errors


def test_a_secretary_is_offered_only_her_own_grids(city, life):
    form = forms.LocationCascade(actor=city.accounts["secretary"])
    community = city.communities[0]
    assert form.location.top == community
    assert [form[name].label for name in form.location.names] == ["居民小组", "住户小组", "小区"]
    assert {pk for pk, _ in form.fields["grid_1"].choices if pk} == {g.pk for g in community.children.all()}


def test_an_appeal_on_the_district_itself_keeps_its_place_when_only_the_category_changes(
    city, life, category_named
):
    appeal = life.submit(lat=None, lng=None, grid=city.district)
    category = category_named("城乡建设")
    form = forms.AmendForm(
        {"category_1": category.pk, "reason": "更正分类"}, actor=life.dispatcher, appeal=appeal
    )
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["category"], form.cleaned_data["grid"]) == (category, city.district)
