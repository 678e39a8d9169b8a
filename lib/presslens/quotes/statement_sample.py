"""``presslens eval quotes --statement-pairs``: score the same-statement link on hand-judged pairs of wordings.

``tests/data/statement_pairs_sample.csv`` holds pairs of one speaker's wordings from two bench corpora, drawn from the
pairs presslens compares (two words specific to the speaker shared) in five bands of token-set similarity, each judged
``same_statement`` 1 or 0 (guideline: ``tests/data/statement_pairs_sample.md``). Scoring recomputes today's similarity
and reports, for the default threshold and for each threshold from 50 to 95, the precision and recall of "linked"
(similarity at the threshold) on the sample, and the link precision on each corpus, weighting each band by the
number of compared pairs it held when the sample was drawn (``band_pairs``), since bands were sampled evenly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from presslens import paths
from presslens.quotes.statements import DEFAULT_THRESHOLD, similarity

SAMPLE_FILE = paths.PROJECT_ROOT / "tests" / "data" / "statement_pairs_sample.csv"
THRESHOLDS = tuple(range(50, 100, 5))


def read_pairs(path: str | Path = SAMPLE_FILE) -> pd.DataFrame:
    """The judged pairs (comment lines starting with # are the guideline), ``same_statement`` as bool."""
    pairs = pd.read_csv(path, comment="#", dtype=str, keep_default_na=False)
    return pairs.assign(same_statement=pairs["same_statement"] == "1", band_pairs=pairs["band_pairs"].astype(int))


def link_figures(same: pd.Series, linked: pd.Series) -> dict[str, float | int]:
    """Precision, recall and F1 of ``linked`` against the judgement ``same``, with the counts behind them."""
    hits = int((same & linked).sum())
    precision = hits / int(linked.sum()) if linked.any() else 0.0
    recall = hits / int(same.sum()) if same.any() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"linked": int(linked.sum()), "same": int(same.sum()), "both": hits, "precision": precision,
            "recall": recall, "f1": f1}


def weighted_precision(pairs: pd.DataFrame, threshold: float) -> float:
    """Share of a corpus's linked pairs that are the same statement: each band's judged share of the linked pairs,
    weighted by the number of compared pairs the band held."""
    linked = pairs[pairs["score"] >= threshold]
    per_band = linked.groupby("band").agg(share=("same_statement", "mean"), n=("band_pairs", "first"),
                                          sampled=("band_pairs", "size"))
    in_band = pairs.groupby("band").size()
    weight = per_band["n"] * per_band["sampled"] / in_band[per_band.index]
    return float((per_band["share"] * weight).sum() / weight.sum()) if len(per_band) else 0.0


def evaluate_pairs(path: str | Path = SAMPLE_FILE, write: Path | None = None) -> dict[str, Any]:
    """Score today's similarity on the judged pairs: figures at the default threshold, per threshold and per corpus."""
    pairs = read_pairs(path)
    pairs["score"] = [similarity(first, second) for first, second in zip(pairs["wording_a"], pairs["wording_b"])]
    if write is not None:
        pairs.assign(linked=pairs["score"] >= DEFAULT_THRESHOLD).to_csv(write, index=False)
    return {
        "sample": str(path),
        "pairs": len(pairs),
        "threshold": DEFAULT_THRESHOLD,
        "overall": link_figures(pairs["same_statement"], pairs["score"] >= DEFAULT_THRESHOLD),
        "corpora": {corpus: {**link_figures(part["same_statement"], part["score"] >= DEFAULT_THRESHOLD),
                             "weighted_precision": weighted_precision(part, DEFAULT_THRESHOLD)}
                    for corpus, part in pairs.groupby("corpus")},
        "by_band": [{"band": band, "pairs": len(part), "same": int(part["same_statement"].sum())}
                    for band, part in pairs.groupby("band")],
        "by_threshold": [{"threshold": threshold, **link_figures(pairs["same_statement"], pairs["score"] >= threshold)}
                         for threshold in THRESHOLDS],
    }


def threshold_table(result: dict[str, Any]) -> pd.DataFrame:
    """A recorded evaluation's figures per threshold, one row each, with readable column names."""
    table = pd.DataFrame(result["by_threshold"]).set_index("threshold")
    return table.rename(columns={"linked": "pairs linked", "same": "judged same", "both": "linked and judged same"})[
        ["pairs linked", "judged same", "linked and judged same", "precision", "recall", "f1"]]
