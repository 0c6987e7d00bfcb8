"""Duplicate appeals: open appeals about the same problem at the same place within a time window.

The index keeps the TF-IDF vector of every open appeal, partitioned by grid, so a query only compares
against the open appeals of its own grid (a few hundred even in a busy city) instead of all 100,000.
Within a grid, an appeal from the same compound gets a bonus: same building, same problem is the
commonest duplicate. Partitions are re-stacked lazily after adds/removes.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from scipy import sparse

from .embedding import TfidfEmbedder

DEFAULT_WINDOW = timedelta(days=30)
DEFAULT_THRESHOLD = 0.35
SAME_COMPOUND_BONUS = 0.1


@dataclass(frozen=True)
class AppealRecord:
    """What duplicate detection needs to know about an appeal."""

    appeal_id: str
    text: str
    grid_id: str
    created_at: datetime
    compound_id: str = ""


@dataclass(frozen=True)
class DuplicateMatch:
    appeal_id: str
    score: float  # text cosine similarity plus the same-compound bonus, capped at 1
    text_similarity: float
    same_compound: bool


@dataclass
class _Partition:
    ids: list[str] = field(default_factory=list)
    vectors: list[sparse.csr_matrix] = field(default_factory=list)
    compounds: list[str] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    stacked: sparse.csr_matrix | None = None

    def matrix(self) -> sparse.csr_matrix:
        if self.stacked is None:
            self.stacked = sparse.vstack(self.vectors).tocsr()
        return self.stacked


class DuplicateIndex:
    """In-memory index of open appeals with add/remove and same-place, same-problem queries."""

    def __init__(
        self,
        embedder: TfidfEmbedder | None = None,
        window: timedelta = DEFAULT_WINDOW,
        threshold: float = DEFAULT_THRESHOLD,
    ):
        self.embedder = embedder or TfidfEmbedder.default()
        self.window = window
        self.threshold = threshold
        self._partitions: dict[str, _Partition] = {}
        self._grid_of: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._grid_of)

    def add(self, appeal: AppealRecord) -> None:
        self.add_many([appeal])

    def add_many(self, appeals: list[AppealRecord]) -> None:
        """Encode in one batch (much faster than one by one) and file each appeal under its grid."""
        if not appeals:
            return
        vectors = self.embedder.encode([appeal.text for appeal in appeals])
        for row, appeal in enumerate(appeals):
            if appeal.appeal_id in self._grid_of:
                self.remove(appeal.appeal_id)
            partition = self._partitions.setdefault(appeal.grid_id, _Partition())
            partition.ids.append(appeal.appeal_id)
            partition.vectors.append(vectors[row])
            partition.compounds.append(appeal.compound_id)
            partition.times.append(appeal.created_at.timestamp())
            partition.stacked = None
            self._grid_of[appeal.appeal_id] = appeal.grid_id

    def remove(self, appeal_id: str) -> None:
        """Forget an appeal (closed or merged); unknown ids are ignored."""
        grid_id = self._grid_of.pop(appeal_id, None)
        if grid_id is None:
            return
        partition = self._partitions[grid_id]
        position = partition.ids.index(appeal_id)
        for column in (partition.ids, partition.vectors, partition.compounds, partition.times):
            del column[position]
        partition.stacked = None
        if not partition.ids:
            del self._partitions[grid_id]

    def find(self, appeal: AppealRecord, limit: int = 5) -> list[DuplicateMatch]:
        """Open appeals in the same grid, within the window of the appeal's time, most similar first."""
        partition = self._partitions.get(appeal.grid_id)
        if partition is None:
            return []
        query = self.embedder.encode([appeal.text])
        similarity = np.asarray((partition.matrix() @ query.T).todense()).ravel()
        times = np.asarray(partition.times)
        in_window = np.abs(times - appeal.created_at.timestamp()) <= self.window.total_seconds()
        same_compound = np.array(
            [bool(appeal.compound_id) and compound == appeal.compound_id for compound in partition.compounds]
        )
        scores = np.minimum(similarity + SAME_COMPOUND_BONUS * same_compound, 1.0)
        candidates = np.flatnonzero(in_window & (scores >= self.threshold))
        best = candidates[np.argsort(-scores[candidates], kind="stable")][:limit]
        return [
            DuplicateMatch(
                partition.ids[i],
                round(float(scores[i]), 4),
                round(float(similarity[i]), 4),
                bool(same_compound[i]),
            )
            for i in best
            if partition.ids[i] != appeal.appeal_id
        ]
