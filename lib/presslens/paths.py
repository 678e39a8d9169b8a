"""The one place where presslens's paths are defined; nothing else looks at the working directory."""

from __future__ import annotations

import os
from pathlib import Path

#: The project checkout (the folder holding ``lib/``), or ``PRESSLENS_HOME`` when set.
PROJECT_ROOT = Path(os.environ.get("PRESSLENS_HOME", Path(__file__).resolve().parents[2])).resolve()

DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
MANIFEST = DATA_DIR / "articles.csv"
LEXICON_DIR = DATA_DIR / "lexicons"
RULES_DIR = DATA_DIR / "rules"
MODEL_DIR = DATA_DIR / "models"
NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"
CACHE_DIR = Path(os.environ.get("PRESSLENS_CACHE", PROJECT_ROOT / ".cache")).resolve()
DOC_CACHE_DIR = CACHE_DIR / "docs"

#: Material shared beside the project (read-only): gold data for evaluation and the benchmark corpus.
SHARED_DIR = Path(os.environ.get("PRESSLENS_SHARED", PROJECT_ROOT.parent / "shared")).resolve()
EVAL_DIR = SHARED_DIR / "eval"
BENCH_DIR = SHARED_DIR / "bench"
SEED_DIR = SHARED_DIR / "corpus" / "seeds"


def resolve(path: str | os.PathLike[str]) -> Path:
    """Resolve a user-given path: absolute as is, relative to the project root otherwise."""
    candidate = Path(path).expanduser()
    return candidate if candidate.is_absolute() else (PROJECT_ROOT / candidate).resolve()
