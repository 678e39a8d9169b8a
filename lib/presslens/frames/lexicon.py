"""Lexicon files (YAML under data/lexicons) turned into spaCy matchers: lemmas, exact terms, token patterns.

Which matches count: a match inside a longer match of the same lexicon (of any label, or of a phrase listed as
no cue) is dropped, so multiword entries take precedence; a match touching a named entity (a person,
organisation, place, event, law, work or product) is dropped unless its entry is marked ``entity_safe``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans
from spacy.vocab import Vocab

from presslens import paths

FRAMES_FILE = paths.LEXICON_DIR / "frames.yaml"
LABELS_FILE = paths.LEXICON_DIR / "labels.yaml"
ENTRY_KINDS = ("lemmas", "terms", "pattern")
#: Entity labels whose words are names, not cues ("Islamic State", "Amnesty International", "Trump Tower").
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT"})
#: Words a title leaves in lower case ("Department of Justice").
MINOR_WORDS = frozenset({"of", "the", "and", "for", "to", "in", "on", "a", "an", "at", "by"})
#: Matcher key of the phrases that are never cues; they only shadow the shorter cues inside them.
BLOCKED = "_no_cue"


@dataclass(frozen=True)
class Entry:
    """One lexicon entry: the label it signals (a frame, or a name of a referent), its id, kind and note."""

    label: str
    entry_id: str
    kind: str
    items: tuple[Any, ...]
    note: str
    entity_safe: bool = False

    @property
    def key(self) -> str:
        """The matcher key of this entry, unique within a lexicon."""
        return f"{self.label}/{self.entry_id}"


@lru_cache(maxsize=8)
def read_yaml(path: Path) -> dict[str, Any]:
    """A YAML lexicon file, parsed once per process."""
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def make_entry(label: str, raw: dict[str, Any]) -> Entry:
    """Validate one raw YAML entry and turn it into an :class:`Entry`."""
    kinds = [kind for kind in ENTRY_KINDS if kind in raw]
    if len(kinds) != 1 or "id" not in raw or not raw.get("note"):
        raise ValueError(f"lexicon entry {label}/{raw.get('id')}: needs an id, a note and one of {ENTRY_KINDS}")
    if not isinstance(raw.get("entity_safe", False), bool):
        raise ValueError(f"lexicon entry {label}/{raw['id']}: entity_safe must be true or false")
    kind = kinds[0]
    items = (tuple(raw[kind]),) if kind == "pattern" else tuple(str(item) for item in raw[kind])
    return Entry(label, str(raw["id"]), kind, items, str(raw["note"]).strip(), bool(raw.get("entity_safe", False)))


def spellings(words: list[str]) -> set[tuple[str, ...]]:
    """The spellings a lemma sequence may take in spaCy output: lower, first-capitalised, title (with or without
    its minor words capitalised: "Defense of Marriage Act") and upper case."""
    lower = tuple(word.lower() for word in words)
    headline = tuple(word if word in MINOR_WORDS and i else word.capitalize() for i, word in enumerate(lower))
    return {lower, (lower[0].capitalize(), *lower[1:]), tuple(word.capitalize() for word in lower), headline,
            tuple(word.upper() for word in lower)}


def lemma_pattern_docs(vocab: Vocab, tokenize: Any, phrase: str) -> list[Doc]:
    """PhraseMatcher pattern Docs for a lemma phrase, one per spelling, with lemmas set to the words."""
    words = [token.text for token in tokenize(phrase)]
    return [Doc(vocab, words=list(variant), lemmas=list(variant)) for variant in spellings(words)]


class LexiconMatcher:
    """Matches the entries of a lexicon in a parsed Doc: lemma phrases, exact terms and token patterns.

    ``no_cues`` are lemma phrases that are never cues ("Christmas market"): they shadow the cues inside them.
    """

    def __init__(self, vocab: Vocab, tokenize: Any, entries: Iterable[Entry], no_cues: Iterable[str] = ()) -> None:
        self.entries = {entry.key: entry for entry in entries}
        self.key_of = {vocab.strings.add(key): key for key in [*self.entries, BLOCKED]}
        self.lemma_matcher = PhraseMatcher(vocab, attr="LEMMA")
        self.term_matcher = PhraseMatcher(vocab, attr="ORTH")
        self.pattern_matcher = Matcher(vocab)
        for entry in self.entries.values():
            if entry.kind == "lemmas":
                docs = [doc for phrase in entry.items for doc in lemma_pattern_docs(vocab, tokenize, phrase)]
                self.lemma_matcher.add(entry.key, docs)
            elif entry.kind == "terms":
                self.term_matcher.add(entry.key, [tokenize(phrase) for phrase in entry.items])
            else:
                self.pattern_matcher.add(entry.key, [list(entry.items[0])])
        blocked = [doc for phrase in no_cues for doc in lemma_pattern_docs(vocab, tokenize, phrase)]
        if blocked:
            self.lemma_matcher.add(BLOCKED, blocked)

    def raw_matches(self, doc: Doc) -> list[tuple[str, int, int]]:
        """Every (key, start token, end token) any of the three matchers finds, unfiltered."""
        return sorted({(self.key_of[match_id], start, end)
                       for matcher in (self.lemma_matcher, self.term_matcher, self.pattern_matcher)
                       for match_id, start, end in matcher(doc)}, key=lambda m: (m[1], m[2], m[0]))

    def __call__(self, doc: Doc) -> list[tuple[Entry, Span]]:
        """Matched (entry, span) pairs that count: not shadowed, not inside a name, longest per label."""
        found = self.raw_matches(doc)
        in_name = name_tokens(doc)
        by_label: dict[str, list[Span]] = {}
        for key, start, end in found:
            if key == BLOCKED or shadowed(start, end, found):
                continue
            entry = self.entries[key]
            if not entry.entity_safe and any(in_name[start:end]):
                continue
            by_label.setdefault(entry.label, []).append(Span(doc, start, end, label=key))
        kept = [(self.entries[span.label_], span) for spans in by_label.values() for span in filter_spans(spans)]
        return sorted(kept, key=lambda pair: (pair[1].start, pair[0].label))


def name_tokens(doc: Doc) -> list[bool]:
    """Per token, whether it lies in a named entity whose label is a name (:data:`NAME_LABELS`)."""
    flags = [False] * len(doc)
    for entity in doc.ents:
        if entity.label_ in NAME_LABELS:
            flags[entity.start:entity.end] = [True] * len(entity)
    return flags


def shadowed(start: int, end: int, matches: Sequence[tuple[str, int, int]]) -> bool:
    """Whether a longer match covers the token range [start, end) (multiword entries take precedence)."""
    return any(other_start <= start and end <= other_end and other_end - other_start > end - start
               for _, other_start, other_end in matches)


def matches_in_sentences(doc: Doc, matcher: LexiconMatcher) -> list[tuple[Entry, Span, int, str]]:
    """Every lexicon match of a Doc with the index and text of the sentence it stands in."""
    sentences = list(doc.sents)
    sentence_of = {token.i: index for index, sentence in enumerate(sentences) for token in sentence}
    return [(entry, span, sentence_of[span.start], sentences[sentence_of[span.start]].text.strip())
            for entry, span in matcher(doc)]
