"""Framing devices: distinctive vocabulary (Fightin' Words log-odds), names and their descriptors, reporting verbs.

Per document: :func:`term_counts` and :func:`name_mentions` (a parsed Doc in, records out). Corpus level: tables in
(``study.term_counts``, ``study.sentences``, ``study.quotes``), tables out; naming tables are in ``naming.py``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from presslens import stats
from presslens.frames.cues import with_outlet
from presslens.frames.lexicon import (
    FRAMES_FILE,
    LABELS_FILE,
    NAME_LABELS,
    LexiconMatcher,
    make_entry,
    matches_in_sentences,
    read_yaml,
)
from presslens.nlp import load_pipeline

#: Parts of speech whose lemmas count as vocabulary for the distinctive-terms comparison.
CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "ADV"})
#: Entity labels whose mentions the naming tables follow (names, plus nationalities and groups: "Syrian").
NAMING_LABELS = NAME_LABELS | {"NORP"}
#: Dependency relations of words that describe a name ("embattled", "President", "rebel-held").
MODIFIER_DEPS = frozenset({"amod", "compound", "nmod"})
#: Dependency relations by which a name describes a noun ("the Assad regime", "Syrian government").
DESCRIBED_DEPS = frozenset({"compound", "amod"})
MAX_APPOSITION_TOKENS = 10


def term_of(token: Token) -> str | None:
    """The vocabulary item of a token: its lower-cased lemma if it is a content word, else None."""
    if token.pos_ not in CONTENT_POS or token.is_stop or not token.is_alpha or len(token.text) < 2:
        return None
    return token.lemma_.lower()


@lru_cache(maxsize=4)
def boilerplate_matcher(path: Path = FRAMES_FILE) -> PhraseMatcher:
    """Case-insensitive matcher of the boilerplate phrases of the frame lexicon ("READ MORE", "click here")."""
    nlp = load_pipeline()
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    phrases = [str(item) for raw in read_yaml(path).get("boilerplate", []) for item in make_entry("_", raw).items]
    matcher.add("boilerplate", [nlp.make_doc(phrase.lower()) for phrase in phrases])
    return matcher


def term_counts(doc: Doc) -> Counter[str]:
    """Lemma counts of a Doc's content words, leaving out boilerplate phrases ("READ MORE")."""
    skipped = {i for _, start, end in boilerplate_matcher()(doc) for i in range(start, end)}
    return Counter(term for token in doc if token.i not in skipped and (term := term_of(token)))


def log_odds_dirichlet(counts: pd.DataFrame, prior: pd.Series, prior_size: float | None = None,
                       min_count: float = 0.0, block: int = 32) -> pd.DataFrame:
    """Monroe, Colaresi & Quinn (2008) log-odds with an informative Dirichlet prior, each group vs the rest.

    ``counts``: terms x groups; ``prior``: background counts per term (any scale). The prior is rescaled to
    ``prior_size`` pseudo-counts (default: as many as the compared corpus). Returns long rows (group by group)
    with the log-odds delta, its variance and z-score, for the terms a group uses ``min_count`` times or more.
    Computed ``block`` groups at a time as arrays: the rest of a group is the total minus the group.
    """
    prior = prior.reindex(counts.index).fillna(0.0) + 0.01
    alpha = (prior / prior.sum() * (prior_size or counts.to_numpy().sum())).to_numpy()[:, None]
    alpha_total = alpha.sum()
    values = counts.to_numpy(dtype=float)
    total, grand = values.sum(axis=1, keepdims=True), values.sum()
    terms, groups = counts.index.to_numpy(), counts.columns.to_numpy()
    rows = []
    for first in range(0, values.shape[1], block):
        own = values[:, first:first + block]
        rest = total - own
        n_own = own.sum(axis=0, keepdims=True)
        n_rest = grand - n_own
        with np.errstate(divide="ignore", invalid="ignore"):  # a group alone has no rest: inf / nan, as pandas gave
            delta = (np.log((own + alpha) / (n_own + alpha_total - own - alpha))
                     - np.log((rest + alpha) / (n_rest + alpha_total - rest - alpha)))
            z = delta / np.sqrt(1 / (own + alpha) + 1 / (rest + alpha))
        group_at, term_at = np.nonzero((own >= min_count).T)  # group by group, terms in order
        rows.append(pd.DataFrame({"group": groups[first + group_at], "term": terms[term_at],
                                  "count": own.T[group_at, term_at], "count_rest": rest.T[group_at, term_at],
                                  "log_odds": delta.T[group_at, term_at], "z": z.T[group_at, term_at]}))
    return pd.concat(rows, ignore_index=True)


