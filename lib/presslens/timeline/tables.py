"""Tables of a corpus: timex.csv, events.csv, timeline.csv, conflicts.csv and the per-outlet context depth."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date

import numpy as np
import pandas as pd
from spacy.tokens import Doc

from presslens import stats
from presslens.timeline import merge
from presslens.timeline.events import extract_events
from presslens.timeline.timex import extract_timex
from presslens.timeline.values import bounds, parse_dct, truncate

TIMEX_COLUMNS = ["article_id", "outlet", "published", "text", "type", "value", "start_date", "end_date", "precision",
                 "mod", "end_value", "anchor", "dct_limited", "tense", "rule", "start_char", "end_char",
                 "sentence_index", "sentence"]
EVENT_COLUMNS = ["event_id", "article_id", "outlet", "published", "timex_text", "value", "start_date", "end_date",
                 "precision", "predicate", "predicate_lemma", "event_phrase", "subject", "object", "entities",
                 "key_terms", "event_heads", "days_before_publication", "paragraph_kind", "start_char", "end_char",
                 "predicate_start_char", "predicate_end_char", "sentence_index", "sentence", "tense", "theme"]
TIMELINE_COLUMNS = ["entry_id", "start_date", "end_date", "value", "precision", "event", "predicate", "participants",
                    "n_mentions", "n_articles", "n_outlets", "outlets", "sources", "conflict", "evidence",
                    "evidence_article_id", "evidence_start_char", "evidence_end_char"]


@dataclass
class TimelineTables:
    """The four exported tables of one corpus."""

    timex: pd.DataFrame
    events: pd.DataFrame
    timeline: pd.DataFrame
    conflicts: pd.DataFrame


def _article_rows(articles: pd.DataFrame) -> dict[str, dict[str, str]]:
    """Outlet, publication date and its precision per article id (missing dates as "")."""
    rows = {}
    for row in articles.itertuples():
        published = "" if pd.isna(row.published) else str(row.published)
        precision = "unknown" if pd.isna(row.date_precision) else str(row.date_precision)
        rows[row.id] = {"outlet": row.outlet, "published": published, "date_precision": precision}
    return rows


def timex_table(docs: Mapping[str, Doc], articles: pd.DataFrame) -> pd.DataFrame:
    """One row per temporal expression of every article, with its outlet and publication date."""
    meta = _article_rows(articles)
    rows = []
    for article_id, doc in docs.items():
        info = meta[article_id]
        for timex in extract_timex(doc, info["published"], info["date_precision"]):
            record = asdict(timex)
            record.pop("root_i")
            rows.append({**record, "outlet": info["outlet"], "published": info["published"]})
    return pd.DataFrame(rows, columns=TIMEX_COLUMNS)


def _days_before(published: str, precision: str, start_date: str) -> float:
    """Days from an event's first day to the (first day of the) publication date; NaN when undated."""
    dct, _ = parse_dct(published, precision)
    return float((dct - date.fromisoformat(start_date)).days) if dct and start_date else float("nan")


def events_table(docs: Mapping[str, Doc], articles: pd.DataFrame) -> pd.DataFrame:
    """One row per dated event (a DATE/TIME expression and the predicate it dates)."""
    meta = _article_rows(articles)
    rows = []
    for article_id, doc in docs.items():
        info = meta[article_id]
        for event in extract_events(doc, extract_timex(doc, info["published"], info["date_precision"])):
            record = asdict(event)
            record["entities"] = "; ".join(event.entities)
            record["key_terms"] = "; ".join(event.key_terms)
            record["event_heads"] = "; ".join(event.event_heads)
            rows.append({**record, "outlet": info["outlet"], "published": info["published"],
                         "days_before_publication": _days_before(info["published"], info["date_precision"],
                                                                 event.start_date)})
    return pd.DataFrame(rows, columns=EVENT_COLUMNS)


