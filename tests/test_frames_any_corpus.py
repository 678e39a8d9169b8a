"""presslens.frames on any corpus: cues that mean their frame, table-level profiles, naming found in the corpus."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest

from presslens import paths
from presslens.frames import cues, devices, naming, profiles
from presslens.frames.lexicon import make_entry
from presslens.nlp import parse_texts

SAMPLE = paths.PROJECT_ROOT / "tests" / "data" / "frame_cues_sample.csv"


def parse(nlp, *texts: str):
    """Parse short test texts without touching the cache."""
    return parse_texts(list(texts), nlp, cache=False, progress=False)


@pytest.fixture(scope="module")
def seed_tables(seed_study, seed_docs):
    """The store tables of the seed corpus the framing analysis reads, made by the current code from the Docs."""
    from presslens.annotate import _doc_records
    from presslens.frames.annotator import annotate_frames

    articles = seed_study.articles
    docs = [seed_docs[article_id] for article_id in articles["id"]]
    records = [_doc_records(doc, {"id": article_id}) for doc, article_id in zip(docs, articles["id"])]
    tables = {name: pd.DataFrame(rows)
              for name, rows in annotate_frames(docs, [{"id": i} for i in articles["id"]], {}).items()}
    tables["sentences"] = pd.DataFrame([row for _, sentences, _ in records for row in sentences])
    tables["entities"] = pd.DataFrame([row for _, _, entities in records for row in entities])
    return tables


def found(doc) -> set[tuple[str, str]]:
    """(frame, cue text) pairs the tagger finds in a Doc."""
    return {(cue.frame, cue.cue) for cue in cues.tag_frames(doc)}


def test_cues_inside_names_do_not_fire(nlp):
    doc, = parse(nlp, "Amnesty International said the government had detained 40 people. Fighters of the "
                      "Islamic State attacked the village. Visitors crowded the Christmas market in Berlin.")
    hits = found(doc)
    assert not any(cue.startswith("Amnesty") for _, cue in hits)
    assert ("Morality", "Islamic") not in hits
    assert ("Security_and_defense", "Islamic State") in hits  # an entity-safe cue: a named armed group
    assert not any(frame == "Economic" for frame, _ in hits)
    assert ("Crime_and_punishment", "detained") in hits


def test_names_of_institutions_are_entity_safe_and_plain_words_still_fire(nlp):
    doc, = parse(nlp, "The Supreme Court blocked the law. Muslim families prayed at the mosque. "
                      "Stock markets fell as investors fled.")
    hits = found(doc)
    assert ("Legality_Constitutionality_and_jurisprudence", "Supreme Court") in hits
    assert ("Morality", "Muslim") in hits and ("Morality", "mosque") in hits
    assert ("Economic", "markets") in hits


def test_multiword_cues_take_precedence(nlp):
    doc, = parse(nlp, "The trade war hurt soybean farmers.")
    hits = found(doc)
    assert ("Economic", "trade war") in hits
    assert ("Security_and_defense", "war") not in hits


def test_entity_safe_must_be_a_flag():
    with pytest.raises(ValueError):
        make_entry("Economic", {"id": "x", "lemmas": ["market"], "note": "n", "entity_safe": "yes"})
    assert make_entry("Economic", {"id": "x", "lemmas": ["market"], "note": "n"}).entity_safe is False


def sample_rows() -> list[dict[str, str]]:
    """The hand-checked cue hits (guideline: tests/data/frame_cues_sample.md)."""
    with SAMPLE.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_cue_precision_on_the_hand_checked_abp_sample(nlp):
    rows = sample_rows()
    assert len(rows) >= 150 and len({row["frame"] for row in rows}) == 14
    docs = parse(nlp, *[row["sentence"] for row in rows])
    still, correct = 0, 0
    for row, doc in zip(rows, docs):
        start = int(row["cue_offset"])
        fired = any(cue.frame == row["frame"] and cue.start_char == start for cue in cues.tag_frames(doc))
        still += fired
        correct += fired and row["correct"] == "1"
    assert still / len(rows) >= 0.9  # the sample still describes the tagger
    assert correct / still >= 0.85


def test_article_frames_and_outlet_profile_from_tables(seed_study, seed_tables):
    from presslens.frames import article_frames_table

    articles = seed_study.articles
    table = article_frames_table(articles, seed_tables["frame_cues"], seed_tables["sentences"])
    assert len(table) == len(articles) * 14
    assert table["cue_share"].between(0, 1).all() and table["classifier_probability"].between(0, 1).all()
    profile = profiles.outlet_profile(table, articles)
    assert len(profile) == articles["outlet"].nunique() * 14
    assert {"n_articles", "classifier_probability", "classifier_probability_ci_low", "cue_share",
            "cue_share_ci_high", "small_n"} <= set(profile)
    assert profile["small_n"].all() and profile["cue_share_ci_low"].isna().all()  # one article per outlet
    security = profile.set_index(["outlet", "frame"])["cue_share"]
    assert security[("The Times of Central Asia", "Security_and_defense")] > 0.3
    texts = dict(zip(articles["id"], articles["clean_text"]))
    listed = cues.cue_table(seed_tables["frame_cues"], articles)
    assert listed["outlet"].notna().all() and len(listed) == len(seed_tables["frame_cues"])
    assert all(texts[row.article_id][row.start_char:row.end_char] == row.cue for row in listed.itertuples())
    differences = profiles.frame_differences(table, articles)
    assert differences.empty
    assert "enough articles" in profiles.describe_differences(differences)[0]


def synthetic_frames(shift: float, n_frames: int = 14, n: int = 30, seed: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two outlets of n articles; outlet A's probability of frame f0 is raised by ``shift``."""
    rng = np.random.default_rng(seed)
    articles = pd.DataFrame({"id": [f"a{i}" for i in range(2 * n)], "outlet": ["A"] * n + ["B"] * n})
    rows = [{"article_id": article, "frame": f"f{j}",
             "classifier_probability": float(np.clip(rng.beta(2, 5) + (shift if (j == 0 and outlet == "A") else 0),
                                                     0, 1))}
            for article, outlet in zip(articles["id"], articles["outlet"]) for j in range(n_frames)]
    return pd.DataFrame(rows), articles


