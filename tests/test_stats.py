"""Uncertainty helpers used by every per-outlet comparison."""

from __future__ import annotations

import gzip
import json
import math
from itertools import islice

import numpy as np
import pandas as pd
import pytest

from presslens import paths, stats


@pytest.fixture(scope="module")
def abp_word_counts() -> np.ndarray:
    """Word counts of the first 1,500 ABP articles (real, skewed, heavy-tailed values)."""
    source = paths.BENCH_DIR / "abp_10k.jsonl.gz"
    if not source.exists():
        pytest.skip(f"benchmark corpus not found: {source}")
    with gzip.open(source, "rt", encoding="utf-8") as lines:
        return np.array([len(json.loads(line)["content_original"].split()) for line in islice(lines, 1500)], float)


def test_wilson_interval_matches_the_textbook_value() -> None:
    low, high = stats.wilson_interval(5, 10)
    assert math.isclose(low, 0.2366, abs_tol=1e-3) and math.isclose(high, 0.7634, abs_tol=1e-3)
    assert all(math.isnan(v) for v in stats.wilson_interval(0, 0))


def test_bootstrap_interval_brackets_the_mean_and_narrows_with_more_data() -> None:
    rng = np.random.default_rng(1)
    small, large = rng.normal(0.3, 1, 20), rng.normal(0.3, 1, 2000)
    low_s, high_s = stats.bootstrap_ci(small)
    low_l, high_l = stats.bootstrap_ci(large)
    assert low_s < small.mean() < high_s and low_l < large.mean() < high_l
    assert (high_l - low_l) < (high_s - low_s) / 5


def test_cluster_bootstrap_is_wider_when_observations_cluster_by_article() -> None:
    values = np.repeat([-1.0, 1.0, -0.5, 0.8, 0.1], 20)
    articles = np.repeat(list("abcde"), 20)
    iid = stats.bootstrap_ci(values)
    clustered = stats.bootstrap_ci(values, clusters=articles)
    assert (clustered[1] - clustered[0]) > 2 * (iid[1] - iid[0])


def test_tables_flag_small_groups() -> None:
    frame = pd.DataFrame({"outlet": ["A"] * 3 + ["B"] * 8, "hit": [1, 0, 1] + [1] * 8, "score": range(11)})
    shares = stats.share_table(frame, "outlet", "hit").set_index("outlet")
    assert shares.loc["A", "small_n"] and not shares.loc["B", "small_n"]
    means = stats.mean_table(frame, ["outlet"], "score").set_index("outlet")
    assert means.loc["B", "n"] == 8 and means.loc["B", "ci_low"] <= means.loc["B", "mean"] <= means.loc["B", "ci_high"]


def test_outlet_difference_test_switches_to_welch_for_large_samples():
    """Small samples keep the permutation test; from LARGE_SAMPLE articles a side, Welch's t-test, same verdict."""
    import numpy as np

    from presslens.stance.aggregate import LARGE_SAMPLE, mean_difference_p

    rng = np.random.default_rng(3)
    small = mean_difference_p(rng.normal(0.5, 0.2, 8), rng.normal(-0.5, 0.2, 9))
    large = mean_difference_p(rng.normal(0.3, 0.5, LARGE_SAMPLE), rng.normal(-0.3, 0.5, LARGE_SAMPLE + 5))
    same = mean_difference_p(rng.normal(0.0, 0.5, LARGE_SAMPLE), rng.normal(0.0, 0.5, LARGE_SAMPLE))
    assert small[0] == "permutation test" and small[1] < 0.05
    assert large[0] == "Welch t-test" and large[1] < 0.001
    assert same[1] > 0.05


def test_the_vectorised_mean_bootstrap_gives_the_loops_interval() -> None:
    """np.mean takes the vectorised path; any other callable the loop over resamples: same draws, same interval."""
    rng = np.random.default_rng(5)
    values, articles = rng.gamma(2.0, 1.0, 300), rng.integers(0, 40, 300)
    for clusters in (None, articles):
        fast = stats.bootstrap_ci(values, clusters=clusters)
        loop = stats.bootstrap_ci(values, lambda x: float(np.mean(x)), clusters=clusters)
        assert np.allclose(fast, loop, rtol=0, atol=1e-12)


def test_large_samples_draw_resampled_means_from_their_normal_limit(abp_word_counts) -> None:
    """Article lengths of ABP: from NORMAL_LIMIT_N articles on, the interval of a difference of means is the full
    bootstrap's to within a twentieth of its width."""
    own, rest = abp_word_counts[:200], abp_word_counts[200:]
    assert len(rest) >= stats.NORMAL_LIMIT_N
    limit = stats.difference_interval(own, rest, np.random.default_rng(1), n_resamples=4000)
    full_rest = rest[np.random.default_rng(2).integers(0, len(rest), size=(4000, len(rest)))].mean(axis=1)
    full_own = own[np.random.default_rng(3).integers(0, len(own), size=(4000, len(own)))].mean(axis=1)
    full = np.quantile(full_own - full_rest, [0.025, 0.975])
    width = full[1] - full[0]
    assert abs(limit[0] - full[0]) < width / 20 and abs(limit[1] - full[1]) < width / 20
    assert limit[0] < own.mean() - rest.mean() < limit[1]


def test_permutation_p_gives_scipys_exact_p_values_and_close_random_ones() -> None:
    """Exact splits (at most 2,000) give scipy.stats.permutation_test's p-value; random ones agree within noise."""
    from scipy.stats import permutation_test

    def difference(first: np.ndarray, second: np.ndarray, axis: int = -1) -> np.ndarray:
        return np.mean(first, axis=axis) - np.mean(second, axis=axis)

    rng = np.random.default_rng(11)
    for size_x, size_y, exact in ((5, 5, True), (4, 7, True), (6, 6, True), (6, 8, False), (12, 14, False)):
        x, y = rng.normal(0.1, 0.3, size_x).round(2), rng.normal(-0.1, 0.3, size_y).round(2)  # rounded: ties
        reference = permutation_test((x, y), difference, permutation_type="independent", vectorized=True,
                                     n_resamples=2000, alternative="two-sided", random_state=stats.SEED).pvalue
        ours = stats.permutation_p(x, y)
        assert ours == pytest.approx(reference, abs=1e-12 if exact else 0.05), (size_x, size_y)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_the_median_of_resampled_clusters_is_np_median_of_the_pooled_values(seed: int):
    """The median interval over clusters is computed from value counts, not pooled arrays; it must give exactly
    what ``np.median`` of each pooled resample gives (odd and even totals, repeated values, negative days)."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 6, 40)
    values = np.round(rng.normal(30, 80, sizes.sum()))
    clusters = np.repeat(np.arange(len(sizes)), sizes).tolist()
    fast = stats.bootstrap_ci(values, np.median, clusters=clusters)
    pooled = stats.bootstrap_ci(values, lambda x: float(np.median(x)), clusters=clusters)
    assert fast == pooled
