"""environment.yml (conda users) lists the same dependencies as pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

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
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    conda |= {d for d in pip if not d.startswith("-e")}  # what conda cannot spell (extras) is installed by pip
    assert {s.replace(" ", "") for s in conda} == {s.replace(" ", "") for s in wanted}
    assert {_name(s) for s in conda} == {_name(s) for s in wanted}


def test_core_stack_is_declared(root):
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    names = {_name(s) for s in project["dependencies"]} | {_name(s) for x in project["optional-dependencies"].values() for s in x}
    assert {"jupyterlab", "pandas", "statsmodels", "altair", "papermill"} <= names


def test_lab_has_its_own_environment_and_runs_as_root(monkeypatch):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import tasks

    monkeypatch.setattr(tasks.os, "geteuid", lambda: 0)
    command = tasks.lab_command([])
    assert command[0].startswith(str(tasks.LAB_VENV)) and "--allow-root" in command
    monkeypatch.setattr(tasks.os, "geteuid", lambda: 1000)
    assert "--allow-root" not in tasks.lab_command([])
    assert tasks.LAB_VENV != tasks.VENV


def test_nbconvert_finds_the_carepay_template_by_name(tmp_path):
    """`jupyter nbconvert --template carepay` works without extra flags in the environment tasks.py installs."""
    import subprocess
    import sys

    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# hello")])
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    jupyter = Path(sys.executable).parent / "jupyter"
    out = subprocess.run(
        [str(jupyter), "nbconvert", "--to", "html", "--template", "carepay", str(path)], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-2000:]
    page = (tmp_path / "n.html").read_text(encoding="utf-8")
    assert "<script" not in page and "hello" in page
