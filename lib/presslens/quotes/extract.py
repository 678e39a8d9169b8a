"""Direct, indirect and mixed quote extraction from a parsed Doc: quotation marks, frames and dependency rules."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from presslens.quotes import lexicons
from presslens.syntax import SUBJECT_DEPS, has_subject, is_root

OPENING_MARKS = "“«„"
CLOSING_MARKS = "”»"
AMBIGUOUS_MARKS = '"'
QUOTE_MARKS = OPENING_MARKS + CLOSING_MARKS + AMBIGUOUS_MARKS
#: two apostrophes used as a double quotation mark (the New York Times' house style in some corpora)
DOUBLED_APOSTROPHE = "''"
QUOTE_MARK_PATTERN = re.compile("''|[" + QUOTE_MARKS + "]")
#: punctuation right before a closing mark that hands the sentence on to a trailing attribution
HANDOVER_PUNCT = ",?!—–-…"
COMPLEMENT_DEPS = ("ccomp",)
#: dependencies through which a clause-final reporting verb hangs off the clause it reports
CLAUSE_FINAL_DEPS = ("parataxis", "ccomp", "advcl", "conj")
#: dependencies through which a reporting verb without its own subject shares its head's subject
SHARED_SUBJECT_DEPS = ("conj", "advcl", "xcomp", "pcomp")
#: dependents that are not part of a speaker's noun phrase ("X, who ..., said"; "X unequivocally said")
SPEAKER_EXCLUDED_DEPS = ("relcl", "acl", "advcl", "ccomp", "advmod", "npadvmod", "parataxis")
#: a dash right after a quote introduces its speaker (`“...” ― Jane Doe`)
DASHES = "―—–"
#: dependents of a cue that make up a nominal content, and the prepositions that introduce one
OBJECT_DEPS = ("dobj", "oprd", "xcomp")
OBJECT_PREPOSITIONS = ("about", "for", "of", "on")
#: prepositions after an object that say what the speaker calls it ("described X as Y")
PREDICATE_PREPOSITIONS = ("as",)
#: a transcript line: an upper-case speaker name, a colon, then what they said, to the end of the paragraph
TRANSCRIPT_LINE = re.compile(r"^[ \t]*[\"“]?([A-Z][A-Z.'’\- ]{1,40}[A-Z.])(:)[ \t]+(\S[^\n]*?)[ \t]*$", re.MULTILINE)
#: marks after a reported clause that end its content ("said A — no different from ...", "said A; B")
CONTENT_STOPS = ("—", "–", ";")
#: a headline-style line: a short name, a colon, then what they said, to the end of the paragraph
HEADLINE_LINE = re.compile(r"^[ \t]*([A-Z][^\n:]{0,60}?)(:)[ \t]+(\S[^\n]*?)[ \t]*$", re.MULTILINE)
#: at most this many words name the speaker of a headline line ("Clinton camp: ...", "Dr. Ben Carson: ...")
MAX_HEADLINE_SPEAKER_TOKENS = 6
MIN_HEADLINE_WORDS = 3
#: entity labels that make a headline lead-in a speaker's name
HEADLINE_SPEAKER_ENTS = ("PERSON", "ORG", "NORP", "GPE")
#: what may stand between a lead-in cue and its quote: addressee, time, place, manner ("told reporters Tuesday:")
LEAD_IN_DEPS = ("dative", "dobj", "prep", "pobj", "det", "amod", "compound", "advmod", "npadvmod", "prt", "poss", "nummod")
SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
#: words whose full stop does not end a sentence ("Mr. Obama", "Sen. Kaine", "U.S.", initials)
ABBREVIATIONS = frozenset("mr mrs ms dr sen rep gov gen lt col sgt st jr sr prof rev hon no vs inc co corp u.s u.k d.c".split())
MAX_FRAME_TOKENS_BEFORE_CUE = 16
MIN_DIRECT_WORDS = 4
NOMINAL_POS = ("PROPN", "NOUN", "PRON")
#: dependents that, after a comma at the end of a content, are the writer's aside rather than the report
TRAILING_ASIDE_DEPS = ("relcl",)
#: dependencies through which a that-clause hangs off a reporting noun ("the claim that ...")
NOUN_CLAUSE_DEPS = ("acl", "relcl", "ccomp", "appos")
#: prepositions that introduce the holder of a reporting noun ("warnings from Democrats that ...")
HOLDER_PREPOSITIONS = ("by", "from")
#: finite verb tags: past, present third person, present other
FINITE_TAGS = ("VBD", "VBZ", "VBP")


@dataclass
class Attribution:
    """One attribution: who (speaker) is reported (cue) to have said what (content segments) where."""

    article_id: str | None
    quote_id: str
    kind: str  # "direct" | "indirect" | "mixed"
    segments: list[tuple[int, int]]
    content: str = ""
    cue_text: str = ""
    cue_lemma: str = ""
    cue_start: int = -1
    cue_end: int = -1
    speaker_mention: str = ""
    speaker_start: int = -1
    speaker_end: int = -1
    speaker: str = ""
    speaker_id: str = ""
    speaker_type: str = "unknown"
    speaker_category: str = "unknown"
    roles: list[str] = field(default_factory=list)
    resolution: str = "none"  # explicit | pronoun | description | previous | unresolved | none
    speaker_named: bool = False  # the speaker is a name (merged across articles), not a description
    merge_reason: str = ""  # why this speaker: "article: ..." (within the article); "corpus: ..." (across articles)
    sentence_index: int = 0
    sentence: str = ""

    @property
    def start_char(self) -> int:
        """Start of the first content segment."""
        return self.segments[0][0]

    @property
    def end_char(self) -> int:
        """End of the last content segment."""
        return self.segments[-1][1]


@dataclass
class QuoteBlock:
    """A stretch of text between quotation marks, possibly over several paragraphs (one segment each)."""

    segments: list[tuple[int, int]]  # inner text of each paragraph piece, marks excluded
    open_at: int  # char offset of the opening mark
    close_at: int  # char offset just after the closing mark (or the paragraph end when unbalanced)
    closed: bool = True

    def words(self, text: str) -> int:
        """Number of words inside the marks."""
        return sum(len(text[start:end].split()) for start, end in self.segments)


@dataclass
class _Cue:
    """A reporting cue found in a frame: cue tokens and the speaker span (may be None)."""

    tokens: list[Token]
    speaker: Span | None
    lemma: str


# ----------------------------------------------------------------------------------------------- quote marks
def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-empty line of the text."""
    return [(match.start(), match.end()) for match in re.finditer(r"[^\n]+", text) if match.group().strip()]


def _opens(text: str, at: int, is_open: bool) -> bool:
    """Whether the quotation mark at ``at`` opens a quote (straight marks decided by state and context)."""
    mark = text[at]
    if mark == "'":
        return not is_open
    if mark in OPENING_MARKS:
        return True
    if mark in CLOSING_MARKS:
        return False
    return not is_open


