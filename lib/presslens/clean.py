"""Raw article text -> cleaned text: NFC, normalised whitespace, paragraphs and headings, logged removals.

The cleaned text is the canonical text of every analysis; all character offsets refer to it. Raw text is
never modified: :meth:`CleanedText.to_raw` maps a cleaned offset back to the raw text through a compact
anchor map. Web-page leftovers are removed by the rules in ``data/rules/cleaning.yaml`` (see the comments
there), and every removal is logged with its rule and its raw offsets.

HTML input (``source_format="html"``) first goes through trafilatura (no network); the rules then run on
the extracted text, and offsets (``to_raw``, removal ``raw_start``/``raw_end``) refer to that extracted text,
kept in :attr:`CleanedText.source`.
"""

from __future__ import annotations

import html as html_module
import re
import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from re import Pattern

import pandas as pd
import yaml
from tqdm.auto import tqdm

from presslens import paths

RULES_FILE = paths.RULES_DIR / "cleaning.yaml"
PARAGRAPH_SEPARATOR = "\n\n"
INVISIBLE = "\u200b\u2060\ufeff\u00ad"
BLANK = "".join(chr(code) for code in range(0x3001) if chr(code).isspace()) + INVISIBLE
TOKEN = re.compile(rf"(\s+)|([{INVISIBLE}]+)|([^\s{INVISIBLE}]+)")
WORD = re.compile(r"\w+")
HTML_TAG = re.compile(r"<[^>]{0,2000}>")
SENTENCE_END = re.compile(r"(?<=[.!?])[”\"’)\]]*\s+(?=[“\"‘(\[]?[A-Z0-9])")
FIELDS = ("title", "author", "outlet")
FIELD_SLACK_WORDS = 4  # a field line may carry a few more words than the field ("By Dr. ...")
REPEAT_EDGE = " .,;:!?\"'()[]…—–-"
ANCHOR_WORDS = 8  # words indexed per paragraph to find it inside another one (at most the rule's min_words)


# ---- results -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of the cleaned text: ``text[start:end]``, of kind body, heading or lede."""

    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Removal:
    """A piece of raw text removed by a rule, with its raw offsets."""

    rule: str
    raw_start: int
    raw_end: int
    text: str


@dataclass(frozen=True)
class OffsetMap:
    """Cleaned offset -> raw offset: sorted anchor pairs, linear between anchors (found by bisection)."""

    clean: array
    raw: array

    def to_raw(self, offset: int) -> int:
        """The raw offset of cleaned offset ``offset`` (an end offset maps to the end of the raw piece)."""
        i = max(bisect_right(self.clean, offset) - 1, 0)
        return self.raw[i] + offset - self.clean[i]


@dataclass(frozen=True)
class CleanedText:
    """The cleaned text of one article, its paragraphs, what was removed and the map back to the raw text."""

    text: str
    paragraphs: list[Paragraph]
    removals: list[Removal]
    offsets: OffsetMap
    source: str | None = None  # the trafilatura-extracted text of HTML input (offsets refer to it)
    warnings: tuple[str, ...] = ()  # e.g. the rules were undone because they would have emptied the text

    def to_raw(self, offset: int) -> int:
        """Map a cleaned-text offset to the raw text (to the extracted text for HTML input)."""
        return self.offsets.to_raw(offset)


# ---- rules ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One cleaning rule from the rules file (see the field list at the top of cleaning.yaml)."""

    name: str
    note: str
    kind: str = "line"
    pattern: Pattern[str] | None = None
    where: str = "any"
    window: int = 5
    after: frozenset[str] = frozenset()
    next: Pattern[str] | None = None
    max_words: int | None = None
    field: str | None = None
    match: str = "contained"
    min_words: int = 1
    min_overlap: float = 1.0
    contains: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rules:
    """The parsed rules file: inline, line and repeat rules plus the paragraph-kind settings."""

    inline: tuple[Rule, ...]
    lines: tuple[Rule, ...]
    repeats: tuple[Rule, ...]
    heading_max_words: int
    lede_max_words: int
    final_punctuation: str
    closing_marks: str
    name_prefix: Pattern[str]
    source: Path | None = None


