"""Actors found in the corpus: entity mentions canonicalised across articles, ranked, turned into targets.

The per-document step (:func:`presslens.stance.targets.find_actor_mentions`) emits a mention for every person,
organisation, country and group entity, countries already resolved (names, demonyms, capitals used for the
government). Here, at corpus level: variants of one actor are merged ("Bashar al-Assad" = "Bashar Assad" =
"Assad", "NATO" = "North Atlantic Treaty Organization"), actors are ranked by the outlets and articles that
mention them, the top ones become the analysis targets, and a user targets file adds, renames, merges,
groups or drops actors.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from presslens.people import name_key, person_clusters
from presslens.stance.targets import HONORIFICS, NAME_SUFFIXES, TargetSet, country_gazetteer, load_targets, surname

#: Prefixes naming the country of a national institution ("United States Senate" -> "Senate").
NATIONAL_PREFIXES = ("United States ", "U.S. ", "US ")
NATIONAL_SUFFIXES = (" of the United States", " of the U.S.")
#: One word of a person's name: capitalised letters with inner dots, hyphens or apostrophes ("al-Assad", "J.").
NAME_WORD = re.compile(r"[A-Z][\w.'’-]*|[a-z]{1,3}-[A-Z][\w'’-]*")
PERSON, ORGANISATION, COUNTRY, PLACE, GROUP, OTHER = "person", "organisation", "country", "place", "group", "other"
#: NER label -> actor kind (a GPE the country gazetteer does not know is a place: a city, a region, a state).
KIND_OF_LABEL = {"PERSON": PERSON, "ORG": ORGANISATION, "GPE": PLACE, "NORP": GROUP}
#: A word standing alone this often and (almost) never tagged as a person is not taken for a surname.
MIN_BARE_MENTIONS = 3
#: ... where "almost never" is under this share of its bare mentions (ABP 10k: "Michigan" 1 of 913, "Senate" 2 of
#: 9,464, "Ukraine" 5 of 1,790; the rarest real surnames: "Assange" 2.3%, "Parnas" 2.9%, "Trump" 21%).
MAX_PERSON_SHARE_OF_NON_NAME = 0.01
ACTOR_COLUMNS = ["actor", "kind", "n_mentions", "n_articles", "n_outlets", "variants", "is_target", "source"]


def acronym(name: str) -> str:
    """The initials of a name's capitalised words ("North Atlantic Treaty Organization" -> "NATO"), or ""."""
    capitals = [w[0] for w in name.split() if w[:1].isupper()]
    return "".join(capitals) if len(capitals) >= 2 else ""


def _looks_like_person_name(words: list[str]) -> bool:
    """Whether every word is capitalised and the last is not a group noun ("Democratic Party")."""
    return len(words) >= 2 and all(NAME_WORD.fullmatch(w) for w in words) and words[-1] not in {"Party",
                                                                                                 "Administration"}


def _national_variants(name: str) -> set[str]:
    """A national institution without its country, and "Department of X" as "X Department"."""
    found = set()
    for prefix in NATIONAL_PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix):
            found.add(name[len(prefix):])
    for suffix in NATIONAL_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            found.add(name[: -len(suffix)])
    for rest in list(found):
        match = re.fullmatch(r"(Department|Ministry) of (\w+)", rest)
        if match:
            found.add(f"{match.group(2)} {match.group(1)}")
        if rest.startswith("House of "):
            found.add("House")
    return found


def _group_variants(words: list[str]) -> set[str]:
    """Plural member names of a party or group ("Democratic Party" -> "Democrats", "House Democrats" -> "Democrats")."""
    found = set()
    if len(words) == 2 and words[1] == "Party":
        adjective = words[0]
        found.add(adjective[:-2] + "s" if adjective.endswith("ic") else adjective + "s")
    if len(words) >= 2 and words[0][:1].isupper() and words[-1].islower() and words[-1].endswith("s"):
        found.add(words[0] + "s")
    if len(words) >= 2 and words[-1][:1].isupper() and words[-1].endswith("s") and not _looks_like_person_name(words):
        found.add(words[-1])
    return found


