"""``load_corpus()``: a manifest folder, a CSV/JSONL/Parquet file or a folder of bare files -> articles + load report.

Every input record gets one row in the load report (``record, id, status, reason``) with status
``loaded``, ``loaded_with_warnings`` or ``rejected``. Loading raises :class:`CorpusError` only when the input
itself is unusable (missing path, unknown format, a manifest without its required columns) or nothing loads.
Record labels name the input file and the place in it: ``articles.csv:row 3`` (data rows counted from 1, the
header not counted), ``abp_10k.jsonl.gz:line 17``, ``articles.yaml:entry 2``, or a file path in a bare folder.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import json
import os
import re
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path, PurePosixPath, PureWindowsPath

import pandas as pd
import yaml

from presslens import damage, paths
from presslens.decoding import LOW_CONFIDENCE, UTF8, BinaryContent, Decoded, decode_bytes
from presslens.language import guess_english
from presslens.pubdates import parse_pubdate

MANIFEST_COLUMNS = (
    "id", "file", "outlet", "outlet_country", "outlet_kind", "title", "author",
    "published", "date_precision", "url", "language", "notes",
)  # fmt: skip
ARTICLE_COLUMNS = MANIFEST_COLUMNS + ("text", "encoding", "source_format", "published_date", "reads_english")
REPORT_COLUMNS = ("record", "id", "status", "reason", "encoding", "encoding_confidence")
LOADED, WARNED, REJECTED = "loaded", "loaded_with_warnings", "rejected"
MANIFEST_NAMES = ("articles.csv", "manifest.csv", "articles.yaml", "articles.yml", "manifest.yaml", "manifest.yml")
#: Suffix of an article file -> its source_format.
TEXT_SUFFIXES = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html"}
PRESETS_FILE = paths.RULES_DIR / "column_presets.yaml"
#: Default longest article text in characters; longer ones are rejected (spaCy needs ~1 GB per 100k characters).
MAX_CHARS = 300_000
#: Fewest words an article needs to be analysed.
MIN_WORDS = 5
#: Delimiters a manifest or table may use instead of commas, tried when the header has no comma.
OTHER_DELIMITERS = (";", "\t", "|")
#: Bytes of a gzip file inflated at a time (so that a damaged stream keeps what came before the damage).
GZIP_CHUNK = 1 << 12
#: Closest-name cutoff (difflib ratio) for mapping a misspelt column name.
COLUMN_NAME_CUTOFF = 0.8
HTML_TAG = re.compile(r"<(?:[a-zA-Z][\w:-]*|!DOCTYPE|!--|/[a-zA-Z][\w:-]*)[^>]{0,2000}>", re.IGNORECASE)
HTML_NON_TEXT = re.compile(r"<(script|style|template|noscript)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
WORDS = re.compile(r"\w+")


class CorpusError(ValueError):
    """The corpus cannot be loaded at all; ``report`` holds the load report when there is one, ``hint`` a fix."""

    def __init__(self, message: str, report: pd.DataFrame | None = None, hint: str = "") -> None:
        super().__init__(message)
        self.report = report
        self.hint = hint


@dataclass
class SourceRow:
    """One record as read from the input, before column mapping; ``problem`` if it could not be read."""

    record: str
    values: Mapping[str, object]
    problem: str = ""


@dataclass
class Source:
    """What an input path holds: its rows, the folder that manifest paths are relative to, and its kind."""

    rows: list[SourceRow]
    base: Path
    kind: str  # "manifest", "records" or "folder"
    name: str
    encoding: str = UTF8
    warnings: list[str] = field(default_factory=list)  # about the whole file, repeated on each record
    confidence: float = 1.0


@dataclass
class Candidate:
    """A record in our column names, with its text once read, and what is wrong with it so far."""

    record: str
    fields: dict[str, str]
    text: str | None = None
    encoding: str = UTF8
    confidence: float = 1.0
    source_format: str = "record"
    reads_english: bool = True
    rejections: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------------------------- reading
def gunzip(data: bytes, path: Path) -> tuple[bytes, bool]:
    """The decompressed bytes of a (multi-member) gzip file and whether it is cut short or damaged part-way;
    what could be read before the cut is kept."""
    magic = b"\x1f\x8b"
    if not data.startswith(magic):
        raise CorpusError(f"{path} is not a gzip file although its name ends in .gz", hint="rename or recompress it")
    out: list[bytes] = []
    rest = data
    while rest.startswith(magic):
        inflater, position = zlib.decompressobj(wbits=31), 0
        try:
            while not inflater.eof and position < len(rest):
                out.append(inflater.decompress(rest[position:position + GZIP_CHUNK]))
                position += GZIP_CHUNK
        except zlib.error as error:
            if not any(out):
                raise CorpusError(f"{path} is a damaged gzip file ({error})",
                                  hint="recompress or re-download it") from error
            return b"".join(out), True
        if not inflater.eof:
            return b"".join(out), True
        rest = inflater.unused_data + rest[position:]
    return b"".join(out), False


def read_text_file(path: Path) -> tuple[str, Decoded, bool]:
    """The decoded text of a (possibly gzipped) table or manifest file, how it decoded, and if it is truncated."""
    data = path.read_bytes()
    truncated = False
    if path.name.lower().endswith(".gz"):
        data, truncated = gunzip(data, path)
        if truncated:
            data = data[: data.rfind(b"\n") + 1] or data  # a cut multi-byte character must not spoil decoding
    try:
        decoded = decode_bytes(data)
    except BinaryContent as error:
        raise CorpusError(f"{path} {error}", hint="give a UTF-8 text file (CSV, JSONL, YAML)") from error
    return decoded.text, decoded, truncated


def table_delimiter(header: str, default: str) -> str:
    """The delimiter of a table: ``default`` unless the header lacks it and holds another one."""
    if default in header:
        return default
    return next((other for other in OTHER_DELIMITERS if other in header), default)


class LineFeed:
    """Lines from ``start`` on, one at a time, remembering the index of the next one (for csv.reader)."""

    def __init__(self, lines: list[str], start: int) -> None:
        self.lines, self.position = lines, start

    def __iter__(self) -> LineFeed:
        return self

    def __next__(self) -> str:
        if self.position >= len(self.lines):
            raise StopIteration
        self.position += 1
        return self.lines[self.position - 1]


def csv_records(lines: list[str], first: int, delimiter: str, width: int) -> Iterator[tuple[int, list[str], str]]:
    """(line number, fields, problem) per CSV record from ``lines[first:]``; a broken record is skipped on its own
    first line (an unclosed quote, or a record over several lines without ``width`` fields), the rest is read."""
    start = first
    while start < len(lines):
        feed = LineFeed(lines, start)
        try:
            fields = next(csv.reader(feed, delimiter=delimiter, strict=True))
        except StopIteration:
            return
        except csv.Error as error:
            yield start + 1, [], f"line {start + 1} is not valid CSV ({error}); check its quotes"
            start += 1
            continue
        if feed.position - start > 1 and len(fields) != width:
            yield start + 1, [], f"line {start + 1} opens a quote that does not close on it; check its quotes"
            start += 1
            continue
        yield start + 1, fields, ""
        start = feed.position


def rows_from_table(text: str, name: str, separator: str) -> list[SourceRow]:
    """Rows of a CSV/TSV text, every value a string ("" when empty); a ragged or broken row is rejected alone."""
    lines = io.StringIO(text, newline="").readlines()
    first = next((number for number, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise CorpusError(f"{name} is empty: it has no header row", hint="the first line must name the columns")
    delimiter = table_delimiter(lines[first], separator)
    try:
        columns = [column.strip() for column in next(csv.reader([lines[first]], delimiter=delimiter))]
    except csv.Error as error:
        raise CorpusError(f"{name}: the header line is not valid CSV ({error})", hint="check its quotes") from error
    rows = []
    for line, fields, problem in csv_records(lines, first + 1, delimiter, len(columns)):
        if not problem and not any(field.strip() for field in fields):
            continue
        if not problem and len(fields) != len(columns):
            problem = (f"line {line} has {len(fields)} fields, the header has {len(columns)}; "
                       "check for a missing or extra delimiter, or quote a value that holds one")
        rows.append(SourceRow(f"{name}:row {len(rows) + 1}", {} if problem else dict(zip(columns, fields)), problem))
    return rows


def rows_from_jsonl(text: str, name: str) -> list[SourceRow]:
    """One row per non-blank line of a JSON Lines text; unreadable lines carry a problem."""
    rows = []
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        label = f"{name}:line {number}"
        try:
            values = json.loads(line)
        except json.JSONDecodeError as error:
            rows.append(SourceRow(label, {}, f"line is not valid JSON ({error.msg}); fix or remove the line"))
            continue
        rows.append(object_row(values, label))
    return rows


def object_row(values: object, label: str) -> SourceRow:
    """A row from a parsed JSON/YAML entry, which must be an object (mapping)."""
    if isinstance(values, Mapping):
        return SourceRow(label, values)
    return SourceRow(label, {}, f"entry is a {type(values).__name__}, not an object with named fields")


def rows_from_entries(entries: object, name: str, unit: str) -> list[SourceRow]:
    """Rows of a JSON/YAML document: a list of objects, or ``{"articles": [...]}``."""
    if isinstance(entries, Mapping) and "articles" in entries:
        entries = entries["articles"]
    if entries is None:
        raise CorpusError(f"{name} is empty", hint="list the articles, one entry each with id and file")
    if not isinstance(entries, list):
        raise CorpusError(
            f"{name} must hold a list of articles (or 'articles:' with a list), not a {type(entries).__name__}"
        )
    return [object_row(values, f"{name}:{unit} {number}") for number, values in enumerate(entries, 1)]


def read_parquet_rows(path: Path) -> list[SourceRow]:
    """The rows of a Parquet file; CorpusError naming the file if it cannot be read."""
    import pyarrow

    try:
        frame = pd.read_parquet(path)
    except (pyarrow.ArrowException, OSError, ValueError) as error:
        raise CorpusError(f"{path} is not a readable Parquet file ({str(error).splitlines()[0]})",
                          hint="write it again with pandas.DataFrame.to_parquet or give CSV/JSONL") from error
    return [SourceRow(f"{path.name}:row {n}", values) for n, values in enumerate(frame.to_dict("records"), 1)]


def read_rows(path: Path) -> tuple[list[SourceRow], Decoded]:
    """The rows of a table, JSON, YAML or Parquet file and how the file's text decoded.

    A truncated ``.gz`` file keeps the rows read before the cut and gets one more, rejected row saying so.
    """
    reader = reader_for(path)
    if reader is None:
        known = ", ".join(sorted([*READERS, PARQUET]))
        raise CorpusError(f"{path} has an unknown format", hint=f"give a folder or a file ending in {known} (or .gz)")
    if reader == PARQUET:
        return read_parquet_rows(path), Decoded("", UTF8)
    text, decoded, truncated = read_text_file(path)
    try:
        rows = READERS[reader](text, path.name)
    except CorpusError:
        if not truncated:
            raise
        rows = []
    if truncated:
        rows.append(SourceRow(f"{path.name}:end", {}, f"the file is truncated (the gzip stream ends early) after "
                              f"{len(rows)} records; those were read, the rest is lost: re-download or recompress it"))
    return rows, decoded


def parse_json(text: str, name: str) -> list[SourceRow]:
    """Rows of a JSON document."""
    try:
        return rows_from_entries(json.loads(text), name, "entry")
    except json.JSONDecodeError as error:
        raise CorpusError(f"{name} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}",
                          hint="fix the JSON, or give JSON Lines (.jsonl), one article per line") from error


def parse_yaml(text: str, name: str) -> list[SourceRow]:
    """Rows of a YAML document."""
    try:
        return rows_from_entries(yaml.safe_load(text), name, "entry")
    except yaml.YAMLError as error:
        raise CorpusError(f"{name} is not valid YAML: {yaml_problem(error)}",
                          hint="check indentation and quoting there") from error


def yaml_problem(error: yaml.YAMLError) -> str:
    """A one-line description of a YAML error with its line and column."""
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    return f"{problem} at line {mark.line + 1}, column {mark.column + 1}" if mark else problem


READERS: dict[str, Callable[[str, str], list[SourceRow]]] = {
    ".csv": lambda text, name: rows_from_table(text, name, ","),
    ".tsv": lambda text, name: rows_from_table(text, name, "\t"),
    ".jsonl": rows_from_jsonl,
    ".ndjson": rows_from_jsonl,
    ".json": parse_json,
    ".yaml": parse_yaml,
    ".yml": parse_yaml,
}
PARQUET = ".parquet"


def reader_for(path: Path) -> str | None:
    """The READERS key for a file name (a trailing ``.gz`` is allowed), or None if unknown."""
    name = path.name.lower().removesuffix(".gz")
    suffix = Path(name).suffix
    return suffix if suffix in READERS or suffix == PARQUET else None


def find_manifest(folder: Path, manifest: str | os.PathLike[str] | None) -> Path | None:
    """The manifest of a corpus folder: ``manifest`` if given, else the first of MANIFEST_NAMES present."""
    if manifest is not None:
        given = Path(manifest) if Path(manifest).is_absolute() else folder / manifest
        if not given.is_file():
            raise CorpusError(f"manifest {given} does not exist")
        return given
    return next((folder / name for name in MANIFEST_NAMES if (folder / name).is_file()), None)


def bare_folder_rows(folder: Path) -> list[SourceRow]:
    """One row per file in a folder without a manifest: id from the file stem, file relative; hidden ones rejected."""
    files = sorted(path for path in folder.rglob("*") if path.is_file())
    rows = []
    for path in files:
        relative = path.relative_to(folder).as_posix()
        hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
        if hidden:
            problem = "hidden file (a name starting with '.') skipped; rename it if it is an article"
        elif path.suffix.lower() not in TEXT_SUFFIXES:
            problem = f"file type {path.suffix or '(none)'} is not supported; convert it to .txt or .html"
        else:
            problem = ""
        rows.append(SourceRow(relative, {"id": path.stem, "file": relative}, problem))
    return rows


def read_source(source: Path, manifest: str | os.PathLike[str] | None) -> Source:
    """Read a corpus folder (with or without manifest) or a record file into rows."""
    if source.is_dir():
        manifest_path = find_manifest(source, manifest)
        if manifest_path is None:
            rows = bare_folder_rows(source)
            if not any(not row.problem.startswith("hidden") for row in rows):
                raise CorpusError(f"{source} holds no manifest and no .txt/.html files",
                                  hint=f"add a manifest ({', '.join(MANIFEST_NAMES)}) or the article files")
            return Source(rows, source, "folder", source.name)
        rows, decoded = read_rows(manifest_path)
        warnings = file_warnings(decoded, "manifest")
        return Source(rows, source, "manifest", manifest_path.name, decoded.encoding, warnings)
    rows, decoded = read_rows(source)
    return Source(rows, source.parent, "records", source.name, decoded.encoding, confidence=decoded.confidence)


def file_warnings(decoded: Decoded, what: str) -> list[str]:
    """A warning for a manifest or record file that is not UTF-8 (saying how sure the guess is)."""
    if decoded.is_utf8:
        return []
    sure = "a low-confidence guess" if decoded.is_guess else f"confidence {decoded.confidence:.2f}"
    return [f"the {what} was decoded as {decoded.encoding} ({sure}), not UTF-8; check its characters or save it "
            "as UTF-8"]


# ---------------------------------------------------------------------------------------- column mapping
@lru_cache(maxsize=1)
def column_presets() -> dict[str, dict]:
    """The named column mappings in data/rules/column_presets.yaml."""
    with open(PRESETS_FILE, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def source_columns(rows: Iterable[SourceRow]) -> list[str]:
    """Every column name used by any row, in order of first appearance."""
    return list(dict.fromkeys(str(key) for row in rows for key in row.values))


def resolve_mapping(
    columns: list[str], column_map: Mapping[str, str] | str | None, text_column: str, id_column: str, kind: str
) -> dict[str, str]:
    """Source column -> our column: ``column_map`` (a dict or a preset name), a preset that fits, or identity."""
    if isinstance(column_map, str):
        presets = column_presets()
        if column_map not in presets:
            raise CorpusError(f"no column preset {column_map!r} in {PRESETS_FILE}; known: {', '.join(presets)}")
        return dict(presets[column_map]["columns"])
    mapping = dict(column_map or {})
    mapping.setdefault(text_column, "text")
    mapping.setdefault(id_column, "id")
    if column_map is None and kind == "records" and not {"text", "id"} <= mapped_names(columns, mapping):
        return fitting_preset(columns) or mapping
    return mapping


def mapped_names(columns: list[str], mapping: Mapping[str, str]) -> set[str]:
    """The names the columns get under ``mapping``."""
    return {mapping.get(column, column) for column in columns}


def fitting_preset(columns: list[str]) -> dict[str, str] | None:
    """The first preset under which ``columns`` provide both id and text, if any."""
    for preset in column_presets().values():
        mapping = dict(preset["columns"])
        if {"text", "id"} <= mapped_names(columns, mapping):
            return mapping
    return None


def likely_column(column: str, taken: set[str]) -> str | None:
    """The presslens column a source column most likely means (other case, spaces, a misspelling), or None."""
    normal = re.sub(r"[\s-]+", "_", column.strip().lower())
    free = [name for name in (*MANIFEST_COLUMNS, "text") if name not in taken]
    if normal in free:
        return normal
    close = difflib.get_close_matches(normal, free, n=1, cutoff=COLUMN_NAME_CUTOFF)
    return close[0] if close else None


def repair_mapping(columns: list[str], mapping: dict[str, str]) -> tuple[dict[str, str], list[str], list[str]]:
    """Map likely misspelt columns (``Published``) onto presslens columns; (mapping, warnings, ignored columns)."""
    repaired, warnings, ignored = dict(mapping), [], []
    known = {*MANIFEST_COLUMNS, "text"}
    for column in columns:
        if repaired.get(column, column) in known:
            continue
        guess = likely_column(column, mapped_names(columns, repaired))
        if guess is None:
            ignored.append(column)
            continue
        repaired[column] = guess
        warnings.append(f"column {column!r} read as {guess!r}; rename the column to silence this")
    return repaired, warnings, ignored


def generated_id(fields: Mapping[str, str], text: str | None, used: set[str]) -> str:
    """A stable id for a record without one: the file name's stem, else a hash of the text (``-2`` on a clash)."""
    if fields.get("file"):
        base = re.sub(r"[^\w.-]+", "-", PurePosixPath(fields["file"].replace("\\", "/")).with_suffix("").as_posix())
    else:
        base = "t" + hashlib.sha256((text or "").encode("utf-8", "surrogatepass")).hexdigest()[:12]
    article_id, number = base, 1
    while article_id in used:
        number += 1
        article_id = f"{base}-{number}"
    used.add(article_id)
    return article_id


