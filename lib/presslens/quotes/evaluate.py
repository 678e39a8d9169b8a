"""``presslens eval quotes``: score attribution extraction on PolNeAR (brat standoff) with coverage matching."""

from __future__ import annotations

import argparse
import json
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd
import yaml
from scipy.optimize import linear_sum_assignment
from spacy.tokens import Doc

from presslens import arguments, paths, registry, stats
from presslens.quotes import lexicons
from presslens.quotes.extract import QUOTE_MARKS, extract_quotes, find_quote_blocks

Segments = list[tuple[int, int]]
EDGE_CHARS = set(string.whitespace) | set(string.punctuation) | set(QUOTE_MARKS) | set("‘’—–…―")
EVAL_SETTINGS = paths.RULES_DIR / "quotes_eval.yaml"
SLICES = ("all", "direct", "speech")


@dataclass
class Item:
    """One attribution to score, gold or predicted: content, source and cue spans (char offsets)."""

    content: Segments
    source: Segments = field(default_factory=list)
    cue: Segments = field(default_factory=list)
    speaker: str = ""


@dataclass
class ScoredDoc:
    """A document's text, gold items and predicted items."""

    name: str
    text: str
    gold: list[Item]
    predicted: list[Item] = field(default_factory=list)


def settings() -> dict[str, Any]:
    """Evaluation settings, targets and reference points (data/rules/quotes_eval.yaml)."""
    return yaml.safe_load(EVAL_SETTINGS.read_text(encoding="utf-8"))


# ------------------------------------------------------------------------------------------------ PolNeAR
def _segments(offsets: str) -> Segments:
    """Brat offsets "s e;s e" -> [(s, e), ...]."""
    return [tuple(int(x) for x in part.split()) for part in offsets.split(";")]  # type: ignore[misc]


def read_brat(path: Path) -> list[Item]:
    """The attributions of a brat .ann file: E lines tying Content, Source and Cue text-bound spans."""
    spans: dict[str, tuple[str, Segments]] = {}
    events: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if line.startswith("T") and len(fields) >= 2:
            label, _, offsets = fields[1].partition(" ")
            spans[fields[0]] = (label, _segments(offsets))
        elif line.startswith("E") and len(fields) >= 2:
            events.append(dict(arg.split(":", 1) for arg in fields[1].split() if ":" in arg))
    items = []
    for event in events:
        if "Content" not in event or event["Content"] not in spans:
            continue
        get = lambda role: spans[event[role]][1] if event.get(role) in spans else []  # noqa: E731
        items.append(Item(content=get("Content"), source=get("Source"), cue=get("Cue")))
    return items


def load_polnear(data: Path, split: str) -> list[ScoredDoc]:
    """Texts and gold attributions of a PolNeAR split, scored against the first annotator in sorted order."""
    folder = data / split
    annotations: dict[str, Path] = {}
    for ann in sorted((folder / "attributions").glob("*.ann")):
        annotations.setdefault(ann.stem.rsplit("_", 1)[0], ann)
    docs = []
    for text_path in sorted((folder / "text").glob("*.txt")):
        with open(text_path, encoding="utf-8", newline="") as handle:
            text = handle.read()
        ann = annotations.get(text_path.stem)
        docs.append(ScoredDoc(text_path.stem, text, read_brat(ann) if ann else []))
    return docs


# ---------------------------------------------------------------------------------------------- systems
def presslens_items(doc: Doc) -> list[Item]:
    """presslens's attributions of a Doc as items to score."""
    items = []
    for record in extract_quotes(doc):
        source = [(record.speaker_start, record.speaker_end)] if record.speaker_start >= 0 else []
        cue = [(record.cue_start, record.cue_end)] if record.cue_start >= 0 else []
        items.append(Item(list(record.segments), source, cue, record.speaker))
    return items


def textacy_items(doc: Doc) -> list[Item]:
    """textacy's ``direct_quotations`` of a Doc as items to score (the runnable anchor)."""
    from textacy.extract.triples import direct_quotations

    items = []
    try:
        triples = list(direct_quotations(doc))
    except (ValueError, IndexError):  # textacy raises on some unbalanced quotation marks
        triples = []
    for triple in triples:
        source = [(t.idx, t.idx + len(t.text)) for t in triple.speaker]
        cue = [(t.idx, t.idx + len(t.text)) for t in triple.cue]
        content = triple.content
        items.append(Item([(content.start_char, content.end_char)], _merge(source), _merge(cue), " ".join(t.text for t in triple.speaker)))
    return items


