"""``presslens eval frames`` and ``presslens train frames``: SemEval-2023 Task 3 frame scoring, 5 fixed folds."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import f1_score

from presslens import arguments, paths
from presslens.frames import cues
from presslens.frames.classifier import MODEL_FILE, ClassifierConfig, FrameClassifier
from presslens.registry import Command, evaluators, trainers

DEFAULT_DATA = paths.EVAL_DIR / "semeval2023t3_frames"
N_FOLDS = 5
#: The published reference point: TF-IDF (1-2 grams) + one-vs-rest logistic regression, C=10, threshold 0.40.
REFERENCE = ClassifierConfig(C=10.0, word_ngrams=(1, 2), char_ngrams=None, min_df=1, max_features=None,
                             class_weight=None, thresholds="fixed", fixed_threshold=0.40)
SHARE_GRID = (0.0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.10, 0.12, 0.15, 0.20, 0.25, 0.30, 0.40, 0.50)


@dataclass(frozen=True)
class FrameDataset:
    """Articles with gold frames: sorted ids, texts (title on the first line) and label lists."""

    ids: list[str]
    texts: list[str]
    labels: list[list[str]]


def load_dataset(folder: Path) -> FrameDataset:
    """A SemEval-2023 Task 3 frame folder: labels.tsv (``<ID>\\t<Frame>,...``) and articles/article<ID>.txt."""
    gold: dict[str, list[str]] = {}
    for line in (folder / "labels.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip():
            article_id, _, frames = line.partition("\t")
            gold[article_id.strip()] = [frame.strip() for frame in frames.split(",") if frame.strip()]
    ids = sorted(gold)
    texts = [(folder / "articles" / f"article{article_id}.txt").read_text(encoding="utf-8") for article_id in ids]
    return FrameDataset(ids, texts, [gold[article_id] for article_id in ids])


def fold_of(n_items: int) -> np.ndarray:
    """The fixed folds: item i (in sorted-id order) goes to fold i mod 5."""
    return np.arange(n_items) % N_FOLDS


def label_matrix(labels: Sequence[Sequence[str]], frames: Sequence[str]) -> np.ndarray:
    """0/1 matrix of articles x frames; unknown frame names are an error."""
    index = {frame: j for j, frame in enumerate(frames)}
    matrix = np.zeros((len(labels), len(frames)), dtype=int)
    for i, row in enumerate(labels):
        for frame in row:
            if frame not in index:
                raise ValueError(f"unknown frame {frame!r}; expected one of {list(frames)}")
            matrix[i, index[frame]] = 1
    return matrix


def score(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]], frames: Sequence[str]) -> dict[str, Any]:
    """Micro-F1, macro-F1 (over all frames) and per-frame F1, as in the official SemEval scorer."""
    truth, guess = label_matrix(gold, frames), label_matrix(predicted, frames)
    per_frame = f1_score(truth, guess, average=None, zero_division=0)
    return {"micro_f1": round(float(f1_score(truth, guess, average="micro", zero_division=0)), 4),
            "macro_f1": round(float(f1_score(truth, guess, average="macro", zero_division=0)), 4),
            "per_frame_f1": {frame: round(float(value), 4) for frame, value in zip(frames, per_frame)},
            "n_articles": len(gold)}


def classifier_cv(data: FrameDataset, config: ClassifierConfig, frames: Sequence[str]) -> list[list[str]]:
    """Out-of-fold classifier predictions over the fixed folds (thresholds chosen inside each fold)."""
    folds = fold_of(len(data.ids))
    predicted: list[list[str]] = [[] for _ in data.ids]
    for k in range(N_FOLDS):
        train, test = np.where(folds != k)[0], np.where(folds == k)[0]
        model = FrameClassifier(list(frames), config).fit([data.texts[i] for i in train],
                                                          [data.labels[i] for i in train])
        for i, row in zip(test, model.predict([data.texts[i] for i in test])):
            predicted[i] = row
    return predicted


def article_shares(texts: Sequence[str], ids: Sequence[str], model: str | None) -> list[dict[str, float]]:
    """Cue-tagger frame shares of each article, parsed with the cached presslens pipeline."""
    from presslens.nlp import load_pipeline, parse_texts

    docs = parse_texts(list(texts), load_pipeline(model), desc="parsing articles")
    for doc, article_id in zip(docs, ids):
        doc._.article_id = article_id
    return cues.iter_shares(docs)


def share_thresholds(shares: Sequence[dict[str, float]], targets: np.ndarray,
                     frames: Sequence[str]) -> dict[str, float]:
    """Per frame, the share threshold with the best F1 on the given articles (ties: the lowest)."""
    chosen = {}
    for j, frame in enumerate(frames):
        values = np.array([row[frame] for row in shares])
        scores = [f1_score(targets[:, j], (values >= t) & (values > 0), zero_division=0) for t in SHARE_GRID]
        chosen[frame] = float(SHARE_GRID[int(np.argmax(scores))])
    return chosen


def cue_cv(shares: Sequence[dict[str, float]], labels: Sequence[Sequence[str]],
           frames: Sequence[str]) -> tuple[list[list[str]], list[dict[str, float]]]:
    """Out-of-fold cue-tagger article labels (share thresholds tuned on the other folds) and the thresholds."""
    folds, targets = fold_of(len(labels)), label_matrix(labels, frames)
    predicted: list[list[str]] = [[] for _ in labels]
    chosen = []
    for k in range(N_FOLDS):
        train = np.where(folds != k)[0]
        thresholds = share_thresholds([shares[i] for i in train], targets[train], frames)
        chosen.append(thresholds)
        for i in np.where(folds == k)[0]:
            predicted[i] = cues.article_labels(shares[i], thresholds)
    return predicted, chosen


def write_predictions(path: Path, ids: Sequence[str], predicted: Sequence[Sequence[str]]) -> None:
    """Predictions TSV: ``<ID>\\t<Frame>,<Frame>,...``, frame names as in labels.tsv."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{i}\t{','.join(row)}\n" for i, row in zip(ids, predicted)), encoding="utf-8")


