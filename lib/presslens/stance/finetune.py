"""A target-pooled MiniLM classifier whose top layers are fine-tuned on NewsMTSC (stored as a few MB of fp16).

The input is the pair (sentence, target words). The head reads the mean of the sentence's last-layer vectors
next to the mean of the target's own word pieces. Only the top ``TOP_LAYERS`` transformer layers and the head
are trained; the layers below are computed once per sentence and cached during training. The artifact keeps
just the trained weights: the rest comes from the packaged encoder (``presslens.encoder``).

Training and the graph export use PyTorch (the ``train`` extra, imported inside those functions); inference
(``predict_proba``) runs the encoder graph on ONNX Runtime with the trained layers put in, pooling and head in numpy.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from presslens import registry
from presslens.encoder import (
    GRAPH_PATH,
    Encoder,
    TargetText,
    base_weights,
    encoder_path,
    load_tokenizer,
    onnx_session,
)
from presslens.progress import inner_bars_off

TOP_LAYERS = 2
MAX_TOKENS = 128
BATCH_SIZE = 32
EPOCHS = 3
ENCODER_RATE = 5e-5
HEAD_RATE = 1e-3
WARMUP_SHARE = 0.1
DROPOUT = 0.1
SEED = 13
N_CLASSES = 3


@dataclass(eq=False)
class TunedWeights:
    """The trained part of the classifier: top-layer parameters (fp16), the head, and how they were made."""

    layers: dict[str, np.ndarray]
    head_weight: np.ndarray
    head_bias: np.ndarray
    top_layers: int
    epochs: int
    encoder_folder: str


@dataclass(frozen=True)
class Encoded:
    """One tokenised (sentence, target) pair and which of its word pieces belong to the target."""

    input_ids: list[int]
    token_type_ids: list[int]
    target_mask: list[bool]


def pair_tokenizer(folder: str | None = None) -> Any:
    """The encoder's tokenizer for (sentence, target words) pairs: only the sentence is cut to ``MAX_TOKENS``."""
    return load_tokenizer(folder, MAX_TOKENS, "only_first")


def encode_pairs(tokenizer: Any, items: Sequence[TargetText]) -> list[Encoded]:
    """Tokenise each (sentence, target words) pair and mark the target's word pieces in the sentence."""
    batch = tokenizer.encode_batch([(item.sentence, item.sentence[item.start:item.end]) for item in items])
    encoded = []
    for item, encoding in zip(items, batch):
        marks = [seq == 0 and end > start and start < item.end and end > item.start
                 for seq, (start, end) in zip(encoding.sequence_ids, encoding.offsets)]
        encoded.append(Encoded(list(encoding.ids), list(encoding.type_ids), marks))
    return encoded


def _padded(rows: Sequence[Encoded]) -> dict[str, Any]:
    """A right-padded tensor batch of encoded pairs."""
    import torch

    width = max(len(row.input_ids) for row in rows)
    pad = [width - len(row.input_ids) for row in rows]
    return {"input_ids": torch.tensor([r.input_ids + [0] * p for r, p in zip(rows, pad)]),
            "token_type_ids": torch.tensor([r.token_type_ids + [0] * p for r, p in zip(rows, pad)]),
            "attention_mask": torch.tensor([[1] * len(r.input_ids) + [0] * p for r, p in zip(rows, pad)]),
            "target_mask": torch.tensor([r.target_mask + [False] * p for r, p in zip(rows, pad)])}


def _length_batches(rows: Sequence[Encoded], size: int = BATCH_SIZE) -> Iterator[list[int]]:
    """Row indices in batches of similar length (less padding)."""
    order = sorted(range(len(rows)), key=lambda k: len(rows[k].input_ids))
    for first in range(0, len(order), size):
        yield order[first:first + size]


