"""Benchmark: find and score stance mentions in N articles of the ABP sample, for each scoring method.

Parsing goes through the DocBin cache and is timed apart (`bench_corpus.py` measures it properly). Prints
seconds, articles/s and mentions/s for finding mentions and for each method (the model's time includes loading
its encoders), the process CPU seconds of each method (all threads; steadier than wall time on a shared
machine), and peak RSS, then the same numbers as JSON. Not a test: run
`.venv/bin/python benchmarks/bench_stance.py --n 300`.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from bench_corpus import peak_rss_mb, rate, timed
from presslens import paths
from presslens.clean import clean_corpus
from presslens.corpus import load_with_report
from presslens.nlp import load_pipeline, parse_corpus
from presslens.stance.aggregate import score_mentions
from presslens.stance.scorers import get_scorer
from presslens.stance.targets import find_mentions, load_targets

METHODS = ("textblob", "model")


def main() -> None:
    """Run the benchmark and print its numbers."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=paths.BENCH_DIR / "abp_10k.jsonl.gz")
    parser.add_argument("--n", type=int, default=300, help="articles to use (the first N loaded)")
    parser.add_argument("--model", default=None, help="spaCy model name or folder")
    args = parser.parse_args()

    loaded, _ = load_with_report(args.corpus, column_map="abp")
    cleaned, _ = clean_corpus(loaded.head(args.n).reset_index(drop=True), progress=False)
    docs, parse_seconds = timed(lambda: parse_corpus(cleaned, load_pipeline(args.model)))
    targets = load_targets()
    found, find_seconds = timed(lambda: [(article_id, doc, mention) for article_id, doc in docs.items()
                                         for mention in find_mentions(doc, targets)])
    numbers = {"corpus": str(args.corpus), "articles": len(docs), "mentions": len(found),
               "parse_seconds_through_cache": round(parse_seconds, 2),
               "find_mentions": {"seconds": round(find_seconds, 2), "articles_per_s": rate(len(docs), find_seconds)}}
    print(f"{len(docs)} articles, {len(found)} mentions; find {find_seconds:.1f} s", flush=True)
    for method in METHODS:
        scorer = get_scorer(method)
        cpu_start = time.process_time()
        _, seconds = timed(lambda scorer=scorer: score_mentions(found, [scorer]))
        cpu_seconds = time.process_time() - cpu_start
        numbers[method] = {"seconds": round(seconds, 2), "articles_per_s": rate(len(docs), seconds),
                           "mentions_per_s": rate(len(found), seconds), "cpu_seconds": round(cpu_seconds, 2),
                           "mentions_per_cpu_s": rate(len(found), cpu_seconds)}
        print(f"{method:9s} {seconds:8.1f} s  {numbers[method]['mentions_per_s']:8.1f} mentions/s  "
              f"{cpu_seconds:8.1f} CPU s", flush=True)
    numbers["peak_rss_mb"] = round(peak_rss_mb(), 1)
    print(json.dumps(numbers, indent=2))


if __name__ == "__main__":
    main()