def config_from_args(args: argparse.Namespace) -> ClassifierConfig:
    """The classifier configuration, with the command-line overrides applied."""
    config = ClassifierConfig()
    overrides = {"thresholds": args.thresholds, "C": args.C, "class_weight": args.class_weight,
                 "char_ngrams": tuple(args.char_ngrams) if args.char_ngrams else None}
    config = replace(config, **{key: value for key, value in overrides.items() if value is not None})
    return replace(config, class_weight=None) if args.class_weight == "none" else config


def evaluate_cv(args: argparse.Namespace, frames: list[str]) -> dict[str, Any]:
    """Both taggers under the fixed 5-fold cross-validation on one labelled folder."""
    data = load_dataset(args.data)
    config = config_from_args(args)
    result: dict[str, Any] = {"data": str(args.data), "protocol": "5-fold CV, folds = sorted ids, i mod 5"}
    predicted = classifier_cv(data, config, frames)
    result["classifier"] = {**score(data.labels, predicted, frames), "config": config.as_dict()}
    if args.predictions:
        write_predictions(args.predictions, data.ids, predicted)
    if args.reference:
        result["reference_tfidf_lr_c10_t040"] = score(data.labels, classifier_cv(data, REFERENCE, frames), frames)
    if not args.no_cues:
        cue_predicted, chosen = cue_cv(article_shares(data.texts, data.ids, args.model), data.labels, frames)
        result["cue_tagger"] = {**score(data.labels, cue_predicted, frames),
                                "share_thresholds_fold0": chosen[0]}
        if args.cue_predictions:
            write_predictions(args.cue_predictions, data.ids, cue_predicted)
    return result


def evaluate_heldout(args: argparse.Namespace, frames: list[str]) -> dict[str, Any]:
    """Train on one labelled folder (thresholds by its own inner CV) and score on another."""
    train, test = load_dataset(args.train_on), load_dataset(args.test_on)
    config = config_from_args(args)
    model = FrameClassifier(frames, config).fit(train.texts, train.labels)
    predicted = model.predict(test.texts)
    result: dict[str, Any] = {"train_on": str(args.train_on), "test_on": str(args.test_on),
                              "classifier": {**score(test.labels, predicted, frames), "config": config.as_dict()}}
    if args.predictions:
        write_predictions(args.predictions, test.ids, predicted)
    if not args.no_cues:
        targets = label_matrix(train.labels, frames)
        thresholds = share_thresholds(article_shares(train.texts, train.ids, args.model), targets, frames)
        test_shares = article_shares(test.texts, test.ids, args.model)
        cue_predicted = [cues.article_labels(row, thresholds) for row in test_shares]
        result["cue_tagger"] = {**score(test.labels, cue_predicted, frames), "share_thresholds": thresholds}
        if args.cue_predictions:
            write_predictions(args.cue_predictions, test.ids, cue_predicted)
    return result


