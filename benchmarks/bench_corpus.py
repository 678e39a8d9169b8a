"""Benchmark: load, clean and parse N articles of the ABP sample, cold and cached, against bare nlp.pipe.

Prints articles/s and words/s for each stage, the cached/cold time ratio, presslens/bare parse throughput,
and peak RSS, then the same numbers as JSON. Not a test: run it with `make bench` or
`.venv/bin/python benchmarks/bench_corpus.py --n 1000`.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from presslens import paths
from presslens.clean import clean_corpus
from presslens.corpus import load_with_report
from presslens.nlp import load_pipeline, model_key, parse_corpus

T = TypeVar("T")


def timed(step: Callable[[], T]) -> tuple[T, float]:
    """Run a step and return its result and its wall-clock seconds."""
    start = time.perf_counter()
    result = step()
    return result, time.perf_counter() - start


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(stage: str, seconds: float, articles: int, words: int) -> dict[str, float]:
    """Print one stage's throughput as soon as it is measured, and return it."""
    numbers = {"seconds": round(seconds, 2), "articles_per_s": rate(articles, seconds),
               "words_per_s": rate(words, seconds)}
    print(f"{stage:17s} {numbers['seconds']:8.2f} s  {numbers['articles_per_s']:8.1f} articles/s  "
          f"{numbers['words_per_s']:10.1f} words/s", flush=True)
    return numbers


def rate(count: float, seconds: float) -> float:
    """Items per second, rounded."""
    return round(count / seconds, 1) if seconds else float("inf")


def main() -> None:
    """Run the benchmark and print its numbers."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=paths.BENCH_DIR / "abp_10k.jsonl.gz")
    parser.add_argument("--n", type=int, default=1000, help="articles to use (the first N loaded)")
    parser.add_argument("--model", default=None, help="spaCy model name or folder")
    parser.add_argument("--n-process", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()

    (loaded, load_report), load_seconds = timed(lambda: load_with_report(args.corpus, column_map="abp"))
    articles = loaded.head(args.n).reset_index(drop=True)
    print(f"load (all {len(load_report)} records): {load_seconds:.1f} s", flush=True)
    (cleaned, _removals), clean_seconds = timed(lambda: clean_corpus(articles, progress=False))
    texts = cleaned["clean_text"].tolist()
    words = sum(len(text.split()) for text in texts)
    clean = report("clean", clean_seconds, len(texts), words)
    nlp = load_pipeline(args.model)
    list(nlp.pipe(texts[:5]))  # warm-up: first-call allocations are not throughput

    options = {"n_process": args.n_process, "batch_size": args.batch_size, "progress": False}
    _, bare_seconds = timed(lambda: list(nlp.pipe(texts, batch_size=args.batch_size, n_process=args.n_process)))
    bare = report("bare nlp.pipe", bare_seconds, len(texts), words)
    with tempfile.TemporaryDirectory(prefix="presslens-bench-") as cache:
        paths.DOC_CACHE_DIR = Path(cache)
        _, cold_seconds = timed(lambda: parse_corpus(cleaned, nlp, **options))
        cold = report("presslens cold", cold_seconds, len(texts), words)
        _, cached_seconds = timed(lambda: parse_corpus(cleaned, nlp, **options))
        cached = report("presslens cached", cached_seconds, len(texts), words)

    numbers = {
        "corpus": str(args.corpus), "articles": len(texts), "words": words, "model": model_key(nlp),
        "records_in_file": len(load_report), "load_seconds_all_records": round(load_seconds, 2),
        "clean": clean, "bare_pipe": bare, "presslens_cold": cold, "presslens_cached": cached,
        "presslens_vs_bare_throughput": round(bare_seconds / cold_seconds, 3),
        "cached_vs_cold_time": round(cached_seconds / cold_seconds, 4),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    print(f"presslens/bare throughput: {numbers['presslens_vs_bare_throughput']} (target >= 0.9); "
          f"cached/cold time: {numbers['cached_vs_cold_time']} (target < 0.05); peak RSS {numbers['peak_rss_mb']} MB")
    print(json.dumps(numbers, indent=2))


if __name__ == "__main__":
    main()
