"""Stance targets (a targets file) and actor mentions in a parsed Doc, with voice (own or quoted).

``find_mentions`` finds the targets of a targets file; ``find_actor_mentions`` also emits every salient named
entity (persons, organisations, countries and their demonyms), so that actors can be discovered corpus-wide
(:mod:`presslens.stance.actors`). Countries are resolved through the ``countryinfo`` gazetteer: names, other
spellings, demonyms ("Syrian" -> Syria) and capitals used for the government ("Moscow decided" -> Russia).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import countryinfo
import yaml
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from presslens import nlp as pl_nlp
from presslens import paths

TARGETS_FILE = paths.DATA_DIR / "targets.yaml"
#: NER labels whose entities are looked up in the alias table.
NER_LABELS = frozenset({"GPE", "ORG", "PERSON", "NORP", "LOC", "FAC"})
#: How a mention was found, in order of preference when two overlap with the same extent.
SOURCES = ("alias", "ner", "speaker", "entity")
#: NER labels whose entities are candidate actors (find_actor_mentions).
ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
#: Words dropped from the front of an entity's text before it becomes an actor key ("President Putin").
HONORIFICS = frozenset({"President", "Prime", "Minister", "Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Dr", "Dr.",
                        "Sen.", "Senator", "Rep.", "Gov.", "Governor", "Gen.", "General", "Secretary", "Chancellor",
                        "King", "Queen", "Sheikh", "Vice", "Speaker", "Leader", "Chairman", "Foreign"})
OWN, QUOTED = "own", "quoted"
#: Words after a surname that are not the surname ("William B. Taylor Jr.").
NAME_SUFFIXES = frozenset({"Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV"})
#: Surname particles that writers drop ("al-Assad" -> "Assad").
PARTICLES = ("al-", "Al-", "el-", "El-", "ad-", "bin ", "ibn ")
#: Prepositions after which a capital names the place, when a targets file declares none.
LOCATIVE_PREPOSITIONS = frozenset({"in", "at", "to", "from", "near", "into", "via", "through", "around", "outside",
                                   "inside"})
#: Characters stripped from both ends of an entity's text before it becomes an actor key.
PUNCTUATION = "\"'“”‘’«»()[]-–—,.:;!? "


@dataclass(frozen=True)
class Target:
    """One actor: its name, kind, and the strings that refer to it."""

    name: str
    kind: str
    aliases: tuple[str, ...]
    adjectives: tuple[str, ...] = ()
    metonyms: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class TargetSet:
    """All targets, the declared roll-up groups, and the prepositions that make a metonym a place."""

    targets: tuple[Target, ...]
    group_members: tuple[tuple[str, tuple[str, ...]], ...] = ()
    locative_prepositions: frozenset[str] = frozenset()
    dropped: frozenset[str] = frozenset()

    @property
    def groups(self) -> dict[str, tuple[str, ...]]:
        """Declared roll-up groups: group name -> member target names."""
        return dict(self.group_members)

    @property
    def names(self) -> list[str]:
        """Target names in file order."""
        return [target.name for target in self.targets]

    def lookup(self) -> dict[str, tuple[str, str]]:
        """Surface string -> (target name, alias kind) over aliases, adjectives and metonyms."""
        table: dict[str, tuple[str, str]] = {}
        for target in self.targets:
            for kind in ("metonyms", "adjectives", "aliases"):
                for surface in getattr(target, kind):
                    table[surface] = (target.name, kind)
        return table

    def group_of(self, name: str) -> str:
        """The declared group of a target, or the target itself when it belongs to none."""
        return next((group for group, members in self.groups.items() if name in members), name)


@dataclass
class Mention:
    """One mention of a target in a Doc, traceable to the cleaned text, with its voice."""

    article_id: str | None
    target: str
    text: str
    start_char: int
    end_char: int
    source: str
    alias_kind: str
    sentence_index: int
    sentence: str
    voice: str = OWN
    speaker: str = ""
    label: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The mention as a plain record."""
        return asdict(self)


