"""`presslens eval timeline`: dates of events and cross-document merges against SemEval-2015 Task 4 timelines."""

from __future__ import annotations

import argparse
import itertools
import json
import re
from dataclasses import asdict, dataclass, replace
from datetime import date
from pathlib import Path

import pandas as pd
from spacy.tokens import Doc, Token

from presslens import arguments, nlp, registry, stats
from presslens.frames.devices import term_counts
from presslens.syntax import is_root
from presslens.timeline import gold as G
from presslens.timeline import merge as M
from presslens.timeline.events import MAX_CLIMB, event_for, governing_predicate
from presslens.timeline.stories import story_threshold
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
        if timex.type in ("DATE", "TIME") and timex.start_date and timex.role != "range_end":
            span = doc.char_span(timex.start_char, timex.end_char, alignment_mode="expand")
            dated.setdefault(governing_predicate(span).i, timex)
    return dated


def date_of(token: Token, dated: dict[int, Timex]) -> Timex | None:
    """The expression dating an event token: its own, else that of the predicate governing it (same sentence)."""
    for _ in range(MAX_CLIMB):
        if token.i in dated:
            return dated[token.i]
        if is_root(token) or token.head.sent.start != token.sent.start:
            return None
        token = token.head
    return None


#: Words that make an event hypothetical, planned or denied (such events carry no date of their own).
IRREALIS_MARKERS = {"will", "would", "could", "might", "may", "should", "can", "must", "'ll", "wo", "shall"}


def irrealis(token: Token, depth: int = 4) -> bool:
    """Whether an event is modal, future or negated: a marker on it or on the predicates above it."""
    for _ in range(depth):
        if any(child.lower_ in IRREALIS_MARKERS or child.dep_ == "neg" for child in token.children):
            return True
        if is_root(token):
            return False
        token = token.head
    return False


def focus_date(token: Token, timexes: list[Timex], published: date | None) -> Timex | None:
    """The narrative's current day: the last day-precise date before the event's sentence, not after publication."""
    before = [t for t in timexes if t.end_char <= token.sent.start_char and t.role != "dateline"
              and t.type in ("DATE", "TIME") and t.precision in ("day", "time") and t.start_date]
    if not before or (published and before[-1].start_date > published.isoformat()):
        return None
    return before[-1]


def normalise_gold_date(value: str) -> str:
    """A gold date in the full SemEval form ("2005" -> "2005-XX-XX", "2011-03" -> "2011-03-XX")."""
    return {4: f"{value}-XX-XX", 7: f"{value}-XX"}.get(len(value), value)


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
    """Pairwise precision, recall and F1, and how many pairs each side has."""
    return {**stats.precision_recall_f1(len(system & gold), len(system), len(gold)), "system_pairs": len(system),
            "gold_pairs": len(gold)}


def mention_events(timelines: dict, docs: dict[str, G.GoldDoc], parsed: dict[str, Doc],
                   timexes: dict[str, list[Timex]]) -> pd.DataFrame:
    """One row per gold mention found in the text: gold and system date, gold line, and its event record.

    An event takes the date that governs it; else, unless it is hypothetical or denied, the narrative's current day
    (the last day-precise date before it), else the publication date.
    """
    dated = {key: dated_predicates(parsed[key], found) for key, found in timexes.items()}
    rows = []
    for timeline, lines in timelines.items():
        for line_number, (gold_date, mentions) in enumerate(lines):
            for doc_key, sentence, word in mentions:
                if doc_key not in parsed:
                    continue
                token = find_token(parsed[doc_key], docs[doc_key], sentence, word)
                if token is None:
                    continue
                published = parse_dct(docs[doc_key].dct, "day")[0]
                timex = date_of(token, dated[doc_key])
                focus = None if timex or irrealis(token) else focus_date(token, timexes[doc_key], published)
                event = asdict(event_for(parsed[doc_key], token, timex or focus, f"{doc_key}-{sentence}-{word}"))
                dct = published.isoformat() if published else UNDATED
                found = timex or focus
                if found:
                    system_date, first, last = semeval_date(found), found.start_date, found.end_date
                elif irrealis(token) or not published:
                    system_date, (first, last) = UNDATED, OPEN_INTERVAL
                else:
                    system_date, first, last = dct, dct, dct
                rows.append({**event, "timeline": timeline, "line": f"{timeline}#{line_number}",
                             "gold_date": normalise_gold_date(gold_date), "system_date": system_date,
                             "timex_date": semeval_date(timex), "dct_date": dct, "start_date": first, "end_date": last,
                             "precision": found.precision if found else "day" if published else "unknown"})
    return pd.DataFrame(rows)


