"""Uncertainty for per-outlet comparisons: bootstrap (over articles) and Wilson intervals, and the small-n rule."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import sparse

#: Below this many observations a per-outlet figure is description only, never a comparison.
MIN_N = 5
N_RESAMPLES = 2000
SEED = 20240128
#: From this many values on, the bootstrap distribution of a mean is drawn from its normal limit (mean, sd/sqrt n):
#: resampling 10,000 articles a thousand times per comparison is what made per-outlet tests slow at 10k.
NORMAL_LIMIT_N = 1000


def too_small(n: int) -> bool:
    """Whether n observations are too few to conclude anything."""
    return n < MIN_N


def bootstrap_ci(
    values: Sequence[float],
    statistic: Callable[[np.ndarray], float] = np.mean,
    *,
    clusters: Sequence[object] | None = None,
    confidence: float = 0.95,
    n_resamples: int = N_RESAMPLES,
    seed: int = SEED,
) -> tuple[float, float]:
    """Percentile bootstrap interval of ``statistic``, widened to contain its estimate; resamples whole clusters
    (e.g. articles) when given, and is undefined (nan) with fewer than two of them."""
    data = np.asarray(values, dtype=float)
    if data.size < 2:
        return (float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    if clusters is None:
        draws = rng.integers(0, data.size, size=(n_resamples, data.size))
        estimates = (_row_means(data, np.ones_like(data), draws) if statistic is np.mean
                     else np.array([statistic(data[row]) for row in draws]))
    else:
        groups = [data[idx] for idx in pd.Series(range(data.size)).groupby(list(clusters)).indices.values()]
        if len(groups) < 2:
            return (float("nan"), float("nan"))
        picks = rng.integers(0, len(groups), size=(n_resamples, len(groups)))
        if statistic is np.mean:
            estimates = _row_means(np.array([g.sum() for g in groups]), np.array([g.size for g in groups], float),
                                   picks)
        elif statistic is np.median:
            estimates = _cluster_medians(groups, picks)
        else:
            estimates = np.array([statistic(np.concatenate([groups[g] for g in row])) for row in picks])
    alpha = (1 - confidence) / 2
    low, high = np.quantile(estimates, [alpha, 1 - alpha])
    estimate = float(statistic(data))
    return (min(float(low), estimate), max(float(high), estimate))


def _row_means(sums: np.ndarray, sizes: np.ndarray, picks: np.ndarray, rows_per_block: int = 256) -> np.ndarray:
    """Per row of ``picks``: the mean of the picked units (their summed values over their summed sizes), in blocks."""
    means = np.empty(len(picks))
    for first in range(0, len(picks), rows_per_block):
        block = picks[first:first + rows_per_block]
        means[first:first + rows_per_block] = sums[block].sum(axis=1) / sizes[block].sum(axis=1)
    return means


def _cluster_medians(groups: list[np.ndarray], picks: np.ndarray, rows_per_block: int = 256) -> np.ndarray:
    """Per row of ``picks``: the median of the picked clusters' values pooled, as ``np.median`` gives it, from
    how often each distinct value is picked (no pooled array is built)."""
    values, where = np.unique(np.concatenate(groups), return_inverse=True)
    owner = np.repeat(np.arange(len(groups)), [g.size for g in groups])
    per_cluster = sparse.csr_matrix((np.ones(len(owner)), (owner, where)), shape=(len(groups), len(values)))
    medians = np.empty(len(picks))
    for first in range(0, len(picks), rows_per_block):
        block = picks[first:first + rows_per_block]
        times = np.stack([np.bincount(row, minlength=len(groups)) for row in block]).astype(float)
        running = np.cumsum((per_cluster.T @ times.T).T, axis=1)
        total = running[:, -1]
        low = (running > ((total - 1) // 2)[:, None]).argmax(axis=1)
        high = (running > (total // 2)[:, None]).argmax(axis=1)
        medians[first:first + rows_per_block] = (values[low] + values[high]) / 2
    return medians


def resampled_means(values: np.ndarray, rng: np.random.Generator, n_resamples: int) -> np.ndarray:
    """Means of bootstrap resamples of ``values``; from ``NORMAL_LIMIT_N`` values on, drawn from their normal limit."""
    if len(values) >= NORMAL_LIMIT_N:
        return rng.normal(values.mean(), values.std() / np.sqrt(len(values)), n_resamples)
    return _row_means(values, np.ones_like(values), rng.integers(0, len(values), size=(n_resamples, len(values))))


def permutation_p(x: np.ndarray, y: np.ndarray, n_resamples: int = N_RESAMPLES, seed: int = SEED) -> float:
    """Two-sided p-value of the difference of two means, observations shuffled between the two samples.

    Every split is tried when there are at most ``n_resamples`` of them (exact), else ``n_resamples`` random ones;
    the p-value follows ``scipy.stats.permutation_test`` (same exact p-values), computed as one array, which is
    what a corpus of hundreds of outlets needs (every outlet against the rest, for every actor and voice).
    """
    pooled = np.concatenate([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])
    n, k = len(pooled), len(x)
    exact = math.comb(n, k) <= n_resamples
    shuffled = pooled[_splits(n, k) if exact else _shuffles(n, n_resamples, seed)]
    null = shuffled[:, :k].mean(axis=1) - shuffled[:, k:].mean(axis=1)
    observed = float(np.mean(x) - np.mean(y))
    gamma = abs(np.finfo(float).eps * 100 * observed)
    adjustment = 0 if exact else 1
    less = (np.count_nonzero(null <= observed + gamma) + adjustment) / (len(null) + adjustment)
    greater = (np.count_nonzero(null >= observed - gamma) + adjustment) / (len(null) + adjustment)
    return float(min(1.0, 2 * min(less, greater)))


@lru_cache(maxsize=256)
def _splits(n: int, k: int) -> np.ndarray:
    """Every split of n positions into k and n - k, as scipy orders them: the chosen, then the others, ascending
    (the same for every pair of samples of these sizes, so made once)."""
    chosen = np.array(list(itertools.combinations(range(n), k)))
    rest = np.array([sorted(set(range(n)) - set(row)) for row in chosen.tolist()]).reshape(len(chosen), n - k)
    return np.hstack([chosen, rest])


@lru_cache(maxsize=4)
def _shuffles(n: int, n_resamples: int, seed: int) -> np.ndarray:
    """``n_resamples`` random orders of n positions from ``seed`` (the same for every pair of samples of n: every
    outlet against the rest of one actor). Few are kept, as int32: at 10,000 articles one is 2,000 x 4,900."""
    return np.argsort(np.random.default_rng(seed).random((n_resamples, n)), axis=1).astype(np.int32)


def precision_recall_f1(hits: int, n_system: int, n_gold: int) -> dict[str, float]:
    """Precision, recall and F1 (rounded to 4 places) from the counts of hits, system answers and gold answers."""
    precision = hits / n_system if n_system else 0.0
    recall = hits / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion, always containing the share; (nan, nan) when n is 0."""
    if n == 0:
        return (float("nan"), float("nan"))
    from scipy.stats import norm

    z = float(norm.ppf(1 - (1 - confidence) / 2))
    share = successes / n
    denominator = 1 + z**2 / n
    centre = (share + z**2 / (2 * n)) / denominator
    half = z * np.sqrt(share * (1 - share) / n + z**2 / (4 * n**2)) / denominator
    # floating-point error can put centre - half a hair above a share of 0 (or centre + half below 1)
    return (float(min(share, max(0.0, centre - half))), float(max(share, min(1.0, centre + half))))