def _plural(noun: str) -> str:
    """A lower-case noun phrase with its last word in the plural ("gun-control advocate" -> "... advocates")."""
    if noun.endswith("s"):
        return noun
    if noun.endswith("y") and noun[-2:-1] not in set("aeiou"):
        return noun[:-1] + "ies"
    return noun + "s"


def _capitalised(name: str, kind: str) -> str:
    """A lower-case name as written in text: a person's every name part ("o'connor" -> "O'Connor"), else words."""
    if kind == PERSON:
        return " ".join(w.title() for w in name.split())
    return " ".join(w[:1].upper() + w[1:] for w in name.split())


def name_variants(name: str, kind: str) -> dict[str, tuple[str, ...]]:
    """The strings that refer to a named actor, by alias kind: aliases, adjectives (demonyms), metonyms (capitals).

    From the name alone: without "the"; a person's surname and first + last name, without leading titles; an
    organisation's acronym; a party's members ("Democrats"); a national institution
    without its country ("Senate"); a country's other spellings, demonyms and capital (from the gazetteer); a
    lower-case noun's plural and capitalised forms ("lawmaker" -> "lawmakers", "Lawmakers").
    """
    base = name[4:] if name.lower().startswith("the ") else name
    base = base.split(",")[0].strip() if kind != PERSON else base
    lower = base if base.islower() else ""
    if lower and kind in {PERSON, ORGANISATION}:
        base = _capitalised(base, kind)
    words = base.split()
    while kind == PERSON and len(words) > 2 and words[0] in HONORIFICS:
        words = words[1:]
    base = " ".join(words) if kind == PERSON else base
    national = _national_variants(base)
    aliases = {name, base} | national | _group_variants(words)
    if kind == PERSON and _looks_like_person_name(words):
        core = [w for w in words if w not in NAME_SUFFIXES]
        aliases |= {surname(base), f"{core[0]} {core[-1]}", core[-1]}
    if kind != PERSON:
        aliases |= {acronym(variant) for variant in {base} | national}
    if lower:
        forms = {lower, _plural(lower)}
        aliases |= forms | {form[:1].upper() + form[1:] for form in forms}
    aliases |= {alias.replace("'", "’") for alias in aliases}
    adjectives, metonyms = set(), set()
    for surface, (country, alias_kind) in country_gazetteer().items():
        if country == base and surface != base:
            {"aliases": aliases, "adjectives": adjectives, "metonyms": metonyms}[alias_kind].add(surface)
    return {"aliases": tuple(sorted(a for a in aliases if a)), "adjectives": tuple(sorted(adjectives)),
            "metonyms": tuple(sorted(metonyms))}


def _unique_mentions(mentions: pd.DataFrame) -> pd.DataFrame:
    """One row per mention (the mentions table holds one row per mention and scorer)."""
    return mentions.drop_duplicates(["article_id", "start_char", "end_char"])


