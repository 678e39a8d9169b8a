"""Person names across a corpus: the written variants of one person merged by one rule, for every analysis.

The quotes' speakers and the stance actors both name people; both take their corpus-wide names from
:func:`person_clusters`, so one person is called the same in every table. Full names merge by surname and given
name (al-Assad / Assad, Sergey / Sergei, J. Smith / John Smith; "Jr." keeps a son apart). A bare surname (its
article named no one in full with it) joins the person the corpus names nearly always with that surname, and
otherwise stays apart: "Trump" is Donald Trump, "Clinton" stays "Clinton" (Hillary and Bill).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz

#: suffixes that tell two people of one name apart ("Donald Trump Jr.")
NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
#: rapidfuzz ratio from which two given names of one surname are spellings of one name (Sergey / Sergei)
GIVEN_NAME_SIMILARITY = 75.0
#: a bare surname joins a person named in full in at least this many articles ("Mr Lee" of one story is not Mike Lee)
MIN_ARTICLES_FOR_SURNAME = 2
#: ... who holds at least this share of the articles that name anyone of that surname in full. ABP 10k quotes:
#: Donald Trump 0.95, Barack Obama 0.91, Mitch McConnell 0.99 join; Hillary Clinton 0.81 (Bill), Lindsey Graham
#: 0.88, George W. Bush 0.48 (his father) do not.
DOMINANT_SHARE = 0.9


def fold(text: str) -> str:
    """Lower-case ASCII form of a word or name (diacritics dropped): "Erdoğan" -> "erdogan"."""
    text = text.replace("’", "'").replace("‘", "'")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()


def _surname(word: str) -> str:
    """A folded surname without an Arabic article prefix ("al-Assad" -> "assad")."""
    return re.sub(r"^(?:al|el|ad|as|ash|at|az)[-‐]", "", fold(word))


def _without_possessive(name: str) -> str:
    """A name without its possessive ending ("Putin's" -> "Putin")."""
    return re.sub(r"['’]s$", "", name.strip())


def name_key(name: str) -> str:
    """Surname key of a name: its last word, folded, without possessive or al-/el- prefix ("jr" kept apart)."""
    words = _without_possessive(name).split()
    suffix = [fold(word).rstrip(".") for word in words if word.lower() in NAME_SUFFIXES]
    words = [word for word in words if word.lower() not in NAME_SUFFIXES]
    return (_surname(words[-1]) + "".join(f" {part}" for part in suffix)) if words else ""


@dataclass(frozen=True)
class NameParts:
    """A person's name split for matching: folded given names, surname key and suffix ("jr")."""

    given: tuple[str, ...]
    surname: str
    suffix: str

    @classmethod
    def of(cls, name: str) -> "NameParts":
        """Parts of a written name; particles ("al", "von") are left out of the given names."""
        from presslens.quotes import lexicons  # here: the quotes package imports this module

        particles = lexicons.speaker_rules()["name_particles"]
        words = _without_possessive(name).split()
        suffix = next((fold(word).rstrip(".") for word in words if word.lower() in NAME_SUFFIXES), "")
        words = [word for word in words if word.lower() not in NAME_SUFFIXES]
        given = tuple(fold(word).strip(".") for word in words[:-1] if fold(word).strip(".") not in particles)
        return cls(tuple(part for part in given if part), name_key(" ".join(words)), suffix)

    @property
    def initials_only(self) -> bool:
        """Whether the given names are initials only ("J. Smith")."""
        return all(len(part.replace(".", "")) == 1 for part in self.given)


def given_names_match(first: NameParts, second: NameParts) -> str:
    """Why two full names of one surname are one person ("" if they are not): same, similar or initial first names."""
    if first.suffix != second.suffix:
        return ""
    one, other = first.given[0], second.given[0]
    if one == other:
        return "the same name" if first.given == second.given else f"the same first name ({one})"
    if len(one.replace(".", "")) == 1 or len(other.replace(".", "")) == 1:
        return f"initial {one[0].upper()}." if one[0] == other[0] else ""
    if one[0] == other[0] and fuzz.ratio(one, other) >= GIVEN_NAME_SIMILARITY:
        return f"spellings of one first name ({one} / {other})"
    return ""