def share_table(frame: pd.DataFrame, by: str, flag: str, cluster: str | None = None) -> pd.DataFrame:
    """Per group: n, count and share of rows where ``flag`` is true, a 95% interval and the small-n flag.

    With ``cluster`` (e.g. ``article_id``) the interval is a bootstrap over clusters, so that rows of one article
    count as one unit, ``n_articles`` is their number and small n means too few of them; else a Wilson interval.
    """
    rows = []
    for group, part in frame.groupby(by, sort=True):
        n, k = len(part), int(part[flag].sum())
        row = {by: group, "n": n, "count": k, "share": k / n if n else float("nan")}
        if cluster is None:
            low, high = wilson_interval(k, n)
            rows.append({**row, "ci_low": low, "ci_high": high, "small_n": too_small(n)})
            continue
        units = part[cluster].nunique()
        low, high = bootstrap_ci(part[flag].to_numpy(dtype=float), clusters=part[cluster].tolist())
        rows.append({**row, "ci_low": low, "ci_high": high, "small_n": too_small(units), "n_articles": units})
    columns = [by, "n", "count", "share", "ci_low", "ci_high", "small_n"] + (["n_articles"] if cluster else [])
    return pd.DataFrame(rows, columns=columns)


def mean_table(frame: pd.DataFrame, by: Sequence[str], value: str, cluster: str | None = None) -> pd.DataFrame:
    """Per group: n, mean of ``value``, a bootstrap interval (by ``cluster`` when given) and the small-n flag."""
    rows = []
    for keys, part in frame.groupby(list(by), sort=True):
        keys = keys if isinstance(keys, tuple) else (keys,)
        clusters = part[cluster].tolist() if cluster else None
        low, high = bootstrap_ci(part[value].to_numpy(), clusters=clusters)
        rows.append({**dict(zip(by, keys)), "n": len(part), "mean": float(part[value].mean()),
                     "ci_low": low, "ci_high": high, "small_n": too_small(len(part))})
    return pd.DataFrame(rows)


