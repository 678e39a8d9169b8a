"""One timeline from many articles: blocked candidate pairs, event identity (type, participants, dates), conflicts.

Two event mentions are the same event when their event type (normalised predicate or event noun) agrees, their
key participants (named entities, not common nouns) agree, and their dates are compatible; mentions in two
different articles also need the articles to tell the same story (TF-IDF cosine of their content words at least
``min_article_similarity``), so that a corpus of many stories does not merge every "said" of one day. Candidate
pairs come from blocks of events sharing an event type and a participant or key term, compared only with their
neighbours in date order, so the merge grows about linearly with the number of events.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, fields, replace
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import pandas as pd

from presslens import paths
from presslens.timeline.stories import StoryVectors
from presslens.timeline.timex import PRECISION_RANK, lexicon

#: The similarity weights and thresholds fitted on SemEval-2015 dev (`presslens eval timeline --fit`).
FITTED_RULES = paths.MODEL_DIR / "timeline_merge.json"


@dataclass(frozen=True)
class MergeRules:
    """The parameters of merging events into timeline entries and of flagging conflicting dates."""

    #: Weight of the key participants' agreement (overlap of normalised entity names) in the similarity.
    participant_weight: float = 0.6
    #: Weight of the overlap of other key terms (nouns of subject and object); the rest is "same event type".
    term_weight: float = 0.1
    #: Two mentions of the same event type are the same event at or above this similarity (dates compatible).
    merge_similarity: float = 0.5
    #: Whether two mentions that both name participants must share one to be the same event.
    require_shared_participant: bool = True
    #: Date intervals this many days apart still count as compatible (0: they must overlap).
    tolerance_days: int = 0
    #: A conflict needs at least this overlap of the two mentions' participants (shared / the fewer of the two).
    conflict_similarity: float = 0.5
    #: Dates further apart than this are different events (a yearly summit), not a conflict.
    max_conflict_gap_days: int = 180
    #: Both dates must be at least this precise to be called a conflict ("2022" never contradicts a day in 2022).
    conflict_precision: str = "month"
    #: Each event is compared with at most this many neighbours (in date order) of each of its blocks.
    block_neighbours: int = 40
    #: Mentions in two different articles are compared only when the articles' TF-IDF cosine reaches this (0: always).
    min_article_similarity: float = 0.0


def fitted_rules(path: Path = FITTED_RULES, **overrides: object) -> MergeRules:
    """The rules recorded by the SemEval-2015 fit (defaults where none is recorded), with ``overrides`` applied."""
    known = {f.name for f in fields(MergeRules)}
    recorded = json.loads(path.read_text(encoding="utf-8")).get("rules", {}) if path.is_file() else {}
    rules = MergeRules(**{k: v for k, v in recorded.items() if k in known})
    return replace(rules, **{k: v for k, v in overrides.items() if v is not None})


# ------------------------------------------------------------------------------------------ normalising
@lru_cache(maxsize=1)
def _head_forms() -> dict[str, str]:
    """Event noun or verb form -> the normalised event type ("killing" -> "kill", "talks" -> "talk")."""
    return {str(k): str(v) for k, v in lexicon().get("event_head_forms", {}).items()}


@lru_cache(maxsize=1)
def _light_heads() -> frozenset[str]:
    """Predicates too general to name an event type on their own ("be", "have", "take")."""
    return frozenset(lexicon().get("light_predicates", []))


def event_type(head: str) -> str:
    """The normalised event type of a predicate lemma or event noun."""
    word = head.lower().strip()
    return _head_forms().get(word, word)


def event_types(heads: list[str]) -> frozenset[str]:
    """Normalised event types of an event's heads, light predicates left out when a fuller head exists."""
    types = {event_type(h) for h in heads if h}
    full = types - _light_heads()
    return frozenset(full or types)


GENERIC_ENTITY = re.compile(r"^(?:the\s+)?(?:\d+|one|two|first|second)$")


def participant_key(name: str) -> str:
    """A name normalised for matching: lower case, no article, no possessive, no punctuation."""
    key = re.sub(r"['’]s\b", "", name.lower())
    key = re.sub(r"^the\s+", "", key)
    return re.sub(r"[^\w ]+", " ", key).strip()


