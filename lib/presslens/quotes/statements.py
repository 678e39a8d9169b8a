"""Same statement across outlets: a speaker's matching wordings, grouped by average linkage.

A speaker's distinct wordings (contents, lower-cased; identical ones are one) are compared when they share
``MIN_SHARED_WORDS`` specific words (words that at most ``SPECIFIC_WORD_CONTENTS`` of that speaker's wordings use), and
linked when their rapidfuzz token-set similarity reaches the threshold. Within each connected set of linked wordings,
average linkage (UPGMA, scipy) keeps wordings together while the mean similarity of all their pairs stays at the
threshold, so that a chain of loose links through a much-quoted speaker's remarks does not become one statement. A
group is every attribution carrying one of its wordings, kept when they come from two or more articles: "the same
statement in several outlets" (scope ``across outlets``) when those articles come from two or more outlets, a
statement repeated by one outlet otherwise (scope ``within one outlet``). Every group lists its quote ids, article ids,
and the lowest and mean similarity of its wordings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import squareform

#: token-set similarity (0-100) from which two attributions of one speaker are the same statement
DEFAULT_THRESHOLD = 70.0
MIN_CONTENT_WORDS = 5
#: A word is specific to a speaker when at most this many of the speaker's distinct contents use it: every word of a
#: speaker quoted in fewer contents, the rarer words of the most quoted ones.
SPECIFIC_WORD_CONTENTS = 50
#: Specific words two contents must share to be compared (a quote's generic words match a speaker's every remark).
MIN_SHARED_WORDS = 2
ACROSS, WITHIN = "across outlets", "within one outlet"


def similarity(first: str, second: str) -> float:
    """rapidfuzz token-set similarity (0-100) of two contents, case-insensitive."""
    return float(fuzz.token_set_ratio(first.lower(), second.lower()))


def statement_links(quotes: pd.DataFrame, threshold: float = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Pairs of attributions (different articles, same speaker id) whose wordings are identical or linked;
    ``first`` is the one that comes first in ``quotes``."""
    wordings = _wordings(quotes)
    return _attribution_links(_wording_links(wordings, threshold), wordings)


def _wordings(quotes: pd.DataFrame) -> pd.DataFrame:
    """The attributions that can be linked, in ``quotes`` order, each with the code of its speaker's wording.

    A speaker quoted in one article only (every described speaker) and a content under ``MIN_CONTENT_WORDS`` words
    have nothing to link.
    """
    usable = quotes[(quotes["speaker_id"] != "") & (quotes["content"].str.split().str.len() >= MIN_CONTENT_WORDS)]
    usable = usable[usable.groupby("speaker_id")["article_id"].transform("nunique") >= 2]
    holders = pd.DataFrame({"speaker_id": usable["speaker_id"].to_numpy(),
                            "content": usable["content"].str.lower().to_numpy(),
                            "article_id": usable["article_id"].to_numpy(), "quote_id": usable["quote_id"].to_numpy()})
    return holders.assign(code=holders.groupby(["speaker_id", "content"], sort=True).ngroup())


