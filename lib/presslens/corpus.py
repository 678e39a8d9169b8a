"""``load_corpus()``: a manifest folder, a CSV/JSONL/Parquet file or a folder of bare files -> articles + load report.

Every input record gets one row in the load report (``record, id, status, reason``) with status
``loaded``, ``loaded_with_warnings`` or ``rejected``. Loading raises :class:`CorpusError` only when the input
itself is unusable (missing path, unknown format, a manifest without its required columns) or nothing loads.
Record labels name the input file and the place in it: ``articles.csv:row 3`` (data rows counted from 1, the
header not counted), ``abp_10k.jsonl.gz:line 17``, ``articles.yaml:entry 2``, or a file path in a bare folder.
"""

from __future__ import annotations

import gzip
import io
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path, PurePosixPath, PureWindowsPath

import pandas as pd
import yaml

from presslens import paths
from presslens.decoding import UTF8, BinaryContent, decode_bytes
from presslens.pubdates import parse_pubdate

MANIFEST_COLUMNS = (
    "id", "file", "outlet", "outlet_country", "outlet_kind", "title", "author",
    "published", "date_precision", "url", "language", "notes",
)  # fmt: skip
ARTICLE_COLUMNS = MANIFEST_COLUMNS + ("text", "encoding", "source_format", "published_date")
REPORT_COLUMNS = ("record", "id", "status", "reason")
LOADED, WARNED, REJECTED = "loaded", "loaded_with_warnings", "rejected"
MANIFEST_NAMES = ("articles.csv", "manifest.csv", "articles.yaml", "articles.yml", "manifest.yaml", "manifest.yml")
#: Suffix of an article file -> its source_format.
TEXT_SUFFIXES = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html"}
PRESETS_FILE = paths.RULES_DIR / "column_presets.yaml"


class CorpusError(ValueError):
    """The corpus cannot be loaded at all; ``report`` holds the load report when there is one."""

    def __init__(self, message: str, report: pd.DataFrame | None = None) -> None:
        super().__init__(message)
        self.report = report


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


@dataclass
class Candidate:
    """A record in our column names, with its text once read, and what is wrong with it so far."""

    record: str
    fields: dict[str, str]
    text: str | None = None
    encoding: str = UTF8
    source_format: str = "record"
    rejections: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------------------------- reading
def read_text_file(path: Path) -> tuple[str, str]:
    """The decoded text of a (possibly gzipped) table or manifest file and its encoding."""
    data = path.read_bytes()
    if path.name.lower().endswith(".gz"):
        data = gzip.decompress(data)
    try:
        decoded = decode_bytes(data)
    except BinaryContent as error:
        raise CorpusError(f"{path} {error}") from error
    return decoded.text, decoded.encoding


