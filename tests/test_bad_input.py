"""Bad input and bad parameters (issue 15): every case ends in a load-report status with its reason, or in one
error line (plus a hint) with exit code 2; never an empty article, a mis-decoded text or a traceback.

Every fixture is generated in tmp_path; the seed articles are re-encoded, nothing binary is committed.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from presslens import check, cli, params, paths, runner
from presslens.clean import clean_text
from presslens.corpus import CorpusError, load_corpus, load_with_report
from presslens.decoding import decode_bytes

TODAY = date(2026, 11, 23)
ENGLISH = "The Collective Security Treaty Organization met in Astana on 28 November 2024 to discuss security.\n"
RUSSIAN = (
    "Президент Казахстана Касым-Жомарт Токаев провёл встречу с лидерами стран ОДКБ в Астане. "
    "Участники обсудили вопросы региональной безопасности и ситуацию в Афганистане.\n"
)
KAZAKH = (
    "Қазақстан Республикасының Президенті Қасым-Жомарт Тоқаев бүгін Астанада өткен кездесуде сөз сөйледі және "
    "аймақтағы қауіпсіздік мәселелерін талқылады.\n"
)
FRENCH = (
    "Le président a rencontré les dirigeants de la région pour discuter de la sécurité et de la situation en "
    "Afghanistan, selon un communiqué publié par le gouvernement mardi soir. Les ministres ont également évoqué "
    "la coopération économique et les échanges commerciaux entre les pays membres de l'organisation.\n"
)
CP1252_TEXT = "She was naïve, he said: “we will go to the café” — it’s the moment to act together now.\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
RULE_EMPTIED = (
    "Menu\nSEARCH\nShare on\nWe use cookies to ensure that we give you the best experience on our website. "
    "If you continue to use this site we will assume that you are happy with it.\n"
)


# ------------------------------------------------------------------------------------------------ helpers
def write_corpus(folder: Path, rows: list[dict], files: dict[str, bytes], encoding: str = "utf-8") -> Path:
    """A corpus folder holding ``files`` and an articles.csv of ``rows`` written in ``encoding``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    columns = list(dict.fromkeys(key for row in rows for key in row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (folder / "articles.csv").write_bytes(buffer.getvalue().encode(encoding))
    return folder


def bad_record(tmp_path: Path, row: dict, files: dict[str, bytes], **options) -> tuple[pd.DataFrame, pd.Series]:
    """Load one good article plus ``row``; (articles, the report row of ``row``)."""
    good = {"id": "good", "file": "good.txt", "published": "2024-11-28"}
    files = {"good.txt": ENGLISH.encode(), **files}
    folder = write_corpus(tmp_path / "corpus", [good, {"published": "", **row}], files)
    articles, report = load_with_report(folder, today=TODAY, **options)
    assert report.loc[0, "status"] == "loaded", report.loc[0, "reason"]
    return articles, report.iloc[1]


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    """Run the presslens command in-process; (exit code, stderr lines)."""
    try:
        code = cli.main(argv)
    except SystemExit as exit_:
        code = exit_.code
    return code, capsys.readouterr().err.strip().splitlines()


def assert_one_line_error(code: int, lines: list[str], expected: int, *fragments: str) -> None:
    """Exit code ``expected``, one error line (plus at most one hint line) holding every fragment, no traceback."""
    assert code == expected, lines
    assert "Traceback" not in "\n".join(lines)
    errors = [line for line in lines if not line.lstrip().startswith("hint:")]
    assert len(errors) == 1 and len(lines) <= 2, lines
    for fragment in fragments:
        assert fragment in errors[0], (fragment, errors[0])


# ------------------------------------------------- 1. nothing empty is loaded (and HTML that is not HTML is text)
@pytest.mark.parametrize(
    ("name", "content", "status", "reason"),
    [
        ("plain.html", ENGLISH.encode(), "loaded_with_warnings", "holds no HTML markup; read it as plain text"),
        ("empty_body.html", b"<html><head><title></title></head><body>  </body></html>", "rejected",
         "an HTML page with 0 words"),
        ("scripts_only.html", b"<html><body><script>var a = 'lots of words here to fool a count';</script></body>"
         b"</html>", "rejected", "an HTML page with 0 words"),
        ("zero_width.txt", "\u200b\u200b\u2060\ufeff\u200b".encode(), "rejected", "text with 0 words"),
        ("dots.txt", b"...", "rejected", "text with 0 words"),
        ("too_short.txt", b"Yes. No. Maybe.", "rejected", "an article needs at least 5 words"),
    ],
)
def test_text_without_words_is_rejected_and_plain_html_is_read_as_text(tmp_path, name, content, status, reason):
    articles, row = bad_record(tmp_path, {"id": "x", "file": name}, {name: content})
    assert row["status"] == status and reason in row["reason"]
    if status != "rejected":
        assert articles.set_index("id").loc["x", "source_format"] == "txt"


def test_cleaning_never_empties_a_text_and_names_the_rules_that_would_have():
    cleaned = clean_text(RULE_EMPTIED)
    assert cleaned.text.startswith("Menu") and "We use cookies" in cleaned.text and not cleaned.removals
    assert "cookie_notice" in cleaned.warnings[0] and "menu" in cleaned.warnings[0]


def test_check_reports_the_rule_emptied_article_with_a_warning(tmp_path, capsys):
    folder = write_corpus(tmp_path / "corpus", [{"id": "good", "file": "good.txt"}, {"id": "x", "file": "x.txt"}],
                          {"good.txt": ENGLISH.encode(), "x.txt": RULE_EMPTIED.encode()})
    code, _ = run_cli(["check", str(folder), "--out", str(tmp_path / "out")], capsys)
    report = pd.read_csv(tmp_path / "out" / "tables" / "load_report.csv", keep_default_na=False)
    assert code == 0 and report.loc[1, "status"] == "loaded_with_warnings"
    assert "would remove the whole text" in report.loc[1, "reason"]


# ------------------------------------------------------------------------------------ 2. decoding you can trust
@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        (CP1252_TEXT, "cp1252", "cp1252"),
        ("Le café était très bon à Zürich, señor, et la crème brûlée aussi.", "latin-1", "cp1252"),
        ("Zażółć gęślą jaźń. Prezydent powiedział, że rząd się zgadza.", "cp1250", "cp1250"),
        ("Příliš žluťoučký kůň úpěl ďábelské ódy.", "cp1250", "cp1250"),
        (RUSSIAN, "cp1251", "cp1251"),
        (RUSSIAN, "koi8_r", "koi8-r"),
        ("Ο πρωθυπουργός της Ελλάδας συναντήθηκε με τον πρόεδρο.", "cp1253", "cp1253"),
        ("Türkiye Cumhurbaşkanı İstanbul'da açıklama yaptı.", "cp1254", "cp1254"),
    ],
)
def test_single_byte_text_decodes_with_the_plausible_code_page(text, encoding, expected):
    decoded = decode_bytes(text.encode(encoding))
    assert decoded.text == text and decoded.encoding == expected and 0 < decoded.confidence < 1


