"""Validation of a GeoJSON FeatureCollection of grids or compounds, before anything is written.

Each feature's properties: `name`; `kind` ("grid", the default, or "compound"); for grids `code` (12-digit
national division code, optional) and `level` (key, Chinese name or index in CIVICGRID_GRID_LEVELS; default:
the import's level, else one below the parent, else the top); the parent as `parent_code` or `parent` (a
name), found in the file or in the database; for compounds `property_company` (a unit name).

A feature updates the grid with its code, or else the grid or compound of its name under the same parent;
otherwise it creates one. The checks stop at a feature's first problem, so the report has one line per bad
feature. `plan_import` only reads; services.import_geojson writes the plan.
"""

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from os import PathLike
from pathlib import Path

import shapely
from shapely.geometry.base import BaseGeometry

from civicgrid.directory.models import UnitKind

from . import selectors
from .models import Grid
from .validation import (
    Problem,
    code_problem,
    level_name,
    level_problem,
    outside_parent_problem,
    overlap_problem,
    parse_level,
    read_polygon,
)

GRID, COMPOUND = "grid", "compound"
KIND_NAMES = {GRID: "网格", COMPOUND: "小区"}
NAME_MAX_LENGTH = 100

# progress(iterable, total=..., desc=...) wraps a loop, e.g. with tqdm; the default shows nothing.
Progress = Callable[..., Iterable]


def no_progress(iterable: Iterable, **_) -> Iterable:
    return iterable


@dataclass(frozen=True)
class FeatureError:
    feature_index: int | None  # position in "features", from 0; None when the file as a whole is wrong
    name: str
    code: str
    message: str

    @property
    def where(self) -> str:
        if self.feature_index is None:
            return "文件"
        return f"第 {self.feature_index + 1} 个要素" + (f"「{self.name}」" if self.name else "")


@dataclass
class ImportReport:
    features: int = 0
    errors: list[FeatureError] = field(default_factory=list)
    grids_created: int = 0
    grids_updated: int = 0
    compounds_created: int = 0
    compounds_updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> str:
        if not self.ok:
            if self.errors[0].feature_index is None:
                return f"未导入任何数据：{self.errors[0].message}。"
            return f"未导入任何数据：{len(self.errors)} 个要素有错误（共 {self.features} 个要素）。"
        return (
            f"已导入 {self.features} 个要素：新建网格 {self.grids_created} 个、更新 {self.grids_updated} 个，"
            f"新建小区 {self.compounds_created} 个、更新 {self.compounds_updated} 个。"
        )

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "features": self.features,
            "grids": {"created": self.grids_created, "updated": self.grids_updated},
            "compounds": {"created": self.compounds_created, "updated": self.compounds_updated},
            "errors": [asdict(error) for error in self.errors],
        }


@dataclass(eq=False)
class PlannedFeature:
    index: int
    name: str
    kind: str
    code: str
    level: int | None  # grids: as given, resolved during planning
    parent_code: str
    parent_name: str
    property_company: str
    geometry: BaseGeometry
    parent: "PlannedFeature | None" = None  # parent in the file
    parent_grid: Grid | None = None  # parent already in the database
    existing_id: int | None = None  # the row this feature updates

    @property
    def parent_id(self) -> int | None:
        """Database id of the parent, None for the top level or a parent created by this import."""
        return self.parent_grid.pk if self.parent_grid else self.parent.existing_id if self.parent else None

    @property
    def parent_label(self) -> str:
        parent = self.parent or self.parent_grid
        return parent.name if parent else ""

    @property
    def sibling_group(self) -> tuple:
        """Features that must not overlap share a group: same kind, same parent, same level."""
        parent = ("db", self.parent_id) if self.parent_id or not self.parent else ("file", self.parent.index)
        return (self.kind, parent, self.level)


@dataclass
class ImportPlan:
    report: ImportReport
    grids: list[PlannedFeature]  # parents before children
    compounds: list[PlannedFeature]


