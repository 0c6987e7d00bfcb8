"""Server-rendered pages. Views stay thin: they read through selectors and write through services."""

from functools import reduce
from operator import or_

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Min, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from civicgrid.directory import selectors as directory_selectors
from civicgrid.directory import services as directory_services
from civicgrid.directory.scope import scope_of
from civicgrid.grid import selectors as grid_selectors

from .forms import LoginForm, PasswordChangeForm
from .maps import grid_map
from .panels import panels_for

PAGE_SIZE = 30
# Rows listed on a detail page before pointing to the full, paginated list.
DETAIL_ROWS = 20
# Above this many, compounds would bury the child grids on the map: it then shows the grids alone.
MAP_COMPOUND_LIMIT = 200


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "web/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("web:home")

    def form_valid(self, form):
        directory_services.change_password(
            account=self.request.user, new_password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(self.request, self.request.user)
        messages.success(self.request, "密码已修改。")
        return redirect(self.success_url)


def _page(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _list(request, rows, *, title, table, search=(), search_hint="", **extra):
    """A searchable, paginated list; an htmx request gets the results alone, to swap in place."""
    query = request.GET.get("q", "").strip()
    if query and search:
        rows = rows.filter(reduce(or_, (Q(**{lookup: query}) for lookup in search)))
    context = {
        "title": title,
        "table": table,
        "page": _page(request, rows),
        "q": query,
        "searchable": bool(search),
        "search_hint": search_hint,
        **extra,
    }
    # htmx restoring history after a cache miss asks for the whole page, not the results.
    partial = request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request")
    response = render(request, "web/partials/results.html" if partial else "web/list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _contains(rows, obj) -> bool:
    return obj is not None and rows.filter(pk=obj.pk).exists()


@login_required
def home(request):
    context = {
        "roles": directory_selectors.role_assignments_of(request.user),
        "panels": panels_for(request.user),
    }
    return render(request, "web/home.html", context)


@login_required
def login_records(request):
    context = {
        "page": _page(request, directory_selectors.login_records_for(request.user)),
        "attempts": directory_selectors.login_attempts_for(request.user),
        "lifted": directory_selectors.lifted_lockouts_for(request.user),
        "everyone": scope_of(request.user).everything,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": round(settings.AXES_COOLOFF_TIME * 60),
    }
    return render(request, "web/login_records.html", context)


@login_required
@require_POST
def lift_lockout(request, pk: int):
    attempt = directory_selectors.login_attempt_for(request.user, pk)
    directory_services.lift_lockout(attempt=attempt, actor=request.user)
    where = f"（{attempt.ip_address}）" if attempt.ip_address else ""
    messages.success(request, f"已解锁 {attempt.username}{where}，可以重新登录。")
    return redirect("web:login_records")


@login_required
def grid_list(request):
    grids = grid_selectors.grids_for(request.user)
    return _list(
        request,
        grids,
        title="网格",
        table="web/partials/grid_table.html",
        search=("name__contains", "code__startswith"),
        search_hint="名称或区划代码",
        top_level=grids.aggregate(top=Min("level"))["top"],
    )


@login_required
def grid_detail(request, pk: int):
    grid = grid_selectors.grid_for(request.user, pk)
    ancestor_ids = [int(i) for i in grid.path.strip("/").split("/")[:-1]]
    children = grid_selectors.grid_children(grid)
    compounds = grid_selectors.compounds_for(request.user).filter(grid__path__startswith=grid.path)
    compounds_count = compounds.count()
    units = directory_selectors.units_for(request.user).filter(grid=grid)
    compounds_mapped = compounds_count <= MAP_COMPOUND_LIMIT
    context = {
        "grid": grid,
        "ancestors": grid_selectors.grids_for(request.user).filter(pk__in=ancestor_ids).order_by("path"),
        "children": children,
        "compounds": compounds[:DETAIL_ROWS],
        "compounds_count": compounds_count,
        "compounds_mapped": compounds_mapped,
        "grid_workers": directory_selectors.grid_workers_of(grid),
        "units": units[:DETAIL_ROWS],
        "units_count": units.count(),
        "map": grid_map(grid, children, compounds if compounds_mapped else ()),
    }
    return render(request, "web/grid_detail.html", context)


def _area_of(request):
    """The grid named by ?grid= (404 outside the scope), or None."""
    grid_pk = request.GET.get("grid", "")
    return grid_selectors.grid_for(request.user, int(grid_pk)) if grid_pk.isdigit() else None


@login_required
def compound_list(request):
    compounds = grid_selectors.compounds_for(request.user)
    if area := _area_of(request):
        compounds = compounds.filter(grid__path__startswith=area.path)
    return _list(
        request,
        compounds,
        title=f"{area.name} · 小区" if area else "小区",
        table="web/partials/compound_table.html",
        search=("name__contains", "address__contains"),
        search_hint="小区名称或地址",
    )


@login_required
def compound_detail(request, pk: int):
    compound = grid_selectors.compound_for(request.user, pk)
    context = {
        "compound": compound,
        "grid_visible": _contains(grid_selectors.grids_for(request.user), compound.grid),
        "buildings": compound.buildings.annotate(households_total=Count("households")),
    }
    return render(request, "web/compound_detail.html", context)


@login_required
def unit_list(request):
    units = directory_selectors.units_for(request.user)
    if area := _area_of(request):
        units = units.filter(grid=area)
    return _list(
        request,
        units,
        title=f"{area.name} · 单位" if area else "单位",
        table="web/partials/unit_table.html",
        search=("name__contains",),
        search_hint="单位名称",
    )


@login_required
def unit_detail(request, pk: int):
    unit = directory_selectors.unit_for(request.user, pk)
    staff = directory_selectors.people_for(request.user).filter(unit=unit)
    context = {
        "unit": unit,
        "grid_visible": _contains(grid_selectors.grids_for(request.user), unit.grid),
        "staff": staff[:DETAIL_ROWS],
        "staff_count": staff.count(),
        "compounds": grid_selectors.compounds_for(request.user).filter(property_company=unit)[:DETAIL_ROWS],
    }
    return render(request, "web/unit_detail.html", context)


@login_required
def person_list(request):
    return _list(
        request,
        directory_selectors.people_for(request.user),
        title="人员",
        table="web/partials/person_table.html",
        search=("name__contains",),
        search_hint="姓名",
    )


@login_required
def person_detail(request, pk: int):
    person = directory_selectors.person_for(request.user, pk)
    account = getattr(person, "account", None)
    context = {
        "person": person,
        "unit_visible": _contains(directory_selectors.units_for(request.user), person.unit),
        "grid_visible": _contains(grid_selectors.grids_for(request.user), person.home_grid),
        "roles": directory_selectors.role_assignments_of(account) if account else (),
    }
    return render(request, "web/person_detail.html", context)


def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the Django admin's)."""
    return redirect(static("web/favicon.svg"), permanent=True)


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