def load_targets(path: str | Path | None = None) -> TargetSet:
    """Read a targets file (``data/targets.yaml`` by default)."""
    raw = yaml.safe_load(Path(path or TARGETS_FILE).read_text(encoding="utf-8"))
    raw["targets"] = raw.get("targets") or {}
    targets = tuple(
        Target(name=name, kind=entry.get("kind", "actor"), aliases=tuple(entry.get("aliases", (name,))),
               adjectives=tuple(entry.get("adjectives", ())), metonyms=tuple(entry.get("metonyms", ())),
               note=entry.get("note", ""))
        for name, entry in raw["targets"].items()
    )
    groups = tuple((group, tuple(members)) for group, members in (raw.get("groups") or {}).items())
    unknown = {m for _, members in groups for m in members} - {t.name for t in targets}
    if unknown:
        raise ValueError(f"groups name unknown targets: {sorted(unknown)}")
    return TargetSet(targets, groups, frozenset(raw.get("locative_prepositions", ())), frozenset(raw.get("drop") or ()))


@lru_cache(maxsize=8)
def _matcher(targets: TargetSet) -> PhraseMatcher:
    """A case-sensitive phrase matcher over every surface string of every target."""
    nlp = pl_nlp.load_pipeline()
    matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
    for surface, (name, kind) in targets.lookup().items():
        matcher.add(f"{name}\t{kind}", [nlp.make_doc(surface)])
    return matcher


def _normalise(text: str) -> str:
    """An entity's text as looked up in the alias table: no leading "the", no possessive."""
    text = text.strip()
    for prefix in ("the ", "The "):
        text = text[len(prefix):] if text.startswith(prefix) else text
    for suffix in ("'s", "’s", "'", "’"):
        text = text[: -len(suffix)] if text.endswith(suffix) else text
    return text.strip()


def _alias_spans(doc: Doc, targets: TargetSet) -> list[tuple[Span, str, str, str]]:
    """(span, target, alias kind, "alias") for every alias pattern match."""
    matcher = _matcher(targets)
    found = []
    for match_id, start, end in matcher(doc):
        name, kind = doc.vocab.strings[match_id].split("\t")
        found.append((doc[start:end], name, kind, "alias"))
    return found


def _ner_spans(doc: Doc, targets: TargetSet) -> list[tuple[Span, str, str, str]]:
    """(span, target, alias kind, "ner") for NER entities whose normalised text is a target's alias."""
    table = targets.lookup()
    found = []
    for ent in doc.ents:
        key = _normalise(ent.text)
        if ent.label_ in NER_LABELS and key in table:
            start = ent.start + 1 if ent[0].lower_ == "the" else ent.start
            end = ent.end - 1 if ent[-1].tag_ == "POS" else ent.end
            if start < end:
                found.append((doc[start:end], *table[key], "ner"))
    return found


def _speaker_spans(doc: Doc, attributions: Sequence[Any], targets: TargetSet) -> list[tuple[Span, str, str, str]]:
    """(span, target, "speaker", "speaker") for quote speakers resolved to a target (e.g. "he" -> Putin)."""
    table = targets.lookup()
    found = []
    for attribution in attributions:
        resolved = table.get(_normalise(attribution.speaker or "")) or _surname_alias(attribution.speaker, targets)
        if resolved is None or attribution.speaker_start < 0:
            continue
        span = doc.char_span(attribution.speaker_start, attribution.speaker_end, alignment_mode="expand")
        if span is not None and len(span):
            found.append((span, resolved[0], "speaker", "speaker"))
    return found


def _surname_alias(name: str, targets: TargetSet) -> tuple[str, str] | None:
    """A person target named by a resolved speaker's surname ("President Vladimir Putin" -> Putin)."""
    words = (name or "").split()
    people = {alias: target.name for target in targets.targets if target.kind == "person" for alias in target.aliases}
    return (people[words[-1]], "aliases") if words and words[-1] in people else None


def _is_title(span: Span, kind: str, taken: list[tuple[Span, str]]) -> bool:
    """Whether an adjective only titles a person ("Russian President Vladimir Putin", "Kyrgyz President Japarov")."""
    if kind != "adjectives":
        return False
    token = span.root
    while token.dep_ in {"amod", "compound", "nmod"} and token.head.i != token.i:
        token = token.head
        if token.ent_type_ == "PERSON" or any(other.start <= token.i < other.end for other, _ in taken):
            return True
    return False


def _is_place(span: Span, kind: str, targets: TargetSet) -> bool:
    """Whether a metonym names the place, not the government (it follows a locative preposition)."""
    head = span.root.head
    prepositions = targets.locative_prepositions or LOCATIVE_PREPOSITIONS
    return kind == "metonyms" and span.root.dep_ == "pobj" and head.lower_ in prepositions