def rows_from_table(text: str, name: str, separator: str) -> list[SourceRow]:
    """Rows of a CSV/TSV text, every value a string ("" when empty)."""
    try:
        frame = pd.read_csv(io.StringIO(text), sep=separator, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise CorpusError(f"{name} is not a readable table: {error}") from error
    frame.columns = [str(column).strip() for column in frame.columns]
    return [SourceRow(f"{name}:row {number}", values) for number, values in enumerate(frame.to_dict("records"), 1)]


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
    if not isinstance(entries, list):
        raise CorpusError(
            f"{name} must hold a list of articles (or 'articles:' with a list), not a {type(entries).__name__}"
        )
    return [object_row(values, f"{name}:{unit} {number}") for number, values in enumerate(entries, 1)]


def read_rows(path: Path) -> tuple[list[SourceRow], str]:
    """The rows of a table, JSON, YAML or Parquet file and the file's text encoding."""
    reader = reader_for(path)
    if reader is None:
        known = ", ".join(sorted([*READERS, PARQUET]))
        raise CorpusError(f"{path} has an unknown format; give a folder or a file ending in {known} (or .gz)")
    if reader == PARQUET:
        frame = pd.read_parquet(path)
        return [SourceRow(f"{path.name}:row {n}", values) for n, values in enumerate(frame.to_dict("records"), 1)], UTF8
    text, encoding = read_text_file(path)
    return READERS[reader](text, path.name), encoding


def parse_json(text: str, name: str) -> list[SourceRow]:
    """Rows of a JSON document."""
    try:
        return rows_from_entries(json.loads(text), name, "entry")
    except json.JSONDecodeError as error:
        raise CorpusError(f"{name} is not valid JSON: {error}") from error


def parse_yaml(text: str, name: str) -> list[SourceRow]:
    """Rows of a YAML document."""
    try:
        return rows_from_entries(yaml.safe_load(text), name, "entry")
    except yaml.YAMLError as error:
        raise CorpusError(f"{name} is not valid YAML: {error}") from error


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
    """One row per visible file in a folder without a manifest: id from the file stem, file relative."""
    files = sorted(
        path
        for path in folder.rglob("*")
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    )
    rows = []
    for path in files:
        relative = path.relative_to(folder).as_posix()
        supported = path.suffix.lower() in TEXT_SUFFIXES
        problem = (
            "" if supported else f"file type {path.suffix or '(none)'} is not supported; convert it to .txt or .html"
        )
        rows.append(SourceRow(relative, {"id": path.stem, "file": relative}, problem))
    return rows


def read_source(source: Path, manifest: str | os.PathLike[str] | None) -> Source:
    """Read a corpus folder (with or without manifest) or a record file into rows."""
    if source.is_dir():
        manifest_path = find_manifest(source, manifest)
        if manifest_path is None:
            rows = bare_folder_rows(source)
            if not rows:
                raise CorpusError(f"{source} holds no manifest ({', '.join(MANIFEST_NAMES)}) and no .txt/.html files")
            return Source(rows, source, "folder", source.name)
        rows, encoding = read_rows(manifest_path)
        return Source(rows, source, "manifest", manifest_path.name, encoding)
    rows, encoding = read_rows(source)
    return Source(rows, source.parent, "records", source.name, encoding)


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


def require_columns(columns: list[str], mapping: Mapping[str, str], needed: tuple[str, ...], source: Source) -> None:
    """Raise CorpusError naming the file and the columns found if a required column is absent."""
    missing = [name for name in needed if name not in mapped_names(columns, mapping)]
    if missing and columns:
        hint = (
            "a manifest needs an id and a file column (the file path relative to the corpus folder)"
            if source.kind == "manifest"
            else "name them with text_column=/id_column= or column_map= (a dict or a preset in "
            f"{PRESETS_FILE.name}: {', '.join(column_presets())})"
        )
        raise CorpusError(
            f"{source.name} has no {' or '.join(missing)} column (columns found: {', '.join(columns)}); {hint}"
        )


def as_text(value: object) -> str:
    """A metadata value as a stripped string: empty for None/NaN, lists joined with '; '."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(as_text(item) for item in value if as_text(item))
    if isinstance(value, float) and value != value:
        return ""
    return str(value).strip()


def candidate_from(row: SourceRow, mapping: Mapping[str, str], source: Source) -> Candidate:
    """Map a source row to our column names; record inputs keep their text inline."""
    named = {mapping.get(str(key), str(key)): value for key, value in row.values.items()}
    fields = {column: as_text(named.get(column)) for column in MANIFEST_COLUMNS}
    candidate = Candidate(row.record, fields, rejections=[row.problem] if row.problem else [])
    if source.kind == "records":
        text = named.get("text")
        candidate.text = text if isinstance(text, str) else as_text(text)
        candidate.encoding = source.encoding
    return candidate


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
    candidate.text, candidate.encoding = decoded.text, decoded.encoding
    candidate.source_format = TEXT_SUFFIXES.get(path.suffix.lower(), "txt")


def check_text(candidate: Candidate) -> None:
    """Reject empty, whitespace-only or binary text; warn about a non-UTF-8 encoding."""
    if candidate.text is None:
        return
    if not candidate.text.strip():
        what = "empty" if not candidate.text else "whitespace only"
        candidate.rejections.append(f"text is {what}; give the article text or remove the record")
    elif "\x00" in candidate.text:
        candidate.rejections.append("text contains NUL characters, so it is binary data, not text")
    elif candidate.encoding not in (UTF8, "utf-8-sig"):
        candidate.warnings.append(
            f"text decoded as {candidate.encoding}, not UTF-8; check the characters or re-save the file as UTF-8"
        )


def check_id(candidate: Candidate, first_record_of: dict[str, str]) -> None:
    """Reject a record without an id, or whose id an earlier record already uses."""
    article_id = candidate.fields["id"]
    if not article_id:
        candidate.rejections.append("id is empty; give every article a unique id")
    elif article_id in first_record_of:
        candidate.rejections.append(
            f"id {article_id!r} is already used by {first_record_of[article_id]}; give each article its own id"
        )
    else:
        first_record_of[article_id] = candidate.record


def validate(candidate: Candidate, base: Path, first_record_of: dict[str, str], today: date) -> dict | None:
    """Run every check on a candidate; its article row, or None if rejected."""
    check_id(candidate, first_record_of)
    if candidate.text is None and not candidate.rejections:
        read_article_file(candidate, base)
    check_text(candidate)
    if candidate.rejections:
        return None
    pubdate = parse_pubdate(candidate.fields["published"], candidate.fields["date_precision"], today=today)
    candidate.warnings.extend(pubdate.warnings)
    return {
        **candidate.fields,
        "published": pubdate.published,
        "date_precision": pubdate.precision,
        "text": candidate.text,
        "encoding": candidate.encoding,
        "source_format": candidate.source_format,
        "published_date": pubdate.first_day,
    }


def report_row(candidate: Candidate) -> dict[str, str]:
    """The load-report row of a validated candidate."""
    status = REJECTED if candidate.rejections else WARNED if candidate.warnings else LOADED
    reasons = candidate.rejections or candidate.warnings
    return {"record": candidate.record, "id": candidate.fields["id"], "status": status, "reason": "; ".join(reasons)}


def report_summary(report: pd.DataFrame, examples: int = 5) -> str:
    """Counts per status and the first few reasons, for error messages."""
    if report.empty:
        return "the input holds no records"
    counts = ", ".join(f"{count} {status}" for status, count in report["status"].value_counts().items())
    problems = report[report["reason"] != ""].head(examples)
    lines = [f"  {row.record}: {row.reason}" for row in problems.itertuples()]
    return "\n".join([f"{len(report)} records: {counts}", *lines])


def as_date(today: date | str | None) -> date:
    """``today`` as a date (default: the current date)."""
    if today is None:
        return date.today()
    return pd.Timestamp(today).date()


# ------------------------------------------------------------------------------------------------ public
def load_with_report(
    path: str | os.PathLike[str],
    *,
    manifest: str | os.PathLike[str] | None = None,
    column_map: Mapping[str, str] | str | None = None,
    text_column: str = "text",
    id_column: str = "id",
    today: date | str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Load a corpus and return (articles, load report); CorpusError if the input is unusable or nothing loads."""
    source_path = paths.resolve(path)
    if not source_path.exists():
        raise CorpusError(f"corpus path {source_path} does not exist")
    source = read_source(source_path, manifest)
    columns = source_columns(source.rows)
    mapping = resolve_mapping(columns, column_map, text_column, id_column, source.kind)
    names = mapped_names(columns, mapping)
    if source.kind == "records" and "file" in names and "text" not in names:
        source.kind = "manifest"  # a manifest file given directly: its paths are relative to its folder
    needed = {"manifest": ("id", "file"), "records": ("id", "text"), "folder": ()}[source.kind]
    require_columns(columns, mapping, needed, source)
    first_record_of: dict[str, str] = {}
    checked_today = as_date(today)
    candidates = [candidate_from(row, mapping, source) for row in source.rows]
    articles = [validate(candidate, source.base, first_record_of, checked_today) for candidate in candidates]
    report = pd.DataFrame([report_row(candidate) for candidate in candidates], columns=list(REPORT_COLUMNS))
    loaded = [article for article in articles if article is not None]
    if not loaded:
        raise CorpusError(f"nothing could be loaded from {source_path}\n{report_summary(report)}", report)
    frame = pd.DataFrame(loaded, columns=list(ARTICLE_COLUMNS))
    frame["published_date"] = pd.to_datetime(frame["published_date"])
    frame.attrs["column_map"] = {key: value for key, value in mapping.items() if key != value}
    return frame, report


def load_corpus(
    path: str | os.PathLike[str],
    *,
    manifest: str | os.PathLike[str] | None = None,
    column_map: Mapping[str, str] | str | None = None,
    text_column: str = "text",
    id_column: str = "id",
    today: date | str | None = None,
) -> pd.DataFrame:
    """Load a corpus as the articles DataFrame; the load report is in ``df.attrs["load_report"]``."""
    frame, report = load_with_report(
        path, manifest=manifest, column_map=column_map, text_column=text_column, id_column=id_column, today=today
    )
    frame.attrs["load_report"] = report
    return frame
