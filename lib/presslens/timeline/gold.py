"""Readers of gold temporal annotation: TimeML .tml files and MEANTIME / SemEval-2015 CAT XML."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class GoldTimex:
    """One gold TIMEX3: character offsets into the document's plain text, type and value."""

    start: int
    end: int
    type: str
    value: str


@dataclass
class GoldDoc:
    """A gold document: its plain text, creation time, TIMEX3s, and (CAT only) sentence and token offsets."""

    name: str
    text: str
    dct: str
    timexes: list[GoldTimex]
    scored_until: int | None = None
    sentences: dict[int, tuple[int, int]] = field(default_factory=dict)
    events: list[dict] = field(default_factory=list)
    unscored: list[tuple[int, int]] = field(default_factory=list)


def _walk(element: ET.Element, parts: list[str], found: list[tuple[ET.Element, int, int]], offset: int) -> int:
    """Append an element's text to ``parts`` depth first, recording every descendant's (start, end)."""
    if element.text:
        parts.append(element.text)
        offset += len(element.text)
    for child in element:
        start = offset
        offset = _walk(child, parts, found, offset)
        found.append((child, start, offset))
        if child.tail:
            parts.append(child.tail)
            offset += len(child.tail)
    return offset


def read_timeml(path: Path, sentence_lines: bool = False) -> GoldDoc:
    """A TimeML document: the plain text of <TEXT> (tags removed, entities unescaped) and its TIMEX3 tags.

    With ``sentence_lines`` the <s> sentences (SemEval-2015 track A files) are put one per line.
    """
    raw = path.read_text(encoding="utf-8")
    if sentence_lines:
        raw = re.sub(r"</s>\s*<s ", "</s>\n<s ", raw)
    root = ET.fromstring(raw.encode("utf-8"))
    dct_node = root.find("DCT/TIMEX3")
    parts: list[str] = []
    found: list[tuple[ET.Element, int, int]] = []
    _walk(root.find("TEXT"), parts, found, 0)
    timexes = [GoldTimex(s, e, el.get("type", ""), el.get("value", "")) for el, s, e in found if el.tag == "TIMEX3"]
    sentences = {int(el.get("id")): (s, e) for el, s, e in found if el.tag == "s" and el.get("id", "").isdigit()}
    events = [{"eid": el.get("eid"), "start": s, "end": e} for el, s, e in found if el.tag == "EVENT"]
    dct = dct_node.get("value", "") if dct_node is not None else ""
    return GoldDoc(path.stem, "".join(parts), dct, sorted(timexes, key=lambda t: t.start), None, sentences, events)


def read_cat(path: Path) -> GoldDoc:
    """A CAT XML document (MEANTIME): tokens joined by spaces, one sentence per line; DCT from CREATION_TIME."""
    root = ET.fromstring(path.read_bytes())
    offsets: dict[str, tuple[int, int, int]] = {}
    pieces: list[str] = []
    cursor, sentence = 0, None
    for token in root.iter("token"):
        number = int(token.get("sentence", "0"))
        if pieces:
            separator = "\n" if number != sentence else " "
            pieces.append(separator)
            cursor += 1
        word = html.unescape(token.text or "")
        offsets[token.get("t_id")] = (cursor, cursor + len(word), number)
        pieces.append(word)
        cursor += len(word)
        sentence = number
    dct, timexes, annotated, unscored = "", [], -1, []
    markables = root.find("Markables")
    for markable in markables if markables is not None else []:
        anchors = [offsets[a.get("t_id")] for a in markable.findall("token_anchor") if a.get("t_id") in offsets]
        if not anchors:
            continue
        annotated = max(annotated, max(a[2] for a in anchors))
        if markable.tag != "TIMEX3":
            continue
        start, end = min(a[0] for a in anchors), max(a[1] for a in anchors)
        if markable.get("functionInDocument") == "CREATION_TIME":
            dct = markable.get("value", "")
            unscored.append((start, end))
            continue
        timexes.append(GoldTimex(start, end, markable.get("type", ""), markable.get("value", "")))
    text = "".join(pieces)
    until = max((end for start, end, number in offsets.values() if number <= annotated), default=len(text))
    return GoldDoc(path.stem, text, dct, sorted(timexes, key=lambda t: t.start), until, unscored=unscored)


def read_corpus(folder: Path) -> list[GoldDoc]:
    """Every .tml (TimeML) and CAT .xml document under ``folder``, searched recursively, in path order."""
    docs = []
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".tml":
            docs.append(read_timeml(path))
        elif path.suffix == ".xml" and b"<Document" in path.read_bytes()[:400]:
            docs.append(read_cat(path))
    return docs