def _straight_side(text: str, at: int) -> str:
    """Which side a straight double mark can only be on by its neighbours: "open" (space before, a word after),
    "close" (a word or a stop before, space or a stop after), else ""."""
    if text[at] != '"':
        return ""
    before = text[at - 1] if at > 0 else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    if (before.isspace() or before in "([") and (after.isalnum() or after in "‘'["):
        return "open"
    if (before.isalnum() or before in ".,!?;:…’)") and (after.isspace() or after in ".,;:!?)—–"):
        return "close"
    return ""


def _closing_run(text: str, marks: list[int]) -> list[int]:
    """The marks that can only close, up to the next mark that can only open."""
    run = []
    for at in marks:
        side = _straight_side(text, at)
        if side == "open":
            break
        if side == "close":
            run.append(at)
    return run


def _paragraph_marks(text: str, start: int, end: int) -> list[int]:
    """Offsets of the double quotation marks in a paragraph (two apostrophes '' count as one mark; a straight mark
    between two letters is a damaged apostrophe, "doesn"t", not a quotation mark)."""
    found = QUOTE_MARK_PATTERN.finditer(text, start, end)
    return [match.start() for match in found if not _inside_word(text, match.start())]


def _inside_word(text: str, at: int) -> bool:
    """Whether a straight double mark stands between two letters ("doesn"t")."""
    return text[at] == '"' and 0 < at < len(text) - 1 and text[at - 1].isalpha() and text[at + 1].isalpha()


def _width(text: str, at: int) -> int:
    """Length of the quotation mark at ``at``: 2 for a doubled apostrophe, else 1."""
    return 2 if text.startswith(DOUBLED_APOSTROPHE, at) else 1


def _starts_with_opener(text: str, start: int, end: int) -> int | None:
    """Offset of an opening mark at the start of a paragraph, if the paragraph starts with one."""
    stripped = len(text[start:end]) - len(text[start:end].lstrip())
    at = start + stripped
    opener = text[at] in OPENING_MARKS + AMBIGUOUS_MARKS or text.startswith(DOUBLED_APOSTROPHE, at)
    return at if at < end and opener else None


def _same_style(text: str, first: int, second: int) -> bool:
    """Whether two quotation marks are both straight or both typographic."""
    straight = AMBIGUOUS_MARKS + "'"
    return (text[first] in straight) == (text[second] in straight)


def find_quote_blocks(text: str) -> list[QuoteBlock]:
    """Pair quotation marks into quote blocks: multi-paragraph quotes joined, unbalanced ones kept in bounds."""
    blocks: list[QuoteBlock] = []
    carried: QuoteBlock | None = None  # a quote left open at the end of the previous paragraph
    paragraphs = paragraph_spans(text)
    for index, (p_start, p_end) in enumerate(paragraphs):
        open_at: int | None = None
        marks = _paragraph_marks(text, p_start, p_end)
        if carried is not None:
            if marks and marks[0] == _starts_with_opener(text, p_start, p_end) and _same_style(text, carried.open_at, marks[0]):
                open_at = marks.pop(0)
            else:
                blocks.append(carried)
                carried = None
        inner: list[int] = []  # closing marks of straight quotes nested in the open quote ('"the "X" name"')
        for number, at in enumerate(marks):
            side = _straight_side(text, at)
            if at in inner:
                continue
            if _opens(text, at, open_at is not None):
                if open_at is None and side != "close":
                    open_at = at  # a straight mark that can only close opens nothing: its opening was lost
                continue
            if side == "open" and open_at is not None and carried is None:
                closing = _closing_run(text, marks[number + 1 :])
                if len(closing) >= 2:
                    inner.append(closing[0])  # a nested quote: its closing mark comes before the outer one
                else:
                    open_at = at  # a straight mark that can only open: the one before was stray
                continue
            if open_at is None:
                continue  # a stray closing mark
            segment = (open_at + _width(text, open_at), at)
            if carried is not None:
                carried.segments.append(segment)
                carried.close_at = at + _width(text, at)
                blocks.append(carried)
                carried = None
            else:
                blocks.append(QuoteBlock([segment], open_at, at + _width(text, at)))
            open_at = None
        if open_at is None:
            continue
        segment = (open_at + _width(text, open_at), p_end)
        next_at = _starts_with_opener(text, *paragraphs[index + 1]) if index + 1 < len(paragraphs) else None
        next_opens = next_at is not None and _same_style(text, open_at, next_at)
        if carried is not None:
            carried.segments.append(segment)
            carried.close_at = p_end
        elif next_opens or open_at == _starts_with_opener(text, p_start, p_end):
            carried = QuoteBlock([segment], open_at, p_end, closed=False)
        # else: a stray opening mark inside a paragraph; ignore it rather than swallow the paragraph
        if carried is not None and not next_opens:
            blocks.append(carried)
            carried = None
    if carried is not None:
        blocks.append(carried)
    return [block for block in blocks if any(text[s:e].strip() for s, e in block.segments)]


# ---------------------------------------------------------------------------------------------- token helpers
def _tokens_between(doc: Doc, start: int, end: int) -> list[Token]:
    """Tokens lying entirely within the char range [start, end)."""
    span = doc.char_span(start, end, alignment_mode="contract")
    return list(span) if span is not None else []


def _trim(tokens: list[Token]) -> list[Token]:
    """Drop punctuation, spaces and quote marks at both ends of a token list."""
    while tokens and (tokens[0].is_punct or tokens[0].is_space):
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
        tokens = tokens[:-1]
    return tokens


def _span(doc: Doc, tokens: list[Token]) -> Span | None:
    """The contiguous span from the first to the last of (trimmed) tokens."""
    tokens = _trim(sorted(tokens, key=lambda token: token.i))
    return doc[tokens[0].i : tokens[-1].i + 1] if tokens else None


def _is_cue_verb(token: Token) -> bool:
    """A verb whose lemma is a reporting verb."""
    return token.pos_ in ("VERB", "AUX") and _lemma(token) in lexicons.verb_lemmas() and token.dep_ != "aux"


def _lemma(token: Token) -> str:
    """A token's lower-case lemma, corrected by the lexicon where the lemmatizer errs ("hoped": "hop" -> "hope")."""
    return lexicons.corrected_lemma(token.lower_) or token.lemma_.lower()


def _subject(verb: Token) -> Token | None:
    """The subject (or passive agent) of a verb, inherited from its head for bare conjuncts/adverbials."""
    seen = 0
    while verb is not None and seen < 4:
        for child in verb.children:
            if child.dep_ in SUBJECT_DEPS:
                if child.tag_ in ("WDT", "WP") and verb.dep_ == "relcl":
                    return verb.head
                return child
            if child.dep_ == "agent":
                objects = [grand for grand in child.children if grand.dep_ == "pobj"]
                if objects:
                    return objects[0]
        if _first_to(verb):
            verb = verb.head.head  # "X became the first sponsor to announce ...": X announced
        elif verb.dep_ == "acl" and verb.tag_ == "VBG":
            return _holder(verb.head)  # "an email from a friend saying ...": the friend
        elif verb.dep_ == "ROOT":
            return _stranded_subject(verb)
        elif verb.dep_ not in SHARED_SUBJECT_DEPS or is_root(verb):
            return None
        else:
            verb = verb.head
        seen += 1
    return None


