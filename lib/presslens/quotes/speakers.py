"""Speakers: resolving mentions within an article and merging name variants into canonical speakers.

Within an article a pronoun or a definite description joins a named speaker only when the article links them (for
"he"/"she" the previous speaker, unless the narration since made another person its subject, else the last named
person; a role the article gave that person for "the minister"); across articles only
names merge, by name variants (al-Assad / Assad, Sergey / Sergei, J. Smith / John Smith), persons by the rule of
``presslens.people`` that the stance actors share. Every record says why its speaker was chosen in ``merge_reason``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from spacy.tokens import Doc, Span, Token

from presslens.people import NameParts, fold, given_names_match, name_key, person_clusters
from presslens.quotes import lexicons
from presslens.syntax import NOMINAL_SUBJECT_DEPS, is_root

NAME_ENTS = ("PERSON",)
ORG_ENTS = ("ORG", "NORP", "GPE", "FAC")
CONNECTORS = {"and", ",", "of", "the", "a", "an", "'s", "’s", '"', "“", "”", "-", "–", "—", "(", ")"}
#: tokens that join the parts of one name when written without spaces ("Kassym-Jomart", "J.R.R.")
NAME_JOINERS = ("-", "–", ".", "'", "’")
#: a name holding one of these is a parse of damaged text ('Don"t'), not a person
QUOTE_CHARS = frozenset('"“”')
DEFINITE_WORDS = frozenset({"the", "this", "that", "these", "those"})
#: heads that work for someone else: a name after their preposition is not theirs ("a spokesperson for X")
NOT_TITLE_HEADS = frozenset({"spokesman", "spokeswoman", "spokesperson", "adviser", "advisor", "aide", "attorney",
                             "lawyer", "counsel", "assistant", "envoy"})


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


def slug(name: str) -> str:
    """A stable id from a name: lower case ASCII words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")


def category_of(words: Iterable[str], speaker_type: str, entity_label: str = "", head: str = "") -> str:
    """The speaker category: by the head noun first, then the other words, the type, the entity label; else unknown."""
    rules = lexicons.speaker_rules()
    lowered = {word.lower() for word in words}
    if head:
        for rule in rules["categories"]:
            if head.lower() in rule["words"]:
                return rule["name"]
    for rule in rules["categories"]:
        if lowered & rule["words"] or speaker_type in rule["types"]:
            return rule["name"]
    for rule in rules["categories"]:
        if entity_label and entity_label in rule["entity_labels"]:
            return rule["name"]
    return rules.get("default_person", "unknown") if speaker_type == "person" else "unknown"


# ------------------------------------------------------------------------------------------- names and roles
def _joins(token: Token) -> bool:
    """Whether a token joins two parts of one name without spaces ("Kassym" "-" "Jomart")."""
    doc = token.doc
    glued_left = token.i > 0 and not doc[token.i - 1].whitespace_
    return token.text in NAME_JOINERS and glued_left and not token.whitespace_


def _breaks_name(token: Token, rules: dict) -> bool:
    """Whether a token cannot start or sit inside a name: a title, an office word, a lower-case word, stray marks."""
    text = token.text
    if _joins(token):
        return False
    if not any(char.isalpha() for char in text) or not text[0].isalpha():
        return True
    if text[0].islower() and token.lower_ not in rules["name_particles"]:
        return True
    lowered = token.lower_.rstrip(".")
    return lowered in rules["titles"] or token.lower_ in rules["titles"] or lowered in rules["name_breakers"]


def _person_entity(tokens: Sequence[Token]) -> list[Token]:
    """The tokens of the mention's PERSON entity: the one holding the mention's head, else the first."""
    runs: list[list[Token]] = []
    for token in tokens:
        if token.ent_type_ not in NAME_ENTS:
            continue
        if runs and token.ent_iob_ == "I" and token.i == runs[-1][-1].i + 1:
            runs[-1].append(token)
        else:
            runs.append([token])
    if not runs:
        return []
    head = _head(tokens)
    return next((run for run in runs if head in run), runs[0])


