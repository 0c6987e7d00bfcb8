"""Writes to units, people, accounts and roles."""

from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from civicgrid.ledger.services import record

from .models import Account, Person, Role, RoleAssignment
from .scope import scope_of


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


@transaction.atomic
def lift_lockout(*, attempt: AccessAttempt, actor: Account) -> None:
    """解锁: an administrator clears one username's failure count from one address before the cool-off ends
    (having made sure, say by phone, that the person is who they say)."""
    if not scope_of(actor).everything:
        raise PermissionDenied("只有系统管理员可以解锁账号。")
    snapshot = {
        "username": attempt.username,
        "ip_address": attempt.ip_address,
        "failures": attempt.failures_since_start,
    }
    record("login.unlock", target=attempt, actor=actor, payload=snapshot)
    attempt.delete()


def _assignment_snapshot(assignment: RoleAssignment) -> dict:
    return {
        "account_id": assignment.account_id,
        "account": str(assignment.account),
        "role": assignment.role,
        "grid_id": assignment.grid_id,
        "unit_id": assignment.unit_id,
    }


@transaction.atomic
def assign_role(
    *, account: Account, role: Role | str, grid=None, unit=None, actor: Account | None = None
) -> RoleAssignment:
    assignment, created = RoleAssignment.objects.get_or_create(
        account=account, role=role, grid=grid, unit=unit
    )
    if created:
        record("role.assign", target=assignment, actor=actor, payload=_assignment_snapshot(assignment))
    if role == Role.ADMINISTRATOR and not account.is_staff:
        account.is_staff = account.is_superuser = True
        account.save(update_fields=["is_staff", "is_superuser"])
    return assignment


@transaction.atomic
def revoke_role(*, assignment: RoleAssignment, actor: Account | None = None) -> None:
    record("role.revoke", target=assignment, actor=actor, payload=_assignment_snapshot(assignment))
    assignment.delete()
    account = assignment.account
    # The administrator role is what made the account staff and superuser (see assign_role).
    if assignment.role == Role.ADMINISTRATOR and not account.roles.filter(role=Role.ADMINISTRATOR).exists():
        account.is_staff = account.is_superuser = False
        account.save(update_fields=["is_staff", "is_superuser"])