def _holder(noun: Token) -> Token | None:
    """Who a message noun comes from: the object of its "from"/"by" ("an email from a friend"), else None."""
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in HOLDER_PREPOSITIONS:
            objects = [grand for grand in child.children if grand.dep_ == "pobj"]
            if objects:
                return objects[0]
    return None


def _stranded_subject(root: Token) -> Token | None:
    """The subject of a main verb the parser left without one: a name opening the sentence that the parser made the
    subject of a verb inside its own modifiers ("Sen. X, D-Los Angeles, who co-authored the bill, began ...")."""
    for token in root.sent:
        if token.i >= root.i:
            break
        if token.dep_ in SUBJECT_DEPS:
            named = token.ent_type_ in ("PERSON", "ORG") and token.i < token.head.i < root.i
            return token if named else None
    return None


def _first_to(verb: Token) -> bool:
    """Whether a verb is an infinitive qualifying the predicate noun of a copula ("X was the first to say")."""
    infinitive = any(child.dep_ == "aux" and child.lower_ == "to" for child in verb.children)
    return infinitive and verb.dep_ in ("relcl", "acl") and verb.head.dep_ == "attr" and not is_root(verb.head)


def _speaker_span(doc: Doc, head: Token, allowed: set[int] | None = None) -> Span | None:
    """The noun phrase of a speaker head: the contiguous run of its subtree around it, without clauses."""
    keep = {head.i}
    for token in head.subtree:
        inside_clause = any(a.dep_ in SPEAKER_EXCLUDED_DEPS for a in _path_to(token, head))
        if not inside_clause and (allowed is None or token.i in allowed):
            keep.add(token.i)
    start = end = head.i
    while start - 1 in keep:
        start -= 1
    while end + 1 in keep:
        end += 1
    return _span(doc, list(doc[start : end + 1]))


def _path_to(token: Token, head: Token) -> list[Token]:
    """Tokens from ``token`` up to (not including) ``head`` along the dependency tree."""
    path = []
    while token.i != head.i and token.head.i != token.i:
        path.append(token)
        token = token.head
    return path


# ----------------------------------------------------------------------------------------------- frames
def _sentence_bounds(text: str, at: int, lower: int, upper: int) -> tuple[int, int]:
    """Char bounds of the sentence-like stretch around ``at`` within [lower, upper)."""
    ends = sentence_ends(text, lower, at)
    start = ends[-1] if ends else lower
    after = sentence_ends(text, at, upper)
    return start, (after[0] if after else upper)


def sentence_ends(text: str, lower: int, upper: int) -> list[int]:
    """Offsets just after each sentence-ending mark in [lower, upper), skipping abbreviations and initials."""
    ends = []
    for match in SENTENCE_END.finditer(text, lower, upper):
        word = text[: match.start()].rsplit(None, 1)[-1] if text[: match.start()].strip() else ""
        word = word.lstrip("(\"“'‘").lower()
        if match.group() == "." and (word in ABBREVIATIONS or (len(word) == 1 and word.isalpha())):
            continue
        ends.append(match.end())
    return ends


def _frame_cue(doc: Doc, tokens: list[Token], nearest_last: bool) -> _Cue | None:
    """The reporting cue in a frame's tokens and its speaker, nearest the quote."""
    allowed = {token.i for token in tokens}
    phrase = _phrase_in(doc, tokens)
    if phrase is not None:
        return phrase
    cues = [token for token in tokens if _is_cue_verb(token)]
    if not cues:
        return None
    cue = cues[-1] if nearest_last else cues[0]
    if not nearest_last and cue.i - tokens[0].i > MAX_FRAME_TOKENS_BEFORE_CUE:
        return None
    subject = _subject(cue)
    if subject is None or subject.i not in allowed:
        candidates = [token for token in tokens if _could_be_speaker(token)]
        after = [token for token in candidates if token.i > cue.i]
        before = [token for token in candidates if token.i < cue.i]
        subject = (after or before[-1:] or [None])[0] if not nearest_last else (before[-1:] or after or [None])[0]
        if subject is not None:
            subject = _np_head(subject)
    speaker = _speaker_span(doc, subject, allowed) if subject is not None else None
    return _Cue([cue] + [p for p in cue.children if p.dep_ == "prt"], speaker, _lemma(cue))


def _could_be_speaker(token: Token) -> bool:
    """A nominal that may name a speaker: not a date or time, not inside a prepositional phrase."""
    if token.pos_ not in NOMINAL_POS or token.ent_type_ in ("DATE", "TIME", "CARDINAL", "ORDINAL"):
        return False
    return _np_head(token).dep_ not in ("pobj", "npadvmod")


def _np_head(token: Token) -> Token:
    """Climb compound/flat/appositive links to the head of a noun phrase."""
    while token.dep_ in ("compound", "amod", "det", "poss", "nmod", "flat") and token.head.i != token.i:
        token = token.head
    return token


def _phrase_in(doc: Doc, tokens: list[Token]) -> _Cue | None:
    """A multi-word cue ("according to X") among the tokens, with the noun phrase it introduces."""
    if not tokens:
        return None
    for start, end, lemma in _phrase_matches(doc):
        if start >= tokens[0].i and end <= tokens[-1].i + 1:
            speaker = _phrase_source(doc, doc[start:end])
            return _Cue(list(doc[start:end]), speaker, lemma)
    return None


def _phrase_matches(doc: Doc) -> list[tuple[int, int, str]]:
    """(start, end, phrase) of every multi-word reporting cue in the Doc (token indices)."""
    matcher = _phrase_matcher(doc.vocab)
    found = []
    for match_id, start, end in matcher(doc):
        found.append((start, end, doc.vocab.strings[match_id]))
    found.sort(key=lambda item: (item[0], -(item[1] - item[0])))
    kept: list[tuple[int, int, str]] = []
    for item in found:
        if not kept or item[0] >= kept[-1][1]:
            kept.append(item)
    return kept


_MATCHERS: dict[int, PhraseMatcher] = {}


def _phrase_matcher(vocab) -> PhraseMatcher:  # noqa: ANN001
    """A lower-case PhraseMatcher of the lexicon's multi-word cues (one per vocab)."""
    key = id(vocab)
    if key not in _MATCHERS:
        matcher = PhraseMatcher(vocab, attr="LOWER")
        for words in lexicons.cue_phrases():
            matcher.add(" ".join(words), [Doc(vocab, words=list(words))])
        _MATCHERS[key] = matcher
    return _MATCHERS[key]


