"""The annotation store: one Parquet dataset per record type, each record keyed by its article's annotation key.

Layout (any fsspec path or URL the workers can reach)::

    <store>/<table>/<batch>.parquet      records of one batch of articles (quotes, timexes, ...)
    <store>/annotations/<batch>.parquet  one row per annotated article: written last, marks the batch complete
    <store>/corpora/<fingerprint>/       a prepared corpus (cleaned articles, load report, ...) for reuse
    <store>/derived/<fingerprint>/       a corpus-level table computed from records (the canonical quotes)

An article's key (:func:`article_key`) hashes its id, cleaned text, publication date, the spaCy model and the
versions and configuration files of every annotator: whatever changes one of them is annotated again, the rest
is read back.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property

import fsspec
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from presslens import paths

#: Environment variable naming the default store.
STORE_ENV = "PRESSLENS_STORE"
#: The table whose rows mark articles as annotated.
DONE_TABLE = "annotations"
FAILURES_TABLE = "failures"
#: Kinds of saved frames: prepared corpora, and corpus-level tables derived from the records.
CORPORA = "corpora"
DERIVED = "derived"


def default_store() -> str:
    """$PRESSLENS_STORE, else ``.cache/store`` in the project."""
    return os.environ.get(STORE_ENV) or str(paths.CACHE_DIR / "store")


def digest(parts: Iterable[object]) -> str:
    """SHA-256 (hex) of a JSON list of parts."""
    return hashlib.sha256(json.dumps(list(parts), sort_keys=True, default=str).encode("utf-8")).hexdigest()


def article_key(article: Mapping[str, object], setup_key: str) -> str:
    """The store key of one article: its id, text and dates under one model-and-annotators set-up."""
    return digest([article["id"], article["clean_text"], json.dumps(article.get("paragraphs"), default=list),
                   article.get("published") or "", article.get("date_precision") or "", setup_key])[:32]


class AnnotationStore:
    """Read and write the store's Parquet datasets at a local path or an fsspec URL."""

    def __init__(self, location: str | os.PathLike[str] | None = None) -> None:
        self.location = str(location or default_store())
        self.fs, self.root = fsspec.core.url_to_fs(self.location)

    def _folder(self, table: str) -> str:
        """The folder of one table."""
        return f"{self.root.rstrip('/')}/{table}"

    def _files(self, table: str) -> list[str]:
        """The Parquet files of a table, sorted (none when the table does not exist)."""
        folder = self._folder(table)
        if not self.fs.exists(folder):
            return []
        return sorted(path for path in self.fs.ls(folder, detail=False) if str(path).endswith(".parquet"))

    def write(self, table: str, batch: str, frame: pd.DataFrame) -> None:
        """Write one batch's records of a table (atomically: a scratch file renamed into place)."""
        folder = self._folder(table)
        self.fs.makedirs(folder, exist_ok=True)
        target = f"{folder}/{batch}.parquet"
        scratch = f"{folder}/.{batch}.{os.getpid()}.tmp"
        with self.fs.open(scratch, "wb") as handle:
            pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), handle)
        self.fs.mv(scratch, target)

    def _read_files(self, files: Sequence[str], keys: set[str] | None) -> pd.DataFrame:
        """Concatenate Parquet files, keeping the rows whose key is in ``keys`` (all when None)."""
        frames = []
        wanted = pa.array(sorted(keys), pa.large_string()) if keys is not None else None
        for path in files:
            with self.fs.open(path, "rb") as handle:
                records = pq.read_table(handle)
            if wanted is not None and "key" in records.column_names:  # in Arrow: pandas' isin re-hashes keys per file
                key_type = records.schema.field("key").type
                records = records.filter(pc.is_in(records["key"], value_set=wanted.cast(key_type)))
            frame = records.to_pandas()
            if len(frame):
                frames.append(frame.assign(_batch=os.path.basename(path)[: -len(".parquet")]))
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def done(self, keys: Iterable[str] | None = None) -> pd.DataFrame:
        """One row per annotated article among ``keys``: the batch with the fewest failures, latest first."""
        wanted = set(keys) if keys is not None else None
        rows = self._read_files(self._files(DONE_TABLE), wanted)
        if rows.empty:
            return pd.DataFrame(columns=["key", "article_id", "failures", "written", "_batch"])
        ranked = rows.sort_values(["key", "failures", "written", "_batch"], ascending=[True, True, False, True])
        return ranked.drop_duplicates("key").reset_index(drop=True)

    def read(self, table: str, keys: Iterable[str], done: pd.DataFrame | None = None) -> pd.DataFrame:
        """The records of a table for these article keys, each from the batch that completed its article.

        ``done`` is ``self.done(keys)`` when the caller already holds it (reading it costs seconds at 10k articles).
        """
        done = self.done(keys) if done is None else done
        batches = set(done["_batch"])
        files = [path for path in self._files(table) if os.path.basename(path)[: -len(".parquet")] in batches]
        rows = self._read_files(files, set(done["key"]))
        if rows.empty:
            return pd.DataFrame(columns=["article_id", "key"])
        keep = rows["_batch"].to_numpy() == rows["key"].map(dict(zip(done["key"], done["_batch"]))).to_numpy()
        return rows[keep].drop(columns="_batch").reset_index(drop=True)

    # ---- saved frames: prepared corpora and derived tables ---------------------------------------------
    def _frames_folder(self, kind: str, fingerprint: str) -> str:
        """Where the frames of one kind (``CORPORA``, ``DERIVED``) and fingerprint are kept."""
        return f"{self.root.rstrip('/')}/{kind}/{fingerprint}"

    def has_frames(self, kind: str, fingerprint: str) -> bool:
        """Whether frames of this kind and fingerprint are complete in the store."""
        return self.fs.exists(f"{self._frames_folder(kind, fingerprint)}/COMPLETE")

    def save_frames(self, kind: str, fingerprint: str, frames: Mapping[str, pd.DataFrame]) -> None:
        """Keep named frames under a fingerprint (object columns of lists/tuples are stored as JSON)."""
        folder = self._frames_folder(kind, fingerprint)
        self.fs.makedirs(folder, exist_ok=True)
        for name, frame in frames.items():
            with self.fs.open(f"{folder}/{name}.parquet", "wb") as handle:
                pq.write_table(pa.Table.from_pandas(_jsonable(frame), preserve_index=False), handle)
        with self.fs.open(f"{folder}/COMPLETE", "w") as handle:
            handle.write(json.dumps(sorted(frames)))

    def load_frames(self, kind: str, fingerprint: str) -> dict[str, pd.DataFrame]:
        """The named frames kept under a fingerprint."""
        folder = self._frames_folder(kind, fingerprint)
        with self.fs.open(f"{folder}/COMPLETE", "r") as handle:
            names = json.loads(handle.read())
        frames = {}
        for name in names:
            with self.fs.open(f"{folder}/{name}.parquet", "rb") as handle:
                frames[name] = _unjson(pq.read_table(handle).to_pandas())
        return frames

    @cached_property
    def description(self) -> str:
        """The store's location, for messages."""
        return self.location


JSON_PREFIX = "json:"


def _jsonable(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with columns of lists/tuples encoded as JSON strings (marked in the column name)."""
    out = frame.copy()
    for column in list(out.columns):
        if out[column].dtype == object and any(isinstance(v, list | tuple) for v in out[column].head(50)):
            out[JSON_PREFIX + column] = [json.dumps(v) for v in out.pop(column)]
    return out


def _unjson(frame: pd.DataFrame) -> pd.DataFrame:
    """Decode the JSON columns of :func:`_jsonable` (lists of lists come back as lists of tuples)."""
    out = frame.copy()
    for column in [c for c in out.columns if c.startswith(JSON_PREFIX)]:
        values = [json.loads(v) for v in out.pop(column)]
        out[column[len(JSON_PREFIX):]] = [[tuple(x) if isinstance(x, list) else x for x in v] for v in values]
    return out
