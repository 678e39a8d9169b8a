"""prepare(): the seed corpus loaded, selected, cleaned and parsed, with marks every analysis relies on."""

from __future__ import annotations

import pandas as pd
import pytest

from presslens import paths
from presslens.workflow import prepare, select

SECTION_HEADINGS = [
    "CSTO’s Response to Kazakhstan’s 2022 Crisis",
    "Putin Unveils “Oreshnik” Missile System",
    "Kazakhstan’s Nuclear Power Project",
    "Armenia’s Absence and CSTO’s Future",
    "Key Summit Outcomes",
]


def test_every_seed_article_is_parsed_from_its_cleaned_text(seed_study, seed_docs) -> None:
    assert list(seed_study.articles["id"]) == list(pd.read_csv(paths.MANIFEST)["id"])
    for article in seed_study.articles.itertuples():
        doc = seed_docs[article.id]
        assert doc.text == article.clean_text
        assert doc._.article_id == article.id
        assert [tuple(p) for p in doc._.paragraphs] == [tuple(p) for p in article.paragraphs]


def test_section_headings_are_sentences_of_their_own_marked_as_headings(seed_docs) -> None:
    headings = [sent.text.strip() for sent in seed_docs["timesca-2024-11"].sents if sent._.is_heading]
    assert headings == SECTION_HEADINGS


def test_leftovers_never_reach_the_parsed_text(seed_docs) -> None:
    nato = seed_docs["natofoundation-2022-05"].text
    assert "Share on" not in nato and "We use cookies" not in nato and "Menu" not in nato
    assert "Details - in the material" not in seed_docs["moscowpost-2024-11-28"].text
    assert "VIDEO:" not in seed_docs["politicstoday-2022-01-26"].text


def test_date_range_keeps_articles_whose_period_overlaps_and_says_why_others_are_out(seed_study) -> None:
    chosen = select(seed_study.articles, date_from="2024-11-28", date_to="2024-12-31")
    assert sorted(chosen.loc[chosen["selected"], "id"]) == [
        "moscowpost-2024-11-28", "otenge-2024-11", "timesca-2024-11"]
    reasons = chosen.set_index("id")["reason"]
    assert reasons["politicstoday-2022-01-26"] == "published 2022-01-26 before date_from 2024-11-28"
    assert reasons["natofoundation-2022-05"].startswith("published 2022-05 before")


def test_an_empty_selection_is_an_error_that_says_what_to_do() -> None:
    with pytest.raises(ValueError, match="widen the selection"):
        prepare(paths.DATA_DIR, outlets=["No Such Outlet"], progress=False)
