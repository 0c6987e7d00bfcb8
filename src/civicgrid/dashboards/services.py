"""Writes of the dashboards: rollup maintenance (called by the receivers in signals.py, inside the appeal's
own transaction, so a rolled-back action leaves the rollups untouched), the repair rebuild, and warning
acknowledgements."""

import datetime as dt
import sys
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from tqdm import tqdm

from civicgrid.appeals.models import (
    Appeal,
    AppealAssignment,
    Callback,
    Resolution,
    Satisfaction,
)
from civicgrid.directory.models import Unit

from .models import AREA_ROLLUPS, AppealRollup, ScoreRollup, WarningAck
from .rollups import (
    APPEAL_FIELDS,
    CALLBACK_FIELDS,
    AppealFacts,
    Deltas,
    Dimensions,
    appeal_change,
    callback_event,
    dispatch_event,
)

# --- incremental maintenance ---------------------------------------------------------------------------


def appeal_facts(pk: int | None) -> AppealFacts | None:
    row = Appeal.objects.filter(pk=pk).values(*APPEAL_FIELDS).first() if pk else None
    return None if row is None else AppealFacts.from_row(row)


def recorded_events(pk: int, dimensions: Dimensions, *, callbacks: bool = True) -> Deltas:
    """The appeal's handling rounds (and callbacks) as stored now, under `dimensions`."""
    deltas = Deltas()
    rounds = (
        AppealAssignment.objects.scored_rounds()
        .filter(appeal_id=pk)
        .values_list("unit_id", "assigned_at", "signed_at", "sign_due")
    )
    for unit_id, assigned_at, signed_at, sign_due in rounds:
        dispatch_event(dimensions, unit_id, assigned_at, signed_at, sign_due, deltas)
    for row in Callback.objects.filter(appeal_id=pk).values(*CALLBACK_FIELDS) if callbacks else ():
        callback_event(dimensions, row, deltas)
    return deltas


def record_appeal_change(pk: int, before: AppealFacts | None, after: AppealFacts | None = None) -> None:
    """Roll up one write of an appeal; `after` is read from its row unless the caller has it."""
    after = after or appeal_facts(pk)
    moved = before is not None and after is not None and before.dimensions != after.dimensions
    events = recorded_events(pk, after.dimensions) if moved else None
    apply_deltas(appeal_change(before, after, events, withdrawn=_round_withdrawn(pk, before, after)))


def _round_withdrawn(pk: int, before: AppealFacts | None, after: AppealFacts | None) -> bool:
    """Whether this write ended the round in progress as one that no longer counts (改派 or 合并 in time)."""
    if before is None or after is None or before.dispatched_at in (None, after.dispatched_at):
        return False
    ended = AppealAssignment.objects.filter(appeal_id=pk, assigned_at=before.dispatched_at)
    return ended.excused_rounds().exists()


def record_appeal_removal(pk: int) -> None:
    """Before an appeal is deleted. Its assignments go with it; its callbacks too, but each one's own
    pre_delete takes it off the rollups."""
    before = appeal_facts(pk)
    if before is not None:
        apply_deltas(appeal_change(before, None, recorded_events(pk, before.dimensions, callbacks=False)))


def callback_facts(pk: int | None) -> tuple[Dimensions, dict] | None:
    row = Callback.objects.filter(pk=pk).values(*CALLBACK_FIELDS).first() if pk else None
    if row is None:
        return None
    appeal = appeal_facts(row["appeal_id"])
    return None if appeal is None else (appeal.dimensions, row)


def record_callback_change(pk: int, before: tuple[Dimensions, dict] | None, *, removed: bool = False) -> None:
    deltas = Deltas()
    if before is not None:
        callback_event(*before, deltas, -1)
    after = None if removed else callback_facts(pk)
    if after is not None:
        callback_event(*after, deltas)
    apply_deltas(deltas)


