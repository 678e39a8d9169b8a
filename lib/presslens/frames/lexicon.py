"""Lexicon files (YAML under data/lexicons) turned into spaCy matchers: lemmas, exact terms, token patterns."""

from __future__ import annotations

from collections.abc import Iterable
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


@dataclass(frozen=True)
class Entry:
    """One lexicon entry: the label it signals (a frame, or a name of a referent), its id, kind and note."""

    label: str
    entry_id: str
    kind: str
    items: tuple[Any, ...]
    note: str

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
    kind = kinds[0]
    items = (tuple(raw[kind]),) if kind == "pattern" else tuple(str(item) for item in raw[kind])
    return Entry(label, str(raw["id"]), kind, items, str(raw["note"]).strip())


def spellings(words: list[str]) -> set[tuple[str, ...]]:
    """The spellings a lemma sequence may take in spaCy output: lower, first-capitalised, title and upper case."""
    lower = tuple(word.lower() for word in words)
    return {lower, (lower[0].capitalize(), *lower[1:]), tuple(word.capitalize() for word in lower),
            tuple(word.upper() for word in lower)}


def lemma_pattern_docs(vocab: Vocab, tokenize: Any, phrase: str) -> list[Doc]:
    """PhraseMatcher pattern Docs for a lemma phrase, one per spelling, with lemmas set to the words."""
    words = [token.text for token in tokenize(phrase)]
    return [Doc(vocab, words=list(variant), lemmas=list(variant)) for variant in spellings(words)]


class LexiconMatcher:
    """Matches the entries of a lexicon in a parsed Doc: lemma phrases, exact terms and token patterns."""

    def __init__(self, vocab: Vocab, tokenize: Any, entries: Iterable[Entry]) -> None:
        self.entries = {entry.key: entry for entry in entries}
        self.key_of = {vocab.strings.add(key): key for key in self.entries}
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

    def __call__(self, doc: Doc) -> list[tuple[Entry, Span]]:
        """Matched (entry, span) pairs, the longest match kept where one label's matches overlap."""
        by_label: dict[str, list[Span]] = {}
        for matcher in (self.lemma_matcher, self.term_matcher, self.pattern_matcher):
            for match_id, start, end in matcher(doc):
                key = self.key_of[match_id]
                label = self.entries[key].label
                by_label.setdefault(label, []).append(Span(doc, start, end, label=key))
        found = [(self.entries[span.label_], span) for spans in by_label.values() for span in filter_spans(spans)]
        return sorted(found, key=lambda pair: (pair[1].start, pair[0].label))


def matches_in_sentences(doc: Doc, matcher: LexiconMatcher) -> list[tuple[Entry, Span, int, str]]:
    """Every lexicon match of a Doc with the index and text of the sentence it stands in."""
    sentences = list(doc.sents)
    sentence_of = {token.i: index for index, sentence in enumerate(sentences) for token in sentence}
    return [(entry, span, sentence_of[span.start], sentences[sentence_of[span.start]].text.strip())
            for entry, span in matcher(doc)]
