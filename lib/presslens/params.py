"""Parameters of ``presslens run``, checked before any notebook runs.

Names must be declared by a notebook's ``parameters`` cell (read with papermill); an unknown name is an error
that suggests the closest declared one. Values are checked and normalised: ``corpus`` must exist, ``outlets``
is a list (a bare string becomes a one-item list), ``date_from``/``date_to`` are ISO dates (``YYYY``,
``YYYY-MM`` or ``YYYY-MM-DD``; a partial date means its whole period, so ``date_to: 2020`` keeps 2020),
``model`` is an installed spaCy package or a folder, and every other parameter takes the type of its default
in the notebook. Each error names the parameter and the value.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import papermill
import yaml

from presslens import paths
from presslens.pubdates import ISO_PARTS, parse_components

#: Parameters the runner sets itself; a user value is refused.
RUNNER_SET = {"output_dir": "the run folder is chosen with --reports-dir and --name"}
#: Parameters the runner passes on without a notebook declaring them (checked where they are used).
PASSED_ON = {"column_map"}


class ParameterError(argparse.ArgumentTypeError, ValueError):
    """A parameter name or value that cannot be used; ``hint`` says how to fix it.

    (An ArgumentTypeError too, so that argparse shows the message of a bad ``-p`` value as it is.)
    """

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


def yaml_position(error: yaml.YAMLError) -> str:
    """' at line L, column C' of a YAML error ('' when unknown), and its problem."""
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    return f"{problem} at line {mark.line + 1}, column {mark.column + 1}" if mark else problem


def read_value(name: str, text: str) -> Any:
    """A ``-p name=value`` value read as YAML (lists, numbers, strings); ParameterError naming the parameter."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ParameterError(f"-p {name}={text}: the value is not valid YAML ({yaml_position(error)})",
                             hint=f"quote it (-p {name}='\"{text}\"') or write a list as [a, b]") from error
    except ValueError as error:  # YAML read it as a date that does not exist
        raise ParameterError(f"{name}={text!r}: not an ISO date ({error})", hint="write YYYY-MM-DD") from error


def read_file(path: Path) -> dict[str, Any]:
    """The parameters of a YAML file; ParameterError naming the file, line and column of a problem."""
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ParameterError(f"{path}: cannot read the parameters file ({error.strerror})") from error
    except UnicodeDecodeError as error:
        raise ParameterError(f"{path}: the parameters file is not UTF-8 text", hint="save it as UTF-8") from error
    except yaml.YAMLError as error:
        raise ParameterError(f"{path}: not valid YAML: {yaml_position(error)}",
                             hint="write one 'name: value' per line, e.g. date_from: 2024-01-01") from error
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ParameterError(f"{path}: expected a mapping of parameter: value, got a {type(loaded).__name__}",
                             hint="write one 'name: value' per line")
    return loaded


def declared(notebooks: Iterable[Path]) -> dict[str, Any]:
    """Every parameter the notebooks declare, with its default value (the first notebook's)."""
    found: dict[str, Any] = {}
    for notebook in notebooks:
        for name, spec in papermill.inspect_notebook(str(notebook)).items():
            if name not in found:
                try:
                    found[name] = ast.literal_eval(spec["default"])
                except (ValueError, SyntaxError):
                    found[name] = None
    return found


def closest(name: str, known: Iterable[str]) -> str:
    """A 'did you mean' hint for an unknown parameter name."""
    match = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.5)
    listed = ", ".join(sorted(known))
    return f"did you mean {match[0]!r}? known parameters: {listed}" if match else f"known parameters: {listed}"


def check_corpus(value: Any) -> str:
    """The corpus path made absolute; it must exist."""
    if not isinstance(value, (str, os.PathLike)) or not str(value).strip():
        raise ParameterError(f"corpus={value!r}: give the path of a corpus folder or file")
    resolved = paths.resolve(str(value).strip())
    if not resolved.exists():
        raise ParameterError(f"corpus={value!r}: no such file or folder ({resolved})",
                             hint="relative paths start at the project folder")
    return str(resolved)