def _rule(entry: dict) -> Rule:
    """Build a Rule from one YAML entry, compiling its patterns."""
    after = entry.get("after") or ()
    return Rule(
        name=entry["name"],
        note=entry.get("note", ""),
        kind=entry.get("kind", "line"),
        pattern=re.compile(entry["pattern"]) if entry.get("pattern") else None,
        where=entry.get("where", "any"),
        window=int(entry.get("window", 5)),
        after=frozenset([after] if isinstance(after, str) else after),
        next=re.compile(entry["next"]) if entry.get("next") else None,
        max_words=entry.get("max_words"),
        field=entry.get("field"),
        match=entry.get("match", "contained"),
        min_words=int(entry.get("min_words", 1)),
        min_overlap=float(entry.get("min_overlap", 1.0)),
        contains=tuple(literal.lower() for literal in entry.get("contains") or ()),
    )


def _check(rule: Rule) -> Rule:
    """Reject a rule that cannot work, naming it."""
    kinds = {"line": rule.pattern, "inline": rule.pattern, "field": rule.field in FIELDS, "repeat": True}
    if rule.kind not in kinds:
        raise ValueError(f"cleaning rule {rule.name!r}: unknown kind {rule.kind!r} (line, inline, field, repeat)")
    if not kinds[rule.kind]:
        raise ValueError(f"cleaning rule {rule.name!r} of kind {rule.kind!r} needs a pattern or field {FIELDS}")
    if rule.kind == "repeat" and rule.match not in {"identical", "contained", "overlap"}:
        raise ValueError(f"cleaning rule {rule.name!r}: match must be identical, contained or overlap")
    if rule.where not in {"any", "head", "tail", "lead"}:
        raise ValueError(f"cleaning rule {rule.name!r}: where must be any, head, tail or lead")
    return rule


def parse_rules(spec: dict, source: Path | None = None) -> Rules:
    """Rules from the parsed YAML mapping of a rules file."""
    rules = [_check(_rule(entry)) for entry in spec["rules"]]
    kinds = spec.get("paragraphs", {})
    return Rules(
        inline=tuple(r for r in rules if r.kind == "inline"),
        lines=tuple(r for r in rules if r.kind in {"line", "field"}),
        repeats=tuple(r for r in rules if r.kind == "repeat"),
        heading_max_words=int(kinds.get("heading_max_words", 12)),
        lede_max_words=int(kinds.get("lede_max_words", 25)),
        final_punctuation=kinds.get("final_punctuation", ".!?,;:…"),
        closing_marks=kinds.get("closing_marks", "\"”’')]»"),
        name_prefix=re.compile(spec.get("name_prefix", r"$^")),
        source=source,
    )


@lru_cache(maxsize=8)
def _load_cached(path: Path, mtime: float) -> Rules:
    """Parse a rules file once per modification time."""
    return parse_rules(yaml.safe_load(path.read_text(encoding="utf-8")), source=path)


def load_rules(path: str | Path = RULES_FILE) -> Rules:
    """Load the cleaning rules (default ``data/rules/cleaning.yaml``)."""
    resolved = paths.resolve(path)
    return _load_cached(resolved, resolved.stat().st_mtime)


# ---- lines and whitespace ------------------------------------------------------------------------------


