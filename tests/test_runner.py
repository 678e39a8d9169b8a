"""`presslens run`: every notebook runs on the seed corpus, reruns are byte-identical, failures are named."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from presslens import cli, runner

NOTEBOOKS = runner.notebook_paths()


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two full runs of every notebook on the seed corpus, named first and second."""
    folder = tmp_path_factory.mktemp("reports")
    for name in ("first", "second"):
        status = cli.main(["run", "-f", str(runner.paths.PROJECT_ROOT / "params.yaml"),
                           "--reports-dir", str(folder), "--name", name, "--no-progress"])
        assert status == 0, f"run {name} failed"
    return folder


def test_there_are_numbered_notebooks_each_with_one_literal_parameters_cell() -> None:
    assert NOTEBOOKS[0].name == "00-corpus.ipynb"
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, f"{path.name}: expected one cell tagged parameters"
        assert runner.declared_parameters(path) >= {"corpus", "output_dir"}, path.name
        assert not any(c.get("outputs") for c in notebook.cells if c.cell_type == "code"), f"{path.name} has outputs"


def test_every_notebook_executes_and_is_rendered_and_indexed(reports: Path) -> None:
    run = reports / "first"
    index = (run / "index.html").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        executed = nbformat.read(run / "executed" / path.name, as_version=4)
        errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
        assert not errors, f"{path.name}: {errors[:1]}"
        assert (run / "html" / f"{path.stem}.html").stat().st_size > 10_000
        assert f"html/{path.stem}.html" in index
    assert "tables/load_report.csv" in index and "figures/corpus_dates.png" in index


def test_run_manifest_records_what_is_needed_to_reproduce(reports: Path) -> None:
    manifest = json.loads((reports / "first" / "run.json").read_text(encoding="utf-8"))
    assert manifest["model"]["name"] == "en_core_web_sm"
    assert len(manifest["corpus_sha256"]) == 64 and manifest["git_commit"]
    assert {"spacy", "pandas", "presslens"} <= set(manifest["packages"])
    assert manifest["parameters"]["corpus"].endswith("data")


def test_reruns_give_byte_identical_tables(reports: Path) -> None:
    first = sorted((reports / "first" / "tables").glob("*.csv"))
    assert len(first) >= 8
    for table in first:
        twin = reports / "second" / "tables" / table.name
        assert table.read_bytes() == twin.read_bytes(), f"{table.name} differs between identical runs"


def test_load_report_accounts_for_every_seed_article(reports: Path) -> None:
    load_report = pd.read_csv(reports / "first" / "tables" / "load_report.csv")
    assert list(load_report.columns[:4]) == ["record", "id", "status", "reason"]
    assert sorted(load_report["id"]) == sorted(pd.read_csv(runner.paths.MANIFEST)["id"])


def test_parameters_select_outlets(tmp_path: Path) -> None:
    status = cli.main(["run", "--reports-dir", str(tmp_path), "--name", "one", "--no-progress",
                       "--notebooks", "00-corpus.ipynb", "-p", "outlets=[Otenge, Politics Today]"])
    assert status == 0
    outlets = pd.read_csv(tmp_path / "one" / "tables" / "corpus_outlets.csv")
    assert sorted(outlets["outlet"]) == ["Otenge", "Politics Today"]
    selection = pd.read_csv(tmp_path / "one" / "tables" / "selection.csv")
    assert selection["selected"].sum() == 2
    assert selection.loc[~selection["selected"], "reason"].str.contains("not in the selected outlets").all()


def test_a_failing_notebook_is_named_with_its_cell_and_nothing_is_indexed(tmp_path: Path) -> None:
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('corpus = "data"\noutput_dir = ""', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("raise ValueError('the corpus has no outlet column')"),
    ], metadata={"kernelspec": {"name": runner.KERNEL, "display_name": runner.KERNEL, "language": "python"}})
    path = tmp_path / "99-broken.ipynb"
    nbformat.write(notebook, path)
    plan = runner.RunPlan([path], runner.collect_parameters(None, []), tmp_path / "run")
    with pytest.raises(runner.NotebookFailed, match=r"99-broken.ipynb failed in cell \d.*ValueError: the corpus"):
        runner.run_report(plan, progress=False)
    assert (tmp_path / "run" / "executed" / "99-broken.ipynb").exists()
    assert not (tmp_path / "run" / "index.html").exists()


def test_overrides_are_read_as_yaml() -> None:
    assert runner.parse_override("outlets=[Otenge, The Moscow Post]") == ("outlets", ["Otenge", "The Moscow Post"])
    assert runner.parse_override("date_from=2022-01-01") == ("date_from", "2022-01-01")
    with pytest.raises(Exception, match="key=value"):
        runner.parse_override("outlets")
