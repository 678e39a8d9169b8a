"""presslens.stance actors: entity mentions per Doc, canonical actors across articles, outlet comparisons."""

from __future__ import annotations

import gzip
import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from presslens import paths
from presslens.clean import clean_corpus
from presslens.corpus import load_with_report
from presslens.nlp import parse_corpus, parse_texts
from presslens.stance.actors import canonical_actors, discover_actors, name_variants, rank_actors, surname
from presslens.stance.aggregate import (
    ArticleStanceSettings,
    article_stance,
    describe_outlet_differences,
    load_settings,
    outlet_actor_stance,
    outlet_differences,
)
from presslens.stance.targets import TargetSet, actor_key, country_gazetteer, find_actor_mentions, load_targets

ABP = paths.BENCH_DIR / "abp_10k.jsonl.gz"
needs_bench = pytest.mark.skipif(not ABP.exists(), reason="ABP benchmark not available")


@pytest.fixture(scope="module")
def syria(tmp_path_factory) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Eight ABP articles (US outlets) that name Assad at least three times, and their actor mentions."""
    path = tmp_path_factory.mktemp("abp") / "assad.jsonl"
    with gzip.open(ABP, "rt", encoding="utf-8") as lines:
        picked = [line for line in lines if len(re.findall(r"\bAssad\b", line)) >= 3][:8]
    path.write_text("".join(picked), encoding="utf-8")
    loaded = load_with_report(path)
    articles = loaded[0] if isinstance(loaded, tuple) else loaded
    articles, _ = clean_corpus(articles, progress=False)
    docs = parse_corpus(articles, progress=False)
    rows = [m.as_dict() for doc in docs.values() for m in find_actor_mentions(doc, TargetSet(()), [])]
    return articles, pd.DataFrame(rows)


def test_gazetteer_resolves_country_names_demonyms_and_capitals():
    """Countries come from countryinfo: the larger country keeps a shared demonym."""
    gazetteer = country_gazetteer()
    assert gazetteer["Syrian"] == ("Syria", "adjectives")
    assert gazetteer["American"] == ("United States", "adjectives")
    assert gazetteer["U.S."] == ("United States", "aliases")
    assert gazetteer["Moscow"] == ("Russia", "metonyms")


def test_actor_key_drops_titles_articles_and_possessives():
    """"President Bashar al-Assad's" is the actor "Bashar al-Assad"."""
    assert actor_key("President Bashar al-Assad's") == "Bashar al-Assad"
    assert actor_key("the Kremlin") == "Kremlin"


def test_name_variants_cover_surnames_acronyms_and_countries():
    """Surname without particle, acronym, national institution, a country's spellings and demonym."""
    assert {"Assad", "Bashar al-Assad"} <= set(name_variants("Bashar al-Assad", "person")["aliases"])
    assert surname("William B. Taylor Jr.") == "Taylor"
    assert "NATO" in name_variants("North Atlantic Treaty Organization", "organisation")["aliases"]
    assert {"Senate"} <= set(name_variants("United States Senate", "organisation")["aliases"])
    assert "Democrats" in name_variants("Democratic Party", "organisation")["aliases"]
    us = name_variants("United States", "country")
    assert "U.S." in us["aliases"] and "American" in us["adjectives"]


def test_capital_is_the_government_except_after_a_locative_preposition(nlp):
    """"Moscow sent troops" is Russia; "talks in Moscow" is the place and no actor mention."""
    acting, place = parse_texts(["Moscow sent more troops to the border on Monday.",
                                 "The talks were held in Moscow on Monday."], nlp, progress=False)
    assert [(m.target, m.alias_kind) for m in find_actor_mentions(acting, TargetSet(()), [])] == [
        ("Russia", "metonyms")]
    assert [m.target for m in find_actor_mentions(place, TargetSet(()), []) if m.text == "Moscow"] == []


def test_seed_targets_file_mentions_come_with_entities(seed_docs):
    """Every targets-file mention of find_mentions is kept, and other named entities are added."""
    doc = next(iter(seed_docs.values()))
    actors = find_actor_mentions(doc, load_targets(), [])
    targets = {(m.start_char, m.end_char) for m in actors if m.source != "entity"}
    entities = [m for m in actors if m.source == "entity"]
    assert entities and targets
    assert all(doc.text[m.start_char:m.end_char] == m.text for m in actors)
    assert not any((m.start_char, m.end_char) in targets for m in entities)


