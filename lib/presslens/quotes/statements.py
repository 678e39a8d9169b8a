"""Same statement across outlets: group attributions by speaker identity and rapidfuzz token-set similarity.

Linked attributions form groups by connected components (``scipy.sparse.csgraph``). A group is "the same statement
in several outlets" (scope ``across outlets``) only when its articles come from two or more outlets; a statement
repeated by one outlet is listed apart (scope ``within one outlet``). Every group lists its quote ids and article
ids.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from scipy import sparse
from scipy.sparse.csgraph import connected_components

#: token-set similarity (0-100) from which two attributions of one speaker are the same statement
DEFAULT_THRESHOLD = 70.0
MIN_CONTENT_WORDS = 5
#: Distinct contents of one speaker compared at a time (memory: rows x that speaker's distinct contents scores).
BLOCK_ROWS = 512
ACROSS, WITHIN = "across outlets", "within one outlet"


def similarity(first: str, second: str) -> float:
    """rapidfuzz token-set similarity (0-100) of two contents, case-insensitive."""
    return float(fuzz.token_set_ratio(first.lower(), second.lower()))


def statement_links(quotes: pd.DataFrame, threshold: float = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Pairs of attributions (different articles, same speaker id) whose contents score >= threshold.

    Each speaker's distinct contents are compared all against all by ``rapidfuzz.process.cdist`` (in C, on every
    core, a block of rows at a time against the contents from that block on: each pair once); the pairs of
    attributions are then expanded from the pairs of contents as arrays. A quote copied into a hundred articles is
    compared once; a speaker quoted in one article only (every described speaker) has nothing to link.
    """
    firsts, seconds, scores = [], [], []
    usable = quotes[(quotes["speaker_id"] != "") & (quotes["content"].str.split().str.len() >= MIN_CONTENT_WORDS)]
    usable = usable[usable.groupby("speaker_id")["article_id"].transform("nunique") >= 2]
    for _, group in usable.groupby("speaker_id", sort=True):
        first, second, score = _speaker_links(group["content"].str.lower().tolist(), threshold)
        articles, quote_ids = group["article_id"].to_numpy(), group["quote_id"].to_numpy()
        keep = articles[first] != articles[second]
        firsts.append(quote_ids[first[keep]])
        seconds.append(quote_ids[second[keep]])
        scores.append(score[keep])
    if not firsts:
        return pd.DataFrame(columns=["first", "second", "score"])
    return pd.DataFrame({"first": np.concatenate(firsts), "second": np.concatenate(seconds),
                         "score": np.concatenate(scores).astype(float)})


def _speaker_links(contents: list[str], threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions (first < second, in order) of every pair of one speaker's contents scoring >= threshold."""
    distinct, which = np.unique(np.array(contents, dtype=str), return_inverse=True)
    order = np.argsort(which, kind="stable")
    holders = np.split(order, np.cumsum(np.bincount(which, minlength=len(distinct)))[:-1])
    firsts, seconds, scores = [np.zeros(0, int)], [np.zeros(0, int)], [np.zeros(0)]
    for start in range(0, len(distinct), BLOCK_ROWS):
        block = process.cdist(distinct[start:start + BLOCK_ROWS].tolist(), distinct[start:].tolist(),
                              scorer=fuzz.token_set_ratio, score_cutoff=threshold, dtype=np.float64,
                              workers=-1)
        for row, column in zip(*np.nonzero(block >= threshold)):
            a, b = start + row, start + column
            if b < a:
                continue
            left, right = np.meshgrid(holders[a], holders[b], indexing="ij")
            low, high = np.minimum(left, right).ravel(), np.maximum(left, right).ravel()
            distinct_pairs = (left < right).ravel() if a == b else np.ones(len(low), bool)
            firsts.append(low[distinct_pairs])
            seconds.append(high[distinct_pairs])
            scores.append(np.full(int(distinct_pairs.sum()), block[row, column]))
    first, second, score = np.concatenate(firsts), np.concatenate(seconds), np.concatenate(scores)
    order = np.lexsort((second, first))
    return first[order], second[order], score[order]


def linked_groups(links: pd.DataFrame) -> tuple[list[list[str]], list[float]]:
    """The connected groups of linked quote ids (each sorted) and the lowest link score inside each group."""
    codes, ids = pd.factorize(pd.concat([links["first"], links["second"]], ignore_index=True).astype(str))
    first, second = codes[:len(links)], codes[len(links):]
    graph = sparse.coo_matrix((np.ones(len(first)), (first, second)), shape=(len(ids), len(ids)))
    _, labels = connected_components(graph, directed=False)
    lowest = pd.Series(links["score"].to_numpy()).groupby(labels[first]).min()
    members = pd.DataFrame({"quote_id": np.asarray(ids), "label": labels}).sort_values("quote_id")
    grouped = members.groupby("label", sort=True)["quote_id"].agg(list)
    return grouped.tolist(), [float(lowest[label]) for label in grouped.index]


def statements_table(quotes: pd.DataFrame, threshold: float = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """One row per statement reported in two or more articles: speaker, members, outlets, score, wordings."""
    links = statement_links(quotes, threshold)
    columns = ["statement_id", "scope", "speaker", "speaker_id", "n_quotes", "n_articles", "n_outlets", "outlets",
               "quote_ids", "article_ids", "min_score", "wordings"]
    if links.empty:
        return pd.DataFrame(columns=columns)
    groups, lowest = linked_groups(links)
    bounds = np.cumsum([0, *map(len, groups)])
    members = pd.DataFrame({"quote_id": [quote_id for group in groups for quote_id in group]}).merge(
        quotes[["quote_id", "outlet", "article_id", "speaker", "speaker_id", "content"]], on="quote_id", how="left")
    outlet, article, content = (members[name].to_numpy() for name in ("outlet", "article_id", "content"))
    speaker, speaker_id = members["speaker"].to_numpy(), members["speaker_id"].to_numpy()
    spans = [slice(bounds[k], bounds[k + 1]) for k in range(len(groups))]
    order = sorted(range(len(groups)), key=lambda k: (len(set(outlet[spans[k]])) < 2, groups[k]))
    rows = []
    for number, k in enumerate(order, start=1):
        span, outlets, articles = spans[k], sorted(set(outlet[spans[k]])), sorted(set(article[spans[k]]))
        rows.append({
            "statement_id": f"s{number:03d}",
            "scope": ACROSS if len(outlets) >= 2 else WITHIN,
            "speaker": speaker[span.start],
            "speaker_id": speaker_id[span.start],
            "n_quotes": len(groups[k]),
            "n_articles": len(articles),
            "n_outlets": len(outlets),
            "outlets": "; ".join(outlets),
            "quote_ids": "; ".join(groups[k]),
            "article_ids": "; ".join(articles),
            "min_score": lowest[k],
            "wordings": " ‖ ".join(f"[{o}] {c}" for o, c in zip(outlet[span], content[span])),
        })
    return pd.DataFrame(rows, columns=columns)


def statement_ids(quotes: pd.DataFrame, statements: pd.DataFrame) -> pd.Series:
    """The statement id of each attribution ("" when it is not reported elsewhere), aligned with quotes."""
    owner = {qid: row.statement_id for row in statements.itertuples() for qid in row.quote_ids.split("; ")}
    return quotes["quote_id"].map(owner).fillna("")
