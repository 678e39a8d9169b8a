"""The annotation store: annotate once (seed + ABP articles), the same tables on a Dask cluster, local failures,
incremental runs that annotate only what is new, and notebooks' tables read back without parsing."""

from __future__ import annotations

import gzip
import itertools
import json
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest

from presslens import annotate as engine
from presslens import paths
from presslens.registry import Annotator, annotators
from presslens.store import DONE_TABLE, AnnotationStore
from presslens.workflow import prepare

ABP = paths.BENCH_DIR / "abp_10k.jsonl.gz"
needs_bench = pytest.mark.skipif(not ABP.exists(), reason="../shared/bench is not here")
RECORD_TABLES = ("article_stats", "sentences", "entities", "quotes", "mentions", "timexes", "events", "frame_cues",
                 "names", "term_counts")


def corpus_folder(folder: Path, abp_count: int) -> Path:
    """The seed manifest's articles plus ``abp_count`` ABP articles, as one JSONL corpus."""
    from presslens.corpus import load_with_report

    seeds, _ = load_with_report(paths.DATA_DIR)
    rows = [{"id": r.id, "outlet": r.outlet, "published": r.published, "title": r.title, "text": r.text}
            for r in seeds.itertuples()]
    if abp_count:
        with gzip.open(ABP, "rt", encoding="utf-8") as source:
            for i, line in enumerate(itertools.islice(source, abp_count)):
                item = json.loads(line)
                rows.append({"id": f"abp-{i:05d}", "outlet": item["source"], "published": item["date"] or "",
                             "title": item["title"], "text": item["content_original"]})
    target = folder / "corpus.jsonl"
    target.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return target


def store_files(store: Path) -> dict[str, bytes]:
    """Every record file of a store (the completion marks, which carry a time, left out), by relative path."""
    return {str(p.relative_to(store)): p.read_bytes() for p in sorted(store.glob("*/*.parquet"))
            if p.parent.name in RECORD_TABLES}


@pytest.fixture(scope="module")
def annotated(tmp_path_factory):
    """Seed + 50 ABP articles annotated in this process into a fresh store: (corpus, store folder, Study)."""
    folder = tmp_path_factory.mktemp("store")
    corpus = corpus_folder(folder, 50 if ABP.exists() else 0)
    store = folder / "sync"
    study = prepare(corpus, store=store, workers=0, progress=False)
    return corpus, store, study


def test_every_article_is_annotated_once_into_every_table(annotated) -> None:
    corpus, store, study = annotated
    assert study.annotation.annotated == len(study.articles)
    done = AnnotationStore(store).done(study.articles["key"])
    assert len(done) == len(study.articles) and done["failures"].eq(0).all()
    for name in ("sentences", "entities", "quotes", "mentions", "timexes", "events", "frame_cues", "term_counts"):
        table = getattr(study, name)
        assert len(table) and set(table["article_id"]) <= set(study.articles["id"]), name
    again = prepare(corpus, store=store, workers=0, progress=False)
    assert again.annotation.annotated == 0 and again.annotation.reused == len(study.articles)


def test_records_point_into_the_cleaned_text(annotated) -> None:
    _, _, study = annotated
    text = dict(zip(study.articles["id"], study.articles["clean_text"]))
    for name, column in (("quotes", "content"), ("frame_cues", "cue"), ("timexes", "text")):
        for row in getattr(study, name).head(200).itertuples():
            if name == "quotes":
                assert text[row.article_id][row.start_char:row.end_char].strip(), row
            else:
                assert text[row.article_id][row.start_char:row.end_char] == getattr(row, column), row
    sentences = study.sentences
    assert (sentences["start_char"] < sentences["end_char"]).all()