def apply_deltas(deltas: Deltas) -> None:
    """Add the changes with one multi-row upsert per table (INSERT … VALUES …, … ON CONFLICT DO UPDATE, on
    SQLite and PostgreSQL): atomic per row, so concurrent actions on different appeals never lose a count.
    Rows are listed in nonzero()'s lock order; every row sets all measures, the unchanged ones by 0."""
    quote = connection.ops.quote_name
    rows_by_model: dict = defaultdict(list)
    for model, key, measures in deltas.nonzero():
        rows_by_model[model].append([*key, *(measures.get(m, 0) for m in model.MEASURES)])
    with connection.cursor() as cursor:
        for model, rows in rows_by_model.items():
            table = quote(model._meta.db_table)
            columns = [*model.KEY, *model.MEASURES]
            updates = ", ".join(
                f"{quote(m)} = {table}.{quote(m)} + excluded.{quote(m)}" for m in model.MEASURES
            )
            row = f"({', '.join(['%s'] * len(columns))})"
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "
                f"VALUES {', '.join([row] * len(rows))} "
                f"ON CONFLICT ({', '.join(quote(k) for k in model.KEY)}) DO UPDATE SET {updates}",
                [value for values in rows for value in values],
            )


# --- rebuild from raw rows -----------------------------------------------------------------------------


# Aggregation aliases are prefixed: the rollup's column names are also field names of the raw models.
ALIAS = "r_"


def _category_columns(prefix: str) -> dict:
    """Level-2 category and level-1 root of the category at `prefix` (see rollups.category_grain)."""
    level = f"{prefix}category__level"
    return {
        "category_id": Case(
            When(**{level: 3}, then=F(f"{prefix}category__parent_id")), default=F(f"{prefix}category_id")
        ),
        "category_root_id": Case(
            When(**{level: 1}, then=F(f"{prefix}category_id")),
            When(**{level: 2}, then=F(f"{prefix}category__parent_id")),
            default=F(f"{prefix}category__parent__parent_id"),
        ),
    }


def _key_columns(prefix: str, day_field: str, unit_field: str) -> dict:
    """The rollup dimensions of raw rows, as aliased aggregation keys."""
    columns = {
        "grid_id": F(f"{prefix}grid_id"),
        "grid_path": F(f"{prefix}grid__path"),
        "unit_id": F(unit_field),
        **_category_columns(prefix),
    }
    keys = {name: Coalesce(expr, Value(0), output_field=IntegerField()) for name, expr in columns.items()}
    keys["grid_path"] = Coalesce(F(f"{prefix}grid__path"), Value(""))
    keys["day"] = TruncDate(day_field, tzinfo=timezone.get_current_timezone())
    keys["channel"], keys["kind"] = F(f"{prefix}channel"), F(f"{prefix}kind")
    return {ALIAS + name: expr for name, expr in keys.items()}


def _windows(start: dt.date, end: dt.date, days: int):
    while start <= end:
        yield start, min(start + dt.timedelta(days=days), end + dt.timedelta(days=1))
        start += dt.timedelta(days=days)


def _local_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(start, dt.time.min, tzinfo=tz), dt.datetime.combine(
        end, dt.time.min, tzinfo=tz
    )


def _span(*querysets_and_fields) -> tuple[dt.date, dt.date] | None:
    moments = []
    for queryset, field in querysets_and_fields:
        first = queryset.order_by(field).values_list(field, flat=True).first()
        last = queryset.order_by(f"-{field}").values_list(field, flat=True).first()
        moments += [m for m in (first, last) if m is not None]
    if not moments:
        return None
    return timezone.localdate(min(moments)), timezone.localdate(max(moments))


