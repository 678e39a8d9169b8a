"""Benchmark one frozen MiniLM pass over every sentence against the bare spaCy parse of the same articles, in one run.

The annotation store's cold target is at most 1.5 x the bare parse with every analysis included; the stance
classifier encodes each sentence that mentions an actor with MiniLM (``presslens.encoder``), and its fine-tuned half
encodes each (sentence, actor) pair again. This script measures the floor of any such design: encoding every
sentence of the first N cleaned ABP articles once, against parsing those articles, on one thread each. Prints JSON.
Not a test: ``OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_encoder.py --n 150``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from presslens import paths
from presslens.clean import clean_corpus
from presslens.corpus import load_with_report
from presslens.encoder import TargetText, load_encoder, target_vectors
from presslens.nlp import load_pipeline
from presslens.progress import silent_inner_bars


def main() -> None:
    """Run the benchmark and print its numbers."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=paths.BENCH_DIR / "abp_10k.jsonl.gz")
    parser.add_argument("--column-map", default="abp")
    parser.add_argument("--n", type=int, default=150, help="articles (the first N of the corpus file)")
    args = parser.parse_args()
    loaded, _ = load_with_report(args.corpus, column_map=args.column_map)
    cleaned, _ = clean_corpus(loaded.iloc[: args.n], progress=False)
    texts = cleaned["clean_text"].tolist()
    nlp = load_pipeline()
    list(nlp.pipe(texts[:3]))
    started = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=32))
    parse_seconds = time.perf_counter() - started
    sentences = [TargetText(sentence.text, 0, 1) for doc in docs for sentence in doc.sents if sentence.text.strip()]
    encoder = load_encoder()
    with silent_inner_bars():
        target_vectors(sentences[:40], encoder)
        started = time.perf_counter()
        target_vectors(sentences, encoder)
        encode_seconds = time.perf_counter() - started
    print(json.dumps({"corpus": str(args.corpus), "articles": len(texts), "tokens": sum(len(doc) for doc in docs),
                      "sentences": len(sentences), "bare_parse_s": round(parse_seconds, 1),
                      "encode_every_sentence_s": round(encode_seconds, 1),
                      "ratio_encode_to_bare_parse": round(encode_seconds / parse_seconds, 2)}, indent=2))


if __name__ == "__main__":
    main()
