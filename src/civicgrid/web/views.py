"""Server-rendered pages. Views stay thin: they read through selectors and write through services."""

from axes.models import AccessLog
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from civicgrid.directory import selectors as directory_selectors
from civicgrid.directory import services as directory_services
from civicgrid.directory.scope import scope_of
from civicgrid.grid import selectors as grid_selectors

from .forms import PasswordChangeForm

PAGE_SIZE = 30


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
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


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def home(request):
    scope = scope_of(request.user)
    context = {
        "scope": scope,
        "roles": request.user.roles.select_related("grid", "unit"),
        "counts": {
            "网格": grid_selectors.grids_for(request.user).count(),
            "小区": grid_selectors.compounds_for(request.user).count(),
            "单位": directory_selectors.units_for(request.user).count(),
            "人员": directory_selectors.people_for(request.user).count(),
        },
    }
    return render(request, "web/home.html", context)


@login_required
def login_records(request):
    records = AccessLog.objects.filter(username=request.user.get_username()).order_by("-attempt_time")
    return render(request, "web/login_records.html", {"page": _page(request, records)})


@login_required
def grid_list(request):
    grids = grid_selectors.grids_for(request.user)
    if query := request.GET.get("q", "").strip():
        grids = grids.filter(name__contains=query)
    return render(request, "web/grid_list.html", {"page": _page(request, grids), "q": query})


@login_required
def grid_detail(request, pk: int):
    grid = grid_selectors.grid_for(request.user, pk)
    context = {
        "grid": grid,
        "children": grid_selectors.grid_children(grid),
        "compounds": grid_selectors.compounds_for(request.user).filter(grid__path__startswith=grid.path)[
            :200
        ],
    }
    return render(request, "web/grid_detail.html", context)


@login_required
def compound_list(request):
    compounds = grid_selectors.compounds_for(request.user)
    if query := request.GET.get("q", "").strip():
        compounds = compounds.filter(name__contains=query)
    return render(request, "web/compound_list.html", {"page": _page(request, compounds), "q": query})


@login_required
def compound_detail(request, pk: int):
    compound = grid_selectors.compound_for(request.user, pk)
    return render(request, "web/compound_detail.html", {"compound": compound})


@login_required
def unit_list(request):
    units = directory_selectors.units_for(request.user)
    return render(request, "web/unit_list.html", {"page": _page(request, units)})


@login_required
def unit_detail(request, pk: int):
    unit = directory_selectors.unit_for(request.user, pk)
    return render(request, "web/unit_detail.html", {"unit": unit})


@login_required
def person_list(request):
    people = directory_selectors.people_for(request.user)
    return render(request, "web/person_list.html", {"page": _page(request, people)})


@login_required
def person_detail(request, pk: int):
    person = directory_selectors.person_for(request.user, pk)
    return render(request, "web/person_detail.html", {"person": person})


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
