"""``presslens run``: execute every notebook with papermill, render HTML, and write the report site."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import papermill

from presslens import params, paths
from presslens.report import NotebookEntry, render_notebook, write_index

KERNEL = "presslens"
#: A hidden cell the runner adds after the parameters cell: tables render for readers (rounded, interactive).
SETUP_CELL = "from presslens.tabledisplay import use_interactive_tables\nuse_interactive_tables()"
#: Parameters every notebook may declare; each notebook receives only those it declares.
DEFAULT_PARAMETERS: dict[str, Any] = {"corpus": "data", "outlets": [], "date_from": "", "date_to": "", "model": ""}


class NotebookFailed(RuntimeError):
    """A notebook raised an error; the message names the notebook, the cell and the error."""


@dataclass(frozen=True)
class RunPlan:
    """What one run executes: the notebooks, the parameters, and where the outputs go."""

    notebooks: list[Path]
    parameters: dict[str, Any]
    run_dir: Path


def notebook_paths(folder: Path = paths.NOTEBOOK_DIR) -> list[Path]:
    """The numbered notebooks ``NN-*.ipynb`` of a folder, in order."""
    return sorted(folder.glob("[0-9][0-9]-*.ipynb"))


def plain(value: Any) -> Any:
    """A parameter value as a notebook literal: YAML dates become ISO strings."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def parse_override(text: str) -> tuple[str, Any]:
    """Split a ``key=value`` override; the value is read as YAML (so lists, numbers and strings work)."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"-p {text!r}: write parameters as key=value, e.g. -p 'outlets=[Outlet A, Outlet B]'")
    return key.strip(), plain(params.read_value(key.strip(), value)) if value.strip() else ""


def resolve_against(value: str | Path, base: Path) -> str:
    """A path typed by a user as an absolute path string: relative paths resolve against ``base``."""
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else (base / path).resolve())


def collect_parameters(params_file: Path | None, overrides: list[tuple[str, Any]], corpus: Path | None = None,
                       column_map: str | dict[str, str] | None = None) -> dict[str, Any]:
    """Defaults, then the YAML file, then ``-p`` overrides, then ``--corpus`` / ``--column-map``.

    A relative corpus path resolves against the folder of the file that names it, the working directory when it
    was typed on the command line, and the project root for the default (the project's own ``data/``).
    """
    parameters = dict(DEFAULT_PARAMETERS)
    base = paths.PROJECT_ROOT
    if params_file:
        loaded = params.read_file(params_file)
        parameters.update({key: plain(value) for key, value in loaded.items()})
        base = params_file.parent if "corpus" in loaded else base
    given = dict(overrides)
    parameters.update(given)
    base = Path.cwd() if "corpus" in given else base
    if corpus is not None:
        parameters["corpus"], base = str(corpus), Path.cwd()
    if column_map is not None:
        parameters["column_map"] = column_map
    parameters["corpus"] = resolve_against(parameters["corpus"], base)
    return parameters


def declared_parameters(notebook: Path) -> set[str]:
    """Names assigned in a notebook's ``parameters`` cell."""
    return set(papermill.inspect_notebook(str(notebook)).keys())


def with_setup_cell(notebook: Path) -> nbformat.NotebookNode:
    """The notebook with the runner's hidden display set-up cell inserted after its parameters cell."""
    node = nbformat.read(notebook, as_version=4)
    position = next((i + 1 for i, cell in enumerate(node.cells) if "parameters" in cell.metadata.get("tags", [])), 0)
    setup = nbformat.v4.new_code_cell(SETUP_CELL, metadata={"tags": ["remove-input", "presslens-setup"]})
    node.cells.insert(position, setup)
    return node


def execute(notebook: Path, plan: RunPlan, progress: bool) -> Path:
    """Run one notebook with the parameters it declares; raise NotebookFailed naming cell and error."""
    executed = plan.run_dir / "executed" / notebook.name
    executed.parent.mkdir(parents=True, exist_ok=True)
    given = {**plan.parameters, "output_dir": str(plan.run_dir)}
    wanted = {key: value for key, value in given.items() if key in declared_parameters(notebook)}
    try:
        papermill.execute_notebook(
            with_setup_cell(notebook), str(executed), parameters=wanted, kernel_name=KERNEL,
            cwd=str(paths.NOTEBOOK_DIR), progress_bar=progress,
        )
    except papermill.PapermillExecutionError as error:
        raise NotebookFailed(
            f"{notebook.name} failed in cell {error.cell_index + 1} (execution count {error.exec_count}): "
            f"{error.ename}: {error.evalue}\nThe partly executed notebook is kept at {executed}."
        ) from error
    return executed


def render_html(executed: Path, html_dir: Path) -> Path:
    """Render an executed notebook as the reader's HTML page (see ``report.render_notebook``)."""
    return render_notebook(executed, html_dir)


def figure_stamps(run_dir: Path) -> dict[Path, int]:
    """Modification times (ns) of the run's saved figures, to tell which figures a notebook wrote."""
    return {path: path.stat().st_mtime_ns for path in (run_dir / "figures").glob("*.png")}


def point_latest(run_dir: Path) -> None:
    """Make ``reports/latest`` a relative symlink to the newest run."""
    latest = run_dir.parent / "latest"
    if latest.is_symlink() or latest.exists():
        latest.unlink()
    latest.symlink_to(run_dir.name, target_is_directory=True)


def annotate_first(plan: RunPlan, store: str | None, scheduler: str | None, workers: int | None,
                   progress: bool) -> None:
    """Prepare and annotate the corpus once, in this process (progress in the terminal); notebooks then read it.

    The store's location reaches the notebooks' kernels through $PRESSLENS_STORE.
    """
    from presslens.store import STORE_ENV, AnnotationStore
    from presslens.workflow import prepare

    where = AnnotationStore(store or None)
    os.environ[STORE_ENV] = where.location
    given = plan.parameters
    study = prepare(given["corpus"], outlets=given.get("outlets") or (), date_from=given.get("date_from") or "",
                    date_to=given.get("date_to") or "", model=given.get("model") or None,
                    column_map=given.get("column_map") or None, store=where.location, scheduler=scheduler,
                    workers=workers, progress=progress)
    print(f"presslens run: {study.annotation.line() if study.annotation else ''}; store {where.location}",
          file=sys.stderr, flush=True)


def run_report(plan: RunPlan, *, progress: bool = True) -> Path:
    """Execute and render every notebook of the plan, then write the index; returns the index path."""
    entries = []
    for notebook in plan.notebooks:
        print(f"presslens run: executing {notebook.name}", file=sys.stderr, flush=True)
        before = figure_stamps(plan.run_dir)
        executed = execute(notebook, plan, progress)
        saved = sorted(path for path, stamp in figure_stamps(plan.run_dir).items() if before.get(path) != stamp)
        entries.append(NotebookEntry.from_executed(executed, render_html(executed, plan.run_dir / "html"), saved))
    index = write_index(plan.run_dir, entries, plan.parameters)
    if plan.run_dir.parent == paths.REPORTS_DIR:
        point_latest(plan.run_dir)
    return index


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``presslens run``."""
    parser.add_argument("-f", "--params", type=Path, help="YAML file of parameters (e.g. params.yaml)")
    parser.add_argument("-p", "--param", dest="overrides", action="append", type=parse_override, default=[],
                        metavar="KEY=VALUE", help="override one parameter (repeatable), value read as YAML")
    from presslens.arguments import column_map_value, existing_path, output_path

    parser.add_argument("--corpus", type=existing_path,
                        help="the corpus: a manifest folder, a CSV/JSONL/Parquet file or a folder of .txt/.html "
                        "(overrides -f/-p; relative to the working directory; default: the project's data/)")
    parser.add_argument("--column-map", type=column_map_value, metavar="PRESET|FILE",
                        help="map the corpus's column names: a preset of data/rules/column_presets.yaml (e.g. abp) "
                        "or a YAML/JSON file of source column: presslens column (as in presslens check)")
    parser.add_argument("--name", help="run name (default: the current UTC time, e.g. 20241128-093000)")
    parser.add_argument("--reports-dir", type=output_path, default=paths.REPORTS_DIR,
                        help="folder that holds the runs, each in REPORTS_DIR/NAME (default: the project's reports/; "
                        "reports/latest points at the newest run there)")
    parser.add_argument("--out", type=output_path, help="write this run into OUT itself instead of REPORTS_DIR/NAME")
    parser.add_argument("--notebooks", nargs="*", help="only these notebooks (file names), in order")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    add_store_arguments(parser)


def add_store_arguments(parser: argparse.ArgumentParser) -> None:
    """The annotation-store options ``presslens run`` and ``presslens annotate`` share."""
    parser.add_argument("--store", help="annotation store: a folder or an fsspec URL the workers share "
                        "(default: $PRESSLENS_STORE, else .cache/store)")
    parser.add_argument("--scheduler", help="address of a running Dask scheduler, e.g. tcp://host:8786 "
                        "(default: $DASK_SCHEDULER_ADDRESS, else a local cluster)")
    parser.add_argument("--workers", type=int, default=None,
                        help="local Dask workers (default: up to 4, one per core); 0 annotates in this process")


def plan_from_args(args: argparse.Namespace) -> RunPlan:
    """Turn the command-line options into a RunPlan."""
    notebooks = notebook_paths()
    if args.notebooks:
        unknown = set(args.notebooks) - {nb.name for nb in notebooks}
        if unknown:
            raise SystemExit(f"presslens run: no such notebook(s) {sorted(unknown)} in {paths.NOTEBOOK_DIR}")
        notebooks = [nb for nb in notebooks if nb.name in args.notebooks]
    params_file = args.params.resolve() if args.params else None
    name = args.name or dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    parameters = params.validate(collect_parameters(params_file, args.overrides, args.corpus, args.column_map),
                                 notebooks)
    return RunPlan(notebooks, parameters, args.out or args.reports_dir / name)


def run_from_args(args: argparse.Namespace) -> int:
    """Run the report from parsed options; exit status 1 with the failing notebook named."""
    plan = plan_from_args(args)
    for stale in ("FAILED.txt", "index.html"):  # from an earlier run under the same name
        (plan.run_dir / stale).unlink(missing_ok=True)
    try:
        annotate_first(plan, args.store, args.scheduler, args.workers, progress=not args.no_progress)
        index = run_report(plan, progress=not args.no_progress)
    except NotebookFailed as failure:
        (plan.run_dir / "FAILED.txt").write_text(f"{failure}\n", encoding="utf-8")
        print(f"presslens run: FAILED. {failure}\nNo index was written for this run.", file=sys.stderr)
        return 1
    print(f"presslens run: report written to {index}", file=sys.stderr)
    return 0