def split_name(tokens: Sequence[Token]) -> tuple[list[Token], list[Token]]:
    """Split a named mention into (name tokens, role tokens): its PERSON entity (else the last proper-noun run),
    cut after the last title, office word, lower-case word or stray mark before the final name word."""
    rules = lexicons.speaker_rules()
    run = _person_entity(tokens)
    if not run:
        for token in reversed(tokens):
            if token.pos_ == "PROPN" or (run and _joins(token)):
                run.insert(0, token)
            elif run:
                break
    while run and (run[-1].lower_ in ("'s", "’s") or (_joins(run[-1]) and run[-1].text != ".")):
        run = run[:-1]
    breaks = [i for i, token in enumerate(run[:-1]) if _breaks_name(token, rules)]
    if breaks:
        run = run[breaks[-1] + 1 :]
    places = ("GPE", "NORP", "LOC", "ORG", "FAC", "EVENT")
    while len(run) > 1 and (run[0].ent_type_ in places and run[1].ent_type_ in NAME_ENTS and run[0].ent_iob_ == "B"
                            or run[0].tag_ == "NNPS" or _joins(run[0])):
        run = run[1:]
    if run and (not any(token.text[:1].isupper() for token in run) or _breaks_name(run[-1], rules)):
        run = []  # "SNP MP", "isn"t": no name left
    names = {token.i for token in run}
    roles = [token for token in tokens if token.i not in names]
    return run, roles


def name_text(tokens: Sequence[Token]) -> str:
    """A name as written, from its tokens ("Angela Merkel"), without a possessive."""
    text = "".join(token.text_with_ws for token in tokens).strip()
    return re.sub(r"\s*['’]s$", "", text)


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
    """A PERSON entity with the left modifiers of its noun phrase ("German Chancellor Angela Merkel")."""
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
        name = name_text(name_tokens)
        if not name_key(name) or QUOTE_CHARS & set(name):
            continue
        person = _person_for(people, name)
        extra_roles = [token for token in tokens if token.i > ent.end - 1]
        _add_roles(person, role_tokens + extra_roles)
        if person.gender == "any":
            person.gender = _gender(tokens)
        person.positions.append(ent.start_char)
        if ent.root.dep_ in NOMINAL_SUBJECT_DEPS:
            person.subject_positions.append(ent.start_char)
    for ent in doc.ents:  # a bare surname the parser took for an organisation ("Trump said") is that person
        person = people.get(name_key(ent.text)) if ent.label_ == "ORG" and len(ent) == 1 else None
        if person is not None and " " in person.name and ent.root.dep_ in NOMINAL_SUBJECT_DEPS:
            person.positions.append(ent.start_char)
            person.subject_positions.append(ent.start_char)
    return people


def _fitting(people: dict[str, Person], name: str) -> list[Person]:
    """The article's persons a name may refer to: same surname, and given names that fit when it has some."""
    parts = NameParts.of(name)
    same = [person for person in people.values() if person.key == name_key(name)]
    if not parts.given and not same and " " not in name.strip():
        return [person for person in people.values() if " " in person.name and person.name.split()[0] == name.strip()]
    if not parts.given:
        return same
    return [person for person in same
            if not NameParts.of(person.name).given or given_names_match(NameParts.of(person.name), parts)]


def _last_named(persons: list[Person], before: int | None = None) -> Person | None:
    """The person of ``persons`` named last (before char ``before`` when given, else anywhere)."""
    def last(person: Person) -> int:
        positions = [at for at in person.positions if before is None or at < before] or [-1]
        return max(positions)

    return max(persons, key=last) if persons else None


def _person_for(people: dict[str, Person], name: str) -> Person:
    """The article's person a name belongs to, created when new: one surname with other given names is someone else
    ("Bill Clinton" and "Hillary Clinton"), and a later bare surname goes to the one named last."""
    fitting = _fitting(people, name)
    if len(fitting) > 1 and not NameParts.of(name).given:
        return Person(name)  # "Birkhead" in an article naming Larry and Dannielynn Birkhead: not linked
    person = _last_named(fitting)
    if person is None:
        key = name_key(name)
        person = people[key if key not in people else f"{key}#{len(people)}"] = Person(name)
    if len(name) > len(person.name):
        person.name = name
    return person