@pytest.mark.parametrize("article", sorted(pd.read_csv(paths.MANIFEST, dtype=str)["file"]))
def test_seed_articles_saved_as_cp1252_decode_exactly(tmp_path, article):
    original = (paths.DATA_DIR / article).read_text(encoding="utf-8")
    data = original.encode("cp1252", errors="replace")
    articles, row = bad_record(tmp_path, {"id": "x", "file": "x.txt"}, {"x.txt": data})
    assert articles.set_index("id").loc["x", "text"] == data.decode("cp1252")
    if data.isascii():
        assert row["status"] == "loaded"
    else:
        assert row["encoding"] == "cp1252" and row["encoding_confidence"] >= 0.5
        assert row["status"] == "loaded_with_warnings" and "text decoded as cp1252" in row["reason"]


def test_cp1252_manifest_is_decoded_right_and_flagged(tmp_path):
    rows = [{"id": "a", "file": "a.txt", "outlet": "Café “news”"}]
    articles, report = load_with_report(write_corpus(tmp_path, rows, {"a.txt": ENGLISH.encode()}, "cp1252"))
    assert articles.loc[0, "outlet"] == "Café “news”"
    assert report.loc[0, "status"] == "loaded_with_warnings"
    assert "the manifest was decoded as cp1252" in report.loc[0, "reason"]


