"""Thin views: parse the filters, call pages/selectors/services, render. htmx requests get the module's body
only, so filters swap the figures in place."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from civicgrid.directory.models import Role, Unit
from civicgrid.directory.scope import AREA_ROLES, scope_of
from civicgrid.web.navigation import STAFF

from . import pages, reports, selectors, services
from .forms import CrossTabForm, FilterForm

# 预警 are taken up by those who run an area, not by the departments they are handed to.
ACKNOWLEDGING_ROLES = tuple(AREA_ROLES)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def dashboard_view(view):
    """Signed-in staff only (citizens and party members have no dashboards)."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not scope_of(request.user).has_role(*STAFF, Role.ADMINISTRATOR):
            raise PermissionDenied("无权查看问政分析看板。")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _form(request, default_days: int = 30) -> FilterForm:
    return FilterForm(request.GET, actor=request.user, default_days=default_days)


def _module(request, module: str, title: str, context: dict, form: FilterForm | None = None):
    context |= {"module": module, "title": title, "form": form, "body": f"dashboards/{module}.html"}
    template = context["body"] if request.headers.get("HX-Request") else "dashboards/page.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@dashboard_view
def overview(request):
    form = _form(request)
    return _module(request, "overview", "概览", pages.overview_context(request.user, form.filters()), form)


@dashboard_view
def hot_issues(request):
    return render(
        request, "dashboards/partials/hot_issues.html", {"issues": selectors.hot_issues_for(request.user)}
    )


@dashboard_view
def units(request):
    form = _form(request)
    return _module(request, "units", "部门", pages.units_context(request.user, form.filters()), form)


@dashboard_view
def unit(request, pk: int):
    form = _form(request)
    return _module(request, "unit", "部门详情", pages.unit_context(request.user, form.filters(), pk), form)


@dashboard_view
def categories(request):
    form = _form(request)
    return _module(
        request, "categories", "行业", pages.categories_context(request.user, form.filters()), form
    )


@dashboard_view
def region(request, pk: int | None = None):
    form = _form(request)
    node = selectors.area_node(request.user, pk)
    return _module(request, "region", "地域", pages.region_context(request.user, form.filters(), node), form)


@dashboard_view
def analysis(request):
    form, dimensions = _form(request, 90), CrossTabForm(request.GET)
    context = pages.analysis_context(request.user, form.filters(), *dimensions.dimensions())
    return _module(request, "analysis", "分析", context | {"dimensions": dimensions}, form)


@dashboard_view
def analysis_export(request):
    form, dimensions = _form(request, 90), CrossTabForm(request.GET)
    workbook = reports.analysis_workbook(request.user, form.filters(), *dimensions.dimensions())
    return FileResponse(workbook, as_attachment=True, filename="问政分析交叉表.xlsx", content_type=XLSX)


@dashboard_view
def warnings(request):
    scope = scope_of(request.user)
    context = {
        "warnings": selectors.early_warnings(request.user),
        "can_acknowledge": scope.has_role(*ACKNOWLEDGING_ROLES),
        "units": Unit.objects.filter(is_active=True).order_by("kind", "name"),
    }
    return _module(request, "warnings", "预警", context)


@require_POST
@dashboard_view
def acknowledge(request):
    if not scope_of(request.user).has_role(*ACKNOWLEDGING_ROLES):
        raise PermissionDenied("无权处置预警。")
    fingerprint = request.POST.get("fingerprint", "")
    found = {w.fingerprint: w for w in selectors.early_warnings(request.user)}.get(fingerprint)
    if found is None:
        messages.error(request, "该预警已不存在或不在您的范围内。")
        return redirect("dashboards:warnings")
    unit_pk = request.POST.get("unit") or None
    unit = get_object_or_404(Unit, pk=unit_pk, is_active=True) if unit_pk else None
    services.acknowledge_warning(
        actor=request.user,
        fingerprint=fingerprint,
        kind=found.kind,
        subject=found.subject,
        unit=unit,
        note=request.POST.get("note", ""),
    )
    messages.success(request, f"已确认预警“{found.subject}”" + (f"，交办{unit.name}。" if unit else "。"))
    return redirect("dashboards:warnings")


@dashboard_view
def screen(request):
    """大屏: a dark full-screen page for the leaders' room; its body refreshes itself (htmx polling)."""
    context = pages.screen_context(request.user)
    template = (
        "dashboards/screen_body.html" if request.headers.get("HX-Request") else "dashboards/screen.html"
    )
    return render(request, template, context)


@dashboard_view
def report_index(request):
    return _module(request, "reports", "分析研判报告", {"periods": reports.PERIODS})


@dashboard_view
def report(request, period: str, fmt: str):
    content = reports.build(request.user, period)
    if fmt == "html":
        return HttpResponse(content.html)
    name = content.filename(fmt)
    data = content.pdf() if fmt == "pdf" else content.workbook()
    return FileResponse(
        data, as_attachment=True, filename=name, content_type="application/pdf" if fmt == "pdf" else XLSX
    )