@lru_cache(maxsize=1)
def _generic_heads() -> frozenset[str]:
    """Last words of names too common to identify a participant alone ("court", "committee") and company suffixes."""
    return frozenset(lexicon().get("generic_name_heads", []))


def participant_keys(names: list[str]) -> frozenset[str]:
    """Normalised key participants of an event: each full name, and its last word when that names it alone
    ("Steve Jobs" also matches "Jobs", "Apple Inc." matches "Apple")."""
    generic = _generic_heads()
    keys: set[str] = set()
    for name in names:
        words = [w for w in participant_key(name).split() if w]
        while len(words) > 1 and words[-1] in generic and words[-1] in COMPANY_SUFFIXES:
            words.pop()
        if not words or GENERIC_ENTITY.match(" ".join(words)):
            continue
        keys.add(" ".join(words))
        if len(words) > 1 and words[-1] not in generic:
            keys.add(words[-1])
    return frozenset(keys)


COMPANY_SUFFIXES = {"inc", "corp", "corporation", "co", "ltd", "plc", "llc", "ag", "sa", "group", "company"}


def _as_list(value: object) -> list[str]:
    """A list of names from a list or a "; "-joined string."""
    if isinstance(value, str):
        return [v for v in value.split("; ") if v]
    return [str(v) for v in value] if value is not None and not (isinstance(value, float) and pd.isna(value)) else []


def prepare(events: pd.DataFrame) -> pd.DataFrame:
    """Events with their merge keys: event types, participant keys, other key terms, dates as days."""
    work = events.copy()
    work["types"] = [event_types(_as_list(h)) for h in work["event_heads"]]
    work["participants"] = [participant_keys(_as_list(e)) for e in work["entities"]]
    names = [{w for p in ps for w in p.split()} for ps in work["participants"]]
    work["terms"] = [frozenset(t.lower() for t in _as_list(k)) - n for k, n in zip(work["key_terms"], names)]
    work["first_day"] = [date.fromisoformat(d).toordinal() for d in work["start_date"]]
    work["last_day"] = [date.fromisoformat(d).toordinal() for d in work["end_date"]]
    work["precision_rank"] = [PRECISION_RANK.get(p, 0) for p in work["precision"]]
    work["agent"] = [subject_key(v) for v in (work["subject"] if "subject" in work else [""] * len(work))]
    work["theme_key"] = [subject_key(v) for v in (work["theme"] if "theme" in work else [""] * len(work))]
    return work


# ------------------------------------------------------------------------------------------- similarity
def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Overlap coefficient of two sets (0 when either is empty)."""
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard overlap of two sets (0 when both are empty)."""
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def similarity(a: pd.Series | dict, b: pd.Series | dict, rules: MergeRules) -> float:
    """Same event type, agreeing participants and shared key terms, weighted by the rules (0 without a shared type
    or, when the rules demand it, without a shared participant)."""
    if not a["types"] & b["types"]:
        return 0.0
    shared = a["participants"] & b["participants"]
    if rules.require_shared_participant and a["participants"] and b["participants"] and not shared:
        return 0.0
    type_weight = 1.0 - rules.participant_weight - rules.term_weight
    return round(type_weight + rules.participant_weight * _overlap(a["participants"], b["participants"])
                 + rules.term_weight * _jaccard(a["terms"], b["terms"]), 6)


#: Words that end the head part of a subject ("summit in the capital of Peru" -> "summit").
SUBJECT_STOPS = {"of", "in", "at", "on", "for", "from", "with", "by", "to", "and", "or", "who", "which", "that"}
PRONOUNS = {"i", "we", "you", "he", "she", "it", "they", "who", "that", "which", "this", "these", "those", "one",
            "someone", "everyone", "anyone", "nobody", "there", "what"}


@lru_cache(maxsize=1)
def _event_nouns() -> frozenset[str]:
    """Nouns that name one occurrence of an event ("summit", "election")."""
    lex = lexicon()
    return frozenset(lex.get("event_nouns", [])) | frozenset(lex.get("event_head_forms", {}))