def outlet_name_terms(outlets: list[str]) -> set[str]:
    """The lower-cased words and initials of outlets' names ("Deutsche Welle" -> deutsche, welle, dw): not an
    outlet's distinctive vocabulary."""
    names = [re.findall(r"[a-z]+", str(outlet).lower()) for outlet in outlets]
    initials = {"".join(word[0] for word in words) for words in names if len(words) > 1}
    return {word for words in names for word in words if len(word) > 2} | initials


def repeated_sentence_terms(sentences: pd.DataFrame, articles: pd.DataFrame, min_articles: int = 3
                            ) -> set[tuple[str, str]]:
    """(outlet, word) pairs of boilerplate: words mostly found in lines an outlet repeats in ``min_articles`` articles.

    Lines repeated verbatim (digits aside) across an outlet's articles are sign-ups, credits, "READ MORE" or photo
    captions; a word is left out for that outlet when most of its sentences holding it are such lines (counted as
    sparse line x word matrices, one row per distinct line of an article).
    """
    from sklearn.feature_extraction.text import CountVectorizer

    table = with_outlet(sentences[["article_id", "text"]], articles).dropna(subset=["outlet"])
    table = table.assign(key=table["text"].str.strip().str.lower().str.replace(r"\d+", "#", regex=True))
    lines = table.drop_duplicates(["article_id", "key"])
    repeated = (lines.groupby(["outlet", "key"])["article_id"].transform("size") >= min_articles).to_numpy()
    vectorizer = CountVectorizer(binary=True, lowercase=False, token_pattern=r"[a-z]+")
    try:
        holds = vectorizer.fit_transform(lines["key"])  # line x word: whether the line holds the word
    except ValueError:  # no line holds a word
        return set()
    codes, outlets = pd.factorize(lines["outlet"])
    by_outlet = sparse.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))),
                                  shape=(len(outlets), len(codes)))
    lines_with = (by_outlet @ holds).tocsr()  # outlet x word: its lines holding the word
    repeated_with = (by_outlet @ sparse.diags(repeated.astype(float)) @ holds).tocoo()  # ... of them repeated
    words = vectorizer.get_feature_names_out()
    return {(outlets[o], words[w]) for o, w, n in zip(repeated_with.row, repeated_with.col, repeated_with.data)
            if n >= min_articles and n > 0.5 * lines_with[o, w]}


class SentenceSearch:
    """One outlet's sentences joined into one text (a newline between two), to find a word's first use quickly."""

    def __init__(self, sentences: pd.DataFrame) -> None:
        """Join the sentences in their order and remember where each starts."""
        self.rows = sentences[["article_id", "start_char", "sentence_index", "text"]].astype({"text": str})
        self.texts = self.rows["text"].tolist()
        self.starts = np.cumsum([0] + [len(text) + 1 for text in self.texts[:-1]])
        self.joined = "\n".join(self.texts)

    def first_use(self, term: str) -> dict[str, object]:
        """The first sentence (and offsets of the word) that uses a form starting with ``term``."""
        found = re.compile(rf"\b{re.escape(term)}\w*", re.IGNORECASE).search(self.joined)
        if not found:
            return {"article_id": None, "start_char": None, "end_char": None, "sentence_index": None, "sentence": None}
        k = int(np.searchsorted(self.starts, found.start(), side="right")) - 1
        within = found.start() - int(self.starts[k])
        row = self.rows.iloc[k]
        return {"article_id": row["article_id"], "start_char": int(row["start_char"]) + within,
                "end_char": int(row["start_char"]) + within + len(found.group()),
                "sentence_index": int(row["sentence_index"]), "sentence": self.texts[k].strip()}


