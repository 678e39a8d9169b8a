"""Speakers: resolving mentions within an article and merging name variants into canonical speakers."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from spacy.tokens import Doc, Span, Token

from presslens.quotes import lexicons

NAME_ENTS = ("PERSON",)
ORG_ENTS = ("ORG", "NORP", "GPE", "FAC")
SUBJECT_DEPS = ("nsubj", "nsubjpass")
CONNECTORS = {"and", ",", "of", "the", "a", "an", "'s", "’s", '"', "“", "”", "-", "–", "—", "(", ")"}


@dataclass
class Person:
    """A named person of one article: name variants seen, roles and where they were mentioned."""

    name: str
    roles: list[str] = field(default_factory=list)
    role_words: set[str] = field(default_factory=set)
    gender: str = "any"
    positions: list[int] = field(default_factory=list)
    subject_positions: list[int] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The surname key (last word, lower case) the article's variants share."""
        return name_key(self.name)


def name_key(name: str) -> str:
    """Surname key of a name: its last word, lower-cased, without possessive."""
    words = re.sub(r"['’]s$", "", name.strip()).split()
    return words[-1].lower() if words else ""


def slug(name: str) -> str:
    """A stable id from a name: lower case ASCII words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def category_of(words: Iterable[str], speaker_type: str, entity_label: str = "") -> str:
    """The first speaker category whose words, types or entity labels match, else the default / unknown."""
    rules = lexicons.speaker_rules()
    lowered = {word.lower() for word in words}
    for rule in rules["categories"]:
        if speaker_type in rule["types"] or lowered & rule["words"] or entity_label in rule["entity_labels"]:
            return rule["name"]
    return rules.get("default_person", "unknown") if speaker_type == "person" else "unknown"


# ------------------------------------------------------------------------------------------- names and roles
def split_name(tokens: Sequence[Token]) -> tuple[list[Token], list[Token]]:
    """Split a named mention into (name tokens, role tokens): the last proper-noun run, titles stripped."""
    titles = lexicons.speaker_rules()["titles"]
    run: list[Token] = []
    persons = [token for token in tokens if token.ent_type_ in NAME_ENTS]
    if persons:
        tokens_in_run = [persons[0]]
        for token in persons[1:]:
            if token.i != tokens_in_run[-1].i + 1:
                break
            tokens_in_run.append(token)
        tokens = [token for token in tokens if token.i <= tokens_in_run[-1].i]
    for token in reversed(tokens):
        if token.pos_ == "PROPN" or (run and token.text in ("-", ".") ):
            run.insert(0, token)
        elif run:
            break
    title_at = [i for i, token in enumerate(run) if token.lower_ in titles or token.lemma_.lower() in titles]
    if title_at and title_at[-1] < len(run) - 1:
        run = run[title_at[-1] + 1 :]
    while len(run) > 1 and (run[0].ent_type_ in ("GPE", "NORP") or run[0].tag_ == "NNPS" or run[0].text in "-."):
        run = run[1:]
    names = {token.i for token in run}
    roles = [token for token in tokens if token.i not in names]
    return run, roles


def role_phrases(tokens: Sequence[Token]) -> list[str]:
    """Role phrases from role tokens: runs split at commas and "and", determiners dropped."""
    phrases, current = [], []
    for token in tokens:
        if token.text in (",", ";", "(", ")") or token.lower_ == "and":
            if current:
                phrases.append(" ".join(current))
            current = []
        elif not (token.is_punct and token.text not in ("-",)) and token.pos_ != "DET":
            current.append(token.text)
    if current:
        phrases.append(" ".join(current))
    return [phrase for phrase in phrases if phrase and phrase.lower() not in ("'s", "’s")]


def _gender(tokens: Iterable[Token]) -> str:
    """Gender from gendered titles in a mention ("Mr.", "spokeswoman"), else "any"."""
    table = lexicons.speaker_rules().get("gender_titles", {})
    for token in tokens:
        if token.lower_ in table:
            return table[token.lower_]
    return "any"


def _entity_np(ent: Span) -> list[Token]:
    """A PERSON entity with the left modifiers of its noun phrase ("Kazakh President Kassym-Jomart Tokayev")."""
    root = ent.root
    left = [token for token in root.subtree if token.i < ent.start and token.i >= ent.start - 8]
    contiguous: list[Token] = []
    for token in reversed(left):
        if contiguous and token.i != contiguous[0].i - 1:
            break
        if not contiguous and token.i != ent.start - 1:
            break
        contiguous.insert(0, token)
    appositives = [child for child in root.children if child.dep_ == "appos" and child.i > ent.end]
    extra = [token for child in appositives for token in child.subtree]
    return contiguous + list(ent) + extra


def article_people(doc: Doc) -> dict[str, Person]:
    """Named persons of an article by surname key, with their longest name, roles and mention positions."""
    people: dict[str, Person] = {}
    for ent in doc.ents:
        if ent.label_ not in NAME_ENTS:
            continue
        tokens = _entity_np(ent)
        name_tokens, role_tokens = split_name(tokens[: tokens.index(ent[-1]) + 1] if ent[-1] in tokens else tokens)
        if not name_tokens:
            continue
        name = " ".join(token.text for token in name_tokens).replace(" - ", "-").replace(" .", ".")
        key = name_key(name)
        if not key:
            continue
        person = people.setdefault(key, Person(name))
        if len(name) > len(person.name):
            person.name = name
        extra_roles = [token for token in tokens if token.i > ent.end - 1]
        _add_roles(person, role_tokens + extra_roles)
        if person.gender == "any":
            person.gender = _gender(tokens)
        person.positions.append(ent.start_char)
        if ent.root.dep_ in SUBJECT_DEPS:
            person.subject_positions.append(ent.start_char)
    return people


def _add_roles(person: Person, tokens: Sequence[Token]) -> None:
    """Record role phrases and role words (lemmas of nouns/adjectives) of a person."""
    for phrase in role_phrases(tokens):
        if phrase not in person.roles and len(phrase) > 1:
            person.roles.append(phrase)
    person.role_words.update(t.lemma_.lower() for t in tokens if t.pos_ in ("NOUN", "ADJ", "PROPN"))
    person.role_words.update(t.lower_ for t in tokens if t.pos_ in ("NOUN", "ADJ", "PROPN"))


# ------------------------------------------------------------------------------------------ mention typing
@dataclass
class Resolved:
    """A resolved speaker: canonical name, type, category, roles and how it was resolved."""

    name: str
    speaker_type: str
    category: str
    roles: list[str]
    resolution: str


def _mention_tokens(doc: Doc, record) -> list[Token]:  # noqa: ANN001
    """Tokens of a record's speaker mention."""
    span = doc.char_span(record.speaker_start, record.speaker_end, alignment_mode="expand")
    return list(span) if span is not None else []