def lookup(people: dict[str, Person], name: str, before: int) -> Person | None:
    """The article's person a speaker name refers to: the one fitting it, named last before char ``before``; none
    when a bare surname fits several people."""
    fitting = _fitting(people, name)
    if len(fitting) > 1 and not NameParts.of(name).given:
        return None
    return _last_named(fitting, before)


def _add_roles(person: Person, tokens: Sequence[Token]) -> None:
    """Record role phrases and role words (lemmas of nouns/adjectives) of a person."""
    for phrase in role_phrases(tokens):
        if phrase not in person.roles and len(phrase) > 1:
            person.roles.append(phrase)
    own = [t for t in tokens if t.pos_ in ("NOUN", "ADJ", "PROPN") and "pobj" not in (t.dep_, t.head.dep_)]
    person.role_words.update(t.lemma_.lower() for t in own)  # "the lawyer for the woman": lawyer, not woman
    person.role_words.update(t.lower_ for t in own)


# ------------------------------------------------------------------------------------------ mention typing
@dataclass
class Resolved:
    """A resolved speaker: canonical name, type, category, roles and how it was resolved."""

    name: str
    speaker_type: str
    category: str
    roles: list[str]
    resolution: str
    reason: str = ""
    named: bool = False


def _mention_tokens(doc: Doc, record) -> list[Token]:  # noqa: ANN001
    """Tokens of a record's speaker mention."""
    span = doc.char_span(record.speaker_start, record.speaker_end, alignment_mode="expand")
    return list(span) if span is not None else []


def _head(tokens: Sequence[Token]) -> Token:
    """Syntactic head of a token run (the token whose head lies outside the run)."""
    indices = {token.i for token in tokens}
    for token in tokens:
        if token.head.i not in indices or is_root(token):
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


def _is_definite(tokens: Sequence[Token]) -> bool:
    """Whether a description is definite ("the minister", "this official", "the party's leader")."""
    first = next((token for token in tokens if not token.is_punct), None)
    return first is not None and (first.lower_ in DEFINITE_WORDS or first.tag_ == "PRP$" or first.dep_ == "poss")


def _description_matches(person: Person, head: Token, tokens: Sequence[Token]) -> bool:
    """Whether a definite description ("the minister", "the expert") names a role the article gave the person.

    The head noun, or a synonym of it (data/lexicons/speaker_categories.yaml ``role_synonyms``), must be one of the
    person's role words. An indefinite description ("a Western diplomat") introduces someone new and never links.
    """
    if not _is_definite(tokens):
        return False
    names = {token.lower_ for token in tokens if token.pos_ == "PROPN" or token.ent_type_ in ("NORP", "GPE", "ORG")}
    if names - person.role_words:
        return False  # "the UUP leader" is not the DUP leader the article named
    synonyms = lexicons.speaker_rules()["role_synonyms"].get(head.lemma_.lower(), frozenset())
    roles = person.role_words
    return head.lemma_.lower() in roles or head.lower_ in roles or bool(synonyms & roles)


def _under_preposition(token: Token, head: Token) -> bool:
    """Whether a token hangs off the mention head through a preposition or a possessive ("a spokesperson for the
    X Center", "Kemp's campaign"): such a name is not the speaker."""
    while token.i != head.i and token.head.i != token.i:
        if token.dep_ in ("prep", "pobj", "pcomp", "agent", "poss"):
            return True
        token = token.head
    return False


def rules_words(*keys: str) -> frozenset[str]:
    """The union of word lists of the speaker lexicon."""
    rules = lexicons.speaker_rules()
    return frozenset().union(*(rules[key] for key in keys))


def _trailing_name(tokens: Sequence[Token], people: dict[str, Person]) -> list[Token]:
    """The proper-noun run ending a mention after a comma when it is a person the article names ("German political
    scientist and director of the "Policy Research Group," Anna Weber"), else []."""
    run: list[Token] = []
    for token in reversed(tokens):
        if token.pos_ != "PROPN":
            break
        run.insert(0, token)
    before = tokens[len(tokens) - len(run) - 1].text if len(run) < len(tokens) else ""
    known = run and (name_key(run[-1].text) in people or run[-1].ent_type_ in NAME_ENTS)
    return run if known and before in (",", '"', "”") else []


