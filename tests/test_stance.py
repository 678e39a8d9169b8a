"""presslens.stance: targets, mentions with offsets and voice, scoped context, scorers, tables, eval command."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pandas as pd
import pytest

from presslens import cli, paths
from presslens.nlp import parse_texts
from presslens.stance import (
    find_mentions,
    load_targets,
    mention_context,
    mention_span,
    stance_mentions,
    stance_outlet_target,
    voice_of,
)
from presslens.stance.context import scoped_polarity
from presslens.stance.evaluate import evaluate, load_gold, scores
from presslens.stance.scorers import MODEL_PATH, get_scorer

SEED_CSV = paths.PROJECT_ROOT / "tests" / "data" / "stance_seed.csv"
RW = paths.EVAL_DIR / "newsmtsc" / "rw"
MT = paths.EVAL_DIR / "newsmtsc" / "mt"
#: A little under the measured rw dev macro-F1 of the committed model (see data/models/stance_classifier.md).
MODEL_FLOOR_RW = 0.74
#: The issue's target on NewsMTSC mt (the committed model measures 0.722 on mt dev, which tuned nothing).
MODEL_FLOOR_MT = 0.70
needs_gold = pytest.mark.skipif(not RW.exists(), reason="NewsMTSC gold data not available")


@pytest.fixture(scope="module")
def targets():
    """The project's targets file."""
    return load_targets()


@pytest.fixture(scope="module")
def seed_gold() -> pd.DataFrame:
    """The hand-checked seed mentions (the leading # lines hold the annotation guideline)."""
    header = sum(1 for line in SEED_CSV.read_text(encoding="utf-8").splitlines() if line.startswith("#"))
    return pd.read_csv(SEED_CSV, skiprows=header)


@pytest.fixture(scope="module")
def seed_mentions(seed_docs, targets):
    """Mentions found in every seed Doc, without quote attributions (own voice throughout)."""
    return {aid: find_mentions(doc, targets, attributions=[]) for aid, doc in seed_docs.items()}


def match(row: pd.Series, mentions) -> object:
    """The found mention that a seed row names (article, sentence, text, occurrence), or None."""
    same = [m for m in mentions[row.article_id] if m.sentence == row.sentence and m.text == row.mention]
    return same[row.occurrence - 1] if len(same) >= row.occurrence else None


def test_targets_file_declares_aliases_and_known_group_members(targets):
    assert {"Russia", "Putin", "Kremlin", "CSTO", "Kazakhstan", "Tokayev", "NATO", "EU"} <= set(targets.names)
    assert all(target.aliases for target in targets.targets)
    assert targets.group_of("Putin") == "Russian state" and targets.group_of("China") == "China"


def test_every_hand_checked_mention_is_found_with_its_target_and_offsets(seed_gold, seed_mentions, seed_docs):
    for row in seed_gold.itertuples():
        found = match(row, seed_mentions)
        assert found is not None, (row.article_id, row.mention, row.sentence[:60])
        assert found.target == row.target
        assert seed_docs[row.article_id].text[found.start_char:found.end_char] == row.mention
        assert row.mention in found.sentence


def test_title_adjectives_and_place_metonyms_are_not_mentions(seed_mentions, seed_docs):
    timesca = [m for m in seed_mentions["timesca-2024-11"] if m.target == "Russia"]
    titles = [m for m in timesca if seed_docs["timesca-2024-11"].text.startswith("Russian President", m.start_char)]
    assert titles == []
    nato = seed_mentions["natofoundation-2022-05"]
    moscow_as_place = [m for m in nato if m.text == "Moscow" and "held in Moscow" in m.sentence]
    assert moscow_as_place == []
    putins = [m for m in seed_mentions["timesca-2024-11"] if m.target == "Putin"]
    assert putins and all(m.text in {"Putin", "Vladimir Putin"} for m in putins)


def test_voice_follows_quote_content_segments():
    quote = SimpleNamespace(segments=[(10, 40)], speaker="Dosym Satpaev", speaker_mention="he")
    assert voice_of(12, 18, [quote]) == ("quoted", "Dosym Satpaev")
    assert voice_of(0, 6, [quote]) == ("own", "")
    assert voice_of(38, 45, [quote]) == ("own", "")


