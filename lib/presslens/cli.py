"""The ``presslens`` command line: ``run`` the report, ``check`` a corpus, ``eval`` and ``train`` the analyses."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from presslens.registry import Command, evaluators, load_analyses, trainers

#: Every environment variable presslens reads, with what it sets (shown by ``presslens --help`` and the README).
ENVIRONMENT = {
    "PRESSLENS_HOME": "the project folder holding data/, notebooks/ and reports/ (default: this checkout)",
    "PRESSLENS_CACHE": "the cache folder for parsed documents (default: PRESSLENS_HOME/.cache)",
    "PRESSLENS_STORE": "the annotation store, a folder or fsspec URL (default: the cache's store/; --store)",
    "PRESSLENS_SHARED": "the shared folder with eval/ gold data and bench/ corpora (default: ../shared)",
    "PRESSLENS_SPACY_MODEL": "the spaCy model package or folder when -p model= is empty",
    "PRESSLENS_ENCODER": "a folder of MiniLM weights to use instead of the installed package",
    "DASK_SCHEDULER_ADDRESS": "a running Dask scheduler for presslens annotate/run (default: a local cluster)",
}


def existing_path(value: str) -> Path:
    """An argparse type: a path that exists, made absolute against the caller's working directory."""
    path = Path(value).expanduser().resolve()
    if not path.exists():
        raise argparse.ArgumentTypeError(f"{value}: no such file or folder")
    return path


def column_map_value(value: str) -> str | dict[str, str]:
    """An argparse type: a column preset name, or a YAML/JSON file mapping source columns to presslens columns."""
    import yaml

    path = Path(value).expanduser()
    if not path.is_file():
        return value
    mapping = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(mapping, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()):
        raise argparse.ArgumentTypeError(f"{value}: expected a mapping of source column: presslens column")
    return mapping


def output_path(value: str) -> Path:
    """An argparse type: a path to write, made absolute against the caller's working directory."""
    return Path(value).expanduser().resolve()


def add_eval_options(parser: argparse.ArgumentParser, *, data_help: str, predictions_help: str) -> None:
    """The options every ``presslens eval`` command shares: --data (required), --predictions and --quiet."""
    parser.add_argument("--data", type=existing_path, required=True, help=data_help)
    parser.add_argument("--predictions", type=output_path, help=predictions_help)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def _add_registry(subparsers: argparse._SubParsersAction, verb: str, registry: object, help_text: str) -> None:
    """Add ``presslens <verb> <name>`` for every command in a registry."""
    group = subparsers.add_parser(verb, help=help_text).add_subparsers(dest="name", required=True)
    for name, command in sorted(registry.get_all().items()):  # type: ignore[attr-defined]
        command: Command
        parser = group.add_parser(name, help=command.help, description=command.help)
        command.add_arguments(parser)
        parser.set_defaults(handler=command.run)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser."""
    from presslens import check, runner, workflow

    load_analyses()
    epilog = "environment variables:\n" + "\n".join(f"  {name:<24}{text}" for name, text in ENVIRONMENT.items())
    parser = argparse.ArgumentParser(prog="presslens", description=__doc__, epilog=epilog,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    subparsers = parser.add_subparsers(dest="verb", required=True)
    run_parser = subparsers.add_parser("run", help="execute every notebook and render the report site")
    runner.add_arguments(run_parser)
    run_parser.set_defaults(handler=runner.run_from_args)
    check_parser = subparsers.add_parser("check", help="load, clean and de-duplicate a corpus; report every record")
    check.add_arguments(check_parser)
    check_parser.set_defaults(handler=check.run)
    annotate_parser = subparsers.add_parser("annotate", help="annotate every article once into the store (Dask)")
    workflow.add_arguments(annotate_parser)
    annotate_parser.set_defaults(handler=workflow.run)
    _add_registry(subparsers, "eval", evaluators, "score an analysis on gold data; prints JSON")
    _add_registry(subparsers, "train", trainers, "train a model artifact and its model card")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``presslens`` console script."""
    args = build_parser().parse_args(argv)
    result = args.handler(args)
    if isinstance(result, dict):
        json.dump(result, sys.stdout, indent=2, sort_keys=True, default=str)
        sys.stdout.write("\n")
        return 0
    return int(result or 0)
