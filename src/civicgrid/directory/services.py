"""Writes to units, people, accounts and roles."""

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from .models import Account, Person, Role, RoleAssignment


@transaction.atomic
def create_account(
    *, person: Person, username: str, password: str, must_change_password: bool = True, validate: bool = True
) -> Account:
    account = Account(username=username, person=person, must_change_password=must_change_password)
    if validate:
        validate_password(password, account)
    account.set_password(password)
    account.password_changed_at = timezone.now()
    account.save()
    return account


def change_password(*, account: Account, new_password: str) -> None:
    validate_password(new_password, account)
    account.set_password(new_password)
    account.must_change_password = False
    account.password_changed_at = timezone.now()
    account.save(update_fields=["password", "must_change_password", "password_changed_at"])


def assign_role(*, account: Account, role: Role | str, grid=None, unit=None) -> RoleAssignment:
    assignment, _ = RoleAssignment.objects.get_or_create(account=account, role=role, grid=grid, unit=unit)
    if role == Role.ADMINISTRATOR and not account.is_staff:
        account.is_staff = account.is_superuser = True
        account.save(update_fields=["is_staff", "is_superuser"])
    return assignment
