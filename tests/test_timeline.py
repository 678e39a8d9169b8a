"""presslens.timeline on real text: the seed corpus (pinned values) and TimeML dev gold (TempEval-3 scoring)."""

from __future__ import annotations

import pytest

from presslens import paths, registry
from presslens.timeline import (
    build,
    evaluate,
    extract_events,
    extract_timex,
    fitted_rules,
    gold,
    merge,
    timex_table,
)
from presslens.timeline.tables import readable_timeline

TBAQ = paths.EVAL_DIR / "timeml" / "TBAQ-cleaned"
needs_tbaq = pytest.mark.skipif(not TBAQ.is_dir(), reason="TimeML gold data not available")


def _article(seed_study, article_id):
    """The manifest row of one seed article."""
    return seed_study.articles.set_index("id").loc[article_id]


def _values(seed_study, seed_docs, article_id, published=None, precision=None):
    """{text: Timex} of one seed article, optionally with another publication date."""
    row = _article(seed_study, article_id)
    found = extract_timex(seed_docs[article_id], row["published"] if published is None else published,
                          row["date_precision"] if precision is None else precision)
    return {t.text: t for t in found}


@pytest.mark.parametrize("article_id, text, value", [
    ("moscowpost-2024-11-28", "Yesterday", "2024-11-27"),
    ("moscowpost-2024-11-28", "Today", "2024-11-28"),
    ("politicstoday-2022-01-26", "January 2", "2022-01-02"),
    ("politicstoday-2022-01-26", "January 15, 2022", "2022-01-15"),
    ("natofoundation-2022-05", "February", "2022-02"),
    ("natofoundation-2022-05", "May 15", "2022-05-15"),
    ("otenge-2024-11", "November 28", "2024-11-28"),
])
def test_seed_values_are_pinned(seed_study, seed_docs, article_id, text, value):
    found = _values(seed_study, seed_docs, article_id)
    assert found[text].value == value
    timex = found[text]
    assert seed_docs[article_id].text[timex.start_char:timex.end_char] == text
    assert text in timex.sentence and timex.article_id == article_id


def test_records_carry_dates_precision_and_anchor(seed_study, seed_docs):
    found = _values(seed_study, seed_docs, "natofoundation-2022-05")
    february = found["February"]
    assert (february.start_date, february.end_date, february.precision) == ("2022-02-01", "2022-02-28", "month")
    assert february.anchor.startswith("dct:2022-05") and february.tense == "past"
    assert found["January 2022"].anchor == "absolute"


def test_a_month_precise_publication_date_limits_what_depends_on_the_day(seed_study, seed_docs):
    found = _values(seed_study, seed_docs, "moscowpost-2024-11-28", published="2024-11", precision="month")
    yesterday = found["Yesterday"]
    assert yesterday.value == "2024-11" and yesterday.precision == "month" and yesterday.dct_limited
    assert found["June 2024"].value == "2024-06" and not found["June 2024"].dct_limited


def test_without_a_publication_date_relative_expressions_stay_unresolved(seed_study, seed_docs):
    found = _values(seed_study, seed_docs, "moscowpost-2024-11-28", published="", precision="unknown")
    assert found["Yesterday"].value == "XXXX-XX-XX" and found["Yesterday"].start_date is None
    assert found["June 2024"].value == "2024-06"


def test_ranges_give_start_and_end(seed_study, seed_docs):
    years = _values(seed_study, seed_docs, "moscowpost-2024-11-28")["2024-2028"]
    assert (years.value, years.end_value, years.start_date, years.end_date) == ("2024", "2028", "2024-01-01", "2028-12-31")


def test_events_name_the_predicate_the_date_belongs_to(seed_study, seed_docs):
    doc = seed_docs["politicstoday-2022-01-26"]
    row = _article(seed_study, "politicstoday-2022-01-26")
    events = {e.value: e for e in extract_events(doc, extract_timex(doc, row["published"], row["date_precision"]))}
    assert "started to leave Kazakhstan" in events["2022-01-15"].event_phrase
    assert "Kazakhstan" in events["2022-01-15"].entities
    assert events["2022-01-15"].predicate_lemma == "start"