SYSTEMS: dict[str, Callable[[Doc], list[Item]]] = {"presslens": presslens_items, "textacy": textacy_items}


def _merge(segments: Segments) -> Segments:
    """Merge adjacent/overlapping token segments into one span when contiguous up to a space."""
    merged: Segments = []
    for start, end in sorted(segments):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def read_predictions(path: Path) -> dict[str, list[Item]]:
    """A predictions file: one JSON object per line, {"doc", "attributions": [{content, source, cue, speaker}]}."""
    found: dict[str, list[Item]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        found[record["doc"]] = [
            Item(
                [tuple(pair) for pair in entry["content"]],  # type: ignore[misc]
                [tuple(pair) for pair in entry.get("source", [])],  # type: ignore[misc]
                [tuple(pair) for pair in entry.get("cue", [])],  # type: ignore[misc]
                entry.get("speaker", ""),
            )
            for entry in record.get("attributions", [])
        ]
    return found


def write_predictions(path: Path, docs: Sequence[ScoredDoc]) -> None:
    """Write predicted items in the predictions-file format."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        for doc in docs:
            attributions = [
                {"content": item.content, "source": item.source, "cue": item.cue, "speaker": item.speaker}
                for item in doc.predicted
            ]
            handle.write(json.dumps({"doc": doc.name, "attributions": attributions}) + "\n")


# ---------------------------------------------------------------------------------------------- scoring
def char_set(text: str, segments: Segments) -> frozenset[int]:
    """Scored characters of segments: edges trimmed of quote marks, punctuation and space; inner spaces dropped."""
    chars: set[int] = set()
    for start, end in segments:
        while start < end and text[start] in EDGE_CHARS:
            start += 1
        while end > start and text[end - 1] in EDGE_CHARS:
            end -= 1
        chars.update(i for i in range(start, end) if not text[i].isspace())
    return frozenset(chars)


def passes(test: str, gold: frozenset[int], predicted: frozenset[int], config: dict[str, Any]) -> bool:
    """Whether a predicted content matches a gold content under a test ("exact", "cov80", "cov30")."""
    if not gold or not predicted:
        return False
    if test == "exact":
        return gold == predicted
    overlap = len(gold & predicted)
    rule = config["coverage_tests"][test]
    return overlap / len(gold) >= rule["gold_coverage"] and overlap / len(predicted) >= rule["prediction_precision"]


def match(golds: list[frozenset[int]], preds: list[frozenset[int]], test: str, config: dict[str, Any]) -> list[tuple[int, int]]:
    """One-to-one matching of gold and predicted contents passing a test, maximising the overlap."""
    if not golds or not preds:
        return []
    weight = np.zeros((len(golds), len(preds)))
    for i, gold in enumerate(golds):
        for j, pred in enumerate(preds):
            if passes(test, gold, pred, config):
                weight[i, j] = 1 + len(gold & pred) / max(len(gold | pred), 1)
    rows, cols = linear_sum_assignment(-weight)
    return [(i, j) for i, j in zip(rows, cols) if weight[i, j] > 0]


def in_quotes(text: str, chars: frozenset[int], quoted: frozenset[int], share: float) -> bool:
    """Whether (nearly) all of a content's characters lie inside quotation marks."""
    return bool(chars) and len(chars & quoted) / len(chars) >= share


def cue_lemma(doc: Doc, segments: Segments) -> str:
    """The reporting-cue lemma of a cue span: a lexicon phrase it contains, else its first lexicon verb."""
    if not segments:
        return ""
    text = " ".join(doc.text[s:e] for s, e in segments).lower()
    for words in lexicons.cue_phrases():
        if " ".join(words) in text:
            return " ".join(words)
    verbs = lexicons.verb_lemmas()
    for start, end in segments:
        span = doc.char_span(start, end, alignment_mode="expand")
        for token in span or ():
            if token.lemma_.lower() in verbs:
                return token.lemma_.lower()
    return ""


def slice_flags(doc: Doc, items: list[Item], quoted: frozenset[int], config: dict[str, Any]) -> list[dict[str, bool]]:
    """For each item, whether it belongs to each slice (direct: content in quotes; speech: speech-act cue)."""
    speech = set(config["speech_categories"])
    flags = []
    for item in items:
        chars = char_set(doc.text, item.content)
        flags.append(
            {
                "all": True,
                "direct": in_quotes(doc.text, chars, quoted, config["direct_share"]),
                "speech": lexicons.cue_category(cue_lemma(doc, item.cue)) in speech,
            }
        )
    return flags


def source_correct(text: str, gold: Item, predicted: Item) -> tuple[bool, bool]:
    """(overlap, exact) correctness of a predicted source span against the gold source (both empty = right)."""
    gold_chars, pred_chars = char_set(text, gold.source), char_set(text, predicted.source)
    if not gold_chars or not pred_chars:
        return (not gold_chars and not pred_chars,) * 2  # type: ignore[return-value]
    return bool(gold_chars & pred_chars), gold_chars == pred_chars


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float | int]:
    """Precision, recall, F1 and counts."""
    return {**stats.precision_recall_f1(tp, n_pred, n_gold), "tp": tp, "predicted": n_pred, "gold": n_gold}


