"""Which articles tell the same story: the TF-IDF cosine of their content words, and the cosine from which two
articles count as one story, chosen on hand-judged ABP pairs (``tests/data/timeline_story_pairs.csv``).

The timeline merge compares events of two articles only when their articles are this alike, so that a corpus of
many stories does not merge every "said" or "met" of one day into one entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import TfidfTransformer

from presslens import paths, stats

#: Hand-judged pairs of ABP articles: their cosine and whether they tell the same story (guideline beside it).
STORY_SAMPLE = paths.PROJECT_ROOT / "tests" / "data" / "timeline_story_pairs.csv"
#: The cosines ``story_threshold`` chooses from.
THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.45)


@dataclass(frozen=True)
class StoryVectors:
    """Each article's TF-IDF vector of its content-word lemmas (sublinear, L2-normalised): how alike two stories are."""

    rows: dict[str, int]
    matrix: sparse.csr_matrix

    @classmethod
    def from_term_counts(cls, term_counts: pd.DataFrame) -> "StoryVectors":
        """Vectors from long (article_id, term, count) rows, the store's ``term_counts`` table."""
        article_codes, articles = pd.factorize(term_counts["article_id"].astype(str), sort=True)
        term_codes, _ = pd.factorize(term_counts["term"].astype(str), sort=True)
        counts = sparse.csr_matrix((term_counts["count"].to_numpy(dtype=float), (article_codes, term_codes)))
        matrix = TfidfTransformer(sublinear_tf=True).fit_transform(counts).tocsr()
        return cls({article: row for row, article in enumerate(articles)}, matrix)

    def similarity(self, first: list[str], second: list[str], chunk: int = 20_000) -> np.ndarray:
        """Cosine of each pair of articles: 1 for an article with itself, 0 when either has no vector.

        Each distinct pair of articles is computed once, ``chunk`` pairs at a time (the events of a 10k corpus
        give hundreds of thousands of pairs, whose sparse rows would not fit in memory at once)."""
        left = np.array([self.rows.get(a, -1) for a in first], dtype=np.int64)
        right = np.array([self.rows.get(b, -1) for b in second], dtype=np.int64)
        known = (left >= 0) & (right >= 0)
        cosine = np.zeros(len(left))
        if known.any():
            pairs, which = np.unique(np.stack([left[known], right[known]], axis=1), axis=0, return_inverse=True)
            values = np.empty(len(pairs))
            for start in range(0, len(pairs), chunk):
                part = pairs[start:start + chunk]
                rows = self.matrix[part[:, 0]].multiply(self.matrix[part[:, 1]])
                values[start:start + chunk] = np.asarray(rows.sum(axis=1)).ravel()
            cosine[known] = values[which.ravel()]
        return np.where(np.array(first, dtype=object) == np.array(second, dtype=object), 1.0, cosine)


def story_threshold(sample: Path = STORY_SAMPLE) -> tuple[float, dict[str, float]]:
    """The cosine with the best F1 of "same story" on the hand-judged pairs (ties: the lower), and its scores."""
    pairs = pd.read_csv(sample)
    truth = pairs["same_story"].astype(bool).to_numpy()
    best, best_scores = THRESHOLDS[0], {"f1": -1.0}
    for threshold in THRESHOLDS:
        said = pairs["cosine"].to_numpy() >= threshold
        scores = stats.precision_recall_f1(int((said & truth).sum()), int(said.sum()), int(truth.sum()))
        if scores["f1"] > best_scores["f1"]:
            best, best_scores = threshold, {**scores, "pairs": len(pairs)}
    return best, best_scores
