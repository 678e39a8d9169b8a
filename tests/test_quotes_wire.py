"""Quotes on wire copy: cleaning of wire furniture, text damage warnings, valid speakers, safe merges, statements.

Real text from ../shared/bench (small slices: a few dozen articles, parsed through the shared cache) and the
hand-checked sample in tests/data/quotes_sample.csv.
"""

from __future__ import annotations

import gzip
import itertools
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from presslens import paths
from presslens.clean import clean_corpus, clean_text
from presslens.corpus import load_with_report
from presslens.damage import measure
from presslens.quotes import statement_links, statements_side_by_side, statements_table, unknown_category_share
from presslens.quotes.sample import junk_share, read_sample, speaker_matches
from presslens.quotes.speakers import canonical_names
from presslens.quotes.statement_sample import (
    evaluate_pairs,
    link_figures,
    read_pairs,
    threshold_table,
    weighted_precision,
)
from presslens.quotes.statements import (
    DEFAULT_THRESHOLD,
    MIN_CONTENT_WORDS,
    MIN_SHARED_WORDS,
    SPECIFIC_WORD_CONTENTS,
    average_linkage_parts,
    similarity,
)
from presslens.quotes.tables import quotes_table

BENCH = paths.BENCH_DIR
INTL = BENCH / "intl_news_3k.jsonl.gz"
ABP = BENCH / "abp_10k.jsonl.gz"
INTL_PER_OUTLET = 4
ABP_ARTICLES = 40
MAX_JUNK_SHARE = 0.02

pytestmark = pytest.mark.skipif(not INTL.exists() or not ABP.exists(), reason="../shared/bench is not available")


