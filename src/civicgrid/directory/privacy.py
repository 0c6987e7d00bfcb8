"""Personal data shown to other people: phone numbers are masked except for administrators and the person
herself, as the personal-information protection rules for government systems ask."""

from .scope import scope_of

# Keep the carrier prefix and the last four digits, as banks and 12345 hotlines show them: 138****0000.
VISIBLE_HEAD, VISIBLE_TAIL = 3, 4


def mask_phone(phone: str) -> str:
    digits = phone.strip()
    if len(digits) <= VISIBLE_HEAD + VISIBLE_TAIL:
        return "*" * len(digits)
    hidden = len(digits) - VISIBLE_HEAD - VISIBLE_TAIL
    return f"{digits[:VISIBLE_HEAD]}{'*' * hidden}{digits[-VISIBLE_TAIL:]}"


def phone_for(viewer, person) -> str:
    """The person's phone as the viewer may see it."""
    if not person.phone:
        return ""
    if scope_of(viewer).everything or (viewer.is_authenticated and viewer.person_id == person.pk):
        return person.phone
    return mask_phone(person.phone)
