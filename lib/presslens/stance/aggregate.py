"""From Docs to stance records and the per-outlet × target × voice table (n, bootstrap interval, shares)."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from sklearn.metrics import cohen_kappa_score
from spacy.tokens import Doc
from tqdm.auto import tqdm

from presslens import stats
from presslens.stance.context import mention_context, mention_span
from presslens.stance.scorers import Scorer, get_scorer
from presslens.stance.targets import Mention, TargetSet, find_mentions, load_targets

METHODS = ("textblob", "model")
TABLE_KEYS = ["outlet", "target", "voice", "method"]


def score_mentions(found: Sequence[tuple[str, Doc, Mention]], scorers: Sequence[Scorer]) -> list[dict[str, Any]]:
    """One record per (article id, Doc, mention) and scorer: the trace plus polarity, score and method.

    Each scorer reads all the mentions at once, so the classifier batches them across articles.
    """
    contexts = [mention_context(mention_span(doc, m.start_char, m.end_char)) for _, doc, m in found]
    records = []
    for scorer in scorers:
        for (article_id, _, mention), (polarity, score) in zip(found, scorer.score(contexts)):
            records.append({**mention.as_dict(), "polarity": polarity, "score": score, "method": scorer.name,
                            "article_id": article_id})
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
    found = [(article_id, doc, mention)
             for article_id, doc in tqdm(docs.items(), desc="finding mentions", unit="article", disable=len(docs) < 50)
             for mention in find_mentions(doc, targets)]
    records = [{"outlet": outlet_of.get(record["article_id"], ""), **record}
               for record in score_mentions(found, scorers)]
    frame = pd.DataFrame(records, columns=["outlet", "article_id", "target", "text", "start_char", "end_char",
                                           "source", "alias_kind", "voice", "speaker", "method", "polarity",
                                           "score", "sentence_index", "sentence"])
    return frame.sort_values(["article_id", "start_char", "method"], kind="stable").reset_index(drop=True)


def roll_up(mentions: pd.DataFrame, targets: TargetSet | None = None) -> pd.DataFrame:
    """The mentions with each target replaced by its declared group (e.g. Putin -> Russian state)."""
    targets = targets or load_targets()
    return mentions.assign(target=mentions["target"].map(targets.group_of))


def _cell(part: pd.DataFrame) -> dict[str, Any]:
    """n, articles, mean polarity with a bootstrap interval, class shares, small-n flag.

    The interval resamples whole articles when the cell spans at least two, else single mentions (one
    article gives no between-article variation to resample); ``ci_unit`` says which.
    """
    n, n_articles = len(part), part["article_id"].nunique()
    clusters = part["article_id"].tolist() if n_articles >= 2 else None
    low, high = stats.bootstrap_ci(part["polarity"].to_numpy(), clusters=clusters)
    shares = part["polarity"].value_counts(normalize=True)
    return {"n": n, "n_articles": n_articles, "mean": float(part["polarity"].mean()),
            "ci_low": low, "ci_high": high, "ci_unit": "article" if clusters else "mention",
            "mean_score": float(part["score"].mean()),
            "share_negative": float(shares.get(-1, 0.0)), "share_neutral": float(shares.get(0, 0.0)),
            "share_positive": float(shares.get(1, 0.0)), "small_n": stats.too_small(n)}


def stance_outlet_target(mentions: pd.DataFrame) -> pd.DataFrame:
    """The ``stance_outlet_target`` table: one row per outlet × target × voice × method."""
    rows = [{**dict(zip(TABLE_KEYS, keys)), **_cell(part)}
            for keys, part in mentions.groupby(TABLE_KEYS, sort=True)]
    return pd.DataFrame(rows, columns=TABLE_KEYS + ["n", "n_articles", "mean", "ci_low", "ci_high", "ci_unit",
                                                    "mean_score",
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


def heatmap_frames(table: pd.DataFrame, voice: str, method: str = "model",
                   min_total: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Outlet × target mean polarity and cell labels ("mean / [low, high] / n", small n marked) for one voice.

    Targets with fewer than ``min_total`` mentions over all outlets are left out of the figure (not the table).
    """
    part = table[(table["voice"] == voice) & (table["method"] == method)]
    totals = part.groupby("target")["n"].sum()
    part = part[part["target"].isin(totals[totals >= min_total].index)]
    values = part.pivot(index="outlet", columns="target", values="mean")
    labels = part.assign(label=[_label(row) for row in part.itertuples()]).pivot(
        index="outlet", columns="target", values="label")
    order = part.groupby("target")["n"].sum().sort_values(ascending=False, kind="stable").index
    return values.reindex(columns=order), labels.reindex(columns=order).fillna("")


def _label(row: Any) -> str:
    """A heatmap cell's text: mean, interval (when n allows) and n, with a mark for small n."""
    if row.small_n:
        return f"{row.mean:+.2f}\nn={row.n}*"
    return f"{row.mean:+.2f}\n[{row.ci_low:+.1f},{row.ci_high:+.1f}]\nn={row.n}"


def evidence_details(mentions: pd.DataFrame, method: str = "model", k: int = 3) -> str:
    """HTML: one collapsible block per outlet × target × voice with its ``k`` strongest evidence sentences."""
    blocks = []
    for (outlet, target, voice), _ in mentions[mentions["method"] == method].groupby(["outlet", "target", "voice"]):
        rows = strongest_evidence(mentions, outlet, target, voice, method, k)
        items = "".join(f"<li>[{r.polarity:+d}, {r.score:+.2f}] {html.escape(r.sentence)} "
                        f"<small>({r.article_id} {r.start_char}-{r.end_char}"
                        f"{', quoting ' + html.escape(r.speaker) if r.speaker else ''})</small></li>"
                        for r in rows.itertuples())
        blocks.append(f"<details><summary>{html.escape(outlet)} · {html.escape(target)} · {voice}</summary>"
                      f"<ul>{items}</ul></details>")
    return "\n".join(blocks)
