"""presslens eval entity-stance: SEESAW loading, the article-level scores, predictions and the recorded results."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import f1_score

from presslens.nlp import load_pipeline, parse_texts
from presslens.stance.actors import name_variants
from presslens.stance.aggregate import SETTINGS_PATH, ArticleStanceSettings, article_stance, load_settings
from presslens.stance.entity_eval import (
    EVAL_RECORD,
    SEESAW,
    _macro_f1,
    evaluate,
    gold_table,
    load_seesaw,
    macro_f1,
    quality_table,
    ranking_pairs,
    scores,
    triplet_stance,
)
from presslens.stance.targets import find_mentions

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
    assert recorded["chosen_on"]["stories"] is None and len(recorded["grid"]) > 50


def test_recorded_valid_result_is_readable():
    """The notebook's quality table reads the recorded valid result of the classifier."""
    table = quality_table(EVAL_RECORD)
    valid = table[(table["split"] == "valid") & (table["method"] == "model")].iloc[0]
    assert 0 < valid["macro_f1"] < 1 and 0 < valid["ranking_accuracy"] < 1
    assert valid["macro_f1"] > valid["all_neutral_macro_f1"]


@needs_seesaw
@pytest.mark.parametrize(("article_id", "entity", "surfaces"), [
    ("TRIPLET_113_DOCUMENT_0", "lawmaker", {"lawmakers"}),
    ("TRIPLET_100_DOCUMENT_0", "danny o'connor", {"O'Connor", "O’Connor"}),
])
def test_lower_case_annotation_names_are_found_in_the_text(article_id, entity, surfaces):
    """A lower-case noun is found in the plural, a lower-case person name as written ("O'Connor")."""
    article = next(a for a in load_seesaw(SEESAW, "train") if a.article_id == article_id)
    doc = parse_texts([article.text], load_pipeline(), extensions=[{"article_id": article_id}], progress=False)[0]
    found = {m.text for m in find_mentions(doc, article.targets(), []) if m.target == entity}
    assert found & surfaces


def test_name_variants_plural_and_titles():
    """Plurals of lower-case nouns ("policy" -> "policies"); a person's leading title is not the first name."""
    assert {"policies", "Policies"} <= set(name_variants("policy", "organisation")["aliases"])
    assert "George Bush" in name_variants("President George W Bush", "person")["aliases"]
    assert "President Bush" not in name_variants("President George W Bush", "person")["aliases"]


def test_position_scale_weighs_the_top_of_the_article_more():
    """A negative headline mention outweighs a positive one further down only when position counts."""
    mentions = pd.DataFrame({"article_id": ["a"] * 2, "actor": ["X"] * 2, "voice": ["own", "own"],
                             "score": [-0.6, 0.6], "polarity": [-1, 1], "sentence_index": [0, 9]})
    flat = article_stance(mentions, ArticleStanceSettings(prior=0.0)).set_index("voice")["stance"]
    top = article_stance(mentions, ArticleStanceSettings(prior=0.0, position_scale=3.0)).set_index("voice")["stance"]
    assert flat["all"] == pytest.approx(0.0)
    assert top["all"] == pytest.approx((-0.6 + 0.6 / 4) / (1 + 1 / 4))


def test_macro_f1_matches_scikit_learn():
    """The fast macro-F1 used for tuning equals scikit-learn's, also when a class is never predicted."""
    rng = np.random.default_rng(0)
    gold = rng.integers(-1, 2, 200)
    for predicted in (rng.integers(-1, 2, 200), np.zeros(200, dtype=int)):
        expected = f1_score(gold, predicted, labels=[-1, 0, 1], average="macro", zero_division=0)
        assert _macro_f1(gold, predicted) == pytest.approx(expected)


@needs_seesaw
def test_triplet_reference_counts_the_annotated_stances_toward_an_entity():
    """In the first train article the annotators mark Congress as the object of negative stances only."""
    articles = load_seesaw(SEESAW, "train", stories=1)[:1]
    net = triplet_stance(SEESAW / "train", articles).set_index("entity")["stance"]
    assert net["Congress"] < 0 and set(net.index) == {e.name for e in articles[0].entities}