@needs_bench
def test_assad_variants_become_one_actor(syria):
    """"Bashar al-Assad", "Assad" and "President Assad" are one person, named by a full-name variant."""
    articles, mentions = syria
    canonical = canonical_actors(mentions)
    assad = canonical[canonical["text"].str.contains("Assad") & (canonical["label"] == "PERSON")]
    assert len(assad) >= 10
    assert assad["actor"].nunique() == 1
    assert "Assad" in assad["actor"].iloc[0] and len(assad["actor"].iloc[0].split()) >= 2


@needs_bench
def test_discovery_ranks_actors_by_outlets_and_takes_the_top(syria):
    """Syria is discovered in most outlets; the top N actors with enough articles become the targets."""
    articles, mentions = syria
    chosen, ranking = discover_actors(mentions, articles, top_n=5, min_articles=3)
    assert ranking["is_target"].sum() == 5
    top = ranking[ranking["is_target"]]
    assert "Syria" in set(top["actor"])
    assert (top["n_articles"] >= 3).all()
    assert set(chosen["actor"]) == set(top["actor"])
    assert ranking["n_outlets"].is_monotonic_decreasing


@needs_bench
def test_targets_file_renames_merges_and_drops(syria, tmp_path):
    """A user file renames an actor through its aliases and drops another."""
    articles, mentions = syria
    path = tmp_path / "targets.yaml"
    path.write_text("targets:\n  Syrian state:\n    kind: country\n    aliases: [Syria]\ndrop: [United States]\n",
                    encoding="utf-8")
    chosen, ranking = discover_actors(mentions, articles, path, top_n=5, min_articles=2)
    assert "Syrian state" in set(ranking["actor"]) and "Syria" not in set(ranking["actor"])
    assert "United States" not in set(ranking["actor"])
    assert bool(ranking.set_index("actor").loc["Syrian state", "is_target"])


def _stance_rows(means: dict[str, float], n: int = 8) -> pd.DataFrame:
    """Article stances of one actor: n articles per outlet, the same spread around each outlet's mean."""
    spread = np.random.default_rng(0).normal(0, 0.1, n)
    rows = [{"article_id": f"{outlet}-{i}", "outlet": outlet, "actor": "Syria", "voice": "own",
             "stance": float(np.clip(mean + spread[i], -1, 1)), "label": 0, "n_mentions": 3}
            for outlet, mean in means.items() for i in range(n)]
    return pd.DataFrame(rows)


def test_outlet_differences_support_clear_outliers_and_not_an_outlet_at_the_mean():
    """Two outlets 0.4 either side of the rest over 8 articles each are supported; two at the mean are not; an outlet
    with 4 articles is described, never tested."""
    stance = _stance_rows({"A": -0.4, "B": 0.4, "C": 0.0, "D": 0.0})
    few = pd.concat([stance, _stance_rows({"E": 0.9}, n=4)], ignore_index=True)
    tests = outlet_differences(few, n_resamples=999)
    by_outlet = tests.set_index("outlet")
    assert list(by_outlet.index) == ["A", "B", "C", "D"]
    assert by_outlet.loc[["A", "B"], "supported"].all() and not by_outlet.loc[["C", "D"], "supported"].any()
    assert by_outlet.loc["A", "ci_high"] < 0 < by_outlet.loc["B", "ci_low"]
    assert (by_outlet["n_rest"] == 3 * 8 + 4).all()
    words = describe_outlet_differences(tests, "own")
    assert sorted(sentence.split(" (")[0] for sentence in words[:2]) == [
        "A writes more negatively about Syria than the other outlets",
        "B writes more positively about Syria than the other outlets"]
    assert "2 of 4 outlet-actor comparisons" in words[-1]
    assert describe_outlet_differences(tests, "quoted")[0].startswith("No outlet has at least 5 articles")


def test_article_stance_keeps_voices_apart_and_shrinks_few_mentions():
    """Own and quoted voices average their own mentions; the prior pulls a single mention toward 0."""
    mentions = pd.DataFrame({"article_id": ["a"] * 3, "actor": ["X"] * 3, "voice": ["own", "own", "quoted"],
                             "score": [-0.8, -0.4, 0.9], "polarity": [-1, -1, 1]})
    settings = ArticleStanceSettings(value="score", quoted_weight=0.0, prior=0.0)
    stance = article_stance(mentions, settings).set_index("voice")["stance"]
    assert stance["own"] == pytest.approx(-0.6) and stance["quoted"] == pytest.approx(0.9)
    assert stance["all"] == pytest.approx(-0.6)
    shrunk = article_stance(mentions.iloc[:1], ArticleStanceSettings(prior=1.0)).set_index("voice")["stance"]
    assert shrunk["own"] == pytest.approx(-0.4)