def check_outlets(value: Any) -> list[str]:
    """The outlets as a list of names: a bare name becomes a one-item list, empty means all outlets."""
    if value is None or value == "":
        return []
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return [str(value).strip()]
    if isinstance(value, list) and all(isinstance(item, (str, int, float)) for item in value):
        return [str(item).strip() for item in value]
    raise ParameterError(f"outlets={value!r}: give a list of outlet names", hint='e.g. -p outlets="[Outlet A, B]"')


def check_date(name: str, value: Any) -> str:
    """An ISO date (YYYY, YYYY-MM or YYYY-MM-DD) as the first (date_from) or last (date_to) day of its period."""
    if value is None or value == "":
        return ""
    text = str(value).strip()
    components = parse_components(text) if isinstance(value, (str, int)) and not isinstance(value, bool) else None
    if components is None or not text[:4].isdigit() or not set(text) <= set("0123456789-"):
        raise ParameterError(f"{name}={value!r}: not an ISO date", hint="write YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = components
    precision = "day" if day else "month" if month else "year"
    period = pd.Period("-".join([f"{year:04d}", f"{month or 1:02d}", f"{day or 1:02d}"][: ISO_PARTS[precision]]),
                       freq={"day": "D", "month": "M", "year": "Y"}[precision])
    return (period.end_time if name == "date_to" else period.start_time).date().isoformat()


def check_model(value: Any) -> str:
    """A spaCy model: '' (the default), an installed package name, or an existing folder."""
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise ParameterError(f"model={value!r}: give a spaCy package name or a model folder")
    import spacy.util

    folder = paths.resolve(value)
    looks_like_path = any(mark in value for mark in ("/", "\\", "~")) or value.startswith(".")
    if folder.is_dir():
        return str(folder)
    if not looks_like_path and spacy.util.is_package(value):
        return value
    what = "no such model folder" if looks_like_path else "not an installed spaCy package nor a folder"
    raise ParameterError(f"model={value!r}: {what}", hint="install the package, give an existing folder, or leave "
                         "it empty for the default model")


def check_typed(name: str, value: Any, default: Any) -> Any:
    """A notebook-specific parameter, checked against the type of its default."""
    if default is None or value is None:
        return value
    if isinstance(default, bool) or isinstance(value, bool):
        if isinstance(default, bool) and isinstance(value, bool):
            return value
    elif isinstance(default, float) and isinstance(value, (int, float)):
        return float(value)
    elif isinstance(default, int) and isinstance(value, int):
        return value
    elif isinstance(default, str) and isinstance(value, (str, int, float)):
        return str(value)
    elif isinstance(default, list):
        return value if isinstance(value, list) else [value]
    elif isinstance(value, type(default)):
        return value
    raise ParameterError(f"{name}={value!r}: expected a {type(default).__name__} like the default {default!r}")


def validate(parameters: Mapping[str, Any], notebooks: Iterable[Path]) -> dict[str, Any]:
    """Check names and values of the run's parameters against the notebooks; the normalised parameters."""
    defaults = declared(notebooks)
    checked: dict[str, Any] = {}
    for name, value in parameters.items():
        if name in PASSED_ON:
            checked[name] = value
            continue
        if name in RUNNER_SET:
            raise ParameterError(f"{name}={value!r}: set by presslens run itself", hint=RUNNER_SET[name])
        if name not in defaults:
            raise ParameterError(f"unknown parameter {name!r} (value {value!r}): no notebook declares it",
                                 hint=closest(name, set(defaults) - set(RUNNER_SET)))
        if name == "corpus":
            checked[name] = check_corpus(value)
        elif name == "outlets":
            checked[name] = check_outlets(value)
        elif name in ("date_from", "date_to"):
            checked[name] = check_date(name, value)
        elif name == "model":
            checked[name] = check_model(value)
        else:
            checked[name] = check_typed(name, value, defaults[name])
    if checked.get("date_from") and checked.get("date_to") and checked["date_from"] > checked["date_to"]:
        raise ParameterError(f"date_from={checked['date_from']} is after date_to={checked['date_to']}",
                             hint="swap them")
    return checked