def _build_network(folder: str) -> Any:
    """The MiniLM encoder with a dropout and linear head over [sentence mean | target mean]."""
    import torch
    from transformers import AutoModel

    class TargetClassifier(torch.nn.Module):
        """Encoder plus head; ``top`` runs only the top layers from cached lower-layer states."""

        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(folder)
            self.dropout = torch.nn.Dropout(DROPOUT)
            self.head = torch.nn.Linear(2 * self.encoder.config.hidden_size, N_CLASSES)

        def logits(self, states: Any, attention: Any, target_mask: Any) -> Any:
            """Class logits from last-layer states: pooled over the sentence and over the target."""
            attention = attention.unsqueeze(-1).float()
            target = target_mask.unsqueeze(-1).float()
            mean = (states * attention).sum(1) / attention.sum(1).clamp(min=1)
            target_mean = torch.where(target.sum(1) > 0, (states * target).sum(1) / target.sum(1).clamp(min=1), mean)
            return self.head(self.dropout(torch.cat([mean, target_mean], dim=-1)))

        def forward(self, batch: dict[str, Any]) -> Any:
            """Class logits of a padded batch, through the whole encoder."""
            states = self.encoder(input_ids=batch["input_ids"], token_type_ids=batch["token_type_ids"],
                                  attention_mask=batch["attention_mask"]).last_hidden_state
            return self.logits(states, batch["attention_mask"], batch["target_mask"])

        def top(self, lower: Any, attention: Any, target_mask: Any) -> Any:
            """Class logits from the states that enter the top layers."""
            additive = (1.0 - attention[:, None, None, :].float()) * torch.finfo(torch.float32).min
            states = lower
            for layer in self.encoder.encoder.layer[-TOP_LAYERS:]:
                output = layer(states, attention_mask=additive)
                states = output[0] if isinstance(output, tuple) else output
            return self.logits(states, attention, target_mask)

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    return TargetClassifier()


def _trained_names(network: Any) -> list[str]:
    """Names of the parameters that training changes: the top layers and the head."""
    first = len(network.encoder.encoder.layer) - TOP_LAYERS
    top = {f"encoder.encoder.layer.{k}." for k in range(first, len(network.encoder.encoder.layer))}
    return [name for name, _ in network.named_parameters()
            if name.startswith("head.") or any(name.startswith(prefix) for prefix in top)]


def _lower_states(network: Any, rows: Sequence[Encoded]) -> list[Any]:
    """For each row, the (frozen) hidden states that enter the top layers, unpadded, in fp16."""
    import torch

    cached: list[Any] = [None] * len(rows)
    network.eval()
    batches = list(_length_batches(rows))
    with torch.inference_mode():
        for indices in tqdm(batches, desc="encoding lower layers", unit="batch"):
            batch = _padded([rows[k] for k in indices])
            hidden = network.encoder(input_ids=batch["input_ids"], token_type_ids=batch["token_type_ids"],
                                     attention_mask=batch["attention_mask"], output_hidden_states=True)
            lower = hidden.hidden_states[-TOP_LAYERS - 1]
            for b, k in enumerate(indices):
                cached[k] = lower[b, :len(rows[k].input_ids)].to(torch.float16).clone()
    return cached


def _stacked(states: Sequence[Any], rows: Sequence[Encoded]) -> tuple[Any, Any, Any]:
    """Padded lower states, attention mask and target mask of one training batch."""
    import torch

    width = max(len(row.input_ids) for row in rows)
    lower = torch.zeros(len(rows), width, states[0].shape[-1])
    for b, state in enumerate(states):
        lower[b, :state.shape[0]] = state.float()
    batch = _padded(rows)
    return lower, batch["attention_mask"], batch["target_mask"]


def _optimiser(network: Any, steps: int) -> tuple[Any, Any]:
    """AdamW with a higher rate for the head, and linear warm-up then decay."""
    import torch

    trained = set(_trained_names(network))
    for name, parameter in network.named_parameters():
        parameter.requires_grad = name in trained
    groups = [{"params": [p for n, p in network.named_parameters() if n in trained and not n.startswith("head.")],
               "lr": ENCODER_RATE},
              {"params": list(network.head.parameters()), "lr": HEAD_RATE}]
    optimiser = torch.optim.AdamW(groups, weight_decay=0.01)
    warmup = max(1, int(WARMUP_SHARE * steps))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min((step + 1) / warmup, max(0.0, (steps - step) / max(1, steps - warmup))))
    return optimiser, schedule


def _class_weights(labels: Sequence[int]) -> Any:
    """Balanced class weights (n / (classes * count)) for classes -1, 0, 1."""
    import torch

    counts = np.array([max(1, sum(1 for y in labels if y == c)) for c in (-1, 0, 1)], dtype=np.float32)
    return torch.tensor(len(labels) / (N_CLASSES * counts))