def _head(tokens: Sequence[Token]) -> Token:
    """Syntactic head of a token run (the token whose head lies outside the run)."""
    indices = {token.i for token in tokens}
    for token in tokens:
        if token.head.i not in indices or token.head is token:
            return token
    return tokens[-1]


def _pronoun_entry(tokens: Sequence[Token]) -> dict | None:
    """Pronoun-table entry when the mention is a bare pronoun."""
    content = [token for token in tokens if not token.is_punct]
    if len(content) == 1 and content[0].pos_ == "PRON":
        return lexicons.speaker_rules()["pronouns"].get(content[0].lower_)
    return None


def _mention_type(tokens: Sequence[Token], head: Token, known_person: bool = False) -> str:
    """person / organisation / group / document / unknown, from entities and the lexicon's word lists."""
    rules = lexicons.speaker_rules()
    lemma = head.lemma_.lower()
    if lemma in rules["document_words"] or head.lower_ in rules["document_words"]:
        return "document"
    if head.ent_type_ in NAME_ENTS or (head.pos_ == "PROPN" and known_person):
        return "person"
    if head.ent_type_ in ORG_ENTS or lemma in rules["organisation_words"] or head.lower_ in rules["organisation_words"]:
        return "organisation"
    if head.tag_ in ("NNS", "NNPS") or head.lower_ in rules["group_words"]:
        return "group"
    return "person"


def _most_recent(people: dict[str, Person], before: int, accept) -> Person | None:  # noqa: ANN001
    """The person mentioned last before char ``before`` (preferring sentence subjects) who passes ``accept``."""
    best, best_at = None, -1
    for person in people.values():
        if not accept(person):
            continue
        positions = [at for at in person.subject_positions if at < before] or [at for at in person.positions if at < before]
        if positions and max(positions) > best_at:
            best, best_at = person, max(positions)
    return best