def _select(candidates: Iterable[tuple[Span, str, str, str]], targets: TargetSet) -> list[tuple[Span, str, str, str]]:
    """Longest non-overlapping alias/NER candidates, then speakers where free; minus titles and place names."""
    ranked = sorted(candidates, key=lambda c: (c[3] == "speaker", -(c[0].end - c[0].start), c[0].start,
                                               SOURCES.index(c[3])))
    chosen: list[tuple[Span, str, str, str]] = []
    for candidate in ranked:
        span = candidate[0]
        if any(span.start < other.end and other.start < span.end for other, *_ in chosen):
            continue
        chosen.append(candidate)
    taken = [(span, name) for span, name, kind, _ in chosen if kind != "adjectives"]
    kept = [c for c in chosen if not _is_title(c[0], c[2], taken) and not _is_place(c[0], c[2], targets)]
    return sorted(kept, key=lambda c: c[0].start)


def quote_attributions(doc: Doc) -> list[Any]:
    """The quotes module's attributions of a Doc, or none when that module is not installed."""
    if importlib.util.find_spec("presslens.quotes") is None:
        return []
    from presslens import quotes

    extract = getattr(quotes, "extract_quotes", None)
    return list(extract(doc)) if extract else []


def voice_of(start_char: int, end_char: int, attributions: Sequence[Any]) -> tuple[str, str]:
    """("quoted", speaker) when the characters lie inside a quote's content, else ("own", "")."""
    for attribution in attributions:
        for seg_start, seg_end in attribution.segments:
            if seg_start <= start_char and end_char <= seg_end:
                return QUOTED, attribution.speaker or attribution.speaker_mention or "unknown"
    return OWN, ""


@lru_cache(maxsize=1)
def country_gazetteer() -> dict[str, tuple[str, str]]:
    """Surface -> (country name, alias kind) from ``countryinfo``: names, other spellings, demonyms, capitals."""
    table: dict[str, tuple[str, str]] = {}
    names = set()
    # most populous first, so that a shared demonym or capital ("American") goes to the larger country
    for country in sorted(countryinfo.all_countries(), key=lambda c: -(c.info().get("population") or 0)):
        info, name = country.info(), country.name()
        names.add(name)
        demonym = info.get("demonym") or ""
        capitals = info.get("capital") or []
        for capital in [capitals] if isinstance(capitals, str) else capitals:
            table.setdefault(capital.removesuffix(" D.C."), (name, "metonyms"))
        for surface in filter(None, (demonym, demonym + "s" if demonym and not demonym.endswith("s") else "")):
            table.setdefault(surface, (name, "adjectives"))
        for surface in [name, *(info.get("altSpellings") or [])]:
            if surface.isascii() and len(surface) >= 2 and (surface == name or surface not in names):
                table.setdefault(surface, (name, "aliases"))
                if surface.isupper() and len(surface) <= 3:
                    table.setdefault(".".join(surface) + ".", (name, "aliases"))
    table.update({name: (name, "aliases") for name in names})
    return table


def surname(name: str) -> str:
    """A person's surname without particles ("Bashar al-Assad" -> "Assad", "William B. Taylor Jr." -> "Taylor")."""
    words = [w for w in name.split() if w not in NAME_SUFFIXES]
    last = words[-1] if words else name
    for particle in PARTICLES:
        last = last[len(particle):] if last.startswith(particle) and len(last) > len(particle) else last
    return last


def _surname_spans(doc: Doc, found: Sequence[tuple[Span, str, str, str]],
                   taken: Sequence[Span]) -> list[tuple[Span, str, str, str]]:
    """(span, full name, "PERSON", "entity") for a bare surname of a person named in full elsewhere in the Doc."""
    by_surname: dict[str, set[str]] = {}
    for _, name, kind, _ in found:
        if kind == "PERSON" and len(name.split()) >= 2:
            by_surname.setdefault(surname(name), set()).add(name)
            by_surname.setdefault(name.split()[-1], set()).add(name)
    spans = [s for s, *_ in found] + list(taken)
    extra = []
    for token in doc:
        names = by_surname.get(token.text)
        if names and len(names) == 1 and not any(s.start <= token.i < s.end for s in spans):
            extra.append((doc[token.i:token.i + 1], next(iter(names)), "PERSON", "entity"))
    return extra


