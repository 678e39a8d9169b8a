"""Naming found in the corpus: canonical actors from the entity table, and which forms each outlet uses for them.

For each actor (named entities merged across articles), per outlet: the name variants, the nouns the name
describes ("regime" in "the Assad regime"), appositions and modifiers, with Fightin' Words z-scores marking the
forms an outlet uses more than the others, and an evidence sentence for each. A labels file (``-p labels=PATH``,
format of ``data/lexicons/labels.yaml``) adds referent groups the user defines ("rebels" vs "militants").
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from presslens import stats
from presslens.frames.cues import with_outlet
from presslens.frames.devices import NAMING_LABELS, log_odds_dirichlet
from presslens.frames.lexicon import read_yaml

#: Kind of actor per entity label; mentions of one normalised name take the kind most of them have.
ACTOR_KINDS = {"PERSON": "person", "ORG": "organisation", "GPE": "place", "LOC": "place", "FAC": "place",
               "NORP": "group"}
#: Small words left out of an organisation's initials ("United Nations" -> UN, "Bank of England" -> BE).
MINOR_WORDS = frozenset({"of", "the", "and", "for", "de", "&"})
#: The columns of the naming table.
NAMING_COLUMNS = ["actor", "actor_kind", "kind", "form", "outlet", "count", "n_mentions", "share", "z", "distinctive",
                  "n_articles", "small_n", "article_id", "start_char", "end_char", "sentence_index", "sentence"]
Z_DISTINCTIVE = 1.96
#: The kinds of form, in the table's order.
FORM_KINDS = ("name", "descriptor", "apposition", "modifier", "label")


def normal_form(text: str) -> str:
    """A name without a leading article, a possessive ending or repeated white space ("the U.N.'s" -> "U.N.")."""
    form = re.sub(r"\s+", " ", str(text)).strip()
    form = re.sub(r"^(?:the|The|THE) ", "", form)
    return re.sub(r"(?:'s|’s|'|’)$", "", form).strip()


def last_piece(key: str) -> str:
    """The last word of a name, split at spaces and hyphens ("bashar al-assad" -> "assad")."""
    return re.split(r"[\s\-]", key)[-1]


def initials(key: str) -> str:
    """The initials of a multiword name without its minor words ("united nations" -> "un")."""
    return "".join(word[0] for word in key.split() if word not in MINOR_WORDS and word[0].isalpha())


def actor_links(counts: pd.Series, kind_of: dict[str, str]) -> dict[str, str]:
    """Short name -> full name it stands for: a person's surname alone, an organisation's initials."""
    multi = [key for key in counts.index if len(key.split()) > 1]
    by_last: dict[str, list[str]] = {}
    by_initials: dict[str, list[str]] = {}
    for key in multi:
        if kind_of[key] == "person":
            by_last.setdefault(last_piece(key), []).append(key)
        elif kind_of[key] == "organisation" and len(initials(key)) > 1:
            by_initials.setdefault(initials(key), []).append(key)
    links = {}
    for key in counts.index:
        if len(key.split()) > 1:
            continue
        candidates = by_last.get(key, []) if kind_of[key] == "person" else by_initials.get(key.replace(".", ""), [])
        if candidates:
            links[key] = min(candidates, key=lambda candidate: (-counts[candidate], candidate))
    return links


def canonical_actors(entities: pd.DataFrame) -> pd.DataFrame:
    """``study.entities`` rows of names, with ``actor`` (one display name across articles) and ``actor_kind``.

    Mentions with the same normalised name are one actor; a surname alone joins the most frequent full name of a
    person ending in it, and an organisation's initials join the multiword name they abbreviate.
    """
    table = entities[entities["label"].isin(NAMING_LABELS)].copy()
    table["form"] = table["text"].map(normal_form)
    table = table[table["form"].str.len() > 1]
    table["key"] = table["form"].str.lower()
    kinds = table.assign(kind=table["label"].map(ACTOR_KINDS).fillna("other"))
    kind_of = kinds.groupby("key")["kind"].agg(lambda values: values.value_counts().sort_index().idxmax()).to_dict()
    counts = table.groupby("key").size()
    links = actor_links(counts, kind_of)
    table["actor_key"] = table["key"].map(lambda key: links.get(key, key))
    full = table[table["key"] == table["actor_key"]]
    display = (full.groupby(["actor_key", "form"]).size().rename("n").reset_index()
               .sort_values(["actor_key", "n", "form"], ascending=[True, False, True])
               .drop_duplicates("actor_key").set_index("actor_key")["form"])
    table["actor"] = table["actor_key"].map(display)
    table["actor_kind"] = table["actor_key"].map(kind_of)
    return table.drop(columns=["key", "actor_key"]).reset_index(drop=True)


def mention_forms(mentions: pd.DataFrame) -> pd.DataFrame:
    """One row per form a mention shows: its name variant, the noun it describes, its apposition, each modifier."""
    parts = [mentions.assign(kind="name", form=mentions["text"].map(normal_form)),
             mentions.assign(kind="descriptor", form=mentions["descriptor"]),
             mentions.assign(kind="apposition", form=mentions["apposition"]),
             mentions.assign(kind="modifier", form=mentions["modifiers"].str.split("; ")).explode("form")]
    forms = pd.concat(parts, ignore_index=True)
    return forms[forms["form"].fillna("").str.len() > 0]


def scored_forms(forms: pd.DataFrame, totals: pd.Series) -> pd.DataFrame:
    """Per actor, kind, form and outlet: count, share of the outlet's mentions, z (Fightin' Words), evidence."""
    rows = []
    for (actor, kind), part in forms.groupby(["actor", "kind"], sort=True):
        counts = part.pivot_table(index="form", columns="outlet", values="article_id", aggfunc="size", fill_value=0)
        z = (log_odds_dirichlet(counts.astype(float), counts.sum(axis=1)).set_index(["group", "term"])["z"]
             if counts.shape[1] > 1 else pd.Series(dtype=float))
        first = {(row["outlet"], row["form"]): row for row in part.sort_values(["article_id", "start_char"])
                 .drop_duplicates(["outlet", "form"]).to_dict("records")}
        used_in = part.groupby(["outlet", "form"])["article_id"].nunique()
        for (form, outlet), count in counts.stack().items():
            if count == 0:
                continue
            example = first[(outlet, form)]
            n_mentions = int(totals[(actor, outlet)])
            rows.append({"actor": actor, "actor_kind": example["actor_kind"], "kind": kind, "form": form,
                         "outlet": outlet, "count": int(count), "n_mentions": n_mentions,
                         "share": count / n_mentions, "z": float(z.get((outlet, form), np.nan)),
                         "n_articles": int(used_in[(outlet, form)]),
                         "article_id": example["article_id"], "start_char": int(example["start_char"]),
                         "end_char": int(example["end_char"]), "sentence_index": int(example["sentence_index"]),
                         "sentence": example["sentence"]})
    return pd.DataFrame(rows)


def referents_in(labels: str | Path | None) -> list[str]:
    """The referent groups a labels file defines (none without a file)."""
    return list((read_yaml(Path(labels)).get("referents") or {})) if labels else []


def naming_table(names: pd.DataFrame, entities: pd.DataFrame, articles: pd.DataFrame, *,
                 labels: str | Path | None = None, top_actors: int = 15, min_count: int = 2) -> pd.DataFrame:
    """Per actor and outlet: the forms used for it (name, descriptor, apposition, modifier, label) and their z.

    ``names`` is ``study.names``; actors come from ``study.entities`` (:func:`canonical_actors`): the
    ``top_actors`` most mentioned ones named by at least two outlets (or all outlets, if there is one). Rows of
    a labels file's referent groups (kind ``label``) are kept only for the referents of ``labels``.
    ``distinctive``: z >= 1.96 and at least ``min_count`` uses.
    """
    actors = canonical_actors(entities)[["article_id", "start_char", "end_char", "actor", "actor_kind"]]
    found = with_outlet(names.drop(columns="outlet", errors="ignore"), articles).dropna(subset=["outlet"])
    mentions = found[found["kind"] == "entity"].merge(actors, on=["article_id", "start_char", "end_char"])
    spread = mentions.groupby("actor").agg(n=("article_id", "size"), outlets=("outlet", "nunique"))
    needed = min(2, found["outlet"].nunique())
    chosen = spread[spread["outlets"] >= needed].sort_values("n", ascending=False, kind="stable").head(top_actors)
    mentions = mentions[mentions["actor"].isin(chosen.index)]
    groups = found[(found["kind"] == "label") & found["referent"].isin(referents_in(labels))]
    groups = groups.assign(actor=groups["referent"], actor_kind="referent group", kind="label", form=groups["name"])
    forms = pd.concat([mention_forms(mentions), groups], ignore_index=True)
    totals = pd.concat([mentions, groups]).groupby(["actor", "outlet"]).size()
    if forms.empty:
        return pd.DataFrame(columns=NAMING_COLUMNS)
    table = scored_forms(forms, totals)
    table["distinctive"] = (table["z"] >= Z_DISTINCTIVE) & (table["count"] >= min_count)
    table["small_n"] = table["n_mentions"].map(stats.too_small)
    order = {actor: rank for rank, actor in enumerate([*chosen.index, *sorted(groups["actor"].unique())])}
    table = table.assign(_rank=table["actor"].map(order), _kind=table["kind"].map(FORM_KINDS.index)).sort_values(
        ["_rank", "_kind", "outlet", "count", "form"], ascending=[True, True, True, False, True])
    return table[NAMING_COLUMNS].reset_index(drop=True)
