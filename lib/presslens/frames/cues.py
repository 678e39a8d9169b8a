"""The sentence-level frame cue tagger (data/lexicons/frames.yaml on lemmas) and its per-article, per-outlet tables.

Per document: :func:`tag_frames` (a parsed Doc in, cue records out). Corpus level: tables in, tables out
(``study.frame_cues``, ``study.sentences``, ``study.articles``), the article being the unit of every interval.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
from spacy.tokens import Doc

from presslens.frames.lexicon import FRAMES_FILE, Entry, LexiconMatcher, make_entry, matches_in_sentences, read_yaml
from presslens.nlp import load_pipeline


@dataclass(frozen=True)
class FrameCue:
    """One frame cue found in a sentence, traceable to the cleaned text."""

    article_id: str | None
    frame: str
    cue: str
    start_char: int
    end_char: int
    sentence_index: int
    sentence: str
    entry: str
    note: str


def frame_info(path: Path = FRAMES_FILE) -> dict[str, str]:
    """Frame name -> one-line description, in lexicon order."""
    return {name: spec["description"] for name, spec in read_yaml(path)["frames"].items()}


def frame_names(path: Path = FRAMES_FILE) -> list[str]:
    """The frame names (SemEval-2023 Task 3 spelling), in lexicon order."""
    return list(frame_info(path))


def frame_entries(path: Path = FRAMES_FILE) -> list[Entry]:
    """Every cue entry of the frame lexicon."""
    return [make_entry(name, raw) for name, spec in read_yaml(path)["frames"].items() for raw in spec["cues"]]


def no_cue_phrases(path: Path = FRAMES_FILE) -> list[str]:
    """Lemma phrases of the lexicon's ``no_cues`` section: never cues, they shadow the cues inside them."""
    return [str(phrase) for raw in read_yaml(path).get("no_cues", []) for phrase in make_entry("_", raw).items]


@lru_cache(maxsize=4)
def frame_matcher(path: Path = FRAMES_FILE) -> LexiconMatcher:
    """The matcher of the frame lexicon on the presslens pipeline's vocabulary (built once)."""
    nlp = load_pipeline()
    return LexiconMatcher(nlp.vocab, nlp.make_doc, frame_entries(path), no_cue_phrases(path))


def tag_frames(doc: Doc, matcher: LexiconMatcher | None = None) -> list[FrameCue]:
    """Every frame cue in a parsed Doc, with its sentence as evidence."""
    return [FrameCue(doc._.article_id, entry.label, span.text, span.start_char, span.end_char, index, sentence,
                     entry.key, entry.note)
            for entry, span, index, sentence in matches_in_sentences(doc, matcher or frame_matcher())]


def frame_shares(doc: Doc, matcher: LexiconMatcher | None = None) -> dict[str, float]:
    """Share of a Doc's content sentences carrying each frame (the SemEval evaluation works on Docs)."""
    content = [index for index, sentence in enumerate(doc.sents) if has_word(sentence.text)]
    carrying: dict[str, set[int]] = {}
    for cue in tag_frames(doc, matcher):
        carrying.setdefault(cue.frame, set()).add(cue.sentence_index)
    return {name: len(carrying.get(name, set()) & set(content)) / len(content) if content else 0.0
            for name in frame_names()}


def iter_shares(docs: Iterable[Doc]) -> list[dict[str, float]]:
    """Frame shares of many Docs, one matcher."""
    matcher = frame_matcher()
    return [frame_shares(doc, matcher) for doc in docs]


def has_word(text: str) -> bool:
    """Whether a sentence holds any word (blank separator sentences do not count)."""
    return any(character.isalnum() for character in str(text))


def with_outlet(frame: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Add the outlet of each row's article (articles has id and outlet)."""
    outlets = articles.set_index("id")["outlet"]
    return frame.assign(outlet=frame["article_id"].map(outlets))


def cue_table(frame_cues: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """frames_sentences: the cue records of the selected articles with their outlet, in article order."""
    columns = list(FrameCue.__dataclass_fields__)
    order = {article_id: position for position, article_id in enumerate(articles["id"])}
    kept = frame_cues[frame_cues["article_id"].isin(order)].reindex(columns=columns)
    kept = kept.assign(_order=kept["article_id"].map(order)).sort_values(["_order", "start_char", "frame"])
    return with_outlet(kept.drop(columns="_order"), articles)[["outlet", *columns]].reset_index(drop=True)


def article_cue_table(frame_cues: pd.DataFrame, sentences: pd.DataFrame,
                      articles: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per article and frame: content sentences, sentences carrying the frame's cues, and their share."""
    content = sentences[sentences["text"].map(has_word)]
    if articles is not None:
        content = content[content["article_id"].isin(set(articles["id"]))]
    n_sentences = content.groupby("article_id")["sentence_index"].nunique()
    keys = content[["article_id", "sentence_index"]].drop_duplicates()
    carrying = frame_cues[["article_id", "sentence_index", "frame"]].drop_duplicates().merge(keys)
    counts = carrying.groupby(["article_id", "frame"]).size()
    grid = pd.MultiIndex.from_product([sorted(n_sentences.index), frame_names()], names=["article_id", "frame"])
    table = counts.reindex(grid, fill_value=0).rename("cue_sentences").reset_index()
    table.insert(2, "n_sentences", table["article_id"].map(n_sentences).astype(int))
    return table.assign(cue_share=table["cue_sentences"] / table["n_sentences"])


def top_evidence(frame_cues: pd.DataFrame, articles: pd.DataFrame, per_group: int = 2) -> pd.DataFrame:
    """The sentences with the most distinct cues per outlet and frame (ties: first in the text)."""
    cues = with_outlet(frame_cues.drop(columns="outlet", errors="ignore"), articles).dropna(subset=["outlet"])
    sentences = (cues.groupby(["outlet", "frame", "article_id", "sentence_index", "sentence"], sort=False)
                 .agg(cues=("cue", lambda values: ", ".join(dict.fromkeys(values))), n_cues=("cue", "nunique"),
                      start_char=("start_char", "min"), end_char=("end_char", "max"))
                 .reset_index())
    ranked = sentences.sort_values(["outlet", "frame", "n_cues", "article_id", "sentence_index"],
                                   ascending=[True, True, False, True, True])
    return ranked.groupby(["outlet", "frame"], sort=True).head(per_group).reset_index(drop=True)


def article_labels(shares: dict[str, float], thresholds: dict[str, float]) -> list[str]:
    """Article-level frames from cue shares (SemEval scoring only): every frame whose share reaches its threshold."""
    return [frame for frame, share in shares.items() if share > 0 and share >= thresholds.get(frame, 1.0)]
