"""Indirect-speech constructions on real news text: PolNeAR dev articles, each checked against its gold content.

The article text is read from the gold data at run time (nothing of it is committed); each case names an article,
the gold cue of one attribution and the gold content it starts with, and asserts that presslens finds exactly that
content (same scored characters as the gold, or at least 80% of them when the gold span is cut mid-word).
"""

from __future__ import annotations

from functools import lru_cache

import pytest

from presslens import paths
from presslens.quotes import evaluate as ev
from presslens.quotes import extract_quotes

POLNEAR = paths.EVAL_DIR / "polnear"

pytestmark = pytest.mark.skipif(not POLNEAR.is_dir(), reason="PolNeAR gold data not available")


@lru_cache(maxsize=1)
def _dev_documents() -> dict[str, ev.ScoredDoc]:
    """The PolNeAR dev documents by name."""
    return {doc.name: doc for doc in ev.load_polnear(POLNEAR, "dev")}


def _gold_and_found(nlp, name: str, cue: str, starts: str) -> tuple[frozenset[int], list[frozenset[int]], str]:
    """The gold content of the attribution with this cue and content opening, and every presslens content."""
    scored = _dev_documents()[name]
    text = scored.text
    golds = [
        item for item in scored.gold
        if " ".join(" ".join(text[s:e] for s, e in item.cue).split()) == cue
        and text[item.content[0][0] : item.content[-1][1]].startswith(starts)
    ]
    assert len(golds) == 1, f"expected one gold attribution for {cue!r} / {starts!r}"
    doc = nlp(text)
    doc._.article_id = name
    found = [ev.char_set(text, list(record.segments)) for record in extract_quotes(doc)]
    return ev.char_set(text, golds[0].content), found, text


def _best(gold: frozenset[int], found: list[frozenset[int]]) -> frozenset[int]:
    """The found content overlapping the gold content most."""
    return max(found, key=lambda chars: len(chars & gold), default=frozenset())


@pytest.mark.parametrize(
    ("name", "cue", "starts"),
    [
        # a reporting verb conjoined in the cue's tense is a second report, not part of the first content
        ("politico_2016-09-23_partisan-fireworks-over-clinton-", "said", "they're increasingly convinced"),
        ("politico_2016-09-23_partisan-fireworks-over-clinton-", "accused", "the GOP of stoking"),
        # the addressee of an appeal belongs to its infinitive content
        ("breitbart_2016-09-30_the-latest-trump-urges-supporter", "urges", "supporters to monitor"),
        ("breitbart_2016-09-30_the-latest-trump-urges-supporter", "is also encouraging", "his supporters at a rally"),
        # ... and a second predicate of the speaker ("..., and criticized ...") ends it
        ("huff-post_2016-09-22_trump-the-dealmaker-could-addres", "urged", "Republicans to join the ranks"),
        ("huff-post_2016-09-22_trump-the-dealmaker-could-addres", "criticized", "the party’s lack of"),
        # a nominal content ends before the writer's relative clause about it
        ("huff-post_2016-09-22_trump-the-dealmaker-could-addres", "has acknowledged", "the reality of climate change"),
        # what the speaker calls the object ("as ...", "likened X to Y") is part of the content
        ("breitbart_2016-10-04_bill-clinton-calls-obamacare-cra", "criticized", "the Affordable Care Act as"),
        ("nyt_2016-09-19_old-hands-help-russia-navigate-u", "likened", "RT to the BBC"),
        # a time adjunct and the comment after a comma are not part of a nominal content
        ("politico_2016-09-30_flight-attendants-union-endorses", "endorsed", "Hillary Clinton for president"),
        # a reporting noun's that-clause ("Trump's claim that ...", "warnings from his attorney that ...")
        ("breitbart_2016-09-29_politifact-donald-trump-is-right", "claim",
         "that there have been “thousands of shootings” in gun-controlled"),
        ("breitbart_2016-10-03_the-latest-trump-s-leaked-taxes-", "report", "that Donald Trump had a net loss"),
        ("politico_2016-09-22_house-panel-votes-to-hold-clinto", "repeated warnings from", "that the showdown"),
        # a clause-final frame reports the whole sentence before it, not only the conjunct the parser hangs on it
        ("breitbart_2016-09-12_stealth-over-health-hillary-clin", "said", "Clinton’s van was supposed"),
        # "according to" a long noun phrase (apposition, relative clause): the content resumes after all of it
        ("politico_2016-10-04_trump-not-walking-the-walk-on-hi", "according to", "Some average Americans"),
        # "hoped" (lemmatized "hop" by the parser) and "spoke about X" are cues
        ("nyt_2016-10-02_a-curious-plan-to-fight-climate-", "is hoping", "that states, led by West Virginia"),
        ("nyt_2016-09-19_obama-sees-personal-insult-if-bl", "spoke about", "her deep ties to black churches"),
        # a reporting noun's prepositional object ("criticism of X", "comment about X")
        ("usa-today_2016-09-23_ready-for-trump-vs-clinton-his-p", "the intense criticism of", "NBC's Matt Lauer"),
        ("huff-post_2016-09-27_hillary-clinton-goes-after-donal", "infamous comment about", "47 percent"),
    ],
)
def test_content_extent_matches_gold_exactly(nlp, name: str, cue: str, starts: str) -> None:
    gold, found, text = _gold_and_found(nlp, name, cue, starts)
    best = _best(gold, found)
    got = text[min(best, default=0) : max(best, default=-1) + 1]
    assert best == gold, f"found {got!r}"


def test_conjoined_report_with_its_own_tense_ends_the_content(nlp) -> None:
    name = "breitbart_2016-10-03_the-latest-trump-s-leaked-taxes-"
    gold, found, text = _gold_and_found(nlp, name, "said", "e would order a thorough review")  # gold span cut mid-word
    best = _best(gold, found)
    assert ev.passes("cov80", gold, best, ev.settings())
    assert "warned" not in text[min(best) : max(best) + 1]