def run_eval(args: argparse.Namespace) -> dict[str, Any]:
    """``presslens eval frames``."""
    frames = cues.frame_names()
    if bool(args.train_on) != bool(args.test_on):
        raise SystemExit("--train-on and --test-on go together")
    return evaluate_heldout(args, frames) if args.train_on else evaluate_cv(args, frames)


def add_classifier_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by eval and train: classifier overrides."""
    parser.add_argument("--thresholds", choices=("global", "per_frame", "blend", "fixed"), help="threshold mode")
    parser.add_argument("--C", type=float, help="inverse regularisation strength of the logistic regressions")
    parser.add_argument("--class-weight", choices=("balanced", "none"), help="class weights of the regressions")
    parser.add_argument("--char-ngrams", type=int, nargs=2, metavar=("MIN", "MAX"),
                        help="add character n-gram TF-IDF features (slower)")


def add_eval_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``presslens eval frames``."""
    parser.add_argument("--data", type=arguments.existing_path, default=DEFAULT_DATA,
                        help="folder with labels.tsv and articles/ (default: the shared SemEval-2023 T3 frames)")
    parser.add_argument("--train-on", type=arguments.existing_path, help="labelled folder to train on")
    parser.add_argument("--test-on", type=arguments.existing_path, help="labelled folder to score on")
    parser.add_argument("--predictions", type=arguments.output_path, help="write classifier predictions (TSV)")
    parser.add_argument("--cue-predictions", type=arguments.output_path, help="write cue-tagger predictions (TSV)")
    parser.add_argument("--model", help="spaCy model for the cue tagger (default: the presslens pipeline)")
    parser.add_argument("--no-cues", action="store_true", help="score the classifier only")
    parser.add_argument("--reference", action="store_true", help="also score the published TF-IDF+LR reference")
    add_classifier_options(parser)


def model_card(config: ClassifierConfig, data: FrameDataset, metrics: dict[str, Any], thresholds: np.ndarray,
               frames: Sequence[str], artifact: Path) -> str:
    """The model card text: data, date, configuration, measured quality and limits."""
    per_frame = "\n".join(f"| {frame} | {sum(frame in row for row in data.labels)} | "
                          f"{metrics['per_frame_f1'][frame]:.3f} | {threshold:.3f} |"
                          for frame, threshold in zip(frames, thresholds))
    char_part = f" + character {config.char_ngrams[0]}-{config.char_ngrams[1]}-gram" if config.char_ngrams else ""
    return f"""# Frame classifier (`{artifact.name}`)

Multi-label article-level classifier of the 14 Policy Frames Codebook frames (SemEval-2023 Task 3 subtask 2
label names), used by `presslens.frames` and notebook `01-framing`.

- **Trained**: {dt.date.today().isoformat()} by `presslens train frames --data ../shared/eval/semeval2023t3_frames`.
- **Data**: {len(data.ids)} English news articles of SemEval-2023 Task 3 (training part; licence and terms
  with the task organisers; the data are not in this repository).
- **Model**: word 1-2-gram{char_part}
  TF-IDF (sublinear tf, min_df {config.min_df}, at most {config.max_features} features per analyser), one
  L2 logistic regression per frame (C={config.C}, class_weight={config.class_weight}); decision thresholds
  ({config.thresholds}) chosen on {config.inner_folds} inner cross-validation folds of the training data.
- **Quality** (5-fold CV with fixed folds, sorted ids, i mod 5; thresholds chosen inside each training
  fold): micro-F1 **{metrics['micro_f1']:.3f}**, macro-F1 **{metrics['macro_f1']:.3f}**. Reference on the
  same articles and folds (TF-IDF 1-2-grams + LR, C=10, threshold 0.40; `presslens eval frames --reference`):
  published micro-F1 0.673, measured here 0.674 with macro-F1 0.411.

| frame | training articles | CV F1 | threshold in this artifact |
| --- | --- | --- | --- |
{per_frame}

## Alternatives measured (issue 5 follow-up; none adopted)
Same fixed folds; every decision rule (thresholds, minimum top-k labels, stacker) chosen on 4 inner folds of
each training fold. Micro / macro F1; the adopted configuration is the first row.

| features / model | blend thresholds | global threshold | global + top-k minimum | per-frame thresholds |
| --- | --- | --- | --- | --- |
| TF-IDF + LR C=3 balanced (adopted) | 0.670 / 0.539 | 0.672 / 0.500 | 0.670 / 0.504 | 0.636 / 0.546 |
| title line repeated twice | 0.668 / 0.538 | 0.675 / 0.512 | 0.673 / 0.510 | 0.641 / 0.545 |
| max_df 0.5 | 0.670 / 0.540 | 0.673 / 0.496 | 0.672 / 0.494 | 0.640 / 0.544 |
| lowercase spaCy lemmas (cached parses) instead of words | 0.671 / 0.540 | 0.678 / 0.518 | 0.676 / 0.523 | 0.645 / 0.549 |
| mean of word LR + lemma LR | 0.670 / 0.542 | 0.673 / 0.506 | 0.672 / 0.514 | 0.638 / 0.543 |
| + cue-tagger shares (x3) as features | 0.653 / 0.541 | 0.655 / 0.536 | 0.655 / 0.536 | 0.642 / 0.544 |
| calibrated linear SVM (C=0.3) | 0.672 / 0.506 | 0.670 / 0.448 | 0.668 / 0.457 | 0.608 / 0.517 |
| complement NB (alpha 0.3) | 0.679 / 0.415 | 0.664 / 0.400 | 0.662 / 0.400 | 0.677 / 0.423 |
| mean of LR + SVM | 0.666 / 0.513 | 0.677 / 0.490 | 0.675 / 0.490 | 0.615 / 0.533 |
| mean of LR + NB | 0.673 / 0.500 | 0.673 / 0.427 | 0.673 / 0.438 | 0.638 / 0.541 |
| mean of LR + SVM + NB | 0.671 / 0.487 | 0.671 / 0.446 | 0.673 / 0.457 | 0.627 / 0.542 |
| title x2, mean of LR + NB | 0.675 / 0.502 | 0.672 / 0.427 | 0.673 / 0.439 | 0.638 / 0.544 |
| stacking (LR on the 14 inner-fold frame logits, C=0.1) | 0.605 / 0.532 | 0.588 / 0.514 | 0.590 / 0.516 | 0.608 / 0.537 |

The largest micro-F1 gains (+0.009 complement NB, +0.006 LR + SVM) drop macro-F1 below 0.50; with macro-F1 at
0.50 or above the best gain is +0.008 (lemmas, global threshold; about 10 of 1295 gold labels), within
fold-to-fold noise and chosen on these same folds, so the configuration (which needs no parse) is unchanged.
Stacking loses 0.06. The 0.74 micro-F1 target is not reached by these TF-IDF models on 347 articles.

## Limits
- Trained on {len(data.ids)} articles, mostly about other topics (migration, crime, US politics, wars) than
  Central Asian security: treat its labels as a second opinion next to the auditable cue tagger.
- Rare frames (Economic, Capacity and resources, Public opinion, Cultural identity; 22-28 training articles
  each) are unreliable.
- Article-level only: it says which frames an article uses, not where; use the cue tagger for evidence.
- Model configuration was compared across the same 5 folds it is scored on (no separate test set here),
  so the CV figures are slightly optimistic.
"""