def _wording_links(holders: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Codes (a <= b) and score of each wording with itself (100) and of each linked pair of one speaker's wordings.

    Each distinct wording is compared once, however many articles copy it: the pairs sharing specific words come from
    one sparse product of the wording-by-word matrix, and rapidfuzz scores those pairs (``cpdist``, in C, on every
    core).
    """
    distinct = holders.drop_duplicates("code").sort_values("code")
    texts, codes = distinct["content"].to_numpy(), distinct["code"].to_numpy()
    first, second = _specific_word_pairs(distinct["speaker_id"].to_numpy(), texts)
    scores = process.cpdist(texts[first].tolist(), texts[second].tolist(), scorer=fuzz.token_set_ratio,
                            score_cutoff=threshold, dtype=np.float64, workers=-1) if len(first) else np.zeros(0)
    similar = scores >= threshold
    return pd.DataFrame({"a": np.concatenate([codes, first[similar]]), "b": np.concatenate([codes, second[similar]]),
                         "score": np.concatenate([np.full(len(codes), 100.0), scores[similar]])})


def _specific_word_pairs(speakers: np.ndarray, texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions (first < second) of the pairs of one speaker's contents sharing ``MIN_SHARED_WORDS`` specific words."""
    words = pd.DataFrame({"text": np.arange(len(texts)), "speaker": speakers,
                          "word": [text.split() for text in texts]}).explode("word").drop_duplicates(["text", "word"])
    column, _ = pd.factorize(words["speaker"] + "\x00" + words["word"])
    matrix = sparse.csc_matrix((np.ones(len(words), np.int32), (words["text"].to_numpy(), column)),
                               shape=(len(texts), column.max() + 1 if len(column) else 0))
    used_by = np.diff(matrix.indptr)
    specific = matrix[:, (used_by >= 2) & (used_by <= SPECIFIC_WORD_CONTENTS)].tocsr()
    shared = sparse.triu(specific @ specific.T, k=1).tocoo()
    enough = shared.data >= MIN_SHARED_WORDS
    first, second = shared.row[enough].astype(np.int64), shared.col[enough].astype(np.int64)
    order = np.lexsort((second, first))
    return first[order], second[order]


def _attribution_links(content_links: pd.DataFrame, holders: pd.DataFrame) -> pd.DataFrame:
    """The pairs of attributions in different articles behind each linked pair of contents, in ``holders`` order."""
    held = holders[["code", "article_id"]].assign(row=np.arange(len(holders)))
    pairs = (content_links.merge(held.add_suffix("_a"), left_on="a", right_on="code_a")
             .merge(held.add_suffix("_b"), left_on="b", right_on="code_b"))
    pairs = pairs[(pairs["article_id_a"] != pairs["article_id_b"]) & ((pairs["a"] != pairs["b"]) |
                                                                       (pairs["row_a"] < pairs["row_b"]))]
    low = np.minimum(pairs["row_a"].to_numpy(), pairs["row_b"].to_numpy())
    high = np.maximum(pairs["row_a"].to_numpy(), pairs["row_b"].to_numpy())
    order = np.lexsort((high, low))
    quote_ids = holders["quote_id"].to_numpy()
    return pd.DataFrame({"first": quote_ids[low[order]], "second": quote_ids[high[order]],
                         "score": pairs["score"].to_numpy()[order].astype(float)})


def wording_groups(holders: pd.DataFrame, links: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Each wording's group (by average linkage within its connected set of links), with the group's lowest and mean
    pair similarity; indexed by wording code."""
    texts = holders.drop_duplicates("code").sort_values("code")["content"].to_numpy()
    graph = sparse.coo_matrix((np.ones(len(links)), (links["a"], links["b"])), shape=(len(texts), len(texts)))
    _, component = connected_components(graph, directed=False)
    group, lowest, mean = np.arange(len(texts)), np.full(len(texts), 100.0), np.full(len(texts), 100.0)
    sizes = np.bincount(component)
    linked = pd.Series(np.arange(len(texts)))[sizes[component] >= 2]
    for codes in linked.groupby(component[linked.to_numpy()]).agg(list):
        codes = np.asarray(codes)
        scores = process.cdist(texts[codes].tolist(), texts[codes].tolist(), scorer=fuzz.token_set_ratio,
                               dtype=np.float64, workers=-1)
        for part in average_linkage_parts(scores, threshold):
            pairs = scores[np.ix_(part, part)][np.triu_indices(len(part), 1)]
            group[codes[part]] = codes[part].min()
            lowest[codes[part]], mean[codes[part]] = (pairs.min(), pairs.mean()) if len(pairs) else (100.0, 100.0)
    return pd.DataFrame({"group": group, "min_score": lowest, "mean_score": mean})


def average_linkage_parts(scores: np.ndarray, threshold: float) -> list[np.ndarray]:
    """Positions of the parts that average linkage keeps together, from a square matrix of pair similarities
    (0-100): every part's mean pair similarity >= threshold."""
    if len(scores) == 1:
        return [np.zeros(1, int)]
    distance = 100.0 - (scores + scores.T) / 2
    np.fill_diagonal(distance, 0.0)
    labels = fcluster(linkage(squareform(distance, checks=False), method="average"),
                      t=100.0 - threshold + 1e-9, criterion="distance")
    return [np.flatnonzero(labels == label) for label in np.unique(labels)]


def statements_table(quotes: pd.DataFrame, threshold: float = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """One row per statement reported in two or more articles: speaker, members, outlets, scores, wordings."""
    columns = ["statement_id", "scope", "speaker", "speaker_id", "n_quotes", "n_articles", "n_outlets", "outlets",
               "quote_ids", "article_ids", "min_score", "mean_score", "wordings"]
    holders = _wordings(quotes)
    groups = wording_groups(holders, _wording_links(holders, threshold), threshold)
    members = holders[["code", "quote_id"]].join(groups, on="code").merge(
        quotes[["quote_id", "outlet", "article_id", "speaker", "speaker_id", "content"]], on="quote_id")
    members = members[members.groupby("group")["article_id"].transform("nunique") >= 2].sort_values("quote_id")
    statements = []
    for _, group in members.groupby("group", sort=False):
        outlets, articles = sorted(set(group["outlet"])), sorted(set(group["article_id"]))
        statements.append({
            "scope": ACROSS if len(outlets) >= 2 else WITHIN,
            "speaker": group["speaker"].iloc[0],
            "speaker_id": group["speaker_id"].iloc[0],
            "n_quotes": len(group),
            "n_articles": len(articles),
            "n_outlets": len(outlets),
            "outlets": "; ".join(outlets),
            "quote_ids": "; ".join(group["quote_id"]),
            "article_ids": "; ".join(articles),
            "min_score": float(group["min_score"].iloc[0]),
            "mean_score": float(group["mean_score"].iloc[0]),
            "wordings": " ‖ ".join(f"[{o}] {c}" for o, c in zip(group["outlet"], group["content"])),
        })
    statements.sort(key=lambda row: (row["scope"] != ACROSS, row["quote_ids"].split("; ")))
    table = pd.DataFrame(statements, columns=columns[1:])
    table.insert(0, "statement_id", [f"s{number:03d}" for number in range(1, len(table) + 1)])
    return table


def statement_ids(quotes: pd.DataFrame, statements: pd.DataFrame) -> pd.Series:
    """The statement id of each attribution ("" when it is not reported elsewhere), aligned with quotes."""
    owner = {qid: row.statement_id for row in statements.itertuples() for qid in row.quote_ids.split("; ")}
    return quotes["quote_id"].map(owner).fillna("")
