"""Shared fixtures: one spaCy pipeline and one prepared seed corpus for the whole test session."""

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
    """The seed corpus in data/, loaded, cleaned and parsed once (from the shared parse cache)."""
    from presslens.workflow import prepare

    return prepare(paths.DATA_DIR, progress=False)


@pytest.fixture(scope="session")
def seed_docs(seed_study):
    """Parsed Docs of the seed corpus, keyed by article id."""
    return seed_study.docs
