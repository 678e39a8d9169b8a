"""Outlet frame profiles over articles: mean frame probability and cue share, intervals, and tested differences."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import mannwhitneyu

from presslens import stats
from presslens.frames.cues import with_outlet

#: The two article-level measures of a frame: the classifier's probability and the share of cue sentences.
MEASURES = ("classifier_probability", "cue_share")
#: The test of a frame difference, by name.
RANK_TEST = "Mann-Whitney U"
MEASURE_WORDS = {"classifier_probability": "classifier probability", "cue_share": "share of sentences with a cue"}


def outlet_profile(article_frames: pd.DataFrame, articles: pd.DataFrame,
                   measures: tuple[str, ...] = MEASURES) -> pd.DataFrame:
    """Per outlet and frame: n articles and, per measure, the mean over articles with a 95% bootstrap interval.

    ``article_frames`` has one row per article and frame (:func:`presslens.frames.classifier.article_frames_table`);
    the bootstrap resamples articles, so an outlet with one article has no interval (NaN) and is ``small_n``.
    """
    present = [measure for measure in measures if measure in article_frames]
    table = with_outlet(article_frames.drop(columns="outlet", errors="ignore"), articles)
    rows = []
    for (outlet, frame), part in table.groupby(["outlet", "frame"], sort=True):
        row: dict[str, object] = {"outlet": outlet, "frame": frame, "n_articles": part["article_id"].nunique()}
        for measure in present:
            low, high = stats.bootstrap_ci(part[measure].to_numpy(dtype=float))
            row.update({measure: float(part[measure].mean()), f"{measure}_ci_low": low, f"{measure}_ci_high": high})
        row["small_n"] = stats.too_small(int(row["n_articles"]))
        rows.append(row)
    return pd.DataFrame(rows)


def frame_differences(article_frames: pd.DataFrame, articles: pd.DataFrame, measure: str = "classifier_probability",
                      alpha: float = 0.05, seed: int = stats.SEED) -> pd.DataFrame:
    """Each outlet against all other articles, per frame (:func:`presslens.stats.against_rest`): difference of
    means, 95% bootstrap interval, Mann-Whitney's U (robust to the many zero cue shares of rare frames), BH-adjusted
    p and ``supported``."""
    table = with_outlet(article_frames.drop(columns="outlet", errors="ignore"), articles)
    result = stats.against_rest(table, ["frame"], measure, rank_test, alpha, seed)
    columns = ["outlet", "frame", "measure", *stats.AGAINST_REST_COLUMNS[1:]]
    return result.assign(measure=measure)[columns]


def rank_test(own: np.ndarray, rest: np.ndarray) -> tuple[str, float]:
    """Mann-Whitney's U test and its two-sided p-value (1.0 when all values are equal)."""
    if np.ptp(np.concatenate([own, rest])) == 0:
        return RANK_TEST, 1.0
    return RANK_TEST, float(mannwhitneyu(own, rest, alternative="two-sided").pvalue)


def supported_table(differences: pd.DataFrame, label=lambda frame: frame) -> pd.DataFrame:
    """The supported differences as a table to sort and search, largest first."""
    supported = stats.supported_first(differences)
    return supported.assign(frame=supported["frame"].map(label))[
        ["outlet", "frame", "mean", "mean_rest", "difference", "ci_low", "ci_high", "n_articles", "n_rest",
         "p_adjusted"]].reset_index(drop=True)


def describe_differences(differences: pd.DataFrame, label=lambda frame: frame, limit: int = 10) -> list[str]:
    """The ``limit`` largest supported differences in words, one sentence each, then how many there are in all;
    or a sentence saying there are none."""
    if differences.empty:
        return ["No outlet has enough articles (at least 5, and 5 elsewhere) to test a difference."]
    measure = MEASURE_WORDS.get(differences["measure"].iloc[0], differences["measure"].iloc[0])
    supported = stats.supported_first(differences)
    tested = f"{len(differences)} outlet-frame comparisons tested (Mann-Whitney U, Benjamini-Hochberg)"
    if supported.empty:
        return [f"No frame differs between an outlet and the other outlets beyond chance ({tested})."]
    sentences = [f"{row.outlet} carries {label(row.frame)} {'more' if row.difference > 0 else 'less'} than the "
                 f"other outlets: mean {measure} {row.mean:.2f} vs {row.mean_rest:.2f}, difference "
                 f"{row.difference:+.2f} [95% {row.ci_low:+.2f}, {row.ci_high:+.2f}], {row.n_articles} vs "
                 f"{row.n_rest} articles, adjusted p = {row.p_adjusted:.3g}."
                 for row in supported.head(limit).itertuples()]
    return [*sentences, stats.supported_count(len(supported), tested, limit)]
