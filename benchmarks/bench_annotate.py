"""Benchmark the annotation store against a bare spaCy parse of the same texts, in one run.

Measures, on the first N ABP articles (``../shared/bench``): bare ``nlp.pipe`` (1 process and W processes),
``presslens annotate`` cold on 1 and on W Dask workers, warm (everything read back), incremental (+100 new
articles) against those 100 annotated cold, ``presslens run`` on the annotated store, and the peak RSS of the
driver and of each worker. Prints each number as it comes and the ratios the README reports, then JSON.
Not a test: ``.venv/bin/python benchmarks/bench_annotate.py --n 1000`` (``make bench``).
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import logging
import resource
import subprocess
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

from distributed import Client, LocalCluster

from presslens import paths
from presslens.nlp import load_pipeline
from presslens.workflow import prepare


def peak_rss_mb() -> float:
    """Peak resident set size of the calling process, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def slice_corpus(source: Path, folder: Path, start: int, count: int) -> Path:
    """Lines start..start+count of a JSONL.gz corpus as their own file."""
    with gzip.open(source, "rt", encoding="utf-8") as handle:
        rows = list(itertools.islice(handle, start, start + count))
    target = folder / f"slice-{start}-{count}.jsonl.gz"
    with gzip.open(target, "wt", encoding="utf-8") as handle:
        handle.writelines(rows)
    return target


def annotate_on(corpus: Path, store: Path, workers: int) -> tuple[float, list[float], object]:
    """Annotate a corpus on a fresh ``workers``-process cluster: seconds, each worker's peak RSS (MB), Study."""
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        started = time.perf_counter()
        study = prepare(corpus, store=store, scheduler=cluster.scheduler_address, progress=False)
        seconds = time.perf_counter() - started
        rss = sorted(client.run(peak_rss_mb).values())
    return seconds, rss, study


def say(label: str, seconds: float, articles: int) -> None:
    """Print one measured stage."""
    print(f"{label:34s} {seconds:9.1f} s  {articles / seconds if seconds else 0:8.2f} articles/s", flush=True)


def main() -> None:
    """Run the benchmark and print its numbers."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=paths.BENCH_DIR / "abp_10k.jsonl.gz")
    parser.add_argument("--n", type=int, default=1000, help="articles (the first N of the corpus file)")
    parser.add_argument("--workers", type=int, default=2, help="W: the larger worker count compared with 1")
    parser.add_argument("--added", type=int, default=100, help="articles added for the incremental run")
    parser.add_argument("--skip-run", action="store_true", help="leave out `presslens run` on the store")
    args = parser.parse_args()
    numbers: dict[str, object] = {"corpus": str(args.corpus), "n": args.n, "workers": args.workers}
    with tempfile.TemporaryDirectory(prefix="presslens-bench-") as scratch:
        folder = Path(scratch)
        corpus = slice_corpus(args.corpus, folder, 0, args.n)
        grown = slice_corpus(args.corpus, folder, 0, args.n + args.added)
        added = slice_corpus(args.corpus, folder, args.n, args.added)

        one_seconds, one_rss, study = annotate_on(corpus, folder / "store-1", 1)
        count, texts = len(study.articles), study.articles["clean_text"].tolist()
        numbers["articles"] = count
        numbers["driver_peak_rss_mb_annotating"] = round(peak_rss_mb())
        nlp = load_pipeline()
        list(nlp.pipe(texts[:5]))
        started = time.perf_counter()
        deque(nlp.pipe(texts, batch_size=32), maxlen=0)
        bare = time.perf_counter() - started
        say("bare nlp.pipe, 1 process", bare, count)
        started = time.perf_counter()
        deque(nlp.pipe(texts, batch_size=32, n_process=args.workers), maxlen=0)
        bare_w = time.perf_counter() - started
        say(f"bare nlp.pipe, {args.workers} processes", bare_w, count)
        say("annotate cold, 1 worker", one_seconds, count)
        w_seconds, w_rss, _ = annotate_on(corpus, folder / "store-w", args.workers)
        say(f"annotate cold, {args.workers} workers", w_seconds, count)
        started = time.perf_counter()
        prepare(corpus, store=folder / "store-w", progress=False)
        warm = time.perf_counter() - started
        say("annotate warm (all in the store)", warm, count)
        incremental, _, _ = annotate_on(grown, folder / "store-w", args.workers)
        say(f"annotate incremental (+{args.added})", incremental, args.added)
        added_cold, _, _ = annotate_on(added, folder / "store-added", args.workers)
        say(f"annotate the {args.added} alone, cold", added_cold, args.added)
        numbers.update({
            "bare_parse_s": round(bare, 1), f"bare_parse_{args.workers}proc_s": round(bare_w, 1),
            "annotate_cold_1_worker_s": round(one_seconds, 1),
            f"annotate_cold_{args.workers}_workers_s": round(w_seconds, 1),
            "annotate_warm_s": round(warm, 1), "incremental_s": round(incremental, 1),
            "added_alone_cold_s": round(added_cold, 1),
            "ratio_cold_1_worker_to_bare_parse": round(one_seconds / bare, 2),
            f"ratio_cold_{args.workers}_workers_to_bare_{args.workers}proc_parse": round(w_seconds / bare_w, 2),
            "ratio_warm_to_bare_parse": round(warm / bare, 3),
            "ratio_incremental_to_added_alone": round(incremental / added_cold, 2),
            f"speedup_{args.workers}_workers_vs_1": round(one_seconds / w_seconds, 2),
            "worker_peak_rss_mb_1_worker": [round(x) for x in one_rss],
            f"worker_peak_rss_mb_{args.workers}_workers": [round(x) for x in w_rss],
        })
        if not args.skip_run:
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "presslens", "run", "--store", str(folder / "store-w"),
                            "--reports-dir", str(folder / "reports"), "--name", "bench", "--no-progress",
                            "-p", f"corpus={corpus}"], check=True)
            run_seconds = time.perf_counter() - started
            say("presslens run on the annotated store", run_seconds, count)
            numbers["run_on_store_s"] = round(run_seconds, 1)
            numbers["ratio_run_to_bare_parse"] = round(run_seconds / bare, 2)
        numbers["driver_peak_rss_mb_with_bare_parse"] = round(peak_rss_mb())
    print(json.dumps(numbers, indent=2))


if __name__ == "__main__":
    main()
