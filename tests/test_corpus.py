"""Corpus loading: every validation rule on small bad inputs, the seed manifest, the three input kinds, ABP."""

from __future__ import annotations

import csv
import gzip
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from presslens import paths
from presslens.corpus import (
    ARTICLE_COLUMNS,
    MANIFEST_COLUMNS,
    REPORT_COLUMNS,
    CorpusError,
    load_corpus,
    load_with_report,
)

TODAY = date(2026, 11, 23)
ABP = paths.BENCH_DIR / "abp_10k.jsonl.gz"
RUSSIAN = (
    "Президент Казахстана Касым-Жомарт Токаев провёл встречу с лидерами стран ОДКБ в Астане. "
    "Участники обсудили вопросы региональной безопасности и ситуацию в Афганистане.\n"
)
ENGLISH = "The Collective Security Treaty Organization met in Astana on 28 November 2024.\n"


def seed_manifest() -> pd.DataFrame:
    """The committed manifest, read independently of presslens."""
    return pd.read_csv(paths.MANIFEST, dtype=str, keep_default_na=False)


def write_corpus(folder: Path, rows: list[dict], files: dict[str, bytes]) -> Path:
    """A corpus folder: ``files`` (relative path -> bytes) and an articles.csv holding ``rows``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    columns = list(dict.fromkeys(key for row in rows for key in row)) or ["id", "file"]
    with open(folder / "articles.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return folder


def one_bad_record(tmp_path: Path, row: dict, files: dict[str, bytes]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Load a corpus of one good article plus ``row``; return (articles, report row of ``row``, by id)."""
    good = {"id": "good", "file": "good.txt", "published": "2024-11-28"}
    folder = write_corpus(tmp_path / "corpus", [good, row], {"good.txt": ENGLISH.encode(), **files})
    articles, report = load_with_report(folder, today=TODAY)
    assert len(report) == 2 and report.loc[0, "status"] == "loaded"
    return articles, report.iloc[1]


# ------------------------------------------------------------------------------------------ the seed corpus
def test_seed_manifest_loads_every_article_byte_identical():
    articles = load_corpus(paths.DATA_DIR, today=TODAY)
    manifest = seed_manifest()
    assert list(articles.columns) == list(ARTICLE_COLUMNS)
    assert list(articles["id"]) == list(manifest["id"]) and len(articles) == 5
    for column in MANIFEST_COLUMNS:
        assert list(articles[column]) == list(manifest[column]), column
    for article in articles.itertuples():
        assert article.text.encode("utf-8") == (paths.DATA_DIR / article.file).read_bytes()
    assert set(articles["encoding"]) == {"utf-8"} and set(articles["source_format"]) == {"txt"}
    by_id = articles.set_index("id")
    assert by_id.loc["natofoundation-2022-05", "date_precision"] == "month"
    assert by_id.loc["natofoundation-2022-05", "published_date"] == pd.Timestamp("2022-05-01")
    assert by_id.loc["politicstoday-2022-01-26", "published_date"] == pd.Timestamp("2022-01-26")
    report = articles.attrs["load_report"]
    assert list(report.columns) == list(REPORT_COLUMNS)
    assert list(report["record"]) == [f"articles.csv:row {n}" for n in range(1, 6)]
    assert set(report["status"]) == {"loaded"}


def test_manifest_file_given_directly_loads_like_its_folder():
    direct = load_corpus(paths.MANIFEST, today=TODAY)
    assert list(direct["id"]) == list(seed_manifest()["id"])
    assert direct["text"].str.len().min() > 1000


# ------------------------------------------------------------------------------------------ validation rules
def test_cp1251_text_is_decoded_and_flagged(tmp_path):
    articles, row = one_bad_record(tmp_path, {"id": "ru", "file": "ru.txt"}, {"ru.txt": RUSSIAN.encode("cp1251")})
    assert row["status"] == "loaded_with_warnings" and "cp1251" in row["reason"]
    russian = articles.set_index("id").loc["ru"]
    assert russian["text"] == RUSSIAN and russian["encoding"] == "cp1251"


