"""The dependency-scoped context of a target mention and the target-dependent features built from it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Span, Token
from textblob import TextBlob
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

#: Dependency labels that open a clause of its own: their subtrees leave the scope unless they hold the mention.
#: (xcomp and conj predicates share the governor's subject, so they stay in; chosen on NewsMTSC dev.)
CLAUSE_DEPS = frozenset({"ccomp", "advcl", "relcl", "parataxis", "csubj", "acl"})
#: Parts of speech that can govern a mention (the predicate whose clause is the mention's context).
PREDICATE_POS = frozenset({"VERB", "AUX"})
#: Words that stand for the target and for other persons in the target-marked text.
TARGET_MARK = "TGT"
OTHER_MARK = "PER"
WINDOW = 5


@dataclass(frozen=True)
class MentionContext:
    """A mention and its dependency-scoped context inside its sentence."""

    mention: Span
    governor: Token
    scope: tuple[Token, ...]
    negated: bool

    @property
    def scope_text(self) -> str:
        """The scope's words in text order, without the negation words (negation is applied separately)."""
        return " ".join(tok.text for tok in self.scope if tok.dep_ != "neg")

    @property
    def sentence(self) -> Span:
        """The sentence holding the mention."""
        return self.mention.sent


def mention_span(doc: Doc, start_char: int, end_char: int) -> Span:
    """The token span covering the characters [start_char, end_char) (expanded to whole tokens)."""
    span = doc.char_span(start_char, end_char, alignment_mode="expand")
    if span is None or len(span) == 0:
        raise ValueError(f"no tokens at characters {start_char}-{end_char}")
    return span


def governor(mention: Span) -> Token:
    """The predicate governing the mention: the nearest verb above its root, else the sentence root."""
    token = mention.root
    while token.head.i != token.i:
        token = token.head
        if token.pos_ in PREDICATE_POS:
            return token
    return token


def _clause_tokens(head: Token, keep: Span) -> list[Token]:
    """The subtree of ``head`` minus child clauses that do not hold the ``keep`` span."""
    tokens = [head]
    for child in head.children:
        holds_mention = child.left_edge.i <= keep.root.i <= child.right_edge.i
        if child.dep_ in CLAUSE_DEPS and not holds_mention:
            continue
        tokens.extend(_clause_tokens(child, keep))
    return tokens


def mention_modifiers(mention: Span) -> list[Token]:
    """The mention's own subtree plus, for a possessive or compound mention, the noun it modifies."""
    tokens = list(mention.root.subtree)
    if mention.root.dep_ in {"poss", "compound", "amod", "nmod"} and mention.root.head.i != mention.root.i:
        head = mention.root.head
        tokens.append(head)
        tokens.extend(child for child in head.children if child.dep_ in {"amod", "compound", "nmod"})
    return tokens


def mention_context(mention: Span) -> MentionContext:
    """The clause headed by the mention's governing predicate plus the mention's modifiers."""
    gov = governor(mention)
    scope = {tok.i: tok for tok in _clause_tokens(gov, mention) + mention_modifiers(mention)}
    negated = any(child.dep_ == "neg" for child in gov.children)
    return MentionContext(mention, gov, tuple(scope[i] for i in sorted(scope)), negated)


@lru_cache(maxsize=1)
def _vader() -> SentimentIntensityAnalyzer:
    """The VADER analyser (its lexicon ships with the package), built once."""
    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=65536)
def textblob_scores(text: str) -> tuple[float, float]:
    """TextBlob polarity and subjectivity of a text (0, 0 for an empty text); cached, as sentences recur."""
    if not text.strip():
        return (0.0, 0.0)
    sentiment = TextBlob(text).sentiment
    return (float(sentiment.polarity), float(sentiment.subjectivity))


@lru_cache(maxsize=65536)
def vader_scores(text: str) -> tuple[float, float, float]:
    """VADER compound, positive and negative scores of a text; cached, as sentences recur."""
    scores = _vader().polarity_scores(text)
    return (scores["compound"], scores["pos"], scores["neg"])


