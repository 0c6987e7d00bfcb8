from django import forms
from django.conf import settings
from django.db.models import Min

from civicgrid.web.cascade import TreeLevels, path_ids

from . import selectors
from .models import grid_level_choices, name_under
from .validation import code_problem, level_problem, read_polygon

GEOJSON_MAX_BYTES = 50 * 1024 * 1024


class BoundaryForm(forms.ModelForm):
    """Admin form for a grid or compound: a hand-edited boundary must be a valid polygon."""

    def clean_boundary(self):
        boundary = self.cleaned_data["boundary"]
        if boundary:
            _, problem = read_polygon(boundary)
            if problem:
                raise forms.ValidationError(problem.message, code=problem.code)
        return boundary


class GridForm(BoundaryForm):
    """Admin form for a grid: the same rules on level and code as `create_grid`."""

    def clean(self):
        cleaned = super().clean()
        level, parent = cleaned.get("level", self.instance.level), cleaned.get("parent", self.instance.parent)
        if level is not None:
            problem = level_problem(level, parent.level if parent else None, parent.name if parent else "")
            problem = problem or code_problem(cleaned.get("code", ""), level)
            if problem:
                raise forms.ValidationError(problem.message, code=problem.code)
        return cleaned


def _level_choices() -> list[tuple[str, str]]:
    return [("", "按文件或上级自动判断")] + [(lv["key"], lv["name"]) for lv in settings.CIVICGRID_GRID_LEVELS]


class GeojsonImportForm(forms.Form):
    file = forms.FileField(label="GeoJSON 文件", help_text="FeatureCollection，UTF-8 编码，不超过 50 MB")
    level = forms.ChoiceField(label="默认层级", choices=_level_choices, required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > GEOJSON_MAX_BYTES:
            raise forms.ValidationError("文件超过 50 MB，请拆分后导入或使用命令 civicgrid import-geojson")
        return upload


class LocationLevels:
    """An appeal's place chosen top-down within the actor's grids: one select per grid level below the
    actor's single top grid (the district, for a district-wide dispatcher), then 小区 among the compounds of
    the grid chosen, once that grid holds few enough to list. `place(cleaned)` gives (grid, compound)."""

    COMPOUND_CHOICES_MAX = 100

    def __init__(self, form: forms.Form, actor, *, grid=None, compound=None) -> None:
        grids = selectors.grids_for(actor).order_by("code", "name")
        top_level = grids.aggregate(level=Min("level"))["level"]
        tops = list(grids.filter(level=top_level)) if top_level is not None else []
        self.top = tops[0] if len(tops) == 1 else None
        first_level = top_level + 1 if self.top else (top_level or 0)
        names = [name for _, name in grid_level_choices()]
        chosen = path_ids(grid.path) if grid else []
        self.levels = TreeLevels(
            form,
            prefix="grid",
            labels=names[first_level:],
            children=lambda parent: grids.filter(parent=parent) if parent else tops,
            top=self.top,
            prompt="（未定位）",
            option_label=lambda grid, parent: name_under(grid.name, parent.name if parent else ""),
            initial=chosen[chosen.index(self.top.pk) + 1 :] if self.top and self.top.pk in chosen else chosen,
        )
        within = self.levels.reached
        listed, prompt = [], "（请先选择网格）"
        if within is not None:
            compounds = selectors.compounds_for(actor).filter(grid__path__startswith=within.path)
            listed = list(compounds.order_by("name")[: self.COMPOUND_CHOICES_MAX + 1])
            if len(listed) > self.COMPOUND_CHOICES_MAX:
                listed, prompt = [], "（请先选择下一级网格）"
            else:
                prompt = "（不在小区内）" if listed else "（所选网格内没有小区）"
        self.compounds = {c.pk: c for c in listed}
        form.fields["compound"] = forms.TypedChoiceField(
            label="小区",
            choices=[("", prompt), *((c.pk, c.name) for c in listed)],
            coerce=int,
            empty_value=None,
            required=False,
        )
        if compound is not None:
            form.initial.setdefault("compound", compound.pk)
        self.form = form
        # An appeal placed on the top grid itself shows no choice below it, and keeps its place.
        self.on_top = grid is not None and grid == self.top

    @property
    def names(self) -> list[str]:
        return [*self.levels.names, "compound"]

    @property
    def fields(self) -> list[forms.BoundField]:
        return [self.form[name] for name in self.names]

    def place(self, cleaned: dict) -> tuple:
        """(grid, compound) chosen; a compound places the appeal on its own grid. Nothing: (None, None)."""
        compound = self.compounds.get(cleaned.get("compound"))
        if compound is not None:
            return compound.grid, compound
        grid = self.levels.deepest(cleaned)
        return (self.top if grid is None and self.on_top else grid), None