def _phrase_source(doc: Doc, phrase: Span) -> Span | None:
    """The noun phrase introduced by a multi-word cue: the object of its last word, else what follows."""
    last = phrase[-1]
    objects = [child for child in last.children if child.dep_ in ("pobj", "dobj")]
    if objects:
        return _speaker_span(doc, objects[0])
    following = [token for token in doc[phrase.end : phrase.end + 8] if token.pos_ in NOMINAL_POS]
    return _speaker_span(doc, _np_head(following[0])) if following else None


# ------------------------------------------------------------------------------------------ direct quotes
@dataclass
class _Draft:
    """An attribution before ids, sentences and speakers are filled in."""

    kind: str
    segments: list[tuple[int, int]]
    cue: _Cue | None
    resolution_hint: str = ""
    blocks: list[QuoteBlock] = field(default_factory=list)


def _trailing_frame(doc: Doc, block: QuoteBlock, paragraph_end: int, next_open: int) -> tuple[_Cue, int] | None:
    """A cue right after the quote ("..., X said."), with the char offset where the frame ends."""
    text = doc.text
    dashed = _dash_frame(doc, block, min(paragraph_end, next_open))
    if dashed is not None:
        return dashed
    last_inside = text[block.segments[-1][0] : block.segments[-1][1]].rstrip().rstrip("'’‘ ")
    after = text[block.close_at : block.close_at + 2]
    hands_over = (last_inside[-1:] in HANDOVER_PUNCT) or after.lstrip()[:1] == ","
    upper = min(paragraph_end, next_open)
    ends = sentence_ends(text, block.close_at, upper)
    frame_end = ends[0] if ends else upper
    frame_text = text[block.close_at : frame_end]
    starts_lower = frame_text.strip(" ,")[:1].islower()
    if not (hands_over or (last_inside[-1:] == "." and starts_lower)) or not _opens_sentence(text, block):
        return None
    tokens = _trim(_tokens_between(doc, block.close_at, frame_end))
    if not tokens:
        return None
    cue = _frame_cue(doc, tokens, nearest_last=False)
    if cue is None or not _tight(tokens, cue.tokens[0]):
        return None
    return cue, frame_end


def _dash_frame(doc: Doc, block: QuoteBlock, upper: int) -> tuple[_Cue, int] | None:
    """`“...” ― Jane Doe, 54, of Ohio`: a dash after the quote, then the speaker's name."""
    after = doc.text[block.close_at : upper]
    if not after.strip()[:1] or after.strip()[0] not in DASHES or not _opens_sentence(doc.text, block):
        return None
    dash_at = block.close_at + after.index(after.strip()[0])
    dash_span = doc.char_span(dash_at, dash_at + 1, alignment_mode="expand")
    tokens = _tokens_between(doc, dash_at + 1, upper)
    names = [token for token in tokens if token.pos_ == "PROPN" or token.is_title]
    if dash_span is None or not names:
        return None
    dash = dash_span[0]
    allowed = {token.i for token in tokens}
    speaker = _speaker_span(doc, _np_head(names[0]), allowed)
    end = speaker.end_char if speaker is not None else dash.idx + 1
    return _Cue([dash], speaker, "dash"), end


def _nominal_looking(token: Token) -> bool:
    """A token that can belong to a speaker's noun phrase even when mis-parsed (no verb, no relative word)."""
    return token.is_title or (token.pos_ not in ("VERB", "AUX") and token.tag_ not in ("WDT", "WP"))


def _tight(tokens: list[Token], cue: Token) -> bool:
    """Whether only the cue's speaker noun phrase (and its modifiers) separates a quote from its trailing cue."""
    between = [token for token in tokens if token.i < cue.i and not token.is_punct]
    if between and between[0].pos_ in ("CCONJ", "SCONJ"):
        return False
    own = {token.i for child in cue.children if child.dep_ in (*SUBJECT_DEPS, "advmod", "neg", "aux", "auxpass", "npadvmod") for token in child.subtree}
    return all(token.i in own or _nominal_looking(token) for token in between)


def _after_break(text: str, at: int, breaks: str = "\n.!?:;)") -> bool:
    """Whether char ``at`` starts a sentence: at the start, after a break, or after a quote that closed one."""
    before = text[:at].rstrip(" \t")
    if not before or before[-1] in breaks:
        return True
    return before[-1] in QUOTE_MARKS + "'’" and before[:-1].rstrip("'’")[-1:] in ".!?"


def _opens_sentence(text: str, block: QuoteBlock) -> bool:
    """Whether a quote starts a paragraph or sentence, or follows a colon, comma or dash."""
    return _after_break(text, block.open_at, "\n.!?:;),—–")


def _leading_frame(doc: Doc, block: QuoteBlock, lower: int) -> _Cue | None:
    """A cue right before the quote ("X said: ...", "X said, ..."), within the sentence or a lead-in line."""
    text = doc.text
    before = text[lower : block.open_at].rstrip()
    if not before:
        paragraph_start = text.rfind("\n", 0, block.open_at)
        previous = text[: max(paragraph_start, 0)].rstrip()
        if not previous.endswith(":"):
            return None
        lower = max(previous.rfind("\n") + 1, 0)
        start, _ = _sentence_bounds(text, len(previous) - 1, lower, len(previous))
        tokens = _trim(_tokens_between(doc, start, len(previous)))
        return _frame_cue(doc, tokens, nearest_last=True)
    before_end = lower + len(before)
    start, _ = _sentence_bounds(text, before_end, lower, before_end)
    tokens = _trim(_tokens_between(doc, start, before_end))
    if not tokens or tokens[-1].lower_ == "that":
        return None
    if before[-1:] not in ":," and not _is_cue_verb(tokens[-1]):
        return None
    if not _ends_sentence(text, block) and not text[block.close_at : block.close_at + 2].lstrip()[:1] in ",;":
        return None  # `X said “...” because ...`: the quote is part of a longer report, a mixed quote
    cue = _frame_cue(doc, tokens, nearest_last=True)
    if cue is None or any(t.i > cue.tokens[0].i and t.dep_ not in LEAD_IN_DEPS for t in tokens if not t.is_punct):
        return None  # `X said that ..., “...”`: the frame reports more than the quote
    return cue


def _paragraph_of(paragraphs: list[tuple[int, int]], at: int) -> tuple[int, int]:
    """The paragraph holding char ``at``."""
    for start, end in paragraphs:
        if start <= at < end:
            return start, end
    return at, at


