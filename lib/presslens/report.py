"""The report site's index page and run manifest: what ran, on what, with which versions."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import jinja2
import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor

from presslens import paths
from presslens.findings import write_findings
from presslens.nlp import model_meta

RESOURCES = Path(__file__).parent / "resources"
TEMPLATE = RESOURCES / "index.html.j2"
#: Cells left out of the reader's HTML: both parameter cells and cells tagged ``remove-cell``.
REMOVED_CELL_TAGS = {"parameters", "injected-parameters", "remove-cell"}
#: Output types a reader never needs: interactive widgets (progress bars) that a static page cannot show.
WIDGET_MIMETYPE = "application/vnd.jupyter.widget-view+json"
#: Packages whose versions every run records.
RECORDED_PACKAGES = ("presslens", "spacy", "textblob", "pandas", "numpy", "scikit-learn", "matplotlib",
                     "papermill", "nbconvert", "rapidfuzz", "trafilatura", "python-dateutil")


@dataclass(frozen=True)
class NotebookEntry:
    """One executed notebook as the index lists it."""

    name: str
    title: str
    summary: str
    html: Path
    executed: Path
    figures: tuple[Path, ...] = ()

    @classmethod
    def from_executed(cls, executed: Path, html: Path, figures: Sequence[Path] = ()) -> "NotebookEntry":
        """Read title (the first ``# `` line) and summary (the paragraph after it) from the first markdown cell."""
        notebook = nbformat.read(executed, as_version=4)
        first_markdown = next((c.source for c in notebook.cells if c.cell_type == "markdown"), "")
        lines = first_markdown.strip().splitlines()
        title = next((line[2:].strip() for line in lines if line.startswith("# ")), executed.stem)
        body = "\n".join(line for line in lines if not line.startswith("#")).strip()
        summary = body.split("\n\n")[0].replace("\n", " ")
        return cls(executed.stem, title, summary, html, executed, tuple(figures))


def for_readers(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop stderr output (warnings, progress bars) and widget output from every code cell, in place."""
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.outputs:
            if output.output_type == "stream" and output.get("name") == "stderr":
                continue
            if output.output_type in {"display_data", "execute_result"}:
                output.data.pop(WIDGET_MIMETYPE, None)
                if not output.data:
                    continue
            kept.append(output)
        cell.outputs = kept
    return notebook


def render_notebook(executed: Path, html_dir: Path) -> Path:
    """Render an executed notebook as a reader's page: no parameter cells, no stderr, code behind a toggle."""
    exporter = HTMLExporter(template_name="presslens", extra_template_basedirs=[str(RESOURCES / "nbconvert")],
                            embed_images=True, exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags=REMOVED_CELL_TAGS, remove_input_tags={"remove-input"}, enabled=True),
        True)
    body, _ = exporter.from_notebook_node(for_readers(nbformat.read(executed, as_version=4)))
    html_dir.mkdir(parents=True, exist_ok=True)
    target = html_dir / f"{executed.stem}.html"
    target.write_text(body, encoding="utf-8")
    return target


def git_commit() -> str:
    """The checkout's commit, with ``+dirty`` when there are uncommitted changes; "unknown" outside git."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(paths.PROJECT_ROOT), *args], capture_output=True, text=True,
                              check=True).stdout.strip()
    try:
        return git("rev-parse", "HEAD") + ("+dirty" if git("status", "--porcelain", "--untracked-files=no") else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def package_versions() -> dict[str, str]:
    """Installed versions of the recorded packages."""
    versions = {}
    for name in RECORDED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def corpus_hash(corpus: Path) -> str:
    """SHA-256 over a corpus file, or over every file's relative path and bytes in a corpus folder."""
    digest = hashlib.sha256()
    files = [corpus] if corpus.is_file() else sorted(p for p in corpus.rglob("*") if p.is_file())
    for file in files:
        digest.update(str(file.relative_to(corpus.parent if corpus.is_file() else corpus)).encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


def run_manifest(parameters: dict[str, Any]) -> dict[str, Any]:
    """What a reader needs to reproduce a run."""
    meta = model_meta(parameters.get("model") or None)
    return {
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        "packages": package_versions(),
        "model": {"name": f"{meta.get('lang')}_{meta.get('name')}", "version": meta.get("version")},
        "corpus_sha256": corpus_hash(Path(parameters["corpus"])),
        "parameters": parameters,
    }


def write_index(run_dir: Path, entries: list[NotebookEntry], parameters: dict[str, Any]) -> Path:
    """Write ``run.json``, ``findings.html`` and ``index.html`` (findings, notebooks with their figures, tables)."""
    manifest = run_manifest(parameters)
    (run_dir / "run.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    findings = write_findings(run_dir)
    template = jinja2.Template(TEMPLATE.read_text(encoding="utf-8"), autoescape=True)
    html = template.render(
        run=run_dir.name,
        findings=findings.relative_to(run_dir).as_posix(),
        notebooks=[{**entry.__dict__, "html": entry.html.relative_to(run_dir).as_posix(),
                    "executed": entry.executed.relative_to(run_dir).as_posix(),
                    "figures": [p.relative_to(run_dir).as_posix() for p in entry.figures]} for entry in entries],
        tables=sorted(p.relative_to(run_dir).as_posix() for p in (run_dir / "tables").glob("*.csv")),
        manifest=manifest,
        manifest_json=json.dumps(manifest, indent=2, sort_keys=True),
    )
    index = run_dir / "index.html"
    index.write_text(html, encoding="utf-8")
    return index