def difference_interval(own: np.ndarray, rest: np.ndarray, rng: np.random.Generator,
                        n_resamples: int = 1000) -> tuple[float, float]:
    """95% percentile bootstrap interval of mean(own) - mean(rest), resampling the articles of each side (a side of
    ``NORMAL_LIMIT_N`` articles or more draws its resampled means from their normal limit)."""
    differences = resampled_means(own, rng, n_resamples) - resampled_means(rest, rng, n_resamples)
    low, high = np.quantile(differences, [0.025, 0.975])
    return float(low), float(high)


#: The columns of :func:`against_rest` after the cell's own keys.
AGAINST_REST_COLUMNS = ["outlet", "n_articles", "n_rest", "mean", "mean_rest", "difference", "ci_low", "ci_high",
                        "test", "p", "p_adjusted", "supported"]


def against_rest(table: pd.DataFrame, within: Sequence[str], value: str,
                 test: Callable[[np.ndarray, np.ndarray], tuple[str, float]], alpha: float = 0.05,
                 seed: int = SEED) -> pd.DataFrame:
    """Per cell of ``within`` (a frame, an actor and voice): each outlet's articles against the cell's other articles.

    One row per outlet with at least ``MIN_N`` articles (and ``MIN_N`` elsewhere): both means, the difference with a
    95% bootstrap interval (:func:`difference_interval`), ``test``'s name and p-value, the Benjamini-Hochberg
    adjusted p over every row, and ``supported``: adjusted p below ``alpha`` and an interval that excludes 0. One
    comparison per outlet, so the number of tests grows with the outlets, not with their pairs.
    """
    from scipy.stats import false_discovery_control

    rng = np.random.default_rng(seed)
    rows = []
    for keys, part in table.groupby(list(within), sort=True):
        keys = keys if isinstance(keys, tuple) else (keys,)
        outlets, values = part["outlet"].to_numpy(), part[value].to_numpy(dtype=float)
        for outlet in sorted(set(outlets[pd.notna(outlets)])):
            mine = outlets == outlet
            own, rest = values[mine], values[~mine]
            if too_small(len(own)) or too_small(len(rest)):
                continue
            low, high = difference_interval(own, rest, rng)
            name, p_value = test(own, rest)
            rows.append({**dict(zip(within, keys)), "outlet": outlet, "n_articles": len(own), "n_rest": len(rest),
                         "mean": float(own.mean()), "mean_rest": float(rest.mean()),
                         "difference": float(own.mean() - rest.mean()), "ci_low": low, "ci_high": high,
                         "test": name, "p": p_value})
    columns = [*within, *AGAINST_REST_COLUMNS]
    if not rows:
        return pd.DataFrame(columns=columns)
    result = pd.DataFrame(rows)
    result["p_adjusted"] = false_discovery_control(result["p"].to_numpy())
    excludes_zero = (result["ci_low"] > 0) | (result["ci_high"] < 0)
    result["supported"] = (result["p_adjusted"] < alpha) & excludes_zero
    return result[columns]


def supported_first(differences: pd.DataFrame) -> pd.DataFrame:
    """The supported rows of an :func:`against_rest` table, the largest difference first."""
    supported = differences[differences["supported"].astype(bool)]
    return supported.sort_values("difference", key=np.abs, ascending=False, kind="stable")


def supported_count(n_supported: int, tested: str, limit: int) -> str:
    """The closing line of a listed few supported differences: how many of those tested, and where the rest are."""
    more = f" (the {limit} largest above; every one in the table below)" if n_supported > limit else ""
    return f"{n_supported} of {tested} are supported{more}."