def _person_names(rows: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(article, person key) -> canonical full name, by the corpus-wide rule the quotes' speakers use
    (:func:`presslens.people.person_clusters`): full names merge by surname and given name; a bare surname goes to
    the one person of that surname named in full in its article, else to the person the corpus names (nearly)
    always with it; otherwise it stays unresolved."""
    # a word NER (almost) never tags as a person, however often it stands alone, is no surname: "Virginia
    # Democrats" and "Beyond Michigan", tagged PERSON once, would take every "Democrats" and "Michigan"
    once = _unique_mentions(rows)
    alone = once["label"].eq("PERSON").groupby(once["target"]).agg(["mean", "size"])
    never = set(alone.index[(alone["mean"] < MAX_PERSON_SHARE_OF_NON_NAME) & (alone["size"] >= MIN_BARE_MENTIONS)])
    counts = Counter(rows.loc[rows["label"] == "PERSON", "target"])
    full = {key for key in counts if len(key.split()) >= 2 and all(NAME_WORD.fullmatch(w) for w in key.split())
            and surname(key) not in never}
    surnames = {surname(key) for key in full}
    # a bare surname is the person whatever NER called it ("Trump" tagged ORG, "Obama" tagged GPE), unless the
    # gazetteer resolved it to a country
    unresolved = ~rows["alias_kind"].isin(["aliases", "adjectives", "metonyms"])
    people = rows[unresolved & ((rows["label"] == "PERSON") | rows["target"].isin(surnames))]
    names = people[people["target"].isin(full | surnames)]
    named_in = names.groupby("target")["article_id"].agg(set).to_dict()
    clusters = person_clusters(Counter({key: counts[key] for key in named_in}), named_in)
    key_of = {key: name_key(key) for key in set(people["target"])}
    in_article = defaultdict(set)
    for article_id, key in zip(names["article_id"], names["target"]):
        if key in full:
            in_article[(article_id, key_of[key])].add(clusters[key][0])
    resolved = {}
    for article_id, key in set(zip(people["article_id"], people["target"])):
        own = in_article.get((article_id, key_of[key]), set())
        if key in full:
            resolved[(article_id, key)] = clusters[key][0]
        elif len(own) == 1:
            resolved[(article_id, key)] = next(iter(own))
        elif clusters.get(key, (key,))[0] != key:
            resolved[(article_id, key)] = clusters[key][0]
    return resolved


def _organisation_names(rows: pd.DataFrame) -> dict[str, str]:
    """Organisation key -> canonical name: an acronym joins the full name it abbreviates (the commoner form wins)."""
    orgs = Counter(rows.loc[rows["label"] == "ORG", "target"])
    by_acronym = defaultdict(list)
    for key in orgs:
        compact = key.replace(".", "")
        by_acronym[compact if compact.isupper() and 2 <= len(compact) <= 6 else acronym(key)].append(key)
    names = {}
    for short, keys in by_acronym.items():
        shorts = [k for k in keys if k.replace(".", "") == short]
        expansions = sorted((k for k in keys if k not in shorts), key=lambda k: (-orgs[k], k))[:1]
        if short and shorts and expansions:
            best = max(shorts + expansions, key=lambda k: (orgs[k], k))
            names.update({key: best for key in shorts + expansions})
    return names


def _plural_names(rows: pd.DataFrame) -> dict[str, str]:
    """A group's plural and singular ("Muslims", "Muslim"), each -> the commoner of the two."""
    counts = Counter(rows.loc[rows["label"] == "NORP", "target"])
    names = {}
    for plural in (key for key in counts if key.endswith("s") and key[:-1] in counts):
        names[plural] = names[plural[:-1]] = max((plural, plural[:-1]), key=lambda k: (counts[k], k))
    return names


def _kind(label: str, alias_kind: str) -> str:
    """An actor kind from an entity's NER label (countries resolved by the gazetteer are countries)."""
    return COUNTRY if alias_kind in {"aliases", "adjectives", "metonyms"} else KIND_OF_LABEL.get(label, OTHER)


def canonical_actors(mentions: pd.DataFrame, targets: TargetSet | None = None,
                     dropped: Iterable[str] = ()) -> pd.DataFrame:
    """The mentions with ``actor`` and ``actor_kind``: target mentions keep their target, entity variants merge.

    A user targets file's aliases claim the entities they name (rename / merge); ``dropped`` actors and those
    the targets file drops are removed.
    """
    targets = targets or TargetSet(())
    kind_of_target = {t.name: t.kind for t in targets.targets}
    alias_of = {surface: name for surface, (name, kind) in targets.lookup().items() if kind == "aliases"}
    entity = mentions["source"] == "entity"
    rows = mentions[entity]
    people, orgs, plurals = _person_names(rows), _organisation_names(rows), _plural_names(rows)
    actors, kinds = [], []
    columns = (mentions[name].tolist() for name in ("source", "article_id", "target", "label", "alias_kind"))
    for source, article_id, target, label, alias_kind in zip(*columns):
        if source != "entity":
            actors.append(target)
            kinds.append(kind_of_target.get(target, OTHER))
            continue
        name = people.get((article_id, target)) or orgs.get(target) or plurals.get(target, target)
        name = alias_of.get(name, alias_of.get(target, name))
        actors.append(name)
        kinds.append(kind_of_target.get(name) or (PERSON if (article_id, target) in people
                                                   else _kind(label, alias_kind)))
    out = mentions.assign(actor=actors, actor_kind=kinds)
    return out[~out["actor"].isin(set(dropped) | set(targets.dropped))].reset_index(drop=True)


def rank_actors(mentions: pd.DataFrame, outlet_of: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Actors ranked by outlets, then articles, then mentions; with kind and their commonest variants.

    Grouped once per column (a corpus of thousands of articles names tens of thousands of entities): the kind is
    the commonest (ties: the first in order), the variants the six commonest surface forms (ties: first seen).
    """
    unique = _unique_mentions(mentions).reset_index(drop=True)
    if "outlet" not in unique:
        unique = unique.assign(outlet=unique["article_id"].map(outlet_of or {}))
    if unique.empty:
        return pd.DataFrame(columns=ACTOR_COLUMNS)
    by_actor = unique.groupby("actor", sort=True)
    table = pd.DataFrame({"n_mentions": by_actor.size(), "n_articles": by_actor["article_id"].nunique(),
                          "n_outlets": by_actor["outlet"].nunique(),
                          "from_file": (unique["source"] != "entity").groupby(unique["actor"], sort=True).any()})
    kinds = unique.groupby(["actor", "actor_kind"]).size().rename("count").reset_index()
    kinds = kinds.sort_values(["actor", "count", "actor_kind"], ascending=[True, False, True], kind="stable")
    table["kind"] = kinds.drop_duplicates("actor").set_index("actor")["actor_kind"]
    forms = unique.assign(position=np.arange(len(unique))).groupby(["actor", "text"], sort=False).agg(
        count=("position", "size"), first=("position", "min")).reset_index()
    forms = forms.sort_values(["actor", "count", "first"], ascending=[True, False, True], kind="stable")
    top = forms.groupby("actor", sort=True).head(6)
    table["variants"] = (top["text"] + " (" + top["count"].astype(str) + ")").groupby(top["actor"]).agg("; ".join)
    table = table.reset_index().assign(is_target=False, source=lambda frame: np.where(
        frame["from_file"], "targets file", "discovered"))[ACTOR_COLUMNS]
    return table.sort_values(["n_outlets", "n_articles", "n_mentions", "actor"], ascending=[False, False, False, True],
                             kind="stable").reset_index(drop=True)


def choose_targets(ranking: pd.DataFrame, top_n: int = 15, min_articles: int = 3,
                   kinds: Iterable[str] = (PERSON, ORGANISATION, COUNTRY, PLACE, GROUP),
                   always: Iterable[str] = ()) -> pd.DataFrame:
    """The ranking with ``is_target`` set: the top ``top_n`` actors of the given kinds with enough articles,
    plus the ``always`` actors (a targets file's) that have enough articles."""
    enough = ranking["n_articles"] >= min_articles
    eligible = ranking[ranking["kind"].isin(set(kinds)) & enough]
    chosen = set(eligible["actor"].head(top_n)) | set(ranking.loc[enough & ranking["actor"].isin(set(always)), "actor"])
    return ranking.assign(is_target=ranking["actor"].isin(chosen))


def discover_actors(mentions: pd.DataFrame, articles: pd.DataFrame, targets_file: str | Path | None = None,
                    top_n: int = 15, min_articles: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Canonicalised mentions of the chosen targets, and the full actor ranking (``is_target`` marks the chosen).

    ``targets_file`` (the targets YAML format) adds, renames, merges, groups or drops actors; without one, the
    actors come from the corpus alone.
    """
    targets = load_targets(targets_file) if targets_file else TargetSet(())
    canonical = canonical_actors(mentions, targets)
    ranking = choose_targets(rank_actors(canonical, dict(zip(articles["id"], articles["outlet"]))), top_n,
                             min_articles, always=targets.names)
    chosen = set(ranking.loc[ranking["is_target"], "actor"])
    return canonical[canonical["actor"].isin(chosen)].reset_index(drop=True), ranking


def targets_file_template(ranking: pd.DataFrame, k: int = 5) -> str:
    """A targets file that renames, merges and drops some of the discovered actors (to copy and edit)."""
    top = ranking[ranking["is_target"]].head(k)
    entries = {row.actor: {"kind": row.kind, "aliases": [row.actor]} for row in top.itertuples()}
    return yaml.safe_dump({"targets": entries, "groups": {}, "drop": []}, sort_keys=False, allow_unicode=True)