def test_outlet_table_uses_articles_as_the_unit():
    """n is the number of articles, with a bootstrap interval around the mean of article stances."""
    table = outlet_actor_stance(_stance_rows({"A": -0.4, "B": 0.1}, n=6))
    row = table.set_index("outlet").loc["A"]
    assert row["n_articles"] == 6 and row["n_mentions"] == 18
    assert row["ci_low"] < row["mean"] < row["ci_high"]


@needs_bench
def test_rank_actors_counts_each_mention_once(syria):
    """The mentions table may repeat a mention per scorer; counts do not."""
    articles, mentions = syria
    doubled = pd.concat([mentions.assign(method="model"), mentions.assign(method="textblob")])
    once = rank_actors(canonical_actors(mentions), dict(zip(articles["id"], articles["outlet"])))
    twice = rank_actors(canonical_actors(doubled), dict(zip(articles["id"], articles["outlet"])))
    assert once["n_mentions"].tolist() == twice["n_mentions"].tolist()


@needs_bench
def test_recorded_settings_weigh_real_mentions_by_their_sentence(syria):
    """The recorded aggregation reads real mentions' sentence indices: later mentions weigh less, so shrink more."""
    _, mentions = syria
    settings = load_settings()
    assert settings.position_scale > 0
    scored = canonical_actors(mentions).assign(score=-0.5, polarity=-1)
    weighted = article_stance(scored, settings)
    flat = article_stance(scored, replace(settings, position_scale=0.0))
    both = weighted.merge(flat, on=["article_id", "actor", "voice"], suffixes=("", "_flat"))
    assert both["stance"].between(-0.5, 0, inclusive="neither").all()
    assert (both["stance"] >= both["stance_flat"]).all() and (both["stance"] > both["stance_flat"] + 0.01).any()
    assad = both[both["actor"].str.contains("Assad") & (both["voice"] == "all")]
    assert assad["article_id"].nunique() == 8


def test_a_group_and_its_plural_are_one_actor_whichever_is_commoner(nlp):
    """Real ABP sentences: "Republicans" (plural, twice) and "Republican" (once) name one group, the commoner form;
    the singular used to keep an actor of its own when the plural was the commoner."""
    texts = ["In addition to his inability to work with Republicans in Congress, he has a job approval rating that "
             "averages about 45 percent.",
             "But that effort was a failure; Republicans ended up losing seats in the midterm elections.",
             "But even if the Republican governor wanted to try for a bailout, he wouldn’t find anyone in Washington "
             "eager to oblige him."]
    docs = parse_texts(texts, nlp)
    rows = [{**m.as_dict(), "article_id": f"abp-{i}"} for i, doc in enumerate(docs)
            for m in find_actor_mentions(doc, TargetSet(()), [])]
    groups = canonical_actors(pd.DataFrame(rows)).query("label == 'NORP'")
    assert set(groups["text"]) == {"Republicans", "Republican"}
    assert set(groups["actor"]) == {"Republicans"}


def test_a_group_mistaken_for_a_person_does_not_take_the_groups_mentions():
    """On 3,400 ABP articles NER tagged "Virginia Democrats" and "Bipartisan House" once each as a person, and every
    "Democrats" (4,401 mentions) and "House" (2,798) became that person; a surname mostly tagged ORG ("Trump",
    79% of its bare mentions there) still joins the full name."""
    rows = [{"article_id": "a1", "target": "Virginia Democrats", "text": "Virginia Democrats", "label": "PERSON"},
            {"article_id": "a1", "target": "Bipartisan House", "text": "Bipartisan House", "label": "PERSON"},
            *({"article_id": f"a{i}", "target": "Democrats", "text": "Democrats", "label": "NORP"} for i in (2, 3, 4)),
            *({"article_id": f"a{i}", "target": "House", "text": "House", "label": "ORG"} for i in (2, 3, 4)),
            {"article_id": "a2", "target": "Donald Trump", "text": "Donald Trump", "label": "PERSON"},
            *({"article_id": "a2", "target": "Trump", "text": "Trump", "label": label} for label in ("ORG", "ORG",
                                                                                                "ORG", "PERSON"))]
    mentions = pd.DataFrame([{**row, "alias_kind": row["label"], "source": "entity", "start_char": i,
                              "end_char": i + 1} for i, row in enumerate(rows)])
    actors = canonical_actors(mentions).set_index(["article_id", "target"])["actor"]
    assert set(actors[actors.index.get_level_values("target") == "Democrats"]) == {"Democrats"}
    assert set(actors[actors.index.get_level_values("target") == "House"]) == {"House"}
    assert set(actors[("a2", "Trump")]) == {"Donald Trump"}


