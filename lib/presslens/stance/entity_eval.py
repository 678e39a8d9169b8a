"""``presslens eval/train entity-stance``: article-level stance toward entities, scored on SEESAW.

SEESAW (Zhang, Beauchamp & Wang, EMNLP 2022; CC BY-NC-SA 4.0) labels each article's sentiment toward its
main and salient entities; each story is covered by three outlets. The same per-document step as the
notebook (:func:`presslens.stance.targets.find_mentions`, aliases from :func:`actors.name_variants`), the
same scorer and the same article-level aggregation (:func:`presslens.stance.aggregate.article_stance`) are
scored here. ``train`` only chooses the handful of aggregation settings on the train split (no weights are
trained on SEESAW texts) and records them in ``data/models/entity_stance.json``.
"""

from __future__ import annotations

import argparse
import itertools
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from presslens import paths, registry
from presslens.arguments import existing_path, output_path
from presslens.nlp import load_pipeline, parse_texts
from presslens.stance.actors import COUNTRY, ORGANISATION, OTHER, PERSON, name_variants
from presslens.stance.aggregate import (
    SETTINGS_PATH,
    ArticleStanceSettings,
    article_stance,
    load_settings,
    save_settings,
    score_mentions,
)
from presslens.stance.scorers import get_scorer
from presslens.stance.targets import Target, TargetSet, find_mentions, quote_attributions

SEESAW = paths.EVAL_DIR / "seesaw"
#: The recorded evaluation results that the model card and notebook 02 read.
EVAL_RECORD = paths.MODEL_DIR / "entity_stance.eval.json"
#: SEESAW's 7-point scale as numbers (Unknown is skipped).
SCALE = {"Very Negative": -3, "Negative": -2, "Slightly Negative": -1, "Neutral": 0,
         "Slightly Positive": 1, "Positive": 2, "Very Positive": 3}
#: SEESAW entity types -> actor kinds (they decide which name variants are generated).
KIND_OF_TYPE = {"People": PERSON, "Organization": ORGANISATION, "GPE": COUNTRY}
ORG_GPE = frozenset({"Organization", "GPE"})
#: The settings grid that ``train entity-stance`` searches on SEESAW train.
VALUE_GRID = ("score", "polarity")
QUOTED_WEIGHT_GRID = (0.0, 0.5, 1.0)
PRIOR_GRID = (0.0, 1.0, 3.0)
POSITION_GRID = (0.0, 1.0, 3.0, 10.0)
CUT_GRID = tuple(round(x, 3) for x in np.arange(0.0, 0.401, 0.02))
MENTION_COLUMNS = ["article_id", "story", "entity", "entity_type", "target", "text", "start_char", "end_char",
                   "source", "alias_kind", "voice", "speaker", "sentence_index", "sentence", "method",
                   "polarity", "score"]


@dataclass(frozen=True)
class GoldEntity:
    """One annotated entity of an article: its name, SEESAW type and 7-point value (None when Unknown)."""

    name: str
    entity_type: str
    value: int | None


@dataclass(frozen=True)
class SeesawArticle:
    """One SEESAW article: id, story, outlet, text (title, then one sentence per line) and its entities."""

    article_id: str
    story: str
    outlet: str
    text: str
    entities: tuple[GoldEntity, ...]

    def targets(self) -> TargetSet:
        """The article's entities as targets, each with the name variants to match in its text."""
        made = []
        for entity in self.entities:
            variants = name_variants(entity.name, KIND_OF_TYPE.get(entity.entity_type, OTHER))
            made.append(Target(entity.name, KIND_OF_TYPE.get(entity.entity_type, OTHER), variants["aliases"],
                               variants["adjectives"], variants["metonyms"]))
        return TargetSet(tuple(made))


def _value(labels: Sequence[Sequence[str]]) -> int | None:
    """The first annotator's label on the 7-point scale, None when Unknown."""
    return SCALE.get(labels[0][0]) if labels else None


