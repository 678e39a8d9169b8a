"""`presslens eval quotes`: PolNeAR reading, coverage matching, slices, predictions files and the textacy anchor."""

from __future__ import annotations

from pathlib import Path

import pytest

from presslens import cli, paths
from presslens.quotes import evaluate as ev

POLNEAR = paths.EVAL_DIR / "polnear"
#: a handful of dev documents keeps the cold run (no parse cache) to a few seconds
FEW = 12

pytestmark = pytest.mark.skipif(not POLNEAR.is_dir(), reason="PolNeAR gold data not available")


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    """presslens scored on the first dev documents, with its predictions written to a file."""
    predictions = tmp_path_factory.mktemp("quotes") / "predictions.jsonl"
    return ev.evaluate(POLNEAR, "dev", write=predictions, limit=FEW), predictions


def test_brat_reader_keeps_discontinuous_contents_and_missing_sources() -> None:
    docs = ev.load_polnear(POLNEAR, "dev")
    assert len(docs) == 84
    items = [item for doc in docs for item in doc.gold]
    assert any(len(item.content) > 1 for item in items)
    assert any(not item.source for item in items)
    first = docs[0]
    for item in first.gold:
        for start, end in item.content:
            assert 0 <= start < end <= len(first.text)


def test_matching_tests_differ_in_strictness() -> None:
    text = "“We will win,” he said."
    gold = ev.char_set(text, [(0, 14)])
    assert gold == ev.char_set(text, [(1, 12)])  # quote marks and punctuation trimmed at the edges
    config = ev.settings()
    partial = ev.char_set(text, [(1, 8)])  # "We will": 6 of 9 scored characters
    assert not ev.passes("exact", gold, partial, config)
    assert not ev.passes("cov80", gold, partial, config)
    assert ev.passes("cov30", gold, partial, config)


def test_presslens_scores_on_dev_documents(scored) -> None:
    result, _ = scored
    assert result["documents"] == FEW
    direct, every = result["slices"]["direct"], result["slices"]["all"]
    assert direct["cov80"]["f1"] >= 0.75
    assert direct["speaker_accuracy"] >= 0.8
    assert every["exact"]["f1"] <= every["cov80"]["f1"] <= every["cov30"]["f1"]
    assert set(result["targets"]) == {"direct.cov80_f1", "direct.speaker_accuracy", "speech.cov80_f1", "all.cov80_f1"}


def test_a_predictions_file_scores_the_same_as_the_system(scored) -> None:
    result, predictions = scored
    again = ev.evaluate(POLNEAR, "dev", predictions=predictions, limit=FEW)
    assert again["system"] == "predictions file"
    assert again["slices"] == result["slices"]


def test_textacy_anchor_runs_and_finds_only_direct_quotes(scored) -> None:
    anchor = ev.evaluate(POLNEAR, "dev", system="textacy", limit=FEW)
    ours = scored[0]
    assert anchor["slices"]["all"]["cov80"]["recall"] < ours["slices"]["all"]["cov80"]["recall"]


def test_command_is_registered_and_refuses_the_test_split(capsys: pytest.CaptureFixture[str]) -> None:
    parser = cli.build_parser()
    args = parser.parse_args(["eval", "quotes", "--data", str(POLNEAR), "--split", "dev", "--system", "textacy"])
    assert (args.split, args.system) == ("dev", "textacy")
    with pytest.raises(SystemExit):
        parser.parse_args(["eval", "quotes", "--split", "test"])
    with pytest.raises(ValueError, match="held out"):
        ev.evaluate(POLNEAR, "test")
