"""Benchmark `presslens run` on an annotated store against a bare spaCy parse of the same corpus, in one run.

The issue's target: the report on an annotated 10k store costs at most 0.25 x the bare parse of those 10k
articles. Parsing 10,000 articles bare takes about an hour on two cores, so the bare parse is measured on a
random sample of the cleaned articles and scaled by characters (parse time grows with text length); the sample
and the scale are printed. The store must already hold every article (``presslens annotate CORPUS --store S``) so
that the report annotates nothing: the script's own ``prepare`` would annotate what is missing first, and it then
stops instead of timing a report that is not on a full store. It also says whether the canonical quote table is
already in the store: the first run after a change to the quotes code computes it again. Prints each number as it
comes, then JSON.
Not a test: ``.venv/bin/python benchmarks/bench_report.py --store /tmp/abp10k/store``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

from presslens import paths
from presslens.nlp import load_pipeline
from presslens.store import DERIVED
from presslens.workflow import prepare, quotes_fingerprint


def child_peak_rss_mb() -> float:
    """Peak resident set size of the largest finished child process (the notebook kernels), in MB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def notebook_seconds(executed: Path) -> dict[str, float]:
    """Each executed notebook's papermill duration, in seconds."""
    return {path.stem: round(json.loads(path.read_text(encoding="utf-8"))["metadata"]["papermill"]["duration"], 1)
            for path in sorted(executed.glob("*.ipynb"))}


def main() -> None:
    """Run the benchmark and print its numbers."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=paths.BENCH_DIR / "abp_10k.jsonl.gz")
    parser.add_argument("--column-map", default="abp")
    parser.add_argument("--store", type=Path, required=True, help="a store that already holds every article")
    parser.add_argument("--sample", type=int, default=400, help="articles parsed bare (random, fixed seed)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    study = prepare(args.corpus, column_map=args.column_map, store=args.store, progress=False)
    if study.annotation.annotated:
        sys.exit(f"the store lacked {study.annotation.annotated} articles (annotated now); run the benchmark again")
    quotes_cached = study.store.has_frames(DERIVED, quotes_fingerprint(study.articles))
    where = "in the store" if quotes_cached else "computed during the run (the quotes code changed)"
    print(f"canonical quote table: {where}", flush=True)
    texts = study.articles["clean_text"]
    sample = texts.sample(min(args.sample, len(texts)), random_state=0).tolist()
    scale = texts.str.len().sum() / sum(map(len, sample))
    nlp = load_pipeline()
    list(nlp.pipe(sample[:5]))
    started = time.perf_counter()
    deque(nlp.pipe(sample, batch_size=32), maxlen=0)
    bare_sample = time.perf_counter() - started
    bare = bare_sample * scale
    print(f"bare nlp.pipe, {len(sample)} random articles: {bare_sample:.1f} s; x {scale:.2f} (characters) = "
          f"{bare:.0f} s for all {len(texts)}", flush=True)
    with tempfile.TemporaryDirectory(prefix="presslens-bench-") as scratch:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "presslens", "run", "--corpus", str(args.corpus), "--column-map",
                        args.column_map, "--store", str(args.store), "--out", str(Path(scratch) / "report"),
                        "--no-progress", "--workers", str(args.workers)], check=True)
        run_seconds = time.perf_counter() - started
        notebooks = notebook_seconds(Path(scratch) / "report" / "executed")
    print(f"per notebook: {notebooks}", flush=True)
    print(f"presslens run on the annotated store: {run_seconds:.0f} s = {run_seconds / bare:.2f} x the bare parse",
          flush=True)
    print(json.dumps({"corpus": str(args.corpus), "articles": len(texts), "bare_sample_articles": len(sample),
                      "bare_sample_s": round(bare_sample, 1), "characters_scale": round(scale, 2),
                      "bare_parse_s_estimated": round(bare), "run_on_store_s": round(run_seconds),
                      "ratio_run_to_bare_parse": round(run_seconds / bare, 3),
                      "notebook_s": notebooks, "canonical_quotes_cached": quotes_cached,
                      "largest_child_peak_rss_mb": round(child_peak_rss_mb())}, indent=2))


if __name__ == "__main__":
    main()
