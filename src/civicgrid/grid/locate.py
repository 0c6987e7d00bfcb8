"""Point location: which grid and which compound a (lat, lng) lies in.

Every process keeps one in-memory index of all grid and compound polygons (a shapely STRtree) and asks it
instead of the database. The index is dropped in this process as soon as a polygon is saved; other processes
learn of the change through a version number in Django's cache (Redis in production), which they compare with
the version of their index at most every `CIVICGRID_LOCATE_REFRESH_SECONDS`.

A point on a border shared by several grids goes to the deepest level, then the lowest id, so every process
answers the same; the same holds for compounds (lowest id).
"""

import logging
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import shapely
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from shapely.geometry.base import BaseGeometry

from .geometry import UnreadableGeometry, read_shape
from .selectors import compound_boundaries, grid_boundaries

logger = logging.getLogger(__name__)

VERSION_CACHE_KEY = "civicgrid:grid:locate-version"


@dataclass(frozen=True, slots=True)
class Location:
    """Where a point lies; each part is None when no polygon contains the point."""

    grid_id: int | None
    grid_path: str | None
    compound_id: int | None


NOWHERE = Location(grid_id=None, grid_path=None, compound_id=None)


@dataclass(frozen=True, slots=True)
class GridShape:
    id: int
    level: int
    path: str
    geometry: BaseGeometry


@dataclass(frozen=True, slots=True)
class CompoundShape:
    id: int
    geometry: BaseGeometry


class LocateIndex:
    """One immutable STRtree over grid polygons, then compound polygons.

    Grids are ordered by preference (deepest level, then lowest id) and compounds by id, so among the polygons
    holding a point the one at the lowest tree position wins: one query and one `min` per point, vectorised
    for batches.
    """

    def __init__(self, grids: Sequence[GridShape], compounds: Sequence[CompoundShape]) -> None:
        grids = sorted(grids, key=lambda g: (-g.level, g.id))
        compounds = sorted(compounds, key=lambda c: c.id)
        self._tree = shapely.STRtree([g.geometry for g in grids] + [c.geometry for c in compounds])
        self._grids = [(g.id, g.path) for g in grids]
        self._compound_ids = [c.id for c in compounds]

    def __len__(self) -> int:
        return len(self._grids) + len(self._compound_ids)

    def locate(self, lat: float, lng: float) -> Location:
        hits = self._tree.query(shapely.Point(lng, lat), predicate="intersects").tolist()
        first_compound = len(self._grids)
        return self._location(
            min((h for h in hits if h < first_compound), default=-1),
            min((h for h in hits if h >= first_compound), default=-1),
        )

    def locate_many(self, points: Iterable[tuple[float, float]]) -> list[Location]:
        coordinates = np.asarray(list(points), dtype=float).reshape(-1, 2)
        point_indices, positions = self._tree.query(
            shapely.points(coordinates[:, 1], coordinates[:, 0]), predicate="intersects"
        )
        is_grid = positions < len(self._grids)
        grid_best = _lowest(point_indices[is_grid], positions[is_grid], len(coordinates))
        compound_best = _lowest(point_indices[~is_grid], positions[~is_grid], len(coordinates))
        return [self._location(g, c) for g, c in zip(grid_best.tolist(), compound_best.tolist(), strict=True)]

    def _location(self, grid_position: int, compound_position: int) -> Location:
        if grid_position < 0 and compound_position < 0:
            return NOWHERE
        grid_id, grid_path = self._grids[grid_position] if grid_position >= 0 else (None, None)
        compound_id = (
            self._compound_ids[compound_position - len(self._grids)] if compound_position >= 0 else None
        )
        return Location(grid_id=grid_id, grid_path=grid_path, compound_id=compound_id)


def _lowest(point_indices: np.ndarray, positions: np.ndarray, count: int) -> np.ndarray:
    """For each of `count` points, the lowest position paired with it, or -1."""
    none = np.iinfo(np.int64).max
    best = np.full(count, none, dtype=np.int64)
    np.minimum.at(best, point_indices, positions)
    best[best == none] = -1
    return best


def build_index() -> LocateIndex:
    grids = [
        GridShape(id=pk, level=level, path=path, geometry=geometry)
        for pk, level, path, boundary in grid_boundaries()
        if (geometry := _polygon_or_none("grid", pk, boundary)) is not None
    ]
    compounds = [
        CompoundShape(id=pk, geometry=geometry)
        for pk, boundary in compound_boundaries()
        if (geometry := _polygon_or_none("compound", pk, boundary)) is not None
    ]
    return LocateIndex(grids, compounds)


def _polygon_or_none(kind: str, pk: int, boundary: dict) -> BaseGeometry | None:
    # A boundary typed into the admin by hand may be malformed; one bad row must not stop location for all.
    try:
        geometry = read_shape(boundary)
    except UnreadableGeometry:
        logger.warning("Skipping %s %s in the locate index: unreadable boundary", kind, pk)
        return None
    return None if geometry is None or geometry.is_empty else geometry


# --- the per-process index and its freshness --------------------------------------------------------------


class _IndexHolder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.index: LocateIndex | None = None
        self.version: int | None = None
        self.checked_at = float("-inf")


_holder = _IndexHolder()
_batch = threading.local()


def current_index() -> LocateIndex:
    index = _holder.index
    if (
        index is not None
        and time.monotonic() - _holder.checked_at < settings.CIVICGRID_LOCATE_REFRESH_SECONDS
    ):
        return index
    with _holder.lock:
        # Read the version before the polygons: a change committed in between then only costs one more build.
        version = cache.get(VERSION_CACHE_KEY, 0)
        if _holder.index is None or _holder.version != version:
            _holder.index = build_index()
            _holder.version = version
        _holder.checked_at = time.monotonic()
        return _holder.index


def locate(lat: float, lng: float) -> Location:
    """The deepest grid and the compound containing the point (WGS-84 degrees)."""
    return current_index().locate(lat, lng)


def locate_many(points: Iterable[tuple[float, float]]) -> list[Location]:
    """`locate` for many (lat, lng) pairs at once, in input order."""
    return current_index().locate_many(points)


def forget_index() -> None:
    """Drop this process's index; the next location builds a fresh one."""
    with _holder.lock:
        _holder.index = None


def bump_version() -> None:
    """Tell every process that polygons changed."""
    try:
        cache.incr(VERSION_CACHE_KEY)
    except ValueError:
        # The key is new or was lost (restart, eviction). Starting from the clock, not 1, keeps a lost version
        # from coming back as a value some process already holds; if another process adds it first, count on.
        if not cache.add(VERSION_CACHE_KEY, time.time_ns(), timeout=None):
            cache.incr(VERSION_CACHE_KEY)


def polygons_changed() -> None:
    """Called for every saved or deleted grid or compound (signals.py); deferred inside `batched_changes`."""
    if getattr(_batch, "depth", 0):
        _batch.changed = True
        return
    _announce_change()


@contextmanager
def batched_changes() -> Iterator[None]:
    """Announce the polygon changes of a bulk import once, at the end, instead of once per row."""
    _batch.depth = getattr(_batch, "depth", 0) + 1
    try:
        yield
    finally:
        _batch.depth -= 1
        if not _batch.depth and getattr(_batch, "changed", False):
            _batch.changed = False
            _announce_change()


def _announce_change() -> None:
    # This process forgets at once (so a caller sees its own change even inside its transaction); the others
    # are told only after commit, otherwise they could rebuild from the old rows and keep the new version.
    forget_index()
    transaction.on_commit(_committed_change)


def _committed_change() -> None:
    bump_version()
    forget_index()