def subject_key(subject: object) -> str:
    """The head word of a subject, normalised ("Supreme Court nominee Judge Brett Kavanaugh" -> "kavanaugh"); ""
    for none or a pronoun."""
    words = participant_key(str(subject or "")).split()
    cut = next((i for i, word in enumerate(words) if i and word in SUBJECT_STOPS), len(words))
    words = words[:cut]
    return words[-1] if words and words[-1] not in PRONOUNS else ""


def gap_days(a: pd.Series | dict, b: pd.Series | dict) -> int:
    """Days between two date intervals (0 when they overlap)."""
    if a["last_day"] < b["first_day"]:
        return int(b["first_day"] - a["last_day"])
    if b["last_day"] < a["first_day"]:
        return int(a["first_day"] - b["last_day"])
    return 0


def reason(a: pd.Series | dict, b: pd.Series | dict) -> str:
    """Why two mentions were judged the same event: the shared type, participants and key terms."""
    parts = ["same event type: " + ", ".join(sorted(a["types"] & b["types"]))]
    if a["participants"] & b["participants"]:
        parts.append("shared participants: " + ", ".join(sorted(a["participants"] & b["participants"])))
    if a["terms"] & b["terms"]:
        parts.append("shared terms: " + ", ".join(sorted(a["terms"] & b["terms"])[:5]))
    return "; ".join(parts)


# ------------------------------------------------------------------------------------------- candidates
def _block_keys(row: dict) -> set[tuple[str, str]]:
    """The blocks an event falls in: its event types alone, and (event type, participant or key term) pairs."""
    anchors = {"", *(row["participants"] or row["terms"])}
    return {(kind, anchor) for kind in row["types"] for anchor in anchors}


def candidate_pairs(work: pd.DataFrame, rules: MergeRules, window_days: int) -> list[tuple[int, int]]:
    """Pairs of row positions sharing a block whose dates lie within ``window_days``: neighbours in date order."""
    records = work[["types", "participants", "terms", "first_day"]].to_dict("records")
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for position, row in enumerate(records):
        for key in _block_keys(row):
            blocks[key].append(position)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        members.sort(key=lambda p: records[p]["first_day"])
        for i, left in enumerate(members):
            for right in members[i + 1:i + 1 + rules.block_neighbours]:
                if records[right]["first_day"] - records[left]["first_day"] > window_days:
                    break
                pairs.add((left, right) if left < right else (right, left))
    return sorted(pairs)


def scored_pairs(work: pd.DataFrame, rules: MergeRules, window_days: int,
                 stories: StoryVectors | None = None) -> pd.DataFrame:
    """Candidate pairs with their similarity and date gap (pairs of similarity 0 left out); with ``stories``,
    pairs from two articles less alike than ``rules.min_article_similarity`` are left out too."""
    records = work[["types", "participants", "terms", "agent", "first_day", "last_day"]].to_dict("records")
    rows = []
    for left, right in candidate_pairs(work, rules, window_days):
        score = similarity(records[left], records[right], rules)
        if score > 0:
            rows.append((left, right, score, gap_days(records[left], records[right])))
    pairs = pd.DataFrame(rows, columns=["left", "right", "similarity", "gap_days"])
    if stories is None or not rules.min_article_similarity or pairs.empty:
        return pairs
    articles = work["article_id"].astype(str).to_numpy()
    alike = stories.similarity(articles[pairs["left"]].tolist(), articles[pairs["right"]].tolist())
    return pairs[alike >= rules.min_article_similarity].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------- merging
def cluster(work: pd.DataFrame, pairs: pd.DataFrame, rules: MergeRules) -> list[int]:
    """Cluster number of every row: best pairs first, joined only while all members' dates stay compatible."""
    parent = list(range(len(work)))
    latest_start = work["first_day"].tolist()
    earliest_end = work["last_day"].tolist()

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    merging = pairs[(pairs["similarity"] >= rules.merge_similarity) & (pairs["gap_days"] <= rules.tolerance_days)]
    ordered = merging.sort_values("similarity", ascending=False, kind="stable")
    for left, right in zip(ordered["left"].tolist(), ordered["right"].tolist()):
        a, b = root(left), root(right)
        if a == b:
            continue
        start, end = max(latest_start[a], latest_start[b]), min(earliest_end[a], earliest_end[b])
        if start - end > rules.tolerance_days:
            continue
        parent[b] = a
        latest_start[a], earliest_end[a] = start, end
    return [root(i) for i in range(len(work))]


