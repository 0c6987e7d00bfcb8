"""One applicant's correct path through the 25 steps (rule set 2026-05), shared by the rule, service and
browser tests. Step 8's 公示 runs over National Day 2024 and counts the make-up Sunday 29 September."""

from datetime import date

BIRTH_DATE = date(1995, 5, 1)
VOTE = {
    "due_voting": 7,
    "present_voting": 6,
    "yes": 5,
    "no": 1,
    "abstain": 0,
    "written_yes": 0,
    "written_no": 0,
}

WALK: list[tuple[int, date, dict]] = [
    (1, date(2023, 6, 1), {}),
    (2, date(2023, 6, 15), {}),
    (3, date(2023, 7, 3), {}),
    (4, date(2023, 7, 10), {}),
    (5, date(2023, 7, 12), {"contacts": [{"name": "王红", "full_member": True}]}),
    (6, date(2024, 9, 20), {"reviews": 2}),
    (7, date(2024, 9, 26), {}),
    (
        8,
        date(2024, 10, 9),
        {"higher_agreed": True, "publicity_start": date(2024, 9, 27), "publicity_end": date(2024, 10, 9)},
    ),
    (
        9,
        date(2024, 10, 10),
        {
            "introducers": [
                {"name": "王红", "full_member": True, "under_discipline": False},
                {"name": "李明", "full_member": True, "under_discipline": False},
            ]
        },
    ),
    (10, date(2024, 10, 15), {"review_passed": True}),
    (11, date(2024, 10, 25), {"training_days": 3, "training_hours": 0}),
    (12, date(2024, 11, 1), {}),
    (13, date(2024, 11, 8), {"pre_review_passed": True, "leaving_unit_soon": False}),
    (14, date(2024, 11, 12), {}),
    (15, date(2024, 12, 6), dict(VOTE)),
    (16, date(2024, 12, 20), {}),
    (17, date(2025, 2, 28), {}),
    (18, date(2025, 3, 5), {}),
    (19, date(2025, 3, 6), {}),
    (20, date(2025, 3, 20), {}),
    (21, date(2025, 6, 30), {}),
    (22, date(2025, 11, 20), {}),
    (23, date(2025, 12, 6), {**VOTE, "outcome": "on_time"}),  # exactly one year after step 15
    (24, date(2026, 1, 15), {}),
    (25, date(2026, 1, 20), {}),
]
