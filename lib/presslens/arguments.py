"""Argument types and shared options of presslens's commands (library code: the CLI and every command use them)."""

from __future__ import annotations

import argparse
from pathlib import Path


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