def _another_source(child: Token) -> bool:
    """Whether a conjunct names another source ("X and Sen. Y", "X and other Democrats"), not a second role of the
    same person ("political scientist and director of ...")."""
    return child.dep_ == "conj" and (child.pos_ == "PROPN" or child.tag_ in ("NNS", "NNPS") or bool(child.ent_type_))


def _capitalised_noun(token: Token) -> bool:
    """Whether a capitalised word is a common noun of the speaker lexicon opening a sentence ("Lawyers for ...")."""
    heads = lexicons.speaker_rules()["speaker_heads"]
    lowered = token.lower_
    singular = lowered[:-1] if lowered.endswith("s") else lowered
    return token.is_sent_start and token.ent_type_ not in NAME_ENTS and (lowered in heads or singular in heads)


def _person_after(doc: Doc, tokens: Sequence[Token]) -> list[Token]:
    """A PERSON entity standing right after a description mention (an apposition without commas), else []."""
    at = tokens[-1].i + 1
    if at >= len(doc) or doc[at].ent_type_ not in NAME_ENTS or doc[at].ent_iob_ != "B":
        return []
    run = [doc[at]]
    while run[-1].i + 1 < len(doc) and doc[run[-1].i + 1].ent_iob_ == "I":
        run.append(doc[run[-1].i + 1])
    return run


def _by_first_name(people: dict[str, Person], name: str) -> Person | None:
    """The article's one person whose name starts with a one-word mention (surname-first names: "Wang" of "Wang Yi")."""
    if " " in name:
        return None
    matches = [person for person in people.values() if person.name.split()[0] == name and " " in person.name]
    return matches[0] if len(matches) == 1 else None


def _without_asides(tokens: Sequence[Token], head: Token) -> list[Token]:
    """A mention without a leading pre-conjunction ("both X and Y") and from a parenthesis after its head on
    ("Sen. Y (I-Vt.)", "the Center for Media and Democracy (CMD)")."""
    kept = list(tokens)
    while len(kept) > 1 and kept[0].dep_ == "preconj" and kept[0] is not head:
        kept = kept[1:]
    opening = next((at for at, token in enumerate(kept) if token.text == "(" and token.i > head.i), None)
    return kept[:opening] if opening else kept


def _known_surname(token: Token, people: dict[str, Person]) -> bool:
    """Whether a capitalised word the parser took for a common noun is the surname of a person the article names in
    full ("Sessions said" after "Senator Jeff Sessions")."""
    person = people.get(name_key(token.text)) if token.text[:1].isupper() and token.pos_ == "NOUN" else None
    return person is not None and " " in person.name


def _unresolvable(tokens: Sequence[Token]) -> bool:
    """Whether a mention is only a pronoun or quantifier that cannot name a speaker ("you", "this", "many")."""
    content = [token for token in tokens if not token.is_punct and token.pos_ != "DET"] or list(tokens)
    unresolvable = lexicons.speaker_rules()["unresolvable_pronouns"]
    return all(token.lower_ in unresolvable for token in content)


def is_speaker_head(head: Token) -> bool:
    """Whether a mention head can be a speaker: a name, an entity, or a person/organisation noun of the lexicon."""
    if head.ent_type_ in NAME_ENTS + ORG_ENTS or (head.pos_ == "PROPN" and head.text[:1].isupper()):
        return True
    heads = lexicons.speaker_rules()["speaker_heads"]
    return head.lemma_.lower() in heads or head.lower_ in heads


def _is_named(head: Token) -> bool:
    """Whether a mention head is a name (a proper noun or an entity) rather than a description."""
    return head.ent_type_ in NAME_ENTS + ORG_ENTS or (head.pos_ == "PROPN" and head.text[:1].isupper())


def _unresolved(why: str) -> Resolved:
    """A speaker mention that names nobody."""
    return Resolved("", "unknown", "unknown", [], "unresolved", why)


def _main_clause(subject: Token) -> bool:
    """Whether a subject belongs to its sentence's main clause (its verb is the root or a conjunct of the root)."""
    verb = subject.head
    while verb.dep_ == "conj" and not is_root(verb):
        verb = verb.head
    return verb.dep_ == "ROOT"


