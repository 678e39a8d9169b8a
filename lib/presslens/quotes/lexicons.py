"""Loading the quote-attribution lexicons: reporting cues and speaker-category rules (data/lexicons)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import yaml

from presslens import paths

REPORTING_VERBS_FILE = "reporting_verbs.yaml"
SPEAKER_CATEGORIES_FILE = "speaker_categories.yaml"


def _read(name: str) -> dict[str, Any]:
    """A YAML lexicon under data/lexicons, parsed."""
    return yaml.safe_load((paths.LEXICON_DIR / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _reporting_cues() -> dict[str, dict[str, Any]]:
    """Every reporting cue (verb lemmas and multi-word phrases) -> category, evaluative, note (cached)."""
    raw = _read(REPORTING_VERBS_FILE)
    cues: dict[str, dict[str, Any]] = {}
    for section in ("verbs", "phrases"):
        for lemma, entry in (raw.get(section) or {}).items():
            cues[str(lemma).lower()] = {
                "category": entry["category"],
                "evaluative": bool(entry.get("evaluative", False)),
                "note": entry.get("note", ""),
                "xcomp": bool(entry.get("xcomp", False)),
                "object": bool(entry.get("object", False)),
                "prepositions": tuple(entry.get("prepositions", ())),
            }
    return cues


@lru_cache(maxsize=1)
def _reporting_nouns() -> dict[str, dict[str, Any]]:
    """Reporting nouns ("claim", "statement") -> category, evaluative, note (cached)."""
    raw = _read(REPORTING_VERBS_FILE).get("nouns") or {}
    return {
        str(lemma).lower(): {
            "category": entry["category"],
            "evaluative": bool(entry.get("evaluative", False)),
            "note": entry.get("note", ""),
            "object": bool(entry.get("object", False)),
            "prepositions": tuple(entry.get("prepositions", ())),
        }
        for lemma, entry in raw.items()
    }


def reporting_verbs() -> dict[str, dict[str, Any]]:
    """Reporting cues from data/lexicons/reporting_verbs.yaml: lemma -> {category, evaluative, note, xcomp, object, prepositions}.

    Reporting nouns are included where no verb or phrase has the same lemma.
    """
    return {lemma: dict(entry) for lemma, entry in {**_reporting_nouns(), **_reporting_cues()}.items()}


@lru_cache(maxsize=1)
def cue_classes() -> Mapping[str, tuple[str, bool]]:
    """Reporting cue lemma -> (category, evaluative), read once (a quotes-table row looks its cue up here)."""
    return MappingProxyType({lemma: (entry["category"], bool(entry.get("evaluative", False)))
                             for lemma, entry in reporting_verbs().items()})


def noun_lemmas() -> frozenset[str]:
    """Reporting nouns whose that-clause is an attribution's content ("the claim that ...")."""
    return frozenset(_reporting_nouns())


def object_noun_lemmas() -> frozenset[str]:
    """Reporting nouns whose prepositional object is the content ("criticism of the deal")."""
    return frozenset(lemma for lemma, entry in _reporting_nouns().items() if entry["object"])


def noun_prepositions(lemma: str) -> tuple[str, ...]:
    """Prepositions beyond the defaults whose object is a reporting noun's content ("opposition to X")."""
    return _reporting_nouns().get(lemma.lower(), {}).get("prepositions", ())


@lru_cache(maxsize=1)
def _corrected_lemmas() -> dict[str, str]:
    """Word forms the lemmatizer gets wrong -> the reporting verb they belong to (the ``forms`` of an entry)."""
    raw = _read(REPORTING_VERBS_FILE).get("verbs") or {}
    return {str(form).lower(): str(lemma).lower() for lemma, entry in raw.items() for form in entry.get("forms", ())}


def corrected_lemma(word: str) -> str:
    """The reporting-verb lemma of a word form the lemmatizer gets wrong ("hoped" -> "hope"), else ""."""
    return _corrected_lemmas().get(word.lower(), "")


def verb_lemmas() -> frozenset[str]:
    """Single-word reporting verb lemmas."""
    return frozenset(lemma for lemma in _reporting_cues() if " " not in lemma)


def xcomp_lemmas() -> frozenset[str]:
    """Reporting verbs whose infinitive complement is their content ("threatened to strike")."""
    return frozenset(lemma for lemma, entry in _reporting_cues().items() if entry["xcomp"])


def object_lemmas() -> frozenset[str]:
    """Reporting verbs whose noun-phrase object is their content ("described the plan")."""
    return frozenset(lemma for lemma, entry in _reporting_cues().items() if entry["object"])


def object_prepositions(lemma: str) -> tuple[str, ...]:
    """Prepositions beyond the defaults whose object is a reporting verb's content ("referred to X")."""
    return _reporting_cues().get(lemma.lower(), {}).get("prepositions", ())


def cue_phrases() -> tuple[tuple[str, ...], ...]:
    """Multi-word reporting cues as lower-case word tuples, longest first."""
    phrases = [tuple(lemma.split()) for lemma in _reporting_cues() if " " in lemma]
    return tuple(sorted(phrases, key=len, reverse=True))


def cue_category(lemma: str) -> str:
    """The category of a reporting cue ("speech", "belief", ...), or "" when it is not in the lexicon."""
    return _reporting_cues().get(lemma.lower(), {}).get("category", "")


@lru_cache(maxsize=1)
def speaker_rules() -> dict[str, Any]:
    """The speaker-category rules of data/lexicons/speaker_categories.yaml, with word lists as sets.

    ``speaker_heads`` joins every noun that may head a speaker description (category, organisation, group,
    document words and ``person_nouns``).
    """
    raw = _read(SPEAKER_CATEGORIES_FILE)
    rules = dict(raw)
    rules["categories"] = [
        {
            **rule,
            "words": frozenset(rule.get("words", ())),
            "types": frozenset(rule.get("types", ())),
            "entity_labels": frozenset(rule.get("entity_labels", ())),
        }
        for rule in raw["categories"]
    ]
    for key in ("titles", "organisation_words", "group_words", "document_words", "name_breakers", "name_particles",
                "person_nouns", "unresolvable_pronouns"):
        rules[key] = frozenset(str(word).lower() for word in raw.get(key, ()))
    rules["role_synonyms"] = {str(word).lower(): frozenset(str(other).lower() for other in others)
                              for word, others in (raw.get("role_synonyms") or {}).items()}
    rules["speaker_heads"] = (
        rules["organisation_words"] | rules["group_words"] | rules["document_words"] | rules["person_nouns"]
        | frozenset(word for rule in rules["categories"] for word in rule["words"])
    )
    return rules
