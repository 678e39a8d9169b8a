"""Cleaner acceptance: PROVENANCE.md leftovers removed, every body line kept, headings, lede, offsets, HTML, ABP."""

from __future__ import annotations

import gzip
import json
import re
import time
import unicodedata
from itertools import islice

import pandas as pd
import pytest

from presslens import paths
from presslens.clean import REMOVAL_COLUMNS, clean_corpus, clean_text, load_rules, parse_rules

# Every web-page leftover PROVENANCE.md lists, as (article id, start of the raw line, rule expected to remove it).
LEFTOVERS = [
    ("moscowpost-2024-11-28", "Details - in the material of the correspondent of The Moscow Post.", "house_formula"),
    ("natofoundation-2022-05", "“The spirit of our endeavour is, To strive, to seek, to find and not to yield”",
     "site_motto"),
    ("natofoundation-2022-05", "Alessandro Minuto-Rizzo, President", "motto_signature"),
    ("natofoundation-2022-05", "Menu", "menu"),
    ("natofoundation-2022-05", "SEARCH", "menu"),
    ("natofoundation-2022-05", "CSTO annual meeting in the time of Russia-Ukraine war", "title_line"),
    ("natofoundation-2022-05", "Central Asia", "section_label"),
    ("natofoundation-2022-05", "Share on", "share_buttons"),
    ("natofoundation-2022-05", "Fabio Indeo", "author_line"),
    ("natofoundation-2022-05", "PhD in Geopolitics. He is non-resident researcher", "author_bio"),
    ("natofoundation-2022-05", "We use cookies to ensure that we give you the best experience", "cookie_notice"),
    ("politicstoday-2022-01-26", "CSTO Mission in Kazakhstan Will Have Implications for Central Asia", "title_line"),
    ("politicstoday-2022-01-26", "January 26, 2022", "date_line"),
    ("politicstoday-2022-01-26", "With Russia’s “Pivot to Asia” strategy, Central Asia now is playing",
     "standfirst_repeat"),
    ("politicstoday-2022-01-26", "Members of Collective Security Treaty Organization (CSTO) peacekeeping forces",
     "photo_caption"),
    ("politicstoday-2022-01-26", "Central Asia is a resource-endowed and strategic geographic location which is "
     "indispensable for establishing steady logistical ties between the East and West.", "pull_quote"),
    ("politicstoday-2022-01-26", "VIDEO: Russian Expansionism under Vladimir Putin", "video_link"),
    ("politicstoday-2022-01-26", "Dr. Sergey Sukhankin is a Senior Fellow at the Jamestown Foundation", "author_bio"),
]

HEADINGS_001 = [
    "CSTO’s Response to Kazakhstan’s 2022 Crisis",
    "Putin Unveils “Oreshnik” Missile System",
    "Kazakhstan’s Nuclear Power Project",
    "Armenia’s Absence and CSTO’s Future",
    "Key Summit Outcomes",
]
# Non-blank raw lines that are article body (headings and the 002 standfirst included), per article.
BODY_LINES = {"otenge-2024-11": 13, "timesca-2024-11": 17, "moscowpost-2024-11-28": 16,
              "natofoundation-2022-05": 5, "politicstoday-2022-01-26": 15}
STANDFIRST_002 = ("moscowpost-2024-11-28", "Vladimir Putin pays a state visit to Kazakhstan.")


