"""Numbers of the appeals domain that differ between localities, read from settings with these defaults.

Each name below is `CIVICGRID_<NAME>` in settings; a deployment overrides any of them there. Read them through
`appeals_setting(name)` at call time so tests and deployments can change them without a restart of the module.
"""

from django.conf import settings

DEFAULTS = {
    # Deadline policy by urgency (keys of Urgency). Signing counts working hours, first contact clock hours,
    # resolution working days; complex categories (by name, at any level of the catalogue) get their own
    # resolution time. An appeal is near due once less than `near_due_fraction` of its allowed time is left.
    "DEADLINES": {
        "sign_working_hours": {"normal": 2, "urgent": 0.5, "critical": 0.5},
        "contact_hours": {"normal": 24, "urgent": 2, "critical": 2},
        "resolve_working_days": {"normal": 7, "urgent": 7, "critical": 7},
        "complex_resolve_working_days": 15,
        "complex_categories": ["国有土地上房屋征收与补偿", "集体土地上房屋拆迁与补偿", "土地征收"],
        "near_due_fraction": 0.2,
    },
    # Office hours of a working day, local time; the working-hour clock runs only inside them.
    "OFFICE_HOURS": [("09:00", "12:00"), ("13:30", "17:30")],
    # Appeals registered as ordinary whose text reads as 急难险重 (insight/urgent.py): "all" flags make them
    # urgent, with the urgent deadlines; "certain" raises only 确定 flags (about twice as precise, 10-30 % of
    # urgent cases missed: docs/insight.md) and leaves 疑似 ones to the operator; "none" raises nothing.
    # Either way the words that showed a flag go on the intake event and its timeline entry.
    "RAISE_URGENT_CASES": "all",
    # How many times an unsatisfied callback reopens an appeal before it goes to the supervisor's 督办 list.
    "APPEALS_MAX_REOPEN": 1,
    # Category names (any level) that make an appeal a property matter, sent to the compound's company.
    "PROPERTY_CATEGORY_KEYWORDS": ["物业", "小区管理"],
    # 吹哨报到: minutes a summoned department has to report on site.
    "WHISTLE_REPORT_MINUTES": 30,
    # Attachments: largest file and the content types accepted (photos, PDF, short videos).
    "ATTACHMENT_MAX_BYTES": 10 * 1024 * 1024,
    "ATTACHMENT_CONTENT_TYPES": ["image/jpeg", "image/png", "image/webp", "application/pdf", "video/mp4"],
    # Composite score: weights of 响应率, 解决率, 满意率 (any scale; normalised by their sum).
    "SCORE_WEIGHTS": {"response": 30, "resolution": 35, "satisfaction": 35},
    # Credit each callback answer earns towards 解决率 and 满意率; 未评价 is left out of 满意率 altogether.
    "SCORE_RESOLUTION_CREDIT": {"resolved": 1.0, "partly_resolved": 0.5, "unresolved": 0.0},
    "SCORE_SATISFACTION_CREDIT": {"satisfied": 1.0, "basically_satisfied": 1.0, "dissatisfied": 0.0},
    # Property companies: weights of satisfaction, (1 − reopen rate) and on-time rate in their quality score.
    "PROPERTY_SCORE_WEIGHTS": {"satisfaction": 40, "not_reopened": 20, "on_time": 40},
    # Length of the monthly red (top) and black (bottom) lists.
    "SCORE_LIST_SIZE": 10,
    # The public portal, per visitor address (DRF rate syntax): appeals submitted, and tracking-code
    # look-ups and ratings. Hotline and staff screens are not limited.
    "PORTAL_SUBMIT_RATE": "10/hour",
    "PORTAL_LOOKUP_RATE": "30/min",
}


def appeals_setting(name: str):
    default = DEFAULTS[name]
    value = getattr(settings, f"CIVICGRID_{name}", default)
    # A deployment that overrides one key of a table keeps the defaults of the others.
    if isinstance(default, dict) and isinstance(value, dict):
        return {**default, **value}
    return value