def _lines(path: Path, limit: int | None = None) -> list[dict]:
    """The first records of a bench JSONL file."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in itertools.islice(handle, limit)]


def _intl_slice() -> list[dict]:
    """The first articles with text of each international outlet."""
    by_outlet: dict[str, list[dict]] = {}
    for record in _lines(INTL):
        if record["text"] and len(by_outlet.setdefault(record["outlet"], [])) < INTL_PER_OUTLET:
            by_outlet[record["outlet"]].append(record)
    return [record for records in by_outlet.values() for record in records]


def _write(records: list[dict], folder: Path, name: str) -> Path:
    """A JSONL slice file the loader reads like the full bench file."""
    path = folder / name
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def slices(tmp_path_factory, nlp) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    """(load report, quotes table) of an international slice (every outlet) and an ABP slice."""
    from presslens.nlp import parse_corpus

    folder = tmp_path_factory.mktemp("bench")
    result = {}
    for name, records in (("intl", _intl_slice()), ("abp", _lines(ABP, ABP_ARTICLES))):
        articles, report = load_with_report(_write(records, folder, f"{name}.jsonl"))
        cleaned, _ = clean_corpus(articles, progress=False)
        docs = parse_corpus(cleaned, nlp, progress=False)
        result[name] = (report, quotes_table(docs, cleaned))
    return result


# -------------------------------------------------------------------------------------------------- cleaning
def test_wire_furniture_is_cut_and_logged() -> None:
    records = {record["outlet"]: record for record in _lines(INTL, 400) if record["text"]}
    tass = clean_text(records["TASS"]["text"], outlet="TASS")
    assert "/TASS/" not in tass.text and any(removal.rule == "agency_dateline" for removal in tass.removals)
    assert tass.text[:1].isupper()
    linked = [r for r in _lines(INTL) if "READ MORE:" in (r["text"] or "")][:20]
    for record in linked:
        cleaned = clean_text(record["text"], outlet=record["outlet"])
        assert "READ MORE" not in cleaned.text
        assert any(removal.rule == "link_line" for removal in cleaned.removals)
    shared = next(r for r in _lines(INTL) if "Permalink" in (r["text"] or ""))
    cleaned = clean_text(shared["text"], outlet=shared["outlet"])
    assert "Permalink" not in cleaned.text and "Whatsapp" not in cleaned.text


def test_whole_link_lines_in_us_copy_stay_with_the_line_rule() -> None:
    text = "The senator spoke on Monday.\nSEE ALSO: A headline about something else\nShe left at noon."
    cleaned = clean_text(text)
    assert cleaned.text == "The senator spoke on Monday.\n\nShe left at noon."
    assert [removal.rule for removal in cleaned.removals] == ["video_link"]


# ---------------------------------------------------------------------------------------------------- damage
def test_damaged_text_loads_with_a_counted_warning(slices) -> None:
    report, _ = slices["intl"]
    damaged = report[report["reason"].str.contains("damaged text", regex=False)]
    assert not damaged.empty and set(damaged["status"]) == {"loaded_with_warnings"}
    broken = next(r["text"] for r in _lines(INTL, 200) if r["text"] and '"?' in r["text"])
    assert measure(broken).broken_quotes >= 1
    assert not measure("She said: “Nothing is broken here,” and left.").any


# -------------------------------------------------------------------------------------------------- speakers
@pytest.mark.parametrize("name", ["intl", "abp"])
def test_junk_speakers_are_rare_on_bench_slices(slices, name: str) -> None:
    _, quotes = slices[name]
    junk = junk_share(quotes)
    assert junk["attributed"] >= 50
    assert junk["share"] <= MAX_JUNK_SHARE, junk["examples"]
    assert "you" not in set(quotes["speaker"].str.lower())


def test_speaker_names_carry_no_titles_subheads_or_stray_marks(slices) -> None:
    quotes = pd.concat([slices["intl"][1], slices["abp"][1]])
    names = quotes.loc[quotes["speaker_named"] & (quotes["speaker_type"] == "person"), "speaker"]
    assert not names.str.contains(r"^(?:President|Minister|Secretary|State|Transport|Sen\.|Mr\.?|Ms\.?) ").any()
    assert not names.str.contains(r"[,;:\"“”]|\.-|^-").any()


def test_descriptions_never_merge_across_articles(slices) -> None:
    quotes = pd.concat([slices["intl"][1], slices["abp"][1]])
    described = quotes[(quotes["speaker"] != "") & ~quotes["speaker_named"].astype(bool)]
    assert not described.empty
    assert (described["speaker_id"].str.split("@").str[1] == described["article_id"]).all()
    merged = quotes[quotes["merge_reason"].str.contains("corpus:", regex=False)]
    assert merged["speaker_named"].all()


def test_name_variants_merge_and_different_people_do_not() -> None:
    names = [("person", name) for name in (
        "Bashar al-Assad", "Bashar al-Assad", "Bashar Assad", "Assad", "Sergey Lavrov", "Sergei Lavrov",
        "Donald Trump", "Donald Trump", "Donald Trump Jr.", "Ivanka Trump", "Trump", "J. Smith", "John Smith",
    )] + [("organisation", "the Kremlin"), ("organisation", "Kremlin")]
    articles = {"Bashar al-Assad": {"a1", "a2"}, "Bashar Assad": {"a3"}, "Sergey Lavrov": {"a1"}}
    mapping = canonical_names(names, articles)
    assert {mapping[("person", n)][0] for n in ("Bashar al-Assad", "Bashar Assad", "Assad")} == {"Bashar al-Assad"}
    assert "surname only" in mapping[("person", "Assad")][1]
    alone = canonical_names([("person", "Sergey Lavrov"), ("person", "Lavrov")], articles)
    assert alone[("person", "Lavrov")][0] == "Lavrov"  # the full name is in one article only: no merge
    assert mapping[("person", "Sergei Lavrov")][0] == mapping[("person", "Sergey Lavrov")][0]
    assert mapping[("person", "Donald Trump Jr.")][0] == "Donald Trump Jr."
    assert mapping[("person", "Ivanka Trump")][0] == "Ivanka Trump"
    assert mapping[("person", "Trump")][0] == "Trump"
    assert mapping[("person", "J. Smith")][0] == "John Smith"
    assert "same surname" in mapping[("person", "Bashar Assad")][1]
    assert mapping[("organisation", "the Kremlin")][0] == mapping[("organisation", "Kremlin")][0]


def test_unknown_category_share_per_outlet(slices) -> None:
    table = unknown_category_share(slices["intl"][1])
    assert len(table) == 9
    assert ((table["ci_low"] <= table["share"]) & (table["share"] <= table["ci_high"])).all()
    assert table["share"].mean() < 0.4


# ------------------------------------------------------------------------------------------------ statements
def test_statement_groups_have_article_ids_and_scope(slices) -> None:
    quotes = slices["intl"][1]
    spoken = quotes[quotes["speaker_named"] & (quotes["content"].str.split().str.len() >= 8)].iloc[0]
    twins = pd.DataFrame([
        {**spoken.to_dict(), "quote_id": f"x{i}", "article_id": f"a{i}", "outlet": outlet}
        for i, outlet in enumerate(["Outlet A", "Outlet A", "Outlet B"])
    ])
    statements = statements_table(twins)
    assert len(statements) == 1
    assert statements.iloc[0]["scope"] == "across outlets"
    assert statements.iloc[0]["article_ids"] == "a0; a1; a2"
    alone = statements_table(twins[twins["outlet"] == "Outlet A"])
    assert alone.iloc[0]["scope"] == "within one outlet"
    side = statements_side_by_side(statements, twins)
    assert list(side["article_id"]) == ["a0", "a1", "a2"]


def _links_by_the_rule(quotes: pd.DataFrame) -> list[tuple[str, str, float]]:
    """The statement links of the documented rule, pair by pair: identical contents, or enough shared specific
    words and a token-set score at the threshold."""
    usable = quotes[(quotes["speaker_id"] != "") & (quotes["content"].str.split().str.len() >= MIN_CONTENT_WORDS)]
    used_by = {speaker: Counter(word for content in set(group["content"].str.lower()) for word in set(content.split()))
               for speaker, group in usable.groupby("speaker_id")}
    links = []
    for a, b in itertools.combinations(usable.itertuples(), 2):
        if a.speaker_id != b.speaker_id or a.article_id == b.article_id:
            continue
        first, second = a.content.lower(), b.content.lower()
        shared = {word for word in set(first.split()) & set(second.split())
                  if used_by[a.speaker_id][word] <= SPECIFIC_WORD_CONTENTS}
        score = similarity(first, second)
        if first == second or (len(shared) >= MIN_SHARED_WORDS and score >= DEFAULT_THRESHOLD):
            links.append((a.quote_id, b.quote_id, 100.0 if first == second else score))
    return sorted(links)


def _found_links(quotes: pd.DataFrame) -> list[tuple[str, str, float]]:
    """statement_links as sorted (first, second, score) triples."""
    links = statement_links(quotes)
    return sorted(zip(links["first"], links["second"], links["score"]))


def test_statement_links_of_copied_quotes_follow_the_rule(slices) -> None:
    """Copies of real wire quotes: the links joined from distinct contents are the pair-by-pair rule's links."""
    quotes = slices["intl"][1]
    named = quotes[quotes["speaker_named"] & (quotes["content"].str.split().str.len() >= MIN_CONTENT_WORDS)]
    top = named[named["speaker_id"].isin(named["speaker_id"].value_counts().index[:3])]
    copies = pd.concat([top.assign(quote_id=top["quote_id"] + f"~{c}", article_id=top["article_id"] + f"~{c % 2}")
                        for c in range(3)], ignore_index=True)
    found = _found_links(copies)
    assert found == _links_by_the_rule(copies)
    assert any(score < 100 for _, _, score in found)  # different wordings link, not only copies
    assert len(found) > len(top)  # the copies link to each other, not only to their original