def train_classifier(items: Sequence[TargetText], labels: Sequence[int], epochs: int = EPOCHS,
                     folder: str | None = None) -> TunedWeights:
    """Fine-tune the top layers and head on (target, polarity) pairs; return the trained weights."""
    import torch

    torch.manual_seed(SEED)
    source = str(encoder_path(folder))
    network = _build_network(source)
    rows = encode_pairs(pair_tokenizer(folder), items)
    lower = _lower_states(network, rows)
    targets = torch.tensor([y + 1 for y in labels])
    loss_of = torch.nn.CrossEntropyLoss(weight=_class_weights(labels))
    generator = np.random.default_rng(SEED)
    batches = list(_length_batches(rows))
    optimiser, schedule = _optimiser(network, epochs * len(batches))
    network.train()
    for epoch in range(epochs):
        for position in tqdm(generator.permutation(len(batches)), desc=f"fine-tuning, epoch {epoch + 1}/{epochs}",
                             unit="batch"):
            indices = batches[position]
            logits = network.top(*_stacked([lower[k] for k in indices], [rows[k] for k in indices]))
            loss = loss_of(logits, targets[indices])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
    return _weights(network, epochs, source)


def _weights(network: Any, epochs: int, source: str) -> TunedWeights:
    """The trained parameters of a network as numpy arrays (top layers in fp16)."""
    state = {name: tensor.detach().numpy() for name, tensor in network.state_dict().items()}
    layers = {name: value.astype(np.float16) for name, value in state.items()
              if name.startswith("encoder.encoder.layer.") and int(name.split(".")[3]) >= len(
                  network.encoder.encoder.layer) - TOP_LAYERS}
    return TunedWeights(layers, state["head.weight"].copy(), state["head.bias"].copy(), TOP_LAYERS, epochs,
                        os.path.basename(source.rstrip("/")))


@lru_cache(maxsize=2)
def tuned_network(weights: TunedWeights) -> Any:
    """The packaged encoder with the trained top layers and head put in (evaluation mode, built once)."""
    import torch

    network = _build_network(str(encoder_path()))
    state = {name: torch.from_numpy(value.astype(np.float32)) for name, value in weights.layers.items()}
    state["head.weight"] = torch.from_numpy(weights.head_weight)
    state["head.bias"] = torch.from_numpy(weights.head_bias)
    missing = set(state) - set(network.state_dict())
    if missing:
        raise RuntimeError(f"stance artifact does not fit the installed encoder: {sorted(missing)[:3]}")
    network.load_state_dict(state, strict=False)
    return network.eval()


@lru_cache(maxsize=2)
def tuned_encoder(weights: TunedWeights) -> Encoder:
    """The encoder graph on ONNX Runtime with the trained top layers put in (built once per weights)."""
    layers = {name.removeprefix("encoder."): value.astype(np.float32) for name, value in weights.layers.items()}
    session, buffers = onnx_session({**base_weights(), **layers})
    return Encoder(encoder_path(), pair_tokenizer(), session, buffers)


def _pooled(states: np.ndarray, row: Encoded) -> np.ndarray:
    """[mean of all word-piece vectors | mean of the target's] of one row (the sentence mean if none is marked)."""
    tokens = states[:len(row.input_ids)]
    mean = tokens.mean(axis=0)
    marked = np.asarray(row.target_mask)
    return np.concatenate([mean, tokens[marked].mean(axis=0) if marked.any() else mean])


def predict_proba(weights: TunedWeights, items: Sequence[TargetText], desc: str = "scoring mentions") -> np.ndarray:
    """Class probabilities (columns -1, 0, 1) of each (sentence, target) item.

    Each distinct (sentence, target words) input passes the encoder once; mentions of the same words in one
    sentence differ only in which word pieces are pooled.
    """
    if not items:
        return np.zeros((0, N_CLASSES))
    encoder = tuned_encoder(weights)
    rows = encode_pairs(encoder.tokenizer, items)
    by_input: dict[tuple[int, ...], list[int]] = {}
    for k, row in enumerate(rows):
        by_input.setdefault(tuple(row.input_ids), []).append(k)
    distinct = sorted(by_input, key=len)  # batches of similar length
    pooled = np.zeros((len(rows), weights.head_weight.shape[1]), np.float32)
    batches = range(0, len(distinct), BATCH_SIZE)
    for first in tqdm(batches, desc=desc, unit="batch", disable=inner_bars_off() or len(batches) < 10):
        chunk = [by_input[ids] for ids in distinct[first:first + BATCH_SIZE]]
        states = encoder.hidden_states([rows[ks[0]].input_ids for ks in chunk], [rows[ks[0]].token_type_ids
                                                                               for ks in chunk])
        for b, ks in enumerate(chunk):
            for k in ks:
                pooled[k] = _pooled(states[b], rows[k])
    logits = pooled.astype(np.float64) @ weights.head_weight.T.astype(np.float64) + weights.head_bias
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