def _entry_names(work: pd.DataFrame, clusters: list[int]) -> list[str]:
    """Entry ids T001, T002, ... in date order of the entries."""
    frame = pd.DataFrame({"cluster": clusters, "first": work["first_day"].to_numpy(),
                          "last": work["last_day"].to_numpy()})
    spans = frame.groupby("cluster").agg(first=("first", "max"), last=("last", "min")).sort_values(["first", "last"])
    width = max(3, len(str(len(spans))))
    names = {cluster: f"T{rank + 1:0{width}d}" for rank, cluster in enumerate(spans.index)}
    return [names[c] for c in clusters]


def merge_events(events: pd.DataFrame, rules: MergeRules = MergeRules(),
                 pairs: pd.DataFrame | None = None, stories: StoryVectors | None = None) -> pd.Series:
    """Timeline entry id of every event (index of ``events``)."""
    if events.empty:
        return pd.Series([], index=events.index, dtype=object)
    work = events if "types" in events.columns else prepare(events)
    if pairs is None:
        pairs = scored_pairs(work, rules, max(rules.tolerance_days, rules.max_conflict_gap_days), stories)
    return pd.Series(_entry_names(work, cluster(work, pairs, rules)), index=events.index)


# -------------------------------------------------------------------------------------------- conflicts
SIDE_COLUMNS = ("entry_id", "event_id", "article_id", "outlet", "event_phrase", "timex_text", "value", "start_date",
                "end_date", "paragraph_kind", "start_char", "end_char", "sentence")
CONFLICT_COLUMNS = (["kind", "similarity", "gap_days", "reason"]
                    + [f"{k}_{side}" for side in ("a", "b") for k in SIDE_COLUMNS])


@lru_cache(maxsize=1)
def _recurring_types() -> frozenset[str]:
    """Event types that recur too often to be one event by type and participants alone ("say", "write")."""
    return frozenset(lexicon().get("recurring_event_types", []))


@lru_cache(maxsize=2)
def _single_types(kind: str) -> frozenset[str]:
    """Event types that happen once to one participant: to whom it happens ("patient": fired, arrested, indicted)
    or who does it ("agent": died, resigned, pleaded guilty)."""
    return frozenset(lexicon().get(f"single_occurrence_{kind}", []))


def single_occurrence(a: dict, b: dict) -> bool:
    """Whether two mentions name the one time a named participant was fired, arrested, indicted, ... (the same
    participant the event happens to) or died, resigned, ... (the same named subject, no object)."""
    kinds = a["types"] & b["types"]
    names = a["participants"] & b["participants"]
    theme_a, theme_b = a.get("theme_key", ""), b.get("theme_key", "")
    if kinds & _single_types("patient") and theme_a and theme_a == theme_b and theme_a in names:
        return True
    return bool(kinds & _single_types("agent")) and not (theme_a or theme_b) and bool(a["agent"]) \
        and a["agent"] == b["agent"] and a["agent"] in names


def likely_same(a: dict, b: dict, rules: MergeRules) -> bool:
    """Whether two mentions are likely one event, strictly enough to call different dates a conflict: one event
    type that does not recur by nature, mostly the same participants, the same subject, both about the past or both
    about the future, one predicate type (or two light ones: "the summit was held" / "the summit starts"), and
    something that names one occurrence: the one time a named participant was fired, indicted, ... or died,
    resigned, ... (``single_occurrence``), an object that names one thing (``same_named_object``) or an event noun as
    subject ("the summit began")."""
    kinds = a["types"] & b["types"]
    if not kinds or kinds <= _recurring_types() or not (a["participants"] & b["participants"]):
        return False
    predicates = {event_type(a["predicate_lemma"]), event_type(b["predicate_lemma"])}
    if len(predicates) > 1 and not predicates <= _light_heads():
        return False
    if (a.get("tense") == "future") == (b.get("tense") == "future") and single_occurrence(a, b):
        return True
    if _overlap(a["participants"], b["participants"]) < rules.conflict_similarity:
        return False
    same_outlook = (a.get("tense") == "future") == (b.get("tense") == "future")
    one_occurrence = same_named_object(a, b) or a["agent"] in _event_nouns()
    return bool(a["agent"]) and a["agent"] == b["agent"] and same_outlook and one_occurrence