def _subject_at(doc: Doc, at: int) -> Token | None:
    """The subject token of a person mentioned at char ``at`` (its name words climbed to the subject)."""
    span = doc.char_span(at, at + 1, alignment_mode="expand")
    token = span[0] if span is not None and len(span) else None
    for _ in range(8):
        if token is None or token.dep_ in NOMINAL_SUBJECT_DEPS:
            return token
        if is_root(token) or token.dep_ not in ("compound", "flat", "amod", "det", "punct"):
            return None
        token = token.head
    return None


def _narrated_subject(doc: Doc, people: dict[str, Person], after: int, before: int, fits,  # noqa: ANN001
                      quoted: Sequence[tuple[int, int]], pronoun: str) -> Person | None:
    """The person the narration made its subject between chars ``after`` and ``before``, who passes ``fits``.

    Only the pronoun's sentence and the one before count (sentences whose subject is the same pronoun continue the
    chain: "Trump is ... He kicked off ... He blamed"). Subjects inside an attribution's content (the speaker's
    words) do not count, nor a relative clause's, nor a subordinate clause's subject in the pronoun's own sentence
    ("When Judge X ruled, he blamed X"); of the latest sentence with a subject left, its main-clause subject wins
    ("Mrs A reacted when Mrs B interjected. '...,' she said"), else its last one.
    """
    own = _sentence_start(doc, before)
    found: list[tuple[int, bool, int, Person]] = []
    for person in people.values():
        if not fits(person):
            continue
        for at in person.subject_positions:
            if not after < at < before or any(start <= at < end for start, end in quoted):
                continue
            subject = _subject_at(doc, at)
            if subject is None or subject.head.dep_ == "relcl":
                continue
            sentence = _sentence_start(doc, at)
            if (sentence != own or _main_clause(subject)) and _sentence_gap(doc, at, before, pronoun) <= 1:
                found.append((sentence, _main_clause(subject), at, person))
    return max(found, key=lambda item: item[:3])[3] if found else None


def _sentence_start(doc: Doc, at: int) -> int:
    """Start char of the sentence holding char ``at``."""
    span = doc.char_span(at, at + 1, alignment_mode="expand")
    return span[0].sent.start_char if span is not None and len(span) else at


def _sentence_gap(doc: Doc, first: int, second: int, pronoun: str = "") -> int:
    """How many sentence starts lie after char ``first`` up to char ``second``, not counting sentences before
    ``second`` whose main-clause subject is ``pronoun``."""
    def continues(sentence: Span) -> bool:
        subjects = [child for child in sentence.root.children if child.dep_ in NOMINAL_SUBJECT_DEPS]
        return sentence.end_char <= second and any(child.lower_ == pronoun for child in subjects)

    return sum(1 for sentence in doc.sents if first < sentence.start_char <= second and not continues(sentence))


def _named_within(doc: Doc, people: dict[str, Person], start: int, end: int, fits) -> Person | None:  # noqa: ANN001
    """The article's person named in full inside a mention at chars [start, end) ("X's letter", "X's lawyer Y")."""
    span = doc.char_span(start, end, alignment_mode="expand")
    names = [token for token in span or [] if token.pos_ == "PROPN" or token.ent_type_ in NAME_ENTS]
    for token in reversed(names):
        person = lookup(people, token.text, end)
        if person is not None and " " in person.name and fits(person):
            return person
    return None