def _weight_sources(graph: Any, weights: dict[str, np.ndarray]) -> dict[str, tuple[str, bool]]:
    """Which named weight (or its transpose) holds each initializer's values, by exact equality."""
    from onnx import numpy_helper

    index: dict[tuple[Any, ...], tuple[str, bool]] = {}
    for name, value in weights.items():
        for transposed, array in ((False, value), (True, value.T)):
            array = np.ascontiguousarray(array)
            index.setdefault((array.shape, array.dtype.str, array.tobytes()), (name, transposed))
    found = {}
    for initializer in graph.initializer:
        array = numpy_helper.to_array(initializer)
        source = index.get((array.shape, array.dtype.str, array.tobytes()))
        if source is not None:
            found[initializer.name] = source
    return found


def _strip_weights(graph: Any, sources: dict[str, tuple[str, bool]]) -> None:
    """Empty the initializers named in ``sources``, marking them as external data that the loader supplies."""
    from onnx import TensorProto, numpy_helper

    for initializer in graph.initializer:
        if initializer.name in sources:
            nbytes = numpy_helper.to_array(initializer).nbytes
            initializer.ClearField("raw_data")
            initializer.data_location = TensorProto.EXTERNAL
            del initializer.external_data[:]
            for key, value in (("location", "model.safetensors"), ("offset", "0"), ("length", str(nbytes))):
                entry = initializer.external_data.add()
                entry.key, entry.value = key, value


def export_graph(output: Path = GRAPH_PATH, folder: str | None = None) -> dict[str, Any]:
    """Export the encoder (tokens -> last-layer vectors) to ONNX without its weights, and name each weight's source.

    The weights stay in the encoder package; ``presslens.encoder.onnx_session`` puts them back at load time.
    """
    import onnx
    import torch
    from transformers import AutoModel

    source = encoder_path(folder)
    model = AutoModel.from_pretrained(str(source), attn_implementation="eager").eval()

    class LastStates(torch.nn.Module):
        """The encoder with the last layer's token vectors as its one output."""

        def __init__(self) -> None:
            super().__init__()
            self.encoder = model

        def forward(self, input_ids: Any, token_type_ids: Any, attention_mask: Any) -> Any:
            """Last-layer token vectors."""
            return self.encoder(input_ids=input_ids, token_type_ids=token_type_ids,
                                attention_mask=attention_mask).last_hidden_state

    inputs = ("input_ids", "token_type_ids", "attention_mask")
    example = torch.tensor([[101, 7592, 2088, 102, 0]])
    with tempfile.TemporaryDirectory() as scratch:
        exported = Path(scratch) / "encoder.onnx"
        torch.onnx.export(LastStates(), (example, torch.zeros_like(example), (example > 0).long()), str(exported),
                          input_names=list(inputs), output_names=["last_hidden_state"], opset_version=17,
                          dynamic_axes={name: {0: "batch", 1: "tokens"} for name in (*inputs, "last_hidden_state")},
                          dynamo=False)
        graph = onnx.load(str(exported))
    sources = _weight_sources(graph.graph, base_weights(folder))
    _strip_weights(graph.graph, sources)
    output.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(graph, str(output))
    output.with_suffix(".json").write_text(json.dumps(sources, indent=1) + "\n", encoding="utf-8")
    kept = len(graph.graph.initializer) - len(sources)
    return {"graph": str(output), "weights_from_package": len(sources), "constants_in_graph": kept,
            "bytes": output.stat().st_size, "encoder": str(source)}


def _add_export_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``presslens train stance-onnx``."""
    parser.add_argument("--output", type=Path, default=GRAPH_PATH, help="graph path (.onnx; a .json beside it)")


def _run_export(args: argparse.Namespace) -> dict[str, Any]:
    """Run ``presslens train stance-onnx``."""
    return export_graph(args.output)


registry.trainers.register("stance-onnx", func=registry.Command(
    "export the MiniLM encoder graph (no weights) that stance inference runs on ONNX Runtime; needs PyTorch",
    _add_export_arguments, _run_export))
