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
from presslens.stance import actors as stance_actors
from presslens.stance.targets import country_gazetteer

#: Entity labels that may name a country, its people or its capital.
COUNTRY_LABELS = frozenset({"GPE", "NORP", "LOC"})

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


def canonical_actors(entities: pd.DataFrame) -> pd.DataFrame:
    """``study.entities`` rows of names, with ``actor`` (one name across articles) and ``actor_kind``.

    Countries are resolved by the stance gazetteer (names, demonyms, capitals: "Syrian" and "Damascus" are
    Syria); other variants merge as in :func:`presslens.stance.actors.canonical_actors` (a surname joins the full
    name, an acronym the organisation, a plural its singular).
    """
    table = entities[entities["label"].isin(NAMING_LABELS)].copy()
    table["form"] = table["text"].map(normal_form)
    table = table[table["form"].str.len() > 1]
    gazetteer = country_gazetteer()
    found = [gazetteer.get(form) if label in COUNTRY_LABELS else None
             for form, label in zip(table["form"], table["label"])]
    targets = [hit[0] if hit else form for hit, form in zip(found, table["form"])]
    mentions = table.assign(source="entity", target=targets, alias_kind=[hit[1] if hit else "" for hit in found])
    return stance_actors.canonical_actors(mentions.reset_index(drop=True))


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
    return list(read_yaml(Path(labels)).get("referents") or {}) if labels else []


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
