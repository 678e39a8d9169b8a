"""Events: each dated TIMEX3 attached to the predicate it dates, described as a short event phrase."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from presslens.syntax import AGENT_DEP, SUBJECT_DEPS, is_root
from presslens.timeline.timex import Timex, lexicon

#: Entity labels that count as participants of an event.
PARTICIPANT_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT"}
NON_PARTICIPANT_ENTS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "PERCENT", "MONEY"}
#: Who acts in an event: its subject or, in the passive, its agent.
ACTOR_DEPS = SUBJECT_DEPS | {AGENT_DEP}
OBJECT_DEPS = {"dobj", "attr", "oprd", "dative"}
COMPLEMENT_DEPS = {"xcomp", "ccomp"}
RELATIVE_TAGS = {"WDT", "WP", "WP$"}
#: The longest event phrase, in tokens.
MAX_PHRASE_TOKENS = 14
#: How far up the dependency tree a date may sit below its predicate.
MAX_CLIMB = 6


@dataclass
class Event:
    """A dated event: the TIMEX3 that dates it, its predicate, phrase, participants and evidence."""

    article_id: str | None
    event_id: str
    predicate: str
    predicate_lemma: str
    predicate_start_char: int
    predicate_end_char: int
    event_phrase: str
    subject: str
    object: str
    entities: list[str]
    key_terms: list[str]
    event_heads: list[str]
    timex_text: str
    value: str
    start_date: str
    end_date: str
    precision: str
    start_char: int
    end_char: int
    sentence_index: int
    sentence: str
    paragraph_kind: str | None
    tense: str | None = None
    #: Who or what the event happens to: the object, or the subject of a passive ("Comey was fired").
    theme: str = ""


@lru_cache(maxsize=1)
def _event_nouns() -> tuple[frozenset[str], tuple[str, ...]]:
    """Nouns that name events ("summit", "protests") and suffixes of nominalised verbs ("-tion")."""
    lex = lexicon()
    return frozenset(lex["event_nouns"]), tuple(lex["event_noun_suffixes"])


def is_event_noun(token: Token) -> bool:
    """Whether a noun names an event (listed, or a nominalised verb by its suffix)."""
    nouns, suffixes = _event_nouns()
    return token.pos_ == "NOUN" and (token.lemma_.lower() in nouns or token.lower_.endswith(suffixes))


def governing_predicate(span: Span) -> Token:
    """The verb or event noun a temporal expression dates: climb from its head to the first predicate."""
    token = span.root
    for _ in range(MAX_CLIMB):
        if is_root(token):
            return token
        token = token.head
        if token.pos_ == "VERB" or (token.pos_ == "AUX" and token.dep_ == "ROOT") or is_event_noun(token):
            return token
    return token


def _compact(token: Token, limit: int = 6) -> list[Token]:
    """A short span for a subject or object: its compounds, modifiers and the head (no clauses), in text order."""
    keep = [t for t in token.subtree if t.i <= token.i or t.dep_ in ("compound", "flat", "pobj", "prep")]
    keep = [t for t in keep if not t.is_punct and t.dep_ not in ("relcl", "acl", "appos", "advcl", "det") or t is token]
    return sorted((t for t in keep if abs(t.i - token.i) <= limit), key=lambda t: t.i)


def written(tokens: list[Token]) -> str:
    """Tokens as text, spaced as written: "won't", "Trump's" and "al-Assad" stay whole (a hyphen left out between
    two kept words is put back), words apart in the text get a space."""
    pieces = [tokens[0].text] if tokens else []
    for previous, token in zip(tokens, tokens[1:]):
        joined = not previous.whitespace_
        if token.i == previous.i + 2 and token.doc[previous.i + 1].text == "-" and joined \
                and not token.doc[previous.i + 1].whitespace_:
            pieces.append("-")
        elif not (token.i == previous.i + 1 and joined):
            pieces.append(" ")
        pieces.append(token.text)
    return "".join(pieces)


def _subject(predicate: Token) -> Token | None:
    """The subject of a predicate, inherited from the governing verb for infinitives and conjuncts."""
    for candidate in (predicate, predicate.head):
        for child in candidate.children:
            if child.dep_ in ACTOR_DEPS:
                if child.tag_ in RELATIVE_TAGS and predicate.dep_ == "relcl":
                    return predicate.head
                return next(child.children) if child.dep_ == "agent" and any(child.children) else child
        if predicate.dep_ not in ("xcomp", "conj", "advcl", "acl", "relcl"):
            break
    if predicate.dep_ in ("acl", "relcl") and predicate.head.pos_ in ("NOUN", "PROPN"):
        return predicate.head
    return None


def event_phrase(predicate: Token) -> tuple[str, str, str]:
    """A short phrase for the event a predicate names, with its subject and object texts."""
    subject = _subject(predicate)
    parts: list[Token] = []
    objects: list[Token] = []
    for child in predicate.children:
        if child.dep_ in ("neg", "prt", "aux", "auxpass") and child.i < predicate.i + 3:
            parts.append(child)
        elif child.dep_ in OBJECT_DEPS:
            objects.append(child)
        elif child.dep_ in COMPLEMENT_DEPS and child.i > predicate.i:
            parts.extend(t for t in child.subtree if t.i - predicate.i <= 6 and not t.is_punct)
    if predicate.pos_ == "NOUN":
        parts.extend(t for t in predicate.lefts if t.dep_ in ("compound", "amod", "nmod", "poss"))
        parts.extend(t for t in predicate.rights if t.dep_ == "prep" for t in t.subtree if t.i - predicate.i <= 5)
    subject_tokens = _compact(subject) if subject is not None else []
    object_tokens = [t for o in objects for t in _compact(o)]
    covered = {t.i for o in objects for t in o.subtree}
    middle = sorted({t.i: t for t in [*parts, predicate]}.values(), key=lambda t: t.i)
    before = subject is not None and subject.i < predicate.i
    sequence = [*(subject_tokens if before else []), *(t for t in middle if t.i <= predicate.i), *object_tokens,
                *(t for t in middle if t.i > predicate.i and t.i not in covered),
                *(subject_tokens if not before else [])]
    return written(sequence[:MAX_PHRASE_TOKENS]), written(subject_tokens), written(object_tokens)


def participants(predicate: Token) -> list[str]:
    """Named entities in the predicate's clause (people, organisations, places that take part rather than only
    locate it) and proper nouns the entity recogniser missed ("OPEC summit"), in text order, unique."""
    doc = predicate.doc
    low, high = predicate.left_edge.i, predicate.right_edge.i
    if predicate.pos_ == "NOUN" and not is_root(predicate):
        low, high = min(low, predicate.head.left_edge.i), max(high, predicate.head.right_edge.i)
    subject = _subject(predicate)
    if subject is not None and predicate.dep_ in ("acl", "relcl"):
        low = min(low, subject.left_edge.i)
    seen: dict[str, None] = {}
    for ent in doc.ents:
        if ent.label_ in PARTICIPANT_LABELS and ent.start >= low and ent.end - 1 <= high and not is_setting(ent):
            seen.setdefault(ent.text.removeprefix("the ").strip(), None)
    for token in doc[low:high + 1]:
        if token.pos_ == "PROPN" and not token.ent_type_ and token.is_alpha and len(token.text) > 1:
            seen.setdefault(token.text, None)
    return list(seen)


#: Prepositions that make a place the setting of an event ("in Aleppo", "to the US"), not one of its participants.
SETTING_PREPOSITIONS = {"in", "at", "to", "from", "near", "over", "across", "into", "inside", "outside", "around",
                        "through", "throughout", "via", "off", "toward", "towards", "within", "between"}


def is_setting(ent: Span) -> bool:
    """Whether a place is where an event happens rather than who takes part ("flew to Frankfurt")."""
    head = ent.root.head
    return ent.label_ in ("GPE", "LOC", "FAC") and ent.root.dep_ == "pobj" and head.lower_ in SETTING_PREPOSITIONS


def key_terms(predicate: Token) -> list[str]:
    """Lower-case lemmas of the nouns and names around a predicate (subject, object, entities): merge keys."""
    subject = _subject(predicate)
    heads = [t for t in [subject, *(c for c in predicate.children if c.dep_ in OBJECT_DEPS or c.dep_ == "prep")] if t is not None]
    if predicate.pos_ == "NOUN":
        heads += [t for t in predicate.subtree if t is not predicate]
    terms = {t.lemma_.lower() for head in heads for t in head.subtree
             if t.pos_ in ("NOUN", "PROPN") and not t.is_stop and abs(t.i - predicate.i) <= 12
             and t.ent_type_ not in NON_PARTICIPANT_ENTS}
    terms |= {word.lower() for name in participants(predicate) for word in name.split() if word[:1].isupper()}
    terms.discard(predicate.lemma_.lower())
    return sorted(terms)


def event_heads(predicate: Token) -> list[str]:
    """What the event is called: the predicate's lemma and event nouns it governs ("summit" in "the summit began")."""
    subject = _subject(predicate)
    nearby = [t for t in predicate.children if t.dep_ in (*ACTOR_DEPS, *OBJECT_DEPS)] + [subject] * (subject is not None)
    return sorted({predicate.lemma_.lower(), *(t.lemma_.lower() for t in nearby if is_event_noun(t))})