def _description_matches(person: Person, head: Token, tokens: Sequence[Token]) -> bool:
    """Whether a description ("the expert", "the Kazakh president") fits a person's roles."""
    words = {token.lemma_.lower() for token in tokens if token.pos_ in ("NOUN", "ADJ", "PROPN")}
    if head.lemma_.lower() in person.role_words:
        return True
    described = category_of(words, "person")
    return described not in ("unknown",) and described == category_of(person.role_words, "person")


def _resolve_one(doc: Doc, record, people: dict[str, Person], speakers_so_far: list) -> Resolved | None:  # noqa: ANN001
    """Resolve one record's speaker mention (explicit, pronoun or description)."""
    tokens = _mention_tokens(doc, record)
    if not tokens:
        return None
    head = _head(tokens)
    pronoun = _pronoun_entry(tokens)
    anchor = record.speaker_start
    if pronoun is not None:
        if pronoun["type"] == "person":
            gender = pronoun["gender"]
            fits = lambda p: gender == "any" or p.gender in ("any", gender)  # noqa: E731
            for previous in reversed(speakers_so_far[-1:]):
                person = people.get(name_key(previous.speaker))
                if previous.speaker_type == "person" and person is not None and fits(person):
                    return Resolved(person.name, "person", previous.speaker_category, person.roles, "pronoun")
            person = _most_recent(people, anchor, fits)
            if person is not None:
                return Resolved(person.name, "person", category_of(person.role_words, "person"), person.roles, "pronoun")
        for previous in reversed(speakers_so_far):
            if previous.speaker_type in ("organisation", "group") and pronoun["type"] != "person":
                return Resolved(previous.speaker, previous.speaker_type, previous.speaker_category, previous.roles, "pronoun")
        return Resolved("", pronoun["type"], "unknown", [], "none")
    known = any(name_key(token.text) in people for token in tokens if token.pos_ == "PROPN")
    speaker_type = "person" if known else _mention_type(tokens, head)
    named = [token for token in tokens if token.pos_ == "PROPN" and token.ent_type_ not in ("GPE", "NORP")]
    if speaker_type == "person" and named:
        name_tokens, role_tokens = split_name(tokens)
        name = " ".join(token.text for token in name_tokens).replace(" - ", "-") or record.speaker_mention
        person = people.get(name_key(name))
        roles = role_phrases(role_tokens)
        if person is not None:
            roles = person.roles + [role for role in roles if role not in person.roles]
            return Resolved(person.name, "person", category_of(person.role_words | _words(role_tokens), "person"), roles, "explicit")
        return Resolved(name, "person", category_of(_words(role_tokens), "person"), roles, "explicit")
    words = _words(tokens)
    if speaker_type == "person":
        person = _most_recent(people, anchor, lambda p: _description_matches(p, head, tokens))
        if person is not None:
            return Resolved(person.name, "person", category_of(person.role_words, "person"), person.roles, "description")
        category = category_of(words, "person")
        return Resolved(_plain(tokens), "person", category, [], "explicit")
    return Resolved(_plain(tokens), speaker_type, category_of(words, speaker_type, head.ent_type_), [], "explicit")


def _words(tokens: Iterable[Token]) -> set[str]:
    """Lower-case words and lemmas of tokens."""
    return {token.lower_ for token in tokens} | {token.lemma_.lower() for token in tokens}


def _plain(tokens: Sequence[Token]) -> str:
    """A mention without a leading determiner, e.g. "Kremlin" from "the Kremlin"."""
    kept = list(tokens)
    while kept and (kept[0].pos_ == "DET" or kept[0].is_punct):
        kept = kept[1:]
    return " ".join(token.text for token in kept).replace(" 's", "'s") if kept else ""