def test_a_much_quoted_speakers_generic_words_do_not_link(slices) -> None:
    """Every named wire quote given to one speaker: words most of the quotes use cannot make two of them alike."""
    quotes = slices["intl"][1]
    named = quotes[quotes["speaker_named"] & (quotes["content"].str.split().str.len() >= MIN_CONTENT_WORDS)]
    one_voice = named.assign(speaker_id="one-voice", article_id=named["quote_id"])
    used_by = Counter(word for content in set(one_voice["content"].str.lower()) for word in set(content.split()))
    assert used_by.most_common(1)[0][1] > SPECIFIC_WORD_CONTENTS  # "the" is no longer specific
    found = _found_links(one_voice)
    assert found == _links_by_the_rule(one_voice)
    contents = one_voice["content"].str.lower()
    similar_but_generic = [
        (a, b) for a, b in itertools.combinations(contents, 2)
        if a != b and similarity(a, b) >= DEFAULT_THRESHOLD
        and sum(used_by[word] <= SPECIFIC_WORD_CONTENTS for word in set(a.split()) & set(b.split())) < MIN_SHARED_WORDS]
    assert similar_but_generic  # the rule excludes real pairs that token-set similarity alone would link


@pytest.mark.parametrize(("similarity", "parts"), [
    ([[100, 90, 20], [90, 100, 90], [20, 90, 100]], [[0, 1], [2]]),  # a chain: c is like b, not like a
    ([[100, 80, 75], [80, 100, 90], [75, 90, 100]], [[0, 1, 2]]),
    ([[100, 95, 60, 60], [95, 100, 60, 60], [60, 60, 100, 95], [60, 60, 95, 100]], [[0, 1], [2, 3]]),
    ([[100, 100, 70], [100, 100, 70], [70, 70, 100]], [[0, 1, 2]]),  # a mean exactly at the threshold joins
    ([[100]], [[0]]),
])
def test_average_linkage_keeps_parts_whose_pairs_average_the_threshold(similarity, parts) -> None:
    found = average_linkage_parts(np.array(similarity, dtype=float), DEFAULT_THRESHOLD)
    assert sorted(part.tolist() for part in found) == parts


