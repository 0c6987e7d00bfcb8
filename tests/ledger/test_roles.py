import pytest

from civicgrid.directory.models import Role
from civicgrid.directory.services import assign_role, revoke_role
from civicgrid.ledger.selectors import entries_for_target, verify_chain

pytestmark = pytest.mark.django_db


def test_assigning_a_role_is_recorded_once(city):
    admin, worker = city.accounts["admin"], city.accounts["grid_worker"]
    assignment = assign_role(account=worker, role=Role.GRID_WORKER, grid=city.grids[1], actor=admin)
    assign_role(account=worker, role=Role.GRID_WORKER, grid=city.grids[1], actor=admin)

    [entry] = entries_for_target(assignment)
    assert (entry.action, entry.actor, entry.actor_label) == ("role.assign", admin, "管理员（admin）")
    assert entry.payload == {
        "account_id": worker.pk,
        "account": "网格员（gridworker）",
        "role": "grid_worker",
        "grid_id": city.grids[1].pk,
        "unit_id": None,
    }
    assert verify_chain().ok


def test_revoking_a_role_is_recorded_and_ends_administrator_rights(city):
    admin, leader = city.accounts["admin"], city.accounts["leader"]
    assignment = assign_role(account=leader, role=Role.ADMINISTRATOR, actor=admin)
    assert leader.is_superuser
    target = ("directory.roleassignment", assignment.pk)  # the pk is gone once the assignment is

    revoke_role(assignment=assignment, actor=admin)

    leader.refresh_from_db()
    assert not leader.is_staff and not leader.is_superuser
    assert not leader.roles.filter(role=Role.ADMINISTRATOR).exists()
    assert [e.action for e in entries_for_target(target)] == [
        "role.assign",
        "role.revoke",
    ]
    assert verify_chain().ok
