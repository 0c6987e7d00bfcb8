"""Form fields for people and units: a phone number as people type it, and units offered under their kind
(政府部门, 街道办事处, 社区居委会, 物业公司, …), in the order UnitKind declares — a district has a hundred
or more."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator

from .models import UnitKind
from .phones import normalised_phone


class PhoneField(forms.CharField):
    """A mobile or a landline with its area code, written one way (phones.normalised_phone)."""

    widget = forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"})

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        try:
            return normalised_phone(super().clean(value))
        except ValueError as error:
            raise ValidationError(str(error), code="invalid_phone") from error


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
