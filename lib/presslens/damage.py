"""Text damage in loaded articles: lost characters, broken quotation marks and mojibake, counted for the load report.

Damaged text still loads, but every analysis that reads quotation marks (quotes, stance in quoted speech) or words
(terms, frames) is less reliable on it, so the load report says what was found and how often.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ftfy import badness

REPLACEMENT_CHARACTER = "\ufffd"
#: a straight quotation mark followed by "?" where a space or apostrophe was lost (`choice,"?Sen.`, `DeVos"?focus`)
BROKEN_QUOTE = re.compile(r'"\?(?=[^\s?!.,;:)\]"])')
#: a straight quotation mark inside a word, standing for a lost apostrophe (`didn"t`, `Trump"s`)
QUOTE_AS_APOSTROPHE = re.compile(r'[A-Za-z]"[a-z]')
#: characters that open a UTF-8 sequence misread as Latin-1 / cp1252 (only text holding one can be mojibake)
MOJIBAKE_LEAD = re.compile("[\u00c2-\u00f4]")
OPENING_CURLY, CLOSING_CURLY = "“", "”"
#: lines scored for mojibake are cut into pieces of this many characters (ftfy scores short strings)
MOJIBAKE_PIECE = 400


@dataclass(frozen=True)
class Damage:
    """Counts of damage found in one text."""

    replacement_characters: int = 0
    broken_quotes: int = 0
    quotes_as_apostrophes: int = 0
    unbalanced_marks: int = 0
    mojibake_pieces: int = 0

    @property
    def any(self) -> bool:
        """Whether any damage was found."""
        return any(vars(self).values())


def _line_unbalanced(line: str) -> bool:
    """Whether a line's quotation marks fail to pair (curly opening vs closing, or an odd straight count)."""
    straight = line.count('"') - len(QUOTE_AS_APOSTROPHE.findall(line)) - len(BROKEN_QUOTE.findall(line))
    return line.count(OPENING_CURLY) != line.count(CLOSING_CURLY) or straight % 2 == 1


def unbalanced_marks(text: str) -> int:
    """Lines whose quotation marks fail to pair, not counting a quote that goes on into the next paragraph."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    count = 0
    for index, line in enumerate(lines):
        continues = index + 1 < len(lines) and lines[index + 1][:1] in (OPENING_CURLY, '"')
        if _line_unbalanced(line) and not (continues and line.count(OPENING_CURLY) + line.count('"') > 0):
            count += 1
    return count


def mojibake_pieces(text: str) -> int:
    """Pieces of the text that ftfy judges to be mojibake (UTF-8 read as another encoding, e.g. "â€œ").

    Pieces holding U+FFFD are left out: they are counted as replacement characters already.
    """
    if not MOJIBAKE_LEAD.search(text):
        return 0
    pieces = (text[at : at + MOJIBAKE_PIECE] for at in range(0, len(text), MOJIBAKE_PIECE))
    return sum(
        1 for piece in pieces
        if MOJIBAKE_LEAD.search(piece) and REPLACEMENT_CHARACTER not in piece and badness.is_bad(piece)
    )


def measure(text: str) -> Damage:
    """Damage counts of one article text."""
    return Damage(
        replacement_characters=text.count(REPLACEMENT_CHARACTER),
        broken_quotes=len(BROKEN_QUOTE.findall(text)),
        quotes_as_apostrophes=len(QUOTE_AS_APOSTROPHE.findall(text)),
        unbalanced_marks=unbalanced_marks(text),
        mojibake_pieces=mojibake_pieces(text),
    )


def warning(text: str) -> str:
    """A load-report warning naming each kind of damage with its count, or "" for undamaged text."""
    found = measure(text)
    if not found.any:
        return ""
    parts = [
        (found.replacement_characters, "replacement characters (U+FFFD, lost in decoding)"),
        (found.broken_quotes, '"?-style broken quotation marks'),
        (found.quotes_as_apostrophes, 'quotation marks standing for apostrophes (didn"t)'),
        (found.unbalanced_marks, "paragraphs with unpaired quotation marks"),
        (found.mojibake_pieces, "stretches of likely mojibake (UTF-8 read as another encoding)"),
    ]
    listed = ", ".join(f"{count} {what}" for count, what in parts if count)
    return f"damaged text: {listed}; quotes and words near them may be misread"
