"""Which 急难险重 flags raise an ordinary appeal to urgent at intake (setting CIVICGRID_RAISE_URGENT_CASES).

insight/urgent.py flags a message either 确定 (certain) or 疑似 (suspected). Estimated over the data set's
inflow, all flags are right about half the time and find about 47 % of the urgent messages; certain flags
alone are right about two times in three (0.75 on messages the model never saw) but find only 32 %
(docs/insight.md). So the default is recall ("all": a missed gas leak costs more than a dispatcher's
minute); a locality may choose precision ("certain") or neither ("none").
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


def flag_record(assessment: UrgentAssessment, raised: bool) -> dict:
    """What an appeal's `submit` event keeps of a flag: its words, and whether it raised the appeal."""
    return {"urgent_reason": assessment.reason, "urgency_raised": raised} if assessment.urgent else {}
