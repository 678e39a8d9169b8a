"""Person names across a corpus (``presslens.people``): the one rule quote speakers and stance actors share."""

from __future__ import annotations

from collections import Counter

import pytest

from presslens.people import person_clusters


def _clusters(full_names: dict[str, int], bare: str) -> dict[str, tuple[str, str]]:
    """Clusters of full names, each named in its given number of articles, and one bare surname in another."""
    articles = {name: {f"{name}-{i}" for i in range(count)} for name, count in full_names.items()}
    articles[bare] = {"bare"}
    return person_clusters(Counter({name: len(found) for name, found in articles.items()}), articles)


@pytest.mark.parametrize(("full_names", "bare", "joins"), [
    # articles naming each person in full, from the ABP 10k quote speakers
    ({"Donald Trump": 1824, "Donald Trump Jr.": 60, "Melania Trump": 37}, "Trump", "Donald Trump"),
    ({"Barack Obama": 526, "Michelle Obama": 51}, "Obama", "Barack Obama"),
    ({"Mitch McConnell": 384, "Elaine McConnell": 3}, "McConnell", "Mitch McConnell"),
    ({"Hillary Clinton": 421, "Bill Clinton": 96}, "Clinton", "Clinton"),
    ({"George W. Bush": 84, "George H.W. Bush": 1, "Jeb Bush": 91}, "Bush", "Bush"),
    ({"Lindsey Graham": 220, "Franklin Graham": 30}, "Graham", "Graham"),
    ({"Lev Parnas": 1}, "Parnas", "Parnas"),  # one article is too few, even alone
    ({"Lev Parnas": 2}, "Parnas", "Lev Parnas"),
])
def test_a_bare_surname_joins_only_a_person_named_in_nine_of_ten_articles(full_names, bare, joins) -> None:
    mapping = _clusters(full_names, bare)
    assert mapping[bare][0] == joins
    if joins != bare:
        assert "surname only" in mapping[bare][1] and str(full_names[joins]) in mapping[bare][1]


def test_a_son_and_a_spelling_are_told_apart() -> None:
    mapping = _clusters({"Donald Trump": 10, "Donald Trump Jr.": 5, "Donald J. Trump": 3, "Sergey Lavrov": 4,
                         "Sergei Lavrov": 2}, "Lavrov")
    assert mapping["Donald Trump Jr."][0] == "Donald Trump Jr."
    assert mapping["Donald J. Trump"][0] == "Donald Trump"
    assert mapping["Sergei Lavrov"][0] == "Sergey Lavrov"
    assert mapping["Lavrov"][0] == "Sergey Lavrov"


def test_a_bare_surname_with_a_suffix_joins_only_that_son() -> None:
    """On ABP 10k the stance key "Trump Jr" joined Donald Trump, the person who dominates the surname."""
    mapping = _clusters({"Donald Trump": 1824, "Donald Trump Jr.": 60}, "Trump Jr")
    assert mapping["Trump Jr"][0] == "Donald Trump Jr."


def test_a_bare_surname_joins_a_son_who_is_the_only_one_of_it() -> None:
    mapping = _clusters({"James Bopp Jr.": 3}, "Bopp")
    assert mapping["Bopp"][0] == "James Bopp Jr."


def test_names_seen_only_as_evidence_lower_the_share_but_never_take_a_surname() -> None:
    """ABP 10k: NER tags "Travel Ban" as a person; the quoted "Ban" (Ban Ki-moon) must not become it. Ken Buck,
    named in articles but never quoted in full, keeps the quoted "Buck" from Brendan Buck."""
    evidence = {"Travel Ban": {f"t{i}" for i in range(30)}, "Ken Buck": {f"k{i}" for i in range(5)}}
    quoted = {"Ban": {"b1"}, "Buck": {"b2"}, "Brendan Buck": {f"q{i}" for i in range(18)}}
    counts = Counter({**dict.fromkeys(evidence, 0), "Ban": 1, "Buck": 1, "Brendan Buck": 18})
    mapping = person_clusters(counts, {**evidence, **quoted})
    assert mapping["Ban"][0] == "Ban"
    assert mapping["Buck"][0] == "Buck"
    quoted_only = Counter({name: count for name, count in counts.items() if name in quoted})
    assert person_clusters(quoted_only, quoted)["Buck"][0] == "Brendan Buck"