def test_frame_differences_find_a_real_shift_and_control_false_positives():
    table, articles = synthetic_frames(0.3)
    differences = profiles.frame_differences(table, articles)
    supported = differences[differences["supported"]]
    assert set(zip(supported["outlet"], supported["frame"])) == {("A", "f0"), ("B", "f0")}
    words = profiles.describe_differences(differences)
    assert words[0].startswith("A carries f0 more") or words[0].startswith("B carries f0 less")
    short = profiles.describe_differences(differences, limit=1)
    assert len(short) == 2 and short[-1].endswith("(the 1 largest above; every one in the table below).")
    assert set(zip(profiles.supported_table(differences)["outlet"], ["f0", "f0"])) == {("A", "f0"), ("B", "f0")}
    nothing, articles = synthetic_frames(0.0, n_frames=14, seed=5)
    assert not profiles.frame_differences(nothing, articles)["supported"].any()


def test_distinctive_terms_leave_out_own_name_and_boilerplate(seed_study, seed_tables):
    articles = seed_study.articles
    table = devices.distinctive_terms(seed_tables["term_counts"], articles, seed_tables["sentences"], top=10)
    for row in table.itertuples():
        assert row.term not in devices.outlet_name_terms([row.outlet])
        assert row.count >= 2 and row.sentence and row.term[:3].lower() in row.sentence.lower()
    repeated = pd.DataFrame({"article_id": ["x1", "x2", "x3", "x1"], "sentence_index": [0, 0, 0, 1],
                             "start_char": [0, 0, 0, 20], "end_char": [18, 18, 18, 40],
                             "text": ["READ MORE: Sign up"] * 3 + ["Read the ruling here."]})
    outlets = pd.DataFrame({"id": ["x1", "x2", "x3"], "outlet": ["Wire"] * 3})
    boilerplate = devices.repeated_sentence_terms(repeated, outlets)
    assert {("Wire", "sign"), ("Wire", "more")} <= boilerplate and ("Wire", "ruling") not in boilerplate