def test_utf16_text_with_a_byte_order_mark_loads(tmp_path):
    articles, row = bad_record(tmp_path, {"id": "x", "file": "x.txt"}, {"x.txt": ENGLISH.encode("utf-16")})
    assert articles.set_index("id").loc["x", "text"] == ENGLISH and "utf-16" in row["reason"]


# ------------------------------------------------------------------------------------------------- 3. limits
def test_article_over_max_chars_is_rejected_naming_the_limit(tmp_path):
    text = (ENGLISH * 40).encode()
    _, row = bad_record(tmp_path, {"id": "big", "file": "big.txt"}, {"big.txt": text}, max_chars=2000)
    assert row["status"] == "rejected" and "more than max_chars=2,000" in row["reason"]


# ------------------------------------------------------------------------------------------------ 9. language
@pytest.mark.parametrize(
    ("text", "language", "reason"),
    [
        (RUSSIAN * 2, "en", "text is not English (mostly Cyrillic script) although language is 'en'"),
        (KAZAKH * 2, "en", "text is not English (mostly Cyrillic script) although language is 'en'"),
        (FRENCH, "", "text is not English (only"),
        (RUSSIAN * 2, "ru", "English-only analyses leave it out"),
    ],
)
def test_text_that_is_not_english_is_flagged(tmp_path, text, language, reason):
    articles, row = bad_record(tmp_path, {"id": "x", "file": "x.txt", "language": language}, {"x.txt": text.encode()})
    assert row["status"] == "loaded_with_warnings" and reason in row["reason"]
    assert list(articles["reads_english"]) == [True, False]


def test_english_only_rejects_text_that_is_not_english(tmp_path):
    articles, row = bad_record(tmp_path, {"id": "x", "file": "x.txt"}, {"x.txt": RUSSIAN.encode()}, english_only=True)
    assert row["status"] == "rejected" and "only English articles were asked for" in row["reason"]
    assert list(articles["id"]) == ["good"]


# ------------------------------------------------------------------------ 6, 7, 8, 10, 12, 13: input structure
def jsonl_lines(count: int) -> bytes:
    """JSON Lines of ``count`` English records, each with some incompressible noise."""
    noise = [hashlib.sha256(str(n).encode()).hexdigest() for n in range(count)]
    return "".join(json.dumps({"id": f"r{n}", "text": ENGLISH * 3 + noise[n]}) + "\n" for n in range(count)).encode()