def squash(text: str) -> str:
    """NFC with whitespace runs collapsed: what cleaning does to a kept line."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def is_leftover(article_id: str, line: str) -> bool:
    """Whether a raw line is one of the listed leftovers."""
    return any(article == article_id and line.startswith(start) for article, start, _ in LEFTOVERS)


@pytest.fixture(scope="module")
def seeds() -> pd.DataFrame:
    """The seed corpus as the articles DataFrame (manifest columns plus raw text)."""
    manifest = pd.read_csv(paths.MANIFEST, dtype=str, keep_default_na=False)
    texts = [(paths.DATA_DIR / file).read_text(encoding="utf-8") for file in manifest["file"]]
    return manifest.assign(text=texts, source_format="txt")


@pytest.fixture(scope="module")
def cleaned(seeds):
    """clean_corpus on the seed corpus: (articles with clean_text/paragraphs, removal log)."""
    return clean_corpus(seeds, progress=False)


@pytest.fixture(scope="module")
def results(seeds):
    """CleanedText of every seed article (with offset maps), keyed by id."""
    return {row["id"]: clean_text(row["text"], title=row["title"], author=row["author"], outlet=row["outlet"])
            for _, row in seeds.iterrows()}


def paragraph_texts(result) -> list[str]:
    """The paragraphs of a CleanedText as strings."""
    return [result.text[p.start:p.end] for p in result.paragraphs]


@pytest.mark.parametrize("article_id, start, rule", LEFTOVERS)
def test_every_provenance_leftover_is_removed_by_its_rule(results, article_id, start, rule):
    result = results[article_id]
    logged = [removal for removal in result.removals if squash(removal.text).startswith(start)]
    assert [removal.rule for removal in logged] == [rule]
    assert not any(paragraph.startswith(start) for paragraph in paragraph_texts(result))


def test_nothing_but_the_listed_leftovers_is_removed(results):
    for article_id, result in results.items():
        expected = sorted(rule for article, _, rule in LEFTOVERS if article == article_id)
        assert sorted(removal.rule for removal in result.removals) == expected, article_id


def test_every_body_line_is_kept_as_a_paragraph(seeds, results):
    body_lines = [(row["id"], line) for _, row in seeds.iterrows() for line in row["text"].splitlines()
                  if line.strip() and not is_leftover(row["id"], squash(line))]
    per_article = pd.Series([article_id for article_id, _ in body_lines]).value_counts().to_dict()
    assert per_article == BODY_LINES  # every non-blank raw line that PROVENANCE does not call a leftover
    for article_id, line in body_lines:
        assert squash(line) in paragraph_texts(results[article_id]), (article_id, line[:60])


def test_pull_quote_keeps_the_body_sentence(results):
    text = results["politicstoday-2022-01-26"].text
    assert text.count("Central Asia is a resource-endowed and strategic geographic location") == 1
    assert "Indeed, Central Asia is a resource-endowed" in text


def test_timesca_section_titles_are_headings_not_prose(results):
    result = results["timesca-2024-11"]
    headings = [result.text[p.start:p.end] for p in result.paragraphs if p.kind == "heading"]
    assert headings == HEADINGS_001
    for heading in HEADINGS_001:
        start = result.text.index(heading)
        assert result.text[start + len(heading):start + len(heading) + 2] == "\n\n"  # never run into prose


def test_moscowpost_standfirst_is_the_lede_and_the_only_one(results):
    kinds = {(article_id, result.text[p.start:p.end]): p.kind
             for article_id, result in results.items() for p in result.paragraphs}
    assert kinds[STANDFIRST_002] == "lede"
    assert [key for key, kind in kinds.items() if kind == "lede"] == [STANDFIRST_002]
    assert sum(kind == "heading" for kind in kinds.values()) == len(HEADINGS_001)


def test_clean_corpus_columns_paragraphs_and_log(seeds, cleaned, results):
    articles, log = cleaned
    assert list(log.columns) == REMOVAL_COLUMNS
    assert len(log) == len(LEFTOVERS)
    assert articles["text"].tolist() == seeds["text"].tolist()  # raw text untouched
    for _, row in articles.iterrows():
        assert row["clean_text"] == results[row["id"]].text
        assert "\n\n".join(row["clean_text"][s:e] for s, e, _ in row["paragraphs"]) == row["clean_text"]
    for removal in log.itertuples():
        raw = seeds.set_index("id").loc[removal.article_id, "text"]
        assert raw[removal.raw_start:removal.raw_end] == removal.text


def test_offsets_map_back_to_the_same_raw_text(seeds, results):
    for _, row in seeds.iterrows():
        result, raw = results[row["id"]], row["text"]
        for paragraph in result.paragraphs:
            spans = [(paragraph.start, paragraph.end)] + [
                (paragraph.start + m.start(), paragraph.start + m.end())
                for m in re.finditer(r"\S+(?: \S+){0,6}", result.text[paragraph.start:paragraph.end])
            ]
            for start, end in spans:
                assert squash(raw[result.to_raw(start):result.to_raw(end)]) == result.text[start:end]


def test_whitespace_nfc_invisible_characters_and_offsets():
    raw = "  Cafe\u0301\u00a0talks\u200b  in\tAstana ,\r\n\r\n\u2003Second\u00adline   “quoted” and \"straight\"\n"
    result = clean_text(raw)
    assert result.text == "Café talks in Astana ,\n\nSecondline “quoted” and \"straight\""
    assert unicodedata.is_normalized("NFC", result.text)
    for word in ("Café", "talks", "Astana", "Secondline", "“quoted”", "\"straight\""):
        start = result.text.index(word)
        assert squash(raw[result.to_raw(start):result.to_raw(start + len(word))]).replace("\u00ad", "") == word


def test_quotes_are_kept_as_written(seeds, results):
    for _, row in seeds.iterrows():
        kept = "".join(line for line in row["text"].splitlines() if not is_leftover(row["id"], squash(line)))
        for mark in "“”‘’\"'`":
            assert results[row["id"]].text.count(mark) == kept.count(mark), (row["id"], mark)


def test_html_goes_through_trafilatura_then_the_rules():
    html = """<html><head><title>Summit in Astana</title></head><body>
    <nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
    <article><h1>Summit in Astana ends with a joint statement</h1>
    <p>The leaders of five states met in Astana on Thursday and signed a joint statement on security.</p>
    <h2>Missiles and markets</h2>
    <p>“We are ready to work with everyone,” the president said after talks he called "frank and useful".</p>
    <p>Story continues below advertisement</p>
    <p>Officials said the next meeting would take place in Minsk in 2025, after a year of preparation.</p>
    </article><footer><p>Copyright © 2024 Example News. All rights reserved.</p></footer></body></html>"""
    result = clean_text(html, source_format="html", title="Summit in Astana ends with a joint statement")
    assert "<p>" not in result.text and "Home" not in result.text and "Copyright" not in result.text
    assert {removal.rule for removal in result.removals} == {"title_line", "story_continues"}
    assert [result.text[p.start:p.end] for p in result.paragraphs if p.kind == "heading"] == ["Missiles and markets"]
    assert "“We are ready to work with everyone,” the president said" in result.text
    start = result.text.index("Officials")
    assert result.source[result.to_raw(start):result.to_raw(start + 9)] == "Officials"  # into the extracted text


ABP_BOILERPLATE = {
    "Story Continued Below": "story_continues",
    "Copyright © 2019 The Washington Times, LLC. Click here for reprint permission.": "copyright_line",
    "Sign up for Daily Newsletters Manage Newsletters": "newsletter",
    "Advertisement": "advertisement",
    "Get the Monitor Stories you care about delivered to your inbox. By signing up, you agree to our Privacy Policy":
        "newsletter",
}


@pytest.fixture(scope="module")
def abp_examples() -> dict[str, dict]:
    """The first ABP article holding each boilerplate line, and one with an inline ADVERTISEMENT."""
    source = paths.BENCH_DIR / "abp_10k.jsonl.gz"
    if not source.exists():
        pytest.skip(f"benchmark corpus not found: {source}")
    found: dict[str, dict] = {}
    with gzip.open(source, "rt", encoding="utf-8") as lines:
        for record in map(json.loads, islice(lines, 3000)):
            paragraphs = [line.strip() for line in record["content_original"].split("\n")]
            for boilerplate in ABP_BOILERPLATE:
                if boilerplate in paragraphs:
                    found.setdefault(boilerplate, record)
            if any(" ADVERTISEMENT " in line for line in paragraphs):
                found.setdefault("inline", record)
    assert set(found) == {*ABP_BOILERPLATE, "inline"}
    return found


@pytest.mark.parametrize("boilerplate", list(ABP_BOILERPLATE))
def test_abp_boilerplate_lines_are_removed(abp_examples, boilerplate):
    record = abp_examples[boilerplate]
    result = clean_text(record["content_original"], title=record["title"], author=record["authors"],
                        outlet=record["source"])
    assert (ABP_BOILERPLATE[boilerplate], boilerplate) in {(r.rule, r.text) for r in result.removals}
    assert boilerplate not in paragraph_texts(result)
    long_lines = [line.strip() for line in record["content_original"].split("\n") if len(line.split()) > 40]
    kept = sum(squash(line) in result.text for line in long_lines)
    assert kept >= len(long_lines) - 1  # the prose stays (one long line may be a pull quote or caption)


def test_abp_inline_advertisement_is_cut_from_the_paragraph(abp_examples):
    record = abp_examples["inline"]
    result = clean_text(record["content_original"], title=record["title"], outlet=record["source"])
    assert "ADVERTISEMENT" not in result.text
    cut = [removal for removal in result.removals if removal.rule == "inline_advertisement"]
    assert cut and all(record["content_original"][r.raw_start:r.raw_end] == "ADVERTISEMENT" for r in cut)
    line = next(line for line in record["content_original"].split("\n") if " ADVERTISEMENT " in line)
    assert squash(line.replace(" ADVERTISEMENT ", " ")) in result.text
    paragraph_start = result.text.index(squash(line.replace(" ADVERTISEMENT ", " ")))
    for word in re.finditer(r"\S+", squash(line.replace(" ADVERTISEMENT ", " "))):
        start, end = paragraph_start + word.start(), paragraph_start + word.end()
        assert record["content_original"][result.to_raw(start):result.to_raw(end)] == word.group()


def test_cleaning_is_fast_on_real_articles():
    source = paths.BENCH_DIR / "abp_10k.jsonl.gz"
    if not source.exists():
        pytest.skip(f"benchmark corpus not found: {source}")
    with gzip.open(source, "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for line in islice(lines, 500)]
    frame = pd.DataFrame({"id": [f"abp-{i}" for i in range(len(records))],
                          "text": [r["content_original"] for r in records], "title": [r["title"] for r in records],
                          "author": [r["authors"] for r in records], "outlet": [r["source"] for r in records]})
    started = time.process_time()
    articles, log = clean_corpus(frame, progress=False)
    seconds = time.process_time() - started
    assert seconds < 5  # about 0.7 s of CPU here: 10k articles take ~15 s
    assert len(articles) == 500 and (articles["clean_text"].str.len() > 0).all() and len(log) > 100


def test_rules_file_is_documented_and_extensible():
    rules = load_rules()
    every = rules.inline + rules.lines + rules.repeats
    assert all(rule.note for rule in every)
    custom = parse_rules({"rules": [{"name": "sponsor", "pattern": "Sponsored by .+", "note": "sponsor lines"}]})
    result = clean_text("Sponsored by Acme\nThe talks went on late into the night.", rules=custom)
    assert [(r.rule, r.text) for r in result.removals] == [("sponsor", "Sponsored by Acme")]
    assert result.text == "The talks went on late into the night."
    with pytest.raises(ValueError, match="'broken'"):
        parse_rules({"rules": [{"name": "broken", "kind": "regexp", "pattern": "x"}]})