def load_seesaw(folder: Path, split: str, stories: int | None = None) -> list[SeesawArticle]:
    """The articles of one split (the first ``stories`` stories when given), in id order."""
    root = folder / split
    articles = []
    for path in sorted((root / "annotations").glob("*.json")):
        article_id = path.stem
        story = article_id.split("_DOCUMENT_")[0]
        annotation = json.loads(path.read_text(encoding="utf-8"))
        body = json.loads((root / "articles" / path.name).read_text(encoding="utf-8"))
        meta = json.loads((root / "meta" / f"{story}.json").read_text(encoding="utf-8"))
        outlet = meta.get(f"Meta info for article {article_id.rsplit('_', 1)[1]}", {}).get("source", "")
        types = {row[0]: row[1][0] for row in annotation["entity lists"]}
        entities = tuple(GoldEntity(name, types.get(name, "Others"), _value(labels))
                         for name, labels in annotation["entity sentiments"].items())
        lines = [body.get("title") or ""] + [sentence["text"] for sentence in body["text"]]
        articles.append(SeesawArticle(article_id, story, outlet, "\n".join(line.strip() for line in lines), entities))
    if stories is not None:
        keep = sorted({a.story for a in articles})[:stories]
        articles = [a for a in articles if a.story in keep]
    return articles


MENTION_KEY = ["article_id", "entity", "start_char", "end_char"]


