"""Corpus tables of quote attribution: one row per attribution, per speaker, and per-outlet summaries."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from typing import Any

import pandas as pd
from spacy.tokens import Doc

from presslens import stats
from presslens.people import full_name_articles
from presslens.quotes.extract import Attribution, extract_quotes
from presslens.quotes.lexicons import cue_classes
from presslens.quotes.speakers import canonicalise

#: Cue lemmas that are not reporting verbs ("" for none, "dash" for a dash lead-in, "colon" for a headline).
NON_VERB_CUES = frozenset({"", "dash", "colon"})

QUOTE_COLUMNS = [
    "article_id", "outlet", "quote_id", "kind", "content", "cue", "cue_lemma", "cue_category", "evaluative",
    "speaker_mention", "speaker", "speaker_id", "speaker_type", "speaker_category", "roles", "resolution",
    "speaker_named", "merge_reason", "start_char", "end_char", "segments", "cue_start", "cue_end", "speaker_start",
    "speaker_end", "sentence_index", "sentence",
]


def corpus_attributions(docs: Mapping[str, Doc]) -> list[Attribution]:
    """Attributions of every Doc (in article-id order), speakers merged into corpus-wide canonical names."""
    records: list[Attribution] = []
    for article_id in sorted(docs):
        doc = docs[article_id]
        if doc._.article_id is None:
            doc._.article_id = article_id
        records.extend(extract_quotes(doc))
    people = full_name_articles((article_id, ent.text) for article_id, doc in docs.items() for ent in doc.ents
                                if ent.label_ == "PERSON")
    return canonicalise(records, people)


def attribution_row(record: Attribution) -> dict[str, object]:
    """A quotes-table row of one attribution (without its outlet, which comes from the articles)."""
    category, evaluative = cue_classes().get(record.cue_lemma, ("", False))
    return {
        "article_id": record.article_id, "quote_id": record.quote_id, "kind": record.kind,
        "content": record.content, "cue": record.cue_text, "cue_lemma": record.cue_lemma,
        "cue_category": category, "evaluative": evaluative,
        "speaker_mention": record.speaker_mention, "speaker": record.speaker, "speaker_id": record.speaker_id,
        "speaker_type": record.speaker_type, "speaker_category": record.speaker_category,
        "roles": "; ".join(record.roles), "resolution": record.resolution,
        "speaker_named": bool(record.speaker_named), "merge_reason": record.merge_reason,
        "start_char": record.start_char, "end_char": record.end_char, "segments": json.dumps(record.segments),
        "cue_start": record.cue_start, "cue_end": record.cue_end, "speaker_start": record.speaker_start,
        "speaker_end": record.speaker_end, "sentence_index": record.sentence_index, "sentence": record.sentence,
    }


def _row(record: Attribution, outlet: str) -> dict[str, object]:
    """A quotes-table row of one attribution, with its outlet."""
    return {"outlet": outlet, **attribution_row(record)}


def attribution_of(row: Mapping[str, object]) -> Attribution:
    """The Attribution a stored quotes row was made from (for the corpus-wide speaker merge)."""
    return Attribution(
        article_id=str(row["article_id"]), quote_id=str(row["quote_id"]), kind=str(row["kind"]),
        segments=[tuple(segment) for segment in json.loads(str(row["segments"]))], content=str(row["content"]),
        cue_text=str(row["cue"]), cue_lemma=str(row["cue_lemma"]), cue_start=int(row["cue_start"]),
        cue_end=int(row["cue_end"]), speaker_mention=str(row["speaker_mention"]),
        speaker_start=int(row["speaker_start"]), speaker_end=int(row["speaker_end"]), speaker=str(row["speaker"]),
        speaker_id=str(row["speaker_id"]), speaker_type=str(row["speaker_type"]),
        speaker_category=str(row["speaker_category"]), roles=[r for r in str(row["roles"]).split("; ") if r],
        resolution=str(row["resolution"]), sentence_index=int(row["sentence_index"]), sentence=str(row["sentence"]),
        speaker_named=bool(row.get("speaker_named", False)), merge_reason=str(row.get("merge_reason", "") or ""),
    )


def canonical_quotes(records: pd.DataFrame, articles: pd.DataFrame, entities: pd.DataFrame | None = None
                     ) -> pd.DataFrame:
    """The store's per-article quote rows with speakers merged across the corpus and each row's outlet;
    ``entities`` (the store's table) gives the person names the articles carry outside quotes."""
    if records.empty:
        return pd.DataFrame(columns=QUOTE_COLUMNS)
    ordered = records.sort_values("article_id", kind="stable")
    people: dict[str, set] = {}
    if entities is not None:
        persons = entities[entities["label"] == "PERSON"]
        people = full_name_articles(zip(persons["article_id"], persons["text"]))
    merged = canonicalise([attribution_of(row) for row in ordered.to_dict("records")], people)
    outlets = dict(zip(articles["id"], articles["outlet"]))
    rows = [_row(record, outlets.get(record.article_id, "")) for record in merged]
    return pd.DataFrame(rows, columns=QUOTE_COLUMNS)


def quotes_table(docs: Mapping[str, Doc], articles: pd.DataFrame) -> pd.DataFrame:
    """One row per attribution (tables/quotes.csv); ``articles`` gives each article id its outlet."""
    outlets = dict(zip(articles["id"], articles["outlet"]))
    rows = [_row(record, outlets.get(record.article_id, "")) for record in corpus_attributions(docs)]
    return pd.DataFrame(rows, columns=QUOTE_COLUMNS)


def speakers_table(quotes: pd.DataFrame) -> pd.DataFrame:
    """One row per canonical speaker (tables/speakers.csv): type, category, roles, mentions, counts, outlets.

    One pass over the attributions (a pandas group per speaker cost minutes with tens of thousands of speakers).
    """
    columns = ["speaker_id", "speaker", "speaker_type", "speaker_category", "roles", "mentions", "n_quotes",
               "n_articles", "n_outlets", "outlets"]
    named = quotes[quotes["speaker_id"] != ""]
    seen: dict[str, dict[str, Any]] = {}
    for speaker_id, speaker, kind, category, roles, mention, article, outlet in zip(
            *(named[name] for name in ("speaker_id", "speaker", "speaker_type", "speaker_category", "roles",
                                       "speaker_mention", "article_id", "outlet"))):
        entry = seen.setdefault(speaker_id, {"speaker": speaker, "types": Counter(), "categories": Counter(),
                                             "roles": set(), "mentions": set(), "n": 0, "articles": set(),
                                             "outlets": set()})
        entry["types"][kind] += 1
        entry["categories"][category] += 1
        entry["roles"].update(role for role in roles.split("; ") if role)
        entry["mentions"].add(mention)
        entry["n"] += 1
        entry["articles"].add(article)
        entry["outlets"].add(outlet)
    rows = [{"speaker_id": speaker_id, "speaker": entry["speaker"], "speaker_type": _mode(entry["types"]),
             "speaker_category": _mode(entry["categories"]), "roles": "; ".join(sorted(entry["roles"])),
             "mentions": "; ".join(sorted(entry["mentions"] - {""})), "n_quotes": entry["n"],
             "n_articles": len(entry["articles"]), "n_outlets": len(entry["outlets"]),
             "outlets": "; ".join(sorted(entry["outlets"]))}
            for speaker_id, entry in sorted(seen.items())]
    return pd.DataFrame(rows, columns=columns)


def _mode(counts: Counter) -> str:
    """The most frequent value (the smallest of tied ones, as ``Series.mode().iloc[0]``)."""
    return min(counts.items(), key=lambda item: (-item[1], item[0]))[0]


def share_by_outlet(quotes: pd.DataFrame, column: str) -> pd.DataFrame:
    """Per outlet and value of ``column``: count, n attributions, share, its interval over the outlet's articles
    (bootstrap), n articles and small-n flag (long format)."""
    frames = []
    for value in sorted(quotes[column].astype(str).unique()):
        flagged = quotes.assign(_flag=quotes[column].astype(str) == value)
        table = stats.share_table(flagged, "outlet", "_flag", cluster="article_id")
        table.insert(1, column, value)
        frames.append(table)
    if not frames:
        return pd.DataFrame(columns=["outlet", column, "n", "count", "share", "ci_low", "ci_high", "small_n",
                                     "n_articles"])
    return pd.concat(frames, ignore_index=True).sort_values(["outlet", column]).reset_index(drop=True)


def top_speakers(quotes: pd.DataFrame, per_outlet: int = 5) -> pd.DataFrame:
    """The most quoted speakers of each outlet, with their quote count and the outlet's n."""
    named = quotes[quotes["speaker_id"] != ""]
    counts = named.groupby(["outlet", "speaker", "speaker_category"]).size().rename("quotes").reset_index()
    totals = quotes.groupby("outlet").size().rename("n")
    counts = counts.join(totals, on="outlet").sort_values(["outlet", "quotes", "speaker"], ascending=[True, False, True])
    return counts.groupby("outlet", sort=True).head(per_outlet).reset_index(drop=True)


def reporting_verbs_by_outlet(quotes: pd.DataFrame) -> pd.DataFrame:
    """Per outlet: how often each reporting verb frames an attribution, and whether it is evaluative."""
    with_verb = quotes[~quotes["cue_lemma"].isin(NON_VERB_CUES)]
    counts = with_verb.groupby(["outlet", "cue_lemma", "evaluative"]).size().rename("count").reset_index()
    return counts.sort_values(["outlet", "count", "cue_lemma"], ascending=[True, False, True], ignore_index=True)


def evaluative_share(quotes: pd.DataFrame) -> pd.DataFrame:
    """Per outlet: share of verb-framed attributions whose verb is evaluative, its interval over articles, n articles.

    Articles are the unit: the interval resamples the outlet's articles, and ``small_n`` means too few of them.
    """
    with_verb = quotes[~quotes["cue_lemma"].isin(NON_VERB_CUES)].astype({"evaluative": bool})
    return stats.share_table(with_verb, "outlet", "evaluative", cluster="article_id")


def statements_side_by_side(statements: pd.DataFrame, quotes: pd.DataFrame) -> pd.DataFrame:
    """One row per member of each statement group: its scope, outlet, article and quote ids, cue and wording."""
    by_id = quotes.set_index("quote_id")
    rows = [
        {"statement_id": group.statement_id, "scope": group.scope, "speaker": group.speaker,
         "min_score": group.min_score, "mean_score": group.mean_score, "outlet": by_id.at[quote_id, "outlet"],
         "article_id": by_id.at[quote_id, "article_id"], "quote_id": quote_id, "cue": by_id.at[quote_id, "cue"],
         "wording": by_id.at[quote_id, "content"]}
        for group in statements.itertuples() for quote_id in group.quote_ids.split("; ")
    ]
    return pd.DataFrame(rows, columns=["statement_id", "scope", "speaker", "min_score", "mean_score", "outlet",
                                       "article_id", "quote_id", "cue", "wording"])


def unknown_category_share(quotes: pd.DataFrame) -> pd.DataFrame:
    """Per outlet: share of attributed quotes (with a speaker) whose speaker category is "unknown", with its
    interval over the outlet's articles."""
    attributed = quotes[quotes["speaker"] != ""].assign(unknown=lambda frame: frame["speaker_category"] == "unknown")
    return stats.share_table(attributed, "outlet", "unknown", cluster="article_id")


def first_items(text: str, separator: str, limit: int) -> str:
    """The first ``limit`` items of a joined list, and how many more there are ("a; b; … and 12 more")."""
    items = text.split(separator) if text else []
    rest = len(items) - limit
    return separator.join(items[:limit]) + (f"{separator}… and {rest} more" if rest > 0 else "")


def readable_merges(merges: pd.DataFrame, limit: int = 5) -> pd.DataFrame:
    """The merge evidence to read in the report: each speaker's first ``limit`` reasons and article ids and twice
    as many forms (the CSV keeps every one; a speaker of a 10k corpus can have thousands)."""
    return merges.assign(forms=[first_items(text, "; ", 2 * limit) for text in merges["forms"]],
                         reasons=[first_items(text, " | ", limit) for text in merges["reasons"]],
                         article_ids=[first_items(text, "; ", limit) for text in merges["article_ids"]])


def merge_evidence(quotes: pd.DataFrame) -> pd.DataFrame:
    """One row per speaker reached under two or more surface forms: the forms, why they were joined, where."""
    columns = ["speaker", "speaker_id", "forms", "n_forms", "reasons", "n_articles", "n_outlets", "article_ids"]
    named = quotes[(quotes["speaker_id"] != "") & (quotes["speaker_mention"] != "")]
    named = named[named.groupby("speaker_id")["speaker_mention"].transform("nunique") >= 2]
    rows = []
    for speaker_id, part in named.groupby("speaker_id", sort=True):
        forms = sorted(set(part["speaker_mention"]))
        reasons = sorted(set(reason for reason in part.get("merge_reason", pd.Series(dtype=str)) if reason))
        rows.append({"speaker": part["speaker"].iloc[0], "speaker_id": speaker_id, "forms": "; ".join(forms),
                     "n_forms": len(forms), "reasons": " | ".join(reasons), "n_articles": part["article_id"].nunique(),
                     "n_outlets": part["outlet"].nunique(), "article_ids": "; ".join(sorted(set(part["article_id"])))})
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values(["n_articles", "n_forms", "speaker"], ascending=[False, False, True], ignore_index=True)
