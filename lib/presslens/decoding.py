"""Bytes to text: a byte-order mark, else UTF-8, else the most plausible of a short list of single-byte code pages.

Single-byte candidates are tried in :data:`SINGLE_BYTE` order (cp1252 first: Western European text) and judged
by plausibility: characters that do not belong in running text (controls, stray symbols between letters, words
of mixed scripts or of mostly accented Latin letters, case flipping inside a word, rare letters) cost points,
and the cheapest decoding wins, the earlier one on a tie. The confidence says how clearly it won. When no
single-byte candidate is plausible, charset-normalizer is asked (multi-byte encodings such as Shift-JIS).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from charset_normalizer import from_bytes

#: Byte-order marks that announce a text encoding, longest first (UTF-32 LE starts like UTF-16 LE).
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
UTF8 = "utf-8"
#: Likely single-byte encodings, in order of preference on a tie (Windows code pages first, no DOS/Mac pages).
SINGLE_BYTE = ("cp1252", "cp1250", "cp1251", "koi8_r", "cp1253", "cp1254", "cp1257", "iso8859_15", "iso8859_2")
#: Below this confidence the chosen encoding is reported as a guess.
LOW_CONFIDENCE = 0.5
#: Bytes of non-ASCII lines that plausibility is judged on (the whole text is decoded with the winner).
SAMPLE_BYTES = 16_384
#: A single-byte guess is never certain.
MAX_GUESS_CONFIDENCE = 0.95
#: Accented letters common in European languages; other non-ASCII Latin letters cost a little.
COMMON_LATIN = set("àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿœšžčćęąłńśźżőűășțşğıřěůāēīūėįųõß")
COMMON_LATIN |= {char.upper() for char in COMMON_LATIN} | {"İ"}
#: Non-ASCII punctuation and symbols that are normal in running text.
TEXT_SYMBOLS = set("“”‘’„‚«»‹›–—…•·€£¥¢°©®™§¶±×÷µ¹²³½¼¾ \u00a0\u00ad")
WORD = re.compile(r"[^\W\d_]+(?:[^\w\s][^\W\d_]+)*")
NON_ASCII = re.compile(r"[^\x00-\x7f]")
NON_ASCII_TOKEN = re.compile(r"\S*[^\x00-\x7f]\S*")
# Scripts a letter may belong to (the first word of its Unicode name).
SCRIPTS = ("LATIN", "CYRILLIC", "GREEK", "HEBREW", "ARABIC")


class BinaryContent(ValueError):
    """The bytes are not text in any encoding we can recognise."""


@dataclass(frozen=True)
class Decoded:
    """Text decoded from bytes, the encoding that decoded it and how sure the choice is (0-1)."""

    text: str
    encoding: str
    confidence: float = 1.0

    @property
    def is_utf8(self) -> bool:
        """Whether the bytes were UTF-8 (with or without a byte-order mark)."""
        return self.encoding in (UTF8, "utf-8-sig")

    @property
    def is_guess(self) -> bool:
        """Whether the encoding was chosen with low confidence."""
        return self.confidence < LOW_CONFIDENCE


def bom_encoding(data: bytes) -> str | None:
    """The encoding announced by a byte-order mark at the start of ``data``, if any."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return encoding
    return None


@lru_cache(maxsize=4096)
def script_of(char: str) -> str:
    """The script of a letter (LATIN, CYRILLIC, ...; OTHER when none of SCRIPTS)."""
    name = unicodedata.name(char, "")
    return next((script for script in SCRIPTS if name.startswith(script)), "OTHER")


