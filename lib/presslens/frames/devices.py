"""Framing devices: distinctive vocabulary (Fightin' Words log-odds), naming of referents, reporting verbs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from spacy.tokens import Doc, Token

from presslens import stats
from presslens.frames.cues import sentence_spans, with_outlet
from presslens.frames.lexicon import LABELS_FILE, LexiconMatcher, make_entry, matches_in_sentences, read_yaml
from presslens.nlp import load_pipeline

#: Parts of speech whose lemmas count as vocabulary for the distinctive-terms comparison.
CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "ADV"})


def term_of(token: Token) -> str | None:
    """The vocabulary item of a token: its lower-cased lemma if it is a content word, else None."""
    if token.pos_ not in CONTENT_POS or token.is_stop or not token.is_alpha or len(token.text) < 2:
        return None
    return token.lemma_.lower()


def term_counts(doc: Doc) -> Counter[str]:
    """Lemma counts of a Doc's content words."""
    return Counter(term for term in map(term_of, doc) if term)


def log_odds_dirichlet(counts: pd.DataFrame, prior: pd.Series, prior_size: float | None = None) -> pd.DataFrame:
    """Monroe, Colaresi & Quinn (2008) log-odds with an informative Dirichlet prior, each group vs the rest.

    ``counts``: terms x groups; ``prior``: background counts per term (any scale). The prior is rescaled to
    ``prior_size`` pseudo-counts (default: as many as the compared corpus). Returns long rows with the
    log-odds delta, its variance and z-score.
    """
    prior = prior.reindex(counts.index).fillna(0.0) + 0.01
    alpha = prior / prior.sum() * (prior_size or counts.to_numpy().sum())
    alpha_total = alpha.sum()
    rows = []
    for group in counts.columns:
        own, rest = counts[group], counts.drop(columns=group).sum(axis=1)
        n_own, n_rest = own.sum(), rest.sum()
        delta = (np.log((own + alpha) / (n_own + alpha_total - own - alpha))
                 - np.log((rest + alpha) / (n_rest + alpha_total - rest - alpha)))
        variance = 1 / (own + alpha) + 1 / (rest + alpha)
        rows.append(pd.DataFrame({"group": group, "term": counts.index, "count": own.to_numpy(),
                                  "count_rest": rest.to_numpy(), "log_odds": delta.to_numpy(),
                                  "z": (delta / np.sqrt(variance)).to_numpy()}))
    return pd.concat(rows, ignore_index=True)


def first_use(docs: Iterable[Doc], term: str) -> dict[str, object]:
    """Evidence for a term: the first sentence (and offsets) where one of the Docs uses it."""
    for doc in docs:
        for index, sentence in enumerate(sentence_spans(doc)):
            for token in sentence:
                if term_of(token) == term:
                    return {"article_id": doc._.article_id, "start_char": token.idx,
                            "end_char": token.idx + len(token.text), "sentence_index": index,
                            "sentence": sentence.text.strip()}
    return {"article_id": None, "start_char": None, "end_char": None, "sentence_index": None, "sentence": None}


def distinctive_terms(docs: Mapping[str, Doc], articles: pd.DataFrame, *, background: Mapping[str, float] | None = None,
                      prior_size: float | None = None, top: int = 15, min_count: int = 2) -> pd.DataFrame:
    """Per outlet, the lemmas most over-used against the other outlets (z-score), with evidence sentences.

    ``background`` (term -> count) is the prior's corpus; by default the compared corpus itself.
    """
    per_outlet: dict[str, Counter[str]] = {}
    for article_id, outlet in zip(articles["id"], articles["outlet"]):
        if article_id in docs:
            per_outlet.setdefault(outlet, Counter()).update(term_counts(docs[article_id]))
    counts = pd.DataFrame(per_outlet).fillna(0.0).sort_index()
    prior = pd.Series(background, dtype=float) if background is not None else counts.sum(axis=1)
    scored = log_odds_dirichlet(counts, prior, prior_size).rename(columns={"group": "outlet"})
    scored = scored[scored["count"] >= min_count]
    ranked = scored.sort_values(["outlet", "z", "term"], ascending=[True, False, True])
    table = ranked.groupby("outlet", sort=True).head(top).reset_index(drop=True)
    n_articles = articles.groupby("outlet")["id"].nunique()
    table["n_articles"] = table["outlet"].map(n_articles)
    table["n_terms"] = table["outlet"].map(counts.sum())
    table["small_n"] = table["n_articles"].map(stats.too_small)
    outlet_docs = {outlet: [docs[i] for i in articles.loc[articles["outlet"] == outlet, "id"] if i in docs]
                   for outlet in per_outlet}
    evidence = [first_use(outlet_docs[outlet], term) for outlet, term in zip(table["outlet"], table["term"])]
    return pd.concat([table, pd.DataFrame(evidence)], axis=1)


@dataclass(frozen=True)
class NameMention:
    """One mention of a referent under one of its alternative names."""

    article_id: str | None
    referent: str
    name: str
    text: str
    start_char: int
    end_char: int
    sentence_index: int
    sentence: str
    note: str