def test_binary_file_is_rejected(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
    articles, row = one_bad_record(tmp_path, {"id": "img", "file": "photo.txt"}, {"photo.txt": png})
    assert row["status"] == "rejected" and "binary" in row["reason"] and "photo.txt" in row["reason"]
    assert list(articles["id"]) == ["good"]


def test_duplicate_id_rejects_the_later_record_naming_the_first(tmp_path):
    articles, row = one_bad_record(tmp_path, {"id": "good", "file": "other.txt"}, {"other.txt": ENGLISH.encode()})
    assert row["status"] == "rejected"
    assert "id 'good'" in row["reason"] and "articles.csv:row 1" in row["reason"]
    assert list(articles["file"]) == ["good.txt"]


def test_unparseable_date_loads_with_unknown_date(tmp_path):
    articles, row = one_bad_record(
        tmp_path, {"id": "x", "file": "x.txt", "published": "last Tuesday"}, {"x.txt": ENGLISH.encode()}
    )
    assert row["status"] == "loaded_with_warnings" and "published 'last Tuesday'" in row["reason"]
    article = articles.set_index("id").loc["x"]
    assert article["published"] == "" and article["date_precision"] == "unknown"
    assert pd.isna(article["published_date"])


@pytest.mark.parametrize("published", ["1850-03-01", "2031-01"])
def test_implausible_date_is_flagged(tmp_path, published):
    articles, row = one_bad_record(
        tmp_path, {"id": "x", "file": "x.txt", "published": published}, {"x.txt": ENGLISH.encode()}
    )
    assert row["status"] == "loaded_with_warnings" and "implausible" in row["reason"]
    assert articles.set_index("id").loc["x", "published"] == published


def test_stated_precision_is_respected_and_checked(tmp_path):
    rows = [
        {"id": "m", "file": "x.txt", "published": "2024-11", "date_precision": "month"},
        {"id": "wrong", "file": "x.txt", "published": "2024-11-28", "date_precision": "year"},
    ]
    articles, report = load_with_report(write_corpus(tmp_path, rows, {"x.txt": ENGLISH.encode()}), today=TODAY)
    by_id = articles.set_index("id")
    assert by_id.loc["m", "published"] == "2024-11" and by_id.loc["m", "date_precision"] == "month"
    assert by_id.loc["wrong", "published"] == "2024" and by_id.loc["wrong", "date_precision"] == "year"
    assert list(report["status"]) == ["loaded", "loaded_with_warnings"]
    assert "date_precision 'year' does not match" in report.loc[1, "reason"]


def test_path_traversal_is_rejected(tmp_path):
    (tmp_path / "outside.txt").write_text(ENGLISH)
    articles, row = one_bad_record(tmp_path, {"id": "x", "file": "../outside.txt"}, {})
    assert row["status"] == "rejected" and "'..'" in row["reason"] and "corpus folder" in row["reason"]
    assert "x" not in set(articles["id"])


def test_absolute_path_is_rejected(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text(ENGLISH)
    _, row = one_bad_record(tmp_path, {"id": "x", "file": str(outside)}, {})
    assert row["status"] == "rejected" and "absolute path" in row["reason"]


@pytest.mark.parametrize(("content", "word"), [(b"", "empty"), (b" \n\t\r\n  \n", "whitespace only")])
def test_empty_or_whitespace_text_is_rejected(tmp_path, content, word):
    _, row = one_bad_record(tmp_path, {"id": "x", "file": "x.txt"}, {"x.txt": content})
    assert row["status"] == "rejected" and f"text is {word}" in row["reason"]


def test_missing_file_is_rejected(tmp_path):
    _, row = one_bad_record(tmp_path, {"id": "x", "file": "raw/nowhere.txt"}, {})
    assert row["status"] == "rejected" and "'raw/nowhere.txt' does not exist" in row["reason"]


def test_windows_separators_in_manifest_paths_are_accepted(tmp_path):
    articles, row = one_bad_record(tmp_path, {"id": "w", "file": "raw\\w.txt"}, {"raw/w.txt": ENGLISH.encode()})
    assert row["status"] == "loaded" and articles.set_index("id").loc["w", "text"] == ENGLISH


def test_missing_id_value_is_rejected(tmp_path):
    _, row = one_bad_record(tmp_path, {"id": "", "file": "x.txt"}, {"x.txt": ENGLISH.encode()})
    assert row["status"] == "rejected" and "id is empty" in row["reason"] and row["record"] == "articles.csv:row 2"


def test_manifest_without_file_column_is_an_error_listing_the_columns(tmp_path):
    folder = write_corpus(tmp_path, [{"id": "x", "path": "x.txt", "outlet": "O"}], {"x.txt": ENGLISH.encode()})
    with pytest.raises(CorpusError, match=r"articles\.csv has no file column \(columns found: id, path, outlet\)"):
        load_corpus(folder)


def test_two_megabyte_article_is_rejected_by_default_and_loads_when_the_limit_allows(tmp_path):
    paragraph = "Leaders of the CSTO met in Astana and discussed regional security at length. " * 20 + "\n\n"
    big = (paragraph * (2_100_000 // len(paragraph) + 1)).encode()
    assert len(big) > 2_000_000
    _, row = one_bad_record(tmp_path, {"id": "big", "file": "big.txt"}, {"big.txt": big})
    assert row["status"] == "rejected" and "more than max_chars=300,000" in row["reason"]
    articles = load_corpus(tmp_path / "corpus", today=TODAY, max_chars=None)
    assert articles.set_index("id").loc["big", "text"].encode() == big


def test_nothing_loads_is_an_error_with_the_report(tmp_path):
    folder = write_corpus(tmp_path, [{"id": "a", "file": "a.txt"}, {"id": "b", "file": "../b.txt"}], {"a.txt": b"  "})
    with pytest.raises(CorpusError, match="nothing could be loaded") as raised:
        load_corpus(folder)
    assert "2 records: 2 rejected" in str(raised.value) and "articles.csv:row 2" in str(raised.value)
    assert list(raised.value.report["status"]) == ["rejected", "rejected"]


def test_unusable_inputs_are_errors(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "missing")
    (tmp_path / "corpus.docx").write_bytes(b"PK\x03\x04")
    with pytest.raises(CorpusError, match="unknown format"):
        load_corpus(tmp_path / "corpus.docx")
    (tmp_path / "header_only.csv").write_text("id,text\n")
    with pytest.raises(CorpusError, match="holds no records"):
        load_corpus(tmp_path / "header_only.csv")
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="no manifest"):
        load_corpus(tmp_path / "empty")


# ------------------------------------------------------------------------------------------ other input kinds
def test_yaml_manifest_and_html_files(tmp_path):
    html = ("<html><head><meta charset='utf-8'><title>T</title></head>"
            "<body><p>Leaders met at the Astana summit.</p></body></html>")
    (tmp_path / "a.html").write_text(html)
    (tmp_path / "articles.yaml").write_text(
        "- id: a\n  file: a.html\n  outlet: Example\n  published: 2024-11-28\n- {id: b, file: b.txt}\n"
    )
    articles, report = load_with_report(tmp_path, today=TODAY)
    assert list(report["record"]) == ["articles.yaml:entry 1", "articles.yaml:entry 2"]
    assert list(report["status"]) == ["loaded", "rejected"]
    article = articles.iloc[0]
    assert article["text"] == html and article["source_format"] == "html" and article["published"] == "2024-11-28"
    assert article["outlet"] == "Example" and article["author"] == ""


def test_record_csv_with_column_map_and_bad_rows(tmp_path):
    frame = pd.DataFrame(
        {
            "uid": ["r1", "r2", "r3", "r1"],
            "body": [ENGLISH, "   ", RUSSIAN, ENGLISH],
            "site": ["Reuters", "AP", "TASS", "Reuters"],
            "when": ["2024-11-28", "", "28 November 2024", "2024-11-28"],
            "extra": ["x", "y", "z", "w"],
        }
    )
    frame.to_csv(tmp_path / "records.csv", index=False)
    column_map = {"uid": "id", "body": "text", "site": "outlet", "when": "published"}
    articles, report = load_with_report(tmp_path / "records.csv", column_map=column_map, today=TODAY)
    assert list(report["status"]) == ["loaded", "rejected", "loaded_with_warnings", "rejected"]
    assert "not English (mostly Cyrillic script)" in report.loc[2, "reason"]
    assert report.loc[3, "record"] == "records.csv:row 4" and "records.csv:row 1" in report.loc[3, "reason"]
    assert list(articles.columns) == list(ARTICLE_COLUMNS)
    assert list(articles["outlet"]) == ["Reuters", "TASS"] and set(articles["source_format"]) == {"record"}
    assert list(articles["published"]) == ["2024-11-28", "2024-11-28"]
    assert articles.iloc[1]["text"] == RUSSIAN


def test_record_file_without_text_column_is_an_error(tmp_path):
    pd.DataFrame({"id": ["a"], "body": [ENGLISH]}).to_csv(tmp_path / "records.csv", index=False)
    with pytest.raises(CorpusError, match=r"no text column \(columns found: id, body\)"):
        load_corpus(tmp_path / "records.csv")
    assert load_corpus(tmp_path / "records.csv", text_column="body")["text"].tolist() == [ENGLISH]


def test_jsonl_gz_with_a_malformed_line_and_parquet(tmp_path):
    lines = [json.dumps({"id": "j1", "text": ENGLISH}), "{not json", "", json.dumps(["a", "list"])]
    with gzip.open(tmp_path / "records.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    articles, report = load_with_report(tmp_path / "records.jsonl.gz")
    assert list(report["record"]) == ["records.jsonl.gz:line 1", "records.jsonl.gz:line 2", "records.jsonl.gz:line 4"]
    assert list(report["status"]) == ["loaded", "rejected", "rejected"]
    assert "not valid JSON" in report.loc[1, "reason"]
    pd.DataFrame({"id": [1, 2], "text": [ENGLISH, RUSSIAN]}).to_parquet(tmp_path / "records.parquet")
    parquet = load_corpus(tmp_path / "records.parquet")
    assert list(parquet["id"]) == ["1", "2"] and parquet["text"].tolist() == [ENGLISH, RUSSIAN]


def test_bare_folder_takes_ids_from_file_names(tmp_path):
    (tmp_path / "one.txt").write_text(ENGLISH)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "two.html").write_text("<p>Leaders met in Astana on Thursday.</p>")
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / ".hidden.txt").write_text("ignored")
    articles, report = load_with_report(tmp_path)
    assert list(report["record"]) == [".hidden.txt", "one.txt", "scan.pdf", "sub/two.html"]
    assert list(report["status"]) == ["rejected", "loaded", "rejected", "loaded"]
    assert "hidden file" in report.loc[0, "reason"]
    assert list(articles["id"]) == ["one", "two"] and list(articles["source_format"]) == ["txt", "html"]
    assert (articles[["outlet", "published", "author"]] == "").all().all()
    assert set(articles["date_precision"]) == {"unknown"} and articles["published_date"].isna().all()


# ------------------------------------------------------------------------------------------ the ABP sample
@pytest.fixture(scope="module")
def abp():
    """The 10,000-article ABP benchmark sample, loaded with its preset."""
    if not ABP.exists():
        pytest.skip(f"{ABP} is not available")
    return load_with_report(ABP, column_map="abp", today=TODAY)


def test_abp_sample_loads_with_a_report_for_every_line(abp):
    articles, report = abp
    assert list(report["record"]) == [f"abp_10k.jsonl.gz:line {n}" for n in range(1, 10_001)]
    assert report["id"].is_unique and (report["status"] != "rejected").all()
    assert len(articles) == 10_000 and articles["outlet"].nunique() > 200
    with gzip.open(ABP, "rt", encoding="utf-8") as handle:
        raw = [json.loads(line) for line in handle]
    assert list(articles["text"]) == [entry["content_original"] for entry in raw]
    empty_dates = sum(1 for entry in raw if not entry["date"])
    assert (articles["date_precision"] == "unknown").sum() == empty_dates > 1000
    slashed = {entry["ID"] for entry in raw if "/" in entry["date"]}
    warned = report[report["status"] == "loaded_with_warnings"]
    dated = warned[~warned["reason"].str.startswith("damaged text")]  # text damage: presslens.damage, tested there
    assert set(dated["id"]) <= slashed and len(dated) >= 1
    known = articles["published_date"].dropna()
    assert known.min() >= pd.Timestamp("2012-01-01") and known.max() <= pd.Timestamp("2020-12-31")


def test_abp_preset_is_found_without_naming_it(abp):
    articles = load_corpus(ABP, today=TODAY)
    assert list(articles["id"]) == list(abp[0]["id"]) and list(articles["author"]) == list(abp[0]["author"])
    assert articles.attrs["column_map"]["content_original"] == "text"


def test_corpus_figures_title_themselves_at_276_outlets(abp):
    """ABP has 276 outlets and no outlet country: the outlet figure draws the 20 largest and says so, labels carry
    no "country unknown", and the date figure's note is part of its title (the two titles overlapped before)."""
    import matplotlib.pyplot as plt

    from presslens import overview

    articles = abp[0].assign(outlet_country="", outlet_kind="")
    outlets = overview.outlet_table(articles)
    fig, (left, right) = plt.subplots(1, 2)
    overview.plot_articles_per_outlet(left, outlets)
    overview.plot_publication_dates(right, articles)
    labels = [label.get_text() for label in left.get_yticklabels()]
    assert len(labels) == 20 and not any("country" in label for label in labels)
    assert left.get_title() == f"Articles per outlet\nthe 20 of {len(outlets)} outlets with the most articles; " \
                               "every outlet is in the table"
    assert right.get_title().startswith("When each article was published\n") and not right.get_title(loc="right")
    plt.close(fig)