def _direct_drafts(doc: Doc, blocks: list[QuoteBlock]) -> list[_Draft]:
    """Direct quotes: quote blocks attributed by a trailing or leading frame, joined across interruptions."""
    text = doc.text
    paragraphs = paragraph_spans(text)
    drafts: list[_Draft] = []
    previous_end = 0
    index = 0
    while index < len(blocks):
        block = blocks[index]
        p_start, p_end = _paragraph_of(paragraphs, block.segments[-1][0])
        next_open = blocks[index + 1].open_at if index + 1 < len(blocks) else len(text)
        lower = max(previous_end, _paragraph_of(paragraphs, block.open_at)[0])
        trailing = _trailing_frame(doc, block, p_end, next_open)
        cue = trailing[0] if trailing else _leading_frame(doc, block, lower)
        if cue is None:
            continues = drafts and drafts[-1].kind == "direct" and (
                not text[previous_end : block.open_at].strip() or "\n" not in text[previous_end : block.open_at]
            )
            if continues and _is_full_quote(text, block) and _ends_sentence(text, block):
                drafts[-1].segments.extend(block.segments)  # a follow-on quote right after: same statement
                drafts[-1].blocks.append(block)
            else:
                drafts.append(_Draft("bare", list(block.segments), None, blocks=[block]))
            previous_end = block.close_at
            index += 1
            continue
        draft = _Draft("direct", list(block.segments), cue, blocks=[block])
        previous_end = block.close_at
        if trailing:
            frame_end = trailing[1]
            previous_end = frame_end
            # "A," X said. "B." -- following quotes in the same paragraph continue the statement
            while index + 1 < len(blocks) and blocks[index + 1].open_at < p_end + 1:
                follower = blocks[index + 1]
                if text[frame_end : follower.open_at].strip():
                    break
                draft.segments.extend(follower.segments)
                draft.blocks.append(follower)
                frame_end = follower.close_at
                previous_end = follower.close_at
                index += 1
        drafts.append(draft)
        index += 1
    return drafts


def _ends_sentence(text: str, block: QuoteBlock) -> bool:
    """Whether a quote closes its sentence: sentence punctuation inside, or the paragraph ends after it."""
    inside = text[block.segments[-1][0] : block.segments[-1][1]].rstrip().rstrip("'’‘ ")
    after = text[block.close_at : block.close_at + 3].lstrip(" \t")
    return inside[-1:] in ".!?…" or not after or after[0] == "\n"


def _is_full_quote(text: str, block: QuoteBlock) -> bool:
    """A quote standing as its own sentence(s): at a paragraph or sentence start and at least a few words."""
    return _after_break(text, block.open_at) and block.words(text) >= MIN_DIRECT_WORDS


# ---------------------------------------------------------------------------------------- indirect speech
def _clause_tokens_before(doc: Doc, cue: Token) -> list[Token]:
    """Content of a clause-final attribution: its sentence from the start up to the comma before the frame."""
    first, _ = _frame_bounds(cue)
    return list(doc[cue.sent.start : first])


def _is_parenthetical(doc: Doc, cue: Token) -> bool:
    """A frame set off by commas inside the sentence it reports: ", he said," with its own subject."""
    if cue.dep_ not in CLAUSE_FINAL_DEPS or not has_subject(cue):
        return False
    if any(child.dep_ in ("mark", "attr", "acomp", "dobj") for child in cue.children):
        return False
    return _comma_before(doc, cue) and bool(_parenthetical_segments(doc, cue))


def _parenthetical_segments(doc: Doc, cue: Token) -> list[tuple[int, int]]:
    """Both halves of a sentence around a parenthetical frame ("The museum, he said, celebrated ..."), if any."""
    first, last = _frame_bounds(cue)
    sentence = cue.sent
    if last + 2 >= sentence.end or doc[last + 1].text != "," or first < 1 or doc[first - 1].text != ",":
        return []
    segments = []
    for piece in (list(doc[sentence.start : first - 1]), list(doc[last + 2 : sentence.end])):
        span = _span(doc, piece)
        if span is None:
            return []
        segments.append((span.start_char, span.end_char))
    return segments


def _indirect_from_verb(doc: Doc, cue: Token) -> _Draft | None:
    """Indirect speech of a reporting verb: its clausal complement, or the clause it closes."""
    lemma = _lemma(cue)
    nominal_content = False
    complement_deps = COMPLEMENT_DEPS + (("xcomp",) if lemma in lexicons.xcomp_lemmas() else ())
    complements = [child for child in cue.children if child.dep_ in complement_deps]
    after = [child for child in complements if child.i > cue.i]
    before = [child for child in complements if child.i < cue.i and _framed_after(doc, cue, child)]
    complements = after[:1] or before[-1:]  # the nearest complement; a second one is a parse error
    if complements:
        content = [token for child in complements for token in _own_clause(child)] + _addressee(cue, complements[0])
        if not content:
            return None
        if complements[0].i > cue.i:
            content = _to_sentence_end(doc, content, complements[0].head)
        elif cue.dep_ == "ROOT":
            content = list(doc[cue.sent.start : max(token.i for token in content) + 1])  # "A, but B, X said": all of it
    elif _is_parenthetical(doc, cue):
        subject = _subject(cue)
        speaker = _speaker_span(doc, subject) if subject is not None else None
        cue_tokens = [cue] + [child for child in cue.children if child.dep_ == "prt"]
        return _Draft("indirect", _parenthetical_segments(doc, cue), _Cue(cue_tokens, speaker, lemma))
    elif _closes_clause(doc, cue):
        content = _clause_tokens_before(doc, cue)
    elif lemma in lexicons.object_lemmas() and cue.dep_ not in ("acl", "amod") and _object_tokens(cue):
        content = _object_tokens(cue)
        nominal_content = True  # a named object is content on its own ("endorsed Cruz")
    else:
        return None
    content_span = _span(doc, _without_trailing_aside(doc, content) if nominal_content else content)
    if content_span is None or len(content_span) < 2 and not (nominal_content and content_span.root.pos_ == "PROPN"):
        return None
    subject = _subject(cue)
    if subject is None:
        nominal = [child for child in cue.rights if child.pos_ in NOMINAL_POS and child.dep_ in ("dobj", "attr", "npadvmod", "appos", "dative")]
        subject = nominal[0] if nominal and not complements else None
    speaker = _speaker_span(doc, subject) if subject is not None else None
    if speaker is not None and speaker.start <= content_span.start < speaker.end:
        return None
    cue_tokens = [cue] + [child for child in cue.children if child.dep_ == "prt"]
    return _Draft("indirect", [(content_span.start_char, content_span.end_char)], _Cue(cue_tokens, speaker, lemma))


def _is_cue_noun(token: Token) -> bool:
    """A noun whose lemma is a reporting noun ("claim", "statement", "belief")."""
    return token.pos_ == "NOUN" and token.lemma_.lower() in lexicons.noun_lemmas()


def _indirect_from_noun(doc: Doc, cue: Token) -> _Draft | None:
    """A nominal attribution: a reporting noun with a that-clause ("Trump's claim that there have been ...")
    or, for nouns marked ``object``, with a prepositional object ("his criticism of the deal")."""
    content = _noun_clause(doc, cue) or _noun_object(cue)
    content_span = _span(doc, content)
    if content_span is None or len(content_span) < 2 and content_span.root.pos_ != "PROPN":
        return None
    holder = _noun_holder(doc, cue)
    speaker = _speaker_span(doc, holder) if holder is not None else None
    segment = (content_span.start_char, content_span.end_char)
    return _Draft("indirect", [segment], _Cue([cue], speaker, cue.lemma_.lower()))


