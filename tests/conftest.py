"""Shared fixtures: one spaCy pipeline, one prepared and annotated seed corpus, and its parsed Docs."""

from __future__ import annotations

import pytest

from presslens import paths


@pytest.fixture(scope="session")
def nlp():
    """The presslens spaCy pipeline, loaded once."""
    from presslens.nlp import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def seed_study(nlp):
    """The seed corpus in data/, loaded, cleaned and annotated once (read back from the project's store)."""
    from presslens.workflow import prepare

    return prepare(paths.DATA_DIR, progress=False)


@pytest.fixture(scope="session")
def seed_docs(seed_study, nlp):
    """Parsed Docs of the seed corpus, keyed by article id, for tests of per-document extraction."""
    from presslens.nlp import parse_corpus

    return parse_corpus(seed_study.articles, nlp, progress=False)