def distinctive_terms(term_table: pd.DataFrame, articles: pd.DataFrame, sentences: pd.DataFrame | None = None, *,
                      background: Mapping[str, float] | None = None, prior_size: float | None = None,
                      top: int = 15, min_count: int = 2) -> pd.DataFrame:
    """Per outlet, the lemmas most over-used against the other outlets (z-score), with counts and evidence.

    ``term_table`` is ``study.term_counts`` (article_id, term, count). Each outlet's own name and the words of
    repeated boilerplate lines (from ``sentences``) are left out; ``attrs["excluded"]`` lists them.
    ``background`` (term -> count) is the prior's corpus; by default the compared corpus itself.
    """
    terms = with_outlet(term_table, articles).dropna(subset=["outlet"])
    excluded = repeated_sentence_terms(sentences, articles) if sentences is not None else set()
    excluded |= {(outlet, word) for outlet in terms["outlet"].unique() for word in outlet_name_terms([outlet])}
    dropped = pd.MultiIndex.from_tuples(sorted(excluded), names=["outlet", "term"]) if excluded else None
    if dropped is not None:
        terms = terms[~pd.MultiIndex.from_frame(terms[["outlet", "term"]]).isin(dropped)]
    counts = terms.pivot_table(index="term", columns="outlet", values="count", aggfunc="sum", fill_value=0)
    prior = pd.Series(background, dtype=float) if background is not None else counts.sum(axis=1)
    scored = log_odds_dirichlet(counts.astype(float), prior, prior_size, min_count).rename(columns={"group": "outlet"})
    scored = scored.astype({"count": int, "count_rest": int})
    ranked = scored.sort_values(["outlet", "z", "term"], ascending=[True, False, True])
    table = ranked.groupby("outlet", sort=True).head(top).reset_index(drop=True)
    used_in = terms.groupby(["outlet", "term"])["article_id"].nunique()
    table["articles_using"] = [used_in.get((outlet, term), 0) for outlet, term in zip(table["outlet"], table["term"])]
    table["n_articles"] = table["outlet"].map(articles.groupby("outlet")["id"].nunique())
    table["n_terms"] = table["outlet"].map(counts.sum())
    table["small_n"] = table["n_articles"].map(stats.too_small)
    if sentences is not None:
        search = {outlet: SentenceSearch(part) for outlet, part in with_outlet(sentences, articles).groupby("outlet")
                  if outlet in set(table["outlet"])}
        evidence = [search[outlet].first_use(term) for outlet, term in zip(table["outlet"], table["term"])]
        table = pd.concat([table, pd.DataFrame(evidence, index=table.index)], axis=1)
    present = set(term_table["term"])
    table.attrs["excluded"] = sorted(f"{word} ({outlet})" for outlet, word in excluded if word in present)
    return table


@dataclass(frozen=True)
class NameMention:
    """One mention of a name: a named entity with the words describing it, or a referent of a labels file."""

    article_id: str | None
    kind: str  # "entity" (a named entity) or "label" (a name of a referent in a labels file)
    referent: str  # the labels file's referent, or the entity label (PERSON, ORG, GPE, NORP, ...)
    name: str  # the labels file's name, or the entity's text
    text: str
    start_char: int
    end_char: int
    sentence_index: int
    sentence: str
    descriptor: str  # the noun the name describes: "regime" in "the Assad regime"
    apposition: str  # "the Syrian president" in "Bashar al-Assad, the Syrian president,"
    modifiers: str  # lemmas describing the name, "; "-joined: "embattled; president"
    note: str


@lru_cache(maxsize=4)
def naming_matcher(path: Path = LABELS_FILE) -> LexiconMatcher:
    """Matcher of a labels file: one entry per name, grouped by referent (longest match wins; names are safe)."""
    entries = [make_entry(referent, {**{k: v for k, v in raw.items() if k != "label"}, "id": raw["label"],
                                     "entity_safe": True})
               for referent, spec in (read_yaml(Path(path)).get("referents") or {}).items() for raw in spec["names"]]
    nlp = load_pipeline()
    return LexiconMatcher(nlp.vocab, nlp.make_doc, entries)


def described_noun(entity: Span) -> str:
    """The lemma of the common noun a name modifies ("regime" in "the Assad regime"), else ''."""
    root = entity.root
    head = root.head
    if root.dep_ in DESCRIBED_DEPS and head.i not in range(entity.start, entity.end) and head.pos_ == "NOUN":
        return head.lemma_.lower()
    return ""


def apposition_of(entity: Span) -> str:
    """The apposition of a name: its appositive, or the noun phrase it stands in apposition to."""
    root = entity.root
    inside = range(entity.start, entity.end)
    for child in root.children:
        if child.dep_ == "appos" and child.i not in inside:
            return phrase([token for token in child.subtree if not token.is_punct])
    if root.dep_ == "appos" and root.head.i not in inside:
        own = {token.i for token in root.subtree}
        words = [token for token in root.head.subtree if token.i not in own and not token.is_punct
                 and token.i <= root.head.i + 1]
        return phrase(words)
    return ""


def phrase(words: list[Token]) -> str:
    """The text of a short noun phrase (up to MAX_APPOSITION_TOKENS words, with a noun), else ''."""
    if not 0 < len(words) <= MAX_APPOSITION_TOKENS or not any(word.pos_ in ("NOUN", "PROPN") for word in words):
        return ""
    return " ".join(word.text for word in words)