def plan_import(
    data: dict | bytes | str | PathLike, *, level: int | str | None = None, progress: Progress = no_progress
) -> ImportPlan:
    report = ImportReport()
    features, file_problem = _read_collection(data)
    default_level = None if level is None else parse_level(level)
    if file_problem is None and level is not None and default_level is None:
        file_problem = Problem("bad_level", f"导入层级「{level}」不存在")
    if file_problem:
        report.errors.append(FeatureError(None, "", file_problem.code, file_problem.message))
        return ImportPlan(report, [], [])
    report.features = len(features)
    planner = _Planner(features, default_level)
    planner.check(progress)
    report.errors = sorted(planner.errors.values(), key=lambda e: e.feature_index)
    grids = sorted(planner.valid(GRID), key=lambda f: f.level)
    return ImportPlan(report, grids, planner.valid(COMPOUND))


def _read_collection(data) -> tuple[list, Problem | None]:
    if isinstance(data, str | PathLike):
        try:
            data = Path(data).read_bytes()
        except FileNotFoundError:
            return [], Problem("unreadable_file", f"无法读取文件：{data} 不存在")
        except OSError as error:
            return [], Problem("unreadable_file", f"无法读取文件 {data}（{error.__class__.__name__}）")
    if isinstance(data, bytes):
        try:
            data = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return [], Problem("not_json", "文件不是 UTF-8 编码的 JSON")
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        return [], Problem("not_feature_collection", "文件不是 GeoJSON FeatureCollection")
    features = data.get("features")
    if not isinstance(features, list) or not features:
        return [], Problem("no_features", "FeatureCollection 中没有要素（features）")
    return features, None


def _properties(raw) -> dict:
    properties = raw.get("properties") if isinstance(raw, dict) else None
    return properties if isinstance(properties, dict) else {}


def _text(properties: dict, key: str) -> str:
    value = properties.get(key)
    # Codes often arrive as JSON numbers.
    return str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""


