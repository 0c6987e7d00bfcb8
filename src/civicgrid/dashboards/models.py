"""Pre-aggregated figures for the dashboards (问政分析看板), kept exact as appeals change (see rollups.py).

Both rollups share the appeal's dimensions. "None" is stored as 0 rather than NULL so that the upsert's
unique key matches on every database (NULLs never conflict). Grid paths are copied onto each row so that a
scope's subtree is an index range on `grid_path`, never a join.

Two coarser companions (AppealAreaRollup, ScoreAreaRollup) drop every dimension but day, grid and channel
(and status) for the overview and the region map, which need no more.

Category grain: the rollups keep the appeal's level-2 category (二级分类; a level-3 appeal counts under its
parent) with its level-1 root, so the 行业 tree has two levels and stays small enough to aggregate fast.
"""

from django.conf import settings
from django.db import models

from civicgrid.appeals.workflow import OPEN_STATUSES

SCORE_MEASURES = (
    "dispatched", "responded", "resolved", "partly_resolved", "unresolved", "satisfied",
    "basically_satisfied", "dissatisfied", "unrated",
)  # fmt: skip
DIMENSIONS = ("day", "grid_id", "grid_path", "category_id", "category_root_id", "unit_id", "channel", "kind")


class RollupDimensions(models.Model):
    day = models.DateField("日期")
    grid_id = models.BigIntegerField("网格", default=0)
    grid_path = models.CharField("网格路径", max_length=255, blank=True)
    category_id = models.BigIntegerField("二级分类", default=0)
    category_root_id = models.BigIntegerField("一级分类", default=0)
    unit_id = models.BigIntegerField("主办单位", default=0)
    channel = models.CharField("渠道", max_length=16)
    kind = models.CharField("诉求类型", max_length=16)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.day} {self.grid_path or '未定位'} {self.category_id} {self.unit_id}"


class AppealRollup(RollupDimensions):
    """Appeals by intake day (受理日期) in their current status, due state and main unit."""

    status = models.CharField("状态", max_length=16)
    due_state = models.CharField("时限状态", max_length=16, blank=True)
    count = models.IntegerField("件数", default=0)

    KEY = (*DIMENSIONS, "status", "due_state")
    MEASURES = ("count",)

    class Meta:
        verbose_name = "诉求汇总"
        verbose_name_plural = "诉求汇总"
        constraints = [
            models.UniqueConstraint(fields=[*DIMENSIONS, "status", "due_state"], name="appeal_rollup_key")
        ]
        indexes = [
            # The pattern opclass lets PostgreSQL answer `grid_path LIKE '/1/7/%'` from the index; with the
            # included columns the overview's one pass over a period reads the index alone.
            models.Index(
                fields=["grid_path", "day"],
                name="appeal_rollup_area_day",
                opclasses=["varchar_pattern_ops", "date_ops"],
                include=["channel", "status", "count"],
            ),
            models.Index(fields=["day"], name="appeal_rollup_day"),
            models.Index(fields=["unit_id", "day"], name="appeal_rollup_unit_day"),
            # Open and overdue counts span all intake days but only the few rows of appeals still open.
            models.Index(
                fields=["grid_path", "due_state"],
                name="appeal_rollup_open",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
                condition=models.Q(status__in=sorted(OPEN_STATUSES)),
                include=["count"],
            ),
        ]


class ScoreMeasures(models.Model):
    """What 响应率/解决率/满意率 are made of: the measures of both score rollups."""

    dispatched = models.IntegerField("派单", default=0)
    responded = models.IntegerField("按时签收", default=0)
    resolved = models.IntegerField("解决", default=0)
    partly_resolved = models.IntegerField("部分解决", default=0)
    unresolved = models.IntegerField("未解决", default=0)
    satisfied = models.IntegerField("满意", default=0)
    basically_satisfied = models.IntegerField("基本满意", default=0)
    dissatisfied = models.IntegerField("不满意", default=0)
    unrated = models.IntegerField("未评价", default=0)

    class Meta:
        abstract = True


