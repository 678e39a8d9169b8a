"""Stance inference on ONNX Runtime: same numbers as the PyTorch models on NewsMTSC dev, and no torch needed."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from presslens.encoder import (
    GRAPH_PATH,
    TargetText,
    base_weights,
    encoder_path,
    graph_sources,
    load_encoder,
    onnx_session,
    target_vectors,
)
from presslens.stance import finetune
from presslens.stance.evaluate import load_gold, target_texts
from presslens.stance.scorers import MODEL_PATH, load_bundle
from test_stance import RW, needs_gold

#: Makes importing torch or transformers fail (as in a venv without the ``train`` extra), then scores one mention.
WITHOUT_TRAINING_LIBRARIES = """
import sys


class Blocked:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"torch", "transformers"}:
            raise ImportError(f"{name} is blocked")


sys.meta_path.insert(0, Blocked())
from presslens.encoder import TargetText, target_vectors
from presslens.stance import finetune
from presslens.stance.scorers import MODEL_PATH, load_bundle

item = TargetText("Critics said Smith lied to the voters again.", 13, 18)
print(finetune.predict_proba(load_bundle(str(MODEL_PATH))["tuned"], [item]).shape, target_vectors([item])[0].shape)
print(sorted(name for name in sys.modules if name.split(".")[0] in {"torch", "transformers"}))
"""


@pytest.fixture(scope="module")
def dev_items() -> list[TargetText]:
    """The first 24 NewsMTSC rw dev targets as (sentence, span) items."""
    return target_texts(load_gold(RW, "dev")[:24])


@pytest.fixture(scope="module")
def tuned() -> finetune.TunedWeights:
    """The fine-tuned weights in the committed stance artifact."""
    return load_bundle(str(MODEL_PATH))["tuned"]


def torch_hidden_states(sentences: list[str]) -> list[np.ndarray]:
    """Last-layer vectors of each sentence from the transformers model (the reference), unpadded."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    folder = str(encoder_path())
    model = transformers.AutoModel.from_pretrained(folder).eval()
    tokenizer = transformers.AutoTokenizer.from_pretrained(folder)
    batch = tokenizer(sentences, truncation=True, max_length=256, padding=True, return_tensors="pt")
    with torch.inference_mode():
        states = model(**batch).last_hidden_state.numpy()
    return [states[b, :int(n)] for b, n in enumerate(batch["attention_mask"].sum(1))]


def test_stance_inference_imports_and_scores_without_torch_or_transformers():
    done = subprocess.run([sys.executable, "-c", WITHOUT_TRAINING_LIBRARIES], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines()[-2:] == ["(1, 3) (1, 384)", "[]"]


@needs_gold
def test_onnx_encoder_gives_the_transformers_vectors(dev_items):
    sentences = sorted({item.sentence for item in dev_items})[:8]
    reference = torch_hidden_states(sentences)
    encoder = load_encoder()
    encodings = encoder.tokenizer.encode_batch(sentences)
    states = encoder.hidden_states([e.ids for e in encodings], [e.type_ids for e in encodings])
    for b, expected in enumerate(reference):
        assert len(encodings[b].ids) == expected.shape[0]
        assert np.abs(states[b, :expected.shape[0]] - expected).max() < 1e-4


@needs_gold
def test_onnx_tuned_classifier_gives_the_torch_probabilities(dev_items, tuned):
    torch = pytest.importorskip("torch")
    network = finetune.tuned_network(tuned)
    rows = finetune.encode_pairs(finetune.pair_tokenizer(), dev_items)
    with torch.inference_mode():
        reference = torch.softmax(network(finetune._padded(rows)), dim=-1).numpy()
    onnx = finetune.predict_proba(tuned, dev_items)
    assert np.abs(onnx - reference).max() < 1e-4
    assert (onnx.argmax(axis=1) == reference.argmax(axis=1)).all()


def test_mentions_sharing_an_input_are_pooled_apart_and_match_scoring_alone(tuned):
    sentence = "Smith praised the new law, but Jones said Smith had misled the public about it."
    first, second = sentence.index("Smith"), sentence.rindex("Smith")
    items = [TargetText(sentence, first, first + 5), TargetText(sentence, second, second + 5)]
    together = finetune.predict_proba(tuned, items)
    assert not np.allclose(together[0], together[1])
    for k, item in enumerate(items):
        assert np.allclose(finetune.predict_proba(tuned, [item])[0], together[k], atol=1e-5)
    targets, means = target_vectors(items)
    assert not np.allclose(targets[0], targets[1]) and np.allclose(means[0], means[1])


@needs_gold
def test_pair_tokens_are_those_of_the_transformers_tokenizer(dev_items):
    transformers = pytest.importorskip("transformers")
    reference = transformers.AutoTokenizer.from_pretrained(str(encoder_path()))(
        [item.sentence for item in dev_items], [item.sentence[item.start:item.end] for item in dev_items],
        truncation="only_first", max_length=finetune.MAX_TOKENS)
    rows = finetune.encode_pairs(finetune.pair_tokenizer(), dev_items)
    assert [row.input_ids for row in rows] == reference["input_ids"]
    assert [row.token_type_ids for row in rows] == reference["token_type_ids"]


def test_export_makes_the_committed_graph_and_names_every_weight(tmp_path):
    pytest.importorskip("torch")
    pytest.importorskip("onnx")
    exported = finetune.export_graph(tmp_path / "encoder.onnx")
    assert exported["constants_in_graph"] == 0 and exported["bytes"] < 1_000_000  # structure only
    assert graph_sources(tmp_path / "encoder.onnx") == graph_sources(GRAPH_PATH)
    session, _ = onnx_session(base_weights(), tmp_path / "encoder.onnx")
    encoding = load_encoder().tokenizer.encode("Critics said Smith lied to the voters again.")
    feeds = {"input_ids": np.array([encoding.ids]), "token_type_ids": np.array([encoding.type_ids]),
             "attention_mask": np.ones((1, len(encoding.ids)), np.int64)}
    assert np.allclose(session.run(None, feeds)[0], load_encoder().session.run(None, feeds)[0], atol=1e-6)
