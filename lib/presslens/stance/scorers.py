"""Two polarity scorers behind one interface: TextBlob on the dependency-scoped context, and the classifier."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import catalogue
import joblib
import numpy as np

from presslens import paths
from presslens.stance import finetune
from presslens.stance.context import MentionContext, scoped_polarity, textblob_scores
from presslens.stance.model import StanceModel, blend, stance_inputs, target_text

#: ``name -> factory(model_path) -> Scorer``; ``presslens eval stance --method NAME`` picks one.
scorers = catalogue.create("presslens", "stance_scorers")
MODEL_PATH = paths.MODEL_DIR / "stance_classifier.joblib"
CLASSES = (-1, 0, 1)


class Scorer(Protocol):
    """Scores mentions in context: a polarity in {-1, 0, 1} and a signed score for each."""

    name: str

    def score(self, contexts: Sequence[MentionContext]) -> list[tuple[int, float]]:
        """(polarity, score) for each context."""


@dataclass(frozen=True)
class Thresholds:
    """Cut points on a signed score: below ``negative`` is -1, above ``positive`` is +1, else 0."""

    negative: float = -0.05
    positive: float = 0.05

    def apply(self, score: float) -> int:
        """The polarity class of a score."""
        return -1 if score < self.negative else (1 if score > self.positive else 0)


@lru_cache(maxsize=4)
def load_bundle(path: str | Path = MODEL_PATH) -> dict[str, Any]:
    """The trained artifact: the feature model, the fine-tuned weights, their blend, class biases, thresholds."""
    target = Path(path)
    if not target.exists():
        raise FileNotFoundError(f"{target}: no stance model; run `presslens train stance` first")
    return joblib.load(target)


@dataclass
class TextBlobScorer:
    """TextBlob polarity of the mention's dependency-scoped context, negation applied, then thresholds."""

    thresholds: Thresholds
    name: str = "textblob"

    def score(self, contexts: Sequence[MentionContext]) -> list[tuple[int, float]]:
        """(polarity, scoped TextBlob score) for each context."""
        scores = [scoped_polarity(context) for context in contexts]
        return [(self.thresholds.apply(value), value) for value in scores]


@dataclass
class SentenceTextBlobScorer:
    """Reference: TextBlob polarity of the whole sentence, whatever the target, then thresholds."""

    thresholds: Thresholds
    name: str = "sentence"

    def score(self, contexts: Sequence[MentionContext]) -> list[tuple[int, float]]:
        """(polarity, whole-sentence TextBlob score) for each context."""
        scores = [textblob_scores(context.sentence.text)[0] for context in contexts]
        return [(self.thresholds.apply(value), value) for value in scores]


@dataclass
class ModelScorer:
    """The feature classifier blended with the fine-tuned encoder; score = P(positive) - P(negative)."""

    model: StanceModel
    log_bias: np.ndarray
    tuned: finetune.TunedWeights | None = None
    tuned_share: float = 0.0
    name: str = "model"

    def probabilities(self, contexts: Sequence[MentionContext]) -> np.ndarray:
        """Class probabilities (columns -1, 0, 1) for each context."""
        if not contexts:
            return np.zeros((0, len(CLASSES)))
        if self.tuned is None or self.tuned_share == 0:
            return self.model.predict_proba(stance_inputs(contexts))
        tuned = finetune.predict_proba(self.tuned, [target_text(context) for context in contexts])
        if self.tuned_share == 1:
            return tuned
        return blend(self.model.predict_proba(stance_inputs(contexts)), tuned, self.tuned_share)

    def score(self, contexts: Sequence[MentionContext]) -> list[tuple[int, float]]:
        """(argmax of bias-adjusted log-probabilities, P(pos) - P(neg)) for each context."""
        probs = self.probabilities(contexts)
        choice = np.argmax(np.log(np.clip(probs, 1e-9, 1)) + self.log_bias, axis=1)
        return [(CLASSES[k], float(p[2] - p[0])) for k, p in zip(choice, probs)]


def _thresholds(bundle: dict[str, Any], key: str) -> Thresholds:
    """Thresholds stored in the bundle under ``key``."""
    return Thresholds(**bundle[key])


@scorers.register("textblob")
def make_textblob(model_path: str | Path = MODEL_PATH) -> TextBlobScorer:
    """The TextBlob scorer with its dev-tuned thresholds."""
    return TextBlobScorer(_thresholds(load_bundle(str(model_path)), "textblob_thresholds"))


@scorers.register("sentence")
def make_sentence(model_path: str | Path = MODEL_PATH) -> SentenceTextBlobScorer:
    """The whole-sentence TextBlob reference with its dev-tuned thresholds."""
    return SentenceTextBlobScorer(_thresholds(load_bundle(str(model_path)), "sentence_thresholds"))


@scorers.register("model")
def make_model(model_path: str | Path = MODEL_PATH) -> ModelScorer:
    """The trained classifier."""
    bundle = load_bundle(str(model_path))
    return ModelScorer(bundle["model"], np.asarray(bundle["log_bias"], dtype=float), bundle["tuned"],
                       float(bundle["tuned_share"]))


def get_scorer(name: str, model_path: str | Path = MODEL_PATH) -> Scorer:
    """A scorer by registered name."""
    return scorers.get(name)(model_path)
