"""Quote attribution on the seed corpus: Satpaev's quotes, Tokayev's statement across outlets, mixed quotes."""

from __future__ import annotations

import pandas as pd
import pytest

from presslens.quotes import (
    extract_quotes,
    find_quote_blocks,
    reporting_verbs,
    speakers_table,
    statements_table,
)


@pytest.fixture(scope="module")
def quotes(seed_study) -> pd.DataFrame:
    """The quotes table of the seed corpus, as every notebook reads it: from the annotation store."""
    return seed_study.quotes


def _article(quotes: pd.DataFrame, article_id: str) -> pd.DataFrame:
    """The attributions of one article."""
    return quotes[quotes["article_id"] == article_id]


def _containing(frame: pd.DataFrame, words: str) -> pd.Series:
    """The one attribution whose content contains ``words``."""
    hits = frame[frame["content"].str.contains(words, regex=False)]
    assert len(hits) == 1, f"expected one attribution with {words!r}, got {len(hits)}"
    return hits.iloc[0]


def test_lexicon_marks_evaluative_verbs_against_neutral_said() -> None:
    verbs = reporting_verbs()
    assert verbs["say"] == {**verbs["say"], "category": "speech", "evaluative": False}
    assert all(verbs[lemma]["evaluative"] for lemma in ("threaten", "claim", "admit"))
    assert verbs["believe"]["category"] == "belief"
    assert verbs["according to"]["category"] == "speech"


def test_unbalanced_and_multi_paragraph_quotation_marks() -> None:
    text = '“First part of a long quote,\n“and it goes on here.”\nA stray “mark in this line stays local.\nNext line.'
    blocks = find_quote_blocks(text)
    assert len(blocks) == 1
    assert [text[s:e] for s, e in blocks[0].segments] == ["First part of a long quote,", "and it goes on here."]
    assert find_quote_blocks('He said "no') == []


def test_satpaev_quotes_in_otenge(quotes: pd.DataFrame) -> None:
    otenge = _article(quotes, "otenge-2024-11")
    satpaev = otenge[otenge["speaker"] == "Dosym Satpaev"]
    assert set(satpaev["kind"]) >= {"direct", "indirect", "mixed"}
    assert set(satpaev["speaker_category"]) == {"expert"}
    hint = _containing(otenge, "this is a hint to other CSTO members")
    assert (hint["kind"], hint["speaker_mention"], hint["resolution"]) == ("direct", "the expert", "description")
    kremlin = _containing(otenge, "the Kremlin clearly understands")
    assert (kremlin["cue"], kremlin["speaker_mention"], kremlin["speaker"]) == ("According to", "him", "Dosym Satpaev")
    assert kremlin["resolution"] == "pronoun"
    believes = _containing(otenge, "Putin's statements were directed")
    assert (believes["kind"], believes["cue_lemma"], believes["speaker"]) == ("indirect", "believe", "Dosym Satpaev")
    opinion = _containing(otenge, "understands this")
    assert (opinion["cue_lemma"], opinion["speaker"]) == ("in the opinion of", "Dosym Satpaev")


def test_quote_split_by_its_attribution_is_one_record_with_two_segments(quotes: pd.DataFrame, seed_docs) -> None:
    split = _containing(_article(quotes, "otenge-2024-11"), "boarded by pirates")
    segments = eval(split["segments"])  # noqa: S307 - a JSON list of pairs written by quotes_table
    text = seed_docs["otenge-2024-11"].text
    assert (split["kind"], split["cue"], split["speaker"]) == ("direct", "stated", "Dosym Satpaev")
    assert len(segments) == 2
    assert text[segments[1][0] :].startswith("Putin's visit aligns with this policy")
    assert "Satpaev stated" in text[segments[0][1] : segments[1][0]]


