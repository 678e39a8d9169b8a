"""Is a text English? Script (share of Latin letters) and the share of English stopwords; no model needed.

The analyses are English-only. A text counts as English when most of its letters are Latin and at least
:data:`MIN_STOPWORD_SHARE` of its words are English stopwords (spaCy's list; English news prose runs at about
0.4-0.5 (lowest in 13k benchmark articles: 0.16), French, German or Spanish
prose under 0.08). Only the first :data:`SAMPLE_CHARS` characters are read.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from spacy.lang.en.stop_words import STOP_WORDS

SAMPLE_CHARS = 2000
#: Fewer words than this: too short to judge.
MIN_WORDS_TO_JUDGE = 20
MIN_LATIN_SHARE = 0.5
MIN_STOPWORD_SHARE = 0.12
LETTER = re.compile(r"[^\W\d_]")
LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
NON_ASCII = re.compile(r"[^\x00-\x7f]")
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


@dataclass(frozen=True)
class LanguageGuess:
    """Whether a text reads as English, and why not (its main script, or its stopword share)."""

    english: bool | None  # None: too short to judge
    script: str
    stopword_share: float

    def describe(self) -> str:
        """A short phrase for a load-report warning."""
        if self.script != "Latin":
            return f"mostly {self.script} script"
        return f"only {self.stopword_share:.0%} English stopwords (English prose has about 40%)"


def main_script(letters: list[str]) -> str:
    """The most common script among non-Latin letters (the first word of their Unicode names)."""
    scripts = Counter(unicodedata.name(char, "UNKNOWN").split(" ")[0] for char in letters[:2000])
    return scripts.most_common(1)[0][0].title() if scripts else "unknown"


def guess_english(text: str) -> LanguageGuess:
    """Judge whether ``text`` is English from its script and its English stopword share."""
    sample = text[:SAMPLE_CHARS]
    mostly_ascii = len(NON_ASCII.findall(sample)) < 0.1 * len(sample)
    letters = [] if mostly_ascii else LETTER.findall(sample)
    if letters and len(LATIN.findall(sample)) / len(letters) < MIN_LATIN_SHARE:
        return LanguageGuess(False, main_script([char for char in letters if not LATIN.match(char)]), 0.0)
    words = [word.lower().replace("’", "'") for word in WORD.findall(sample)]
    if len(words) < MIN_WORDS_TO_JUDGE:
        return LanguageGuess(None, "Latin", 0.0)
    share = sum(word in STOP_WORDS for word in words) / len(words)
    return LanguageGuess(share >= MIN_STOPWORD_SHARE, "Latin", share)