def run_train(args: argparse.Namespace) -> dict[str, Any]:
    """``presslens train frames``: CV metrics, then the final model on all articles, artifact + model card."""
    frames = cues.frame_names()
    data = load_dataset(args.data)
    config = config_from_args(args)
    metrics = score(data.labels, classifier_cv(data, config, frames), frames)
    model = FrameClassifier(frames, config).fit(data.texts, data.labels)
    model.cue_thresholds = share_thresholds(article_shares(data.texts, data.ids, args.model),
                                            label_matrix(data.labels, frames), frames)
    artifact = model.save(args.out)
    card = args.out.with_suffix(".md")
    card.write_text(model_card(config, data, metrics, model.thresholds, frames, artifact), encoding="utf-8")
    return {"artifact": str(artifact), "card": str(card), "bytes": artifact.stat().st_size,
            "cv": metrics, "config": config.as_dict(), "thresholds": dict(zip(frames, model.thresholds.tolist())),
            "cue_thresholds": model.cue_thresholds}


def add_train_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``presslens train frames``."""
    parser.add_argument("--data", type=arguments.existing_path, default=DEFAULT_DATA,
                        help="folder with labels.tsv and articles/")
    parser.add_argument("--out", type=arguments.output_path, default=MODEL_FILE, help="artifact path (.joblib)")
    parser.add_argument("--model", help="spaCy model for the cue tagger's share thresholds")
    add_classifier_options(parser)


evaluators.register("frames", func=Command(
    help="score the frame cue tagger and classifier (SemEval-2023 T3, 5 fixed folds); prints JSON",
    add_arguments=add_eval_arguments, run=run_eval))
trainers.register("frames", func=Command(
    help="train the article frame classifier; writes data/models/frames_classifier.joblib + model card",
    add_arguments=add_train_arguments, run=run_train))
