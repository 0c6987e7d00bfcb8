"""Near-duplicate groups of texts, so that a train/test split never puts copies of one text on both sides."""

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer


class UnionFind:
    def __init__(self, size: int):
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)

    def labels(self) -> np.ndarray:
        return np.array([self.find(item) for item in range(len(self.parent))])


def shingle_matrix(texts: list[str], size: int = 3) -> sparse.csr_matrix:
    """Binary document x character-n-gram matrix (spaces removed), the sets behind Jaccard similarity."""
    compact = [text.replace(" ", "") for text in texts]
    vectorizer = CountVectorizer(
        analyzer="char", ngram_range=(size, size), binary=True, lowercase=False, dtype=np.int32
    )
    return vectorizer.fit_transform(compact).tocsr()


def near_duplicate_pairs(texts: list[str], threshold: float, size: int = 3, block: int = 2000):
    """Index pairs (i < j) of non-empty texts whose character-shingle Jaccard similarity is >= threshold."""
    present = [index for index, text in enumerate(texts) if text]
    if len(present) < 2:
        return
    matrix = shingle_matrix([texts[index] for index in present], size)
    sizes = np.asarray(matrix.sum(axis=1)).ravel()
    transposed = matrix.T.tocsc()
    for start in range(0, matrix.shape[0], block):
        overlap = (matrix[start : start + block] @ transposed).tocoo()
        rows = overlap.row + start
        keep = rows < overlap.col
        rows, cols, shared = rows[keep], overlap.col[keep], overlap.data[keep]
        similarity = shared / np.maximum(sizes[rows] + sizes[cols] - shared, 1)
        for i, j in zip(rows[similarity >= threshold], cols[similarity >= threshold], strict=True):
            yield present[i], present[j]


def near_duplicate_groups(fields: list[list[str]], thresholds: list[float]) -> np.ndarray:
    """Group ids for records given as parallel text fields (e.g. titles and details): two records share a
    group when any field is a near-duplicate (Jaccard >= that field's threshold), transitively."""
    size = len(fields[0])
    groups = UnionFind(size)
    for texts, threshold in zip(fields, thresholds, strict=True):
        for i, j in near_duplicate_pairs(texts, threshold):
            groups.union(i, j)
    return groups.labels()
