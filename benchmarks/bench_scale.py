"""Benchmark ``presslens run`` on a large annotated store without annotating a large corpus.

Annotating 10,000 articles takes hours on a laptop, yet what the notebooks cost at that size (reading the store,
merging speakers and timelines, per-outlet statistics, rendering) is what decides whether a report at 10k
finishes. This script annotates a small base corpus (the first N ABP articles), then writes K copies of every
article into the store: each copy gets its own id (``<id>~<copy>``) and so its own store key, and its records are
the original's with every id rewritten. It then times ``presslens run`` on the K×N-article corpus and reports
the peak RSS of the run, against a bare ``nlp.pipe`` of the base texts in the same run (times K: the copies
repeat those texts). The copies repeat the same texts, so the timeline and speaker merges see K-fold
repeated events and names: a harsher load than real coverage, not a model of it. With ``--added M`` it then adds
the next M ABP articles (new texts) to the K×N corpus and annotates it into the store (only those M are
annotated), against the same M annotated cold into an empty store, each in a fresh process on 2 Dask workers,
with the driver's and the workers' peak RSS.

Not a test: ``.venv/bin/python benchmarks/bench_scale.py --n 100 --copies 100 --added 100`` (10,000 articles).
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

import pandas as pd

from presslens import paths
from presslens.annotate import with_keys
from presslens.nlp import load_pipeline
from presslens.store import CORPORA, DONE_TABLE, AnnotationStore
from presslens.workflow import CORPUS_FRAMES, Study, corpus_fingerprint, prepare, prepare_frames

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_annotate import slice_corpus  # noqa: E402  (a sibling script, not a package)

#: Store tables whose rows are copied with their article.
TABLES = ("article_stats", "sentences", "entities", "quotes", "mentions", "timexes", "events", "frame_cues",
          "names", "term_counts", "failures")
#: Columns ``prepare()`` adds to the articles from the store's article_stats (not part of a prepared corpus).
STATS_COLUMNS = ("words", "tokens", "sentences")
#: Columns holding ids that start with the article id (rewritten for each copy).
ID_COLUMNS = ("article_id", "quote_id", "event_id", "id", "duplicate_of")


def copy_id(article_id: str, copy: int) -> str:
    """The id of one copy of an article (copy 0 keeps its id)."""
    return article_id if copy == 0 else f"{article_id}~{copy}"


def rewrite_ids(frame: pd.DataFrame, copy: int) -> pd.DataFrame:
    """A table's rows for one copy: every id column rewritten to the copy's article id."""
    if copy == 0 or frame.empty:
        return frame.copy()
    out = frame.copy()
    article = "article_id" if "article_id" in out.columns else "id"
    for column in ID_COLUMNS:
        if column in out.columns and column != article:
            owners = out[article].astype(str)
            out[column] = [value.replace(owner, copy_id(owner, copy), 1) if isinstance(value, str) else value
                           for value, owner in zip(out[column], owners)]
    if article in out.columns:
        out[article] = [copy_id(str(value), copy) for value in out[article]]
    return out


def write_corpus(articles: pd.DataFrame, target: Path, mode: str = "wt") -> Path:
    """The copied articles as a JSONL.gz corpus a user could load (its bytes fix the store fingerprint)."""
    with gzip.open(target, mode, encoding="utf-8") as handle:
        for row in articles.itertuples():
            handle.write(json.dumps({"id": row.id, "outlet": row.outlet, "title": row.title,
                                     "date": str(row.published)[:10], "text": row.clean_text}) + "\n")
    return target


def replicate(study: Study, copies: int, store: AnnotationStore, folder: Path) -> Path:
    """Write ``copies`` copies of the annotated base corpus into the store; returns the copied corpus file."""
    frames = {name: getattr(study, name) for name in CORPUS_FRAMES}
    frames["articles"] = study.articles.drop(columns=["key", *STATS_COLUMNS], errors="ignore")
    base_keys = study.articles["key"]
    tables = {name: store.read(name, base_keys) for name in TABLES}
    copied = {name: pd.concat([rewrite_ids(frame.drop(columns=["key"], errors="ignore"), c) for c in range(copies)],
                              ignore_index=True) for name, frame in frames.items()}
    corpus = write_corpus(copied["articles"], folder / f"copies-{copies}.jsonl.gz")
    keyed = with_keys(copied["articles"].drop(columns=["key"], errors="ignore"))
    key_of = dict(zip(keyed["id"], keyed["key"]))
    store.save_frames(CORPORA, corpus_fingerprint(corpus, None, [], "", ""), {**copied, "articles": keyed})
    for c in range(1, copies):
        batch = f"copy-{c:05d}"
        for name, frame in tables.items():
            rows = rewrite_ids(frame.drop(columns=["key"]), c)
            if len(rows):
                store.write(name, batch, rows.assign(key=rows["article_id"].map(key_of)))
        ids = [copy_id(i, c) for i in frames["articles"]["id"]]
        store.write(DONE_TABLE, batch, pd.DataFrame({"key": [key_of[i] for i in ids], "article_id": ids,
                                                     "failures": 0, "written": pd.Timestamp.now(tz="UTC").isoformat()}))
    return corpus


def annotate_measured(corpus: Path, store: Path, workers: int = 2) -> dict[str, object]:
    """Annotate in a fresh process on a fresh ``workers``-process cluster: seconds, driver and worker peak RSS (MB)."""
    code = ("import json, sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
            "from bench_annotate import annotate_on, peak_rss_mb; "
            "seconds, workers, _ = annotate_on(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])); "
            "print(json.dumps({'seconds': round(seconds, 1), 'driver_peak_rss_mb': round(peak_rss_mb()), "
            "'worker_peak_rss_mb': [round(x) for x in workers]}))")
    done = subprocess.run([sys.executable, "-c", code, str(Path(__file__).resolve().parent), str(corpus), str(store),
                           str(workers)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def incremental(corpus: Path, store: AnnotationStore, source: Path, start: int, added: int, folder: Path
                ) -> dict[str, object]:
    """Add ``added`` new articles (from line ``start`` of ``source``) to the copied corpus: annotate the grown
    corpus into the store, and those articles alone into an empty store; seconds and peak RSS of both.

    The copies' texts are cleaned text written back as raw text, and cleaning them again changes some, so the
    grown corpus is prepared twice: once for real, timed (what loading, cleaning and de-duplicating 10,000 more
    articles costs a user), and once as the copies' prepared frames plus the new articles', saved in the store as
    the grown corpus, so that ``annotate`` finds every copy's key and annotates the new articles only.
    """
    new = prepare_frames(slice_corpus(source, folder, start, added), None, [], "", "", False)
    grown = folder / f"grown-{added}.jsonl.gz"
    grown.write_bytes(corpus.read_bytes())
    write_corpus(new["articles"], grown, mode="at")
    alone = write_corpus(new["articles"], folder / f"added-{added}.jsonl.gz")
    started = time.perf_counter()
    prepare_frames(grown, None, [], "", "", False)
    preparing = time.perf_counter() - started
    copied = store.load_frames(CORPORA, corpus_fingerprint(corpus, None, [], "", ""))
    store.save_frames(CORPORA, corpus_fingerprint(grown, None, [], "", ""),
                      {name: pd.concat([frame, new[name]], ignore_index=True) for name, frame in copied.items()})
    into_store = annotate_measured(grown, Path(store.location))
    into_store["seconds_with_preparing"] = round(into_store["seconds"] + preparing, 1)
    print(f"prepare the grown corpus             {preparing:9.1f} s", flush=True)
    print(f"annotate +{added} into the store      {into_store['seconds']:9.1f} s", flush=True)
    cold = annotate_measured(alone, folder / "store-added")
    print(f"annotate those {added} alone, cold    {cold['seconds']:9.1f} s", flush=True)
    return {"added": len(new["articles"]), "prepare_grown_s": round(preparing, 1), "incremental": into_store,
            "added_alone_cold": cold,
            "ratio_incremental_to_added_alone": round(into_store["seconds_with_preparing"] / cold["seconds"], 2)}


def main() -> None:
    """Annotate the base, replicate it, time ``presslens run`` on the copies; print a line per stage and JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=paths.BENCH_DIR / "abp_10k.jsonl.gz")
    parser.add_argument("--n", type=int, default=100, help="base articles (the first N of the corpus file)")
    parser.add_argument("--base", type=Path, default=None, help="use this corpus whole as the base instead")
    parser.add_argument("--copies", type=int, default=100, help="K: copies of each base article")
    parser.add_argument("--store", type=Path, default=None, help="store folder (default: a temporary one)")
    parser.add_argument("--out", type=Path, default=None, help="keep the report here (default: discarded)")
    parser.add_argument("--skip-run", action="store_true", help="leave out `presslens run` on the copies")
    parser.add_argument("--added", type=int, default=0, help="M: new articles added to the copies (0: none)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="presslens-scale-") as scratch:
        folder = Path(scratch)
        store = AnnotationStore(args.store or folder / "store")
        base = args.base.resolve() if args.base else slice_corpus(args.corpus, folder, 0, args.n)
        started = time.perf_counter()
        study = prepare(base, store=store.location, workers=None, progress=False)
        n_base = len(study.articles)
        annotated = time.perf_counter() - started
        print(f"annotate base ({n_base} articles)      {annotated:9.1f} s", flush=True)
        nlp = load_pipeline()
        texts = study.articles["clean_text"].tolist()
        list(nlp.pipe(texts[:5]))
        started = time.perf_counter()
        deque(nlp.pipe(texts, batch_size=32), maxlen=0)
        bare = time.perf_counter() - started
        print(f"bare nlp.pipe of the base           {bare:9.1f} s  (x{args.copies}: {bare * args.copies:.0f} s)",
              flush=True)
        started = time.perf_counter()
        corpus = replicate(study, args.copies, store, folder)
        print(f"replicate x{args.copies}                   {time.perf_counter() - started:9.1f} s", flush=True)
        numbers: dict[str, object] = {"base_articles": n_base, "copies": args.copies, "articles": n_base * args.copies,
                                      "annotate_base_s": round(annotated, 1), "bare_parse_base_s": round(bare, 1),
                                      "bare_parse_all_copies_s": round(bare * args.copies)}
        if not args.skip_run:
            started = time.perf_counter()
            run = subprocess.run([sys.executable, "-m", "presslens", "run", "--corpus", str(corpus), "--no-progress",
                                  "--store", store.location, "--out", str(args.out or folder / "report")],
                                 capture_output=True, text=True)
            seconds = time.perf_counter() - started
            rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(f"presslens run ({n_base * args.copies} articles)  {seconds:9.1f} s  exit {run.returncode}",
                  flush=True)
            if run.returncode:
                print(run.stderr[-4000:], file=sys.stderr)
            numbers.update({"run_s": round(seconds, 1), "run_exit": run.returncode, "peak_child_rss_mb": round(rss),
                            "ratio_run_to_bare_parse": round(seconds / (bare * args.copies), 3)})
        if args.added:
            start = args.n if args.base is None else 0
            numbers.update(incremental(corpus, store, args.corpus, start, args.added, folder))
        print(json.dumps(numbers, indent=2))


if __name__ == "__main__":
    main()
