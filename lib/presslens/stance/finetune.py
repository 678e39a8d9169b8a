"""A target-pooled MiniLM classifier whose top layers are fine-tuned on NewsMTSC (stored as a few MB of fp16).

The input is the pair (sentence, target words). The head reads the mean of the sentence's last-layer vectors
next to the mean of the target's own word pieces. Only the top ``TOP_LAYERS`` transformer layers and the head
are trained; the layers below are computed once per sentence and cached during training. The artifact keeps
just the trained weights: the rest comes from the packaged encoder (``presslens.encoder``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from presslens.encoder import TargetText, encoder_path, load_encoder

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


def encode_pairs(tokenizer: Any, items: Sequence[TargetText]) -> list[Encoded]:
    """Tokenise each (sentence, target words) pair and mark the target's word pieces in the sentence."""
    batch = tokenizer([item.sentence for item in items], [item.sentence[item.start:item.end] for item in items],
                      truncation="only_first", max_length=MAX_TOKENS, return_offsets_mapping=True)
    encoded = []
    for k, item in enumerate(items):
        sequence_ids = batch.sequence_ids(k)
        marks = [seq == 0 and end > start and start < item.end and end > item.start
                 for seq, (start, end) in zip(sequence_ids, batch["offset_mapping"][k])]
        encoded.append(Encoded(batch["input_ids"][k], batch["token_type_ids"][k], marks))
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
    rows = encode_pairs(load_encoder(folder).tokenizer, items)
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


def predict_proba(weights: TunedWeights, items: Sequence[TargetText], desc: str = "scoring mentions") -> np.ndarray:
    """Class probabilities (columns -1, 0, 1) of each (sentence, target) item."""
    import torch

    if not items:
        return np.zeros((0, N_CLASSES))
    network = tuned_network(weights)
    rows = encode_pairs(load_encoder().tokenizer, items)
    probabilities = np.zeros((len(rows), N_CLASSES))
    batches = list(_length_batches(rows))
    with torch.inference_mode():
        for indices in tqdm(batches, desc=desc, unit="batch", disable=len(batches) < 10):
            logits = network(_padded([rows[k] for k in indices]))
            probabilities[indices] = torch.softmax(logits, dim=-1).numpy()
    return probabilities
