"""The report site's index page and run manifest: what ran, on what, with which versions."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import jinja2
import nbformat

from presslens import paths
from presslens.nlp import model_meta

TEMPLATE = Path(__file__).parent / "resources" / "index.html.j2"
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

    @classmethod
    def from_executed(cls, executed: Path, html: Path) -> "NotebookEntry":
        """Read title (the first ``# `` line) and summary (the paragraph after it) from the first markdown cell."""
        notebook = nbformat.read(executed, as_version=4)
        first_markdown = next((c.source for c in notebook.cells if c.cell_type == "markdown"), "")
        lines = first_markdown.strip().splitlines()
        title = next((line[2:].strip() for line in lines if line.startswith("# ")), executed.stem)
        body = "\n".join(line for line in lines if not line.startswith("#")).strip()
        summary = body.split("\n\n")[0].replace("\n", " ")
        return cls(executed.stem, title, summary, html, executed)


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
    """Write ``run.json`` and ``index.html`` listing notebooks, tables, figures and the run manifest."""
    manifest = run_manifest(parameters)
    (run_dir / "run.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    template = jinja2.Template(TEMPLATE.read_text(encoding="utf-8"), autoescape=True)
    html = template.render(
        run=run_dir.name,
        notebooks=[{**entry.__dict__, "html": entry.html.relative_to(run_dir).as_posix(),
                    "executed": entry.executed.relative_to(run_dir).as_posix()} for entry in entries],
        tables=sorted(p.relative_to(run_dir).as_posix() for p in (run_dir / "tables").glob("*.csv")),
        figures=sorted(p.relative_to(run_dir).as_posix() for p in (run_dir / "figures").glob("*.png")),
        manifest=manifest,
        manifest_json=json.dumps(manifest, indent=2, sort_keys=True),
    )
    index = run_dir / "index.html"
    index.write_text(html, encoding="utf-8")
    return index
