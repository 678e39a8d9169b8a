"""From Docs to stance records and the per-outlet × target × voice table (n, bootstrap interval, shares)."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import pandas as pd
from sklearn.metrics import cohen_kappa_score
from spacy.tokens import Doc

from presslens import stats
from presslens.stance.context import mention_context, mention_span
from presslens.stance.scorers import Scorer, get_scorer
from presslens.stance.targets import Mention, TargetSet, find_mentions, load_targets

METHODS = ("textblob", "model")
TABLE_KEYS = ["outlet", "target", "voice", "method"]


def score_mentions(doc: Doc, mentions: Sequence[Mention], scorers: Sequence[Scorer]) -> list[dict[str, Any]]:
    """One record per mention and scorer: the mention's trace plus polarity, score and method."""
    contexts = [mention_context(mention_span(doc, m.start_char, m.end_char)) for m in mentions]
    records = []
    for scorer in scorers:
        for mention, (polarity, score) in zip(mentions, scorer.score(contexts)):
            records.append({**mention.as_dict(), "polarity": polarity, "score": score, "method": scorer.name})
    return records


def stance_mentions(
    docs: Mapping[str, Doc],
    articles: pd.DataFrame,
    targets: TargetSet | None = None,
    methods: Sequence[str] = METHODS,
) -> pd.DataFrame:
    """The ``stance_mentions`` table: every scored mention of every article, with its outlet."""
    targets = targets or load_targets()
    scorers = [get_scorer(name) for name in methods]
    outlet_of = dict(zip(articles["id"], articles["outlet"]))
    records = []
    for article_id, doc in docs.items():
        for record in score_mentions(doc, find_mentions(doc, targets), scorers):
            records.append({"outlet": outlet_of.get(article_id, ""), **record, "article_id": article_id})
    frame = pd.DataFrame(records, columns=["outlet", "article_id", "target", "text", "start_char", "end_char",
                                           "source", "alias_kind", "voice", "speaker", "method", "polarity",
                                           "score", "sentence_index", "sentence"])
    return frame.sort_values(["article_id", "start_char", "method"], kind="stable").reset_index(drop=True)


def roll_up(mentions: pd.DataFrame, targets: TargetSet | None = None) -> pd.DataFrame:
    """The mentions with each target replaced by its declared group (e.g. Putin -> Russian state)."""
    targets = targets or load_targets()
    return mentions.assign(target=mentions["target"].map(targets.group_of))


def _cell(part: pd.DataFrame) -> dict[str, Any]:
    """n, articles, mean polarity with an article-clustered bootstrap interval, class shares, small-n flag."""
    n = len(part)
    low, high = stats.bootstrap_ci(part["polarity"].to_numpy(), clusters=part["article_id"].tolist())
    shares = part["polarity"].value_counts(normalize=True)
    return {"n": n, "n_articles": part["article_id"].nunique(), "mean": float(part["polarity"].mean()),
            "ci_low": low, "ci_high": high, "mean_score": float(part["score"].mean()),
            "share_negative": float(shares.get(-1, 0.0)), "share_neutral": float(shares.get(0, 0.0)),
            "share_positive": float(shares.get(1, 0.0)), "small_n": stats.too_small(n)}


def stance_outlet_target(mentions: pd.DataFrame) -> pd.DataFrame:
    """The ``stance_outlet_target`` table: one row per outlet × target × voice × method."""
    rows = [{**dict(zip(TABLE_KEYS, keys)), **_cell(part)}
            for keys, part in mentions.groupby(TABLE_KEYS, sort=True)]
    return pd.DataFrame(rows, columns=TABLE_KEYS + ["n", "n_articles", "mean", "ci_low", "ci_high", "mean_score",
                                                    "share_negative", "share_neutral", "share_positive", "small_n"])


def strongest_evidence(mentions: pd.DataFrame, outlet: str, target: str, voice: str,
                       method: str = "model", k: int = 3) -> pd.DataFrame:
    """The ``k`` sentences with the largest |score| for one cell, with their trace."""
    cell = mentions[(mentions["outlet"] == outlet) & (mentions["target"] == target)
                    & (mentions["voice"] == voice) & (mentions["method"] == method)]
    order = cell["score"].abs().sort_values(ascending=False, kind="stable").index
    return cell.loc[order[:k], ["article_id", "start_char", "end_char", "text", "speaker", "polarity", "score",
                                "sentence"]]


def method_agreement(mentions: pd.DataFrame, first: str = "textblob", second: str = "model") -> dict[str, Any]:
    """How often two methods give the same polarity to the same mention: share, Cohen's kappa, crosstab."""
    wide = mentions.pivot_table(index=["article_id", "start_char", "end_char"], columns="method",
                                values="polarity", aggfunc="first").dropna(subset=[first, second])
    if wide.empty:
        return {"n": 0, "agreement": float("nan"), "kappa": float("nan"), "crosstab": pd.DataFrame()}
    return {"n": len(wide), "agreement": float((wide[first] == wide[second]).mean()),
            "kappa": float(cohen_kappa_score(wide[first], wide[second])),
            "crosstab": pd.crosstab(wide[first], wide[second], rownames=[first], colnames=[second])}
