"""Caveats of a framing analysis, computed from the corpus and the recorded measurements (never typed)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd

from presslens import paths, stats
from presslens.frames.cues import with_outlet

EVAL_FILE = paths.MODEL_DIR / "frames_classifier.eval.json"
CUE_SAMPLE = paths.PROJECT_ROOT / "tests" / "data" / "frame_cues_sample.csv"


def sample_precision(path: Path = CUE_SAMPLE) -> tuple[float, int]:
    """Precision of the hand-checked cue sample as recorded (share of hits judged correct) and its size."""
    with Path(path).open(encoding="utf-8") as handle:
        judged = [row["correct"] == "1" for row in csv.DictReader(handle)]
    return (sum(judged) / len(judged) if judged else float("nan"), len(judged))


def cue_concentration(frame_cues: pd.DataFrame) -> pd.DataFrame:
    """Per frame: cue hits and the share of them made by its single most frequent cue word."""
    words = frame_cues.assign(word=frame_cues["cue"].str.lower())
    counts = words.groupby(["frame", "word"]).size().rename("hits").reset_index()
    top = counts.sort_values(["frame", "hits", "word"], ascending=[True, False, True]).drop_duplicates("frame")
    totals = counts.groupby("frame")["hits"].sum()
    return top.assign(total=top["frame"].map(totals), share=top["hits"] / top["frame"].map(totals))


def framing_caveats(article_frames: pd.DataFrame, frame_cues: pd.DataFrame, articles: pd.DataFrame,
                    label=lambda frame: frame) -> list[str]:
    """Markdown bullet points on what this corpus's numbers can and cannot say."""
    per_outlet = articles.groupby("outlet")["id"].nunique()
    small = int((per_outlet < stats.MIN_N).sum())
    lines = [f"**{len(articles)} articles from {len(per_outlet)} outlets**; {small} outlet(s) have fewer than "
             f"{stats.MIN_N} articles, so their profiles describe those texts only (`small_n`); an interval needs "
             f"at least two articles."]
    labelled = with_outlet(article_frames, articles)
    frames_per_article = labelled.groupby("article_id")["classifier_label"].sum()
    lines.append(f"**Frames overlap**: by the SemEval thresholds an article here carries "
                 f"{frames_per_article.mean():.1f} frames on average (median {frames_per_article.median():.0f}), "
                 f"so profiles use mean probabilities and cue shares, not label counts.")
    agree = labelled["agree"].mean()
    lines.append(f"**Cue tagger and classifier** agree on {agree:.0%} of article-frame decisions here; where they "
                 f"disagree, read the evidence sentences.")
    concentrated = cue_concentration(frame_cues)
    heavy = concentrated[(concentrated["share"] >= 0.4) & (concentrated["total"] >= 20)]
    if not heavy.empty:
        listed = "; ".join(f"{label(row.frame)}: '{row.word}' {row.share:.0%} of {row.total}"
                           for row in heavy.itertuples())
        lines.append(f"**Single words carry some cue shares** (check their evidence sentences): {listed}.")
    precision, n_sample = sample_precision()
    lines.append(f"**Cue precision** on {n_sample} hand-checked cue hits of US news (ABP benchmark; "
                 f"`tests/data/frame_cues_sample.csv`): {precision:.2f}. A cue is an indicator of a frame, not "
                 f"proof.")
    if EVAL_FILE.exists():
        recorded = json.loads(EVAL_FILE.read_text(encoding="utf-8"))["classifier"]
        lines.append(f"**The classifier** scores micro-F1 {recorded['micro_f1']:.3f} and macro-F1 "
                     f"{recorded['macro_f1']:.3f} (SemEval-2023 Task 3, 5-fold CV); its weakest frames: "
                     + ", ".join(f"{label(frame)} {score:.2f}" for frame, score in
                                 sorted(recorded["per_frame_f1"].items(), key=lambda item: item[1])[:3])
                     + ". It was trained on other stories than this corpus's.")
    return [f"- {line}" for line in lines]
