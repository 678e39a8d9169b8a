"""Exact and near-duplicate articles: a hash of whitespace-normalised text, and MinHash LSH on word shingles.

Duplicates are reported, never dropped: one row per pair, ``article_id`` being the later article (in corpus
order) and ``duplicate_of`` the earlier one. Exact copies point at the first article with that text; near
duplicates are searched among the first articles of each exact group, so a copy of a copy is reported once.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from datasketch import MinHash, MinHashLSH

DUPLICATE_COLUMNS = ["article_id", "duplicate_of", "kind", "similarity"]
SHINGLE_WORDS = 5
NON_WORD = r"[^\pL\pN_]+"  # RE2: runs of anything but letters, digits and underscore separate words
# Odd 64-bit multipliers, one per shingle position, that mix word hashes into an order-sensitive shingle hash.
_POSITION_MULTIPLIERS = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD],
    dtype=np.uint64,
)


def normalised(text: str) -> str:
    """The text with every run of whitespace replaced by one space, trimmed."""
    return " ".join(text.split())


def text_hash(text: str) -> str:
    """A hash of the whitespace-normalised text (equal for texts differing only in whitespace)."""
    return hashlib.blake2b(normalised(text).encode("utf-8"), digest_size=16).hexdigest()


def stable_hash(word: str) -> int:
    """A 64-bit hash of a word that is the same in every run (unlike Python's ``hash``)."""
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


def word_hashes(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The stable hash of every lower-cased word of every text, and the position of the text it belongs to."""
    tokens = pc.split_pattern_regex(pc.utf8_lower(pa.array(texts, type=pa.large_string())), pattern=NON_WORD)
    owners = np.repeat(np.arange(len(texts)), np.diff(tokens.offsets.to_numpy()))
    words = pc.list_flatten(tokens)
    is_word = pc.not_equal(words, "").to_numpy(zero_copy_only=False)
    encoded = pc.dictionary_encode(words.filter(is_word))
    vocabulary = np.array([stable_hash(word) for word in encoded.dictionary.to_pylist()], dtype=np.uint64)
    return vocabulary[encoded.indices.to_numpy()], owners[is_word]


def mix(word_hash_windows: list[np.ndarray]) -> np.ndarray:
    """32-bit shingle hashes from aligned arrays of word hashes, one array per shingle position."""
    mixed = sum(hashes * multiplier for hashes, multiplier in zip(word_hash_windows, _POSITION_MULTIPLIERS))
    return ((mixed >> np.uint64(32)) ^ (mixed & np.uint64(0xFFFFFFFF))).astype(np.uint64)


def sorted_distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (a plain sort: numpy's hash-based ``unique`` is slower on this data)."""
    ordered = np.sort(values)
    return ordered[np.concatenate([[True], ordered[1:] != ordered[:-1]])] if len(ordered) else ordered


def shingle_sets(texts: list[str]) -> list[list[int]]:
    """Each text's distinct word 5-shingles as 32-bit hashes (a text of fewer words is one shingle)."""
    hashes, owners = word_hashes(texts)
    span = len(hashes) - SHINGLE_WORDS + 1
    keys = []
    if span > 0:
        shingles = mix([hashes[start : start + span] for start in range(SHINGLE_WORDS)])
        inside_one_text = owners[:span] == owners[SHINGLE_WORDS - 1 :]
        keys.append((owners[:span][inside_one_text].astype(np.uint64) << np.uint64(32)) | shingles[inside_one_text])
    counts = np.bincount(owners, minlength=len(texts))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    for owner in np.flatnonzero((counts > 0) & (counts < SHINGLE_WORDS)):
        words = hashes[starts[owner] : starts[owner] + counts[owner]]
        keys.append((np.uint64(owner) << np.uint64(32)) | mix([words[i : i + 1] for i in range(len(words))]))
    distinct = sorted_distinct(np.concatenate(keys) if keys else np.empty(0, dtype=np.uint64))
    bounds = np.searchsorted(distinct >> np.uint64(32), np.arange(len(texts) + 1))
    values = (distinct & np.uint64(0xFFFFFFFF)).tolist()
    return [values[bounds[i] : bounds[i + 1]] for i in range(len(texts))]


def signatures_of(texts: list[str], num_perm: int) -> list[MinHash | None]:
    """The MinHash signature of each text's shingle set (None for a text without words)."""
    shingles = shingle_sets(texts)
    # Shingle hashes already are 32-bit hashes, so MinHash takes them as they are (hashfunc=int).
    signatures = MinHash.generator(shingles, num_perm=num_perm, hashfunc=int)
    return [signature if text_shingles else None for signature, text_shingles in zip(signatures, shingles)]


def exact_pairs(ids: list[str], texts: list[str]) -> tuple[list[dict], list[int]]:
    """Exact-duplicate rows and the positions of the first article of each distinct text."""
    first_with: dict[str, int] = {}
    rows, firsts = [], []
    for position, text in enumerate(texts):
        digest = text_hash(text)
        if digest in first_with:
            rows.append(_pair(ids[position], ids[first_with[digest]], "exact", 1.0))
        else:
            first_with[digest] = position
            firsts.append(position)
    return rows, firsts


def near_pairs(ids: list[str], texts: list[str], positions: list[int], threshold: float, num_perm: int) -> list[dict]:
    """Near-duplicate rows among the articles at ``positions``, with the estimated Jaccard similarity."""
    index = MinHashLSH(threshold=threshold, num_perm=num_perm)
    signatures = {}
    for position, signature in zip(positions, signatures_of([texts[p] for p in positions], num_perm)):
        if signature is not None:
            signatures[position] = signature
            index.insert(position, signature)
    rows = []
    for position, signature in signatures.items():
        for earlier in sorted(candidate for candidate in index.query(signature) if candidate < position):
            similarity = signature.jaccard(signatures[earlier])
            if similarity >= threshold:
                rows.append(_pair(ids[position], ids[earlier], "near", similarity))
    return rows


def _pair(article_id: str, duplicate_of: str, kind: str, similarity: float) -> dict:
    """One duplicate row."""
    return {"article_id": article_id, "duplicate_of": duplicate_of, "kind": kind, "similarity": float(similarity)}


def find_duplicates(
    articles: pd.DataFrame, *, text_column: str = "clean_text", threshold: float = 0.8, num_perm: int = 128
) -> pd.DataFrame:
    """Every exact and near-duplicate pair of articles (``article_id, duplicate_of, kind, similarity``)."""
    if text_column not in articles.columns:
        raise KeyError(
            f"articles have no {text_column!r} column; clean them first (clean.clean_corpus) "
            "or pass text_column='text' for the raw text"
        )
    ids = [str(value) for value in articles["id"].tolist()]
    texts = [value if isinstance(value, str) else "" for value in articles[text_column].tolist()]
    order = {article_id: position for position, article_id in enumerate(ids)}
    exact, firsts = exact_pairs(ids, texts)
    rows = exact + near_pairs(ids, texts, firsts, threshold, num_perm)
    frame = pd.DataFrame(rows, columns=DUPLICATE_COLUMNS)
    frame["similarity"] = frame["similarity"].astype(float)
    sort_key = frame["article_id"].map(order) * len(ids) + frame["duplicate_of"].map(order)
    return frame.iloc[np.argsort(sort_key.to_numpy(), kind="stable")].reset_index(drop=True)