def test_tokayev_statement_is_grouped_across_outlets(quotes: pd.DataFrame) -> None:
    statements = statements_table(quotes)
    tokayev = statements[statements["speaker"] == "Kassym-Jomart Tokayev"]
    assert len(tokayev) == 1
    group = tokayev.iloc[0]
    assert group["outlets"] == "Otenge; The Times of Central Asia"
    assert "In the face of modern challenges" in group["wordings"] and "Amid modern challenges" in group["wordings"]
    assert group["min_score"] >= 70 and group["mean_score"] >= 70
    assert statements_table(quotes, threshold=99.5).query("speaker == 'Kassym-Jomart Tokayev'").empty


def test_name_variants_merge_into_one_canonical_speaker(quotes: pd.DataFrame) -> None:
    speakers = speakers_table(quotes).set_index("speaker_id")
    tokayev = speakers.loc["kassym-jomart-tokayev"]
    assert tokayev["n_outlets"] >= 2 and tokayev["speaker_category"] == "official"
    assert {"Tokayev", "President Tokayev"} <= set(tokayev["mentions"].split("; "))
    assert "President" in tokayev["roles"]
    kremlin = quotes[quotes["speaker"] == "Kremlin"].iloc[0]
    assert (kremlin["speaker_type"], kremlin["cue"]) == ("organisation", "As stated in")


def test_mixed_quotes_of_zatulin_and_suleymenov(quotes: pd.DataFrame) -> None:
    zatulin = _containing(_article(quotes, "moscowpost-2024-11-28"), "friendship")
    assert (zatulin["kind"], zatulin["speaker_mention"], zatulin["resolution"]) == ("mixed", "he", "pronoun")
    assert zatulin["speaker"].endswith("Zatulin")
    suleymenov = _containing(_article(quotes, "natofoundation-2022-05"), "will not be a tool")
    assert (suleymenov["kind"], suleymenov["speaker"], suleymenov["speaker_category"]) == (
        "mixed", "Timur Suleymenov", "official")


def test_records_trace_to_the_text(quotes: pd.DataFrame, seed_docs) -> None:
    for row in quotes.itertuples():
        text = seed_docs[row.article_id].text
        assert row.sentence and row.sentence in text
        if row.cue_start >= 0:
            assert text[row.cue_start : row.cue_end].split()[0] == row.cue.split()[0]
        if row.speaker_start >= 0:
            assert text[row.speaker_start : row.speaker_end] == row.speaker_mention
    evaluative = quotes[quotes["cue_lemma"] == "threaten"]
    assert not evaluative.empty and evaluative["evaluative"].all()


def test_extract_quotes_returns_attribution_records(seed_docs) -> None:
    records = extract_quotes(seed_docs["timesca-2024-11"])
    assert [record.quote_id for record in records] == sorted(record.quote_id for record in records)
    explained = next(record for record in records if record.cue_text == "explained")
    assert (explained.speaker_mention, explained.speaker, explained.resolution) == ("he", "Vladimir Putin", "pronoun")
    assert explained.content.startswith("The temperature of the striking elements")


def test_reporting_verbs_per_outlet_flag_putins_threat_in_otenge(quotes: pd.DataFrame) -> None:
    from presslens.quotes import evaluative_share, reporting_verbs_by_outlet, statements_side_by_side, statements_table

    verbs = reporting_verbs_by_outlet(quotes)
    threatened = verbs[(verbs["outlet"] == "Otenge") & (verbs["cue_lemma"] == "threaten")]
    assert len(threatened) == 1 and bool(threatened["evaluative"].iloc[0])
    assert not verbs["cue_lemma"].isin(["", "dash", "colon"]).any()
    shares = evaluative_share(quotes).set_index("outlet")
    assert shares.loc["Otenge", "count"] >= 1
    # one article: its attributions are not independent draws, so there is no interval, and it is small n
    assert shares.loc["Otenge", "n_articles"] == 1 and shares.loc["Otenge", "small_n"]
    assert pd.isna(shares.loc["Otenge", "ci_low"]) and pd.isna(shares.loc["Otenge", "ci_high"])
    side = statements_side_by_side(statements_table(quotes), quotes)
    tokayev = side[side["speaker"].str.contains("Tokayev")]
    assert {"Otenge", "The Times of Central Asia"} <= set(tokayev["outlet"])