def theme(predicate: Token) -> str:
    """Who or what the event happens to: the object (a relative pronoun read as the noun it stands for), else the
    subject of a passive verb; "" for none. Only the name: its compounds and head ("FBI Director James Comey")."""
    target = None
    for child in predicate.children:
        if child.dep_ == "dobj":
            target = predicate.head if child.tag_ in RELATIVE_TAGS and predicate.dep_ == "relcl" else child
            break
    else:
        if any(child.dep_ == "auxpass" for child in predicate.children):
            target = _subject(predicate)
    if target is None or target.tag_ in RELATIVE_TAGS or target.pos_ == "PRON":
        return ""
    return " ".join(t.text for t in [*(c for c in target.lefts if c.dep_ == "compound"), target])


def event_for(doc: Doc, predicate: Token, timex: Timex | None, event_id: str) -> Event:
    """The event record of a predicate, dated by a TIMEX3 (or undated)."""
    phrase, subject, obj = event_phrase(predicate)
    return Event(
        article_id=doc._.article_id, event_id=event_id, predicate=predicate.text,
        predicate_lemma=predicate.lemma_.lower(), predicate_start_char=predicate.idx,
        predicate_end_char=predicate.idx + len(predicate.text), event_phrase=phrase, subject=subject, object=obj,
        entities=participants(predicate), key_terms=key_terms(predicate), event_heads=event_heads(predicate),
        timex_text=timex.text if timex else "", value=timex.value if timex else "",
        start_date=timex.start_date if timex else "", end_date=timex.end_date if timex else "",
        precision=timex.precision if timex else "", start_char=timex.start_char if timex else predicate.idx,
        end_char=timex.end_char if timex else predicate.idx + len(predicate.text),
        sentence_index=timex.sentence_index if timex else -1,
        sentence=timex.sentence if timex else predicate.sent.text.strip(),
        paragraph_kind=predicate._.paragraph_kind, tense=timex.tense if timex else None, theme=theme(predicate),
    )


def extract_events(doc: Doc, timexes: list[Timex]) -> list[Event]:
    """One event per calendar-dated DATE/TIME expression: the predicate it dates and the event phrase.

    A dateline ("MOSCOW, February 7 (TASS) -") dates the article, not an event; the end of a range ("from 2013 to
    2014") belongs to the event its start dates.
    """
    events = []
    for timex in timexes:
        if timex.type not in ("DATE", "TIME") or not timex.start_date or timex.role in ("dateline", "range_end"):
            continue
        span = doc.char_span(timex.start_char, timex.end_char, alignment_mode="expand")
        predicate = governing_predicate(span)
        if predicate.i in range(span.start, span.end):
            continue
        events.append(event_for(doc, predicate, timex, f"{doc._.article_id}:e{len(events) + 1}"))
    return events