def test_voice_of_seed_mentions_agrees_with_hand_checked_voice(seed_gold, seed_docs, targets):
    quotes = pytest.importorskip("presslens.quotes")
    if not hasattr(quotes, "extract_quotes"):
        pytest.skip("presslens.quotes.extract_quotes not available yet")
    mentions = {aid: find_mentions(doc, targets) for aid, doc in seed_docs.items()}
    found = [match(row, mentions) for row in seed_gold.itertuples()]
    assert all(m is not None for m in found)
    agreement = sum(m.voice == v for m, v in zip(found, seed_gold["voice"])) / len(found)
    assert agreement >= 0.85, agreement
    assert all(m.speaker for m in found if m.voice == "quoted")
    direct = [m for m, row in zip(found, seed_gold.itertuples()) if row.sentence.startswith("“")]
    assert direct and all(m.voice == "quoted" for m in direct)


def test_scope_is_the_mentions_clause_and_negation_flips(nlp):
    texts = ["Critics said the alliance was a dead and useless organization, but Kazakhstan praised Russia warmly.",
             "Kazakhstan did not praise Russia warmly."]
    praised, negated = parse_texts(texts, nlp, progress=False)
    start = texts[0].index("Russia")
    context = mention_context(mention_span(praised, start, start + len("Russia")))
    assert context.governor.lemma_ == "praise"
    assert "dead" not in context.scope_text and "warmly" in context.scope_text
    start = texts[1].index("Russia")
    assert scoped_polarity(mention_context(mention_span(negated, start, start + 6))) < 0 < scoped_polarity(context)


@pytest.mark.skipif(not MODEL_PATH.exists(), reason="no trained stance model")
def test_scorers_on_hand_checked_seed_mentions(seed_gold, seed_mentions, seed_docs):
    found = [match(row, seed_mentions) for row in seed_gold.itertuples()]
    contexts = [mention_context(mention_span(seed_docs[m.article_id], m.start_char, m.end_char)) for m in found]
    gold = seed_gold["polarity"].tolist()
    majority = scores(gold, [max(set(gold), key=gold.count)] * len(gold))["macro_f1"]
    model = scores(gold, [p for p, _ in get_scorer("model").score(contexts)])
    assert model["macro_f1"] > majority + 0.15, model


@pytest.mark.skipif(not MODEL_PATH.exists(), reason="no trained stance model")
def test_tables_trace_every_mention_and_aggregate_with_intervals(seed_study, seed_docs):
    mentions = stance_mentions(seed_docs, seed_study.articles)
    assert set(mentions["method"]) == {"textblob", "model"} and set(mentions["polarity"]) <= {-1, 0, 1}
    for row in mentions.sample(20, random_state=1).itertuples():
        assert seed_docs[row.article_id].text[row.start_char:row.end_char] == row.text
    table = stance_outlet_target(mentions)
    cell = table[(table["target"] == "CSTO") & (table["method"] == "model") & (table["voice"] == "own")]
    assert len(cell) == mentions.query("target == 'CSTO' and method == 'model' and voice == 'own'")["outlet"].nunique()
    assert (table["small_n"] == (table["n"] < 5)).all()
    shares = table[["share_negative", "share_neutral", "share_positive"]].sum(axis=1)
    assert shares.round(9).eq(1).all()
    big = table[table["n"] >= 5]
    assert ((big["ci_low"] <= big["mean"]) & (big["mean"] <= big["ci_high"])).all()


@needs_gold
@pytest.mark.skipif(not MODEL_PATH.exists(), reason="no trained stance model")
def test_eval_command_on_rw_dev_writes_predictions_and_model_clears_floor(tmp_path, capsys):
    predictions = tmp_path / "pred.jsonl"
    assert cli.main(["eval", "stance", "--data", str(RW), "--split", "dev", "--method", "model",
                     "--predictions", str(predictions)]) == 0
    printed = json.loads(capsys.readouterr().out)
    lines = [json.loads(line) for line in predictions.read_text().splitlines()]
    assert len(lines) == len(load_gold(RW, "dev")) == printed["n"]
    assert {line["polarity"] for line in lines} == {-1, 0, 1}
    assert {"macro_f1", "accuracy", "f1_negative", "f1_positive"} <= set(printed)
    assert printed["macro_f1"] >= MODEL_FLOOR_RW


@pytest.mark.skipif(not MT.exists() or not MODEL_PATH.exists(), reason="NewsMTSC mt dev or model missing")
def test_scoped_textblob_beats_whole_sentence_textblob_on_multi_target_dev():
    scoped = evaluate(MT, "dev", "textblob")
    sentence = evaluate(MT, "dev", "sentence")
    assert scoped["macro_f1"] > sentence["macro_f1"] + 0.01, (scoped, sentence)


@pytest.mark.skipif(not MT.exists() or not MODEL_PATH.exists(), reason="NewsMTSC mt dev or model missing")
def test_model_clears_the_multi_target_floor_on_mt_dev():
    assert evaluate(MT, "dev", "model")["macro_f1"] >= MODEL_FLOOR_MT