def _noun_clause(doc: Doc, cue: Token) -> list[Token]:
    """The that-clause right after a reporting noun (or after "from/by X"), as its content."""
    that_at = cue.i + 1
    if that_at < len(doc) and doc[that_at].head.i == cue.i and doc[that_at].lower_ in HOLDER_PREPOSITIONS:
        that_at = max(token.i for token in doc[that_at].subtree) + 1  # "warnings from Democrats that ..."
    if that_at >= len(doc) or doc[that_at].lower_ != "that":
        return []
    clauses = [
        child for child in cue.rights
        if child.dep_ in NOUN_CLAUSE_DEPS
        and any(grand.dep_ == "mark" and grand.i == that_at for grand in child.children)
    ]
    content = _own_clause(clauses[0]) if clauses else []
    return content if len(content) >= 3 else []


def _noun_object(cue: Token) -> list[Token]:
    """The prepositional object of a reporting noun marked ``object`` ("criticism of the deal")."""
    lemma = cue.lemma_.lower()
    if lemma not in lexicons.object_noun_lemmas() or cue.i + 1 >= len(cue.doc):
        return []
    preposition = cue.doc[cue.i + 1]
    if preposition.head.i != cue.i or preposition.lower_ not in OBJECT_PREPOSITIONS + lexicons.noun_prepositions(lemma):
        return []
    objects = [child for child in preposition.children if child.dep_ in ("pobj", "pcomp")]
    return _without_trailing_aside(cue.doc, [token for obj in objects for token in obj.subtree])


def _noun_holder(doc: Doc, cue: Token) -> Token | None:
    """Whose claim a reporting noun is: a possessor ("Trump's claim"), a name before it ("a Times report"),
    "by X", or the subject of the verb it is the object of ("Trump made the claim that ...")."""
    if cue.i >= 2 and doc[cue.i - 1].tag_ == "POS":
        return _np_head(doc[cue.i - 2])
    for child in cue.lefts:
        if child.dep_ == "poss" or (child.dep_ == "compound" and child.pos_ == "PROPN"):
            return child
    for child in cue.children:
        if child.dep_ == "prep" and child.lower_ in HOLDER_PREPOSITIONS:
            objects = [grand for grand in child.children if grand.dep_ == "pobj"]
            if objects:
                return objects[0]
    if cue.dep_ == "dobj" and cue.head.pos_ == "VERB":
        return _subject(cue.head)
    return None


def _to_sentence_end(doc: Doc, content: list[Token], cue: Token) -> list[Token]:
    """Extend a forward content to the end of its sentence, stopping at a dash, a word outside the cue's clause, or a new attribution."""
    first, last = min(t.i for t in content), max(t.i for t in content)
    sentence_end = doc[first].sent.end
    own = {token.i for token in cue.subtree}
    for token in doc[last + 1 : sentence_end]:
        if token.text in CONTENT_STOPS or (token.i not in own and not token.is_punct) or _is_writer_aside(token):
            return _drop_dangling(list(doc[first:token.i]))
        if _is_second_predicate(token, cue):
            return _drop_dangling(list(doc[first : max(min(t.i for t in token.subtree), last + 1)]))
        if _is_coordinated_report(token, cue):
            return _drop_dangling(list(doc[first : min(t.i for t in token.subtree)]))
        if _is_cue_verb(token) and has_subject(token):
            stop = min(t.i for t in token.subtree)
            return _drop_dangling(list(doc[first : max(stop, last + 1)]))
    return list(doc[first:sentence_end])


def _is_second_predicate(token: Token, cue: Token) -> bool:
    """A verb conjoined to the cue in its tense, or another reporting verb: the speaker does or says something else.

    "says people may not like the answer, but insists ..." ends the first content; "said that A, make B and
    unite C" (infinitives) and "said it was not, and that ..." (a second that-clause) continue it.
    """
    if token.dep_ != "conj" or token.head.i != cue.i or any(child.dep_ == "mark" for child in token.children):
        return False
    return _tense(token) == _tense(cue) or _is_cue_verb(token)


def _own_clause(complement: Token) -> list[Token]:
    """A complement's tokens up to an embedded quoting attribution of someone else (", while X said “...”")."""
    embedded = [
        token for token in complement.subtree
        if token is not complement and token.dep_ in ("advcl", "conj", "parataxis") and _is_cue_verb(token)
        and has_subject(token)
        and any(QUOTE_MARK_PATTERN.match(t.text) for t in token.subtree)
    ]
    embedded += [child for child in complement.rights if _is_writer_aside(child)]
    embedded += [token for token in complement.subtree if _is_coordinated_report(token, complement.head)]
    if not embedded:
        return list(complement.subtree)
    stop = min(min(t.i for t in token.subtree) for token in embedded)
    return _drop_dangling([token for token in complement.subtree if token.i < stop])


def _is_coordinated_report(token: Token, cue: Token) -> bool:
    """A reporting verb conjoined inside a content in the cue's own tense: a second report, not part of the first.

    "Trump said he would order a review and warned against hackers" (the parser hangs "warned" on "order"),
    "Republicans said they were convinced and Democrats accused the GOP of ...".
    """
    if token.dep_ != "conj" or token.i <= cue.i or not _is_cue_verb(token):
        return False
    if any(child.dep_ == "mark" for child in token.children):
        return False  # "said A and that B": a second complement of the same report
    tense = _tense(token)
    if tense != _tense(cue) or tense not in FINITE_TAGS:
        return False
    named_subject = any(child.dep_ in SUBJECT_DEPS and child.pos_ in ("PROPN", "NOUN") for child in token.children)
    return named_subject or _tense(token.head) != tense


def _tense(verb: Token) -> str:
    """The tag that carries a verb's tense: its do-support auxiliary's ("did not suggest": VBD), else its own."""
    supporting = [child for child in verb.lefts if child.dep_ == "aux" and child.lemma_ == "do"]
    return supporting[0].tag_ if supporting else verb.tag_


def _drop_dangling(tokens: list[Token]) -> list[Token]:
    """Drop a coordinator or punctuation left at the end of a cut content ("... defenses and")."""
    while tokens and (tokens[-1].pos_ == "CCONJ" or tokens[-1].is_punct or tokens[-1].is_space):
        tokens = tokens[:-1]
    return tokens


def _without_trailing_aside(doc: Doc, content: list[Token]) -> list[Token]:
    """A nominal content without the writer's comment on it after a comma ("praised the plan, which ...")."""
    if not content:
        return content
    first, last = min(t.i for t in content), max(t.i for t in content)
    for token in doc[first + 2 : last + 1]:
        start, end = min(t.i for t in token.subtree), max(t.i for t in token.subtree)
        if token.dep_ not in TRAILING_ASIDE_DEPS or doc[start - 1].text != "," or end < last - 1:
            continue
        if not any(QUOTE_MARK_PATTERN.match(t.text) or _is_cue_verb(t) for t in token.subtree):
            return _drop_dangling(list(doc[first:start]))
    return content


