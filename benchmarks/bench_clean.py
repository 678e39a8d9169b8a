"""Benchmark: is cleaning linear in text length? One 8 MB article against eight 1 MB ones, and peak RSS at 20 MB.

Articles are built from distinct ABP benchmark articles joined paragraph by paragraph (real prose, no artificial
repetition), then cleaned with the project's rules. Prints CPU seconds per size, the ratio of the 8 MB time to the
eight 1 MB times (target: at most 2), and the peak RSS of a fresh process cleaning one 20 MB article (target:
at most 1 GB), then the numbers as JSON. Not a test:
`nice .venv/bin/python benchmarks/bench_clean.py` (add `--big-mb 0` to skip the 20 MB run).
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import time
from collections.abc import Iterator

from presslens import paths
from presslens.clean import clean_text, load_rules

MB = 1_000_000
ABP = paths.BENCH_DIR / "abp_10k.jsonl.gz"


def abp_texts() -> Iterator[str]:
    """The ABP article texts, in file order, forever (cycling; cycles get a marker so paragraphs stay distinct)."""
    cycle = 0
    while True:
        with gzip.open(ABP, "rt", encoding="utf-8") as handle:
            for line in handle:
                text = json.loads(line)["content_original"]
                yield text if not cycle else "\n".join(f"{paragraph} ({cycle})" for paragraph in text.split("\n"))
        cycle += 1


def build_articles(sizes: list[int]) -> list[str]:
    """One article of each size (characters), made of consecutive, different ABP articles."""
    texts, articles = abp_texts(), []
    for size in sizes:
        parts, length = [], 0
        while length < size:
            parts.append(next(texts))
            length += len(parts[-1]) + 1
        articles.append("\n".join(parts)[:size])
    return articles


def seconds_to_clean(text: str) -> float:
    """CPU seconds of this process to clean one text (CPU time, so that other processes on the machine do not count)."""
    rules = load_rules()
    start = time.process_time()
    clean_text(text, rules=rules)
    return time.process_time() - start


def peak_rss_cleaning(megabytes: int) -> float:
    """Peak RSS (MB) of a fresh process that builds and cleans one article of ``megabytes`` MB."""
    code = (
        "import resource, sys; sys.path.insert(0, 'benchmarks'); from bench_clean import build_articles, "
        f"seconds_to_clean; print(seconds_to_clean(build_articles([{megabytes * MB}])[0])); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=paths.PROJECT_ROOT).stdout.split()
    print(f"{megabytes} MB article: cleaned in {float(output[0]):.1f} CPU s, peak RSS {float(output[1]):.0f} MB",
          flush=True)
    return float(output[1])


def main() -> None:
    """Time 1 MB x 8 against 8 MB, then the peak RSS at --big-mb MB."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--big-mb", type=int, default=20, help="size of the peak-RSS run in MB (0: skip it)")
    args = parser.parse_args()
    small = build_articles([MB] * 8)
    small_seconds = [seconds_to_clean(text) for text in small]
    print(f"8 articles of 1 MB: {sum(small_seconds):.1f} CPU s ({', '.join(f'{s:.1f}' for s in small_seconds)})",
          flush=True)
    big_seconds = seconds_to_clean("\n".join(small))
    ratio = big_seconds / sum(small_seconds)
    print(f"1 article of 8 MB: {big_seconds:.1f} CPU s; ratio to 8 x 1 MB: {ratio:.2f} (target <= 2)", flush=True)
    result = {"seconds_1mb_x8": round(sum(small_seconds), 2), "seconds_8mb": round(big_seconds, 2),
              "ratio": round(ratio, 2)}
    if args.big_mb:
        result[f"peak_rss_mb_{args.big_mb}mb"] = round(peak_rss_cleaning(args.big_mb))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
