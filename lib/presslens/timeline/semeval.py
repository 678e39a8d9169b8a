"""`presslens eval timeline`: dates of events and cross-document merges against SemEval-2015 Task 4 timelines."""

from __future__ import annotations

import argparse
import itertools
import re
from dataclasses import asdict
from pathlib import Path

import pandas as pd
from spacy.tokens import Doc, Token

from presslens import cli, nlp, registry
from presslens.timeline import gold as G
from presslens.timeline.events import MAX_CLIMB, event_for, governing_predicate
from presslens.timeline.merge import MergeRules, merge_events
from presslens.timeline.timex import PRECISION_RANK, Timex, extract_timex
from presslens.timeline.values import parse_dct

UNDATED = "XXXX-XX-XX"
OPEN_INTERVAL = ("0001-01-01", "9999-12-31")


def doc_id(path: Path) -> str:
    """The Wikinews id a SemEval file name starts with ("16844-Apple_unveils..." -> "16844")."""
    return re.split(r"[-_]", path.stem, maxsplit=1)[0]


def read_timelines(root: Path) -> dict[str, list[list[tuple[str, int, str]]]]:
    """Gold timelines by target entity: lines of same-event mentions (doc id, sentence, word), in order."""
    found = {}
    for path in sorted(root.rglob("*.txt")):
        if not path.parent.name.startswith("TimeLines"):
            continue
        lines = []
        for row in path.read_text(encoding="utf-8").splitlines()[1:]:
            fields = row.split("\t")
            if len(fields) < 3:
                continue
            mentions = [tuple(m.split("-", 2)) for m in fields[2:]]
            lines.append((fields[1], [(d, int(s), w) for d, s, w in mentions]))
        found[f"{path.parent.parent.name}/{path.stem}"] = lines
    return found


def read_documents(root: Path) -> dict[str, G.GoldDoc]:
    """Track A TimeML documents (one sentence per line) by Wikinews id."""
    docs = {}
    for path in sorted(root.rglob("*.tml")):
        if "trackB" in str(path) or "events_timelines" in str(path):
            continue
        docs.setdefault(doc_id(path), G.read_timeml(path, sentence_lines=True))
    return docs


def semeval_date(timex: Timex | None) -> str:
    """A TIMEX3 value in the SemEval timeline format (YYYY-MM-DD, YYYY-MM-XX, YYYY-XX-XX or XXXX-XX-XX)."""
    if timex is None or not timex.start_date:
        return UNDATED
    rank = PRECISION_RANK.get(timex.precision, 0)
    year, month, day = timex.start_date.split("-")
    if rank >= PRECISION_RANK["day"]:
        return f"{year}-{month}-{day}"
    if rank >= PRECISION_RANK["month"]:
        return f"{year}-{month}-XX"
    return f"{year}-XX-XX" if rank >= PRECISION_RANK["year"] else UNDATED


def dated_predicates(doc: Doc, timexes: list[Timex]) -> dict[int, Timex]:
    """Token index of each predicate dated by a calendar DATE/TIME expression -> that expression."""
    dated = {}
    for timex in timexes:
        if timex.type in ("DATE", "TIME") and timex.start_date:
            span = doc.char_span(timex.start_char, timex.end_char, alignment_mode="expand")
            dated.setdefault(governing_predicate(span).i, timex)
    return dated


def date_of(token: Token, dated: dict[int, Timex]) -> Timex | None:
    """The expression dating an event token: its own, else that of the predicate governing it (same sentence)."""
    for _ in range(MAX_CLIMB):
        if token.i in dated:
            return dated[token.i]
        if token.head is token or token.head.sent.start != token.sent.start:
            return None
        token = token.head
    return None


def find_token(doc: Doc, gold_doc: G.GoldDoc, sentence: int, word: str) -> Token | None:
    """The token of a gold mention: the first token in the sentence spelling the mention's first word."""
    if sentence not in gold_doc.sentences:
        return None
    start, end = gold_doc.sentences[sentence]
    first = word.split("_")[0].lower()
    span = doc.char_span(start, end, alignment_mode="expand")
    return next((t for t in span if t.lower_ == first), None) if span is not None else None


def pairwise(clusters: list[list[str]]) -> set[frozenset[str]]:
    """Unordered pairs of mentions that share a cluster."""
    return {frozenset(p) for members in clusters for p in itertools.combinations(sorted(set(members)), 2)}


def _prf(system: set, gold: set) -> dict[str, float]:
    """Pairwise precision, recall and F1."""
    hits = len(system & gold)
    precision = hits / len(system) if system else 0.0
    recall = hits / len(gold) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4), "system_pairs": len(system),
            "gold_pairs": len(gold)}


