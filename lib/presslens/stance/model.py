"""The feature stance classifier (target-marked features plus frozen encoder vectors) and the blend."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import MaxAbsScaler

from presslens.encoder import TargetText, target_vectors
from presslens.stance.context import MentionContext, features

#: Scale of the encoder vectors against the max-abs-scaled sparse features (chosen on NewsMTSC rw dev).
EMBEDDING_WEIGHT = 0.5


@dataclass(frozen=True)
class StanceInputs:
    """What the classifier reads for each mention: feature dicts and [target vector | sentence vector]."""

    features: list[dict[str, float]]
    vectors: np.ndarray


def blend(first: np.ndarray, second: np.ndarray, second_share: float) -> np.ndarray:
    """The normalised weighted geometric mean of two class-probability matrices."""
    logs = (1 - second_share) * np.log(np.clip(first, 1e-9, 1)) + second_share * np.log(np.clip(second, 1e-9, 1))
    weights = np.exp(logs - logs.max(axis=1, keepdims=True))
    return weights / weights.sum(axis=1, keepdims=True)


def target_text(context: MentionContext) -> TargetText:
    """The mention's sentence and its character span inside that sentence."""
    sentence = context.sentence
    return TargetText(sentence.text, context.mention.start_char - sentence.start_char,
                      context.mention.end_char - sentence.start_char)


def stance_inputs(contexts: Sequence[MentionContext], desc: str = "encoding mentions") -> StanceInputs:
    """Sparse features and encoder vectors for each context (each sentence encoded once)."""
    if not contexts:
        return StanceInputs([], np.zeros((0, 0), np.float32))
    targets, sentences = target_vectors([target_text(context) for context in contexts], desc=desc)
    return StanceInputs([features(context) for context in contexts], np.hstack([targets, sentences]))


@dataclass
class StanceModel:
    """Max-abs-scaled sparse features and weighted encoder vectors into a balanced logistic regression."""

    vectoriser: DictVectorizer
    scaler: MaxAbsScaler
    embedding_weight: float = EMBEDDING_WEIGHT
    classifier: LogisticRegression | None = None

    @classmethod
    def prepare(cls, inputs: StanceInputs, embedding_weight: float = EMBEDDING_WEIGHT) -> "StanceModel":
        """Fit the feature vocabulary and scaling on training inputs."""
        vectoriser = DictVectorizer()
        scaler = MaxAbsScaler().fit(vectoriser.fit_transform(inputs.features))
        return cls(vectoriser, scaler, embedding_weight)

    def matrix(self, inputs: StanceInputs) -> sparse.csr_matrix:
        """The design matrix of some inputs."""
        words = self.scaler.transform(self.vectoriser.transform(inputs.features))
        return sparse.hstack([words, sparse.csr_matrix(inputs.vectors * self.embedding_weight)]).tocsr()

    def fitted(self, design: sparse.csr_matrix, labels: Sequence[int], c: float) -> "StanceModel":
        """A copy with its classifier fitted at inverse regularisation strength ``c``."""
        classifier = LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(design, labels)
        return replace(self, classifier=classifier)

    def predict_proba(self, inputs: StanceInputs) -> np.ndarray:
        """Class probabilities (columns -1, 0, 1) for each input row."""
        if self.classifier is None:
            raise RuntimeError("the stance model is not fitted")
        if not inputs.features:
            return np.zeros((0, 3))
        return self.classifier.predict_proba(self.matrix(inputs))
