"""Which 急难险重 flags raise an ordinary appeal to urgent at intake (setting CIVICGRID_RAISE_URGENT_CASES).

The rules in insight/urgent.py flag a message either 确定 (certain) or 疑似 (suspected). On hand-labelled real
messages certain flags were right about twice as often as all flags together, and caught about half the
urgent cases (docs/insight.md), so a locality chooses: recall ("all", the default: a missed gas leak costs
more than a dispatcher's minute), precision ("certain") or neither ("none").
"""

from django.core.exceptions import ImproperlyConfigured

from civicgrid.insight.urgent import UrgentAssessment

RAISE_MODES = ("all", "certain", "none")


def raises_urgency(assessment: UrgentAssessment, mode: str) -> bool:
    if mode not in RAISE_MODES:
        raise ImproperlyConfigured(
            f"CIVICGRID_RAISE_URGENT_CASES 应为 {'、'.join(RAISE_MODES)} 之一，而不是 {mode!r}。"
        )
    return assessment.urgent and (mode == "all" or (mode == "certain" and assessment.certain))
