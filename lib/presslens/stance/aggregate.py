"""From Docs to stance records, article-level stance toward each actor, and per-outlet comparisons of articles."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score
from spacy.tokens import Doc
from tqdm.auto import tqdm

from presslens import paths, stats
from presslens.stance.context import mention_context, mention_span
from presslens.stance.scorers import Scorer, get_scorer
from presslens.stance.targets import Mention, TargetSet, find_mentions, load_targets

METHODS = ("textblob", "model")
TABLE_KEYS = ["outlet", "target", "voice", "method"]
#: The article-level aggregation settings chosen on SEESAW train (``presslens train entity-stance``).
SETTINGS_PATH = paths.MODEL_DIR / "entity_stance.json"
VOICES = ("own", "quoted", "all")
#: Each voice as a heading.
VOICE_TITLES = {"own": "The outlet's own voice", "quoted": "The voices it quotes", "all": "Both voices together"}


@dataclass(frozen=True)
class ArticleStanceSettings:
    """How mention scores become an article's stance toward an actor, and its class.

    ``value``: "score" (P(positive) - P(negative)) or "polarity" (-1 / 0 / +1) of each mention;
    ``quoted_weight``: weight of a quoted mention beside an own-voice one in the overall stance;
    ``prior``: neutral pseudo-mentions added to the denominator (few mentions -> closer to neutral);
    ``negative`` / ``positive``: cut points of the negative / positive class;
    ``position_scale``: a mention in sentence i (0: the headline or first sentence) weighs
    1 / (1 + i / position_scale), so the top of the article counts most; 0 weighs every position alike.
    """

    value: str = "score"
    quoted_weight: float = 0.5
    prior: float = 1.0
    negative: float = -0.1
    positive: float = 0.1
    position_scale: float = 0.0

    def classify(self, stance: float) -> int:
        """The class (-1, 0, +1) of an article stance."""
        return -1 if stance < self.negative else (1 if stance > self.positive else 0)


def load_settings(path: str | Path = SETTINGS_PATH) -> ArticleStanceSettings:
    """The recorded aggregation settings, or the defaults when none are recorded."""
    target = Path(path)
    if not target.exists():
        return ArticleStanceSettings()
    names = {f.name for f in fields(ArticleStanceSettings)}
    recorded = json.loads(target.read_text(encoding="utf-8"))["settings"]
    return ArticleStanceSettings(**{k: v for k, v in recorded.items() if k in names})


def save_settings(settings: ArticleStanceSettings, path: str | Path, record: Mapping[str, Any]) -> None:
    """Write the settings (and what they were chosen on) as JSON."""
    Path(path).write_text(json.dumps({**record, "settings": asdict(settings)}, indent=2) + "\n", encoding="utf-8")


def position_weights(mentions: pd.DataFrame, scale: float) -> np.ndarray:
    """Each mention's weight by its sentence index: 1 / (1 + index / scale), or 1 everywhere when scale is 0."""
    if scale <= 0:
        return np.ones(len(mentions))
    return 1.0 / (1.0 + mentions["sentence_index"].to_numpy(dtype=float) / scale)


def article_stance(mentions: pd.DataFrame, settings: ArticleStanceSettings | None = None,
                   by: Sequence[str] = ("article_id", "actor")) -> pd.DataFrame:
    """One row per article × actor × voice (own, quoted, all): stance in [-1, 1], its class and n mentions.

    ``mentions`` holds one scorer's mentions (columns ``by``, ``voice``, ``polarity``, ``score``, and
    ``sentence_index`` when ``position_scale`` is set). Own and quoted voices each average their own mentions;
    "all" weighs quoted mentions by ``quoted_weight``; every mention is also weighted by its position; each
    mean has ``prior`` neutral pseudo-mentions in its denominator (0.0 when nothing weighs).
    """
    settings = settings or load_settings()
    keys = list(by)
    quoted = (mentions["voice"] == "quoted").to_numpy()
    value = mentions[settings.value].to_numpy(dtype=float)
    position = position_weights(mentions, settings.position_scale)
    weights = {"own": (~quoted) * position, "quoted": quoted * position,
               "all": np.where(quoted, settings.quoted_weight, 1.0) * position}
    parts = []
    for voice in VOICES:
        frame = mentions[keys].assign(weighted=value * weights[voice], weight=weights[voice],
                                      counted=(weights[voice] > 0) | (voice == "all"))
        sums = frame.groupby(keys, sort=True)[["weighted", "weight", "counted"]].sum().reset_index()
        total = sums["weight"].to_numpy() + settings.prior
        stance = np.divide(sums["weighted"].to_numpy(), total, out=np.zeros(len(sums)), where=total > 0)
        labels = np.where(stance < settings.negative, -1, np.where(stance > settings.positive, 1, 0))
        parts.append(sums[keys].assign(voice=voice, stance=stance, label=labels,
                                       n_mentions=sums["counted"].astype(int))[sums["counted"].to_numpy() > 0])
    order = {voice: i for i, voice in enumerate(VOICES)}
    table = pd.concat(parts, ignore_index=True)
    table = table.sort_values(keys + ["voice"], key=lambda c: c.map(order) if c.name == "voice" else c,
                              kind="stable")
    return table.reset_index(drop=True)[keys + ["voice", "stance", "label", "n_mentions"]]


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
    return _strongest(cell, k)


