"""Dependency-structure helpers every analysis shares (spaCy's English ClearNLP labels), defined once."""

from __future__ import annotations

from spacy.tokens import Token

#: Nominal subjects, active ("X said") and passive ("X was told").
NOMINAL_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
#: Every subject relation a predicate can have: nominal and clausal.
SUBJECT_DEPS = NOMINAL_SUBJECT_DEPS | {"csubj"}
#: The passive agent ("was criticised by X"), who acts as the subject does.
AGENT_DEP = "agent"


def is_root(token: Token) -> bool:
    """Whether the token heads its sentence (spaCy makes a root its own head; compare indices, not objects)."""
    return token.head.i == token.i


def has_subject(token: Token) -> bool:
    """Whether the token has a subject among its children."""
    return any(child.dep_ in SUBJECT_DEPS for child in token.children)
