"""Same statement across outlets: group attributions by speaker identity and rapidfuzz token-set similarity.

A group is "the same statement in several outlets" (scope ``across outlets``) only when its articles come from two
or more outlets; a statement repeated by one outlet is listed apart (scope ``within one outlet``). Every group
lists its quote ids and article ids.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

#: token-set similarity (0-100) from which two attributions of one speaker are the same statement
DEFAULT_THRESHOLD = 70.0
MIN_CONTENT_WORDS = 5
#: Rows of one speaker's contents compared at a time (memory: rows x that speaker's quotes scores).
BLOCK_ROWS = 512
ACROSS, WITHIN = "across outlets", "within one outlet"


def similarity(first: str, second: str) -> float:
    """rapidfuzz token-set similarity (0-100) of two contents, case-insensitive."""
    return float(fuzz.token_set_ratio(first.lower(), second.lower()))


def _find(parent: list[int], i: int) -> int:
    """Union-find root of i (with path halving)."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def statement_links(quotes: pd.DataFrame, threshold: float = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Pairs of attributions (different articles, same speaker id) whose contents score >= threshold.

    Each speaker's contents are compared all against all by ``rapidfuzz.process.cdist`` (in C, a block of rows at
    a time), so a speaker quoted thousands of times costs seconds, not a Python loop over millions of pairs.
    """
    rows = []
    usable = quotes[(quotes["speaker_id"] != "") & (quotes["content"].str.split().str.len() >= MIN_CONTENT_WORDS)]
    for _, group in usable.groupby("speaker_id", sort=True):
        contents = [text.lower() for text in group["content"]]
        articles = group["article_id"].to_numpy()
        quote_ids = group["quote_id"].to_numpy()
        for start in range(0, len(contents), BLOCK_ROWS):
            scores = process.cdist(contents[start:start + BLOCK_ROWS], contents, scorer=fuzz.token_set_ratio,
                                   score_cutoff=threshold, dtype=np.float64)
            for i, j in zip(*np.nonzero(scores >= threshold)):
                first = start + i
                if j > first and articles[first] != articles[j]:
                    rows.append({"first": quote_ids[first], "second": quote_ids[j], "score": float(scores[i, j])})
    return pd.DataFrame(rows, columns=["first", "second", "score"])


def statements_table(quotes: pd.DataFrame, threshold: float = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """One row per statement reported in two or more articles: speaker, members, outlets, score, wordings."""
    links = statement_links(quotes, threshold)
    columns = ["statement_id", "scope", "speaker", "speaker_id", "n_quotes", "n_articles", "n_outlets", "outlets",
               "quote_ids", "article_ids", "min_score", "wordings"]
    if links.empty:
        return pd.DataFrame(columns=columns)
    ids = sorted(set(links["first"]) | set(links["second"]))
    index = {quote_id: i for i, quote_id in enumerate(ids)}
    parent = list(range(len(ids)))
    for first, second in zip(links["first"], links["second"]):
        parent[_find(parent, index[first])] = _find(parent, index[second])
    members: dict[int, list[str]] = {}
    for quote_id in ids:
        members.setdefault(_find(parent, index[quote_id]), []).append(quote_id)
    by_id = quotes.set_index("quote_id")
    rows = []
    groups = sorted(members.values(), key=lambda group: (by_id.loc[group, "outlet"].nunique() < 2, group))
    for number, group in enumerate(groups, start=1):
        part = by_id.loc[group]
        scores = links[links["first"].isin(group) | links["second"].isin(group)]["score"]
        rows.append({
            "statement_id": f"s{number:03d}",
            "scope": ACROSS if part["outlet"].nunique() >= 2 else WITHIN,
            "speaker": part["speaker"].iloc[0],
            "speaker_id": part["speaker_id"].iloc[0],
            "n_quotes": len(group),
            "n_articles": part["article_id"].nunique(),
            "n_outlets": part["outlet"].nunique(),
            "outlets": "; ".join(sorted(part["outlet"].unique())),
            "quote_ids": "; ".join(group),
            "article_ids": "; ".join(sorted(part["article_id"].unique())),
            "min_score": float(scores.min()),
            "wordings": " ‖ ".join(f"[{outlet}] {content}" for outlet, content in zip(part["outlet"], part["content"])),
        })
    return pd.DataFrame(rows, columns=columns)


def statement_ids(quotes: pd.DataFrame, statements: pd.DataFrame) -> pd.Series:
    """The statement id of each attribution ("" when it is not reported elsewhere), aligned with quotes."""
    owner = {qid: row.statement_id for row in statements.itertuples() for qid in row.quote_ids.split("; ")}
    return quotes["quote_id"].map(owner).fillna("")
