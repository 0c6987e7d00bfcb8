"""The back office in Chinese: every directory model has a working admin, and roles keep their scope rule."""

import pytest
from django.urls import reverse

from civicgrid.directory.models import Account, Person, Role, RoleAssignment
from civicgrid.ledger.models import LedgerEntry

MODELS = ["unit", "person", "account", "roleassignment"]
NO_ROLES = {"roles-TOTAL_FORMS": 0, "roles-INITIAL_FORMS": 0}


@pytest.fixture
def admin_client(client, city):
    client.force_login(city.accounts["admin"])
    return client


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("page", ["changelist", "add"])
def test_every_directory_admin_page_opens(admin_client, model, page):
    response = admin_client.get(reverse(f"admin:directory_{model}_{page}"))
    assert response.status_code == 200


def test_account_page_shows_person_password_policy_and_roles(admin_client, city):
    account = city.accounts["secretary"]
    html = admin_client.get(reverse("admin:directory_account_change", args=[account.pk])).content.decode()
    for text in ("首次登录须改密码", "社区书记", "角色授权"):
        assert text in html


def test_role_list_filters_by_role(admin_client, city):
    response = admin_client.get(reverse("admin:directory_roleassignment_changelist"), {"role": Role.LEADER})
    assert [a.account for a in response.context["cl"].result_list] == [city.accounts["leader"]]


def test_an_account_made_in_the_back_office_must_change_its_password(admin_client, city):
    person = Person.objects.create(name="新来的网格员")
    response = admin_client.post(
        reverse("admin:directory_account_add"),
        {
            "username": "newcomer",
            "person": person.pk,
            "password1": "Neu#Start2026",
            "password2": "Neu#Start2026",
            "roles-TOTAL_FORMS": 1,
            "roles-INITIAL_FORMS": 0,
            "roles-0-role": Role.GRID_WORKER,
            "roles-0-grid": city.grids[3].pk,
        },
    )
    assert response.status_code == 302
    account = Account.objects.get(username="newcomer")
    assert account.must_change_password
    assert [(r.role, r.grid) for r in account.roles.all()] == [(Role.GRID_WORKER, city.grids[3])]


def test_a_weak_password_is_refused_in_the_back_office(admin_client, db):
    response = admin_client.post(
        reverse("admin:directory_account_add"),
        {"username": "weak", "password1": "abc", "password2": "abc", **NO_ROLES},
    )
    assert response.status_code == 200
    assert "至少 8 个字符" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "scoped"),
    [(Role.GRID_WORKER, False), (Role.ADMINISTRATOR, True)],
    ids=["unscoped", "scoped-admin"],
)
def test_a_role_must_follow_the_scope_rule(admin_client, city, role, scoped):
    data = {"account": city.accounts["citizen"].pk, "role": role, "grid": city.grids[0].pk if scoped else ""}
    response = admin_client.post(reverse("admin:directory_roleassignment_add"), data)
    assert response.status_code == 200
    assert "每个角色必须限定到一个网格或一个单位" in response.content.decode()


def test_granting_administrator_opens_the_back_office_and_is_recorded(admin_client, city):
    citizen = city.accounts["citizen"]
    response = admin_client.post(
        reverse("admin:directory_roleassignment_add"), {"account": citizen.pk, "role": Role.ADMINISTRATOR}
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.is_staff and citizen.is_superuser
    granted = RoleAssignment.objects.get(account=citizen, role=Role.ADMINISTRATOR)
    entry = LedgerEntry.objects.get(action="role.assign", target_id=str(granted.pk))
    assert entry.actor == city.accounts["admin"]


def test_revoking_in_the_back_office_goes_through_the_service(admin_client, city):
    assignment = city.accounts["leader"].roles.get()
    url = reverse("admin:directory_roleassignment_delete", args=[assignment.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert LedgerEntry.objects.filter(action="role.revoke", target_id=str(assignment.pk)).exists()


def test_a_granted_role_is_not_edited_in_place(admin_client, city):
    assignment = city.accounts["grid_worker"].roles.get()
    url = reverse("admin:directory_roleassignment_change", args=[assignment.pk])
    data = {"account": assignment.account_id, "role": Role.LEADER, "grid": city.district.pk}
    admin_client.post(url, data)
    assignment.refresh_from_db()
    assert (assignment.role, assignment.grid) == (Role.GRID_WORKER, city.grids[0])


def test_roles_granted_and_revoked_on_the_account_page(admin_client, city):
    account = city.accounts["secretary"]
    held = account.roles.get()
    response = admin_client.post(
        reverse("admin:directory_account_change", args=[account.pk]),
        {
            "username": account.username,
            "person": account.person_id,
            "is_active": "on",
            "roles-TOTAL_FORMS": 2,
            "roles-INITIAL_FORMS": 1,
            "roles-0-id": held.pk,
            "roles-0-account": account.pk,
            "roles-0-DELETE": "on",
            "roles-1-role": Role.GRID_WORKER,
            "roles-1-grid": city.grids[1].pk,
        },
    )
    assert response.status_code == 302
    assert [(r.role, r.grid) for r in account.roles.all()] == [(Role.GRID_WORKER, city.grids[1])]
    assert {e.action for e in LedgerEntry.objects.filter(actor=city.accounts["admin"])} == {
        "role.assign",
        "role.revoke",
    }