#: Words that open an object without naming it ("their jobs", "its bill").
OBJECT_DETERMINERS = {"a", "an", "the", "his", "her", "its", "their", "our", "my", "your", "this", "that", "these",
                      "those"}


def object_words(phrase: object) -> list[str]:
    """An object phrase's normalised words, without the determiners that open it."""
    words = participant_key(str(phrase or "")).split()
    while words and words[0] in OBJECT_DETERMINERS:
        words.pop(0)
    return words


def same_named_object(a: dict, b: dict) -> bool:
    """Whether two events' objects name one thing: a named participant each, with one head ("accused Obama",
    "impeached Donald Trump" / "Trump"), or the same words, two or more ("declared a national emergency").

    A bare kind of thing ("passed the bill", "defended the law", "lost their jobs") recurs: on ABP 10k, 12 of 20
    flagged conflicts rested on such objects."""
    head = subject_key(a.get("object"))
    if not head or head != subject_key(b.get("object")):
        return False
    name_a, name_b = " ".join(object_words(a.get("object"))), " ".join(object_words(b.get("object")))
    if name_a in a["participants"] and name_b in b["participants"]:
        return True
    return len(name_a.split()) >= 2 and name_a == name_b


#: Two evidence sentences sharing at least this share of their words are one text copied (boilerplate, a wire
#: story run twice), whose dates differ only through the two publication dates: never a conflict.
COPY_OVERLAP = 0.6


#: Shorter sentences share words by chance ("Trump signed it on Friday.").
COPY_MIN_WORDS = 12
#: Two evidence sentences that open with the same this many characters are one text copied.
COPY_PREFIX = 100


def copied(a: str, b: str) -> bool:
    """Whether two evidence sentences are one text copied: word Jaccard at least ``COPY_OVERLAP`` (both of at least
    ``COPY_MIN_WORDS`` words), or the same
    opening ``COPY_PREFIX`` characters (a boilerplate block the sentence splitter ran into the article)."""
    first, second = " ".join(a.split()), " ".join(b.split())
    if len(first) >= COPY_PREFIX and first[:COPY_PREFIX] == second[:COPY_PREFIX]:
        return True
    words_a, words_b = first.lower().split(), second.lower().split()
    if min(len(words_a), len(words_b)) < COPY_MIN_WORDS:
        return False
    return _jaccard(frozenset(words_a), frozenset(words_b)) >= COPY_OVERLAP


def _kind(a: dict, b: dict) -> str:
    """Where two versions come from: one article, two articles of one outlet, or two outlets."""
    if a["article_id"] == b["article_id"]:
        return "within article"
    return "across outlets" if a["outlet"] != b["outlet"] else "across articles of one outlet"


