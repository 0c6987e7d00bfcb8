"""Choosing units on a form: a district has a hundred or more, so they are offered under their kind
(政府部门, 街道办事处, 社区居委会, 物业公司, …), in the order UnitKind declares."""

from django import forms
from django.forms.models import ModelChoiceIterator

from .models import UnitKind


class UnitsByKind(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        grouped: dict[str, list] = {kind: [] for kind in UnitKind.values}
        for unit in self.queryset:
            grouped[unit.kind].append(self.choice(unit))
        for kind, choices in grouped.items():
            if choices:
                yield (UnitKind(kind).label, choices)


class UnitChoiceField(forms.ModelChoiceField):
    iterator = UnitsByKind


class GroupedCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes folded by group, with a box that filters them by name as one types (web/picker.js); a
    group holding a checked box starts unfolded."""

    template_name = "web/widgets/grouped_checkboxes.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["groups"] = [
            {"label": label, "options": options, "chosen": sum(1 for o in options if o["selected"])}
            for label, options, _ in context["widget"]["optgroups"]
        ]
        return context


class UnitsChoiceField(forms.ModelMultipleChoiceField):
    iterator = UnitsByKind
    widget = GroupedCheckboxes