@lru_cache(maxsize=4096)
def _stem_country(key: str) -> tuple[str, str] | None:
    """A demonym the gazetteer lacks that is its country's name minus a short ending ("Uzbek", "Tajik")."""
    if " " in key or len(key) < 5 or not key[:1].isupper():
        return None
    for surface, (country, kind) in country_gazetteer().items():
        if kind == "aliases" and surface == country and surface.startswith(key) and len(surface) - len(key) <= 5:
            return (country, "adjectives")
    return None


def actor_key(text: str) -> str:
    """An entity's text as an actor key: no leading "the", possessive or honorific titles, single spaces."""
    words = _normalise(text.strip(PUNCTUATION).replace("`s", "").replace("`", "")).split()
    while len(words) > 1 and words[0] in HONORIFICS:
        words = words[1:]
    return " ".join(words)


def _entity_spans(doc: Doc, taken: Sequence[Span], targets: TargetSet) -> list[tuple[Span, str, str, str]]:
    """(span, actor, alias kind, "entity") for named entities no target mention covers, countries resolved."""
    gazetteer = country_gazetteer()
    found = []
    for ent in doc.ents:
        if ent.label_ not in ACTOR_LABELS or any(ent.start < o.end and o.start < ent.end for o in taken):
            continue
        start = ent.start + 1 if ent[0].lower_ == "the" else ent.start
        end = ent.end - 1 if ent[-1].tag_ == "POS" else ent.end
        key = actor_key(ent.text)
        if start >= end or not any(ch.isalpha() for ch in key):
            continue
        country, kind = (gazetteer.get(key) or gazetteer.get(key.replace(".", "")) or _stem_country(key)
                         or (key, ent.label_))
        found.append((doc[start:end], country, kind, "entity"))
    found += _surname_spans(doc, found, taken)
    return [c for c in found if not _is_title(c[0], c[2], [(s, n) for s, n, *_ in found] + [(s, "") for s in taken])
            and not _is_place(c[0], c[2], targets)]


def find_actor_mentions(
    doc: Doc, targets: TargetSet | None = None, attributions: Sequence[Any] | None = None
) -> list[Mention]:
    """Target mentions (as :func:`find_mentions`) plus every other person, organisation, country or group entity.

    A non-target entity's ``target`` is its actor key (countries resolved by the gazetteer), ``source`` is
    "entity" and ``label`` its NER label; :func:`presslens.stance.actors.canonical_actors` merges the variants.
    """
    targets = targets or load_targets()
    attributions = quote_attributions(doc) if attributions is None else attributions
    mentions = find_mentions(doc, targets, attributions)
    label_of = {(ent.start_char, ent.end_char): ent.label_ for ent in doc.ents}
    taken = [doc.char_span(m.start_char, m.end_char, alignment_mode="expand") for m in mentions]
    for mention in mentions:
        mention.label = label_of.get((mention.start_char, mention.end_char), "")
    for span, name, kind, source in _entity_spans(doc, [s for s in taken if s is not None], targets):
        trace = pl_nlp.evidence(span)
        voice, speaker = voice_of(span.start_char, span.end_char, attributions)
        label = next((e.label_ for e in doc.ents if e.start <= span.start and span.end <= e.end), "")
        mentions.append(Mention(trace["article_id"], name, span.text, span.start_char, span.end_char, source, kind,
                                trace["sentence_index"], trace["sentence"], voice, speaker, label))
    return sorted(mentions, key=lambda m: m.start_char)


def find_mentions(
    doc: Doc, targets: TargetSet | None = None, attributions: Sequence[Any] | None = None
) -> list[Mention]:
    """Every target mention in a Doc (alias patterns + NER + quote speakers), with offsets and voice."""
    targets = targets or load_targets()
    attributions = quote_attributions(doc) if attributions is None else attributions
    candidates = _alias_spans(doc, targets) + _ner_spans(doc, targets) + _speaker_spans(doc, attributions, targets)
    mentions = []
    for span, name, kind, source in _select(candidates, targets):
        trace = pl_nlp.evidence(span)
        voice, speaker = voice_of(span.start_char, span.end_char, attributions)
        mentions.append(Mention(trace["article_id"], name, span.text, span.start_char, span.end_char, source, kind,
                                trace["sentence_index"], trace["sentence"], voice, speaker))
    return mentions