def resolve_speakers(doc: Doc, records: list) -> list:  # noqa: ANN001
    """Fill speaker, speaker_id, type, category, roles and resolution of an article's records, in text order."""
    people = article_people(doc)
    _register_named_speakers(doc, records, people)
    resolved_so_far: list = []
    for record in records:
        if record.speaker_start < 0:
            previous = resolved_so_far[-1] if resolved_so_far else None
            if previous is not None and record.resolution == "previous":
                _copy_speaker(record, previous)
            else:
                record.resolution = "none"
            continue
        result = _resolve_one(doc, record, people, resolved_so_far)
        if result is None or not result.name:
            record.speaker_type = result.speaker_type if result else "unknown"
            record.resolution = "none"
            continue
        record.speaker = result.name
        record.speaker_id = slug(result.name)
        record.speaker_type = result.speaker_type
        record.speaker_category = result.category
        record.roles = list(result.roles)
        record.resolution = result.resolution
        resolved_so_far.append(record)
    return records


def _register_named_speakers(doc: Doc, records: list, people: dict[str, Person]) -> None:  # noqa: ANN001
    """Add named speaker mentions ("Kazakh political scientist ... Dosym Satpaev") to the article's persons."""
    rules = lexicons.speaker_rules()
    for record in records:
        tokens = _mention_tokens(doc, record) if record.speaker_start >= 0 else []
        if not tokens or _pronoun_entry(tokens) is not None:
            continue
        name_tokens, role_tokens = split_name(tokens)
        if not name_tokens or name_tokens[-1].ent_type_ in ("GPE", "NORP") or _mention_type(tokens, _head(tokens)) != "person":
            continue
        if {token.lemma_.lower() for token in name_tokens} & rules["organisation_words"]:
            continue
        name = " ".join(token.text for token in name_tokens).replace(" - ", "-")
        person = people.setdefault(name_key(name), Person(name))
        if len(name) > len(person.name):
            person.name = name
        _add_roles(person, role_tokens)
        person.positions.append(record.speaker_start)
        person.subject_positions.append(record.speaker_start)


def _copy_speaker(record, previous) -> None:  # noqa: ANN001
    """Give a follow-on quote the speaker of the attribution before it."""
    for name in ("speaker", "speaker_id", "speaker_type", "speaker_category"):
        setattr(record, name, getattr(previous, name))
    record.roles = list(previous.roles)
    record.resolution = "previous"


# ------------------------------------------------------------------------------------ across the corpus
def canonical_names(names_by_type: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Map (type, name) variants to one canonical name: same surname and compatible given names merge."""
    variants = sorted(set(names_by_type), key=lambda item: (-len(item[1].split()), -len(item[1])))
    canonical: dict[tuple[str, str], str] = {}
    chosen: list[tuple[str, str]] = []
    for speaker_type, name in variants:
        words = {word.lower() for word in name.split()}
        target = name
        if speaker_type == "person":
            for other_type, other in chosen:
                other_words = {word.lower() for word in other.split()}
                if other_type == "person" and name_key(other) == name_key(name) and words <= other_words:
                    target = other
                    break
        else:
            for other_type, other in chosen:
                if other_type == speaker_type and other.lower() == name.lower():
                    target = other
                    break
        if target == name:
            chosen.append((speaker_type, name))
        canonical[(speaker_type, name)] = target
    return canonical


def canonicalise(records: Sequence) -> list:  # noqa: ANN001
    """Rename speakers of records from many articles to their corpus-wide canonical name and id."""
    mapping = canonical_names((record.speaker_type, record.speaker) for record in records if record.speaker)
    for record in records:
        if record.speaker:
            record.speaker = mapping[(record.speaker_type, record.speaker)]
            record.speaker_id = slug(record.speaker)
    _share_categories(records)
    return list(records)


def _share_categories(records: Sequence) -> None:  # noqa: ANN001
    """Give every record of a canonical speaker the speaker's most frequent known category and all its roles."""
    categories: dict[str, Counter] = {}
    roles: dict[str, list[str]] = {}
    for record in records:
        if not record.speaker_id:
            continue
        categories.setdefault(record.speaker_id, Counter())[record.speaker_category] += 1
        known = roles.setdefault(record.speaker_id, [])
        known.extend(role for role in record.roles if role not in known)
    for record in records:
        if not record.speaker_id:
            continue
        counts = categories[record.speaker_id]
        known_categories = [name for name, _ in counts.most_common() if name != "unknown"]
        record.speaker_category = known_categories[0] if known_categories else record.speaker_category
        record.roles = list(roles[record.speaker_id])
