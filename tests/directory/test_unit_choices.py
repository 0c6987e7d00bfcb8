"""Units offered on forms under their kind, in UnitKind's order, and still checked against the queryset."""

from django import forms

from civicgrid.directory.forms import UnitChoiceField, UnitsChoiceField
from civicgrid.directory.models import Unit


class Choosing(forms.Form):
    main = UnitChoiceField(queryset=Unit.objects.order_by("name"), empty_label="请选择单位")
    helpers = UnitsChoiceField(queryset=Unit.objects.exclude(kind="street_office"), required=False)


def test_units_are_grouped_by_kind_in_declared_order(city):
    form = Choosing()
    groups = [label for label, _ in form.fields["main"].choices]
    assert groups == ["", "政府部门", "街道办事处", "物业公司"]
    html = str(form["helpers"])
    assert "政府部门" in html and "街道办事处" not in html and 'type="search"' in html


def test_a_checked_unit_unfolds_its_group_and_choices_are_validated(city):
    department, property_company = city.units["department"], city.units["property"]
    form = Choosing({"main": department.pk, "helpers": [property_company.pk]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["main"] == department
    assert list(form.cleaned_data["helpers"]) == [property_company]
    html = str(form["helpers"])
    assert html.count("<details") == 2 and html.count('<details class="picker-group" open>') == 1
    refused = Choosing({"main": department.pk, "helpers": [city.units["street_office"].pk]})
    assert not refused.is_valid() and "helpers" in refused.errors