def _resolve_pronoun(pronoun: dict, text: str, doc: Doc, anchor: int, people: dict[str, Person],
                     speakers_so_far: list, quoted: Sequence[tuple[int, int]], opening: int) -> Resolved:
    """A pronoun: the previous person speaker, unless the narration since made another person its subject (then
    that person, for "he"/"she"); a previous indefinite speaker in the sentence before ("an official from X")
    stands for itself (or for the person named in full inside it); else the last named person of its gender;
    "it"/"they": the last organisation (or group, for a plural). ``opening``: where the attribution starts (its
    quote, when the pronoun follows it)."""
    if pronoun["type"] == "person":
        gender = pronoun["gender"]
        fits = lambda p: gender == "any" or p.gender in ("any", gender)  # noqa: E731
        for previous in reversed(speakers_so_far[-1:]):
            if previous.speaker_type != "person":
                continue
            third_person = gender in ("male", "female")
            newer = (_narrated_subject(doc, people, previous.speaker_start, opening, fits, quoted, text.lower())
                     if third_person else None)
            person = lookup(people, previous.speaker, anchor) if previous.speaker_named else None
            if newer is not None and newer is not person:
                why = f"pronoun '{text}' -> {newer.name}, the subject named since the previous speaker"
                category = category_of(newer.role_words, "person")
                return Resolved(newer.name, "person", category, newer.roles, "pronoun", why, True)
            if person is not None and fits(person):
                why = f"pronoun '{text}' -> the previous speaker, {person.name}"
                return Resolved(person.name, "person", previous.speaker_category, person.roles, "pronoun", why, True)
            if previous.speaker_named or _sentence_gap(doc, previous.speaker_start, anchor) > 1:
                continue
            person = _named_within(doc, people, previous.speaker_start, previous.speaker_end, fits)
            if person is not None:
                why = f"pronoun '{text}' -> {person.name}, named in the previous speaker '{previous.speaker_mention}'"
                category = category_of(person.role_words, "person")
                return Resolved(person.name, "person", category, person.roles, "pronoun", why, True)
            mention = doc.char_span(previous.speaker_start, previous.speaker_end, alignment_mode="expand")
            indefinite = previous.speaker_mention.lower().split()[:1] in (["a"], ["an"], ["one"], ["another"])
            if not indefinite or _gender(mention or []) not in ("any", gender):  # "one man told Ms. X; she said"
                continue
            why = f"pronoun '{text}' -> the previous speaker, '{previous.speaker}', in the sentence before"
            return Resolved(previous.speaker, "person", previous.speaker_category, previous.roles, "pronoun", why,
                            False)
        person = _most_recent(people, anchor, fits)
        if person is not None:
            why = f"pronoun '{text}' -> the last person named before it, {person.name}"
            category = category_of(person.role_words, "person")
            return Resolved(person.name, "person", category, person.roles, "pronoun", why, True)
    for previous in reversed(speakers_so_far):
        plural_ok = pronoun.get("number") != "singular" or previous.speaker_type == "organisation"
        if previous.speaker_type in ("organisation", "group") and pronoun["type"] != "person" and plural_ok:
            why = f"pronoun '{text}' -> the last organisation or group speaking, {previous.speaker}"
            return Resolved(previous.speaker, previous.speaker_type, previous.speaker_category, previous.roles,
                            "pronoun", why, previous.speaker_named)
    return _unresolved(f"pronoun '{text}' with nobody before it to refer to")


