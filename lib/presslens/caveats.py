"""Caveats computed from the corpus at hand (never typed into a notebook): articles per outlet, small-n outlets,
date precision, non-English or translated text, and records loaded with warnings or rejected."""

from __future__ import annotations

import pandas as pd

from presslens import stats

#: Words in a manifest's ``outlet_kind`` or ``notes`` that mark translated text.
TRANSLATION_MARKS = ("translat",)


def _text(articles: pd.DataFrame, column: str) -> pd.Series:
    """A manifest column as lower-case text ("" where missing or absent)."""
    if column not in articles:
        return pd.Series("", index=articles.index)
    return articles[column].fillna("").astype(str).str.lower()


def outlet_caveat(articles: pd.DataFrame) -> str:
    """How many articles stand behind each outlet, and which outlets are too small to compare."""
    per_outlet = articles.groupby("outlet").size().sort_values()
    small = per_outlet[per_outlet < stats.MIN_N]
    line = (f"{len(articles)} article(s) from {len(per_outlet)} outlet(s), "
            f"{per_outlet.min()}–{per_outlet.max()} per outlet.")
    if len(per_outlet) and len(small) == len(per_outlet):
        return (f"{line} Every outlet has fewer than {stats.MIN_N} articles: per-outlet figures describe these "
                "articles, not the outlets, and no difference between outlets can be tested.")
    if len(small):
        return (f"{line} {len(small)} outlet(s) have fewer than {stats.MIN_N} articles ({', '.join(small.index)}): "
                "their rows are description only (`small_n`).")
    return line


def date_caveat(articles: pd.DataFrame) -> str | None:
    """How many publication dates are known only to the month or year, or not at all."""
    precision = _text(articles, "date_precision").replace("", "unknown").value_counts()
    vague = {level: int(precision.get(level, 0)) for level in ("month", "year", "unknown") if precision.get(level, 0)}
    if not vague:
        return None
    parts = ", ".join(f"{count} known only to the {level}" if level != "unknown" else f"{count} unknown"
                      for level, count in vague.items())
    return (f"Publication dates: {parts}. Relative dates in these articles (\"yesterday\", \"last week\") cannot be "
            "resolved more precisely than the publication date.")


def language_caveat(articles: pd.DataFrame) -> str | None:
    """Articles not marked English, and articles the manifest marks as translated."""
    language = _text(articles, "language")
    foreign = articles[(language != "") & ~language.str.startswith("en")]
    translated = articles[_text(articles, "outlet_kind").str.contains("|".join(TRANSLATION_MARKS))
                          | _text(articles, "notes").str.contains("|".join(TRANSLATION_MARKS))]
    parts = []
    if len(foreign):
        parts.append(f"{len(foreign)} article(s) are marked as not English ({', '.join(sorted(foreign['id']))}); "
                     "the English models read them poorly.")
    if len(translated):
        parts.append(f"{len(translated)} article(s) from {translated['outlet'].nunique()} outlet(s) "
                     f"({', '.join(sorted(translated['outlet'].unique()))}) are marked as translated in the manifest: "
                     "translated text parses and lemmatises less well.")
    return " ".join(parts) or None


def load_caveat(load_report: pd.DataFrame | None) -> str | None:
    """Records loaded with warnings (encoding, dates, damaged text) or rejected at load."""
    if load_report is None or load_report.empty:
        return None
    counts = load_report["status"].value_counts()
    parts = [f"{int(counts[status])} {status.replace('_', ' ')}" for status in ("loaded_with_warnings", "rejected")
             if counts.get(status, 0)]
    return f"Load report: {', '.join(parts)} (reasons in `tables/load_report.csv`)." if parts else None


def corpus_caveats(articles: pd.DataFrame, load_report: pd.DataFrame | None = None) -> list[str]:
    """Every caveat that applies to this corpus, as sentences."""
    found = [outlet_caveat(articles), date_caveat(articles), language_caveat(articles), load_caveat(load_report)]
    return [caveat for caveat in found if caveat]


def markdown(articles: pd.DataFrame, load_report: pd.DataFrame | None = None) -> str:
    """The caveats as a headed Markdown list, for a notebook's caveats section."""
    lines = [f"- {caveat}" for caveat in corpus_caveats(articles, load_report)]
    return "\n".join(["**Caveats computed from this corpus**", "", *lines])
