"""Numbers that differ between localities or may be revised, read from settings at call time.

Each value is `settings.CIVICGRID_PARTY_<NAME>` when a deployment sets it, else the default below (the
national rule, or common practice where the rule is local; see docs/party.md).
"""

from django.conf import settings

DEFAULTS = {
    # 党费 (2008 rules): flat rate on the whole base, by the bracket's inclusive upper bound (None: no bound).
    "DUES_WAGE_BRACKETS": [("3000", "0.005"), ("5000", "0.01"), ("10000", "0.015"), (None, "0.02")],
    "DUES_PENSION_BRACKETS": [("5000", "0.005"), (None, "0.01")],
    # Fixed monthly amounts in yuan; farmers' amount is set by the province (0.2–1 yuan).
    "DUES_FLAT_MONTHLY": {"student": "0.20", "unemployed": "0.20", "subsistence": "0.20", "farmer": "0.20"},
    "DUES_ARREARS_WARNING_MONTHS": 6,
    # A voluntary payment (自愿多交党费) of at least this many yuan at once goes entirely to the Centre.
    "DUES_VOLUNTARY_TO_CENTRE": "1000",
    # Organisation structure.
    "BRANCH_MIN_FULL_MEMBERS": 3,
    "BRANCH_MAX_MEMBERS": 50,
    "COMMITTEE_REQUIRED_FROM_FULL_MEMBERS": 7,
    "COMMITTEE_SIZE": {"min": 3, "usual_max": 5, "max": 7},
    "TERM_YEARS": {"committee": 5, "general_branch": 3, "branch": 3, "community_based": 5},
    "TERM_WARNING_DAYS": 90,
    # 三会一课 and organisational life: monthly, quarterly, half_yearly or yearly.
    "MEETING_FREQUENCIES": {
        "general_assembly": "quarterly",
        "committee": "monthly",
        "group": "monthly",
        "lecture": "quarterly",
        "theme_day": "monthly",
        "life_meeting": "yearly",
    },
    "EXCELLENT_SHARE": "1/3",
    # 换届选举: valid with this share of voting members present [L]; candidates exceed seats by at least this
    # share (差额选举) [U], None for an equal-number election.
    "ELECTION_QUORUM": "4/5",
    "ELECTION_CANDIDATE_SURPLUS": "1/5",
    # 发展党员: the rule set new applications follow, and the local choices inside it.
    "RECRUITMENT_RULE_VERSION": "2026-05",
    "PUBLICITY": {"days": 5, "working_days": True},
    "PRE_REVIEW_TO_ASSEMBLY_MONTHS": 1,
    "OATH_WITHIN_MONTHS": 1,
    # 组织关系转接.
    "TRANSFER_LETTER_VALID_MONTHS": 3,
    "TRANSFER_RECEIPT_MONTHS": 1,
    # 双报到 yearly minimum; below it a member is flagged for 民主评议. None switches a measure off.
    "SERVICE_MINIMUM": {"activities": 2, "hours": None},
    # 双报到 is renewed (复报) every this many months.
    "REPORT_RENEWAL_MONTHS": 6,
    "STUDY_HOURS_PER_YEAR": 32,
    # 积分: advisory only. Each reason's points per occurrence and yearly cap (None: uncapped).
    "POINTS": {
        "base": 60,
        "max": 100,
        "reasons": {
            "meeting_attended": {"label": "参加组织生活", "points": 1, "yearly_cap": 20},
            "meeting_missed": {"label": "无故缺席组织生活", "points": -2, "yearly_cap": None},
            "dues_paid": {"label": "按月交纳党费", "points": 0.5, "yearly_cap": 6},
            "service_hour": {"label": "志愿服务（每小时）", "points": 0.5, "yearly_cap": 15},
            "task_completed": {"label": "完成双报到任务/微心愿", "points": 2, "yearly_cap": 10},
            "study_hour": {"label": "学习教育（每学时）", "points": 0.25, "yearly_cap": 8},
            "honour": {"label": "获得表彰", "points": 5, "yearly_cap": 10},
            "deduction": {"label": "违反纪律或规定", "points": -5, "yearly_cap": None},
        },
    },
}


def party_setting(name: str):
    return getattr(settings, f"CIVICGRID_PARTY_{name}", DEFAULTS[name])