def find_conflicts(work: pd.DataFrame, pairs: pd.DataFrame, rules: MergeRules = MergeRules()) -> pd.DataFrame:
    """Likely-same events (one type, shared participants) whose month-precise dates are incompatible, one row per
    pair of timeline entries: both versions, their evidence and the reason they were judged the same.

    Two entries one article reports both are two events (an article does not contradict itself), except a
    caption or heading that disagrees with the body.
    """
    minimum = PRECISION_RANK[rules.conflict_precision]
    candidates = pairs[(pairs["similarity"] > 0) & (pairs["gap_days"] > rules.tolerance_days)
                       & (pairs["gap_days"] <= rules.max_conflict_gap_days)]
    articles_of = work.groupby("entry_id")["article_id"].agg(set).to_dict()
    needed = sorted(set(candidates["left"]) | set(candidates["right"]))
    wanted = {*SIDE_COLUMNS, "precision_rank", "participants", "types", "terms", "agent", "tense", "object",
              "theme_key", "predicate_lemma"}
    columns = sorted(wanted & set(work))
    records = dict(zip(needed, work.iloc[needed][columns].to_dict("records")))
    best: dict[tuple[str, str], tuple[float, int, int, int]] = {}
    for left, right, score, gap in candidates[["left", "right", "similarity", "gap_days"]].itertuples(index=False):
        a, b = records[int(left)], records[int(right)]
        if min(a["precision_rank"], b["precision_rank"]) < minimum or a["entry_id"] == b["entry_id"]:
            continue
        if copied(a["sentence"], b["sentence"]) or not likely_same(a, b, rules):
            continue
        same_article = a["article_id"] == b["article_id"]
        if same_article and a["paragraph_kind"] == b["paragraph_kind"]:
            continue
        if not same_article and articles_of[a["entry_id"]] & articles_of[b["entry_id"]]:
            continue
        key = tuple(sorted((a["entry_id"], b["entry_id"])))
        if key not in best or best[key][0] < score:
            best[key] = (float(score), int(gap), int(left), int(right))
    rows = []
    for score, gap, left, right in best.values():
        a, b = records[left], records[right]
        rows.append({"kind": _kind(a, b), "similarity": round(score, 3), "gap_days": gap, "reason": reason(a, b),
                     **{f"{k}_{side}": e[k] for side, e in (("a", a), ("b", b)) for k in SIDE_COLUMNS}})
    return pd.DataFrame(rows, columns=CONFLICT_COLUMNS)


# --------------------------------------------------------------------------------------------- timeline
def timeline(events: pd.DataFrame, conflicts: pd.DataFrame) -> pd.DataFrame:
    """One row per timeline entry: the narrowest common dates (:func:`common_dates`), a representative event, and its
    sources."""
    conflicted = set(conflicts["entry_id_a"]) | set(conflicts["entry_id_b"]) if len(conflicts) else set()
    columns = ["entry_id", "start_date", "end_date", "value", "precision", "event_phrase", "predicate_lemma",
               "entities", "article_id", "outlet", "start_char", "end_char", "sentence"]
    ordered = events.sort_values(["precision_rank", "n_terms"], ascending=False, kind="stable")
    records = ordered[columns].astype({c: object for c in columns}).to_dict("records")
    members: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        members[record["entry_id"]].append(record)
    rows = []
    for entry in sorted(members):
        part = members[entry]
        lead = part[0]
        start, end = common_dates(part)
        rows.append({
            "entry_id": entry, "start_date": start, "end_date": end, "value": lead["value"],
            "precision": lead["precision"],
            "event": lead["event_phrase"], "predicate": lead["predicate_lemma"],
            "participants": "; ".join(dict.fromkeys(n for r in part for n in _as_list(r["entities"]))),
            "n_mentions": len(part), "n_articles": len({r["article_id"] for r in part}),
            "n_outlets": len({r["outlet"] for r in part}), "outlets": "; ".join(sorted({r["outlet"] for r in part})),
            "sources": "; ".join(f"{r['article_id']}@{r['start_char']}" for r in part),
            "conflict": entry in conflicted, "evidence": lead["sentence"], "evidence_article_id": lead["article_id"],
            "evidence_start_char": lead["start_char"], "evidence_end_char": lead["end_char"],
        })
    return pd.DataFrame(rows)


def common_dates(part: list[dict]) -> tuple[str, str]:
    """The dates an entry's mentions share; when mentions merged within the date tolerance do not overlap ("Sunday"
    and "Monday"), the days they span."""
    start, end = max(r["start_date"] for r in part), min(r["end_date"] for r in part)
    if start <= end:
        return start, end
    return min(r["start_date"] for r in part), max(r["end_date"] for r in part)


def midpoint(start: str, end: str) -> date:
    """The middle day of an interval (for plotting)."""
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    return first + timedelta(days=(last - first).days // 2)


def rules_record(rules: MergeRules) -> dict[str, object]:
    """The rules as a JSON-ready mapping."""
    return asdict(rules)