def _surname_owner(clusters: list[list[str]], articles: Mapping[str, set], counts: Counter
                   ) -> tuple[list[str] | None, str]:
    """The one cluster a bare surname joins among the full-name clusters of that surname, and why (None if none).

    It is the counted cluster named in the most articles, when those are at least ``MIN_ARTICLES_FOR_SURNAME`` and
    at least ``DOMINANT_SHARE`` of the articles that name anyone of that surname in full. Names counted 0 are
    evidence only (PERSON entities no quote names): they lower the share, never take the surname ("Travel Ban")."""
    named = [set().union(*(articles.get(name, set()) for name in cluster)) for cluster in clusters]
    counted = [k for k, cluster in enumerate(clusters) if any(counts[name] for name in cluster)]
    if not counted:
        return None, ""
    best = max(counted, key=lambda k: len(named[k]))  # the first of equals: clusters come in count order
    share = len(named[best]) / max(len(set().union(*named)), 1)
    if len(named[best]) < MIN_ARTICLES_FOR_SURNAME or share < DOMINANT_SHARE:
        return None, ""
    if len(clusters) == 1:
        return clusters[best], f"surname only; the corpus names one person with it, in {len(named[best])} articles"
    return clusters[best], (f"surname only; the corpus names {clusters[best][0]} in {len(named[best])} of the "
                            f"{len(set().union(*named))} articles that name anyone of that surname in full")


def person_clusters(counts: Counter, articles: Mapping[str, set]) -> dict[str, tuple[str, str]]:
    """Person name -> (canonical name, reason) over the corpus: full names by surname and given name, then names
    with initials joined only to the single full name that fits them, then bare surnames (their article gave no
    full name) by :func:`_surname_owner`; ``articles`` gives each name the articles it was named in."""
    parts = {name: NameParts.of(name) for name in counts}
    full = sorted((name for name in counts if parts[name].given and not parts[name].initials_only),
                  key=lambda name: (-counts[name], -len(name), name))
    clusters: list[list[str]] = []
    by_surname: dict[str, list[list[str]]] = {}
    reasons: dict[str, str] = {}
    for name in full:
        for cluster in by_surname.get(parts[name].surname, []):
            why = given_names_match(parts[cluster[0]], parts[name])
            if why:
                cluster.append(name)
                reasons[name] = f"same surname, {why}"
                break
        else:
            clusters.append([name])
            by_surname.setdefault(parts[name].surname, []).append(clusters[-1])
    for name in sorted(set(counts) - set(full)):
        candidates = by_surname.get(parts[name].surname, [])
        if parts[name].given:
            fitting = [c for c in candidates if given_names_match(parts[c[0]], parts[name])]
            owner = fitting[0] if len(fitting) == 1 else None
            why = f"{given_names_match(parts[owner[0]], parts[name])}, same surname" if owner else ""
        else:
            if parts[name].suffix:  # "Trump Jr" is a son; a bare "Bopp" may be James Bopp Jr.
                candidates = [c for c in candidates if parts[c[0]].suffix == parts[name].suffix]
            owner, why = _surname_owner(candidates, articles, counts)
        if owner is None:
            clusters.append([name])
        else:
            owner.append(name)
            reasons[name] = why
    mapping = {}
    for cluster in clusters:
        canonical = cluster[0]
        for name in cluster:
            reason = "" if name == canonical else f"corpus: '{name}' is {canonical} ({reasons[name]})"
            mapping[name] = (canonical, reason)
    return mapping


def full_name_articles(named: Iterable[tuple[str, str]]) -> dict[str, set]:
    """Each full person name (two or more words, possessive dropped) -> the articles naming it, from (article id,
    name) pairs such as the corpus's PERSON entities."""
    found: dict[str, set] = {}
    for article_id, text in named:
        name = _without_possessive(" ".join(text.split()))
        if len(name.split()) >= 2:
            found.setdefault(name, set()).add(article_id)
    return found