def mention_events(timelines: dict, docs: dict[str, G.GoldDoc], parsed: dict[str, Doc], dated: dict[str, dict],
                   dct_fallback: bool = True) -> pd.DataFrame:
    """One row per gold mention found in the text: gold and system date, gold line, and its event record.

    An event no TIMEX3 dates gets the publication date (``dct_fallback``) or stays undated.
    """
    rows = []
    for timeline, lines in timelines.items():
        for line_number, (gold_date, mentions) in enumerate(lines):
            for doc_key, sentence, word in mentions:
                if doc_key not in parsed:
                    continue
                token = find_token(parsed[doc_key], docs[doc_key], sentence, word)
                if token is None:
                    continue
                timex = date_of(token, dated[doc_key])
                event = asdict(event_for(parsed[doc_key], token, timex, f"{doc_key}-{sentence}-{word}"))
                published = parse_dct(docs[doc_key].dct, "day")[0]
                dct = published.isoformat() if published else UNDATED
                first, last = (timex.start_date, timex.end_date) if timex else (dct, dct) if dct_fallback and published else OPEN_INTERVAL
                rows.append({**event, "timeline": timeline, "line": f"{timeline}#{line_number}", "gold_date": gold_date,
                             "system_date": semeval_date(timex) if timex or not dct_fallback else dct,
                             "timex_date": semeval_date(timex), "dct_date": dct, "start_date": first, "end_date": last,
                             "precision": timex.precision if timex else "day" if dct_fallback else "unknown"})
    return pd.DataFrame(rows)


def merge_scores(mentions: pd.DataFrame, rules: MergeRules) -> dict[str, float]:
    """Pairwise F1 of same-event merges, timeline by timeline (each target entity's events are merged alone)."""
    system, gold = set(), set()
    for _, part in mentions.groupby("timeline"):
        part = part.assign(precision_rank=[PRECISION_RANK.get(p, 0) for p in part["precision"]])
        entries = merge_events(part, rules)
        system |= pairwise([list(g["event_id"]) for _, g in part.groupby(entries)])
        gold |= pairwise([list(g["event_id"]) for _, g in part.groupby("line")])
    return _prf(system, gold)


def run_timeline(args: argparse.Namespace) -> dict[str, object]:
    """Score event dating and cross-document merging on SemEval-2015 Task 4 gold timelines."""
    timelines = read_timelines(args.data)
    docs = read_documents(args.data)
    wanted = sorted({d for lines in timelines.values() for _, ms in lines for d, _, _ in ms} & set(docs))
    parsed_list = nlp.parse_texts([docs[d].text for d in wanted], nlp.load_pipeline(), progress=not args.quiet,
                                  desc="parsing gold")
    parsed = dict(zip(wanted, parsed_list))
    dated = {}
    for key, doc in parsed.items():
        doc._.article_id = key
        dated[key] = dated_predicates(doc, extract_timex(doc, docs[key].dct, "day"))
    mentions = mention_events(timelines, docs, parsed, dated)
    n_gold = sum(len(ms) for lines in timelines.values() for _, ms in lines)
    dated_gold = mentions[mentions["gold_date"] != UNDATED]
    if args.predictions:
        args.predictions.parent.mkdir(parents=True, exist_ok=True)
        columns = ["timeline", "line", "event_id", "gold_date", "system_date", "timex_date", "event_phrase", "sentence"]
        mentions[columns].to_json(args.predictions, orient="records", lines=True)
    return {
        "data": str(args.data), "timelines": len(timelines), "documents": len(parsed),
        "gold_mentions": n_gold, "mentions_found": len(mentions),
        "date_accuracy": round(float((mentions["system_date"] == mentions["gold_date"]).mean()), 4),
        "date_accuracy_dated_gold": round(float((dated_gold["system_date"] == dated_gold["gold_date"]).mean()), 4),
        "date_accuracy_timex_only": round(float((mentions["timex_date"] == mentions["gold_date"]).mean()), 4),
        "dated_gold_mentions": len(dated_gold),
        "baseline_dct_date_accuracy": round(float((mentions["dct_date"] == mentions["gold_date"]).mean()), 4),
        "merge_pairwise": merge_scores(mentions, MergeRules()),
        "merge_pairwise_same_head_only": merge_scores(mentions, MergeRules(predicate_weight=1.0, merge_similarity=1.0)),
        "merge_rules": asdict(MergeRules()),
    }


def _timeline_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `presslens eval timeline`."""
    cli.add_eval_options(parser,
                         data_help="the SemEval-2015 Task 4 folder (gold timelines and track A TimeML documents)",
                         predictions_help="write per-mention dates (JSON lines)")


registry.evaluators.register("timeline", func=registry.Command(
    help="event dates and cross-document merges, scored on SemEval-2015 Task 4 timelines",
    add_arguments=_timeline_arguments, run=run_timeline))
