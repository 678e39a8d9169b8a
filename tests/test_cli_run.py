"""`presslens run` as a user meets it: --corpus and --column-map like `presslens check`, paths typed on the command
line resolve against the working directory, and every environment variable is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from presslens import cli, paths, runner


def plan(argv: list[str]) -> runner.RunPlan:
    """The RunPlan `presslens run ARGV` would execute."""
    return runner.plan_from_args(cli.build_parser().parse_args(["run", *argv]))


def test_corpus_flag_and_relative_paths_resolve_against_the_working_directory(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "mine").mkdir()
    monkeypatch.chdir(tmp_path)
    assert plan(["--corpus", "mine", "--name", "x"]).parameters["corpus"] == str(tmp_path / "mine")
    assert plan(["-p", "corpus=mine"]).parameters["corpus"] == str(tmp_path / "mine")
    assert plan([]).parameters["corpus"] == str(paths.DATA_DIR)  # the default is the project's own data/
    assert plan(["--reports-dir", "out", "--name", "r1"]).run_dir == tmp_path / "out" / "r1"
    assert plan(["--out", "here"]).run_dir == tmp_path / "here"


def test_a_params_file_resolves_its_corpus_against_its_own_folder(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "study" / "articles").mkdir(parents=True)
    (tmp_path / "study" / "params.yaml").write_text("corpus: articles\noutlets: []\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert plan(["-f", "study/params.yaml"]).parameters["corpus"] == str(tmp_path / "study" / "articles")


def test_column_map_takes_a_preset_or_a_dict_file_in_run_and_check(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "columns.yaml").write_text("body: text\nsource: outlet\n", encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("- a list\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert plan(["--column-map", "abp"]).parameters["column_map"] == "abp"
    assert plan(["--column-map", "columns.yaml"]).parameters["column_map"] == {"body": "text", "source": "outlet"}
    check_args = cli.build_parser().parse_args(["check", str(paths.DATA_DIR), "--column-map", "columns.yaml"])
    assert check_args.column_map == {"body": "text", "source": "outlet"}
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["run", "--column-map", "bad.yaml"])


def test_every_environment_variable_is_listed_in_help_and_readme(capsys: pytest.CaptureFixture[str]) -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in (paths.PROJECT_ROOT / "lib").rglob("*.py"))
    used = set(re.findall(r"\"((?:PRESSLENS|DASK)_[A-Z_]+)\"", source))
    assert {"PRESSLENS_HOME", "PRESSLENS_CACHE", "PRESSLENS_SPACY_MODEL"} <= used
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    shown = capsys.readouterr().out
    readme = (paths.PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert not {name for name in used if name not in shown}, "missing from presslens --help"
    assert not {name for name in used if f"`{name}`" not in readme}, "missing from the README"
