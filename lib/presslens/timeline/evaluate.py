"""`presslens eval timex`: TIMEX3 extraction and normalisation scored the TempEval-3 way."""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter, defaultdict
from pathlib import Path

from presslens import arguments, nlp, registry, stats
from presslens.timeline import gold as G
from presslens.timeline.timex import extract_timex


def align(system: list[dict], gold: list[G.GoldTimex]) -> list[tuple[dict, G.GoldTimex]]:
    """TempEval-3 pairing: each gold TIMEX3 with at most one overlapping system TIMEX3, exact extents first."""
    used: set[int] = set()
    pairs = []
    for wanted_exact in (True, False):
        for g in gold:
            if any(p[1] is g for p in pairs):
                continue
            for i, s in enumerate(system):
                if i in used:
                    continue
                exact = s["start"] == g.start and s["end"] == g.end
                if exact if wanted_exact else (s["start"] < g.end and g.start < s["end"]):
                    used.add(i)
                    pairs.append((s, g))
                    break
    return pairs


def score_timex(docs: list[G.GoldDoc], predictions: dict[str, list[dict]]) -> dict[str, object]:
    """Strict and relaxed P/R/F1, value and type accuracy and F1, value accuracy per gold type."""
    n_system = n_gold = strict = relaxed = 0
    value_ok = type_ok = 0
    per_type: dict[str, Counter] = defaultdict(Counter)
    for doc in docs:
        system, gold = predictions.get(doc.name, []), doc.timexes
        n_system, n_gold = n_system + len(system), n_gold + len(gold)
        for s, g in align(system, gold):
            relaxed += 1
            strict += s["start"] == g.start and s["end"] == g.end
            value_ok += s["value"] == g.value
            type_ok += s["type"] == g.type
            per_type[g.type]["n"] += 1
            per_type[g.type]["value_ok"] += s["value"] == g.value
    relaxed_scores = stats.precision_recall_f1(relaxed, n_system, n_gold)
    value_accuracy = value_ok / relaxed if relaxed else 0.0
    type_accuracy = type_ok / relaxed if relaxed else 0.0
    return {
        "documents": len(docs), "gold": n_gold, "system": n_system,
        "strict": stats.precision_recall_f1(strict, n_system, n_gold), "relaxed": relaxed_scores,
        "value_accuracy": round(value_accuracy, 4), "value_f1": round(value_accuracy * relaxed_scores["f1"], 4),
        "type_accuracy": round(type_accuracy, 4), "type_f1": round(type_accuracy * relaxed_scores["f1"], 4),
        "value_accuracy_by_type": {t: {"n": c["n"], "accuracy": round(c["value_ok"] / c["n"], 4)}
                                   for t, c in sorted(per_type.items())},
    }


def _scored(doc: G.GoldDoc, timex: dict) -> bool:
    """Whether a system TIMEX3 lies in the annotated part of a document and is not the creation time."""
    if doc.scored_until is not None and timex["start"] >= doc.scored_until:
        return False
    return not any(timex["start"] < end and start < timex["end"] for start, end in doc.unscored)


def predict_timex(docs: list[G.GoldDoc], progress: bool = False) -> tuple[dict[str, list[dict]], dict[str, float]]:
    """System TIMEX3s of every gold document (parsed through the cache) and the extraction throughput."""
    parsed = nlp.parse_texts([doc.text for doc in docs], nlp.load_pipeline(), progress=progress, desc="parsing gold")
    started = time.perf_counter()
    predictions = {}
    for doc, parsed_doc in zip(docs, parsed):
        parsed_doc._.article_id = doc.name
        found = extract_timex(parsed_doc, doc.dct, "day" if len(doc.dct) >= 10 else None)
        records = [{"start": t.start_char, "end": t.end_char, "type": t.type, "value": t.value, "text": t.text}
                   for t in found]
        predictions[doc.name] = [r for r in records if _scored(doc, r)]
    seconds = time.perf_counter() - started
    return predictions, {"extraction_seconds": round(seconds, 3),
                         "docs_per_second": round(len(docs) / seconds, 1) if seconds else float("inf")}


def write_predictions(path: Path, predictions: dict[str, list[dict]]) -> None:
    """One JSON object per document: {"doc", "timex": [{"start", "end", "type", "value"}]}."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for name, timexes in predictions.items():
            rows = [{k: t[k] for k in ("start", "end", "type", "value")} for t in timexes]
            handle.write(json.dumps({"doc": name, "timex": rows}) + "\n")


def _headline(scores: dict[str, object]) -> dict[str, object]:
    """The headline numbers of one score: documents, strict / relaxed / value / type F1."""
    return {"documents": scores["documents"], "strict_f1": scores["strict"]["f1"],  # type: ignore[index]
            "relaxed_f1": scores["relaxed"]["f1"], "value_f1": scores["value_f1"],  # type: ignore[index]
            "type_f1": scores["type_f1"]}


def folder_scores(root: Path, predictions: dict[str, list[dict]], dev_folders: list[str]) -> dict[str, object]:
    """Scores per top-level subfolder and, given dev folders, for the dev part and the held-out rest."""
    folders = sorted(p.name for p in root.iterdir() if p.is_dir())
    members = {f: G.read_corpus(root / f) for f in folders}
    result: dict[str, object] = {"by_folder": {f: _headline(score_timex(members[f], predictions)) for f in folders}}
    if dev_folders:
        unknown = set(dev_folders) - set(folders)
        if unknown:
            raise ValueError(f"no such subfolder of {root}: {sorted(unknown)}")
        held = [f for f in folders if f not in dev_folders]
        result["dev"] = {"folders": dev_folders, **_headline(score_timex(
            [d for f in dev_folders for d in members[f]], predictions))}
        result["held_out"] = {"folders": held, **_headline(score_timex(
            [d for f in held for d in members[f]], predictions))}
    return result


def run_timex(args: argparse.Namespace) -> dict[str, object]:
    """Score TIMEX3 extraction and normalisation on a folder of TimeML / CAT documents."""
    docs = G.read_corpus(args.data)
    predictions, speed = predict_timex(docs, progress=not args.quiet)
    if args.predictions:
        write_predictions(args.predictions, predictions)
    dev = [f for f in (args.dev_folders or "").split(",") if f]
    split = folder_scores(args.data, predictions, dev) if any(p.is_dir() for p in args.data.iterdir()) else {}
    protocol = {"protocol": f"errors studied on {', '.join(dev)} only; the other folders are held out"} if dev else {}
    return {"data": str(args.data), **protocol, **score_timex(docs, predictions), **split, "throughput": speed,
            "reference_heideltime_tempeval3_test": {"strict_f1": 0.818, "relaxed_f1": 0.907, "value_f1": 0.781,
                                                    "type_f1": 0.833}}


def _timex_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `presslens eval timex`."""
    arguments.add_eval_options(parser, data_help="folder of TimeML .tml (or CAT .xml) documents, searched recursively",
                         predictions_help="write predictions here (JSON lines)")
    parser.add_argument("--dev-folders", default="",
                        help="comma-separated subfolders whose errors were studied (scored apart from the rest)")


registry.evaluators.register("timex", func=registry.Command(
    help="TIMEX3 extraction and normalisation, scored the TempEval-3 way", add_arguments=_timex_arguments,
    run=run_timex))

