"""Set-up: environment.yml (conda) and pyproject.toml (pip) name the same dependencies."""

from __future__ import annotations

import tomllib

import yaml
from packaging.requirements import Requirement

from presslens import paths


def pyproject_requirements() -> set[str]:
    """Runtime and dev requirements of pyproject.toml, normalised."""
    project = tomllib.loads((paths.PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    listed = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    return {str(Requirement(r)) for r in listed}


def conda_pip_requirements() -> set[str]:
    """The pip section of environment.yml (the editable install of presslens itself left out), normalised."""
    environment = yaml.safe_load((paths.PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_section = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict) and "pip" in d)
    return {str(Requirement(r)) for r in pip_section if not r.startswith("-e")}


def test_environment_yml_and_pyproject_name_the_same_dependencies() -> None:
    in_pyproject, in_conda = pyproject_requirements(), conda_pip_requirements()
    assert in_pyproject == in_conda, (
        f"only in pyproject.toml: {sorted(in_pyproject - in_conda)}; only in environment.yml: "
        f"{sorted(in_conda - in_pyproject)}"
    )


def test_lib_is_tracked_despite_the_python_gitignore() -> None:
    ignore = (paths.PROJECT_ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "!lib/presslens/" in ignore