def test_a_long_quote_around_a_shared_phrase_stays_out_of_the_statement() -> None:
    """Four outlets' wordings of one answer (intl bench, February 2017): the long one shares the phrase but not the
    statement's other words, and its mean similarity to the three keeps it out; a chain of links would take it in."""
    wordings = {"ABC News": "No, no, nobody that I know of,",
                "CNN": "Nobody that I know of. How many times do I have to answer this question? Russia is a ruse. I "
                       "have nothing to do with Russia. Haven't made a phone call to Russia in years.",
                "BBC": 'nobody that I know of" had done so',
                "Deutsche Welle": 'nobody that I know of" on his campaign staff had contacted Russian officials'}
    quotes = pd.DataFrame([{"quote_id": f"q{k}", "article_id": f"a{k}", "outlet": outlet, "speaker": "Donald Trump",
                            "speaker_id": "donald-trump", "content": content}
                           for k, (outlet, content) in enumerate(wordings.items())])
    links = statement_links(quotes)
    assert {"q1", "q3"} <= set(links["first"]) | set(links["second"])  # CNN's wording is linked to the others
    statements = statements_table(quotes)
    assert statements["outlets"].tolist() == ["ABC News; BBC; Deutsche Welle"]
    assert statements.iloc[0]["min_score"] >= DEFAULT_THRESHOLD and statements.iloc[0]["mean_score"] >= 80


# ---------------------------------------------------------------------------------------------------- sample
def test_hand_checked_sample_has_its_shape() -> None:
    sample = read_sample()
    attributions = sample[sample["record"] == "attribution"]
    halves = attributions.groupby("corpus")
    assert halves.size().to_dict() == {"abp_10k": 60, "intl_news_3k": 60}
    assert halves["outlet"].nunique()["abp_10k"] >= 30 and halves["outlet"].nunique()["intl_news_3k"] == 9
    assert set(attributions["is_attribution"]) <= {"yes", "no"}
    clusters = sample[sample["record"] == "cluster"]
    assert len(clusters) == 60 and set(clusters["judgement"]) <= {"correct", "wrong"}
    assert (clusters["cluster_forms"].str.count(r" \| ") >= 1).all()


def test_judged_statement_pairs_have_their_shape_and_their_recorded_scores() -> None:
    """Six judged pairs per band and corpus; today's similarity reproduces the recorded evaluation the notebook reads."""
    pairs = read_pairs()
    assert pairs.groupby(["corpus", "band"]).size().eq(6).all() and len(pairs) == 60
    assert (pairs["wording_a"].str.lower() != pairs["wording_b"].str.lower()).all()
    recorded = json.loads((paths.MODEL_DIR / "statements_sample_eval.json").read_text(encoding="utf-8"))
    recorded.pop("sample")
    today = evaluate_pairs()
    today.pop("sample")
    assert today == recorded
    assert today["by_band"][0]["same"] < today["by_band"][-1]["same"]  # the judgement follows the similarity


