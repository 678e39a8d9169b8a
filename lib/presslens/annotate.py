"""``presslens annotate``: pass every article once through the spaCy parse and every registered annotator.

The driver cleans nothing and parses nothing: it finds the articles whose key is not yet in the store, sends
them in batches to Dask workers (a ``LocalCluster`` by default, an existing cluster by address, or the calling
process with ``workers=0``), and writes the records each worker returns, one Parquet file per table and batch.
Each worker loads the spaCy pipeline and the annotators' models once per process.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sys
import time
import traceback
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from graphlib import TopologicalSorter
from typing import Any

import pandas as pd
from func_timeout import FunctionTimedOut, func_timeout
from tqdm import tqdm

from presslens import PIPELINE_VERSION
from presslens.progress import silent_inner_bars
from presslens.registry import Annotator, annotators, load_analyses
from presslens.store import DONE_TABLE, FAILURES_TABLE, AnnotationStore, article_key, digest

#: Environment variable naming a Dask scheduler address (as ``--scheduler``).
SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"
#: Articles per task: large enough for ``nlp.pipe`` and the stance encoder to batch, small enough to balance.
BATCH_SIZE = 16
#: Seconds an annotator may spend on one article before it is stopped there (parsing not included).
TIME_LIMIT = 300.0
#: The fields of an article a worker needs.
PAYLOAD_FIELDS = ("id", "clean_text", "paragraphs", "published", "date_precision", "key")


def ordered_annotators() -> list[Annotator]:
    """Every registered annotator, each after the ones it reads (``after``), ties by name."""
    load_analyses()
    registered = {name: factory for name, factory in annotators.get_all().items()}
    graph = {name: set(item.after) & set(registered) for name, item in registered.items()}
    sorter = TopologicalSorter(graph)
    sorter.prepare()
    order: list[str] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready())
        order.extend(ready)
        sorter.done(*ready)
    return [registered[name] for name in order]


def _file_digest(path: os.PathLike[str]) -> str:
    """SHA-256 of a configuration file's bytes ("missing" when it does not exist)."""
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except FileNotFoundError:
        return "missing"


def setup_key(model_id: str, chosen: Sequence[Annotator]) -> str:
    """The part of every article key that names the model, pipeline and each annotator's version and config."""
    parts: list[object] = [model_id, PIPELINE_VERSION]
    for item in chosen:
        parts.append([item.name, item.version, [_file_digest(path) for path in item.config_files]])
    return digest(parts)


def model_id(model: str | None) -> str:
    """Name and version of the spaCy model that ``model`` resolves to, read without loading it."""
    from presslens.nlp import model_meta

    meta = model_meta(model or None)
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'model')}-{meta.get('version', '0')}"


def with_keys(articles: pd.DataFrame, model: str | None = None) -> pd.DataFrame:
    """The articles with their store ``key`` column."""
    setup = setup_key(model_id(model), ordered_annotators())
    keys = [article_key(row, setup) for row in articles.to_dict("records")]
    return articles.assign(key=keys)


