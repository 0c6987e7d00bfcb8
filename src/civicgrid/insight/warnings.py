"""Early warnings over appeal records, as pure functions: each warning says in Chinese why it fired.

- Spikes: appeals of one category in one grid over the last `window_days`, against that grid x category's
  own history (the same window length over the previous `baseline_windows` windows). The count is tested
  against a Poisson distribution with the baseline mean, so a grid that always has many appeals does not
  fire and a quiet grid fires on a real jump; a minimum count stops single appeals from being "spikes".
- Repeats: the same reporter, or the same place (compound), appealing again and again within a window.
- Overdue clusters: several open appeals past their deadline in one grid.
- Urgent cases: appeals the urgent-case rules flagged (see urgent.py).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from scipy.stats import poisson

from .urgent import assess_many

SPIKE_P_VALUE = 0.01


@dataclass(frozen=True)
class AppealEvent:
    """What early warnings need to know about an appeal; an adapter fills it from the Appeal model."""

    appeal_id: str
    created_at: datetime
    grid_id: str
    category: str = ""
    reporter: str = ""
    place: str = ""  # compound or other specific place
    title: str = ""
    detail: str = ""
    due_at: datetime | None = None
    closed_at: datetime | None = None
    label: str = ""  # how people name the appeal (its tracking code), when not by appeal_id

    def open_at(self, moment: datetime) -> bool:
        return self.created_at <= moment and (self.closed_at is None or self.closed_at > moment)


@dataclass(frozen=True)
class EarlyWarning:
    kind: str  # spike, repeat_reporter, repeat_place, overdue, urgent
    severity: str  # 高 or 中
    subject: str
    appeal_ids: tuple[str, ...]
    explanation: str


def category_spikes(
    appeals: list[AppealEvent],
    now: datetime,
    window_days: int = 7,
    baseline_windows: int = 8,
    min_count: int = 3,
    p_value: float = SPIKE_P_VALUE,
) -> list[EarlyWarning]:
    window = timedelta(days=window_days)
    start = now - window
    history_start = start - baseline_windows * window
    current: dict[tuple[str, str], list[str]] = defaultdict(list)
    history: dict[tuple[str, str], int] = defaultdict(int)
    for appeal in appeals:
        key = (appeal.grid_id, appeal.category)
        if start <= appeal.created_at <= now:
            current[key].append(appeal.appeal_id)
        elif history_start <= appeal.created_at < start:
            history[key] += 1
    warnings = []
    for (grid, category), ids in sorted(current.items()):
        # Half an appeal per window as a floor: a grid x category never seen before is not infinitely rare.
        baseline = max(history[(grid, category)] / baseline_windows, 0.5)
        tail = float(poisson.sf(len(ids) - 1, baseline))
        if len(ids) >= min_count and tail < p_value:
            warnings.append(
                EarlyWarning(
                    "spike",
                    "高" if tail < p_value / 10 else "中",
                    f"{grid} / {category or '未分类'}",
                    tuple(ids),
                    f"网格 {grid} 的「{category or '未分类'}」类诉求近 {window_days} 天 {len(ids)} 件，"
                    f"过去 {baseline_windows} 个同长周期平均每期 "
                    f"{history[(grid, category)] / baseline_windows:.1f} 件"
                    f"（泊松检验 p={tail:.2g}），明显高于本网格常态。",
                )
            )
    return warnings


def repeated_appeals(
    appeals: list[AppealEvent],
    now: datetime,
    window_days: int = 30,
    min_by_reporter: int = 3,
    min_by_place: int = 5,
) -> list[EarlyWarning]:
    start = now - timedelta(days=window_days)
    recent = [appeal for appeal in appeals if start <= appeal.created_at <= now]
    warnings = []
    for kind, attribute, minimum, noun in (
        ("repeat_reporter", "reporter", min_by_reporter, "同一诉求人"),
        ("repeat_place", "place", min_by_place, "同一地点"),
    ):
        by_key: dict[str, list[str]] = defaultdict(list)
        for appeal in recent:
            if getattr(appeal, attribute):
                by_key[getattr(appeal, attribute)].append(appeal.appeal_id)
        for key, ids in sorted(by_key.items()):
            if len(ids) >= minimum:
                warnings.append(
                    EarlyWarning(
                        kind,
                        "中",
                        key,
                        tuple(ids),
                        f"{noun}「{key}」{window_days} 天内反映 {len(ids)} 次（阈值 {minimum} 次），"
                        f"可能问题未解决或诉求升级，建议合并办理并回访。",
                    )
                )
    return warnings


def overdue_clusters(appeals: list[AppealEvent], now: datetime, min_count: int = 3) -> list[EarlyWarning]:
    by_grid: dict[str, list[AppealEvent]] = defaultdict(list)
    for appeal in appeals:
        if appeal.due_at is not None and appeal.due_at < now and appeal.open_at(now):
            by_grid[appeal.grid_id].append(appeal)
    warnings = []
    for grid, overdue in sorted(by_grid.items()):
        if len(overdue) >= min_count:
            worst = max((now - appeal.due_at).days for appeal in overdue)
            warnings.append(
                EarlyWarning(
                    "overdue",
                    "高" if worst >= 7 else "中",
                    grid,
                    tuple(appeal.appeal_id for appeal in overdue),
                    f"网格 {grid} 有 {len(overdue)} 件诉求已超过办理时限仍未办结，最久超期 {worst} 天。",
                )
            )
    return warnings


def urgent_cases(appeals: list[AppealEvent], now: datetime) -> list[EarlyWarning]:
    warnings = []
    open_appeals = [appeal for appeal in appeals if appeal.open_at(now)]
    results = assess_many([(a.title, a.detail, a.created_at.year) for a in open_appeals])
    for appeal, result in zip(open_appeals, results, strict=True):
        if result.urgent:
            warnings.append(
                EarlyWarning(
                    "urgent",
                    "高" if result.certain else "中",
                    appeal.grid_id,
                    (appeal.appeal_id,),
                    f"诉求 {appeal.label or appeal.appeal_id}：{result.reason}",
                )
            )
    return warnings


def early_warnings(appeals: list[AppealEvent], now: datetime) -> list[EarlyWarning]:
    """All warnings, the most severe first."""
    found = (
        urgent_cases(appeals, now)
        + category_spikes(appeals, now)
        + overdue_clusters(appeals, now)
        + repeated_appeals(appeals, now)
    )
    return sorted(found, key=lambda warning: warning.severity != "高")