def test_term_counts_skip_boilerplate_phrases(nlp):
    doc, = parse(nlp, "READ MORE: Senators read the bill twice.")
    counts = devices.term_counts(doc)
    assert counts["read"] == 1 and counts["senator"] == 1


def test_name_mentions_carry_descriptors_and_appositions(nlp):
    doc, = parse(nlp, "The Assad regime shelled the town. Bashar al-Assad, the Syrian president, denied it.")
    mentions = [m for m in devices.name_mentions(doc) if m.kind == "entity"]
    by_text = {m.text: m for m in mentions}
    assert by_text["Assad"].descriptor == "regime"
    assert "Syrian president" in by_text["Bashar al-Assad"].apposition
    for mention in mentions:
        assert doc.text[mention.start_char:mention.end_char] == mention.text
        assert mention.text in mention.sentence


def test_canonical_actors_join_surnames_acronyms_and_countries():
    texts = ["Bashar al-Assad", "Bashar al-Assad", "Assad", "the United Nations", "UN", "Russia", "Russia's",
             "Syrian", "Damascus", "Syria"]
    labels = ["PERSON", "PERSON", "PERSON", "ORG", "ORG", "GPE", "GPE", "NORP", "GPE", "GPE"]
    entities = pd.DataFrame({"article_id": [f"a{i}" for i in range(len(texts))], "start_char": 0, "end_char": 5,
                             "sentence_index": 0, "text": texts, "label": labels})
    actors = naming.canonical_actors(entities).set_index("text")["actor"]
    assert actors["Assad"] == "Bashar al-Assad"
    assert actors["UN"] == actors["the United Nations"] == "United Nations"
    assert actors["Russia's"] == actors["Russia"] == "Russia"
    assert actors["Syrian"] == actors["Damascus"] == actors["Syria"] == "Syria"


def test_naming_table_is_found_in_the_corpus(seed_study, seed_tables):
    articles = seed_study.articles
    table = naming.naming_table(seed_tables["names"], seed_tables["entities"], articles)
    assert not table.empty and "label" not in set(table["kind"])
    assert {"name", "descriptor"} <= set(table["kind"])
    texts = dict(zip(articles["id"], articles["clean_text"]))
    for row in table.itertuples():
        assert row.sentence and texts[row.article_id][row.start_char:row.end_char] in row.sentence
    names = table[table["kind"] == "name"].groupby(["actor", "outlet"])["share"].sum()
    assert np.allclose(names, 1.0)
    with_labels = naming.naming_table(seed_tables["names"], seed_tables["entities"], articles,
                                      labels=paths.LEXICON_DIR / "labels.yaml")
    groups = with_labels[with_labels["kind"] == "label"]
    assert set(groups["actor"]) <= set(naming.referents_in(paths.LEXICON_DIR / "labels.yaml"))
    assert not groups.empty


def test_detectable_differences_shrink_with_corpus_size():
    from presslens.frames.power import detectable_differences

    table, articles = synthetic_frames(0.0, n_frames=2, n=60)
    found = detectable_differences(table, articles, sizes=(10, 100), repeats=200).set_index(["frame", "n_per_outlet"])
    for frame in ("f0", "f1"):
        small, large = found.loc[(frame, 10), "min_difference"], found.loc[(frame, 100), "min_difference"]
        sd = found.loc[(frame, 100), "sd"]
        assert 0.01 <= large < small
        assert large == pytest.approx(3.1 * sd * np.sqrt(2 / 100), abs=0.03)  # z(0.0125) + z(0.8) ≈ 3.1
