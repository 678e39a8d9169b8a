"""Which outlet differences in frames a corpus can detect: a simulation from the measured per-article variance."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import mannwhitneyu

from presslens.frames.cues import with_outlet

SIZES = (10, 25, 50, 100, 200)
DIFFERENCES = tuple(np.round(np.arange(0.01, 0.41, 0.01), 2))


def article_values(article_frames: pd.DataFrame, articles: pd.DataFrame, measure: str) -> dict[str, np.ndarray]:
    """Per frame, the values of every article (pooled over outlets: their spread is the per-article variance)."""
    table = with_outlet(article_frames.drop(columns="outlet", errors="ignore"), articles).dropna(subset=["outlet"])
    return {frame: part[measure].to_numpy(dtype=float) for frame, part in table.groupby("frame", sort=True)}


def power_of(values: np.ndarray, n: int, difference: float, alpha: float, rng: np.random.Generator,
             repeats: int) -> float:
    """Share of simulated pairs of outlets (n articles each, one shifted by ``difference``) a U test separates."""
    first = rng.choice(values, size=(repeats, n))
    second = np.clip(rng.choice(values, size=(repeats, n)) + difference, 0.0, 1.0)
    p_values = mannwhitneyu(first, second, axis=1, alternative="two-sided").pvalue
    return float(np.mean(np.nan_to_num(p_values, nan=1.0) < alpha))


def detectable_differences(article_frames: pd.DataFrame, articles: pd.DataFrame,
                           measure: str = "classifier_probability", sizes: Sequence[int] = SIZES,
                           power: float = 0.8, alpha: float = 0.05, repeats: int = 400, seed: int = 0) -> pd.DataFrame:
    """Per frame and articles per outlet: the smallest difference of mean ``measure`` found with ``power``.

    Two outlets are drawn from the corpus's per-article values (pooled), one shifted (clipped to [0, 1]); the test
    is Mann-Whitney's U (as in :func:`presslens.frames.profiles.frame_differences`) at ``alpha`` divided by the
    number of frames (Bonferroni over the frames of one outlet pair).
    ``min_difference`` is NaN when even the largest difference tried (0.40) is not found that often.
    """
    rng = np.random.default_rng(seed)
    by_frame = article_values(article_frames, articles, measure)
    level = alpha / max(1, len(by_frame))
    rows = []
    for frame, values in by_frame.items():
        for n in sizes:
            rows.append({"frame": frame, "measure": measure, "n_per_outlet": n, "mean": float(values.mean()),
                         "sd": float(values.std(ddof=1)),
                         "min_difference": smallest_found(values, n, power, level, rng, repeats)})
    return pd.DataFrame(rows)


def smallest_found(values: np.ndarray, n: int, power: float, alpha: float, rng: np.random.Generator,
                   repeats: int) -> float:
    """The smallest difference of :data:`DIFFERENCES` found with ``power`` (bisection; power grows with it)."""
    low, high = 0, len(DIFFERENCES) - 1
    if power_of(values, n, DIFFERENCES[high], alpha, rng, repeats) < power:
        return float("nan")
    while low < high:
        middle = (low + high) // 2
        if power_of(values, n, DIFFERENCES[middle], alpha, rng, repeats) >= power:
            high = middle
        else:
            low = middle + 1
    return float(DIFFERENCES[low])