def _pair_features(part: pd.DataFrame, stories: M.StoryVectors) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Prepared events (one timeline, or all of them pooled) and all their candidate pairs with their similarity
    features, the cosine of the two articles among them."""
    work = M.prepare(part.reset_index(drop=True))
    everything = M.MergeRules(block_neighbours=10 ** 6, require_shared_participant=False)
    pairs = M.candidate_pairs(work, everything, window_days=10 ** 7)
    records = work[["types", "participants", "terms", "agent", "first_day", "last_day"]].to_dict("records")
    rows = []
    for left, right in pairs:
        a, b = records[left], records[right]
        if not a["types"] & b["types"]:
            continue
        both = bool(a["participants"] and b["participants"])
        rows.append((left, right, M._overlap(a["participants"], b["participants"]), M._jaccard(a["terms"], b["terms"]),
                     both and not a["participants"] & b["participants"], M.gap_days(a, b)))
    features = pd.DataFrame(rows, columns=["left", "right", "participants", "terms", "disjoint", "gap_days"])
    articles = work["article_id"].astype(str).to_numpy()
    alike = stories.similarity(articles[features["left"]].tolist(), articles[features["right"]].tolist())
    return work, features.assign(articles=alike)


def _scored(features: pd.DataFrame, rules: M.MergeRules) -> pd.DataFrame:
    """Candidate pairs with their similarity under the rules."""
    score = (1 - rules.participant_weight - rules.term_weight + rules.participant_weight * features["participants"]
             + rules.term_weight * features["terms"])
    if rules.require_shared_participant:
        score = score.where(~features["disjoint"], 0.0)
    score = score.where(features["articles"] >= rules.min_article_similarity, 0.0)
    return features.assign(similarity=score.round(6))


def merge_scores(prepared: list[tuple[pd.DataFrame, pd.DataFrame]], rules: M.MergeRules) -> dict[str, float]:
    """Pairwise F1 of same-event merges, timeline by timeline (each target entity's events are merged alone)."""
    system, gold = set(), set()
    for work, features in prepared:
        clusters = M.cluster(work, _scored(features, rules), rules)
        ids = work["event_id"].tolist()
        system |= pairwise(_groups(ids, clusters))
        gold |= pairwise(_groups(ids, work["line"].tolist()))
    return _prf(system, gold)


@dataclass(frozen=True)
class Prepared:
    """The SemEval mentions ready to merge: timeline by timeline, and all timelines pooled as one corpus of many
    stories (the four Wikinews topics) with the gold same-event pairs of every timeline."""

    timelines: list[tuple[pd.DataFrame, pd.DataFrame]]
    pooled: tuple[pd.DataFrame, pd.DataFrame]
    gold: set


def prepare_merges(mentions: pd.DataFrame, stories: M.StoryVectors) -> Prepared:
    """Candidate pairs and their features per timeline and pooled (a mention in several timelines counted once)."""
    timelines = [_pair_features(part, stories) for _, part in mentions.groupby("timeline")]
    gold = set().union(*(pairwise(_groups(work["event_id"].tolist(), work["line"].tolist())) for work, _ in timelines))
    pooled = _pair_features(mentions.drop_duplicates("event_id"), stories)
    return Prepared(timelines, pooled, gold)


def pooled_scores(prepared: Prepared, rules: M.MergeRules) -> dict[str, float]:
    """Pairwise F1 of same-event merges when all timelines' mentions are merged together, as in a corpus of many
    stories (a pair is right when one gold timeline puts both mentions on one line)."""
    work, features = prepared.pooled
    clusters = M.cluster(work, _scored(features, rules), rules)
    return _prf(pairwise(_groups(work["event_id"].tolist(), clusters)), prepared.gold)


def _groups(ids: list[str], labels: list) -> list[list[str]]:
    """Ids grouped by their label."""
    groups: dict[object, list[str]] = {}
    for event_id, label in zip(ids, labels):
        groups.setdefault(label, []).append(event_id)
    return list(groups.values())


#: The grid the merge rules are fitted over (SemEval-2015 dev).
FIT_GRID = {"participant_weight": [0.0, 0.3, 0.6], "term_weight": [0.0, 0.2],
            "merge_similarity": [0.3, 0.5, 0.7, 0.9, 1.0], "require_shared_participant": [False, True],
            "tolerance_days": [0, 1, 3, 7]}


def fit_rules(prepared: Prepared, min_article_similarity: float) -> tuple[M.MergeRules, dict[str, float]]:
    """The rules of the grid with the best mean of the per-timeline and the pooled pairwise F1 (a corpus of one
    story and a corpus of many), the story threshold fixed; ties: the simpler, earlier grid point."""
    best, best_scores = M.MergeRules(), {"f1_mean": -1.0}
    for values in itertools.product(*FIT_GRID.values()):
        settings = dict(zip(FIT_GRID, values))
        if settings["participant_weight"] + settings["term_weight"] >= 1:
            continue
        rules = replace(M.MergeRules(), min_article_similarity=min_article_similarity, **settings)
        per_timeline, pooled = merge_scores(prepared.timelines, rules), pooled_scores(prepared, rules)
        mean = round((per_timeline["f1"] + pooled["f1"]) / 2, 4)
        if mean > best_scores["f1_mean"]:
            best, best_scores = rules, {"f1_mean": mean, "per_timeline": per_timeline, "pooled": pooled}
    return best, best_scores


def record_fit(path: Path, rules: M.MergeRules, scores: dict[str, float], data: Path,
               story: dict[str, float]) -> None:
    """Write the fitted rules and the score they reach to a JSON file (read by `merge.fitted_rules`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"fitted_on": f"SemEval-2015 Task 4 timelines ({data.name}), mean pairwise same-event F1 of the "
                           "timelines merged one by one and of all timelines pooled",
              "grid": FIT_GRID, "rules": {k: getattr(rules, k) for k in [*FIT_GRID, "min_article_similarity"]},
              "min_article_similarity_chosen_on": {"sample": "tests/data/timeline_story_pairs.csv", **story},
              "merge_pairwise": scores}
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


def run_timeline(args: argparse.Namespace) -> dict[str, object]:
    """Score event dating and cross-document merging on SemEval-2015 Task 4 gold timelines."""
    timelines = read_timelines(args.data)
    docs = read_documents(args.data)
    wanted = sorted({d for lines in timelines.values() for _, ms in lines for d, _, _ in ms} & set(docs))
    parsed_list = nlp.parse_texts([docs[d].text for d in wanted], nlp.load_pipeline(), progress=not args.quiet,
                                  desc="parsing gold")
    parsed = dict(zip(wanted, parsed_list))
    timexes = {}
    for key, doc in parsed.items():
        doc._.article_id = key
        timexes[key] = extract_timex(doc, docs[key].dct, "day")
    mentions = mention_events(timelines, docs, parsed, timexes)
    n_gold = sum(len(ms) for lines in timelines.values() for _, ms in lines)
    dated_gold = mentions[mentions["gold_date"] != UNDATED]
    if args.predictions:
        args.predictions.parent.mkdir(parents=True, exist_ok=True)
        columns = ["timeline", "line", "event_id", "gold_date", "system_date", "timex_date", "event_phrase", "sentence"]
        mentions[columns].to_json(args.predictions, orient="records", lines=True)
    stories = M.StoryVectors.from_term_counts(pd.DataFrame(
        [{"article_id": key, "term": term, "count": count} for key, doc in parsed.items()
         for term, count in term_counts(doc).items()]))
    prepared = prepare_merges(mentions, stories)
    if args.fit:
        threshold, story = story_threshold()
        rules, scores = fit_rules(prepared, threshold)
        record_fit(M.FITTED_RULES, rules, scores, args.data, story)
    rules = M.fitted_rules()
    head_only = M.MergeRules(participant_weight=0.0, term_weight=0.0, merge_similarity=1.0,
                             require_shared_participant=False)
    return {
        "data": str(args.data), "timelines": len(timelines), "documents": len(parsed),
        "gold_mentions": n_gold, "mentions_found": len(mentions),
        "date_accuracy": round(float((mentions["system_date"] == mentions["gold_date"]).mean()), 4),
        "date_accuracy_dated_gold": round(float((dated_gold["system_date"] == dated_gold["gold_date"]).mean()), 4),
        "date_accuracy_timex_only": round(float((mentions["timex_date"] == mentions["gold_date"]).mean()), 4),
        "dated_gold_mentions": len(dated_gold),
        "baseline_dct_date_accuracy": round(float((mentions["dct_date"] == mentions["gold_date"]).mean()), 4),
        "merge_pairwise": merge_scores(prepared.timelines, rules),
        "merge_pairwise_pooled": pooled_scores(prepared, rules),
        "merge_pairwise_same_head_only": merge_scores(prepared.timelines, head_only),
        "merge_rules": asdict(rules), "merge_rules_file": str(M.FITTED_RULES),
    }


def _timeline_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `presslens eval timeline`."""
    arguments.add_eval_options(parser,
                         data_help="the SemEval-2015 Task 4 folder (gold timelines and track A TimeML documents)",
                         predictions_help="write per-mention dates (JSON lines)")
    parser.add_argument("--fit", action="store_true",
                        help=f"fit the merge rules on these timelines and record them in {M.FITTED_RULES.name}")


registry.evaluators.register("timeline", func=registry.Command(
    help="event dates and cross-document merges, scored on SemEval-2015 Task 4 timelines",
    add_arguments=_timeline_arguments, run=run_timeline))
