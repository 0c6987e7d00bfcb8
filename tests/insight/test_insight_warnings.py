from datetime import datetime, timedelta

from civicgrid.insight.urgent import assess
from civicgrid.insight.warnings import (
    AppealEvent,
    category_spikes,
    early_warnings,
    overdue_clusters,
    repeated_appeals,
    urgent_cases,
)

NOW = datetime(2026, 3, 1, 12, 0)


def steady_history(grid: str, category: str, per_week: int) -> list[AppealEvent]:
    return [
        AppealEvent(f"{grid}-{week}-{n}", NOW - timedelta(weeks=week, days=1), grid, category)
        for week in range(1, 9)
        for n in range(per_week)
    ]


def test_spike_fires_against_the_grids_own_baseline():
    history = steady_history("G1", "环境保护", 1)
    burst = [AppealEvent(f"new-{n}", NOW - timedelta(days=1), "G1", "环境保护") for n in range(6)]
    (warning,) = category_spikes(history + burst, NOW)
    assert warning.kind == "spike" and len(warning.appeal_ids) == 6
    assert "G1" in warning.explanation and "环境保护" in warning.explanation and "p=" in warning.explanation


def test_busy_grid_at_its_usual_level_does_not_fire():
    history = steady_history("G2", "城乡建设", 10)
    this_week = [AppealEvent(f"w-{n}", NOW - timedelta(days=2), "G2", "城乡建设") for n in range(11)]
    assert category_spikes(history + this_week, NOW) == []


def test_repeated_reporter_and_place():
    appeals = [
        AppealEvent(f"r{n}", NOW - timedelta(days=n), "G1", reporter="张三", place="魅力之城小区")
        for n in range(5)
    ]
    kinds = {warning.kind for warning in repeated_appeals(appeals, NOW)}
    assert kinds == {"repeat_reporter", "repeat_place"}


def test_overdue_cluster_counts_only_open_appeals_past_deadline():
    due = NOW - timedelta(days=8)
    appeals = [AppealEvent(f"o{n}", NOW - timedelta(days=20), "G3", due_at=due) for n in range(3)]
    closed_yesterday = NOW - timedelta(days=1)
    appeals.append(
        AppealEvent("closed", NOW - timedelta(days=20), "G3", due_at=due, closed_at=closed_yesterday)
    )
    (warning,) = overdue_clusters(appeals, NOW)
    assert warning.severity == "高" and len(warning.appeal_ids) == 3 and "超期 8 天" in warning.explanation


def test_urgent_cases_and_ordering():
    gas = AppealEvent("u1", NOW - timedelta(hours=1), "G4", title="楼道燃气泄漏", detail="闻到很浓的煤气味")
    quiet = AppealEvent("q1", NOW - timedelta(hours=1), "G4", title="建议增加公交线路")
    assert [w.appeal_ids for w in urgent_cases([gas, quiet], NOW)] == [("u1",)]
    assert urgent_cases([gas], NOW)[0].severity == "高"
    flooded = AppealEvent(
        "f1", NOW - timedelta(hours=1), "G4", title="小区污水倒灌", detail="粪水已经漫进客厅，老人只能搬走"
    )
    result = assess(flooded.title, flooded.detail, NOW.year)
    assert result.urgent
    assert urgent_cases([flooded], NOW)[0].severity == ("高" if result.certain else "中")
    assert early_warnings([gas, quiet], NOW)[0].kind == "urgent"
