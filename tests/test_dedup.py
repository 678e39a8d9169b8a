"""Duplicate detection on real text: a seed article against edited copies, and the ABP sample's duplicates."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from presslens import paths
from presslens.corpus import load_corpus
from presslens.dedup import DUPLICATE_COLUMNS, find_duplicates, normalised

ABP = paths.BENCH_DIR / "abp_10k.jsonl.gz"
SEED_ID = "politicstoday-2022-01-26"


def true_jaccard(first: str, second: str) -> float:
    """Exact Jaccard similarity of the lower-cased word 5-shingle sets, computed independently of dedup."""

    def shingles(text: str) -> set[tuple[str, ...]]:
        words = re.findall(r"\w+", text.lower())
        return {tuple(words[i : i + 5]) for i in range(len(words) - 4)}

    a, b = shingles(first), shingles(second)
    return len(a & b) / len(a | b)


def lightly_edited(text: str) -> str:
    """A copy with a changed date line, a few reworded phrases and the last paragraph dropped."""
    edits = {
        "January 26, 2022": "Updated 27 January 2022",
        "Russia-dominated": "Moscow-led",
        "bandits and terrorists": "terrorists and bandits",
        "geo-economic": "geopolitical",
    }
    for old, new in edits.items():
        assert old in text
        text = text.replace(old, new)
    return text.rstrip().rsplit("\n\n", 1)[0]


@pytest.fixture(scope="module")
def seed():
    """The seed articles (raw text), loaded without spaCy."""
    return load_corpus(paths.DATA_DIR)


def with_copies(seed: pd.DataFrame) -> pd.DataFrame:
    """The seed corpus plus an edited copy, a re-wrapped copy and a half copy of one article."""
    original = seed.set_index("id").loc[SEED_ID, "text"]
    copies = pd.DataFrame(
        {
            "id": ["edited", "rewrapped", "half"],
            "text": [
                lightly_edited(original),
                "  " + original.replace("\n\n", "\n \n\t"),
                original[: len(original) // 2],
            ],
        }
    )
    return pd.concat([seed[["id", "text"]], copies], ignore_index=True)


def test_edited_copy_is_near_and_rewrapped_copy_exact(seed):
    corpus = with_copies(seed)
    duplicates = find_duplicates(corpus, text_column="text")
    assert list(duplicates.columns) == DUPLICATE_COLUMNS
    pairs = {(row.article_id, row.duplicate_of): row for row in duplicates.itertuples()}
    assert pairs[("rewrapped", SEED_ID)].kind == "exact" and pairs[("rewrapped", SEED_ID)].similarity == 1.0
    edited = pairs[("edited", SEED_ID)]
    texts = corpus.set_index("id")["text"]
    truth = true_jaccard(texts["edited"], texts[SEED_ID])
    assert edited.kind == "near" and 0.8 <= truth < 1.0
    assert abs(edited.similarity - truth) < 0.1
    # The half copy shares about half the shingles: below the 0.8 threshold, so not a duplicate.
    assert true_jaccard(texts["half"], texts[SEED_ID]) < 0.6
    assert not any("half" in pair for pair in pairs)
    # The five seed articles are distinct stories; only the copies are reported.
    assert set(duplicates["article_id"]) == {"edited", "rewrapped"}
    assert len(seed) == 5 and find_duplicates(seed, text_column="text").empty


def test_threshold_decides_what_counts_as_near(seed):
    corpus = with_copies(seed)
    loose = find_duplicates(corpus, text_column="text", threshold=0.3)
    assert ("half", SEED_ID) in set(zip(loose["article_id"], loose["duplicate_of"]))


def test_missing_text_column_says_what_to_do(seed):
    with pytest.raises(KeyError, match="clean_text"):
        find_duplicates(seed)


@pytest.fixture(scope="module")
def abp():
    """The ABP sample and its duplicates."""
    if not ABP.exists():
        pytest.skip(f"{ABP} is not available")
    articles = load_corpus(ABP)
    return articles, find_duplicates(articles, text_column="text")


def test_abp_exact_duplicates_are_all_found(abp):
    articles, duplicates = abp
    normal = articles["text"].map(normalised)
    copies = articles.loc[normal.duplicated(keep="first"), "id"]
    exact = duplicates[duplicates["kind"] == "exact"]
    assert len(copies) >= 1 and set(exact["article_id"]) == set(copies)
    texts = dict(zip(articles["id"], normal))
    assert all(texts[row.article_id] == texts[row.duplicate_of] for row in exact.itertuples())


def test_abp_near_duplicates_are_real_and_same_url_rewrites_found(abp):
    articles, duplicates = abp
    texts = dict(zip(articles["id"], articles["text"]))
    near = duplicates[duplicates["kind"] == "near"]
    assert len(near) >= 5
    for row in near.itertuples():
        assert true_jaccard(texts[row.article_id], texts[row.duplicate_of]) >= 0.7, row
    # Independent recall check: articles republished under the same URL whose texts overlap strongly.
    reported = set(zip(duplicates["article_id"], duplicates["duplicate_of"]))
    for _, group in articles[articles["url"].duplicated(keep=False) & (articles["url"] != "")].groupby("url"):
        first, *later = group["id"].tolist()
        for other in later:
            if true_jaccard(texts[first], texts[other]) >= 0.8:
                assert (other, first) in reported