def modifiers_of(entity: Span) -> str:
    """Lemmas of the words outside a name that modify it ("embattled", "president"), '; '-joined."""
    inside = range(entity.start, entity.end)
    words = [child for token in entity for child in token.children
             if child.i not in inside and child.dep_ in MODIFIER_DEPS and child.pos_ in CONTENT_POS
             and child.ent_type_ not in NAME_LABELS and child.is_alpha]
    return "; ".join(dict.fromkeys(word.lemma_.lower() for word in sorted(words, key=lambda token: token.i)))


def entity_mentions(doc: Doc) -> list[NameMention]:
    """Every named-entity mention of a Doc (names and nationalities) with its descriptor, apposition, modifiers."""
    sentences = list(doc.sents)
    index_of = {sentence.start: index for index, sentence in enumerate(sentences)}
    return [NameMention(doc._.article_id, "entity", entity.label_, entity.text, entity.text, entity.start_char,
                        entity.end_char, index_of[entity.sent.start], entity.sent.text.strip(),
                        described_noun(entity), apposition_of(entity), modifiers_of(entity), "")
            for entity in doc.ents if entity.label_ in NAMING_LABELS]


def name_mentions(doc: Doc, matcher: LexiconMatcher | None = None) -> list[NameMention]:
    """Every named entity of a Doc with the words describing it, and every name of a labels-file referent."""
    labelled = [NameMention(doc._.article_id, "label", entry.label, entry.entry_id, span.text, span.start_char,
                            span.end_char, index, sentence, "", "", "", entry.note)
                for entry, span, index, sentence in matches_in_sentences(doc, matcher or naming_matcher())]
    return sorted([*entity_mentions(doc), *labelled], key=lambda mention: (mention.start_char, mention.kind))


def reporting_cue_records(quotes: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Every verb-framed attribution's reporting cue (``study.quotes``): the cue's offsets, category, flag and note."""
    from presslens.quotes import reporting_verbs
    from presslens.quotes.tables import NON_VERB_CUES

    quotes = with_outlet(quotes.drop(columns="outlet", errors="ignore"), articles).dropna(subset=["outlet"])
    with_verb = quotes[~quotes["cue_lemma"].isin(NON_VERB_CUES)]
    notes = {lemma: entry.get("note", "") for lemma, entry in reporting_verbs().items()}
    records = with_verb.drop(columns=["start_char", "end_char"]).rename(
        columns={"cue_category": "category", "cue_start": "start_char", "cue_end": "end_char"})
    records = records.assign(category=records["category"].replace("", "unlisted"),
                             evaluative=records["evaluative"].astype(bool), note=records["cue_lemma"].map(notes))
    return records[["article_id", "outlet", "cue", "cue_lemma", "category", "evaluative", "note", "start_char",
                    "end_char", "sentence_index", "sentence"]].reset_index(drop=True)


def reporting_verb_table(quotes: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Per outlet and reporting-cue lemma: count, share of the outlet's cues (Wilson CI), evaluative flag, example.

    The example is the lemma's first cue in the outlet, in the quote table's order.
    """
    cues_found = reporting_cue_records(quotes, articles)
    outlets = cues_found.groupby("outlet", sort=True).agg(n=("cue_lemma", "size"), n_articles=("article_id", "nunique"))
    outlets["small_n"] = [stats.too_small(n) or stats.too_small(n_articles)
                          for n, n_articles in zip(outlets["n"], outlets["n_articles"])]
    counts = cues_found.groupby(["outlet", "cue_lemma"], sort=True).size().rename("count").reset_index()
    examples = cues_found.drop_duplicates(["outlet", "cue_lemma"]).rename(columns={
        "article_id": "example_article_id", "start_char": "example_start_char", "end_char": "example_end_char",
        "sentence": "example_sentence"})
    table = counts.join(outlets, on="outlet").merge(examples, on=["outlet", "cue_lemma"], how="left")
    table["share"] = table["count"] / table["n"]
    bounds = [stats.wilson_interval(count, n) for count, n in zip(table["count"], table["n"])]
    table["ci_low"], table["ci_high"] = [low for low, _ in bounds], [high for _, high in bounds]
    return table[["outlet", "cue_lemma", "count", "n", "share", "ci_low", "ci_high", "n_articles", "small_n",
                  "category", "evaluative", "example_article_id", "example_start_char", "example_end_char",
                  "example_sentence"]]


def evaluative_share(quotes: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Per outlet: share of reporting cues that are evaluative ("claimed", "threatened"); see presslens.quotes."""
    from presslens.quotes import evaluative_share as share_of_evaluative

    if quotes.empty:
        return pd.DataFrame(columns=["outlet", "n", "count", "share", "ci_low", "ci_high", "small_n", "n_articles"])
    return share_of_evaluative(with_outlet(quotes.drop(columns="outlet", errors="ignore"), articles)
                               .dropna(subset=["outlet"]))