class Tally:
    """Counts for one slice, summed over documents."""

    TESTS = ("exact", "cov80", "cov30")

    def __init__(self) -> None:
        self.gold = 0
        self.predicted = 0
        self.tp = {test: 0 for test in self.TESTS}
        self.fp = {test: 0 for test in self.TESTS}
        self.pairs = 0
        self.speaker_overlap = 0
        self.speaker_exact = 0

    def report(self) -> dict[str, Any]:
        """The slice's figures: P/R/F1 per test, speaker accuracy on cov80 pairs, end-to-end F1."""
        result: dict[str, Any] = {}
        for test in self.TESTS:
            result[test] = _prf(self.tp[test], self.tp[test] + self.fp[test], self.gold)
        accuracy = self.speaker_overlap / self.pairs if self.pairs else 0.0
        result["speaker_accuracy"] = round(accuracy, 4)
        result["speaker_accuracy_exact"] = round(self.speaker_exact / self.pairs if self.pairs else 0.0, 4)
        result["end_to_end"] = _prf(self.speaker_overlap, self.tp["cov80"] + self.fp["cov80"], self.gold)
        return result


def score_doc(doc: Doc, scored: ScoredDoc, tallies: dict[str, Tally], config: dict[str, Any]) -> None:
    """Add one document's matches to the slice tallies."""
    text = scored.text
    quoted = frozenset(i for block in find_quote_blocks(text) for s, e in block.segments for i in range(s, e))
    gold_chars = [char_set(text, item.content) for item in scored.gold]
    pred_chars = [char_set(text, item.content) for item in scored.predicted]
    gold_flags = slice_flags(doc, scored.gold, quoted, config)
    pred_flags = slice_flags(doc, scored.predicted, quoted, config)
    for test in Tally.TESTS:
        pairs = match(gold_chars, pred_chars, test, config)
        matched_preds = {j for _, j in pairs}
        for name, tally in tallies.items():
            tally.tp[test] += sum(1 for i, _ in pairs if gold_flags[i][name])
            tally.fp[test] += sum(1 for j, flags in enumerate(pred_flags) if flags[name] and j not in matched_preds)
            if test != "cov80":
                continue
            for i, j in pairs:
                if gold_flags[i][name]:
                    overlap, exact = source_correct(text, scored.gold[i], scored.predicted[j])
                    tally.pairs += 1
                    tally.speaker_overlap += overlap
                    tally.speaker_exact += exact
    for name, tally in tallies.items():
        tally.gold += sum(1 for flags in gold_flags if flags[name])
        tally.predicted += sum(1 for flags in pred_flags if flags[name])


