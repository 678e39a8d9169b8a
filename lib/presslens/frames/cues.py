"""The sentence-level frame cue tagger: lexicon cues (data/lexicons/frames.yaml) matched on lemmas, with evidence."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from spacy.tokens import Doc, Span

from presslens import stats
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


@lru_cache(maxsize=4)
def frame_matcher(path: Path = FRAMES_FILE) -> LexiconMatcher:
    """The matcher of the frame lexicon on the presslens pipeline's vocabulary (built once)."""
    nlp = load_pipeline()
    return LexiconMatcher(nlp.vocab, nlp.make_doc, frame_entries(path))


def sentence_spans(doc: Doc) -> list[Span]:
    """The Doc's sentences (headings included), in order; their position is the sentence index."""
    return list(doc.sents)


def is_content(sentence: Span) -> bool:
    """Whether a sentence holds any word (blank separator sentences do not count)."""
    return any(not token.is_space and not token.is_punct for token in sentence)


def tag_frames(doc: Doc, matcher: LexiconMatcher | None = None) -> list[FrameCue]:
    """Every frame cue in a parsed Doc, with its sentence as evidence."""
    return [FrameCue(doc._.article_id, entry.label, span.text, span.start_char, span.end_char, index, sentence,
                     entry.key, entry.note)
            for entry, span, index, sentence in matches_in_sentences(doc, matcher or frame_matcher())]


def sentence_frames(doc: Doc, matcher: LexiconMatcher | None = None) -> pd.DataFrame:
    """One row per content sentence of a Doc: article id, sentence index, and a 0/1 column per frame."""
    names = frame_names()
    cues = tag_frames(doc, matcher)
    rows = [{"article_id": doc._.article_id, "sentence_index": index, **dict.fromkeys(names, 0)}
            for index, sentence in enumerate(sentence_spans(doc)) if is_content(sentence)]
    position = {row["sentence_index"]: row for row in rows}
    for cue in cues:
        if cue.sentence_index in position:
            position[cue.sentence_index][cue.frame] = 1
    return pd.DataFrame(rows, columns=["article_id", "sentence_index", *names])


def frame_shares(doc: Doc, matcher: LexiconMatcher | None = None) -> dict[str, float]:
    """Share of a Doc's content sentences carrying each frame."""
    table = sentence_frames(doc, matcher)
    return {name: float(table[name].mean()) if len(table) else 0.0 for name in frame_names()}


def with_outlet(frame: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Add the outlet of each row's article (articles has id and outlet)."""
    outlets = articles.set_index("id")["outlet"]
    return frame.assign(outlet=frame["article_id"].map(outlets))


def cue_table(docs: Mapping[str, Doc], articles: pd.DataFrame) -> pd.DataFrame:
    """frames_sentences: one row per cue found, with outlet, frame, cue text, offsets and the sentence."""
    matcher = frame_matcher()
    records = [asdict(cue) for article_id in articles["id"] if article_id in docs
               for cue in tag_frames(docs[article_id], matcher)]
    columns = list(FrameCue.__dataclass_fields__)
    table = pd.DataFrame(records, columns=columns)
    return with_outlet(table, articles)[["outlet", *columns]]


def sentence_table(docs: Mapping[str, Doc], articles: pd.DataFrame) -> pd.DataFrame:
    """One row per content sentence of every article: outlet, article, sentence index, 0/1 per frame."""
    matcher = frame_matcher()
    parts = [sentence_frames(docs[article_id], matcher) for article_id in articles["id"] if article_id in docs]
    table = pd.concat(parts, ignore_index=True) if parts else sentence_frames_empty()
    return with_outlet(table, articles)


def sentence_frames_empty() -> pd.DataFrame:
    """An empty sentence table with the right columns."""
    return pd.DataFrame(columns=["article_id", "sentence_index", *frame_names()])


def article_cue_table(docs: Mapping[str, Doc], articles: pd.DataFrame) -> pd.DataFrame:
    """Per article and frame: n content sentences, sentences carrying the frame, and their share."""
    sentences = sentence_table(docs, articles)
    long = sentences.melt(id_vars=["outlet", "article_id", "sentence_index"], var_name="frame", value_name="has")
    grouped = long.groupby(["outlet", "article_id", "frame"], sort=True)["has"]
    table = grouped.agg(n_sentences="size", cue_sentences="sum").reset_index()
    return table.assign(cue_share=table["cue_sentences"] / table["n_sentences"])


def outlet_profile(docs: Mapping[str, Doc], articles: pd.DataFrame) -> pd.DataFrame:
    """Per outlet and frame: n sentences, share carrying the frame, bootstrap interval, small-n flag.

    The interval resamples whole articles; an outlet with a single article can only be resampled by
    sentence, which ignores between-article variation (``ci_method`` says which was used).
    """
    sentences = sentence_table(docs, articles)
    long = sentences.melt(id_vars=["outlet", "article_id", "sentence_index"], var_name="frame", value_name="has")
    long["has"] = long["has"].astype(float)
    articles_per_outlet = sentences.groupby("outlet")["article_id"].nunique()
    long["cluster"] = [article if articles_per_outlet[outlet] > 1 else f"{article}#{index}"
                       for outlet, article, index in zip(long["outlet"], long["article_id"], long["sentence_index"])]
    table = stats.mean_table(long, ["outlet", "frame"], "has", cluster="cluster")
    table = table.rename(columns={"n": "n_sentences", "mean": "share"})
    table.insert(2, "n_articles", table["outlet"].map(articles_per_outlet))
    table["ci_method"] = np.where(table["n_articles"] > 1, "articles", "sentences (one article)")
    table["small_n"] = table["small_n"] | table["n_articles"].map(stats.too_small)
    return table


def top_evidence(cues: pd.DataFrame, per_group: int = 2) -> pd.DataFrame:
    """The sentences with the most distinct cues per outlet and frame (ties: first in the text)."""
    sentences = (cues.groupby(["outlet", "frame", "article_id", "sentence_index", "sentence"], sort=False)
                 .agg(cues=("cue", lambda values: ", ".join(dict.fromkeys(values))), n_cues=("cue", "nunique"))
                 .reset_index())
    ranked = sentences.sort_values(["outlet", "frame", "n_cues", "article_id", "sentence_index"],
                                   ascending=[True, True, False, True, True])
    return ranked.groupby(["outlet", "frame"], sort=True).head(per_group).reset_index(drop=True)


def article_labels(shares: Mapping[str, float], thresholds: Mapping[str, float]) -> list[str]:
    """Article-level frames from cue shares: every frame whose share reaches its threshold."""
    return [frame for frame, share in shares.items() if share > 0 and share >= thresholds.get(frame, 1.0)]


def iter_shares(docs: Iterable[Doc]) -> list[dict[str, float]]:
    """Frame shares of many Docs, one matcher."""
    matcher = frame_matcher()
    return [frame_shares(doc, matcher) for doc in docs]
