"""What one appeal or callback contributes to the rollups, and how a change moves those contributions.

An appeal adds 1 to the AppealRollup row of its intake day, dimensions, status and due state. Its handling
rounds add to ScoreRollup: each 主办 dispatch counts on its dispatch day (and as responded once signed by its
sign deadline); each callback counts by outcome on its callback day. Assignments are written in bulk by the
appeals services (no signals), but the current round is mirrored on the appeal row (dispatched_at,
main_unit, sign_due, signed_at), so a change of the appeal row tells what happened to the round:

- same dispatched_at: the round may have been signed, its contribution becomes the new one;
- another dispatched_at: a new round began (dispatch, 重办, 改派) or the round ended (退回, 合并); ended
  rounds keep counting as they stood, as their assignment rows do in appeals/scoring.py, except a round
  the dispatcher withdrew (改派, 合并) before its sign deadline, which stops counting
  (`AssignmentQuerySet.scored_rounds`).

Only when an appeal's own dimensions change (regrid, reclassification) do its past rounds and callbacks move,
and then they are read from the database.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Model
from django.utils import timezone

from civicgrid.appeals.models import Resolution, Satisfaction

from .models import AREA_ROLLUPS, AppealRollup, ScoreRollup

APPEAL_FIELDS = (
    "received_at", "grid_id", "grid__path", "category__path", "main_unit_id", "channel", "kind", "status",
    "due_state", "dispatched_at", "sign_due", "signed_at",
)  # fmt: skip
CALLBACK_FIELDS = ("appeal_id", "at", "unit_id", "resolution", "satisfaction")
# Callback outcomes are ScoreRollup columns of the same name.
OUTCOME_COLUMNS = {*Resolution.values, *Satisfaction.values}


def category_grain(path: str | None) -> tuple[int, int]:
    """(level-2 category, level-1 root) of a category path; a level-1 category stands for itself."""
    if not path:
        return 0, 0
    ids = [int(part) for part in path.strip("/").split("/")]
    return (ids[1] if len(ids) > 1 else ids[0]), ids[0]


@dataclass(frozen=True)
class Dimensions:
    grid_id: int
    grid_path: str
    category_id: int
    category_root_id: int
    channel: str
    kind: str

    def key(self) -> dict:
        return self.__dict__.copy()


@dataclass(frozen=True)
class AppealFacts:
    """An appeal row as the rollups see it."""

    dimensions: Dimensions
    received_at: dt.datetime
    unit_id: int
    status: str
    due_state: str
    dispatched_at: dt.datetime | None
    sign_due: dt.datetime | None
    signed_at: dt.datetime | None

    @classmethod
    def of_new(cls, appeal) -> "AppealFacts | None":
        """The facts of an appeal just inserted, from the instance itself when its grid and category are
        loaded on it (the row holds exactly what the instance does); None when the row must be read."""
        model = type(appeal)
        if (appeal.grid_id is not None and not model.grid.is_cached(appeal)) or (
            appeal.category_id is not None and not model.category.is_cached(appeal)
        ):
            return None
        row = {name: getattr(appeal, name) for name in APPEAL_FIELDS if "__" not in name}
        row["grid__path"] = appeal.grid.path if appeal.grid_id is not None else None
        row["category__path"] = appeal.category.path if appeal.category_id is not None else None
        return cls.from_row(row)

    @classmethod
    def from_row(cls, row: dict) -> "AppealFacts":
        category_id, root_id = category_grain(row["category__path"])
        return cls(
            Dimensions(
                row["grid_id"] or 0,
                row["grid__path"] or "",
                category_id,
                root_id,
                row["channel"],
                row["kind"],
            ),
            row["received_at"],
            row["main_unit_id"] or 0,
            row["status"],
            row["due_state"],
            row["dispatched_at"],
            row["sign_due"],
            row["signed_at"],
        )


def responded(signed_at: dt.datetime | None, sign_due: dt.datetime | None) -> int:
    # As scoring.py counts it in SQL: signed_at <= sign_due, false when either is missing.
    return int(signed_at is not None and sign_due is not None and signed_at <= sign_due)


class Deltas:
    """Signed changes to rollup rows: {(model, key): {measure: change}}."""

    def __init__(self) -> None:
        self.rows: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def add(self, model: type[Model], key: dict, sign: int = 1, **measures: int) -> None:
        """A change to a row of `model`, and the same change to the rows of its area rollups."""
        for target in (model, *AREA_ROLLUPS[model]):
            row = self.rows[(target, tuple(key[name] for name in target.KEY))]
            for measure, value in measures.items():
                row[measure] += sign * value

    def merge(self, other: "Deltas", sign: int = 1) -> None:
        for row_key, measures in other.rows.items():
            for measure, value in measures.items():
                self.rows[row_key][measure] += sign * value

    def moved(self, dimensions: Dimensions) -> "Deltas":
        """The same ScoreRollup changes under other appeal dimensions."""
        result = Deltas()
        names = ScoreRollup.KEY
        for (model, values), measures in self.rows.items():
            if model is ScoreRollup:  # add() derives the area rows again
                key = dict(zip(names, values, strict=True)) | dimensions.key()
                result.add(model, key, **measures)
        return result

    def nonzero(self) -> list[tuple[type[Model], tuple, dict[str, int]]]:
        """Changes to apply, in one fixed order so that concurrent writers lock rows alike (no deadlock)."""
        found = [
            (model, key, {m: v for m, v in measures.items() if v})
            for (model, key), measures in self.rows.items()
        ]
        found = [item for item in found if item[2]]
        return sorted(found, key=lambda item: (item[0]._meta.db_table, [str(v) for v in item[1]]))


def appeal_count(facts: AppealFacts, sign: int = 1) -> Deltas:
    deltas = Deltas()
    key = facts.dimensions.key() | {
        "day": timezone.localdate(facts.received_at),
        "unit_id": facts.unit_id,
        "status": facts.status,
        "due_state": facts.due_state,
    }
    deltas.add(AppealRollup, key, sign, count=1)
    return deltas


def dispatch_event(
    dimensions: Dimensions, unit_id: int, at: dt.datetime, signed_at, sign_due, deltas: Deltas, sign: int = 1
) -> None:
    key = dimensions.key() | {"day": timezone.localdate(at), "unit_id": unit_id or 0}
    deltas.add(ScoreRollup, key, sign, dispatched=1, responded=responded(signed_at, sign_due))


def callback_event(dimensions: Dimensions, row: dict, deltas: Deltas, sign: int = 1) -> None:
    key = dimensions.key() | {"day": timezone.localdate(row["at"]), "unit_id": row["unit_id"] or 0}
    deltas.add(ScoreRollup, key, sign, **{row["resolution"]: 1, row["satisfaction"]: 1})


def current_round(facts: AppealFacts | None) -> Deltas:
    deltas = Deltas()
    if facts is not None and facts.dispatched_at is not None:
        dispatch_event(
            facts.dimensions, facts.unit_id, facts.dispatched_at, facts.signed_at, facts.sign_due, deltas
        )
    return deltas


def round_change(before: AppealFacts | None, after: AppealFacts, *, withdrawn: bool = False) -> Deltas:
    """What this write did to the appeal's handling rounds, under the appeal's new dimensions. `withdrawn`:
    the round in progress before it ended as one that no longer counts (改派 or 合并 before its sign
    deadline)."""
    change = current_round(after)
    if before is not None and (before.dispatched_at == after.dispatched_at or withdrawn):
        change.merge(current_round(before).moved(after.dimensions), -1)
    return change


def appeal_change(
    before: AppealFacts | None,
    after: AppealFacts | None,
    recorded_events: Deltas | None = None,
    *,
    withdrawn: bool = False,
) -> Deltas:
    """Rollup changes of one appeal write. `recorded_events` (the appeal's rounds and callbacks as now in
    the database, under its new dimensions) is needed only when its dimensions changed, or it was deleted;
    `withdrawn` as for round_change."""
    deltas = Deltas()
    if before is not None:
        deltas.merge(appeal_count(before), -1)
    if after is None:
        deltas.merge(recorded_events, -1)
        return deltas
    deltas.merge(appeal_count(after))
    change = round_change(before, after, withdrawn=withdrawn)
    deltas.merge(change)
    if before is not None and before.dimensions != after.dimensions:
        # Everything recorded before this write moves from the old dimensions to the new ones.
        earlier = Deltas()
        earlier.merge(recorded_events)
        earlier.merge(change, -1)
        deltas.merge(earlier)
        deltas.merge(earlier.moved(before.dimensions), -1)
    return deltas
