from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from .forms import BoundaryForm, GeojsonImportForm, GridForm
from .models import Building, Compound, Grid, Household
from .services import import_geojson


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    form = GridForm
    list_display = ("name", "code", "level", "parent")
    list_filter = ("level",)
    list_select_related = ("parent",)
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)
    readonly_fields = ("path", "centroid_lat", "centroid_lng", "updated_at")

    def get_readonly_fields(self, request, obj=None):
        # Moving a grid would leave its subtree's paths behind; re-parenting is not an admin edit.
        return self.readonly_fields + (("parent", "level") if obj else ())

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_geojson_view)
        return [path("import-geojson/", view, name="grid_grid_import_geojson"), *super().get_urls()]

    def import_geojson_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = GeojsonImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            report = import_geojson(
                form.cleaned_data["file"].read(), level=form.cleaned_data["level"] or None
            )
            if report.ok:
                self.message_user(request, report.summary, messages.SUCCESS)
                return redirect("admin:grid_grid_changelist")
            self.message_user(request, report.summary, messages.ERROR)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "导入 GeoJSON",
            "form": form,
            "report": report,
        }
        return TemplateResponse(request, "admin/grid/grid/import_geojson.html", context)


class BuildingInline(admin.TabularInline):
    model = Building
    extra = 0
    show_change_link = True


@admin.register(Compound)
class CompoundAdmin(admin.ModelAdmin):
    form = BoundaryForm
    list_display = ("name", "grid", "property_company", "households_count")
    list_select_related = ("grid", "property_company")
    search_fields = ("name", "address", "grid__name")
    autocomplete_fields = ("grid",)
    raw_id_fields = ("property_company",)
    readonly_fields = ("centroid_lat", "centroid_lng", "updated_at")
    inlines = [BuildingInline]


class HouseholdInline(admin.TabularInline):
    model = Household
    extra = 0


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ("__str__", "compound", "number", "floors")
    list_select_related = ("compound",)
    search_fields = ("compound__name", "number")
    autocomplete_fields = ("compound",)
    inlines = [HouseholdInline]


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ("__str__", "building", "unit_number", "room", "residents_count")
    list_select_related = ("building__compound",)
    search_fields = ("building__compound__name", "room")
    autocomplete_fields = ("building",)
