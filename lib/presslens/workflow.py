"""``prepare()``: load, select, clean, de-duplicate and parse a corpus — the first step of every notebook."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from spacy.language import Language
from spacy.tokens import Doc

from presslens import paths
from presslens.clean import clean_corpus
from presslens.corpus import load_with_report
from presslens.dedup import find_duplicates
from presslens.nlp import load_pipeline, parse_corpus
from presslens.outputs import RunOutputs


@dataclass
class Study:
    """A prepared corpus: the selected, cleaned articles, their parsed Docs, and what happened to each input."""

    articles: pd.DataFrame
    docs: dict[str, Doc]
    load_report: pd.DataFrame
    selection: pd.DataFrame
    removals: pd.DataFrame
    duplicates: pd.DataFrame
    outputs: RunOutputs
    nlp: Language

    @property
    def outlets(self) -> list[str]:
        """The outlets of the selected articles, sorted."""
        return sorted(self.articles["outlet"].unique())


def selection_reason(article: pd.Series, outlets: Sequence[str], date_from: str, date_to: str) -> str:
    """Why an article is left out of the analysis by the outlet/date parameters ("" when it is kept)."""
    if outlets and article["outlet"] not in outlets:
        return f"outlet {article['outlet']!r} not in the selected outlets"
    if not (date_from or date_to):
        return ""
    if not article["published"]:
        return "publication date unknown, and a date range is set"
    period = pd.Period(article["published"])
    first, last = period.start_time, period.end_time
    if date_from and last < pd.Timestamp(date_from):
        return f"published {article['published']} before date_from {date_from}"
    if date_to and first > pd.Timestamp(date_to):
        return f"published {article['published']} after date_to {date_to}"
    return ""


def select(articles: pd.DataFrame, outlets: Sequence[str] = (), date_from: str = "", date_to: str = "") -> pd.DataFrame:
    """One row per loaded article: whether it is selected and, if not, why."""
    reasons = [selection_reason(row, outlets, date_from, date_to) for _, row in articles.iterrows()]
    return pd.DataFrame({"id": articles["id"], "selected": [not r for r in reasons], "reason": reasons})


def prepare(
    corpus: str | os.PathLike[str] = paths.DATA_DIR,
    *,
    outlets: Sequence[str] = (),
    date_from: str = "",
    date_to: str = "",
    model: str | None = None,
    output_dir: str | os.PathLike[str] | None = None,
    column_map: str | dict[str, str] | None = None,
    n_process: int = 1,
    progress: bool = True,
) -> Study:
    """Load the corpus, keep the selected outlets/dates, clean, find duplicates and parse (cached)."""
    loaded, load_report = load_with_report(paths.resolve(corpus), column_map=column_map)
    selection = select(loaded, list(outlets or ()), date_from or "", date_to or "")
    chosen = loaded[selection["selected"].to_numpy()].reset_index(drop=True)
    if chosen.empty:
        raise ValueError(
            f"No article of {corpus} matches outlets={list(outlets or ())}, date_from={date_from!r}, "
            f"date_to={date_to!r}; widen the selection (see Study.selection for each article's reason)."
        )
    cleaned, removals = clean_corpus(chosen, progress=progress)
    nlp = load_pipeline(model or None)
    docs = parse_corpus(cleaned, nlp, n_process=n_process, progress=progress)
    return Study(
        articles=cleaned,
        docs=docs,
        load_report=load_report,
        selection=selection,
        removals=removals,
        duplicates=find_duplicates(cleaned),
        outputs=RunOutputs.at(output_dir),
        nlp=nlp,
    )
