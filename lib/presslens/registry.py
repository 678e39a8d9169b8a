"""Registries of the CLI's analysis commands: each analysis registers its ``eval`` and ``train`` here."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import catalogue

#: ``presslens eval <name>``: score an analysis on gold data and return JSON-able numbers.
evaluators = catalogue.create("presslens", "evaluators")
#: ``presslens train <name>``: fit a model artifact and its model card under ``data/models/``.
trainers = catalogue.create("presslens", "trainers")


@dataclass(frozen=True)
class Command:
    """One CLI sub-command: its help line, how it adds its options, and what it runs."""

    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], dict[str, Any]]
