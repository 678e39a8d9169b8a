"""Registries: the CLI's ``eval``/``train`` commands and the per-document annotators of the store."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import catalogue

#: Analysis packages; importing one registers its eval/train commands.
ANALYSES = ("presslens.quotes", "presslens.timeline", "presslens.frames", "presslens.stance")
#: The per-document annotators, one module per analysis; importing one registers it.
ANNOTATOR_MODULES = tuple(f"{package}.annotator" for package in ANALYSES)

#: ``presslens eval <name>``: score an analysis on gold data and return JSON-able numbers.
evaluators = catalogue.create("presslens", "evaluators")
#: ``presslens train <name>``: fit a model artifact and its model card under ``data/models/``.
trainers = catalogue.create("presslens", "trainers")
#: Per-document annotators (Doc -> records), run once per article by ``presslens annotate``.
annotators = catalogue.create("presslens", "annotators")


@dataclass(frozen=True)
class Command:
    """One CLI sub-command: its help line, how it adds its options, and what it runs."""

    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], dict[str, Any]]


@dataclass(frozen=True)
class Annotator:
    """A per-document analysis: a batch of Docs (with article metadata) in, records per table out.

    ``annotate(docs, metas, shared)`` returns ``{table: [record, ...]}``; every record carries ``article_id``.
    ``shared`` is a per-batch dict through which a later annotator reads an earlier one's in-memory results
    (named in ``after``). ``version`` and the contents of ``config_files`` join every article's store key, so
    changing either re-annotates.
    """

    name: str
    version: str
    tables: tuple[str, ...]
    annotate: Callable[[Sequence[Any], Sequence[dict[str, Any]], dict[str, Any]], dict[str, list[dict[str, Any]]]]
    config_files: tuple[Path, ...] = ()
    after: tuple[str, ...] = ()


def load_analyses() -> None:
    """Import every analysis package present and its annotator module, so that all of them register."""
    for name in (*ANALYSES, *ANNOTATOR_MODULES):
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)