class ScoreRollup(RollupDimensions, ScoreMeasures):
    """What 响应率/解决率/满意率 are made of (appeals/scoring.py), by the day of the event: 主办 dispatches
    (and those signed by their deadline) by dispatch day, callbacks by outcome on the callback day. `unit_id`
    is the unit credited: the 主办 of that round."""

    KEY = DIMENSIONS
    MEASURES = SCORE_MEASURES

    class Meta:
        verbose_name = "考核汇总"
        verbose_name_plural = "考核汇总"
        constraints = [models.UniqueConstraint(fields=DIMENSIONS, name="score_rollup_key")]
        indexes = [
            models.Index(
                fields=["grid_path", "day"],
                name="score_rollup_area_day",
                opclasses=["varchar_pattern_ops", "date_ops"],
                include=list(SCORE_MEASURES),
            ),
            models.Index(fields=["day"], name="score_rollup_day"),
            models.Index(fields=["unit_id", "day"], name="score_rollup_unit_day"),
        ]


class AreaRollup(models.Model):
    day = models.DateField("日期")
    grid_path = models.CharField("网格路径", max_length=255, blank=True)
    channel = models.CharField("渠道", max_length=16)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.day} {self.grid_path or '未定位'} {self.channel}"


class AppealAreaRollup(AreaRollup):
    """AppealRollup summed over category, unit, kind and due state (day × grid × channel × status): all the
    overview and the region map read, in far fewer rows at city scale. Kept with it (rollups.Deltas)."""

    status = models.CharField("状态", max_length=16)
    count = models.IntegerField("件数", default=0)

    KEY = ("day", "grid_path", "channel", "status")
    MEASURES = ("count",)

    class Meta:
        verbose_name = "诉求区域汇总"
        verbose_name_plural = "诉求区域汇总"
        constraints = [
            models.UniqueConstraint(fields=["day", "grid_path", "channel", "status"], name="appeal_area_key")
        ]
        indexes = [
            models.Index(
                fields=["grid_path", "day"],
                name="appeal_area_path_day",
                opclasses=["varchar_pattern_ops", "date_ops"],
                include=["channel", "status", "count"],
            ),
            # A district-wide period: an index-only range on `day` (the path prefix selects nearly all).
            models.Index(
                fields=["day"], name="appeal_area_day", include=["grid_path", "channel", "status", "count"]
            ),
        ]


class ScoreAreaRollup(AreaRollup, ScoreMeasures):
    """ScoreRollup summed over category, unit and kind (day × grid × channel), for the same readers."""

    KEY = ("day", "grid_path", "channel")
    MEASURES = SCORE_MEASURES

    class Meta:
        verbose_name = "考核区域汇总"
        verbose_name_plural = "考核区域汇总"
        constraints = [models.UniqueConstraint(fields=["day", "grid_path", "channel"], name="score_area_key")]
        indexes = [
            models.Index(
                fields=["grid_path", "day"],
                name="score_area_path_day",
                opclasses=["varchar_pattern_ops", "date_ops"],
                include=["channel", *SCORE_MEASURES],
            ),
            models.Index(
                fields=["day"], name="score_area_day", include=["grid_path", "channel", *SCORE_MEASURES]
            ),
        ]


class AppealStateRollup(models.Model):
    """AppealRollup summed over everything but grid, channel, status and due state: appeals as they stand
    now, whatever their intake day. The open, near-due and overdue counts, from a few thousand rows."""

    grid_path = models.CharField("网格路径", max_length=255, blank=True)
    channel = models.CharField("渠道", max_length=16)
    status = models.CharField("状态", max_length=16)
    due_state = models.CharField("时限状态", max_length=16, blank=True)
    count = models.IntegerField("件数", default=0)

    KEY = ("grid_path", "channel", "status", "due_state")
    MEASURES = ("count",)

    class Meta:
        verbose_name = "诉求现状汇总"
        verbose_name_plural = "诉求现状汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["grid_path", "channel", "status", "due_state"], name="appeal_state_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.grid_path or '未定位'} {self.channel} {self.status} {self.due_state}"


# Each rollup's coarser companions, smallest first: updated by the same deltas (rollups.Deltas.add) and
# rebuilt from it; selectors.area_rows reads the smallest that holds what a query needs.
AREA_ROLLUPS = {AppealRollup: (AppealStateRollup, AppealAreaRollup), ScoreRollup: (ScoreAreaRollup,)}


class WarningAck(models.Model):
    """A warning someone has taken up (已知悉) and, optionally, handed to a unit to deal with."""

    fingerprint = models.CharField("预警标识", max_length=64, unique=True)
    kind = models.CharField("预警类型", max_length=32)
    subject = models.CharField("对象", max_length=200)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="确认人", on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField("确认时间")
    assigned_unit = models.ForeignKey(
        "directory.Unit",
        verbose_name="交办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "预警处置"
        verbose_name_plural = "预警处置"
        ordering = ["-acknowledged_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject}"