def _resolve_one(doc: Doc, record, people: dict[str, Person], speakers_so_far: list,  # noqa: ANN001
                 quoted: Sequence[tuple[int, int]] = ()) -> Resolved | None:
    """Resolve one record's speaker mention (explicit, pronoun or description); ``quoted``: the article's contents."""
    tokens = _mention_tokens(doc, record)
    if not tokens:
        return None
    head = _head(tokens)
    pronoun = _pronoun_entry(tokens)
    if pronoun is not None:
        return _resolve_pronoun(pronoun, head.text, doc, record.speaker_start, people, speakers_so_far, quoted,
                                min(record.start_char, record.speaker_start))
    if _unresolvable(tokens):
        return _unresolved(f"'{record.speaker_mention}' cannot name a speaker")
    tokens = _without_asides(tokens, head)
    if _known_surname(head, people) and all(token is head or token.pos_ in ("DET", "PUNCT") for token in tokens):
        person = lookup(people, head.text, record.speaker_start)
        if person is not None:
            why = f"named '{head.text}', the article's {person.name}"
            return Resolved(person.name, "person", category_of(person.role_words, "person"), person.roles, "explicit",
                            why, True)
    following = _person_after(doc, tokens)
    if following and not _person_entity(tokens):
        tokens = tokens + following  # "head of the region Yegor Borisov told TASS": the name stands right after
        head = following[-1]
    titled = head.lower_ in lexicons.speaker_rules()["titles"] and head.lower_ not in NOT_TITLE_HEADS
    trailing = _trailing_name(tokens, people)
    own = [token for token in tokens if not _capitalised_noun(token) and (
        not _under_preposition(token, head) or (titled and token.ent_type_ in NAME_ENTS) or token in trailing)]
    known = any(name_key(token.text) in people for token in own if token.pos_ == "PROPN")
    speaker_type = "person" if known else _mention_type(tokens, head)
    if any(_another_source(child) for child in head.children) and is_speaker_head(head):
        category = category_of(_words(tokens), "group", head=head.lemma_.lower())
        return Resolved(_plain(tokens), "group", category, [], "explicit", "several sources named together", False)
    common_head = head.pos_ == "NOUN" or _capitalised_noun(head)
    if head.lemma_.lower() in rules_words("organisation_words", "document_words"):
        own = [token for token in own if token.dep_ != "compound"]  # "the Trump administration" is not Trump
    named = trailing or [token for token in own if token.ent_type_ in NAME_ENTS or not common_head and (
        name_key(token.text) in people or (token.pos_ == "PROPN" and token.ent_type_ not in ("GPE", "NORP")))]
    if speaker_type == "person" and named:
        name_tokens, role_tokens = split_name(own)
        name = name_text(name_tokens)
        if not name:
            return _unresolved(f"no name in '{record.speaker_mention}'")
        person = lookup(people, name, record.speaker_start) or _by_first_name(people, name)
        roles = role_phrases(role_tokens)
        if person is not None:
            if name_key(name) == person.key and len(name) > len(person.name):
                person.name = name
            roles = person.roles + [role for role in roles if role not in person.roles]
            why = "named" if person.name == name else f"named '{name}', the article's {person.name}"
            category = category_of(person.role_words | _words(role_tokens), "person")
            return Resolved(person.name, "person", category, roles, "explicit", why, True)
        return Resolved(name, "person", category_of(_words(role_tokens), "person"), roles, "explicit", "named", True)
    if not is_speaker_head(head):
        return _unresolved(f"'{record.speaker_mention}' is not a person or organisation")
    words = _words(tokens)
    lemma = head.lemma_.lower()
    if speaker_type == "person":
        person = _most_recent(people, record.speaker_start, lambda p: _description_matches(p, head, tokens))
        if person is not None:
            why = f"description '{record.speaker_mention}' -> {person.name}, whom the article calls '{head.lemma_}'"
            if head.lemma_.lower() not in person.role_words:
                why = f"description '{record.speaker_mention}' -> {person.name}, the article's only match of its kind"
            category = category_of(person.role_words, "person")
            return Resolved(person.name, "person", category, person.roles, "description", why, True)
        category = category_of(words, "person", head=lemma)
        return Resolved(_plain(tokens), "person", category, [], "explicit", "description", False)
    category = category_of(words, speaker_type, head.ent_type_, head=lemma)
    why = "named" if _is_named(head) else "description"
    return Resolved(_plain(tokens), speaker_type, category, [], "explicit", why, _is_named(head))


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
    """Fill speaker, speaker_id, type, category, roles, resolution and merge_reason of an article's records, in
    text order."""
    people = article_people(doc)
    _register_named_speakers(doc, records, people)
    resolved_so_far: list = []
    quoted = [segment for record in records for segment in record.segments]
    for record in records:
        if record.speaker_start < 0:
            previous = resolved_so_far[-1] if resolved_so_far else None
            if previous is not None and record.resolution == "previous":
                _copy_speaker(record, previous)
            else:
                record.resolution = "none"
            continue
        result = _resolve_one(doc, record, people, resolved_so_far, quoted)
        if result is None or not result.name:
            record.speaker_type = "unknown"
            record.resolution = result.resolution if result else "none"
            record.merge_reason = f"article: {result.reason}" if result else ""
            continue
        record.speaker = result.name
        record.speaker_id = slug(result.name)
        record.speaker_type = result.speaker_type
        record.speaker_category = result.category
        record.roles = list(result.roles)
        record.resolution = result.resolution
        record.speaker_named = result.named
        record.merge_reason = f"article: {result.reason}"
        resolved_so_far.append(record)
    return records


