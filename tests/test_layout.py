"""The package's layout rules: the library never imports the CLI, and shared syntax lives in one module."""

from __future__ import annotations

import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import presslens

PACKAGE = Path(presslens.__file__).parent
#: Modules that are the command line itself.
CLI_MODULES = {"presslens.cli", "presslens.__main__"}


def library_modules() -> list[str]:
    """Every module of the package except the command line."""
    found = [info.name for info in pkgutil.walk_packages([str(PACKAGE)], prefix="presslens.")]
    return sorted(name for name in found if name not in CLI_MODULES)


def test_no_library_module_imports_the_cli():
    """Importing every library module (and registering every analysis) leaves presslens.cli unimported."""
    modules = library_modules()
    assert "presslens.quotes.evaluate" in modules and "presslens.syntax" in modules
    code = ("import importlib, sys\n"
            f"for name in {modules!r}:\n"
            "    importlib.import_module(name)\n"
            "from presslens.registry import evaluators, load_analyses\n"
            "load_analyses()\n"
            "assert evaluators.get_all(), 'no evaluator registered'\n"
            "print(sorted(m for m in sys.modules if m in ('presslens.cli', 'presslens.__main__')))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_dependency_label_sets_are_defined_once():
    """SUBJECT_DEPS and its kin are assigned only in presslens.syntax; the analyses import them."""
    assignment = re.compile(r"^(?:NOMINAL_)?SUBJECT_DEPS\s*[:=]", re.MULTILINE)
    defining = sorted(str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                      if assignment.search(path.read_text(encoding="utf-8")))
    assert defining == ["syntax.py"]


def test_tokens_are_compared_by_index_not_identity():
    """spaCy makes a new Token object on each access, so ``token.head is token`` is never true."""
    identity = re.compile(r"\.head is (?:not )?\w+\b")
    offenders = [f"{path.relative_to(PACKAGE)}:{n}" for path in PACKAGE.rglob("*.py")
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if identity.search(line)]
    assert offenders == []
