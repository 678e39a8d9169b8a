"""``presslens eval quotes --sample``: score quote attribution on the hand-checked bench sample (tests/data).

The sample file holds three kinds of rows (its header comment lines are the annotation guideline): ``article``
rows listing every article of the sample (the corpus the speaker merge runs over); ``attribution`` rows, each one
attribution drawn at random from the system's output on a benchmark article, with the gold speaker and gold content
read off the sentence; and ``cluster`` rows, each one merged speaker (two or more
surface forms) judged correct or wrong. Scoring re-runs the system on the sample's articles and compares.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from presslens import paths
from presslens.people import NameParts, fold
from presslens.quotes import lexicons
from presslens.quotes.tables import quotes_table

SAMPLE_FILE = paths.PROJECT_ROOT / "tests" / "data" / "quotes_sample.csv"
ATTRIBUTION, CLUSTER = "attribution", "cluster"
#: gold speakers may list alternatives separated by this mark ("Bashar al-Assad | Assad")
ALTERNATIVES = "|"
#: share of a sampled non-attribution's characters a prediction must cover to count as a false positive again
FALSE_POSITIVE_OVERLAP = 0.5
DETERMINERS = ("the ", "a ", "an ")
#: words that never begin a speaker's name or description (reporting verbs and link labels glued to a name)
NON_NAME_STARTS = frozenset({"said", "says", "read", "follow", "related", "according"})
#: a description's head noun comes before the first of these ("a spokesperson for the ministry")
POSSESSIVES = frozenset({"its", "his", "her", "their", "our", "my", "your"})
PREPOSITIONS = frozenset({"and", "or", "of", "for", "with", "from", "at", "in", "on", "to", "by", "familiar", "close",
                          "who"})


def read_sample(path: str | Path = SAMPLE_FILE) -> pd.DataFrame:
    """The sample rows (comment lines starting with # are the guideline), every value a string."""
    return pd.read_csv(path, comment="#", dtype=str, keep_default_na=False)


# ------------------------------------------------------------------------------------------------ speakers
def normalise_speaker(name: str) -> str:
    """A speaker compared loosely: folded, single-spaced, without a leading article or a possessive."""
    text = " ".join(fold(name).replace("’", "'").split())
    for determiner in DETERMINERS:
        if text.startswith(determiner):
            text = text[len(determiner) :]
    return re.sub(r"'s$", "", text)


def speaker_matches(predicted: str, gold: str) -> bool:
    """Whether a predicted speaker names the gold speaker: equal to an alternative, or the same full name variant."""
    alternatives = [normalise_speaker(part) for part in gold.split(ALTERNATIVES)]
    guess = normalise_speaker(predicted)
    if guess in alternatives:
        return True
    if not guess or " " not in guess:
        return False
    mine = NameParts.of(guess)
    for alternative in alternatives:
        theirs = NameParts.of(alternative)
        if theirs.given and mine.surname == theirs.surname and mine.given[0][:1] == theirs.given[0][:1]:
            return True
    return False


def _singular(word: str) -> str:
    """A plural noun's singular by the regular English endings ("majorities" -> "majority")."""
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def junk_speaker(name: str) -> bool:
    """Whether a speaker string is neither a name nor a person/organisation description (counted as junk).

    Junk: only pronouns or quantifiers ("you", "many"), a reporting verb or link label in front, quotation marks
    in it; else a name starts upper-case, and a description's head noun (the last word before a preposition or
    "and") must be a noun of the speaker lexicon. Empty speakers (unresolved) are not junk.
    """
    words = normalise_speaker(name).split()
    if not words:
        return False
    rules = lexicons.speaker_rules()
    if all(word in rules["unresolvable_pronouns"] or word in rules["pronouns"] for word in words):
        return True
    original = name.strip()
    if words[0] in NON_NAME_STARTS or re.search(r'["“”]', original):
        return True
    if re.match(r"^(?:[Tt]he |[Aa]n? )?[A-Z]", original) and words[0] not in POSSESSIVES:
        return False
    cut = next((i for i, word in enumerate(words) if i and word in PREPOSITIONS), len(words))
    head = words[:cut][-1]
    return head not in rules["speaker_heads"] and _singular(head) not in rules["speaker_heads"]


def junk_share(quotes: pd.DataFrame) -> dict[str, Any]:
    """Share of attributions with a speaker whose speaker is junk, with the junk speakers found."""
    attributed = quotes[quotes["speaker"] != ""]
    junk = attributed[attributed["speaker"].map(junk_speaker)]
    share = len(junk) / len(attributed) if len(attributed) else 0.0
    return {"attributed": len(attributed), "junk": len(junk), "share": share,
            "examples": sorted(Counter(junk["speaker"]).most_common(10))}


# ---------------------------------------------------------------------------------------------- contents
def _chars(text: str, start: int, end: int) -> frozenset[int]:
    """Scored characters of a span (the PolNeAR scorer's trimming)."""
    from presslens.quotes.evaluate import char_set

    return char_set(text, [(start, end)])


def _segments_chars(text: str, segments: list) -> frozenset[int]:
    """Scored characters of a prediction's segments."""
    from presslens.quotes.evaluate import char_set

    return char_set(text, [tuple(segment) for segment in segments])


def _best_prediction(predictions: pd.DataFrame, text: str, gold: frozenset[int]
                     ) -> tuple[Mapping | None, frozenset[int]]:
    """The prediction of an article overlapping the gold content most, and its characters."""
    import json

    best, best_chars, best_overlap = None, frozenset(), 0
    for row in predictions.to_dict("records"):
        chars = _segments_chars(text, json.loads(row["segments"]))
        overlap = len(chars & gold)
        if overlap > best_overlap:
            best, best_chars, best_overlap = row, chars, overlap
    return best, best_chars


def score_attributions(rows: pd.DataFrame, quotes: pd.DataFrame, texts: Mapping[str, str]) -> dict[str, Any]:
    """Speaker accuracy and content accuracy / P / R / F1 at 80% coverage of one half of the sample."""
    from presslens.quotes.evaluate import passes, settings

    config = settings()
    by_article = {article_id: part for article_id, part in quotes.groupby("article_id")}
    gold_n = speaker_right = content_right = false_positives = 0
    for row in rows.itertuples():
        text = texts[row.article_id]
        predictions = by_article.get(row.article_id, quotes.iloc[0:0])
        if row.is_attribution != "yes":
            sampled = _chars(text, int(row.start_char), int(row.end_char))
            best, chars = _best_prediction(predictions, text, sampled)
            false_positives += best is not None and len(chars & sampled) >= FALSE_POSITIVE_OVERLAP * len(sampled)
            continue
        gold_n += 1
        gold = _chars(text, int(row.gold_start), int(row.gold_end))
        best, chars = _best_prediction(predictions, text, gold)
        if best is None:
            continue
        content_right += passes("cov80", gold, chars, config)
        if row.gold_speaker:
            speaker_right += speaker_matches(best["speaker"], row.gold_speaker)
        else:
            speaker_right += best["speaker"] == ""
    predicted = gold_n + false_positives  # every sampled item was a prediction when drawn
    precision = content_right / predicted if predicted else 0.0
    recall = content_right / gold_n if gold_n else 0.0
    return {
        "items": len(rows), "gold_attributions": gold_n, "not_attributions": len(rows) - gold_n,
        "speaker_accuracy": speaker_right / gold_n if gold_n else 0.0,
        "content_accuracy_cov80": recall,
        "content_cov80": {"precision": precision, "recall": recall,
                          "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0},
        "false_positives_still_predicted": int(false_positives),
    }


# ---------------------------------------------------------------------------------------------- clusters
def surface_forms(quotes: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """Named speakers with two or more surface forms (mentions other than pronouns) -> their sorted forms."""
    pronouns = lexicons.speaker_rules()["pronouns"]
    named = quotes[(quotes["speaker_id"] != "") & quotes["speaker_named"].astype(bool)]
    forms = {}
    for speaker_id, part in named.groupby("speaker_id"):
        mentions = {mention for mention in part["speaker_mention"] if mention and mention.lower() not in pronouns}
        if len(mentions) >= 2:
            forms[speaker_id] = tuple(sorted(mentions))
    return forms


def score_clusters(rows: pd.DataFrame, quotes: pd.DataFrame) -> dict[str, Any]:
    """Merge precision of the judged clusters, and how today's clusters on the same articles compare."""
    judged = {tuple(sorted(row.cluster_forms.split(" | "))): row.judgement for row in rows.itertuples()}
    correct = sum(1 for judgement in judged.values() if judgement == "correct")
    today = surface_forms(quotes)
    wrong_today = [forms for forms in today.values() if judged.get(forms) == "wrong"]
    return {
        "judged": len(judged), "correct": correct, "merge_precision": correct / len(judged) if judged else 0.0,
        "clusters_today": len(today), "clusters_today_judged": sum(1 for forms in today.values() if forms in judged),
        "judged_wrong_still_merged": [" | ".join(forms) for forms in wrong_today],
    }


# ------------------------------------------------------------------------------------------------- running
def sample_articles(sample: pd.DataFrame) -> pd.DataFrame:
    """The sample's articles loaded from the bench corpora, cleaned (ids are unique per corpus)."""
    from presslens.clean import clean_corpus
    from presslens.corpus import load_with_report

    frames = []
    for corpus, part in sample.groupby("corpus"):
        ids = set(part["article_id"])  # attribution, cluster and article rows: the whole merge corpus
        loaded, _ = load_with_report(paths.BENCH_DIR / f"{corpus}.jsonl.gz")
        frames.append(loaded[loaded["id"].astype(str).isin(ids)].assign(corpus=corpus))
    articles = pd.concat(frames, ignore_index=True)
    articles["id"] = articles["id"].astype(str)
    cleaned, _ = clean_corpus(articles, progress=False)
    return cleaned


def evaluate_sample(path: str | Path = SAMPLE_FILE, write: Path | None = None) -> dict[str, Any]:
    """Score today's system on the hand-checked sample: per half speaker and content figures, merges, junk share."""
    from presslens.nlp import load_pipeline, parse_corpus

    sample = read_sample(path)
    articles = sample_articles(sample)
    docs = parse_corpus(articles, load_pipeline(), progress=False)
    quotes = quotes_table(docs, articles)
    quotes["corpus"] = quotes["article_id"].map(dict(zip(articles["id"], articles["corpus"])))
    if write is not None:
        quotes.to_csv(write, index=False)
    texts = dict(zip(articles["id"], articles["clean_text"]))
    attributions = sample[sample["record"] == ATTRIBUTION]
    halves = {corpus: score_attributions(part, quotes, texts) for corpus, part in attributions.groupby("corpus")}
    for corpus, figures in halves.items():
        figures["outlets"] = int(attributions.loc[attributions["corpus"] == corpus, "outlet"].nunique())
        figures["junk_speakers"] = junk_share(quotes[quotes["corpus"] == corpus])
    return {
        "sample": str(path),
        "articles": len(articles),
        "halves": halves,
        "merges": score_clusters(sample[sample["record"] == CLUSTER], quotes),
        "targets": _targets(halves, sample),
    }


def _targets(halves: dict[str, Any], sample: pd.DataFrame) -> dict[str, Any]:
    """The issue's targets on the sample with the measured values."""
    goals = {"speaker_accuracy": 0.90, "content_accuracy_cov80": 0.85}
    measured = {}
    for corpus, figures in halves.items():
        for metric, goal in goals.items():
            measured[f"{corpus}.{metric}"] = {"target": goal, "value": figures[metric], "met": figures[metric] >= goal}
        share = figures["junk_speakers"]["share"]
        measured[f"{corpus}.junk_share"] = {"target": 0.02, "value": share, "met": share <= 0.02, "at_most": True}
    return measured