def test_quoted_mentions_carry_the_corpus_wide_speaker_of_their_quote(annotated) -> None:
    _, _, study = annotated
    quoted = study.mentions[study.mentions["quote_id"] != ""]
    speakers = dict(zip(study.quotes["quote_id"], study.quotes["speaker"]))
    assert len(quoted)
    for row in quoted.itertuples():
        assert row.voice == "quoted"
        assert row.speaker == (speakers[row.quote_id] or row.speaker)


@needs_bench
def test_a_two_worker_local_cluster_writes_the_same_tables_as_this_process(annotated, tmp_path) -> None:
    corpus, store, study = annotated
    clustered = tmp_path / "cluster"
    other = prepare(corpus, store=clustered, workers=2, progress=False)
    assert other.annotation.workers == 2 and other.annotation.annotated == len(study.articles)
    assert store_files(clustered) == store_files(store)


def test_an_annotator_that_raises_on_one_article_fails_only_there(tmp_path, monkeypatch) -> None:
    original = annotators.get("timeline")
    broken_id = "otenge-2024-11"

    def brittle(docs, metas, shared):  # noqa: ANN001, ANN202
        if any(meta["id"] == broken_id for meta in metas):
            raise RuntimeError("cannot date this article")
        return original.annotate(docs, metas, shared)

    annotators.register("timeline", func=Annotator(**{**original.__dict__, "annotate": brittle}))
    try:
        study = prepare(paths.DATA_DIR, store=tmp_path / "store", workers=0, progress=False)
    finally:
        annotators.register("timeline", func=original)
    failures = study.failures
    assert failures[["article_id", "annotator"]].values.tolist() == [[broken_id, "timeline"]]
    assert "RuntimeError: cannot date this article" in failures["error"].iloc[0]
    assert set(study.timexes["article_id"]) == set(study.articles["id"]) - {broken_id}
    assert broken_id in set(study.quotes["article_id"]) and broken_id in set(study.frame_cues["article_id"])
    retried = prepare(paths.DATA_DIR, store=tmp_path / "store", workers=0, progress=False)
    assert retried.annotation.annotated == 1 and retried.failures.empty
    assert broken_id in set(retried.timexes["article_id"])


def test_an_annotator_that_runs_past_the_time_limit_is_stopped_on_that_article(tmp_path) -> None:
    original = annotators.get("frames")
    stuck_id = "timesca-2024-11"

    def stuck(docs, metas, shared):  # noqa: ANN001, ANN202
        while any(meta["id"] == stuck_id for meta in metas):
            time.sleep(0.01)
        return original.annotate(docs, metas, shared)

    others = {name: item for name, item in annotators.get_all().items() if name != "frames"}
    for name, item in others.items():  # the others do nothing here, so only the stuck one meets the limit
        annotators.register(name, func=Annotator(**{**item.__dict__, "annotate": lambda docs, metas, shared: {}}))
    annotators.register("frames", func=Annotator(**{**original.__dict__, "annotate": stuck}))
    try:
        study = prepare(paths.DATA_DIR, store=tmp_path / "store", workers=0, time_limit=3, progress=False)
    finally:
        for name, item in {**others, "frames": original}.items():
            annotators.register(name, func=item)
    assert study.failures[["article_id", "annotator"]].values.tolist() == [[stuck_id, "frames"]]
    assert study.failures["error"].iloc[0].startswith("TimeoutError: ran past the limit of 3 s")
    assert set(study.frame_cues["article_id"]) == set(study.articles["id"]) - {stuck_id}


