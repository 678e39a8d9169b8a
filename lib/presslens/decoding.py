"""Bytes to text: UTF-8 first, else the encoding charset-normalizer detects; binary content is refused."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

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


class BinaryContent(ValueError):
    """The bytes are not text in any encoding we can recognise."""


@dataclass(frozen=True)
class Decoded:
    """Text decoded from bytes, with the encoding that decoded it."""

    text: str
    encoding: str

    @property
    def is_utf8(self) -> bool:
        """Whether the bytes were UTF-8 (with or without a byte-order mark)."""
        return self.encoding in (UTF8, "utf-8-sig")


def bom_encoding(data: bytes) -> str | None:
    """The encoding announced by a byte-order mark at the start of ``data``, if any."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return encoding
    return None


def decode_bytes(data: bytes) -> Decoded:
    """Decode ``data``: a byte-order mark, else strict UTF-8, else charset-normalizer; raise BinaryContent."""
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
    best = from_bytes(data).best()
    if best is None:
        raise BinaryContent("is neither UTF-8 nor any text encoding charset-normalizer recognises")
    return Decoded(str(best), codecs.lookup(best.encoding).name)
