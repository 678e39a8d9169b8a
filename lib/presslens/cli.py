"""The ``presslens`` command line: ``run`` the report, ``check`` a corpus, ``eval`` and ``train`` the analyses."""

from __future__ import annotations

import argparse
import json
import sys
import zlib
from collections.abc import Sequence
from typing import NoReturn

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


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line plus a hint (exit code 2)."""

    def error(self, message: str) -> NoReturn:
        """Print the error and a pointer to --help, then exit 2."""
        print(f"{self.prog}: error: {message}\n  hint: see '{self.prog} --help'", file=sys.stderr)
        raise SystemExit(2)


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
    parser = OneLineParser(prog="presslens", description=__doc__, epilog=epilog,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--debug", action="store_true", help="show the full traceback of an error")
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


def error_lines(error: BaseException) -> tuple[str, str]:
    """One line saying what is wrong (naming the file, line or field the error names) and a hint."""
    lines = str(error).strip().splitlines() or [type(error).__name__]
    hint = getattr(error, "hint", "") or " ".join(line.strip() for line in lines[1:3])
    if isinstance(error, OSError) and error.filename:
        return f"{error.filename}: {error.strerror or lines[0]}", hint or "check the path and its permissions"
    if isinstance(error, (EOFError, zlib.error)):
        return f"a compressed file ends early or is damaged ({lines[0]})", hint or "recompress or re-download it"
    return lines[0], hint


def is_bad_input(error: BaseException) -> bool:
    """Whether an error comes from the user's input or parameters (exit code 2) rather than from presslens."""
    import yaml

    from presslens.corpus import CorpusError
    from presslens.params import ParameterError

    arrow = getattr(sys.modules.get("pyarrow"), "ArrowException", ())
    return isinstance(error, (CorpusError, ParameterError, yaml.YAMLError, OSError, EOFError, zlib.error,
                              UnicodeError, ValueError, *([arrow] if arrow else [])))


def report_error(verb: str, error: BaseException) -> int:
    """Print an error as one line plus a hint on stderr; the exit code (2: bad input, 1: internal error)."""
    message, hint = error_lines(error)
    bad_input = is_bad_input(error)
    if not bad_input:
        message = f"{type(error).__name__}: {message}"
        hint = hint or "this looks like a presslens bug; rerun with --debug for the traceback and report it"
    print(f"presslens {verb}: error: {message}".replace("  ", " "), file=sys.stderr)
    if hint:
        print(f"  hint: {hint}", file=sys.stderr)
    return 2 if bad_input else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``presslens`` console script: one line per error, tracebacks only with --debug."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    argv = [argv[0], *(word for word in argv[1:] if word != "--debug")] if argv else argv  # --debug anywhere
    verb = next((word for word in argv if not word.startswith("-")), "")
    try:
        args = build_parser().parse_args(argv)
        result = args.handler(args)
    except KeyboardInterrupt:
        if debug:
            raise
        print(f"presslens {verb}: interrupted (Ctrl-C); outputs of this command may be incomplete", file=sys.stderr)
        return 130
    except Exception as error:  # every error reaches the user as one line; --debug shows the traceback
        if debug:
            raise
        return report_error(verb, error)
    if isinstance(result, dict):
        json.dump(result, sys.stdout, indent=2, sort_keys=True, default=str)
        sys.stdout.write("\n")
        return 0
    return int(result or 0)