@needs_bench
def test_adding_three_articles_annotates_only_those_three(annotated, tmp_path, monkeypatch) -> None:
    corpus, store, study = annotated
    grown_store = tmp_path / "store"
    shutil.copytree(store, grown_store)
    grown = tmp_path / "corpus.jsonl"
    extra = []
    with gzip.open(ABP, "rt", encoding="utf-8") as source:
        for i, line in enumerate(itertools.islice(source, 50, 53)):
            item = json.loads(line)
            extra.append({"id": f"abp-new-{i}", "outlet": item["source"], "published": item["date"] or "",
                          "title": item["title"], "text": item["content_original"]})
    grown.write_text(corpus.read_text(encoding="utf-8") + "".join(json.dumps(r) + "\n" for r in extra),
                     encoding="utf-8")
    parsed: list[str] = []
    real = engine.annotate_batch

    def spy(batch, model, **options):  # noqa: ANN001, ANN003, ANN202
        parsed.extend(row["id"] for row in batch)
        return real(batch, model, **options)

    monkeypatch.setattr(engine, "annotate_batch", spy)
    bigger = prepare(grown, store=grown_store, workers=0, progress=False)
    assert sorted(parsed) == ["abp-new-0", "abp-new-1", "abp-new-2"]
    assert bigger.annotation.reused == len(study.articles)
    assert {"abp-new-0", "abp-new-1", "abp-new-2"} <= set(bigger.sentences["article_id"])


def test_the_annotation_key_changes_with_the_text_and_the_annotator_versions(annotated) -> None:
    _, _, study = annotated
    first = study.articles.iloc[[0]]
    same = engine.with_keys(first.drop(columns="key"))
    edited = engine.with_keys(first.drop(columns="key").assign(clean_text=first["clean_text"] + " More."))
    assert same["key"].iloc[0] == first["key"].iloc[0] != edited["key"].iloc[0]
    frames = annotators.get("frames")
    annotators.register("frames", func=Annotator(**{**frames.__dict__, "version": frames.version + "-changed"}))
    try:
        bumped = engine.with_keys(first.drop(columns="key"))
    finally:
        annotators.register("frames", func=frames)
    assert bumped["key"].iloc[0] != first["key"].iloc[0]


def test_a_batch_without_its_completion_mark_is_not_read(annotated, tmp_path) -> None:
    _, store, study = annotated
    copy = tmp_path / "store"
    shutil.copytree(store, copy)
    marks = sorted((copy / DONE_TABLE).glob("*.parquet"))
    marks[0].unlink()
    lost = set(pd.read_parquet(next(store.glob(f"{DONE_TABLE}/{marks[0].name}")))["key"])
    readable = AnnotationStore(copy).read("sentences", study.articles["key"])
    assert lost and not (set(readable["key"]) & lost)


def notebook_code(path: Path) -> str:
    """The code of a notebook's code cells, joined."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")


@pytest.mark.parametrize("notebook", sorted(paths.NOTEBOOK_DIR.glob("[0-9][0-9]-*.ipynb")), ids=lambda p: p.stem)
def test_notebooks_read_the_store_and_never_parse_the_corpus(notebook: Path) -> None:
    code = notebook_code(notebook)
    assert "prepare(" in code
    for parsing in ("study.docs", "parse_corpus", "parse_texts", "load_pipeline", "nlp.pipe", "nlp("):
        assert parsing not in code, f"{notebook.name} parses Docs ({parsing}); read the study's tables instead"


def test_the_canonical_quote_table_is_computed_once_and_read_back(annotated, monkeypatch) -> None:
    """01, 02 and 03 each ask for Study.quotes: the speaker merging runs for the first and is read back after,
    identical; renaming an outlet computes it again."""
    from presslens.quotes import tables

    corpus, store, study = annotated
    computed = study.quotes
    calls = []
    original = tables.canonical_quotes
    monkeypatch.setattr(tables, "canonical_quotes", lambda *args: calls.append(1) or original(*args))
    again = prepare(corpus, store=store, workers=0, progress=False)
    pd.testing.assert_frame_equal(again.quotes, computed)
    assert calls == []
    renamed = prepare(corpus, store=store, workers=0, progress=False)
    first = renamed.articles["outlet"].iloc[0]
    renamed.articles = renamed.articles.assign(outlet=renamed.articles["outlet"].replace(first, first + " (renamed)"))
    assert (renamed.quotes["outlet"] == first + " (renamed)").any() and calls == [1]