def evaluate(
    data: Path,
    split: str = "dev",
    system: str = "presslens",
    predictions: Path | None = None,
    write: Path | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """Score a system (or a predictions file) on a PolNeAR split; returns the figures as a JSON-able dict."""
    from presslens.nlp import load_pipeline, parse_texts

    if split == "test" or "test" in Path(data).parts:
        raise ValueError("the test split is held out; tune and evaluate on train/dev only")
    config = settings()
    docs = load_polnear(data, split)[:limit]
    parsed = parse_texts([doc.text for doc in docs], load_pipeline(), desc=f"parsing {split}")
    given = read_predictions(predictions) if predictions else None
    tallies = {name: Tally() for name in SLICES}
    for scored, doc in zip(docs, parsed):
        doc._.article_id = scored.name
        scored.predicted = given.get(scored.name, []) if given is not None else SYSTEMS[system](doc)
        score_doc(doc, scored, tallies, config)
    if write is not None:
        write_predictions(write, docs)
    slices = {name: tally.report() for name, tally in tallies.items()}
    return {
        "data": str(data),
        "split": split,
        "system": "predictions file" if predictions else system,
        "documents": len(docs),
        "slices": slices,
        "targets": _targets(slices, config),
        "reference_points": config["reference_points"],
    }


def _targets(slices: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    """Each target with the measured value and whether it is met."""
    measured = {}
    for slice_name, wanted in config["targets"].items():
        for metric, threshold in wanted.items():
            value = slices[slice_name]["cov80"]["f1"] if metric == "cov80_f1" else slices[slice_name][metric]
            measured[f"{slice_name}.{metric}"] = {"target": threshold, "value": value, "met": value >= threshold}
    return measured


# ------------------------------------------------------------------------------------------------- command
def _add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``presslens eval quotes``."""
    parser.add_argument("--data", type=arguments.existing_path, default=paths.EVAL_DIR / "polnear", help="PolNeAR folder")
    parser.add_argument("--split", default="dev", choices=("train", "dev"), help="split to score (test is held out)")
    parser.add_argument("--predictions", type=arguments.existing_path, help="score this predictions file instead of a system")
    parser.add_argument("--system", default="presslens", choices=sorted(SYSTEMS), help="system to run")
    parser.add_argument("--write-predictions", type=arguments.output_path, help="write the system's predictions here")
    parser.add_argument("--limit", type=int, help="score only the first N documents (quick checks)")
    parser.add_argument("--sample", type=arguments.existing_path,
                        help="score the hand-checked bench sample (tests/data/quotes_sample.csv) instead of PolNeAR")
    parser.add_argument("--statement-pairs", type=arguments.existing_path,
                        help="score the same-statement link on hand-judged wording pairs "
                             "(tests/data/statement_pairs_sample.csv) instead of PolNeAR")


def _run(args: argparse.Namespace) -> dict[str, Any]:
    """Run the evaluation from parsed arguments."""
    if args.sample:
        from presslens.quotes.sample import evaluate_sample

        return evaluate_sample(args.sample, args.write_predictions)
    if args.statement_pairs:
        from presslens.quotes.statement_sample import evaluate_pairs

        return evaluate_pairs(args.statement_pairs, args.write_predictions)
    return evaluate(args.data, args.split, args.system, args.predictions, args.write_predictions, args.limit)


registry.evaluators.register(
    "quotes",
    func=registry.Command(
        help="score quote attribution on PolNeAR (content P/R/F1 at exact/80%/30% coverage, speaker accuracy) "
             "or, with --sample, on the hand-checked bench sample, or, with --statement-pairs, the same-statement "
             "link on hand-judged wording pairs",
        add_arguments=_add_arguments,
        run=_run,
    ),
)



def quality_table(result: dict[str, Any]) -> pd.DataFrame:
    """The figures of an evaluation as a table: one row per slice, P/R/F1 per test, speaker accuracy, end-to-end F1."""
    rows = []
    for slice_name, figures in result["slices"].items():
        row: dict[str, Any] = {"slice": slice_name, "gold": figures["cov80"]["gold"]}
        for test in Tally.TESTS:
            row.update({f"{test}_{k}": figures[test][k] for k in ("precision", "recall", "f1")})
        row["speaker_accuracy"] = figures["speaker_accuracy"]
        row["speaker_accuracy_exact"] = figures["speaker_accuracy_exact"]
        row["end_to_end_f1"] = figures["end_to_end"]["f1"]
        rows.append(row)
    return pd.DataFrame(rows)