def require_columns(columns: list[str], mapping: Mapping[str, str], needed: tuple[str, ...], source: Source) -> None:
    """Raise CorpusError naming the file and the columns found if a required column is absent."""
    missing = [name for name in needed if name not in mapped_names(columns, mapping)]
    if missing and len(columns) == 1 and any(delimiter in columns[0] for delimiter in ";\t|, "):
        raise CorpusError(f"{source.name} has a single column {columns[0]!r}: its delimiter was not recognised",
                          hint="save it comma-separated (CSV) or tab-separated (.tsv)")
    if missing and columns:
        hint = (
            "a manifest needs an id and a file column (the file path relative to the corpus folder)"
            if source.kind == "manifest"
            else "name them with text_column=/id_column= or column_map= (a dict or a preset in "
            f"{PRESETS_FILE.name}: {', '.join(column_presets())})"
        )
        raise CorpusError(f"{source.name} has no {' or '.join(missing)} column (columns found: {', '.join(columns)})",
                          hint=hint)


def as_text(value: object) -> str:
    """A metadata value as a stripped string: empty for None/NaN, lists joined with '; '."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(as_text(item) for item in value if as_text(item))
    if isinstance(value, float) and value != value:
        return ""
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode(UTF8).strip()
        except UnicodeDecodeError:
            return ""
    return str(value).strip()


def candidate_from(row: SourceRow, mapping: Mapping[str, str], source: Source) -> Candidate:
    """Map a source row to our column names; record inputs keep their text inline."""
    named = {mapping.get(str(key), str(key)): value for key, value in row.values.items()}
    fields = {column: as_text(named.get(column)) for column in MANIFEST_COLUMNS}
    candidate = Candidate(row.record, fields, rejections=[row.problem] if row.problem else [])
    candidate.warnings.extend(source.warnings)
    if source.kind == "records" and not row.problem:
        text = named.get("text")
        candidate.encoding, candidate.confidence = source.encoding, source.confidence
        if isinstance(text, (bytes, bytearray)):
            read_bytes_value(candidate, bytes(text))
        else:
            candidate.text = text if isinstance(text, str) else as_text(text)
    return candidate


def read_bytes_value(candidate: Candidate, data: bytes) -> None:
    """Decode a text value stored as bytes (a Parquet binary column), or reject it as binary data."""
    try:
        decoded = decode_bytes(data)
    except BinaryContent as error:
        candidate.rejections.append(f"text is a bytes value that {error}; store the article text as a string")
        return
    candidate.text, candidate.encoding, candidate.confidence = decoded.text, decoded.encoding, decoded.confidence
    candidate.warnings.append("text is stored as bytes, not as a string; decoded it")


# -------------------------------------------------------------------------------------------- validation
def unsafe_path_reason(value: str, base: Path) -> str:
    """Why a manifest file path may not be used (absolute, or leading outside the corpus folder), or ''."""
    if PurePosixPath(value).is_absolute() or PureWindowsPath(value).is_absolute() or PureWindowsPath(value).drive:
        return f"file {value!r} is an absolute path; give the path relative to the corpus folder {base}"
    if ".." in PurePosixPath(value.replace("\\", "/")).parts:
        return f"file {value!r} uses '..'; files must stay inside the corpus folder {base}"
    if not (base / value).resolve().is_relative_to(base.resolve()):
        return f"file {value!r} leads outside the corpus folder {base} (through a link); move the file inside"
    return ""


def read_article_file(candidate: Candidate, base: Path) -> None:
    """Read and decode the file a candidate names, or add the reason it cannot be used."""
    value = candidate.fields["file"]
    if not value:
        candidate.rejections.append("file is empty; give the path of the article's text file")
        return
    reason = unsafe_path_reason(value, base)
    path = base / value.replace("\\", "/")  # a manifest written on Windows
    if not reason and not path.is_file():
        reason = f"file {value!r} does not exist (looked for {path}); fix the path or add the file"
    if reason:
        candidate.rejections.append(reason)
        return
    try:
        decoded = decode_bytes(path.read_bytes())
    except BinaryContent as error:
        candidate.rejections.append(f"file {value!r} {error}; give a .txt or .html file")
        return
    candidate.text, candidate.encoding, candidate.confidence = decoded.text, decoded.encoding, decoded.confidence
    candidate.source_format = TEXT_SUFFIXES.get(path.suffix.lower(), "txt")
    if candidate.source_format == "html" and not HTML_TAG.search(candidate.text[:100_000]):
        candidate.source_format = "txt"
        candidate.warnings.append(f"file {value!r} holds no HTML markup; read it as plain text")


def visible_text(text: str, source_format: str) -> str:
    """The text a reader would see: HTML without scripts, styles, comments and tags (a cheap approximation)."""
    if source_format != "html":
        return text
    return HTML_TAG.sub(" ", HTML_NON_TEXT.sub(" ", text))


def check_text(candidate: Candidate, max_chars: int | None, english_only: bool) -> None:
    """Reject empty, binary, wordless, too short or too long text; warn about a guessed encoding, another
    language and damaged text."""
    text = candidate.text
    if text is None:
        return
    if not text.strip():
        what = "empty" if not text else "whitespace only"
        candidate.rejections.append(f"text is {what}; give the article text or remove the record")
        return
    if "\x00" in text:
        candidate.rejections.append("text contains NUL characters, so it is binary data, not text")
        return
    visible = visible_text(text, candidate.source_format)
    if max_chars and len(visible) > max_chars:
        what = "the page's text" if candidate.source_format == "html" else "text"
        candidate.rejections.append(
            f"{what} has {len(visible):,} characters, more than max_chars={max_chars:,}; split the article into "
            "parts or raise max_chars (spaCy needs about 1 GB of memory per 100,000 characters)"
        )
        return
    words = len(WORDS.findall(visible))
    if words < MIN_WORDS:
        what = "an HTML page with" if candidate.source_format == "html" else "text with"
        candidate.rejections.append(
            f"{what} {words} words (invisible characters, markup and punctuation do not count); an article needs "
            f"at least {MIN_WORDS} words"
        )
        return
    check_encoding(candidate)
    check_language(candidate, visible, english_only)
    if damaged := damage.warning(text):
        candidate.warnings.append(damaged)


def check_encoding(candidate: Candidate) -> None:
    """Warn about text that is not UTF-8, saying how sure the detected encoding is."""
    if candidate.encoding in (UTF8, "utf-8-sig"):
        return
    confidence = candidate.confidence
    sure = "a low-confidence guess" if confidence < LOW_CONFIDENCE else f"confidence {confidence:.2f}"
    candidate.warnings.append(
        f"text decoded as {candidate.encoding} ({sure}), not UTF-8; check the characters or re-save the file as UTF-8"
    )


def check_language(candidate: Candidate, visible: str, english_only: bool) -> None:
    """Warn about (or, when ``english_only``, reject) a text whose visible part does not read as English."""
    guess = guess_english(visible)
    if guess.english is not False:
        return
    candidate.reads_english = False
    stated = candidate.fields["language"]
    label = f" although language is {stated!r}" if stated.lower().startswith("en") else ""
    reason = f"text is not English ({guess.describe()}){label}"
    if english_only:
        candidate.rejections.append(f"{reason}; only English articles were asked for")
    else:
        candidate.warnings.append(f"{reason}; English-only analyses leave it out")


def check_id(candidate: Candidate, first_record_of: dict[str, str]) -> None:
    """Reject a record without an id, or whose id an earlier record already uses."""
    article_id = candidate.fields["id"]
    if candidate.rejections and not article_id:
        return  # the record could not be read; its reason says why
    if not article_id:
        candidate.rejections.append("id is empty; give every article a unique id")
    elif article_id in first_record_of:
        candidate.rejections.append(
            f"id {article_id!r} is already used by {first_record_of[article_id]}; give each article its own id"
        )
    else:
        first_record_of[article_id] = candidate.record


@dataclass(frozen=True)
class Limits:
    """What a loaded article must satisfy beyond being readable: its size and, if asked, being English."""

    max_chars: int | None = MAX_CHARS
    english_only: bool = False
    today: date = field(default_factory=date.today)


def validate(candidate: Candidate, base: Path, first_record_of: dict[str, str], limits: Limits) -> dict | None:
    """Run every check on a candidate; its article row, or None if rejected."""
    check_id(candidate, first_record_of)
    if candidate.text is None and not candidate.rejections:
        read_article_file(candidate, base)
    check_text(candidate, limits.max_chars, limits.english_only)
    if candidate.rejections:
        return None
    pubdate = parse_pubdate(candidate.fields["published"], candidate.fields["date_precision"], today=limits.today)
    candidate.warnings.extend(pubdate.warnings)
    return {
        **candidate.fields,
        "published": pubdate.published,
        "date_precision": pubdate.precision,
        "text": candidate.text,
        "encoding": candidate.encoding,
        "source_format": candidate.source_format,
        "published_date": pubdate.first_day,
        "reads_english": candidate.reads_english,
    }


def report_row(candidate: Candidate) -> dict[str, str]:
    """The load-report row of a validated candidate."""
    status = REJECTED if candidate.rejections else WARNED if candidate.warnings else LOADED
    reasons = candidate.rejections or candidate.warnings
    read = candidate.text is not None
    return {"record": candidate.record, "id": candidate.fields["id"], "status": status, "reason": "; ".join(reasons),
            "encoding": candidate.encoding if read else "",
            "encoding_confidence": candidate.confidence if read else None}


def note_cleaning_warnings(report: pd.DataFrame, warnings: Mapping[str, str]) -> pd.DataFrame:
    """The load report with cleaning warnings (``clean_corpus``'s ``attrs["cleaning_warnings"]``) added to its rows."""
    noted = report.copy()
    for index in noted.index[noted["id"].isin(list(warnings)) & (noted["status"] != REJECTED)]:
        reason = warnings[noted.at[index, "id"]]
        noted.at[index, "status"] = WARNED
        noted.at[index, "reason"] = "; ".join(part for part in (noted.at[index, "reason"], reason) if part)
    return noted


def report_summary(report: pd.DataFrame, examples: int = 3) -> str:
    """Counts per status and the first few reasons on one line, for error messages."""
    if report.empty:
        return "the input holds no records"
    counts = ", ".join(f"{count} {status}" for status, count in report["status"].value_counts().items())
    problems = report[report["reason"] != ""].head(examples)
    examples_text = [f"{row.record}: {row.reason}" for row in problems.itertuples()]
    return "; ".join([f"{len(report)} records: {counts}", *examples_text])


def as_date(today: date | str | None) -> date:
    """``today`` as a date (default: the current date)."""
    if today is None:
        return date.today()
    return pd.Timestamp(today).date()


# ------------------------------------------------------------------------------------------------ public
def name_records(candidates: list[Candidate], columns: list[str], mapping: Mapping[str, str]) -> None:
    """Give every record a stable generated id, with a warning, when the input has no id column."""
    if "id" in mapped_names(columns, mapping):
        return
    used: set[str] = set()
    for candidate in candidates:
        if candidate.rejections:
            continue
        candidate.fields["id"] = generated_id(candidate.fields, candidate.text, used)
        origin = "the file name" if candidate.fields["file"] else "a hash of the text"
        candidate.warnings.append(f"no id column: generated id {candidate.fields['id']!r} from {origin} (stable "
                                  "across reruns); add an id column to choose your own")


def load_with_report(
    path: str | os.PathLike[str],
    *,
    manifest: str | os.PathLike[str] | None = None,
    column_map: Mapping[str, str] | str | None = None,
    text_column: str = "text",
    id_column: str = "id",
    today: date | str | None = None,
    max_chars: int | None = MAX_CHARS,
    english_only: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Load a corpus and return (articles, load report); CorpusError if the input is unusable or nothing loads.

    ``max_chars`` rejects longer texts (None: no limit); ``english_only`` rejects texts that do not read as English
    instead of loading them with a warning. ``df.attrs["ignored_columns"]`` names the input columns not used.
    """
    source_path = paths.resolve(path)
    if not source_path.exists():
        raise CorpusError(f"corpus path {source_path} does not exist", hint="check the path (relative paths start "
                          "at the project folder)")
    source = read_source(source_path, manifest)
    columns = source_columns(source.rows)
    mapping = resolve_mapping(columns, column_map, text_column, id_column, source.kind)
    mapping, column_warnings, ignored = repair_mapping(columns, mapping)
    names = mapped_names(columns, mapping)
    if source.kind == "records" and "file" in names and "text" not in names:
        source.kind = "manifest"  # a manifest file given directly: its paths are relative to its folder
    needed = {"manifest": ("file",), "records": ("text",), "folder": ()}[source.kind]
    require_columns(columns, mapping, needed, source)
    source.warnings.extend(column_warnings)
    first_record_of: dict[str, str] = {}
    limits = Limits(max_chars, english_only, as_date(today))
    candidates = [candidate_from(row, mapping, source) for row in source.rows]
    name_records(candidates, columns, mapping)
    articles = [validate(candidate, source.base, first_record_of, limits) for candidate in candidates]
    report = pd.DataFrame([report_row(candidate) for candidate in candidates], columns=list(REPORT_COLUMNS))
    loaded = [article for article in articles if article is not None]
    if not loaded:
        raise CorpusError(f"nothing could be loaded from {source_path} ({report_summary(report)})", report,
                          hint="fix the records named, or see every reason with: presslens check CORPUS --out DIR")
    frame = pd.DataFrame(loaded, columns=list(ARTICLE_COLUMNS))
    frame["published_date"] = pd.to_datetime(frame["published_date"])
    frame.attrs["column_map"] = {key: value for key, value in mapping.items() if key != value}
    frame.attrs["ignored_columns"] = ignored
    return frame, report


def load_corpus(
    path: str | os.PathLike[str],
    *,
    manifest: str | os.PathLike[str] | None = None,
    column_map: Mapping[str, str] | str | None = None,
    text_column: str = "text",
    id_column: str = "id",
    today: date | str | None = None,
    max_chars: int | None = MAX_CHARS,
    english_only: bool = False,
) -> pd.DataFrame:
    """Load a corpus as the articles DataFrame; the load report is in ``df.attrs["load_report"]``."""
    frame, report = load_with_report(
        path, manifest=manifest, column_map=column_map, text_column=text_column, id_column=id_column, today=today,
        max_chars=max_chars, english_only=english_only,
    )
    frame.attrs["load_report"] = report
    return frame
