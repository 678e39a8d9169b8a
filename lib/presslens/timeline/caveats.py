"""Caveats of a timeline, computed: the corpus's publication dates, and the measured quality read from the records."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from presslens import paths

#: The recorded evaluations (`presslens eval timex` / `eval timeline` output) and the hand-checked conflict sample.
TIMEX_RECORDS = {"TBAQ-cleaned": paths.MODEL_DIR / "timex_eval_tbaq.json",
                 "MEANTIME": paths.MODEL_DIR / "timex_eval_meantime.json"}
TIMELINE_RECORD = paths.MODEL_DIR / "timeline_eval_semeval2015.json"
CONFLICT_SAMPLE = paths.PROJECT_ROOT / "tests" / "data" / "timeline_conflicts_sample.csv"


def _read(path: Path) -> dict:
    """A recorded JSON file, or {} when it is missing."""
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def timex_quality() -> pd.DataFrame:
    """Strict, relaxed, value and type F1 of the temporal expressions on each recorded gold set."""
    rows = []
    for name, path in TIMEX_RECORDS.items():
        record = _read(path)
        if record:
            rows.append({"gold": name, "documents": record["documents"], "strict_f1": record["strict"]["f1"],
                         "relaxed_f1": record["relaxed"]["f1"], "value_f1": record["value_f1"],
                         "type_f1": record["type_f1"]})
    return pd.DataFrame(rows)


def timeline_quality() -> dict[str, float]:
    """Event dating and same-event merging on SemEval-2015 Task 4 (the recorded run)."""
    record = _read(TIMELINE_RECORD)
    if not record:
        return {}
    merged = record["merge_pairwise"]
    return {"gold_mentions": record["mentions_found"], "date_accuracy": record["date_accuracy"],
            "baseline_dct_date_accuracy": record["baseline_dct_date_accuracy"], "merge_f1": merged["f1"],
            "merge_precision": merged["precision"], "merge_recall": merged["recall"],
            "merge_pooled_f1": record["merge_pairwise_pooled"]["f1"]}


def conflict_precision(path: Path = CONFLICT_SAMPLE) -> dict[str, object]:
    """The hand-checked conflict sample: how many pairs were judged, how many are real, how many of them the final
    rules still flag and how many of those are real (precision None when the final rules flag none)."""
    if not path.is_file():
        return {}
    sample = pd.read_csv(path)
    real = sample["judgement"] == "real"
    final = sample["flagged_by_final_rules"] == 1
    return {"stories": "; ".join(sorted(sample["story"].unique())), "checked": len(sample),
            "checked_real": int(real.sum()),
            "flagged_by_final_rules": int(final.sum()), "final_real": int((real & final).sum()),
            "precision": round(float((real & final).sum() / final.sum()), 3) if final.any() else None}


def publication_dates(articles: pd.DataFrame) -> pd.DataFrame:
    """Articles by the precision of their publication date (day, month, year, none), with shares."""
    precision = articles["date_precision"].fillna("unknown").replace({"": "unknown"})
    precision = precision.where(articles["published"].notna() & (articles["published"].astype(str) != ""), "unknown")
    counts = precision.value_counts().rename_axis("publication date precision").rename("articles").to_frame()
    counts["share"] = (counts["articles"] / max(len(articles), 1)).round(3)
    return counts.reset_index()


def dating_coverage(articles: pd.DataFrame, events: pd.DataFrame) -> dict[str, int]:
    """How many articles have no dated event, and how many events are past-tense yet dated after publication."""
    dated = set(events["article_id"]) if len(events) else set()
    flagged = int(events["past_after_publication"].sum()) if "past_after_publication" in events.columns else 0
    return {"articles": len(articles), "articles_without_dated_events": int((~articles["id"].isin(dated)).sum()),
            "dated_events": len(events), "past_events_after_publication": flagged}