def _addressee(cue: Token, complement: Token) -> list[Token]:
    """The object an infinitive content is addressed to: "urged supporters | to monitor polling places"."""
    if complement.dep_ != "xcomp":
        return []
    objects = [child for child in cue.children if child.dep_ == "dobj" and cue.i < child.i < complement.i]
    return [token for obj in objects for token in obj.subtree]


def _is_writer_aside(token: Token) -> bool:
    """A reporting participle after a comma that the writer adds to a report (", referring to the convention")."""
    return token.dep_ == "advcl" and token.tag_ == "VBG" and token.i > 0 and token.nbor(-1).text == "," and _is_cue_verb(token)


def _object_tokens(cue: Token) -> list[Token]:
    """Nominal content of a cue: its objects ("described X", "called X Y") or "about/for X" phrases."""
    tokens: list[Token] = []
    for child in cue.rights:
        if child.text == "," and tokens:
            break  # a comment on the content follows ("endorsed Clinton on Thursday, another example of ...")
        if _is_time_phrase(child):
            continue
        if child.dep_ in OBJECT_DEPS:
            tokens.extend(child.subtree)
        elif child.dep_ == "prep" and child.lower_ in OBJECT_PREPOSITIONS + lexicons.object_prepositions(_lemma(cue)):
            tokens.extend(token for grand in child.children if grand.dep_ in ("pobj", "pcomp") for token in grand.subtree)
        elif child.dep_ == "prep" and child.lower_ in PREDICATE_PREPOSITIONS and tokens:
            tokens.extend(child.subtree)  # "criticized the law as a “crazy system”": what the object is called
    return tokens


def _is_time_phrase(token: Token) -> bool:
    """A time adjunct ("on Thursday", "last week"): a date or time, bare or as the object of a preposition."""
    objects = [child for child in token.children if child.dep_ == "pobj"] if token.dep_ == "prep" else [token]
    return bool(objects) and all(obj.ent_type_ in ("DATE", "TIME") for obj in objects)


def _framed_after(doc: Doc, cue: Token, complement: Token) -> bool:
    """Whether a complement before its cue is set off by a comma or quote ("..., X said")."""
    last = max(token.i for token in complement.subtree)
    return last + 1 < len(doc) and doc[last + 1].text in (",", "”", '"', "—", "–") or doc[last].text in (",", "”", '"')


def _closes_clause(doc: Doc, cue: Token) -> bool:
    """A clause-final cue ("..., the expert believes"): own subject, no object or subordinator, after a comma."""
    if cue.dep_ not in CLAUSE_FINAL_DEPS or cue.head.i > cue.i:
        return False
    children = list(cue.children)
    if not any(child.dep_ in SUBJECT_DEPS for child in children):
        return False
    if any(child.dep_ in ("mark", "attr", "acomp") for child in children):
        return False
    return _comma_before(doc, cue)


def _frame_bounds(cue: Token) -> tuple[int, int]:
    """First and last token index of a reporting frame (cue, its subject and dependents), punctuation trimmed."""
    tokens = [token for token in cue.subtree]
    subject = _subject(cue)
    if subject is not None:
        tokens += list(subject.subtree)
    indices = sorted(token.i for token in tokens if not token.is_punct)
    return indices[0], indices[-1]


def _comma_before(doc: Doc, cue: Token) -> bool:
    """Whether a comma precedes the reporting frame of a clause-final cue ("..., the expert believes")."""
    first, _ = _frame_bounds(cue)
    return first > cue.sent.start and doc[first - 1].text in (",", "—", "–")


def _phrase_object_end(phrase: Span) -> int:
    """Token index after the whole noun phrase a multi-word cue introduces, its appositions and clauses included."""
    objects = [child for child in phrase[-1].children if child.dep_ in ("pobj", "dobj")]
    return max((max(token.i for token in obj.subtree) + 1 for obj in objects), default=phrase.end)


def _indirect_from_phrase(doc: Doc, start: int, end: int, lemma: str) -> _Draft | None:
    """Indirect speech introduced by a multi-word cue: the rest of the sentence around "according to X"."""
    phrase = doc[start:end]
    source = _phrase_source(doc, phrase)
    sentence = phrase.sent
    frame_end = max(_phrase_object_end(phrase), source.end if source is not None else end)
    pieces = [list(doc[sentence.start : start]), list(doc[frame_end : sentence.end])]
    segments = []
    for piece in pieces:
        span = _span(doc, piece)
        if span is not None and len(span) >= 2:
            segments.append((span.start_char, span.end_char))
    if not segments:
        return None
    return _Draft("indirect", segments, _Cue(list(phrase), source, lemma))


# ------------------------------------------------------------------------------------------- assembling
def _inside(at: int, segments: Iterable[tuple[int, int]]) -> bool:
    """Whether char ``at`` lies in one of the segments."""
    return any(start <= at < end for start, end in segments)


def _overlaps(segments: list[tuple[int, int]], others: Iterable[tuple[int, int]]) -> bool:
    """Whether any segment overlaps any other segment."""
    return any(s < oe and os < e for s, e in segments for os, oe in others)


def _indirect_drafts(doc: Doc, taken: list[tuple[int, int]], used_cues: set[int]) -> list[_Draft]:
    """Indirect drafts from phrases, reporting verbs and reporting nouns outside quotation marks, outermost first."""
    drafts: list[_Draft] = []
    phrase_tokens: set[int] = set()
    for start, end, lemma in _phrase_matches(doc):
        phrase_tokens.update(range(start, end))
        if start in used_cues or _inside(doc[start].idx, taken):
            continue
        draft = _indirect_from_phrase(doc, start, end, lemma)
        if draft is not None:
            drafts.append(draft)
    for token in doc:
        if token.i in used_cues or token.i in phrase_tokens or _inside(token.idx, taken):
            continue
        draft = _indirect_from_cue(doc, token)
        if draft is not None:
            drafts.append(draft)
    return _outermost(drafts)


def _indirect_from_cue(doc: Doc, token: Token) -> _Draft | None:
    """Indirect speech of a token that is a reporting verb or a reporting noun, else None."""
    if _is_cue_verb(token):
        return _indirect_from_verb(doc, token)
    if _is_cue_noun(token):
        return _indirect_from_noun(doc, token)
    return None


def _outermost(drafts: list[_Draft]) -> list[_Draft]:
    """Drop attributions whose cue lies inside another attribution's content (annotation is univocal)."""
    def cue_at(draft: _Draft) -> int:
        return draft.cue.tokens[0].idx if draft.cue else -1

    def contains(outer: _Draft, inner: _Draft) -> bool:
        if outer is inner or not _inside(cue_at(inner), outer.segments):
            return False
        mutual = _inside(cue_at(outer), inner.segments)
        return not (mutual and " " in inner.cue.lemma)  # "..., according to X": the phrase frames the clause

    return [draft for draft in drafts if not any(contains(other, draft) for other in drafts)]


