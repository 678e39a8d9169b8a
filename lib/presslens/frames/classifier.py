"""The article-level frame classifier: TF-IDF features, one logistic regression per frame, tuned thresholds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import KFold
from sklearn.pipeline import FeatureUnion

from presslens import paths

MODEL_FILE = paths.MODEL_DIR / "frames_classifier.joblib"
THRESHOLD_GRID = tuple(np.round(np.arange(0.10, 0.71, 0.025), 3))


@dataclass(frozen=True)
class ClassifierConfig:
    """Hyper-parameters of the frame classifier (chosen by the fixed 5-fold CV; see the model card)."""

    C: float = 3.0
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] | None = None
    min_df: int = 2
    max_features: int | None = 60000
    class_weight: str | None = "balanced"
    thresholds: str = "blend"  # "global" (one for all frames), "per_frame", "blend" (their mean), "fixed"
    fixed_threshold: float = 0.4
    inner_folds: int = 4
    seed: int = 0

    def as_dict(self) -> dict[str, object]:
        """The configuration as plain JSON-able values."""
        return asdict(self)


def build_features(config: ClassifierConfig) -> FeatureUnion:
    """Word (and optionally character) TF-IDF features, sublinear term frequencies."""
    parts = [("word", TfidfVectorizer(ngram_range=config.word_ngrams, min_df=config.min_df, sublinear_tf=True,
                                      max_features=config.max_features, dtype=np.float32))]
    if config.char_ngrams:
        parts.append(("char", TfidfVectorizer(analyzer="char_wb", ngram_range=config.char_ngrams,
                                              min_df=config.min_df, sublinear_tf=True,
                                              max_features=config.max_features, dtype=np.float32)))
    return FeatureUnion(parts)


def fit_frame_models(features: np.ndarray, targets: np.ndarray, config: ClassifierConfig) -> list[object]:
    """One fitted logistic regression per frame column (a constant prior where a column has one class)."""
    models: list[object] = []
    for column in targets.T:
        if column.min() == column.max():
            models.append(float(column[0]))
            continue
        model = LogisticRegression(C=config.C, solver="liblinear", dual=True, class_weight=config.class_weight)
        models.append(model.fit(features, column))
    return models


def frame_probabilities(models: Sequence[object], features: object) -> np.ndarray:
    """Probability of every frame for every row of a feature matrix."""
    n_rows = features.shape[0]  # type: ignore[attr-defined]
    columns = [np.full(n_rows, model) if isinstance(model, float) else model.predict_proba(features)[:, 1]
               for model in models]
    return np.column_stack(columns)


def fit_probabilities(texts: Sequence[str], targets: np.ndarray, test_texts: Sequence[str],
                      config: ClassifierConfig) -> np.ndarray:
    """Fit features and models on some texts and return frame probabilities for others."""
    features = build_features(config)
    models = fit_frame_models(features.fit_transform(texts), targets, config)
    return frame_probabilities(models, features.transform(test_texts))


def tune_thresholds(probabilities: np.ndarray, targets: np.ndarray, mode: str,
                    fixed: float = 0.4) -> np.ndarray:
    """Decision thresholds per frame: the global micro-F1 optimum, per-frame F1 optima, their mean, or fixed."""
    n_frames = targets.shape[1]
    if mode == "fixed":
        return np.full(n_frames, fixed)
    scores = [f1_score(targets, probabilities >= t, average="micro", zero_division=0) for t in THRESHOLD_GRID]
    shared = np.full(n_frames, THRESHOLD_GRID[int(np.argmax(scores))])
    if mode == "global":
        return shared
    own = np.array([THRESHOLD_GRID[int(np.argmax([f1_score(targets[:, j], probabilities[:, j] >= t, zero_division=0)
                                                   for t in THRESHOLD_GRID]))] for j in range(n_frames)])
    return own if mode == "per_frame" else (own + shared) / 2


def out_of_fold_probabilities(texts: Sequence[str], targets: np.ndarray, config: ClassifierConfig) -> np.ndarray:
    """Inner cross-validated probabilities on the training texts (for choosing thresholds)."""
    result = np.zeros(targets.shape, dtype=float)
    splitter = KFold(n_splits=config.inner_folds, shuffle=True, random_state=config.seed)
    for train, test in splitter.split(texts):
        result[test] = fit_probabilities([texts[i] for i in train], targets[train], [texts[i] for i in test], config)
    return result


@dataclass
class FrameClassifier:
    """Multi-label article frame classifier; ``fit`` chooses thresholds by inner cross-validation."""

    frames: list[str]
    config: ClassifierConfig = field(default_factory=ClassifierConfig)
    features: FeatureUnion | None = None
    models: list[object] = field(default_factory=list)
    thresholds: np.ndarray | None = None
    #: Cue-tagger share thresholds (frame -> share) tuned on the same training articles, for article labels.
    cue_thresholds: dict[str, float] = field(default_factory=dict)

    def target_matrix(self, labels: Sequence[Sequence[str]]) -> np.ndarray:
        """0/1 matrix of articles x frames from label lists."""
        index = {frame: j for j, frame in enumerate(self.frames)}
        matrix = np.zeros((len(labels), len(self.frames)), dtype=int)
        for i, frames in enumerate(labels):
            for frame in frames:
                matrix[i, index[frame]] = 1
        return matrix

    def fit(self, texts: Sequence[str], labels: Sequence[Sequence[str]]) -> "FrameClassifier":
        """Choose thresholds on inner folds, then fit features and per-frame models on all texts."""
        targets = self.target_matrix(labels)
        inner = out_of_fold_probabilities(texts, targets, self.config) if self.config.thresholds != "fixed" else None
        self.thresholds = tune_thresholds(inner if inner is not None else targets, targets,
                                          self.config.thresholds, self.config.fixed_threshold)
        self.features = build_features(self.config)
        self.models = fit_frame_models(self.features.fit_transform(texts), targets, self.config)
        for _, vectorizer in self.features.transformer_list:
            vectorizer.stop_words_ = None  # the dropped-term list is only for inspection; it doubles the artifact
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probability of each frame (columns in ``self.frames`` order) for each text."""
        if self.features is None:
            raise RuntimeError("the classifier is not fitted")
        return frame_probabilities(self.models, self.features.transform(texts))

    def predict(self, texts: Sequence[str]) -> list[list[str]]:
        """The frames of each text: those whose probability reaches the frame's threshold."""
        chosen = self.predict_proba(texts) >= self.thresholds
        return [[frame for frame, on in zip(self.frames, row) if on] for row in chosen]

    def save(self, path: Path = MODEL_FILE) -> Path:
        """Write the fitted classifier with joblib (compressed)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        joblib.dump(self, path, compress=("xz", 6))
        return path


def load_classifier(path: Path = MODEL_FILE) -> FrameClassifier:
    """The committed (or a given) fitted frame classifier."""
    if not Path(path).exists():
        raise FileNotFoundError(f"{path}: no frame classifier; run `presslens train frames --data DIR`")
    return joblib.load(path)


def article_frames_table(articles: pd.DataFrame, frame_cues: pd.DataFrame, sentences: pd.DataFrame,
                         model: FrameClassifier | None = None) -> pd.DataFrame:
    """frames_articles: per article and frame, the cue share next to the classifier's probability.

    Reads ``clean_text`` of ``articles`` (the classifier) and the cue and sentence tables (the cue share). The
    thresholded labels (``cue_label``, ``classifier_label``) are the SemEval decision rules, for comparison only.
    """
    from presslens.frames.cues import article_cue_table, with_outlet

    model = model or load_classifier()
    table = article_cue_table(frame_cues, sentences, articles)
    texts = articles.set_index("id")["clean_text"]
    with_cues = set(table["article_id"])
    ids = [article_id for article_id in articles["id"] if article_id in with_cues]
    probabilities = model.predict_proba([texts[article_id] for article_id in ids]) if ids else np.zeros((0, 0))
    by_article = {article_id: dict(zip(model.frames, row)) for article_id, row in zip(ids, probabilities)}
    frame_threshold = dict(zip(model.frames, model.thresholds))
    table["cue_threshold"] = table["frame"].map(model.cue_thresholds).fillna(1.0)
    table["cue_label"] = (table["cue_share"] > 0) & (table["cue_share"] >= table["cue_threshold"])
    table["classifier_probability"] = [by_article[a][f] for a, f in zip(table["article_id"], table["frame"])]
    table["classifier_threshold"] = table["frame"].map(frame_threshold)
    table["classifier_label"] = table["classifier_probability"] >= table["classifier_threshold"]
    table["agree"] = table["cue_label"] == table["classifier_label"]
    return with_outlet(table, articles)