def word_cost(word: str) -> float:
    """Implausibility of one word: mixed scripts, mostly accented Latin, case flips, rare letters."""
    special = [char for char in word if not char.isascii()]
    if not special:
        return 0.0
    letters = [char for char in word if char.isalpha()]
    scripts = {script_of(char) for char in letters if not char.isascii()} | ({"LATIN"} if any(
        char.isascii() for char in letters) else set())
    cost = 0.0
    if len(scripts) > 1:
        cost += 3 * len(special)
    if scripts == {"LATIN"}:
        if len(letters) >= 4 and len(special) / len(letters) > 0.75:
            cost += 2 * len(special)
        cost += 0.5 * sum(char not in COMMON_LATIN for char in special if char.isalpha())
    flips = sum(1 for left, right in zip(word, word[1:]) if left.islower() and right.isupper())
    return cost + 2 * flips + 3 * sum(not char.isalpha() and char not in TEXT_SYMBOLS for char in special)


def implausibility(text: str) -> float:
    """Cost of the non-ASCII characters of a decoded text (0: all plausible)."""
    cost = 0.0
    for char in NON_ASCII.findall(text):
        if not char.isalpha() and char not in TEXT_SYMBOLS:
            category = unicodedata.category(char)
            cost += 10 if category[0] == "C" else 2 if category[0] == "S" else 1
    for token in NON_ASCII_TOKEN.findall(text):
        cost += sum(word_cost(word) for word in WORD.findall(token))
    return cost


def non_ascii_sample(data: bytes, limit: int = SAMPLE_BYTES) -> bytes:
    """The lines of ``data`` that hold non-ASCII bytes, up to about ``limit`` bytes (what plausibility is judged on)."""
    lines, size = [], 0
    for line in data.split(b"\n"):
        if not line.isascii():
            lines.append(line[:limit])
            size += len(lines[-1]) + 1
            if size >= limit:
                break
    return b"\n".join(lines)


def best_single_byte(data: bytes) -> tuple[str, str, float] | None:
    """The most plausible SINGLE_BYTE decoding: (text, encoding, confidence), or None if none decodes."""
    sample = non_ascii_sample(data)
    high = sum(byte >= 0x80 for byte in sample) or 1
    scored = []
    for order, encoding in enumerate(SINGLE_BYTE):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        text = sample.decode(encoding)
        scored.append((implausibility(text), order, text, encoding))
    if not scored:
        return None
    scored.sort(key=lambda item: item[:2])
    cost, _, text, encoding = scored[0]
    rival = next((item for item in scored[1:] if item[2] != text), None)
    margin = 1.0
    if rival is not None:
        differing = sum(mine != theirs for mine, theirs in zip(text, rival[2])) or 1
        margin = (rival[0] - cost) / differing  # extra cost per character the rival decodes differently
    confidence = max(0.0, 1 - cost / high) * min(1.0, 0.5 + margin)
    return data.decode(encoding), codecs.lookup(encoding).name, round(min(confidence, MAX_GUESS_CONFIDENCE), 2)


def decode_bytes(data: bytes) -> Decoded:
    """Decode ``data``: a byte-order mark, else strict UTF-8, else the most plausible encoding; raise BinaryContent."""
    announced = bom_encoding(data)
    if announced:
        try:
            return Decoded(data.decode(announced), announced)
        except UnicodeDecodeError as error:
            raise BinaryContent(
                f"starts with a {announced} byte-order mark but does not decode ({error.reason})"
            ) from error
    if b"\x00" in data:
        raise BinaryContent("contains NUL bytes, so it is a binary file, not text")
    try:
        return Decoded(data.decode(UTF8), UTF8)
    except UnicodeDecodeError:
        pass
    single = best_single_byte(data)
    if single is not None and single[2] >= LOW_CONFIDENCE:
        return Decoded(*single)
    best = from_bytes(data).best()
    if best is not None and (single is None or implausibility(str(best)) < implausibility(single[0])):
        return Decoded(str(best), codecs.lookup(best.encoding).name, round(max(0.0, 1 - best.chaos), 2))
    if single is not None:
        return Decoded(*single)
    raise BinaryContent("is neither UTF-8 nor any text encoding charset-normalizer recognises")
