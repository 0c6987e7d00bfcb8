from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("account/logins/", views.login_records, name="login_records"),
    path("account/logins/<int:pk>/unlock/", views.lift_lockout, name="lift_lockout"),
    path("grids/", views.grid_list, name="grid_list"),
    path("grids/<int:pk>/", views.grid_detail, name="grid_detail"),
    path("compounds/", views.compound_list, name="compound_list"),
    path("compounds/<int:pk>/", views.compound_detail, name="compound_detail"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("people/", views.person_list, name="person_list"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
]
