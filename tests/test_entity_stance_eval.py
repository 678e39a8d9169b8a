"""presslens eval entity-stance: SEESAW loading, the article-level scores, predictions and the recorded results."""

from __future__ import annotations

import json

import pytest

from presslens.stance.aggregate import SETTINGS_PATH, ArticleStanceSettings, load_settings
from presslens.stance.entity_eval import (
    EVAL_RECORD,
    SEESAW,
    evaluate,
    gold_table,
    load_seesaw,
    macro_f1,
    quality_table,
    ranking_pairs,
    scores,
)

needs_seesaw = pytest.mark.skipif(not (SEESAW / "valid").exists(), reason="SEESAW not available")


@pytest.fixture(scope="module")
def valid_gold():
    """The gold (article, entity) rows of SEESAW valid."""
    return gold_table(load_seesaw(SEESAW, "valid"))


@needs_seesaw
def test_valid_split_has_three_outlets_per_story():
    """35 stories, 105 articles, each with its outlet, a title line and annotated entities."""
    articles = load_seesaw(SEESAW, "valid")
    assert len(articles) == 105 and len({a.story for a in articles}) == 35
    assert all(a.outlet and a.entities and "\n" in a.text for a in articles)
    assert {len({a.outlet for a in articles if a.story == s}) for s in {a.story for a in articles}} == {3}


@needs_seesaw
def test_scores_reward_the_gold_order_and_halve_ties(valid_gold):
    """Predicting the gold values ranks every pair right; reversing them ranks none; a constant ties all."""
    labelled = valid_gold.dropna(subset=["value"]).assign(found=True)
    settings = ArticleStanceSettings(negative=-0.2, positive=0.2)
    perfect = labelled.assign(stance=labelled["value"] / 3)
    assert ranking_pairs(perfect)["credit"].mean() == 1.0
    assert macro_f1(perfect, settings) == 1.0
    assert ranking_pairs(perfect.assign(stance=-perfect["stance"]))["credit"].mean() == 0.0
    constant = scores(labelled.assign(stance=0.0), settings)
    assert constant["ranking_accuracy"] == 0.5 and constant["ranking_ties"] == constant["ranking_pairs"]
    assert constant["ranking_pairs"] > 100 and constant["ranking_pairs_org_gpe"] > 20


@needs_seesaw
def test_eval_on_one_story_finds_entities_and_writes_predictions(tmp_path):
    """Most annotated entities are found through their name variants; one prediction per (article, entity)."""
    predictions = tmp_path / "predictions.jsonl"
    result = evaluate(SEESAW, "valid", "textblob", stories=1, predictions=predictions)
    assert result["coverage"] >= 0.8
    lines = [json.loads(line) for line in predictions.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == len(gold_table(load_seesaw(SEESAW, "valid", 1)))
    assert all(-1 <= row["polarity"] <= 1 and row["article"].startswith("TRIPLET_") for row in lines)


def test_settings_were_chosen_on_train_and_load():
    """The recorded aggregation settings come from SEESAW train, never from the reported valid split."""
    recorded = json.loads(SETTINGS_PATH.read_text(encoding="utf-8"))
    assert recorded["chosen_on"]["split"] == "train"
    settings = load_settings()
    assert settings.negative <= 0 <= settings.positive and settings.value in {"score", "polarity"}


def test_recorded_valid_result_is_readable():
    """The notebook's quality table reads the recorded valid result of the classifier."""
    table = quality_table(EVAL_RECORD)
    valid = table[(table["split"] == "valid") & (table["method"] == "model")].iloc[0]
    assert 0 < valid["macro_f1"] < 1 and 0 < valid["ranking_accuracy"] < 1
    assert valid["macro_f1"] > valid["all_neutral_macro_f1"]