def _strongest(cell: pd.DataFrame, k: int) -> pd.DataFrame:
    """The ``k`` rows of one cell's mentions with the largest |score| (ties: in order), with their trace."""
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
    for (outlet, target, voice), cell in mentions[mentions["method"] == method].groupby(["outlet", "target", "voice"]):
        rows = _strongest(cell, k)
        items = "".join(f"<li>[{r.polarity:+d}, {r.score:+.2f}] {html.escape(r.sentence)} "
                        f"<small>({r.article_id} {r.start_char}-{r.end_char}"
                        f"{', quoting ' + html.escape(r.speaker) if r.speaker else ''})</small></li>"
                        for r in rows.itertuples())
        blocks.append(f"<details><summary>{html.escape(outlet)} · {html.escape(target)} · {voice}</summary>"
                      f"<ul>{items}</ul></details>")
    return "\n".join(blocks)


ARTICLE_TABLE_KEYS = ["outlet", "actor", "voice"]


def with_outlet(stance: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Article stance rows with each article's outlet joined in from the articles table."""
    if "outlet" in stance:
        return stance
    outlets = articles[["id", "outlet"]].rename(columns={"id": "article_id"})
    return stance.merge(outlets, on="article_id", how="left")


def outlet_actor_stance(stance: pd.DataFrame) -> pd.DataFrame:
    """Per outlet × actor × voice: n articles, mean article stance with a bootstrap interval over articles.

    Also the shares of negative, neutral and positive articles and the small-n flag (n articles < MIN_N).
    """
    table = stats.mean_table(stance, ARTICLE_TABLE_KEYS, "stance").rename(columns={"n": "n_articles"})
    shares = (stance.groupby(ARTICLE_TABLE_KEYS)["label"].value_counts(normalize=True).unstack(fill_value=0.0)
              .reindex(columns=[-1, 0, 1], fill_value=0.0))
    shares.columns = ["share_negative", "share_neutral", "share_positive"]
    mentions = stance.groupby(ARTICLE_TABLE_KEYS)["n_mentions"].sum().rename("n_mentions")
    table = table.merge(shares.reset_index(), on=ARTICLE_TABLE_KEYS).merge(mentions.reset_index(),
                                                                             on=ARTICLE_TABLE_KEYS)
    return table[ARTICLE_TABLE_KEYS + ["n_articles", "n_mentions", "mean", "ci_low", "ci_high", "share_negative",
                                       "share_neutral", "share_positive", "small_n"]]


#: From this many articles on each side, a difference of means is tested by Welch's t-test (the permutation test's
#: large-sample equivalent, and thousands of times cheaper when one side is an outlet's hundreds of articles).
LARGE_SAMPLE = 30


def mean_difference_p(x: np.ndarray, y: np.ndarray, n_resamples: int = stats.N_RESAMPLES) -> tuple[str, float]:
    """The test of a difference of two means and its two-sided p-value: permutation, or Welch's t for large samples."""
    from scipy.stats import ttest_ind

    if min(len(x), len(y)) >= LARGE_SAMPLE:
        return "Welch t-test", float(ttest_ind(x, y, equal_var=False).pvalue)
    return "permutation test", stats.permutation_p(x, y, n_resamples)


def outlet_differences(stance: pd.DataFrame, alpha: float = 0.05, n_resamples: int = stats.N_RESAMPLES
                       ) -> pd.DataFrame:
    """Per actor and voice, each outlet's articles against the other outlets' articles on that actor
    (:func:`presslens.stats.against_rest`): difference of mean article stance with a bootstrap interval, the test of
    :func:`mean_difference_p`, Benjamini-Hochberg over every outlet, actor and voice, and ``supported``."""
    return stats.against_rest(stance, ["actor", "voice"], "stance",
                              lambda own, rest: mean_difference_p(own, rest, n_resamples), alpha)


def describe_outlet_differences(tests: pd.DataFrame, voice: str, limit: int = 10) -> list[str]:
    """The ``limit`` largest supported differences of one voice in words, then how many there are in all."""
    part = tests[tests["voice"] == voice]
    if part.empty:
        return [f"No outlet has at least {stats.MIN_N} articles on an actor (and {stats.MIN_N} elsewhere) in the "
                f"{voice} voice, so none is tested."]
    supported = stats.supported_first(part)
    sentences = [f"{row.outlet} writes {'more positively' if row.difference > 0 else 'more negatively'} about "
                 f"{row.actor} than the other outlets (mean article stance {row.mean:+.2f} over {row.n_articles} "
                 f"articles vs {row.mean_rest:+.2f} over {row.n_rest}; difference {row.difference:+.2f} "
                 f"[95% {row.ci_low:+.2f}, {row.ci_high:+.2f}]; {row.test}, adjusted p = {row.p_adjusted:.3g})."
                 for row in supported.head(limit).itertuples()]
    tested = f"{len(part)} outlet-actor comparisons in this voice (Benjamini-Hochberg)"
    return [*sentences, stats.supported_count(len(supported), tested, limit)]


def with_quote_speakers(mentions: pd.DataFrame, quotes: pd.DataFrame) -> pd.DataFrame:
    """Mentions whose ``quote_id`` names a quote: quoted voice, with that quote's canonical (corpus-wide) speaker."""
    if "quote_id" not in mentions or quotes.empty:
        return mentions
    speaker_of = {(a, q): s or "unknown"
                  for a, q, s in zip(quotes["article_id"], quotes["quote_id"], quotes["speaker"])}
    keys = list(zip(mentions["article_id"], mentions["quote_id"].fillna("")))
    quoted = [bool(q) and (a, q) in speaker_of for a, q in keys]
    return mentions.assign(voice=np.where(quoted, "quoted", "own"),
                           speaker=[speaker_of[k] if flag else "" for k, flag in zip(keys, quoted)])


def article_heatmap_frames(table: pd.DataFrame, voice: str, actors: Sequence[str] | None = None,
                           outlets: Sequence[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Outlet × actor mean article stance and cell labels ("mean / [low, high] / n articles", * for small n), of
    the given actors and outlets (default: all)."""
    part = table[table["voice"] == voice]
    if actors is not None:
        part = part[part["actor"].isin(actors)]
    if outlets is not None:
        part = part[part["outlet"].isin(outlets)]
    values = part.pivot(index="outlet", columns="actor", values="mean")
    labels = part.assign(label=[_article_label(row) for row in part.itertuples()]).pivot(
        index="outlet", columns="actor", values="label")
    order = [a for a in (actors or part.groupby("actor")["n_articles"].sum().sort_values(ascending=False).index)
             if a in values.columns]
    return values.reindex(columns=order), labels.reindex(columns=order).fillna("")


def _article_label(row: Any) -> str:
    """A heatmap cell's text: mean, interval (when n allows) and n articles, with a mark for small n."""
    if row.small_n or np.isnan(row.ci_low):
        return f"{row.mean:+.2f}\nn={row.n_articles}*"
    return f"{row.mean:+.2f}\n[{row.ci_low:+.1f},{row.ci_high:+.1f}]\nn={row.n_articles}"


def corpus_caveats(stance: pd.DataFrame, ranking: pd.DataFrame, articles: pd.DataFrame,
                   min_articles: int) -> list[str]:
    """Caveats computed from this corpus: articles per outlet, thin actors, quoted share, unmatched articles."""
    per_outlet = articles.groupby("outlet")["id"].nunique().sort_values(kind="stable")
    small = per_outlet[per_outlet < stats.MIN_N]
    notes = [f"{len(per_outlet)} outlets with {per_outlet.min()}–{per_outlet.max()} articles each"
             + (f"; {len(small)} with fewer than {stats.MIN_N} ({', '.join(small.index[:8])}"
                f"{', ...' if len(small) > 8 else ''}): their cells describe those articles only." if len(small)
                else ".")]
    thin = ranking[~ranking["is_target"] & (ranking["n_articles"] < min_articles)
                   & (ranking["n_mentions"] >= 2 * min_articles)]
    if len(thin):
        notes.append(f"{len(thin)} actors are mentioned often but in fewer than {min_articles} articles and are "
                     f"left out: {', '.join(thin['actor'].head(8))}.")
    own = stance[stance["voice"] == "own"]
    quoted = stance[stance["voice"] == "quoted"]
    notes.append(f"{len(own)} article × actor pairs have own-voice mentions, {len(quoted)} have quoted ones; "
                 f"cells with fewer than {stats.MIN_N} articles are marked * and enter no comparison by eye.")
    no_actor = set(articles["id"]) - set(stance["article_id"])
    if no_actor:
        notes.append(f"{len(no_actor)} of {len(articles)} articles mention none of the chosen actors.")
    return notes
