"""Who sees a citizen's contact details in full: the people who must call the citizen.

Dispatchers (they call back) and the staff of a unit assigned to the appeal (they make first contact) see
them, except that an anonymous citizen's identity is kept from the units; every other role sees them masked.
"""

from civicgrid.directory.models import Role
from civicgrid.directory.privacy import mask_phone
from civicgrid.directory.scope import Scope


def mask_name(name: str) -> str:
    """Keep the family name only: 张三 → 张*, 欧阳娜娜 → 欧***."""
    name = name.strip()
    return f"{name[0]}{'*' * (len(name) - 1)}" if name else ""


def contact_visible(scope: Scope, *, is_anonymous: bool, assigned_unit_ids: frozenset[int]) -> bool:
    if scope.everything or scope.has_role(Role.DISPATCHER):
        return True
    return not is_anonymous and bool(scope.unit_ids & assigned_unit_ids)


__all__ = ["contact_visible", "mask_name", "mask_phone"]