def scoped_polarity(context: MentionContext) -> float:
    """TextBlob polarity of the scope, its sign flipped when the governing predicate is negated."""
    polarity, _ = textblob_scores(context.scope_text)
    return -polarity if context.negated else polarity


def _word(token: Token, mention: Span) -> str:
    """A token as a feature word: the target mark, a person mark, or its lower-case form."""
    if mention.start <= token.i < mention.end:
        return TARGET_MARK
    if token.ent_type_ == "PERSON":
        return OTHER_MARK
    return token.lower_


def _bag(prefix: str, words: list[str], features: dict[str, float]) -> None:
    """Add unigram and bigram counts of ``words`` under ``prefix``."""
    for word in words:
        features[f"{prefix}={word}"] = features.get(f"{prefix}={word}", 0.0) + 1.0
    for first, second in zip(words, words[1:]):
        key = f"{prefix}={first}_{second}"
        features[key] = features.get(key, 0.0) + 1.0


def _collapse(words: list[str]) -> list[str]:
    """Merge runs of the same mark (a multi-token target or person) into one word."""
    return [w for i, w in enumerate(words) if i == 0 or w != words[i - 1] or w not in {TARGET_MARK, OTHER_MARK}]


def dependency_path(mention: Span, gov: Token) -> list[str]:
    """Lemmas and relations on the path from the mention's root up to its governing predicate."""
    steps, token = [f"dep:{mention.root.dep_}"], mention.root
    while token.i != gov.i and token.head.i != token.i:
        steps.append(f"{token.dep_}>{token.head.lemma_.lower()}")
        token = token.head
    return steps


#: Relations whose subtrees describe the mention itself ("Putin, the autocrat", "X who failed").
MODIFIER_DEPS = frozenset({"amod", "appos", "relcl", "acl", "prep"})


def _head_features(mention: Span, feats: dict[str, float]) -> None:
    """The mention's syntactic head and relation, and the lemmas of its modifiers."""
    head = mention.root.head.lemma_.lower()
    feats[f"h={head}"] = 1.0
    feats[f"hd={mention.root.dep_}|{head}"] = 1.0
    for child in mention.root.children:
        if child.dep_ in MODIFIER_DEPS:
            for token in child.subtree:
                feats[f"mod={token.lemma_.lower()}"] = 1.0


def features(context: MentionContext) -> dict[str, float]:
    """Target-dependent features: marked sentence, windows, scope words, dependency path, lexicon scores."""
    mention, sentence = context.mention, context.sentence
    feats: dict[str, float] = {}
    for token in sentence:
        if token.is_alpha and token.ent_type_ != "PERSON" and not mention.start <= token.i < mention.end:
            feats[f"m={token.lemma_.lower()}"] = 1.0
    _head_features(mention, feats)
    words = _collapse([_word(tok, mention) for tok in sentence if not tok.is_space])
    _bag("w", words, feats)
    left = [_word(tok, mention) for tok in sentence if tok.i < mention.start and not tok.is_space][-WINDOW:]
    right = [_word(tok, mention) for tok in sentence if tok.i >= mention.end and not tok.is_space][:WINDOW]
    _bag("l", left, feats)
    _bag("r", right, feats)
    _bag("c", [_word(tok, mention) for tok in context.scope], feats)
    for step in dependency_path(mention, context.governor):
        feats[f"p={step}"] = 1.0
    gov_lemma = context.governor.lemma_.lower()
    feats[f"gov={gov_lemma}"] = 1.0
    feats[f"rel={mention.root.dep_}|{gov_lemma}"] = 1.0
    feats["negated"] = float(context.negated)
    for name, text in {"scope": context.scope_text, "sent": sentence.text,
                       "left": sentence.doc[sentence.start:mention.start].text,
                       "right": sentence.doc[mention.end:sentence.end].text}.items():
        polarity, subjectivity = textblob_scores(text)
        compound, positive, negative = vader_scores(text)
        feats.update({f"tb_pol:{name}": polarity, f"tb_subj:{name}": subjectivity,
                      f"vd_comp:{name}": compound, f"vd_pos:{name}": positive, f"vd_neg:{name}": negative})
    feats["tb_pol:scoped"] = scoped_polarity(context)
    return feats