def test_link_precision_weights_each_band_by_the_pairs_it_held() -> None:
    """Band A (100 compared pairs) judged half right, band B (300) all right, one unlinked pair left out."""
    pairs = pd.DataFrame({"band": ["A", "A", "B", "B", "C"], "band_pairs": [100, 100, 300, 300, 900],
                          "score": [75.0, 80.0, 95.0, 99.0, 50.0], "same_statement": [True, False, True, True, False]})
    assert weighted_precision(pairs, 70.0) == pytest.approx((100 * 0.5 + 300 * 1.0) / 400)
    assert link_figures(pairs["same_statement"], pairs["score"] >= 70.0) == {
        "linked": 4, "same": 3, "both": 3, "precision": 0.75, "recall": 1.0, "f1": pytest.approx(6 / 7)}
    result = evaluate_pairs()
    assert threshold_table(result).loc[DEFAULT_THRESHOLD, "pairs linked"] == result["overall"]["linked"]


def test_speaker_matching_of_the_sample_scorer() -> None:
    assert speaker_matches("Bashar al-Assad", "Bashar al-Assad | Assad")
    assert speaker_matches("Sergei Lavrov", "Sergey Lavrov")
    assert speaker_matches("the ministry", "Ministry")
    assert not speaker_matches("Donald Trump", "Ivanka Trump")
    assert not speaker_matches("", "Ivanka Trump")


# ---------------------------------------------------------------------------------------- per-outlet shares
def test_quote_shares_take_articles_as_the_unit(slices) -> None:
    """Repeating every attribution of every article leaves the interval as it is (articles are resampled); a
    Wilson interval over attributions would narrow. An outlet with one article has no interval."""
    from presslens.quotes import evaluative_share

    quotes = slices["abp"][1]
    table = evaluative_share(quotes).set_index("outlet")
    repeated = evaluative_share(pd.concat([quotes] * 5, ignore_index=True)).set_index("outlet")
    assert (repeated["n"] == 5 * table["n"]).all() and (repeated["n_articles"] == table["n_articles"]).all()
    pd.testing.assert_frame_equal(repeated[["share", "ci_low", "ci_high"]], table[["share", "ci_low", "ci_high"]])
    single = table[table["n_articles"] == 1]
    several = table[table["n_articles"] >= 2]
    assert len(single) and single["ci_low"].isna().all() and single["small_n"].all()
    assert len(several) and ((several["ci_low"] <= several["share"]) & (several["share"] <= several["ci_high"])).all()


def test_outlet_figures_draw_the_outlets_with_most_articles(slices, monkeypatch) -> None:
    import matplotlib.pyplot as plt

    from presslens import plotting
    from presslens.quotes import evaluative_share, share_by_outlet
    from presslens.quotes.plots import plot_evaluative_share, plot_kinds, plot_voices

    monkeypatch.setattr(plotting, "MAX_OUTLETS", 4)
    quotes = slices["abp"][1]
    sizes = quotes.groupby("outlet")["article_id"].nunique()
    assert len(sizes) > 4
    largest = sorted(sizes.index, key=lambda outlet: (-sizes[outlet], outlet))[:4]
    for draw, table in ((plot_voices, share_by_outlet(quotes, "speaker_category")),
                        (plot_kinds, share_by_outlet(quotes, "kind")), (plot_evaluative_share, evaluative_share(quotes))):
        fig, ax = plt.subplots()
        draw(ax, table)
        labels = [label.get_text() for label in ax.get_yticklabels()]
        assert sorted(label.rsplit(" (", 1)[0] for label in labels) == sorted(largest), draw.__name__
        assert f"the 4 of {len(sizes)} outlets with the most articles" in ax.get_title()
        plt.close(fig)


def test_merge_evidence_reads_in_the_report_and_keeps_everything_in_the_csv(slices) -> None:
    """A speaker of many articles shows its first ids and how many more; nothing is lost from the full table."""
    from presslens.quotes.tables import merge_evidence, readable_merges

    merges = merge_evidence(slices["abp"][1])
    shown = readable_merges(merges, limit=2)
    many = merges["n_articles"] > 2
    assert many.any()
    for full, short, n in zip(merges["article_ids"], shown["article_ids"], merges["n_articles"]):
        ids = full.split("; ")
        assert len(ids) == n
        assert short == ("; ".join(ids) if n <= 2 else "; ".join(ids[:2]) + f"; … and {n - 2} more")