# ---- worker side ---------------------------------------------------------------------------------------
def _doc_records(doc: Any, meta: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """The article summary, sentence rows and entity rows of one parsed Doc."""
    from presslens.nlp import paragraph_kind

    article_id = meta["id"]
    sentences = [{"article_id": article_id, "sentence_index": i, "start_char": s.start_char, "end_char": s.end_char,
                  "text": s.text.strip(), "paragraph_kind": paragraph_kind(doc, s.start_char) or "",
                  "words": sum(1 for t in s if not (t.is_punct or t.is_space))}
                 for i, s in enumerate(doc.sents)]
    starts = [row["start_char"] for row in sentences]
    entities = [{"article_id": article_id, "text": ent.text, "label": ent.label_, "start_char": ent.start_char,
                 "end_char": ent.end_char, "sentence_index": _index_at(starts, ent.start_char)}
                for ent in doc.ents]
    summary = {"article_id": article_id, "words": sum(1 for t in doc if not (t.is_punct or t.is_space)),
               "tokens": len(doc), "sentences": len(sentences)}
    return summary, sentences, entities


def _index_at(starts: Sequence[int], char: int) -> int:
    """The index of the sentence (by its start offsets) holding a character."""
    from bisect import bisect_right

    return max(0, bisect_right(starts, char) - 1)


def _timed(limit: float, item: Annotator, docs: list[Any], metas: list[dict[str, Any]], shared: dict[str, Any]
           ) -> dict[str, list[dict[str, Any]]]:
    """Run an annotator, stopped with ``FunctionTimedOut`` after ``limit`` seconds (no limit when 0)."""
    if not limit:
        return item.annotate(docs, metas, shared)
    return func_timeout(limit, item.annotate, args=(docs, metas, shared))


def _run_one(item: Annotator, docs: list[Any], metas: list[dict[str, Any]], shared: dict[str, Any],
             failures: list[dict[str, Any]], time_limit: float = 0.0) -> dict[str, list[dict[str, Any]]]:
    """Run one annotator on a batch; if it raises or runs past ``time_limit`` seconds per article, run it
    article by article and record the articles that fail or run past the limit."""
    try:
        return _timed(time_limit * len(docs), item, docs, metas, shared)
    except (Exception, FunctionTimedOut):  # noqa: BLE001  (isolated per article below)
        merged: dict[str, list[dict[str, Any]]] = {}
        for doc, meta in zip(docs, metas):
            try:
                for table, rows in _timed(time_limit, item, [doc], [meta], shared).items():
                    merged.setdefault(table, []).extend(rows)
            except FunctionTimedOut:
                failures.append({"article_id": meta["id"], "annotator": item.name,
                                 "error": f"TimeoutError: ran past the limit of {time_limit:g} s per article",
                                 "trace": ""})
            except Exception as error:  # noqa: BLE001  (one article's failure stays local)
                failures.append({"article_id": meta["id"], "annotator": item.name,
                                 "error": f"{type(error).__name__}: {error}",
                                 "trace": traceback.format_exc(limit=4)})
        return merged


def annotate_batch(batch: list[dict[str, Any]], model: str | None, names: Sequence[str] | None = None,
                   time_limit: float = 0.0) -> dict[str, pd.DataFrame]:
    """Parse one batch of articles and run every annotator on it: ``{table: records}`` with the article keys.

    An annotator that runs past ``time_limit`` seconds on an article (0: no limit) leaves a failure row.
    """
    from presslens.nlp import load_pipeline, mark

    nlp = load_pipeline(model or None)
    chosen = [item for item in ordered_annotators() if names is None or item.name in names]
    marks = [{"article_id": row["id"], "paragraphs": tuple(tuple(p) for p in row["paragraphs"] or ()) or None}
             for row in batch]
    docs = list(nlp.pipe((mark(nlp.make_doc(row["clean_text"]), m) for row, m in zip(batch, marks)), batch_size=32))
    tables: dict[str, list[dict[str, Any]]] = {"article_stats": [], "sentences": [], "entities": []}
    for doc, meta in zip(docs, batch):
        summary, sentences, entities = _doc_records(doc, meta)
        tables["article_stats"].append(summary)
        tables["sentences"].extend(sentences)
        tables["entities"].extend(entities)
    shared: dict[str, Any] = {}
    failures: list[dict[str, Any]] = []
    with silent_inner_bars():
        for item in chosen:
            for table, rows in _run_one(item, docs, list(batch), shared, failures, time_limit).items():
                tables.setdefault(table, []).extend(rows)
    tables[FAILURES_TABLE] = failures
    key_of = {row["id"]: row["key"] for row in batch}
    frames = {table: pd.DataFrame(rows).assign(key=lambda f: f["article_id"].map(key_of)) if rows else pd.DataFrame()
              for table, rows in tables.items()}
    failed = Counter(row["article_id"] for row in failures)
    frames[DONE_TABLE] = pd.DataFrame({"key": [row["key"] for row in batch], "article_id": [row["id"] for row in batch],
                                       "failures": [failed[row["id"]] for row in batch],
                                       "written": pd.Timestamp.now(tz="UTC").isoformat()})
    return frames


# ---- driver side ---------------------------------------------------------------------------------------
@dataclass
class AnnotateSummary:
    """What one ``annotate`` call did."""

    articles: int
    annotated: int
    reused: int
    failures: int
    seconds: float
    workers: int
    dashboard: str

    def line(self) -> str:
        """One human-readable line."""
        rate = self.annotated / self.seconds if self.seconds and self.annotated else 0.0
        return (f"{self.articles} articles: {self.annotated} annotated ({rate:.1f}/s on {self.workers} workers), "
                f"{self.reused} read from the store, {self.failures} annotator failures")


def batches(todo: pd.DataFrame, size: int = BATCH_SIZE) -> Iterator[list[dict[str, Any]]]:
    """The articles to annotate as worker payloads, ``size`` at a time, in corpus order."""
    records = todo[list(PAYLOAD_FIELDS)].to_dict("records")
    for row in records:
        row["paragraphs"] = [list(p) for p in row["paragraphs"]] if isinstance(row["paragraphs"], list | tuple) else []
        row["published"] = "" if pd.isna(row["published"]) else str(row["published"])
        row["date_precision"] = "" if pd.isna(row["date_precision"]) else str(row["date_precision"])
    for start in range(0, len(records), size):
        yield records[start:start + size]


def _write(store: AnnotationStore, frames: dict[str, pd.DataFrame]) -> int:
    """Write a batch's tables (the completion marker last); returns its number of failures."""
    batch = digest(sorted(frames[DONE_TABLE]["key"]))[:24]
    for table, frame in frames.items():
        if table != DONE_TABLE and len(frame):
            store.write(table, batch, frame)
    store.write(DONE_TABLE, batch, frames[DONE_TABLE])
    return len(frames.get(FAILURES_TABLE, ()))


@contextlib.contextmanager
def dask_client(scheduler: str | None, workers: int | None) -> Iterator[Any]:
    """A ``distributed.Client``: on ``scheduler`` (or $DASK_SCHEDULER_ADDRESS) if given, else a LocalCluster."""
    from distributed import Client, LocalCluster

    address = scheduler or os.environ.get(SCHEDULER_ENV)
    if address:
        with Client(address) as client:
            yield client
        return
    count = workers or max(1, min(os.cpu_count() or 1, 4))
    with LocalCluster(n_workers=count, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        yield client


def annotate_articles(articles: pd.DataFrame, store: AnnotationStore, *, model: str | None = None,
                      scheduler: str | None = None, workers: int | None = None, batch_size: int = BATCH_SIZE,
                      progress: bool = True, retry_failures: bool = True,
                      time_limit: float = TIME_LIMIT) -> AnnotateSummary:
    """Annotate the cleaned articles (with ``key``) that the store lacks; ``workers=0`` runs in this process.

    Articles an annotator failed on are tried again unless ``retry_failures`` is False; an annotator running
    past ``time_limit`` seconds on one article is stopped there (a failure row) and the others go on.
    """
    started = time.perf_counter()
    done = store.done(articles["key"])
    complete = set(done["key"]) if retry_failures is False else set(done.loc[done["failures"] == 0, "key"])
    todo = articles[~articles["key"].isin(complete)]
    bar = tqdm(total=len(todo), desc="annotating", unit="article", file=sys.stderr,
               disable=not (progress and len(todo)), dynamic_ncols=True)
    failures, dashboard, used = 0, "", 0
    try:
        if len(todo) and workers == 0 and not scheduler and not os.environ.get(SCHEDULER_ENV):
            used = 1
            for batch in batches(todo, batch_size):
                failures += _write(store, annotate_batch(batch, model, time_limit=time_limit))
                bar.update(len(batch))
        elif len(todo):
            with dask_client(scheduler, workers) as client:
                from distributed import as_completed

                used = len(client.scheduler_info().get("workers", {})) or 1
                dashboard = client.dashboard_link or ""
                if progress and dashboard:
                    bar.write(f"Dask dashboard: {dashboard}")
                futures = [client.submit(annotate_batch, batch, model, time_limit=time_limit, pure=False)
                           for batch in batches(todo, batch_size)]
                for future in as_completed(futures):
                    frames = future.result()
                    failures += _write(store, frames)
                    bar.update(len(frames[DONE_TABLE]))
                    future.release()
    finally:
        bar.close()
    return AnnotateSummary(len(articles), len(todo), len(articles) - len(todo), failures,
                           time.perf_counter() - started, used, dashboard)
