"""Tables of a corpus: timex.csv, events.csv, timeline.csv, conflicts.csv and the per-outlet context depth."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Mapping

import numpy as np
import pandas as pd
from spacy.tokens import Doc

from presslens import stats
from presslens.timeline import merge
from presslens.timeline.events import extract_events
from presslens.timeline.timex import PRECISION_RANK, extract_timex
from presslens.timeline.values import parse_dct

TIMEX_COLUMNS = ["article_id", "outlet", "published", "text", "type", "value", "start_date", "end_date", "precision",
                 "mod", "end_value", "anchor", "dct_limited", "tense", "rule", "start_char", "end_char",
                 "sentence_index", "sentence"]
EVENT_COLUMNS = ["event_id", "article_id", "outlet", "published", "timex_text", "value", "start_date", "end_date",
                 "precision", "predicate", "predicate_lemma", "event_phrase", "subject", "object", "entities",
                 "key_terms", "event_heads", "days_before_publication", "paragraph_kind", "start_char", "end_char",
                 "predicate_start_char", "predicate_end_char", "sentence_index", "sentence"]


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


def _with_entries(events: pd.DataFrame, rules: merge.MergeRules) -> pd.DataFrame:
    """Events with their merge keys as lists and their timeline entry ids."""
    work = events.copy()
    for column in ("key_terms", "event_heads"):
        work[column] = [k.split("; ") if k else [] for k in work[column]]
    work["precision_rank"] = [PRECISION_RANK.get(p, 0) for p in work["precision"]]
    work["n_terms"] = [len(k) for k in work["key_terms"]]
    work["entry_id"] = merge.merge_events(work, rules) if len(work) else []
    return work


def build(docs: Mapping[str, Doc], articles: pd.DataFrame, rules: merge.MergeRules = merge.MergeRules()) -> TimelineTables:
    """All four tables at once (extraction runs once)."""
    timexes = timex_table(docs, articles)
    events = events_table(docs, articles)
    work = _with_entries(events, rules)
    conflicts = merge.find_conflicts(work, rules)
    entries = merge.timeline(work, conflicts)
    events = events.assign(entry_id=work["entry_id"].to_numpy())
    return TimelineTables(timexes, events, entries, conflicts)


def timeline_table(docs: Mapping[str, Doc], articles: pd.DataFrame, rules: merge.MergeRules = merge.MergeRules()) -> pd.DataFrame:
    """The merged cross-article timeline (timeline.csv)."""
    return build(docs, articles, rules).timeline


def conflicts_table(docs: Mapping[str, Doc], articles: pd.DataFrame, rules: merge.MergeRules = merge.MergeRules()) -> pd.DataFrame:
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