def _cue_fields(cue: _Cue | None) -> dict[str, object]:
    """The cue and speaker-mention fields of a record."""
    if cue is None:
        return {}
    ordered = sorted(cue.tokens, key=lambda token: token.i)
    fields: dict[str, object] = {
        "cue_text": " ".join(token.text for token in ordered),
        "cue_lemma": cue.lemma,
        "cue_start": ordered[0].idx,
        "cue_end": ordered[-1].idx + len(ordered[-1].text),
    }
    if cue.speaker is not None:
        fields.update(
            speaker_mention=cue.speaker.text,
            speaker_start=cue.speaker.start_char,
            speaker_end=cue.speaker.end_char,
        )
    return fields


def _sentence_of(doc: Doc, at: int) -> tuple[int, str]:
    """Index and text of the sentence holding char ``at``."""
    for index, sentence in enumerate(doc.sents):
        if sentence.start_char <= at < sentence.end_char or at < sentence.start_char:
            return index, sentence.text.strip()
    return 0, ""


def _content_text(text: str, segments: list[tuple[int, int]]) -> str:
    """Content segments joined with " … "."""
    return " … ".join(text[start:end].strip().strip(QUOTE_MARKS + "'").strip() for start, end in segments)


def _transcript_drafts(doc: Doc, taken: list[tuple[int, int]]) -> list[_Draft]:
    """Transcript lines, `PENCE: Well, ...`: an upper-case speaker name and a colon open the paragraph."""
    drafts = []
    for match in TRANSCRIPT_LINE.finditer(doc.text):
        name, content = match.span(1), match.span(3)
        colon = doc.char_span(match.start(2), match.end(2), alignment_mode="expand")
        speaker = doc.char_span(*name, alignment_mode="expand")
        if colon is None or speaker is None or _overlaps([content], taken):
            continue
        drafts.append(_Draft("direct", [content], _Cue(list(colon), speaker, "colon")))
    return drafts


def _is_headline_speaker(span: Span) -> bool:
    """A headline lead-in naming a speaker: a few words, no verb, not opened by a determiner, a name or title case."""
    words = [token for token in span if not token.is_punct]
    if not words or len(words) > MAX_HEADLINE_SPEAKER_TOKENS or words[0].pos_ in ("DET", "PRON"):
        return False
    if any(token.pos_ in ("VERB", "AUX") for token in words):
        return False
    named = any(token.ent_type_ in HEADLINE_SPEAKER_ENTS for token in words)
    return named or all(token.is_title or token.is_upper or token.text in ("'s", "’s") for token in words)


def _headline_drafts(doc: Doc, taken: list[tuple[int, int]]) -> list[_Draft]:
    """Headline-style lines, `Graham: Trump's Rhetoric Destroying GOP's Chance`: a name and a colon open the line."""
    drafts = []
    for match in HEADLINE_LINE.finditer(doc.text):
        content = match.span(3)
        speaker = doc.char_span(*match.span(1), alignment_mode="contract")
        colon = doc.char_span(match.start(2), match.end(2), alignment_mode="expand")
        if colon is None or speaker is None or not _is_headline_speaker(speaker) or _overlaps([content], taken):
            continue
        if len(match.group(3).split()) < MIN_HEADLINE_WORDS:
            continue
        kind = "direct" if match.group(3)[:1] in QUOTE_MARKS + "‘'" else "indirect"
        drafts.append(_Draft(kind, [content], _Cue(list(colon), speaker, "colon")))
    return drafts


def _through_quotes(segment: tuple[int, int], blocks: list[QuoteBlock]) -> tuple[int, int]:
    """A content segment extended to the ends of quotes it starts or stops inside (sentence splits in quotes)."""
    start, end = segment
    for block in blocks:
        for inner_start, inner_end in block.segments:
            if inner_start < end < inner_end:
                end = inner_end
            if inner_start < start < inner_end:
                start = inner_start
    return start, end


def _follows_closely(text: str, at: int, drafts: list[_Draft]) -> bool:
    """Whether an attribution ends in the same or the previous paragraph before char ``at``."""
    ends = [draft.segments[-1][1] for draft in drafts if draft.segments[-1][1] <= at]
    if not ends:
        return False
    between = text[max(ends) : at]
    return sum(1 for line in between.split("\n")[1:-1] if line.strip()) == 0


def _drafts(doc: Doc) -> list[_Draft]:
    """All drafts of a Doc: direct, follow-on, indirect and mixed, in text order."""
    text = doc.text
    blocks = find_quote_blocks(text)
    direct = _direct_drafts(doc, blocks)
    attributed = [draft for draft in direct if draft.kind == "direct"]
    taken = [segment for draft in attributed for segment in draft.segments]
    transcript = _transcript_drafts(doc, taken)
    transcript += _headline_drafts(doc, taken + [segment for draft in transcript for segment in draft.segments])
    attributed += transcript
    taken += [segment for draft in transcript for segment in draft.segments]
    direct = [draft for draft in direct if draft.kind != "bare" or not _overlaps(draft.segments, taken)]
    taken += [segment for draft in direct if draft.kind == "bare" and _is_full_quote(text, draft.blocks[0]) for segment in draft.segments]
    used_cues = {token.i for draft in attributed for token in draft.cue.tokens}  # type: ignore[union-attr]
    quoted = [segment for block in blocks for segment in block.segments]
    indirect = [
        draft for draft in _indirect_drafts(doc, taken + quoted, used_cues) if not _overlaps(draft.segments, taken)
    ]
    for draft in indirect:
        if any(_overlaps(draft.segments, block.segments) for block in blocks):
            draft.kind = "mixed"
            draft.segments = [_through_quotes(segment, blocks) for segment in draft.segments]
    follow_ons = [
        _Draft("direct", list(draft.segments), None, "previous", draft.blocks)
        for draft in direct
        if draft.kind == "bare"
        and _is_full_quote(text, draft.blocks[0])
        and not any(_overlaps(draft.segments, other.segments) for other in indirect)
        and _follows_closely(text, draft.segments[0][0], attributed + indirect)
    ]
    return sorted(attributed + indirect + follow_ons, key=lambda draft: draft.segments[0][0])


def extract_quotes(doc: Doc) -> list[Attribution]:
    """Every direct, indirect and mixed attribution in a parsed Doc, speakers resolved within the article."""
    from presslens.quotes.speakers import resolve_speakers

    article_id = doc._.article_id
    records = []
    for number, draft in enumerate(_drafts(doc), start=1):
        anchor = draft.cue.tokens[0].idx if draft.cue else draft.segments[0][0]
        sentence_index, sentence = _sentence_of(doc, anchor)
        record = Attribution(
            article_id=article_id,
            quote_id=f"{article_id or 'doc'}-q{number:03d}",
            kind=draft.kind,
            segments=[(int(s), int(e)) for s, e in draft.segments],
            content=_content_text(doc.text, draft.segments),
            sentence_index=sentence_index,
            sentence=sentence,
            resolution=draft.resolution_hint or "none",
            **_cue_fields(draft.cue),  # type: ignore[arg-type]
        )
        records.append(record)
    return resolve_speakers(doc, records)