def _register_named_speakers(doc: Doc, records: list, people: dict[str, Person]) -> None:  # noqa: ANN001
    """Add named speaker mentions ("German political scientist ... Anna Weber") to the article's persons."""
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
        name = name_text(name_tokens)
        if not name_key(name):
            continue
        person = _person_for(people, name)
        _add_roles(person, role_tokens)
        person.positions.append(record.speaker_start)
        person.subject_positions.append(record.speaker_start)


def _copy_speaker(record, previous) -> None:  # noqa: ANN001
    """Give a follow-on quote the speaker of the attribution before it."""
    for name in ("speaker", "speaker_id", "speaker_type", "speaker_category", "speaker_named"):
        setattr(record, name, getattr(previous, name))
    record.roles = list(previous.roles)
    record.resolution = "previous"
    record.merge_reason = f"article: a follow-on quote of the attribution before it ({previous.speaker})"


# ------------------------------------------------------------------------------------ across the corpus
def _organisation_key(name: str) -> str:
    """Comparison key of an organisation or group name: folded words without a leading article."""
    return re.sub(r"^(?:the|a|an) ", "", " ".join(fold(name).split()))


def canonical_names(names_by_type: Iterable[tuple[str, str]], articles: Mapping[str, set] | None = None
                    ) -> dict[tuple[str, str], tuple[str, str]]:
    """Map (type, name) of named speakers to (canonical name, merge reason): persons by name variants,
    organisations and groups by the same name (case, accents and a leading article ignored). ``articles`` gives
    each person name the articles it was named in (for bare surnames)."""
    counts = Counter(names_by_type)
    mapping: dict[tuple[str, str], tuple[str, str]] = {}
    persons = Counter({name: count for (speaker_type, name), count in counts.items() if speaker_type == "person"})
    persons.update(dict.fromkeys(articles or {}, 0))  # names the corpus gives only outside quotes count as evidence
    for name, target in person_clusters(persons, articles or {}).items():
        mapping[("person", name)] = target
    others: dict[tuple[str, str], list[str]] = {}
    for speaker_type, name in counts:
        if speaker_type != "person":
            others.setdefault((speaker_type, _organisation_key(name)), []).append(name)
    for (speaker_type, _), names in others.items():
        canonical = max(names, key=lambda name: (counts[(speaker_type, name)], len(name), name))
        for name in names:
            reason = "" if name == canonical else f"corpus: '{name}' is {canonical} (the same name)"
            mapping[(speaker_type, name)] = (canonical, reason)
    return mapping


def _with_corpus_reason(reason: str, corpus_reason: str) -> str:
    """A record's merge reason: its article part kept, the corpus part replaced."""
    article_part = reason.split("; corpus: ")[0] if not reason.startswith("corpus: ") else ""
    return "; ".join(part for part in (article_part, corpus_reason) if part)


def canonicalise(records: Sequence, people: Mapping[str, set] | None = None) -> list:  # noqa: ANN001
    """Give records of many articles their corpus-wide speaker: names merge by name variants, descriptions stay
    speakers of their own article (id ``slug@article_id``); each merge's reason is added to ``merge_reason``.

    ``people`` gives the full person names the articles carry outside quotes (``people.full_name_articles`` of the
    PERSON entities) and where: a bare surname joins a person only when the whole corpus, not its quotes alone,
    names nearly only that person with it."""
    named = [record for record in records if record.speaker and record.speaker_named]
    articles: dict[str, set] = {name: set(found) for name, found in (people or {}).items()}
    for record in named:
        if record.speaker_type == "person":
            articles.setdefault(record.speaker, set()).add(record.article_id)
    mapping = canonical_names(((record.speaker_type, record.speaker) for record in named), articles)
    for record in records:
        if not record.speaker:
            record.speaker_id = ""
            continue
        if record.speaker_named:
            record.speaker, corpus_reason = mapping[(record.speaker_type, record.speaker)]
            record.speaker_id = slug(record.speaker)
        else:
            record.speaker_id = f"{slug(record.speaker)}@{record.article_id}"
            corpus_reason = ""
        record.merge_reason = _with_corpus_reason(record.merge_reason, corpus_reason)
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