class _Planner:
    def __init__(self, features: list, default_level: int | None) -> None:
        self.features = features
        self.default_level = default_level
        self.errors: dict[int, FeatureError] = {}
        self.planned: list[PlannedFeature] = []
        self._db_children: dict[int | None, list[Grid]] = {}
        self._db_compounds: dict[int, list] = {}

    def reject(self, index: int, problem: Problem) -> None:
        name = _text(_properties(self.features[index]), "name")
        self.errors[index] = FeatureError(index, name, problem.code, problem.message)

    def valid(self, kind: str | None = None) -> list[PlannedFeature]:
        return [f for f in self.planned if f.index not in self.errors and kind in (None, f.kind)]

    def check(self, progress: Progress) -> None:
        for index, raw in enumerate(progress(self.features, total=len(self.features), desc="校验要素")):
            planned = self._read_feature(index, raw)
            if isinstance(planned, Problem):
                self.reject(index, planned)
            else:
                self.planned.append(planned)
        self._check_duplicate_codes()
        self._resolve_parents()
        for feature in self.valid(GRID):
            self._resolve_level(feature, set())
        self._check_levels_and_codes()
        self._match_existing()
        self._check_duplicate_names()
        self._check_property_companies()
        self._check_containment()
        self._check_overlaps()

    def _read_feature(self, index: int, raw) -> PlannedFeature | Problem:
        if not isinstance(raw, dict) or raw.get("type") != "Feature":
            return Problem("not_feature", "不是 GeoJSON Feature")
        properties = _properties(raw)
        name = _text(properties, "name")
        if not name:
            return Problem("missing_name", "缺少名称（properties.name）")
        if len(name) > NAME_MAX_LENGTH:
            return Problem("name_too_long", f"名称超过 {NAME_MAX_LENGTH} 个字")
        kind = _text(properties, "kind") or GRID
        if kind not in KIND_NAMES:
            return Problem("bad_kind", f"kind 须为 grid（网格）或 compound（小区），实为「{kind}」")
        level = self.default_level
        if kind == GRID and properties.get("level") not in (None, ""):
            level = parse_level(properties["level"])
            if level is None:
                return Problem("bad_level", f"层级「{properties['level']}」不存在")
        geometry, problem = read_polygon(raw.get("geometry"))
        if problem:
            return problem
        return PlannedFeature(
            index=index,
            name=name,
            kind=kind,
            code=_text(properties, "code"),
            level=level if kind == GRID else None,
            parent_code=_text(properties, "parent_code"),
            parent_name=_text(properties, "parent"),
            property_company=_text(properties, "property_company") if kind == COMPOUND else "",
            geometry=geometry,
        )

    def _check_duplicate_codes(self) -> None:
        first: dict[str, PlannedFeature] = {}
        for feature in self.valid():
            if not feature.code:
                continue
            if feature.code in first:
                other = first[feature.code]
                self.reject(
                    feature.index,
                    Problem("duplicate_code", f"区划代码 {feature.code} 与第 {other.index + 1} 个要素重复"),
                )
            else:
                first[feature.code] = feature

    def _resolve_parents(self) -> None:
        grids = self.valid(GRID)
        by_code = {f.code: f for f in grids if f.code}
        by_name: dict[str, list[PlannedFeature]] = {}
        for feature in grids:
            by_name.setdefault(feature.name, []).append(feature)
        features = self.valid()
        db_by_code = selectors.grids_with_codes({f.parent_code for f in features} - set(by_code))
        db_by_name = selectors.grids_named({f.parent_name for f in features} - set(by_name))
        rejected = self._rejected_codes_and_names()
        for feature in features:
            reference = feature.parent_code or feature.parent_name
            if not reference:
                if feature.kind == COMPOUND or (feature.level or 0) > 0:
                    self.reject(
                        feature.index,
                        Problem("missing_parent", "须指明上级网格（properties.parent_code 或 parent）"),
                    )
                continue
            if feature.parent_code:
                candidates = [p for p in (by_code.get(reference) or db_by_code.get(reference),) if p]
            else:
                candidates = by_name.get(reference) or db_by_name.get(reference, [])
            if len(candidates) == 1:
                if isinstance(candidates[0], PlannedFeature):
                    feature.parent = candidates[0]
                else:
                    feature.parent_grid = candidates[0]
            elif candidates:
                message = f"有 {len(candidates)} 个名为「{reference}」的网格，请改用 parent_code"
                self.reject(feature.index, Problem("ambiguous_parent", message))
            elif reference in rejected:
                message = f"上级「{reference}」（第 {rejected[reference] + 1} 个要素）有错误"
                self.reject(feature.index, Problem("parent_rejected", message))
            else:
                self.reject(
                    feature.index, Problem("unknown_parent", f"上级「{reference}」在文件和系统中都不存在")
                )

    def _rejected_codes_and_names(self) -> dict[str, int]:
        """Codes and names of features already rejected, for a clearer message about their children."""
        declared: dict[str, int] = {}
        for index in self.errors:
            properties = _properties(self.features[index])
            for key in ("code", "name"):
                if value := _text(properties, key):
                    declared.setdefault(value, index)
        return declared

    def _resolve_level(self, feature: PlannedFeature, seen: set[int]) -> int | None:
        if feature.index in self.errors:
            return None
        if feature.level is None:
            if feature.index in seen:
                self.reject(feature.index, Problem("parent_cycle", "上级关系成环"))
                return None
            seen.add(feature.index)
            if feature.parent:
                parent_level = self._resolve_level(feature.parent, seen)
                if parent_level is None:
                    self.reject(
                        feature.index, Problem("parent_rejected", f"上级「{feature.parent.name}」有错误")
                    )
                    return None
            else:
                parent_level = feature.parent_grid.level if feature.parent_grid else -1
            feature.level = parent_level + 1
        return feature.level

    def _check_levels_and_codes(self) -> None:
        for feature in self.valid():
            if feature.kind == COMPOUND:
                problem = (
                    Problem("code_not_allowed", "小区没有区划代码，请去掉 code") if feature.code else None
                )
            else:
                parent = feature.parent or feature.parent_grid
                problem = level_problem(feature.level, parent.level if parent else None, feature.parent_label)
                problem = problem or code_problem(feature.code, feature.level)
            if problem:
                self.reject(feature.index, problem)

    def _match_existing(self) -> None:
        grids = sorted(self.valid(GRID), key=lambda f: f.level)  # a code-less child needs its parent's row
        db_by_code = selectors.grids_with_codes({f.code for f in grids if f.code})
        for feature in grids:
            if feature.code and feature.code in db_by_code:
                existing = db_by_code[feature.code]
                if (existing.parent_id, existing.level) != (feature.parent_id, feature.level):
                    where = f"，上级「{existing.parent.name}」" if existing.parent_id else ""
                    self.reject(
                        feature.index,
                        Problem(
                            "conflicts_existing",
                            f"区划代码 {feature.code} 已用于「{existing.name}」"
                            f"（{level_name(existing.level)}{where}）；导入不改变已有网格的上级和层级",
                        ),
                    )
                    continue
                feature.existing_id = existing.pk
            elif not feature.code and (feature.parent_id or not feature.parent):
                feature.existing_id = next(
                    (
                        g.pk
                        for g in self.db_children(feature.parent_id)
                        if (g.name, g.level) == (feature.name, feature.level)
                    ),
                    None,
                )
        for feature in self.valid(COMPOUND):
            if feature.parent_id:
                feature.existing_id = next(
                    (c.pk for c in self.db_compounds(feature.parent_id) if c.name == feature.name), None
                )

    def _check_duplicate_names(self) -> None:
        """Without a code, the name under the parent is what identifies a grid or compound."""
        first: dict[tuple, PlannedFeature] = {}
        for feature in self.valid():
            if feature.code:
                continue
            key = (feature.sibling_group, feature.name)
            if key in first:
                message = f"与第 {first[key].index + 1} 个要素同名且上级相同"
                self.reject(feature.index, Problem("duplicate_name", message))
            else:
                first[key] = feature

    def _check_property_companies(self) -> None:
        compounds = [f for f in self.valid(COMPOUND) if f.property_company]
        units = selectors.units_named({f.property_company for f in compounds})
        for feature in compounds:
            unit = units.get(feature.property_company)
            if unit and unit.kind != UnitKind.PROPERTY_COMPANY:
                self.reject(
                    feature.index,
                    Problem(
                        "property_company_conflict",
                        f"单位「{unit.name}」已存在，但类型是「{unit.get_kind_display()}」而不是物业公司",
                    ),
                )

    def _check_containment(self) -> None:
        for feature in self.valid():
            parent = feature.parent.geometry if feature.parent else _db_polygon(feature.parent_grid)
            if parent is not None and (
                problem := outside_parent_problem(feature.geometry, parent, feature.parent_label)
            ):
                self.reject(feature.index, problem)

    def _check_overlaps(self) -> None:
        """Each feature against the siblings before it in the file and those already in the database."""
        features = self.valid()
        updated = {(f.kind, f.existing_id) for f in features if f.existing_id}
        others: list[
            tuple[tuple, BaseGeometry, str, int]
        ] = []  # (group, polygon, label, feature index or -1)
        for group in {f.sibling_group for f in features}:
            kind, (origin, parent_id), level = group
            if origin != "db":
                continue
            rows = self.db_compounds(parent_id) if kind == COMPOUND else self.db_children(parent_id)
            for row in rows:
                if (kind, row.pk) in updated or (kind == GRID and row.level != level):
                    continue
                if (polygon := _db_polygon(row)) is not None:
                    others.append((group, polygon, f"{KIND_NAMES[kind]}「{row.name}」", -1))
        others += [
            (f.sibling_group, f.geometry, f"第 {f.index + 1} 个要素「{f.name}」", f.index) for f in features
        ]
        tree = shapely.STRtree([polygon for _, polygon, _, _ in others])
        for feature in features:
            for position in sorted(tree.query(feature.geometry, predicate="intersects").tolist()):
                group, polygon, label, index = others[position]
                if group != feature.sibling_group or index >= feature.index:
                    continue
                if problem := overlap_problem(feature.geometry, polygon, label):
                    self.reject(feature.index, problem)
                    break

    def db_children(self, parent_id: int | None) -> list[Grid]:
        if parent_id not in self._db_children:
            self._db_children[parent_id] = list(selectors.child_grids(parent_id))
        return self._db_children[parent_id]

    def db_compounds(self, grid_id: int) -> list:
        if grid_id not in self._db_compounds:
            self._db_compounds[grid_id] = list(selectors.compounds_in(grid_id))
        return self._db_compounds[grid_id]


def _db_polygon(row) -> BaseGeometry | None:
    """A stored boundary usable for comparison; a missing or broken one is not this import's concern."""
    if row is None:
        return None
    geometry, problem = read_polygon(row.boundary)
    return None if problem else geometry