def _strip_span(raw: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` past leading and trailing whitespace and invisible characters."""
    piece = raw[start:end]
    left = piece.lstrip(BLANK)
    if not left:
        return start, start
    return start + len(piece) - len(left), start + len(left.rstrip(BLANK)) + len(piece) - len(left)


def line_spans(raw: str) -> list[tuple[int, int]]:
    """Raw spans of the non-blank lines (split as ``str.splitlines``), without surrounding whitespace."""
    spans, cursor = [], 0
    for line in raw.splitlines(keepends=True):
        start, end = _strip_span(raw, cursor, cursor + len(line))
        if start < end:
            spans.append((start, end))
        cursor += len(line)
    return spans


class _Anchors:
    """Growing anchor lists (clean offset, raw offset), skipping anchors that continue the last one."""

    def __init__(self) -> None:
        self.clean: list[int] = []
        self.raw: list[int] = []

    def add(self, clean: int, raw: int) -> None:
        """Record that ``clean`` maps to ``raw`` (dropped when already implied by the previous anchor)."""
        if self.clean and raw - clean == self.raw[-1] - self.clean[-1]:
            return
        if self.clean and self.clean[-1] == clean:
            self.raw[-1] = raw
            return
        self.clean.append(clean)
        self.raw.append(raw)


def _nfc_word(word: str, raw_start: int, offset: int, anchors: _Anchors) -> str:
    """NFC of one word; anchors every combining cluster when normalisation changes the word's length."""
    normal = unicodedata.normalize("NFC", word)
    if len(normal) == len(word):
        return normal
    clusters, starts = [], []
    for i, char in enumerate(word):
        if clusters and unicodedata.combining(char):
            clusters[-1] += char
        else:
            clusters.append(char)
            starts.append(i)
    pieces = [unicodedata.normalize("NFC", cluster) for cluster in clusters]
    if "".join(pieces) != normal:
        return normal
    position = offset
    for piece, start in zip(pieces, starts):
        anchors.add(position, raw_start + start)
        position += len(piece)
    return normal


def _is_plain(piece: str) -> bool:
    """Whether a piece needs no normalising: NFC, printable, single spaces only (checked in C)."""
    return piece.isprintable() and "  " not in piece and unicodedata.is_normalized("NFC", piece)


def normalise(raw: str, segments: list[tuple[int, int]], anchors: _Anchors) -> str:
    """Normalised text of the raw segments (a gap between segments acts as a space), adding anchors."""
    if len(segments) == 1 and _is_plain(raw[segments[0][0]:segments[0][1]]):
        anchors.add(0, segments[0][0])
        return raw[segments[0][0]:segments[0][1]]
    out: list[str] = []
    position, spaced, word_end = 0, False, 0
    for start, end in segments:
        spaced = bool(out)
        for token in TOKEN.finditer(raw, start, end):
            if token.group(1) is not None:
                spaced = True
                continue
            if token.group(2) is not None:
                continue
            if spaced and out:
                anchors.add(position, word_end)
                out.append(" ")
                position += 1
            spaced = False
            anchors.add(position, token.start())
            word = _nfc_word(token.group(3), token.start(), position, anchors)
            out.append(word)
            position += len(word)
            word_end = token.end()
    return "".join(out)


# ---- one article ---------------------------------------------------------------------------------------


@dataclass
class _Line:
    """A non-blank raw line on its way through the rules."""

    raw_start: int
    raw_end: int
    text: str = ""
    words: int = 0
    anchors: _Anchors = field(default_factory=_Anchors)
    removed_by: str | None = None


def _fold(text: str) -> str:
    """Lower-cased words only, space-joined and space-padded (for comparisons that ignore punctuation)."""
    return " " + " ".join(WORD.findall(text.casefold())) + " "


def _plain(text: str) -> str:
    """Case-folded text with curly quotes made straight (for verbatim-repeat search)."""
    return text.casefold().replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')


def _plain_lines(texts: list[str]) -> list[str]:
    """:func:`_plain` of each line (done once on the joined lines; lines hold no line break)."""
    return _plain("\n".join(texts)).split("\n") if texts else []


def _inline_cuts(raw: str, start: int, end: int, inline: list[Rule]) -> tuple[list[tuple[int, int]], list[Removal]]:
    """The raw segments of a line left after the inline rules, and the inline removals."""
    removals = []
    lowered = raw[start:end].lower() if any(rule.contains for rule in inline) else ""
    for rule in inline:
        if not rule.contains or any(literal in lowered for literal in rule.contains):
            removals.extend(Removal(rule.name, match.start(), match.end(), match.group())
                            for match in rule.pattern.finditer(raw, start, end) if match.end() > match.start())
    if not removals:
        return [(start, end)], []
    removals.sort(key=lambda removal: removal.raw_start)
    segments, cursor, kept = [], start, []
    for removal in removals:
        if removal.raw_start < cursor:
            continue
        segments.append((cursor, removal.raw_start))
        cursor = removal.raw_end
        kept.append(removal)
    segments.append((cursor, end))
    spans = [_strip_span(raw, a, b) for a, b in segments]
    return [(a, b) for a, b in spans if a < b], kept


def _zone(rule: Rule, lines: list[_Line]) -> range:
    """Indices of the lines a rule may look at: all, the head or tail window, or the first kept line."""
    count = len(lines)
    if rule.where == "head":
        return range(min(rule.window, count))
    if rule.where == "tail":
        return range(max(count - rule.window, 0), count)
    if rule.where == "lead":
        first = next((i for i, line in enumerate(lines) if line.removed_by is None), count)
        return range(first, min(first + 1, count))
    return range(count)


def _hit(rule: Rule, line: _Line, folded_fields: dict[str, str], rules: Rules) -> bool:
    """Whether a line matches a line rule's pattern, or equals its manifest field (as folded words)."""
    if rule.kind != "field":
        return rule.pattern.fullmatch(line.text) is not None
    wanted = folded_fields[rule.field]
    return len(line.text) < 2 * len(wanted) + 20 and _fold(rules.name_prefix.sub("", line.text)) == wanted


@dataclass(frozen=True)
class _Index:
    """Look-ups over an article's lines: joined lower-cased text, line starts in it, lines by word count."""

    lowered: str
    starts: list[int]
    by_words: list[int]
    word_counts: list[int]

    @classmethod
    def of(cls, lines: list[_Line]) -> _Index:
        """Index the lines of one article."""
        by_words = sorted(range(len(lines)), key=lambda i: lines[i].words)
        return cls(
            lowered="\n".join(line.text for line in lines).lower(),
            starts=list(accumulate((len(line.text) + 1 for line in lines[:-1]), initial=0)),
            by_words=by_words,
            word_counts=[lines[i].words for i in by_words],
        )

    def holding(self, literals: tuple[str, ...]) -> set[int]:
        """Indices of the lines holding any of the literals."""
        found: set[int] = set()
        for literal in literals:
            position = self.lowered.find(literal)
            while position != -1:
                line = bisect_right(self.starts, position) - 1
                found.add(line)
                position = self.lowered.find(literal, self.starts[line + 1]) if line + 1 < len(self.starts) else -1
        return found

    def at_most(self, words: int | None) -> list[int]:
        """Indices of the lines of at most ``words`` words (all lines when None)."""
        return self.by_words if words is None else self.by_words[: bisect_right(self.word_counts, words)]


def _candidates(rule: Rule, lines: list[_Line], index: _Index, limit: int | None) -> list[int]:
    """Lines still kept, in the rule's zone, of at most ``limit`` words, after the right rule, with its literals."""
    zone = _zone(rule, lines)
    if rule.after:
        pool: Iterable[int] = (i + 1 for i, line in enumerate(lines) if line.removed_by in rule.after)
    elif rule.contains:
        pool = index.holding(rule.contains)
    else:
        pool = index.at_most(limit) if rule.where == "any" else zone
    most = limit if limit is not None else float("inf")
    return sorted(i for i in pool if i in zone and lines[i].words <= most and lines[i].removed_by is None)


def _word_limit(rule: Rule, folded_fields: dict[str, str]) -> int | None:
    """Longest line a rule can match: its max_words, or a little more than the field it compares with."""
    if rule.kind == "field":
        return folded_fields[rule.field].count(" ") + FIELD_SLACK_WORDS
    return rule.max_words


def _apply_line_rules(lines: list[_Line], rules: Rules, folded_fields: dict[str, str]) -> None:
    """Mark lines removed by line and field rules (rule by rule, in file order; first rule wins)."""
    index = _Index.of(lines)
    for rule in rules.lines:
        if rule.kind == "field" and len(folded_fields[rule.field]) <= 2:
            continue
        for i in _candidates(rule, lines, index, _word_limit(rule, folded_fields)):
            if rule.next and (i + 1 == len(lines) or not rule.next.fullmatch(lines[i + 1].text)):
                continue
            if _hit(rule, lines[i], folded_fields, rules):
                lines[i].removed_by = rule.name


def _identical_repeats(texts: list[str], eligible: list[int]) -> set[int]:
    """The eligible paragraphs equal to an earlier paragraph (edge punctuation ignored); one pass, a dict."""
    first: dict[str, int] = {}
    for k, text in enumerate(texts):
        first.setdefault(text.strip(REPEAT_EDGE), k)
    return {k for k in eligible if texts[k].strip(REPEAT_EDGE) and first[texts[k].strip(REPEAT_EDGE)] < k}


def _contained_repeats(texts: list[str], eligible: list[int], anchor_words: int) -> set[int]:
    """The eligible paragraphs found verbatim inside a longer paragraph, in time linear in the text length.

    Each eligible paragraph is indexed by its first ``anchor_words`` words; one pass over the words of every
    paragraph finds where such a run of words starts, and only there is the whole paragraph compared (an
    occurrence must start at a word boundary).
    """
    width = max(anchor_words, 1)
    anchors: dict[tuple[str, ...], list[int]] = {}
    for k in eligible:
        words = tuple(WORD.findall(texts[k].strip(REPEAT_EDGE))[:width])
        if len(words) == width:
            anchors.setdefault(words, []).append(k)
    found: set[int] = set()
    for j, other in enumerate(texts):
        words = WORD.findall(other) if anchors else []
        shingles = set(zip(*(words[i:] for i in range(width)))) & anchors.keys()
        for k in (k for shingle in shingles for k in anchors[shingle]):
            if k != j and k not in found and len(other) > len(texts[k]) and texts[k].strip(REPEAT_EDGE) in other:
                found.add(k)
    return found


def _repeats_reworded(texts: list[str], originals: list[str], k: int, threshold: float) -> bool:
    """Whether at least ``threshold`` of paragraph ``k``'s distinct words recur in one other sentence."""
    words = set(WORD.findall(texts[k]))
    need = threshold * len(words)
    for j, other in enumerate(texts):
        if j == k or not other or sum(word in other for word in words) < need:
            continue
        if any(len(words & set(_fold(s).split())) >= need for s in SENTENCE_END.split(originals[j])):
            return True
    return False


def _apply_repeat_rules(lines: list[_Line], rules: Rules) -> None:
    """Mark kept paragraphs that repeat body text (pull quotes, reworded standfirsts) as removed."""
    kept = [(i, line) for i, line in enumerate(lines) if line.removed_by is None]
    originals = [line.text for _, line in kept]
    texts = _plain_lines(originals)
    for rule in rules.repeats:
        zone = _zone(rule, lines)
        eligible = [k for k, (i, line) in enumerate(kept) if not line.removed_by and i in zone
                    and rule.min_words <= line.words <= (rule.max_words or line.words)]
        if rule.match == "identical":
            hits = _identical_repeats(texts, eligible)
        elif rule.match == "contained":
            hits = _contained_repeats(texts, eligible, min(rule.min_words, ANCHOR_WORDS))
        else:
            hits = {k for k in eligible if _repeats_reworded(texts, originals, k, rule.min_overlap)}
        for k in sorted(hits):
            kept[k][1].removed_by, texts[k] = rule.name, ""


def _is_heading(text: str, words: int, rules: Rules) -> bool:
    """A short line without final punctuation (looking through closing quotes and brackets)."""
    if words > rules.heading_max_words or not any(char.isalpha() for char in text):
        return False
    trimmed = text.rstrip(rules.closing_marks)
    return bool(trimmed) and trimmed[-1] not in rules.final_punctuation


def _kinds(lines: list[_Line], rules: Rules) -> list[str]:
    """Paragraph kinds of the kept lines: heading, lede (a short one-sentence standfirst) or body."""
    kinds = ["heading" if _is_heading(line.text, line.words, rules) else "body" for line in lines]
    first = next((i for i, kind in enumerate(kinds) if kind != "heading"), None)
    if first is not None and first + 1 < len(lines):
        opening = lines[first]
        single = len(SENTENCE_END.split(opening.text)) == 1
        if single and opening.words <= rules.lede_max_words:
            kinds[first] = "lede"
    return kinds


def _assemble(lines: list[_Line], rules: Rules) -> tuple[str, list[Paragraph], OffsetMap]:
    """Join the kept lines into the cleaned text, with paragraph marks and the article's anchor map."""
    kept = [line for line in lines if line.removed_by is None]
    anchors = _Anchors()
    pieces, paragraphs, position = [], [], 0
    for line, kind in zip(kept, _kinds(kept, rules)):
        if pieces:
            pieces.append(PARAGRAPH_SEPARATOR)
            position += len(PARAGRAPH_SEPARATOR)
        for clean, raw in zip(line.anchors.clean, line.anchors.raw):
            anchors.add(position + clean, raw)
        pieces.append(line.text)
        paragraphs.append(Paragraph(position, position + len(line.text), kind))
        position += len(line.text)
    if not kept:
        anchors.add(0, 0)
    return "".join(pieces), paragraphs, OffsetMap(array("q", anchors.clean), array("q", anchors.raw))


def extract_html(html: str) -> str:
    """Main text of an HTML page via trafilatura (no network), one paragraph per line.

    Falls back to trafilatura's plain ``html2txt`` when no main text is found, so a page is never emptied.
    """
    import trafilatura

    main = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    return main or trafilatura.html2txt(html) or html_module.unescape(HTML_TAG.sub(" ", html))


def clean_text(
    raw: str,
    *,
    source_format: str = "txt",
    title: str = "",
    author: str = "",
    outlet: str = "",
    rules: Rules | None = None,
) -> CleanedText:
    """Clean one raw article: normalise, split paragraphs, remove and log leftovers, mark headings/lede.

    The text is never emptied: if the rules would remove all of it, it is kept without removals and
    :attr:`CleanedText.warnings` says which rules would have emptied it.
    """
    rules = rules or load_rules()
    source = extract_html(raw) if source_format == "html" else None
    text = source if source is not None else raw
    cleaned = _clean_lines(text, rules, title, author, outlet, source)
    if cleaned.text or not WORD.search(text):
        return cleaned
    emptying = sorted({removal.rule for removal in cleaned.removals})
    kept = _clean_lines(text, replace(rules, inline=(), lines=(), repeats=()), title, author, outlet, source)
    warning = f"the cleaning rules {', '.join(emptying)} would remove the whole text; kept it without removals"
    return replace(kept, warnings=(warning,))


def _clean_lines(text: str, rules: Rules, title: str, author: str, outlet: str, source: str | None) -> CleanedText:
    """Apply the rules to the lines of ``text`` (raw text, or the text extracted from HTML)."""
    folded_fields = {name: _fold(rules.name_prefix.sub("", str(value or "").strip())) for name, value in
                     zip(FIELDS, (title, author, outlet))}
    lowered = text.lower()
    inline = [rule for rule in rules.inline if not rule.contains or any(lit in lowered for lit in rule.contains)]
    lines, removals = [], []
    for start, end in line_spans(text):
        segments, cuts = _inline_cuts(text, start, end, inline) if inline else ([(start, end)], [])
        removals.extend(cuts)
        if not segments:
            continue
        line = _Line(start, end)
        line.text = normalise(text, segments, line.anchors)
        line.words = line.text.count(" ") + 1
        lines.append(line)
    _apply_line_rules(lines, rules, folded_fields)
    _apply_repeat_rules(lines, rules)
    removals.extend(Removal(line.removed_by, line.raw_start, line.raw_end, text[line.raw_start:line.raw_end])
                    for line in lines if line.removed_by)
    removals.sort(key=lambda removal: removal.raw_start)
    cleaned, paragraphs, offsets = _assemble(lines, rules)
    return CleanedText(cleaned, paragraphs, removals, offsets, source)


# ---- a corpus ------------------------------------------------------------------------------------------

REMOVAL_COLUMNS = ["article_id", "rule", "raw_start", "raw_end", "text"]


def _field(row: pd.Series | dict, name: str) -> str:
    """A manifest field of a record as text ('' when missing)."""
    value = row.get(name, "")
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def clean_article(row: pd.Series | dict, rules: Rules | None = None) -> CleanedText:
    """Clean one article record (its text, source format, title, author and outlet)."""
    return clean_text(
        _field(row, "text"),
        source_format=_field(row, "source_format") or "txt",
        title=_field(row, "title"),
        author=_field(row, "author"),
        outlet=_field(row, "outlet"),
        rules=rules,
    )


def clean_articles(articles: pd.DataFrame, *, rules: Rules | None = None, progress: bool = True
                   ) -> dict[str, CleanedText]:
    """Clean every article; keyed by article id (keeps the offset maps, see :meth:`CleanedText.to_raw`)."""
    rules = rules or load_rules()
    columns = [name for name in ("id", "text", "source_format", *FIELDS) if name in articles]
    bar_off = True if not progress else None  # None: tqdm shows the bar on terminals only
    records = tqdm(articles[columns].to_dict("records"), desc="cleaning", disable=bar_off)
    return {record["id"]: clean_article(record, rules) for record in records}


def corpus_frames(articles: pd.DataFrame, cleaned: dict[str, CleanedText]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The articles with ``clean_text`` and ``paragraphs`` added, and the removal log, from cleaned texts."""
    result = articles.copy()
    result["clean_text"] = [cleaned[article_id].text for article_id in articles["id"]]
    result["paragraphs"] = [[(p.start, p.end, p.kind) for p in cleaned[article_id].paragraphs]
                            for article_id in articles["id"]]
    log = pd.DataFrame(list(_removal_rows(cleaned)), columns=REMOVAL_COLUMNS)
    result.attrs["cleaning_warnings"] = {key: "; ".join(value.warnings) for key, value in cleaned.items()
                                         if value.warnings}
    return result, log.astype({"raw_start": "int64", "raw_end": "int64"})


def _removal_rows(cleaned: dict[str, CleanedText]) -> Iterator[tuple[str, str, int, int, str]]:
    """One row per removal of every article."""
    for article_id, result in cleaned.items():
        for removal in result.removals:
            yield article_id, removal.rule, removal.raw_start, removal.raw_end, removal.text


def clean_corpus(articles: pd.DataFrame, *, rules: Rules | None = None, progress: bool = True
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Clean a corpus: the articles with ``clean_text`` and ``paragraphs``, and the removal log.

    The offset maps are not kept here; to map offsets of one article back to its raw text, call
    :func:`clean_article` on its row (deterministic, so it gives the same text), or use
    :func:`clean_articles` + :func:`corpus_frames` to keep every map.
    """
    return corpus_frames(articles, clean_articles(articles, rules=rules, progress=progress))