@lru_cache(maxsize=4)
def naming_matcher(path: Path = LABELS_FILE) -> LexiconMatcher:
    """Matcher of the naming lexicon: one entry per name, grouped by referent (longest match wins)."""
    entries = [make_entry(referent, {**{k: v for k, v in raw.items() if k != "label"}, "id": raw["label"]})
               for referent, spec in read_yaml(path)["referents"].items() for raw in spec["names"]]
    nlp = load_pipeline()
    return LexiconMatcher(nlp.vocab, nlp.make_doc, entries)


def name_mentions(doc: Doc, matcher: LexiconMatcher | None = None) -> list[NameMention]:
    """Every mention of a configured referent in a Doc, with the name used and its sentence."""
    return [NameMention(doc._.article_id, entry.label, entry.entry_id, span.text, span.start_char, span.end_char,
                        index, sentence, entry.note)
            for entry, span, index, sentence in matches_in_sentences(doc, matcher or naming_matcher())]


def mention_table(docs: Mapping[str, Doc], articles: pd.DataFrame) -> pd.DataFrame:
    """All name mentions of all articles, with outlet."""
    matcher = naming_matcher()
    records = [asdict(m) for article_id in articles["id"] if article_id in docs
               for m in name_mentions(docs[article_id], matcher)]
    table = pd.DataFrame(records, columns=list(NameMention.__dataclass_fields__))
    return with_outlet(table, articles)


def naming_table(docs: Mapping[str, Doc], articles: pd.DataFrame) -> pd.DataFrame:
    """Per outlet, referent and name: mentions, share of the referent's mentions (Wilson CI), an example."""
    mentions = mention_table(docs, articles)
    rows = []
    for (outlet, referent), part in mentions.groupby(["outlet", "referent"], sort=True):
        total = len(part)
        for name, named in part.groupby("name", sort=True):
            low, high = stats.wilson_interval(len(named), total)
            example = named.iloc[0]
            rows.append({"outlet": outlet, "referent": referent, "name": name, "count": len(named),
                         "n": total, "share": len(named) / total, "ci_low": low, "ci_high": high,
                         "small_n": stats.too_small(total), "n_articles": named["article_id"].nunique(),
                         "example_article_id": example["article_id"], "example_start_char": example["start_char"],
                         "example_end_char": example["end_char"], "example_sentence": example["sentence"]})
    return pd.DataFrame(rows)


def reporting_cue_records(docs: Mapping[str, Doc], articles: pd.DataFrame) -> pd.DataFrame:
    """Every verb-framed attribution's reporting cue (from presslens.quotes), its category, flag and note."""
    from presslens.quotes import quotes_table, reporting_verbs
    from presslens.quotes.tables import NON_VERB_CUES

    quotes = quotes_table(docs, articles)
    with_verb = quotes[~quotes["cue_lemma"].isin(NON_VERB_CUES)]
    notes = {lemma: entry.get("note", "") for lemma, entry in reporting_verbs().items()}
    records = with_verb.rename(columns={"cue_category": "category", "cue_start": "start_char", "cue_end": "end_char"})
    records = records.assign(category=records["category"].replace("", "unlisted"),
                             evaluative=records["evaluative"].astype(bool), note=records["cue_lemma"].map(notes))
    return records[["article_id", "outlet", "cue", "cue_lemma", "category", "evaluative", "note", "start_char",
                    "end_char", "sentence_index", "sentence"]].reset_index(drop=True)


def reporting_verb_table(docs: Mapping[str, Doc], articles: pd.DataFrame) -> pd.DataFrame:
    """Per outlet and reporting-cue lemma: count, share of the outlet's cues (Wilson CI), evaluative flag, example."""
    cues_found = reporting_cue_records(docs, articles)
    rows = []
    for outlet, part in cues_found.groupby("outlet", sort=True):
        for lemma, used in part.groupby("cue_lemma", sort=True):
            low, high = stats.wilson_interval(len(used), len(part))
            example = used.iloc[0]
            rows.append({"outlet": outlet, "cue_lemma": lemma, "count": len(used), "n": len(part),
                         "share": len(used) / len(part), "ci_low": low, "ci_high": high,
                         "n_articles": part["article_id"].nunique(),
                         "small_n": stats.too_small(len(part)) or stats.too_small(part["article_id"].nunique()),
                         "category": example["category"],
                         "evaluative": example["evaluative"], "example_article_id": example["article_id"],
                         "example_start_char": example["start_char"], "example_end_char": example["end_char"],
                         "example_sentence": example["sentence"]})
    return pd.DataFrame(rows)


def evaluative_share(docs: Mapping[str, Doc], articles: pd.DataFrame) -> pd.DataFrame:
    """Per outlet: share of reporting cues that are evaluative ("claimed", "threatened"); see presslens.quotes."""
    from presslens.quotes import evaluative_share as share_of_evaluative, quotes_table

    return share_of_evaluative(quotes_table(docs, articles))
