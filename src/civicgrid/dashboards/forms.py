"""The dashboards' filter form: every module reads its conditions from the query string through it."""

import datetime as dt

from django import forms

from civicgrid.appeals.models import Category, Channel, Kind, Status
from civicgrid.directory.forms import UnitChoiceField
from civicgrid.directory.models import Unit
from civicgrid.directory.scope import scope_of
from civicgrid.grid.models import Grid

from .selectors import CROSS_DIMENSIONS, Filters

PERIODS = [("7", "近7天"), ("30", "近30天"), ("90", "近90天"), ("365", "近一年"), ("custom", "自定义")]
MAX_PERIOD_DAYS = 3 * 366
# Area choices stop at the community: finer grids are reached by drilling down on the map.
AREA_MAX_LEVEL = 2


def _blank(choices) -> list:
    return [("", "全部"), *choices]


class FilterForm(forms.Form):
    period = forms.ChoiceField(label="时间", choices=PERIODS, required=False)
    start = forms.DateField(label="起", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="止", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    area = forms.ModelChoiceField(
        label="区域", queryset=Grid.objects.none(), required=False, empty_label="全部"
    )
    category = forms.ModelChoiceField(
        label="分类", queryset=Category.objects.filter(level__lte=2), required=False, empty_label="全部"
    )
    channel = forms.ChoiceField(label="渠道", choices=_blank(Channel.choices), required=False)
    kind = forms.ChoiceField(label="类型", choices=_blank(Kind.choices), required=False)
    unit = UnitChoiceField(label="承办单位", queryset=Unit.objects.none(), required=False, empty_label="全部")
    status = forms.ChoiceField(label="状态", choices=_blank(Status.choices), required=False)

    def __init__(self, data, *, actor, default_days: int = 30) -> None:
        # Always bound, the period defaulting to the module's own, so the form shows what the figures are.
        data = data.copy()
        data.setdefault("period", str(default_days))
        super().__init__(data)
        self.default_days = default_days
        scope = scope_of(actor)
        areas = Grid.objects.filter(level__lte=AREA_MAX_LEVEL).order_by("path")
        self.fields["area"].queryset = areas if scope.everything else areas.filter(scope.grid_q("path"))
        units = Unit.objects.filter(is_active=True).order_by("kind", "name")
        only_units = scope.unit_ids and not scope.grid_paths and not scope.everything
        self.fields["unit"].queryset = units.filter(pk__in=scope.unit_ids) if only_units else units
        self.fields["category"].label_from_instance = lambda c: ("　" * (c.level - 1)) + c.name

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if data.get("period") == "custom":
            if not start or not end:
                raise forms.ValidationError("自定义时间须填写起止日期。")
            if end < start:
                raise forms.ValidationError("结束日期不能早于开始日期。")
            if (end - start).days >= MAX_PERIOD_DAYS:
                raise forms.ValidationError("时间跨度不能超过三年。")
        return data

    def filters(self) -> Filters:
        """The conditions; on invalid input the default period, so a page always renders (errors shown)."""
        data = self.cleaned_data if self.is_valid() else {}
        conditions = {
            "area": data.get("area"),
            "category_id": data["category"].pk if data.get("category") else None,
            "channel": data.get("channel", ""),
            "kind": data.get("kind", ""),
            "unit_id": data["unit"].pk if data.get("unit") else None,
            "status": data.get("status", ""),
        }
        if data.get("period") == "custom":
            return Filters(data["start"], data["end"] + dt.timedelta(days=1), **conditions)
        return Filters.last_days(int(data.get("period") or self.default_days), **conditions)


class CrossTabForm(forms.Form):
    rows = forms.ChoiceField(label="行", choices=list(CROSS_DIMENSIONS.items()), required=False)
    columns = forms.ChoiceField(label="列", choices=list(CROSS_DIMENSIONS.items()), required=False)

    def __init__(self, data) -> None:
        data = data.copy()
        data.setdefault("rows", "area")
        data.setdefault("columns", "channel")
        super().__init__(data)

    def dimensions(self) -> tuple[str, str]:
        data = self.cleaned_data if self.is_valid() else {}
        rows, columns = data.get("rows") or "area", data.get("columns") or "channel"
        # A dimension against itself is a diagonal: show it against status instead.
        return (rows, columns) if rows != columns else (rows, "status" if rows != "status" else "channel")
