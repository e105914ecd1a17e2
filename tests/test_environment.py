"""environment.yml (conda users) lists the same dependencies as pyproject.toml."""

from __future__ import annotations

import re
import tomllib

import yaml


def _name(spec: str) -> str:
    return re.split(r"[<>=!~ \[]", spec, maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_matches_pyproject(root):
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    wanted = set(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        wanted |= set(extra)
    env = yaml.safe_load((root / "environment.yml").read_text())
    conda = {d for d in env["dependencies"] if isinstance(d, str) and not d.startswith(("python", "pip"))}
    assert {s.replace(" ", "") for s in conda} == {s.replace(" ", "") for s in wanted}
    assert {_name(s) for s in conda} == {_name(s) for s in wanted}


def test_core_stack_is_declared(root):
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    names = {_name(s) for s in project["dependencies"]} | {_name(s) for x in project["optional-dependencies"].values() for s in x}
    assert {"jupyterlab", "pandas", "statsmodels", "altair", "papermill"} <= names