def records_with_articles(timexes: pd.DataFrame, events: pd.DataFrame, articles: pd.DataFrame
                          ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The store's timex and event rows with outlet and publication date, in today's table columns."""
    meta = _article_rows(articles)
    timexes = timexes.assign(outlet=[meta[a]["outlet"] for a in timexes.get("article_id", [])],
                             published=[meta[a]["published"] for a in timexes.get("article_id", [])])
    days = [_days_before(meta[a]["published"], meta[a]["date_precision"], start)
            for a, start in zip(events.get("article_id", []), events.get("start_date", []))]
    events = events.assign(outlet=[meta[a]["outlet"] for a in events.get("article_id", [])],
                           published=[meta[a]["published"] for a in events.get("article_id", [])],
                           days_before_publication=days)
    return timexes.reindex(columns=TIMEX_COLUMNS), events.reindex(columns=EVENT_COLUMNS)


def publication_end(published: object) -> date | None:
    """The last day of the period a publication date names ("2024-11" -> 2024-11-30), None when unknown."""
    dct, precision = parse_dct(str(published), None)
    if dct is None:
        return None
    value = truncate(dct.isoformat(), precision) if precision in ("month", "year") else dct.isoformat()
    return date.fromisoformat(bounds(value)[1])


def _mark_after_publication(events: pd.DataFrame) -> pd.DataFrame:
    """Flag past-tense events dated after their article's publication date (a misread date, or a misdated article)."""
    tenses = events["tense"] if "tense" in events.columns else pd.Series([None] * len(events))
    flags = []
    for published, tense, start in zip(events["published"], tenses, events["start_date"]):
        end = publication_end(published) if tense == "past" else None
        flags.append(bool(end and date.fromisoformat(start) > end))
    return events.assign(past_after_publication=flags)


def build_from_tables(timexes: pd.DataFrame, events: pd.DataFrame, rules: merge.MergeRules | None = None,
                      term_counts: pd.DataFrame | None = None) -> TimelineTables:
    """The timeline and its conflicts from the per-article timex and event rows (outlet and published joined in);
    ``term_counts`` (the store's table) tells which articles tell the same story (``min_article_similarity``)."""
    rules = rules or merge.fitted_rules()
    events = events.reset_index(drop=True)
    if "past_after_publication" not in events.columns:
        events = _mark_after_publication(events)
    if events.empty:
        empty = events.assign(entry_id=pd.Series(dtype=object))
        return TimelineTables(timexes, empty, pd.DataFrame(columns=TIMELINE_COLUMNS),
                              pd.DataFrame(columns=merge.CONFLICT_COLUMNS))
    work = merge.prepare(events)
    work["n_terms"] = [len(t) + len(p) for t, p in zip(work["terms"], work["participants"])]
    stories = merge.StoryVectors.from_term_counts(term_counts) if term_counts is not None and len(term_counts) \
        else None
    pairs = merge.scored_pairs(work, rules, max(rules.tolerance_days, rules.max_conflict_gap_days), stories)
    work["entry_id"] = merge.merge_events(work, rules, pairs).to_numpy()
    conflicts = merge.find_conflicts(work, pairs, rules)
    entries = merge.timeline(work, conflicts)
    return TimelineTables(timexes, events.assign(entry_id=work["entry_id"].to_numpy()), entries, conflicts)


def build(docs: Mapping[str, Doc], articles: pd.DataFrame, rules: merge.MergeRules | None = None) -> TimelineTables:
    """All four tables from parsed articles (extraction runs once, then ``build_from_tables``)."""
    from presslens.frames.devices import term_counts

    terms = pd.DataFrame([{"article_id": article_id, "term": term, "count": count}
                          for article_id, doc in docs.items() for term, count in term_counts(doc).items()],
                         columns=["article_id", "term", "count"])
    return build_from_tables(timex_table(docs, articles), events_table(docs, articles), rules, terms)


def timeline_table(docs: Mapping[str, Doc], articles: pd.DataFrame,
                   rules: merge.MergeRules | None = None) -> pd.DataFrame:
    """The merged cross-article timeline (timeline.csv)."""
    return build(docs, articles, rules).timeline


def conflicts_table(docs: Mapping[str, Doc], articles: pd.DataFrame,
                    rules: merge.MergeRules | None = None) -> pd.DataFrame:
    """Same events reported with incompatible dates (conflicts.csv)."""
    return build(docs, articles, rules).conflicts


def context_depth(events: pd.DataFrame) -> pd.DataFrame:
    """Per outlet: how far back its dated events reach (days before publication): median with a bootstrap interval
    over articles (none from a single article), maximum, and the small-n flag (articles are the units)."""
    rows = []
    for outlet, part in events.dropna(subset=["days_before_publication"]).groupby("outlet", sort=True):
        n_articles = part["article_id"].nunique()
        values = part["days_before_publication"].to_numpy()
        low, high = (stats.bootstrap_ci(values, np.median, clusters=part["article_id"].tolist())
                     if n_articles > 1 else (float("nan"), float("nan")))
        rows.append({"outlet": outlet, "n_events": len(part), "n_articles": n_articles,
                     "median_days": float(np.median(values)), "ci_low": low, "ci_high": high,
                     "max_days": float(values.max()), "small_n": stats.too_small(n_articles)})
    return pd.DataFrame(rows)


def readable_timeline(timeline: pd.DataFrame) -> pd.DataFrame:
    """The timeline for reading and filtering (by outlet, participant, date), one row per entry with its evidence
    (start and end dates and every source stay in the timeline table)."""
    dates = [start if start == end else f"{start} – {end}"
             for start, end in zip(timeline["start_date"], timeline["end_date"])]
    return pd.DataFrame({
        "entry": timeline["entry_id"], "date": dates, "precision": timeline["precision"], "event": timeline["event"],
        "participants": timeline["participants"], "outlets": timeline["outlets"], "n_outlets": timeline["n_outlets"],
        "n_articles": timeline["n_articles"], "conflict": timeline["conflict"], "evidence": timeline["evidence"],
        "article_id": timeline["evidence_article_id"], "start_char": timeline["evidence_start_char"],
        "end_char": timeline["evidence_end_char"],
    })


def readable_conflicts(conflicts: pd.DataFrame) -> pd.DataFrame:
    """Conflicts for reading: both versions side by side with their evidence and why they were judged the same."""
    columns = {"kind": "kind", "gap_days": "days apart", "reason": "why the same event",
               "outlet_a": "outlet A", "value_a": "date A", "sentence_a": "evidence A", "article_id_a": "article A",
               "start_char_a": "offset A", "outlet_b": "outlet B", "value_b": "date B", "sentence_b": "evidence B",
               "article_id_b": "article B", "start_char_b": "offset B"}
    return conflicts[list(columns)].rename(columns=columns)