@pytest.mark.parametrize("damage", ["cut", "zeroed"])
def test_truncated_or_damaged_jsonl_gz_keeps_the_records_before_the_damage(tmp_path, damage):
    whole = bytearray(gzip.compress(jsonl_lines(400)))
    if damage == "cut":
        whole = whole[: len(whole) // 2]
    else:
        whole[len(whole) // 2:len(whole) // 2 + 64] = bytes(64)
    (tmp_path / "cut.jsonl.gz").write_bytes(bytes(whole))
    articles, report = load_with_report(tmp_path / "cut.jsonl.gz")
    assert 50 < len(articles) < 400 and list(articles["id"]) == [f"r{n}" for n in range(len(articles))]
    last = report.iloc[-1]
    assert last["record"] == "cut.jsonl.gz:end" and last["status"] == "rejected" and "truncated" in last["reason"]


def test_multi_member_gzip_is_read_whole(tmp_path):
    lines = jsonl_lines(20)
    (tmp_path / "two.jsonl.gz").write_bytes(gzip.compress(lines[:1000]) + gzip.compress(lines[1000:]))
    articles, report = load_with_report(tmp_path / "two.jsonl.gz")
    assert len(articles) == 20 and set(report["status"]) == {"loaded"}


@pytest.mark.parametrize(
    ("manifest", "bad_row", "reason"),
    [
        ("id,file,outlet\na,a.txt,A\nb,b.txt,B,extra\nc,c.txt,C\n", 2, "line 3 has 4 fields, the header has 3"),
        ("id,file,outlet\na,a.txt,A\nb,b.txt\nc,c.txt,C\n", 2, "line 3 has 2 fields, the header has 3"),
        ('id,file,outlet\na,a.txt,A\nb,b.txt,"B\nc,c.txt,"C"\n', 2, "line 3"),
        ('id,file,outlet\na,a.txt,A\nb,b.txt,"B unclosed\nc,c.txt,C\n', 2, "quote"),
    ],
)
def test_one_malformed_manifest_row_is_rejected_alone(tmp_path, manifest, bad_row, reason):
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(ENGLISH)
    (tmp_path / "articles.csv").write_text(manifest)
    articles, report = load_with_report(tmp_path)
    rejected = report[report["status"] == "rejected"]
    assert list(rejected["record"]) == [f"articles.csv:row {bad_row}"] and reason in rejected.iloc[0]["reason"]
    assert list(articles["id"]) == ["a", "c"]


@pytest.mark.parametrize(("column", "guessed"), [("Published", "published"), ("publshed", "published"),
                                                   ("Outlet Country", "outlet_country")])
def test_misspelt_manifest_column_is_mapped_with_a_warning(tmp_path, column, guessed):
    value = "2024-11-28" if guessed == "published" else "KZ"
    folder = write_corpus(tmp_path, [{"id": "a", "file": "a.txt", column: value}], {"a.txt": ENGLISH.encode()})
    articles, report = load_with_report(folder, today=TODAY)
    assert articles.loc[0, guessed] == value
    assert report.loc[0, "status"] == "loaded_with_warnings" and f"column {column!r} read as {guessed!r}" in \
        report.loc[0, "reason"]


def test_unknown_manifest_column_is_reported(tmp_path, capsys):
    folder = write_corpus(tmp_path, [{"id": "a", "file": "a.txt", "sentiment": "+"}], {"a.txt": ENGLISH.encode()})
    assert load_corpus(folder).attrs["ignored_columns"] == ["sentiment"]
    code, _ = run_cli(["check", str(folder)], capsys)
    assert code == 0


def test_parquet_bytes_column_is_decoded_or_rejected(tmp_path):
    frame = pd.DataFrame({"id": ["png", "utf8"], "text": [PNG, ENGLISH.encode()]})
    frame.to_parquet(tmp_path / "records.parquet")
    articles, report = load_with_report(tmp_path / "records.parquet")
    assert list(report["status"]) == ["rejected", "loaded_with_warnings"]
    assert "bytes value" in report.loc[0, "reason"] and "binary" in report.loc[0, "reason"]
    assert articles.loc[0, "text"] == ENGLISH and "stored as bytes" in report.loc[1, "reason"]


def test_hidden_file_in_a_bare_folder_gets_a_report_row(tmp_path):
    (tmp_path / "one.txt").write_text(ENGLISH)
    (tmp_path / ".draft.txt").write_text(ENGLISH)
    _, report = load_with_report(tmp_path)
    assert list(report["record"]) == [".draft.txt", "one.txt"]
    assert report.loc[0, "status"] == "rejected" and "hidden file" in report.loc[0, "reason"]


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_or_tab_delimited_manifest_loads(tmp_path, delimiter):
    (tmp_path / "a.txt").write_text(ENGLISH)
    (tmp_path / "articles.csv").write_text(delimiter.join(["id", "file", "outlet"]) + "\n" +
                                           delimiter.join(["a", "a.txt", "Outlet, One"]) + "\n")
    articles = load_corpus(tmp_path)
    assert list(articles["id"]) == ["a"] and articles.loc[0, "outlet"] == "Outlet, One"


def test_records_without_an_id_column_get_stable_generated_ids(tmp_path):
    pd.DataFrame({"text": [ENGLISH, ENGLISH + "More.", ENGLISH]}).to_csv(tmp_path / "r.csv", index=False)
    first, report = load_with_report(tmp_path / "r.csv")
    again = load_corpus(tmp_path / "r.csv")
    assert list(first["id"]) == list(again["id"]) and first["id"].is_unique
    assert first.loc[2, "id"] == first.loc[0, "id"] + "-2"
    assert set(report["status"]) == {"loaded_with_warnings"} and "no id column" in report.loc[0, "reason"]


def test_manifest_without_an_id_column_takes_ids_from_file_names(tmp_path):
    folder = write_corpus(tmp_path, [{"file": "raw/a one.txt"}], {"raw/a one.txt": ENGLISH.encode()})
    articles, report = load_with_report(folder)
    assert list(articles["id"]) == ["raw-a-one"] and "generated id 'raw-a-one'" in report.loc[0, "reason"]


# -------------------------------------------------------------------------------------- cases that held already
@pytest.mark.parametrize(
    ("row", "files", "reason"),
    [
        ({"id": "x", "file": "photo.txt"}, {"photo.txt": PNG}, "binary"),
        ({"id": "good", "file": "x.txt"}, {"x.txt": ENGLISH.encode()}, "id 'good' is already used"),
        ({"id": "x", "file": "../outside.txt"}, {}, "'..'"),
        ({"id": "x", "file": "/etc/hostname"}, {}, "absolute path"),
        ({"id": "x", "file": "nowhere.txt"}, {}, "does not exist"),
        ({"id": "", "file": "x.txt"}, {"x.txt": ENGLISH.encode()}, "id is empty"),
        ({"id": "x", "file": "x.txt"}, {"x.txt": b"  \n\t "}, "whitespace only"),
    ],
)
def test_bad_records_are_rejected_with_their_reason(tmp_path, row, files, reason):
    articles, report_row = bad_record(tmp_path, row, files)
    assert report_row["status"] == "rejected" and reason in report_row["reason"]
    assert list(articles["file"]) == ["good.txt"]


def test_symlink_out_of_the_corpus_folder_is_rejected(tmp_path):
    (tmp_path / "secret.txt").write_text(ENGLISH)
    folder = write_corpus(tmp_path / "corpus", [{"id": "good", "file": "good.txt"}, {"id": "x", "file": "link.txt"}],
                          {"good.txt": ENGLISH.encode()})
    (folder / "link.txt").symlink_to(tmp_path / "secret.txt")
    _, report = load_with_report(folder)
    assert report.loc[1, "status"] == "rejected" and "through a link" in report.loc[1, "reason"]


@pytest.mark.parametrize(("published", "reason"), [("last Tuesday", "is not a date"), ("2031-05", "implausible")])
def test_bad_dates_load_with_a_warning(tmp_path, published, reason):
    _, row = bad_record(tmp_path, {"id": "x", "file": "x.txt", "published": published}, {"x.txt": ENGLISH.encode()})
    assert row["status"] == "loaded_with_warnings" and reason in row["reason"]


def test_broken_jsonl_line_is_reported_with_its_line_number(tmp_path):
    (tmp_path / "r.jsonl").write_text(json.dumps({"id": "a", "text": ENGLISH}) + "\n{broken\n")
    _, report = load_with_report(tmp_path / "r.jsonl")
    assert report.loc[1, "record"] == "r.jsonl:line 2" and "not valid JSON" in report.loc[1, "reason"]


def test_loading_twice_gives_the_same_articles_and_report(tmp_path):
    folder = write_corpus(tmp_path, [{"id": "a", "file": "a.txt"}, {"id": "b", "file": "b.txt"}],
                          {"a.txt": ENGLISH.encode(), "b.txt": CP1252_TEXT.encode("cp1252")})
    first, second = load_with_report(folder, today=TODAY), load_with_report(folder, today=TODAY)
    pd.testing.assert_frame_equal(first[0], second[0])
    pd.testing.assert_frame_equal(first[1], second[1])


# ---------------------------------------------------------------------- 5. one line per error from presslens check
def corrupt_input(tmp_path: Path, kind: str) -> Path:
    """A corpus input that cannot be loaded at all."""
    if kind == "no_file_column":
        return write_corpus(tmp_path, [{"id": "a", "path": "a.txt"}], {"a.txt": ENGLISH.encode()})
    if kind == "empty_manifest":
        (tmp_path / "articles.csv").write_text("")
    elif kind == "header_only":
        (tmp_path / "articles.csv").write_text("id,file\n")
    elif kind == "not_gzip":
        (tmp_path / "r.jsonl.gz").write_text(json.dumps({"id": "a", "text": ENGLISH}))
        return tmp_path / "r.jsonl.gz"
    elif kind == "damaged_gzip":
        (tmp_path / "r.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00" + b"\xff" * 40)
        return tmp_path / "r.jsonl.gz"
    elif kind == "bad_parquet":
        (tmp_path / "r.parquet").write_bytes(b"PAR1 this is not parquet PAR1")
        return tmp_path / "r.parquet"
    elif kind == "bad_yaml":
        (tmp_path / "articles.yaml").write_text("- id: a\n  file: [unclosed\n- id: b\n")
    elif kind == "semicolons_wrong_columns":
        (tmp_path / "articles.csv").write_text("name;path\na;a.txt\n")
    elif kind == "space_delimited":
        (tmp_path / "articles.csv").write_text("id file outlet\na a.txt A\n")
    elif kind == "unknown_format":
        (tmp_path / "corpus.docx").write_bytes(b"PK\x03\x04")
        return tmp_path / "corpus.docx"
    elif kind == "nothing_loads":
        return write_corpus(tmp_path, [{"id": "a", "file": "a.txt"}], {"a.txt": b"..."})
    return tmp_path


@pytest.mark.parametrize(
    ("kind", "fragments"),
    [
        ("no_file_column", ["articles.csv has no file column", "columns found: id, path"]),
        ("empty_manifest", ["articles.csv is empty"]),
        ("header_only", ["nothing could be loaded", "holds no records"]),
        ("not_gzip", ["r.jsonl.gz is not a gzip file"]),
        ("damaged_gzip", ["r.jsonl.gz is a damaged gzip file"]),
        ("bad_parquet", ["r.parquet is not a readable Parquet file"]),
        ("bad_yaml", ["articles.yaml is not valid YAML", "line 3, column 5"]),
        ("semicolons_wrong_columns", ["articles.csv has no file column (columns found: name, path)"]),
        ("space_delimited", ["single column 'id file outlet'", "delimiter was not recognised"]),
        ("unknown_format", ["corpus.docx has an unknown format"]),
        ("nothing_loads", ["nothing could be loaded", "articles.csv:row 1", "0 words"]),
    ],
)
def test_check_reports_unusable_input_in_one_line_with_exit_code_2(tmp_path, capsys, kind, fragments):
    code, lines = run_cli(["check", str(corrupt_input(tmp_path, kind))], capsys)
    assert_one_line_error(code, lines, 2, "presslens check: error:", *fragments)


def test_check_on_a_missing_path_is_one_line(tmp_path, capsys):
    code, lines = run_cli(["check", str(tmp_path / "missing")], capsys)
    assert_one_line_error(code, lines, 2, "no such file or folder")


def test_ctrl_c_exits_130_with_one_line(tmp_path, capsys, monkeypatch):
    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(check, "run", interrupted)
    code, lines = run_cli(["check", str(paths.DATA_DIR)], capsys)
    assert code == 130 and len(lines) == 1 and "interrupted" in lines[0]


def test_internal_errors_are_one_line_and_debug_shows_the_traceback(capsys, monkeypatch):
    def broken(args):
        raise RuntimeError("something inside broke")

    monkeypatch.setattr(check, "run", broken)
    code, lines = run_cli(["check", str(paths.DATA_DIR)], capsys)
    assert_one_line_error(code, lines, 1, "RuntimeError: something inside broke")
    for argv in (["--debug", "check", str(paths.DATA_DIR)], ["check", str(paths.DATA_DIR), "--debug"]):
        with pytest.raises(RuntimeError):
            cli.main(argv)


# ------------------------------------------------------------------ 4. parameters validated before any notebook
@pytest.mark.parametrize(
    ("options", "fragments"),
    [
        (["-p", "date_form=2020-01-01"], ["unknown parameter 'date_form'", "2020-01-01"]),
        (["-p", "date_from=28/11/2024"], ["date_from='28/11/2024': not an ISO date"]),
        (["-p", "date_to=2024-13-01"], ["date_to='2024-13-01': not an ISO date"]),
        (["-p", "outlets=[Outlet A"], ["-p outlets=[Outlet A", "not valid YAML"]),
        (["-p", "outlets={a: b}"], ["outlets={'a': 'b'}: give a list"]),
        (["-p", "model=./no/such/model"], ["model='./no/such/model': no such model folder"]),
        (["-p", "model=xx_no_such_pipeline"], ["model='xx_no_such_pipeline': not an installed spaCy package"]),
        (["-p", "corpus=/no/such/corpus"], ["corpus=", "no such file or folder"]),
        (["-p", "gap_days=soon"], ["gap_days='soon': expected a int"]),
        (["-p", "output_dir=/tmp/x"], ["output_dir='/tmp/x': set by presslens run itself"]),
        (["-p", "date_from=2024-05-01", "-p", "date_to=2024-01-01"], ["date_from=2024-05-01 is after date_to"]),
        (["-p", "novalue"], ["write parameters as key=value"]),
    ],
)
def test_bad_run_parameters_stop_before_any_notebook(tmp_path, capsys, options, fragments):
    code, lines = run_cli(["run", "--reports-dir", str(tmp_path), "--name", "r", *options], capsys)
    assert_one_line_error(code, lines, 2, *fragments)
    assert not (tmp_path / "r").exists()


def test_unknown_parameter_suggests_the_closest_name(tmp_path, capsys):
    _, lines = run_cli(["run", "--reports-dir", str(tmp_path), "-p", "date_form=2020"], capsys)
    assert "did you mean 'date_from'?" in lines[1]


def test_malformed_params_file_names_the_file_and_line(tmp_path, capsys):
    (tmp_path / "params.yaml").write_text("corpus: data\noutlets: [a, b\ndate_from: 2024\n")
    code, lines = run_cli(["run", "--reports-dir", str(tmp_path), "-f", str(tmp_path / "params.yaml")], capsys)
    assert_one_line_error(code, lines, 2, "params.yaml: not valid YAML", "line 3")


def test_parameter_values_are_normalised():
    checked = params.validate({"corpus": "data", "outlets": "Outlet 1", "date_from": 2019, "date_to": 2020,
                               "gap_days": 30, "lookback_years": 2, "model": ""}, runner.notebook_paths())
    assert checked["outlets"] == ["Outlet 1"] and checked["lookback_years"] == 2.0
    assert checked["date_from"] == "2019-01-01" and checked["date_to"] == "2020-12-31"
    assert checked["corpus"] == str(paths.DATA_DIR)
    assert params.check_date("date_to", "2024-02") == "2024-02-29"


# ------------------------------------------------------------------- 11. a run name reused after a failure
def test_reusing_a_run_name_after_a_failure_leaves_no_failed_txt(tmp_path, capsys, monkeypatch):
    outcomes = [runner.NotebookFailed("00-corpus.ipynb failed in cell 3"), None]

    def fake_run(plan, progress=True):
        outcome = outcomes.pop(0)
        plan.run_dir.mkdir(parents=True, exist_ok=True)
        if outcome:
            raise outcome
        (plan.run_dir / "index.html").write_text("<html></html>")
        return plan.run_dir / "index.html"

    monkeypatch.setattr(runner, "annotate_first", lambda *args, **kwargs: None)
    monkeypatch.setattr(runner, "run_report", fake_run)
    argv = ["run", "--reports-dir", str(tmp_path), "--name", "same", "--notebooks", "00-corpus.ipynb"]
    assert run_cli(argv, capsys)[0] == 1 and (tmp_path / "same" / "FAILED.txt").exists()
    assert run_cli(argv, capsys)[0] == 0
    assert (tmp_path / "same" / "index.html").exists() and not (tmp_path / "same" / "FAILED.txt").exists()


def test_loader_errors_carry_a_hint(tmp_path):
    with pytest.raises(CorpusError) as raised:
        load_corpus(tmp_path / "nowhere")
    assert raised.value.hint