def test_the_summit_merges_across_outlets(seed_study, seed_docs):
    tables = build(seed_docs, seed_study.articles)
    summit = tables.timeline[tables.timeline["start_date"] == "2024-11-28"]
    assert len(summit) == 1
    assert set(summit.iloc[0]["outlets"].split("; ")) == {"Otenge", "The Moscow Post"}
    assert tables.conflicts.empty
    for column in ("article_id", "outlet", "text", "type", "value", "start_date", "end_date", "precision", "anchor",
                   "start_char", "end_char", "sentence"):
        assert column in tables.timex.columns


def test_the_readable_timeline_points_each_entry_at_its_evidence(seed_study, seed_docs):
    rows = readable_timeline(build(seed_docs, seed_study.articles).timeline)
    assert len(rows) and {"date", "event", "participants", "outlets", "evidence"} <= set(rows.columns)
    for row in rows.itertuples():
        assert seed_docs[row.article_id].text[int(row.start_char):int(row.end_char)].strip() in row.evidence


def test_a_different_date_for_the_same_summit_is_a_conflict(seed_study, seed_docs):
    articles = seed_study.articles.copy()
    articles.loc[articles["id"] == "moscowpost-2024-11-28", "published"] = "2024-12-01"
    conflicts = build(seed_docs, articles).conflicts
    assert fitted_rules().tolerance_days < 3
    assert len(conflicts) == 1
    row = conflicts.iloc[0]
    assert row["kind"] == "across outlets" and {row["value_a"], row["value_b"]} == {"2024-11-28", "2024-12-01"}
    assert "summit" in row["event_phrase_a"] and "summit" in row["event_phrase_b"]
    assert "csto" in row["reason"] and row["sentence_a"] and row["sentence_b"]
    more_tolerant = build(seed_docs, articles, fitted_rules(tolerance_days=3)).conflicts
    assert more_tolerant.empty


def test_timex_table_has_one_row_per_expression(seed_study, seed_docs):
    table = timex_table(seed_docs, seed_study.articles)
    assert (table.groupby("article_id").size() > 0).all()
    assert set(table["outlet"]) == set(seed_study.articles["outlet"])


@needs_tbaq
def test_tempeval_scoring_of_gold_against_itself_is_perfect():
    docs = gold.read_corpus(TBAQ / "TimeBank")[:10]
    perfect = {d.name: [{"start": t.start, "end": t.end, "type": t.type, "value": t.value} for t in d.timexes]
               for d in docs}
    scores = evaluate.score_timex(docs, perfect)
    assert scores["strict"]["f1"] == 1.0 and scores["value_f1"] == 1.0
    shifted = {n: [{**t, "start": t["start"] + 1, "value": "X"} for t in ts] for n, ts in perfect.items()}
    scores = evaluate.score_timex(docs, shifted)
    assert scores["strict"]["f1"] == 0.0 and scores["relaxed"]["f1"] == 1.0 and scores["value_accuracy"] == 0.0


@needs_tbaq
def test_quality_on_timebank_dev_documents(nlp):
    docs = gold.read_corpus(TBAQ / "TimeBank")[:25]
    predictions, _ = evaluate.predict_timex(docs)
    scores = evaluate.score_timex(docs, predictions)
    assert scores["relaxed"]["f1"] >= 0.88
    assert scores["value_f1"] >= 0.82


def test_eval_commands_are_registered():
    names = set(registry.evaluators.get_all())
    assert {"timex", "timeline"} <= names


def test_merge_rules_are_documented_parameters():
    rules = fitted_rules()
    assert 0 < rules.merge_similarity <= 1 and rules.tolerance_days >= 0
    assert merge.MergeRules.__doc__
