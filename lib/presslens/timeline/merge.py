"""One timeline from many articles: events with compatible dates and similar participants merge; conflicts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from presslens.timeline.timex import PRECISION_RANK


@dataclass(frozen=True)
class MergeRules:
    """The parameters of merging events into timeline entries and of flagging conflicting dates."""

    #: Weight of "same event head" (a shared predicate lemma or event noun) in the similarity; the rest is the
    #: Jaccard overlap of key terms (nouns and names of subject, object and entities).
    predicate_weight: float = 0.4
    #: Two events are the same event at or above this similarity: one timeline entry when their dates are
    #: compatible, a conflict when they are not.
    merge_similarity: float = 0.5
    #: Date intervals this many days apart still count as compatible (0: they must overlap).
    tolerance_days: int = 0
    #: Dates further apart than this are different events (a yearly summit), not a conflict.
    max_conflict_gap_days: int = 180
    #: Both dates must be at least this precise to be called a conflict ("2022" never contradicts a day in 2022).
    conflict_precision: str = "month"


def similarity(a: pd.Series, b: pd.Series, rules: MergeRules) -> float:
    """Shared event head and Jaccard overlap of key terms (subject, object, entities), weighted by the rules."""
    terms_a, terms_b = set(a["key_terms"]), set(b["key_terms"])
    union = terms_a | terms_b
    overlap = len(terms_a & terms_b) / len(union) if union else 0.0
    same_predicate = float(bool(set(a["event_heads"]) & set(b["event_heads"])))
    return rules.predicate_weight * same_predicate + (1 - rules.predicate_weight) * overlap


def gap_days(a: pd.Series, b: pd.Series) -> int:
    """Days between two date intervals (0 when they overlap)."""
    a_start, a_end = date.fromisoformat(a["start_date"]), date.fromisoformat(a["end_date"])
    b_start, b_end = date.fromisoformat(b["start_date"]), date.fromisoformat(b["end_date"])
    if a_end < b_start:
        return (b_start - a_end).days
    if b_end < a_start:
        return (a_start - b_end).days
    return 0


def compatible(a: pd.Series, b: pd.Series, rules: MergeRules) -> bool:
    """Whether two events' dates can name the same time (intervals overlap within the tolerance)."""
    return gap_days(a, b) <= rules.tolerance_days


def _precise(event: pd.Series, rules: MergeRules) -> bool:
    """Whether an event's date is precise enough to contradict another."""
    return PRECISION_RANK.get(event["precision"], 0) >= PRECISION_RANK[rules.conflict_precision]


def merge_events(events: pd.DataFrame, rules: MergeRules = MergeRules()) -> pd.Series:
    """Timeline entry id of every event: greedy clustering, finest dates first, compatible with every member."""
    order = events.sort_values(["precision_rank", "start_date", "event_id"], ascending=[False, True, True]).index
    entries: list[list[int]] = []
    assigned: dict[int, int] = {}
    for index in order:
        event = events.loc[index]
        best, best_score = None, rules.merge_similarity
        for number, members in enumerate(entries):
            if not all(compatible(event, events.loc[m], rules) for m in members):
                continue
            score = max(similarity(event, events.loc[m], rules) for m in members)
            if score >= best_score:
                best, best_score = number, score
        if best is None:
            entries.append([index])
            assigned[index] = len(entries) - 1
        else:
            entries[best].append(index)
            assigned[index] = best
    ranked = sorted(range(len(entries)), key=lambda n: (max(events.loc[m, "start_date"] for m in entries[n]),
                                                        min(events.loc[m, "end_date"] for m in entries[n])))
    names = {number: f"T{rank + 1:03d}" for rank, number in enumerate(ranked)}
    return pd.Series({index: names[number] for index, number in assigned.items()}).reindex(events.index)


def find_conflicts(events: pd.DataFrame, rules: MergeRules = MergeRules()) -> pd.DataFrame:
    """Pairs of events that look like the same event but carry incompatible dates, with both versions."""
    rows = []
    records = list(events.iterrows())
    for i, (_, a) in enumerate(records):
        for _, b in records[i + 1:]:
            if a["entry_id"] == b["entry_id"] or not (_precise(a, rules) and _precise(b, rules)):
                continue
            gap = gap_days(a, b)
            if gap <= rules.tolerance_days or gap > rules.max_conflict_gap_days:
                continue
            score = similarity(a, b, rules)
            if score < rules.merge_similarity:
                continue
            kind = ("within article" if a["article_id"] == b["article_id"]
                    else "across outlets" if a["outlet"] != b["outlet"] else "across articles of one outlet")
            rows.append({"kind": kind, "similarity": round(score, 3), "gap_days": gap,
                         **{f"{k}_{side}": e[k] for side, e in (("a", a), ("b", b))
                            for k in SIDE_COLUMNS}})
    return pd.DataFrame(rows, columns=CONFLICT_COLUMNS)


SIDE_COLUMNS = ("entry_id", "event_id", "article_id", "outlet", "event_phrase", "timex_text", "value", "start_date",
                "end_date", "paragraph_kind", "start_char", "end_char", "sentence")
CONFLICT_COLUMNS = ["kind", "similarity", "gap_days"] + [f"{k}_{side}" for side in ("a", "b") for k in SIDE_COLUMNS]


def timeline(events: pd.DataFrame, conflicts: pd.DataFrame) -> pd.DataFrame:
    """One row per timeline entry: the narrowest common dates, a representative event, and its sources."""
    conflicted = set(conflicts["entry_id_a"]) | set(conflicts["entry_id_b"]) if len(conflicts) else set()
    rows = []
    for entry, part in events.groupby("entry_id", sort=True):
        lead = part.sort_values(["precision_rank", "n_terms"], ascending=False).iloc[0]
        rows.append({
            "entry_id": entry, "start_date": part["start_date"].max(), "end_date": part["end_date"].min(),
            "value": lead["value"], "precision": lead["precision"], "event": lead["event_phrase"],
            "predicate": lead["predicate_lemma"],
            "participants": "; ".join(dict.fromkeys(n for names in part["entities"] for n in names.split("; ") if n)),
            "n_mentions": len(part), "n_articles": part["article_id"].nunique(), "n_outlets": part["outlet"].nunique(),
            "outlets": "; ".join(sorted(part["outlet"].unique())),
            "sources": "; ".join(f"{r.article_id}@{r.start_char}" for r in part.itertuples()),
            "conflict": entry in conflicted, "evidence": lead["sentence"], "evidence_article_id": lead["article_id"],
        })
    return pd.DataFrame(rows)


def midpoint(start: str, end: str) -> date:
    """The middle day of an interval (for plotting)."""
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    return first + timedelta(days=(last - first).days // 2)
