"""presslens.frames: cue tagger, outlet profiles, framing devices, on the seed corpus and SemEval gold data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from presslens import paths
from presslens.frames import cues, devices
from presslens.frames.evaluate import DEFAULT_DATA, fold_of, load_dataset, score, write_predictions
from presslens.nlp import parse_texts

needs_gold = pytest.mark.skipif(not DEFAULT_DATA.exists(), reason="shared SemEval-2023 T3 frames not present")


def parse(nlp, *texts: str):
    """Parse short test texts without touching the cache."""
    return parse_texts(list(texts), nlp, cache=False, progress=False)


@needs_gold
def test_frame_names_are_the_semeval_labels():
    gold = {frame for row in load_dataset(DEFAULT_DATA).labels for frame in row}
    assert set(cues.frame_names()) == gold
    assert len(cues.frame_names()) == 14


def test_every_lexicon_entry_has_a_note_and_one_kind():
    entries = cues.frame_entries()
    assert {entry.label for entry in entries} == set(cues.frame_names())
    assert all(entry.note and entry.kind in ("lemmas", "terms", "pattern") for entry in entries)


def test_cues_match_inflected_lemmas_and_skip_known_traps(nlp):
    doc, = parse(nlp, "Police arrested three rioters. According to officials, the talks ended in March. "
                      "The WHO said who was infected.")
    found = {(cue.frame, cue.cue) for cue in cues.tag_frames(doc)}
    assert ("Crime_and_punishment", "arrested") in found
    assert ("Crime_and_punishment", "rioters") in found
    assert ("Health_and_safety", "WHO") in found
    assert ("Health_and_safety", "who") not in found
    assert not any(cue == "According" for _, cue in found)
    assert ("Public_opinion", "March") not in found


def test_tag_frames_on_seed_text_is_traceable(seed_docs):
    doc = seed_docs["politicstoday-2022-01-26"]
    found = cues.tag_frames(doc)
    assert found
    for cue in found:
        assert cue.article_id == "politicstoday-2022-01-26"
        assert doc.text[cue.start_char:cue.end_char] == cue.cue
        assert cue.cue in cue.sentence
        assert cue.note and "/" in cue.entry
    frames = {cue.frame for cue in found}
    assert {"Security_and_defense", "Political", "External_regulation_and_reputation"} <= frames


def test_log_odds_sign_and_z():
    counts = pd.DataFrame({"a": [30, 10, 60], "b": [2, 38, 60]}, index=["riot", "summit", "say"])
    scored = devices.log_odds_dirichlet(counts, counts.sum(axis=1)).set_index(["group", "term"])
    assert scored.loc[("a", "riot"), "z"] > 2 > scored.loc[("a", "summit"), "z"]
    assert scored.loc[("b", "riot"), "z"] < -2
    assert abs(scored.loc[("a", "say"), "z"]) < 0.5


def test_score_and_folds():
    frames = ["A", "B", "C"]
    result = score([["A", "B"], ["C"]], [["A"], ["C", "B"]], frames)
    assert result["micro_f1"] == pytest.approx(2 * 2 / (2 * 2 + 1 + 1), abs=1e-4)
    assert result["per_frame_f1"]["B"] == 0.0
    assert list(fold_of(7)) == [0, 1, 2, 3, 4, 0, 1]


def test_predictions_tsv(tmp_path):
    target = tmp_path / "p.tsv"
    write_predictions(target, ["2", "1"], [["Political", "Morality"], []])
    assert target.read_text() == "2\tPolitical,Morality\n1\t\n"


@needs_gold
def test_cue_shares_on_gold_articles(nlp):
    data = load_dataset(DEFAULT_DATA)
    picked = [i for i, labels in enumerate(data.labels) if "Health_and_safety" in labels][:4]
    docs = parse_texts([data.texts[i] for i in picked], nlp, progress=False)
    shares = cues.iter_shares(docs)
    assert all(0 <= value <= 1 for row in shares for value in row.values())
    assert sum(row["Health_and_safety"] > 0 for row in shares) >= 3


@needs_gold
def test_committed_classifier_predicts_frames():
    from presslens.frames import load_classifier

    model = load_classifier()
    assert model.frames == cues.frame_names()
    data = load_dataset(DEFAULT_DATA)
    probabilities = model.predict_proba(data.texts[:5])
    assert probabilities.shape == (5, 14) and np.all((probabilities >= 0) & (probabilities <= 1))
    assert (paths.MODEL_DIR / "frames_classifier.md").exists()


@needs_gold
def test_eval_command_beats_prior_baseline_on_a_subset(tmp_path):
    from presslens import cli

    data = load_dataset(DEFAULT_DATA)
    subset = tmp_path / "frames"
    (subset / "articles").mkdir(parents=True)
    keep = list(range(0, len(data.ids), 3))
    (subset / "labels.tsv").write_text("".join(f"{data.ids[i]}\t{','.join(data.labels[i])}\n" for i in keep))
    for i in keep:
        (subset / "articles" / f"article{data.ids[i]}.txt").write_text(data.texts[i])
    predictions = tmp_path / "pred.tsv"
    args = cli.build_parser().parse_args(["eval", "frames", "--data", str(subset), "--no-cues",
                                          "--predictions", str(predictions)])
    result = args.handler(args)
    assert result["classifier"]["micro_f1"] > 0.5  # predicting every frame of prior >= 0.5 scores about 0.33
    assert len(predictions.read_text().splitlines()) == len(keep)


def test_reporting_verbs_come_from_quotes_lexicon(seed_study, seed_docs):
    from presslens.quotes import quotes_table, reporting_verbs

    quotes = quotes_table(seed_docs, seed_study.articles).drop(columns="outlet")
    table = devices.reporting_verb_table(quotes, seed_study.articles)
    lexicon = reporting_verbs()
    assert not table.empty
    texts = dict(zip(seed_study.articles["id"], seed_study.articles["clean_text"]))
    cues = dict(zip(zip(quotes["article_id"], quotes["cue_start"]), quotes["cue"]))
    for row in table.itertuples():
        assert row.evaluative == lexicon.get(row.cue_lemma, {}).get("evaluative", False)
        assert row.example_sentence
        span = texts[row.example_article_id][row.example_start_char:row.example_end_char]  # the cue, not the quote
        assert span in cues[(row.example_article_id, row.example_start_char)] and span in row.example_sentence
    assert (table.groupby("outlet")["count"].sum() == table.groupby("outlet")["n"].first()).all()
    assert not table.loc[table["cue_lemma"].isin(["say", "state"]), "evaluative"].any()
    shares = devices.evaluative_share(quotes, seed_study.articles)
    assert set(shares["outlet"]) <= set(seed_study.articles["outlet"])
    assert shares["small_n"].all()


def test_short_frame_labels_are_readable_and_unique() -> None:
    from presslens.frames import frame_names
    from presslens.frames.plots import short_name

    labels = [short_name(frame) for frame in frame_names()]
    assert short_name("Security_and_defense") == "Security & defense"
    assert short_name("Legality_Constitutionality_and_jurisprudence") == "Legality"
    assert len(set(labels)) == len(labels) == 14 and not any("_" in label for label in labels)
