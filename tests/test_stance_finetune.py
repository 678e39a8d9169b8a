"""presslens.stance.finetune: target word pieces, the cached training path, and the committed fine-tuned weights."""

from __future__ import annotations

import numpy as np
import pytest

from presslens.stance import finetune
from presslens.stance.evaluate import load_gold, target_texts
from presslens.stance.model import blend
from presslens.stance.scorers import MODEL_PATH, load_bundle
from test_stance import RW, needs_gold


@pytest.fixture(scope="module")
def dev_items():
    """The first 40 NewsMTSC rw dev targets as (sentence, span) items."""
    return target_texts(load_gold(RW, "dev")[:40])


@pytest.fixture(scope="module")
def tuned() -> finetune.TunedWeights:
    """The fine-tuned weights in the committed stance artifact."""
    return load_bundle(str(MODEL_PATH))["tuned"]


def squeezed(text: str) -> str:
    """Lower-case text without spaces (how word pieces decode, whatever the spacing)."""
    return "".join(text.lower().split())


@needs_gold
def test_target_word_pieces_are_exactly_the_target_words(dev_items):
    tokenizer = finetune.pair_tokenizer()
    for item, row in zip(dev_items, finetune.encode_pairs(tokenizer, dev_items)):
        marked = [piece for piece, mark in zip(row.input_ids, row.target_mask) if mark]
        assert squeezed(tokenizer.decode(marked)) == squeezed(item.sentence[item.start:item.end])


@needs_gold
def test_training_from_cached_lower_layers_gives_the_full_forward_logits(dev_items, tuned):
    torch = pytest.importorskip("torch")
    network = finetune.tuned_network(tuned)
    rows = finetune.encode_pairs(finetune.pair_tokenizer(), dev_items[:8])
    lower = finetune._lower_states(network, rows)
    with torch.inference_mode():
        cached = network.top(*finetune._stacked(lower, rows))
        full = network(finetune._padded(rows))
    assert torch.allclose(cached, full, atol=0.05)  # lower states are cached in fp16


@needs_gold
def test_committed_weights_fit_the_installed_encoder_and_give_probabilities(dev_items, tuned):
    assert tuned.top_layers == finetune.TOP_LAYERS and tuned.head_weight.shape == (3, 768)
    probabilities = finetune.predict_proba(tuned, dev_items)
    assert probabilities.shape == (40, 3) and np.allclose(probabilities.sum(axis=1), 1)
    assert len(set(probabilities.argmax(axis=1))) == 3  # all three classes occur in 40 dev targets


def test_blend_moves_from_the_first_to_the_second_distribution():
    first, second = np.array([[0.7, 0.2, 0.1]]), np.array([[0.1, 0.2, 0.7]])
    assert np.allclose(blend(first, second, 0.0), first) and np.allclose(blend(first, second, 1.0), second)
    middle = blend(first, second, 0.5)
    assert np.isclose(middle.sum(), 1) and np.isclose(middle[0, 0], middle[0, 2])