def _entity_rows(rows: list[dict]) -> pd.DataFrame:
    """Entity mention rows as the store holds them, each at its own offsets."""
    return pd.DataFrame([{**row, "text": row["target"], "alias_kind": "", "source": "entity", "start_char": i,
                          "end_char": i + 1} for i, row in enumerate(rows)])


def test_a_place_tagged_person_once_in_hundreds_is_no_surname():
    """On all 10,000 ABP articles "Michigan" stood alone 913 times, once tagged PERSON, and every one became the
    person "Beyond Michigan" (a headline fragment NER tagged once); under 1% person tags is no surname."""
    rows = [*({"article_id": f"b{i}", "target": "Beyond Michigan", "label": "PERSON"} for i in (1, 2)),
            {"article_id": "a1", "target": "Michigan", "label": "PERSON"},
            *({"article_id": f"a{i}", "target": "Michigan", "label": "GPE"} for i in range(2, 202))]
    actors = canonical_actors(_entity_rows(rows))
    assert set(actors.loc[actors["target"] == "Michigan", "actor"]) == {"Michigan"}


@pytest.mark.parametrize("order", [[0, 1, 2], [1, 0, 2], [2, 1, 0]])
def test_a_bare_surname_with_tied_full_names_resolves_the_same_in_any_order(order: list[int]):
    """Two full names seen equally often elsewhere: a bare surname in a third article joined whichever a set
    listed first, which changes between processes (ABP 10k: "Michigan" became "Beyond Michigan" in one kernel and
    "Liberate Michigan" in the next). Neither holds 90% of the surname's articles, so it now stays apart."""
    rows = [[{"article_id": f"a{i}", "target": "Ann Lee", "label": "PERSON"} for i in (1, 2)],
            [{"article_id": f"b{i}", "target": "Bob Lee", "label": "PERSON"} for i in (1, 2)],
            [{"article_id": "c1", "target": "Lee", "label": "PERSON"}]]
    actors = canonical_actors(_entity_rows([row for i in order for row in rows[i]]))
    assert actors.loc[actors["target"] == "Lee", "actor"].tolist() == ["Lee"]


@pytest.mark.parametrize(("full_names", "bare", "actor"), [
    # ABP 10k quotes: Donald Trump in 1,824 of the 1,921 articles that name a Trump in full; his son kept apart
    ({"Donald Trump": 1824, "Donald Trump Jr.": 60, "Ivanka Trump": 37}, "Trump", "Donald Trump"),
    # Hillary Clinton in 421 of 517 (Bill Clinton in most of the rest): "Clinton" stays apart
    ({"Hillary Clinton": 421, "Bill Clinton": 96}, "Clinton", "Clinton"),
])
def test_a_bare_surname_joins_the_person_the_corpus_nearly_always_names_with_it(full_names: dict[str, int],
                                                                                bare: str, actor: str):
    """Stance actors and quote speakers share one rule (``presslens.people``): a bare surname joins the full name
    named in 90% or more of the articles naming anyone of that surname in full; "Donald Trump Jr." is his own."""
    rows = [{"article_id": f"{name}-{i}", "target": name, "label": "PERSON"}
            for name, count in full_names.items() for i in range(count)]
    rows.append({"article_id": "bare", "target": bare, "label": "PERSON"})
    actors = canonical_actors(_entity_rows(rows)).drop_duplicates("target").set_index("target")["actor"]
    assert actors[bare] == actor
    for son in (name for name in full_names if name.endswith("Jr.")):
        assert actors[son] == son


def test_a_full_name_from_one_article_does_not_take_a_bare_name_corpus_wide():
    """ABP 10k: NER took "Leftist Twitter" for a person in one article, and every bare "Twitter" (818) became
    that person; a real surname still joins a person named in two or more articles."""
    rows = [{"article_id": "a1", "target": "Leftist Twitter", "label": "PERSON"},
            *({"article_id": f"t{i}", "target": "Twitter", "label": label} for i, label in
              enumerate(["PERSON", "PERSON", *["ORG"] * 8])),
            *({"article_id": f"p{i}", "target": "Lev Parnas", "label": "PERSON"} for i in (1, 2)),
            {"article_id": "p3", "target": "Parnas", "label": "PERSON"}]
    actors = canonical_actors(_entity_rows(rows)).set_index("target")["actor"]
    assert set(actors[["Twitter"]]) == {"Twitter"}
    assert set(actors[["Parnas"]]) == {"Lev Parnas"}
