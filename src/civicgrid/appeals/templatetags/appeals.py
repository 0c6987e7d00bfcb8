from django import template
from django.utils import timezone

from ..deadlines import due_milestones

register = template.Library()


@register.filter
def due_label(appeal) -> str:
    """The due-state badge's words, naming the first deadline in that state: "签收超期" while 办结 may be
    days away. The stored state is the deadline sweep's; should the clock disagree, the state alone."""
    milestones = due_milestones(
        timezone.now(),
        appeal.status,
        appeal.dispatched_at,
        appeal.sign_due,
        appeal.contact_due,
        appeal.resolve_due,
    )
    name = next((name for name, state in milestones if state == appeal.due_state), "")
    return f"{name}{appeal.get_due_state_display()}"