def _insert_aggregate(model, rows: QuerySet) -> None:
    """INSERT … SELECT the aggregation `rows` (aliased key and measure columns) into `model`'s table, adding
    to rows already there: the database does all the work, nothing comes back to Python."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    sql, params = rows.query.sql_with_params()
    selected = set(rows.query.annotation_select)
    measures = [m for m in model.MEASURES if ALIAS + m in selected]
    columns = [*model.KEY, *model.MEASURES]
    values = [f"s.{quote(ALIAS + c)}" if c in model.KEY or c in measures else "0" for c in columns]
    updates = ", ".join(f"{quote(m)} = {table}.{quote(m)} + excluded.{quote(m)}" for m in measures)
    with connection.cursor() as cursor:
        # "WHERE true" keeps SQLite from reading the upsert's ON as a join condition.
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "
            f"SELECT {', '.join(values)} FROM ({sql}) s WHERE true "
            f"ON CONFLICT ({', '.join(quote(k) for k in model.KEY)}) DO UPDATE SET {updates}",
            params,
        )


def _outcome_counts() -> dict:
    """One count column per callback outcome (ScoreRollup's measures of the same names)."""
    outcomes = {name: "resolution" for name in Resolution.values} | {
        name: "satisfaction" for name in Satisfaction.values
    }
    return {ALIAS + name: Count("pk", filter=Q(**{field: name})) for name, field in outcomes.items()}


def _rebuild_window(start: dt.datetime, end: dt.datetime) -> None:
    appeals = (
        Appeal.objects.filter(received_at__gte=start, received_at__lt=end)
        .values(
            **_key_columns("", "received_at", "main_unit_id"),
            r_status=F("status"),
            r_due_state=F("due_state"),
        )
        .annotate(r_count=Count("pk"))
        .order_by()
    )
    dispatches = (
        AppealAssignment.objects.scored_rounds()
        .filter(assigned_at__gte=start, assigned_at__lt=end)
        .values(**_key_columns("appeal__", "assigned_at", "unit_id"))
        .annotate(r_dispatched=Count("pk"), r_responded=Count("pk", filter=Q(signed_at__lte=F("sign_due"))))
        .order_by()
    )
    callbacks = (
        Callback.objects.filter(at__gte=start, at__lt=end)
        .values(**_key_columns("appeal__", "at", "unit_id"))
        .annotate(**_outcome_counts())
        .order_by()
    )
    _insert_aggregate(AppealRollup, appeals)
    _insert_aggregate(ScoreRollup, dispatches)
    _insert_aggregate(ScoreRollup, callbacks)


@transaction.atomic
def rebuild_rollups(*, progress: bool = False, window_days: int = 31) -> dict[str, int]:
    """Recompute both rollups from the raw rows (after a migration, a bulk load, or to repair), a window of
    days at a time so memory stays flat at any volume. Runs in one transaction: readers see the old figures
    until it commits."""
    for model in AREA_ROLLUPS:
        model.objects.all().delete()
    span = _span(
        (Appeal.objects.all(), "received_at"),
        (AppealAssignment.objects.scored_rounds(), "assigned_at"),
        (Callback.objects.all(), "at"),
    )
    if span is not None:
        windows = list(_windows(*span, window_days))
        for first, last in tqdm(windows, desc="重建汇总", unit="段", file=sys.stderr, disable=not progress):
            _rebuild_window(*_local_bounds(first, last))
    rebuild_area_rollups()
    return {"appeal_rows": AppealRollup.objects.count(), "score_rows": ScoreRollup.objects.count()}


def rebuild_area_rollups() -> None:
    """Fill the area rollups (emptied first) by summing their rollups over the dimensions they drop."""
    for model, area_models in AREA_ROLLUPS.items():
        for area_model in area_models:
            area_model.objects.all().delete()
            keys = {ALIAS + name: F(name) for name in area_model.KEY}
            sums = {ALIAS + name: Sum(name) for name in area_model.MEASURES}
            _insert_aggregate(area_model, model.objects.values(**keys).annotate(**sums).order_by())


# --- warnings ------------------------------------------------------------------------------------------


@transaction.atomic
def acknowledge_warning(
    *, actor, fingerprint: str, kind: str, subject: str, unit: Unit | None = None, note: str = ""
) -> WarningAck:
    """已知悉 (and optionally 交办 to a unit); acknowledging again updates the assignment."""
    ack, _ = WarningAck.objects.update_or_create(
        fingerprint=fingerprint,
        defaults={
            "kind": kind,
            "subject": subject[:200],
            "acknowledged_by": actor,
            "acknowledged_at": timezone.now(),
            "assigned_unit": unit,
            "note": note.strip()[:300],
        },
    )
    return ack
