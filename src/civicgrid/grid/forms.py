from django import forms
from django.conf import settings

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