def seesaw_mentions(articles: Sequence[SeesawArticle], method: str, spacy_model: str | None = None,
                    known: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every scored mention of every annotated entity, found and scored as in the notebook.

    Mentions already scored in ``known`` (same article, entity and characters) keep their scores.
    """
    docs = parse_texts([a.text for a in articles], load_pipeline(spacy_model),
                       extensions=[{"article_id": a.article_id} for a in articles], desc="parsing SEESAW")
    known = known if known is not None else pd.DataFrame(columns=MENTION_COLUMNS)
    done = set(map(tuple, known[MENTION_KEY].to_numpy().tolist()))
    found, meta, current = [], [], set()
    for article, doc in zip(articles, docs):
        types = {e.name: e.entity_type for e in article.entities}
        for mention in find_mentions(doc, article.targets(), quote_attributions(doc)):
            key = (article.article_id, mention.target, mention.start_char, mention.end_char)
            current.add(key)
            if key not in done:
                found.append((article.article_id, doc, mention))
                meta.append({"story": article.story, "entity": mention.target, "entity_type": types[mention.target]})
    records = score_mentions(found, [get_scorer(method)]) if found else []
    fresh = pd.DataFrame([{**extra, **record} for extra, record in zip(meta, records)], columns=MENTION_COLUMNS)
    kept = known[[key in current for key in map(tuple, known[MENTION_KEY].to_numpy().tolist())]]
    return pd.concat([kept[MENTION_COLUMNS], fresh], ignore_index=True) if len(kept) else fresh


def gold_table(articles: Sequence[SeesawArticle]) -> pd.DataFrame:
    """One row per annotated (article, entity): story, outlet, type and gold value (NaN when Unknown)."""
    rows = [{"article_id": a.article_id, "story": a.story, "outlet": a.outlet, "entity": e.name,
             "entity_type": e.entity_type, "value": e.value} for a in articles for e in a.entities]
    return pd.DataFrame(rows, columns=["article_id", "story", "outlet", "entity", "entity_type", "value"])


def predict(gold: pd.DataFrame, mentions: pd.DataFrame, settings: ArticleStanceSettings) -> pd.DataFrame:
    """The gold rows with the predicted article stance (0.0 when the entity was not found) and whether found."""
    stance = article_stance(mentions.rename(columns={"entity": "actor"}), settings, by=("article_id", "actor"))
    overall = stance[stance["voice"] == "all"].rename(columns={"actor": "entity"})
    merged = gold.merge(overall[["article_id", "entity", "stance", "n_mentions"]], on=["article_id", "entity"],
                        how="left")
    return merged.assign(found=merged["n_mentions"].notna(), stance=merged["stance"].fillna(0.0))


def _classes(values: pd.Series) -> np.ndarray:
    """-1 / 0 / +1 classes of 7-point values."""
    return np.sign(values.to_numpy(dtype=float)).astype(int)


def _macro_f1(gold: np.ndarray, predicted: np.ndarray) -> float:
    """Macro-F1 over the classes -1, 0, +1 (a class neither in the gold nor predicted scores 0)."""
    per_class = []
    for label in (-1, 0, 1):
        hits = np.sum((gold == label) & (predicted == label))
        wrong = np.sum(gold == label) + np.sum(predicted == label) - 2 * hits
        per_class.append(2 * hits / (2 * hits + wrong) if hits + wrong else 0.0)
    return float(np.mean(per_class))


def macro_f1(rows: pd.DataFrame, settings: ArticleStanceSettings) -> float:
    """Macro-F1 over negative / neutral / positive of the labelled rows."""
    labelled = rows.dropna(subset=["value"])
    if labelled.empty:
        return float("nan")
    stance = labelled["stance"].to_numpy(dtype=float)
    predicted = np.where(stance < settings.negative, -1, np.where(stance > settings.positive, 1, 0))
    return _macro_f1(_classes(labelled["value"]), predicted)


def ranking_pairs(rows: pd.DataFrame) -> pd.DataFrame:
    """Same-story article pairs labelled with different values for one entity: gold order, predicted order, credit."""
    labelled = rows.dropna(subset=["value"])
    pairs = []
    for (story, entity), part in labelled.groupby(["story", "entity"], sort=True):
        for first, second in itertools.combinations(part.itertuples(), 2):
            if first.value == second.value:
                continue
            gold, predicted = np.sign(first.value - second.value), np.sign(first.stance - second.stance)
            pairs.append({"story": story, "entity": entity, "entity_type": first.entity_type,
                          "first": first.article_id, "second": second.article_id,
                          "credit": 0.5 if predicted == 0 else float(predicted == gold)})
    return pd.DataFrame(pairs, columns=["story", "entity", "entity_type", "first", "second", "credit"])


def scores(rows: pd.DataFrame, settings: ArticleStanceSettings) -> dict[str, Any]:
    """Macro-F1, ranking accuracy and coverage, overall and for organisations + countries."""
    pairs = ranking_pairs(rows)
    subset = rows[rows["entity_type"].isin(ORG_GPE)]
    subset_pairs = pairs[pairs["entity_type"].isin(ORG_GPE)]
    labelled = rows.dropna(subset=["value"])
    return {
        "macro_f1": macro_f1(rows, settings), "macro_f1_org_gpe": macro_f1(subset, settings),
        "ranking_accuracy": float(pairs["credit"].mean()) if len(pairs) else float("nan"),
        "ranking_accuracy_org_gpe": float(subset_pairs["credit"].mean()) if len(subset_pairs) else float("nan"),
        "ranking_pairs": len(pairs), "ranking_pairs_org_gpe": len(subset_pairs),
        "ranking_ties": int((pairs["credit"] == 0.5).sum()),
        "coverage": float(labelled["found"].mean()) if len(labelled) else float("nan"),
        "coverage_org_gpe": float(subset.dropna(subset=["value"])["found"].mean()) if len(subset) else float("nan"),
        "n_labelled": len(labelled), "n_labelled_org_gpe": int(subset["value"].notna().sum()),
        "n_articles": int(rows["article_id"].nunique()), "n_stories": int(rows["story"].nunique()),
    }


def write_predictions(path: Path, rows: pd.DataFrame) -> None:
    """JSONL: one ``{"article", "entity", "polarity"}`` per annotated (article, entity)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({"article": r.article_id, "entity": r.entity, "polarity": round(float(r.stance), 4)})
             for r in rows.itertuples()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def scored_mentions(data: Path, split: str, method: str, stories: int | None, cache: Path | None,
                    spacy_model: str | None = None) -> tuple[list[SeesawArticle], pd.DataFrame]:
    """The split's articles and their scored mentions; scores in ``cache`` are reused and new ones added to it.

    A stale cached mention (one the finder no longer finds) is dropped from the result, not from the cache.
    """
    articles = load_seesaw(data, split, stories)
    known = pd.read_parquet(cache) if cache is not None and cache.exists() else None
    mentions = seesaw_mentions(articles, method, spacy_model, known)
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        mentions.to_parquet(cache, index=False)
    ids = {a.article_id for a in articles}
    return articles, mentions[mentions["article_id"].isin(ids)].reset_index(drop=True)


#: The reference "method" that counts SEESAW's own sentence-level stances instead of scoring mentions.
TRIPLETS = "gold-triplets"
#: Its cut points: any net count of negative (positive) stances toward the entity makes the class.
TRIPLET_SETTINGS = ArticleStanceSettings(negative=-0.5, positive=0.5)


def triplet_stance(root: Path, articles: Sequence[SeesawArticle]) -> pd.DataFrame:
    """Per (article, entity) of a split folder: positive minus negative annotated stances toward it (a ceiling).

    SEESAW's annotators also marked, per sentence, who is positive or negative toward whom; counting the
    stances that target an entity shows how far a perfect mention-level reading, averaged, could go.
    """
    rows = []
    for article in articles:
        path = root / "annotations" / f"{article.article_id}.json"
        annotation = json.loads(path.read_text(encoding="utf-8"))
        net: dict[str, int] = {}
        for stances in annotation["sentence-level stances"].values():
            for stance in stances:
                net[stance["object"]] = net.get(stance["object"], 0) + (1 if stance["sentiment"] == "POS" else -1)
        rows += [{"article_id": article.article_id, "entity": e.name, "stance": float(net.get(e.name, 0)),
                  "n_mentions": 1.0} for e in article.entities]
    return pd.DataFrame(rows, columns=["article_id", "entity", "stance", "n_mentions"])


def evaluate(data: Path, split: str, method: str = "model", stories: int | None = None,
             predictions: Path | None = None, cache: Path | None = None,
             settings: ArticleStanceSettings | None = None, spacy_model: str | None = None) -> dict[str, Any]:
    """Score article-level entity stance on one SEESAW split; optionally write predictions."""
    settings = settings or load_settings()
    if method == TRIPLETS:
        articles, settings = load_seesaw(data, split, stories), TRIPLET_SETTINGS
        counted = triplet_stance(data / split, articles)
        rows = gold_table(articles).merge(counted, on=["article_id", "entity"], how="left")
        rows, n_mentions = rows.assign(found=True), 0
    else:
        articles, mentions = scored_mentions(data, split, method, stories, cache, spacy_model)
        rows, n_mentions = predict(gold_table(articles), mentions, settings), len(mentions)
    if predictions:
        write_predictions(predictions, rows)
    all_neutral = scores(rows.assign(stance=0.0), settings)
    measured = {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in scores(rows, settings).items()}
    return {"data": str(data), "split": split, "method": method, "settings": asdict(settings),
            **measured, "n_mentions": n_mentions,
            "all_neutral": {k: all_neutral[k] for k in ("macro_f1", "ranking_accuracy")}}


def record_result(path: Path, result: dict[str, Any]) -> None:
    """Add one evaluation result to a recorded-evaluations JSON file, under its split and method."""
    recorded = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    recorded[f"{result['split']}/{result['method']}"] = {**result, "data": Path(result["data"]).name}
    path.write_text(json.dumps(recorded, indent=2, sort_keys=True) + "\n", encoding="utf-8")


QUALITY_COLUMNS = ["macro_f1", "macro_f1_org_gpe", "ranking_accuracy", "ranking_accuracy_org_gpe", "ranking_pairs",
                   "ranking_pairs_org_gpe", "coverage", "n_labelled", "n_stories"]


def quality_table(path: Path = EVAL_RECORD) -> pd.DataFrame:
    """The recorded SEESAW results, one row per split and method, beside the all-neutral reference."""
    recorded = json.loads(Path(path).read_text(encoding="utf-8"))
    rows = []
    for key, result in sorted(recorded.items()):
        split, method = key.split("/")
        rows.append({"split": split, "method": method, **{c: result.get(c) for c in QUALITY_COLUMNS},
                     "all_neutral_macro_f1": result["all_neutral"]["macro_f1"]})
    return pd.DataFrame(rows).round(3)


CARD_PATH = paths.MODEL_DIR / "entity_stance.md"
#: The quality the article-level stance is meant to reach on SEESAW valid (issue 12).
TARGETS = {"ranking_accuracy": 0.70, "ranking_accuracy_org_gpe": 0.65, "macro_f1": 0.55}


def _markdown_table(frame: pd.DataFrame) -> str:
    """A DataFrame as a Markdown table."""
    lines = ["| " + " | ".join(map(str, frame.columns)) + " |", "|" + " --- |" * len(frame.columns)]
    lines += ["| " + " | ".join(map(str, row)) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def write_card(card: Path = CARD_PATH, settings_path: Path = SETTINGS_PATH, record: Path = EVAL_RECORD) -> None:
    """The model card of the article-level aggregation, rendered from the recorded settings and evaluations."""
    chosen = json.loads(settings_path.read_text(encoding="utf-8")) if settings_path.exists() else {}
    where = chosen.get("chosen_on", {})
    measured = _markdown_table(quality_table(record)) if record.exists() else "(no evaluation recorded yet)"
    settings = json.dumps(chosen.get("settings", {}))
    stories = f"first {where['stories']}" if where.get("stories") else "all"
    valid = json.loads(record.read_text(encoding="utf-8")).get("valid/model", {}) if record.exists() else {}
    targets = "; ".join(f"{name} ≥ {goal} {'✓' if (valid.get(name) or 0) >= goal else '✗'} "
                        f"({valid.get(name, float('nan')):.3f})" for name, goal in TARGETS.items())
    card.write_text(f"""# Model card: entity_stance (presslens.stance.aggregate.article_stance)

An article's stance toward an actor, from the scores of its mentions (`data/models/stance_classifier.md`):
per article, actor and voice (own, quoted, all) the weighted mean of the mention values with neutral
pseudo-mentions in the denominator, and its class by two cut points. A mention weighs less the further down
the article it stands (1 / (1 + sentence index / position scale)) and, in the overall voice, less when quoted.
No weights are trained here.

- **Settings** (`data/models/entity_stance.json`, by `presslens train entity-stance`): {settings}
- **Chosen on** SEESAW `{where.get("split")}` ({stories} stories, mention scorer
  `{where.get("method")}`) from value {list(VALUE_GRID)} × quoted weight {list(QUOTED_WEIGHT_GRID)} × prior
  {list(PRIOR_GRID)} × position scale {list(POSITION_GRID)}, each with the cut points (grid
  {CUT_GRID[0]}..{CUT_GRID[-1]}, step {CUT_GRID[1]}) that maximise macro-F1; the setting with the best mean of
  macro-F1 and within-story ranking accuracy wins.
- **Licence**: SEESAW (Zhang, Beauchamp & Wang, EMNLP 2022) is CC BY-NC-SA 4.0: presslens uses it only to
  evaluate and to choose these six settings; no model weights are trained on its texts.

## Measured (`presslens eval entity-stance --record data/models/entity_stance.eval.json`)
Macro-F1 over negative / neutral / positive (SEESAW's 7 labels collapsed, Unknown skipped), within-story
ranking accuracy (pairs of articles on one story labelled differently for one entity; ties count ½; chance
0.50), coverage (labelled pairs whose entity was found in the text); `_org_gpe`: organisations and countries.
`valid` stories were not used for choosing; the `train` row is in-sample; a `textblob` row (mention scorer
TextBlob on the dependency-scoped context) uses the classifier's settings, as a reference. A `{TRIPLETS}` row
scores no mentions: it counts SEESAW's own sentence-level stance annotations toward the entity (positive minus
negative; any net count decides the class), i.e. a perfect sentence-level reading, counted: a ceiling for
aggregating sentence-level stance, to hold beside the targets below.

{measured}

Targets on SEESAW valid (classifier): {targets}. The whole grid, with each setting's train macro-F1 and
ranking accuracy, is recorded in `data/models/entity_stance.json`.

## Limits
SEESAW is US political news (2012–2021) with entity names given; on another corpus the actors are found by
NER and merged by name, which this evaluation does not measure. The mention classifier was trained on
persons in US news (NewsMTSC).
""", encoding="utf-8")


def tune(gold: pd.DataFrame, mentions: pd.DataFrame) -> tuple[ArticleStanceSettings, list[dict[str, Any]]]:
    """The grid setting with the best mean of macro-F1 and ranking accuracy; cut points tuned for macro-F1."""
    trials = []
    for value, quoted_weight, prior, position in itertools.product(VALUE_GRID, QUOTED_WEIGHT_GRID, PRIOR_GRID,
                                                                   POSITION_GRID):
        base = ArticleStanceSettings(value=value, quoted_weight=quoted_weight, prior=prior, position_scale=position)
        rows = predict(gold, mentions, base)
        best = max((replace(base, negative=-neg, positive=pos) for neg, pos in itertools.product(CUT_GRID, CUT_GRID)),
                   key=lambda s: macro_f1(rows, s))
        result = scores(rows, best)
        trials.append({**asdict(best), "macro_f1": result["macro_f1"], "ranking_accuracy": result["ranking_accuracy"],
                       "ranking_accuracy_org_gpe": result["ranking_accuracy_org_gpe"],
                       "objective": (result["macro_f1"] + result["ranking_accuracy"]) / 2})
    top = max(trials, key=lambda t: t["objective"])
    names = {f.name for f in fields(ArticleStanceSettings)}
    return ArticleStanceSettings(**{k: v for k, v in top.items() if k in names}), trials


def train(data: Path, split: str, method: str, stories: int | None, cache: Path | None,
          output: Path = SETTINGS_PATH, spacy_model: str | None = None) -> dict[str, Any]:
    """Choose the aggregation settings on a SEESAW split (train) and record them with the grid's results."""
    articles, mentions = scored_mentions(data, split, method, stories, cache, spacy_model)
    chosen, trials = tune(gold_table(articles), mentions)
    record = {"chosen_on": {"data": str(data.name), "split": split, "method": method, "stories": stories},
              "settings": asdict(chosen), "grid": trials}
    save_settings(chosen, output, record)
    if output == SETTINGS_PATH:
        write_card()
    return record


def _add_common(parser: argparse.ArgumentParser) -> None:
    """Options shared by eval and train."""
    parser.add_argument("--split", default="valid", help="train or valid (default: %(default)s)")
    parser.add_argument("--method", default="model",
                        help=f"stance scorer: model, textblob or sentence; {TRIPLETS}: SEESAW's own sentence-level "
                        "stances counted (a ceiling, no mentions scored)")
    parser.add_argument("--stories", type=int, default=None, help="only the first N stories (development)")
    parser.add_argument("--scored-mentions", type=output_path, default=None,
                        help="Parquet cache of the scored mentions: read when it exists, else written")
    parser.add_argument("--model", default=None, help="spaCy model (default: presslens's)")


def _add_eval_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``presslens eval entity-stance``."""
    parser.add_argument("--data", type=existing_path, default=SEESAW, help="SEESAW folder (train/ and valid/)")
    parser.add_argument("--predictions", type=output_path, help="write JSONL predictions here")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--settings", type=existing_path, default=SETTINGS_PATH, help="aggregation settings JSON")
    parser.add_argument("--record", type=output_path, default=None,
                        help=f"add the result to this JSON file (the recorded one is {EVAL_RECORD.name})")
    _add_common(parser)


def _run_eval(args: argparse.Namespace) -> dict[str, Any]:
    """Run ``presslens eval entity-stance``."""
    result = evaluate(args.data, args.split, args.method, args.stories, args.predictions, args.scored_mentions,
                      load_settings(args.settings), args.model)
    if args.record:
        record_result(args.record, result)
        if args.record == EVAL_RECORD:
            write_card()
    return result


def _add_train_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``presslens train entity-stance``."""
    parser.add_argument("--data", type=existing_path, default=SEESAW, help="SEESAW folder (train/ and valid/)")
    parser.add_argument("--output", type=output_path, default=SETTINGS_PATH, help="settings JSON to write")
    _add_common(parser)
    parser.set_defaults(split="train")


def _run_train(args: argparse.Namespace) -> dict[str, Any]:
    """Run ``presslens train entity-stance``."""
    return train(args.data, args.split, args.method, args.stories, args.scored_mentions, args.output, args.model)


registry.evaluators.register("entity-stance", func=registry.Command(
    "score article-level stance toward entities on SEESAW: macro-F1, within-story ranking, coverage",
    _add_eval_arguments, _run_eval))
registry.trainers.register("entity-stance", func=registry.Command(
    "choose the article-level stance aggregation settings on SEESAW train; writes data/models/entity_stance.json",
    _add_train_arguments, _run_train))
