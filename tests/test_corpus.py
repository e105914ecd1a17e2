"""The corpus of bad inputs: each case with the message it must produce, run through the real entry point
(`carepay params`), so what once was fixed stays fixed. tests/corpus/*.yaml holds the cases."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

CORPUS = Path(__file__).resolve().parent / "corpus"
SCENARIOS = yaml.safe_load((CORPUS / "bad_scenarios.yaml").read_text(encoding="utf-8"))
EXTRACTS = yaml.safe_load((CORPUS / "bad_extracts.yaml").read_text(encoding="utf-8"))
DATA = yaml.safe_load((CORPUS / "bad_data.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", SCENARIOS, ids=[f"{c['notebook']}-{i}" for i, c in enumerate(SCENARIOS)])
def test_bad_scenario_file(case, project, capsys):
    from carepay import cli

    header = "title: t\ndescription: d\n" if case.get("header", True) else ""
    (project / "params" / case["notebook"] / "bad.yaml").write_text(header + case["text"], encoding="utf-8")
    code = cli.main(["params", case["notebook"]])
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == 2, text
    invalid = [line for line in text.splitlines() if "bad.yaml" in line] + text.split("bad.yaml", 1)[1:]
    assert invalid and case["expect"] in text, f"expected {case['expect']!r} in:\n{text}"
    assert "Traceback" not in text


@pytest.mark.parametrize("case", EXTRACTS, ids=[f"{c['notebook']}-{i}" for i, c in enumerate(EXTRACTS)])
def test_bad_extract(case, project, capsys):
    from carepay import cli

    months = "".join(case.get("row", "").format(month=f"2018-{m:02d}") + "\n" for m in range(1, 13))
    (project / "x.csv").write_text(case["csv"].replace("{months}", months), encoding="utf-8")
    (project / "params" / case["notebook"] / "bad.yaml").write_text(
        "title: t\ndescription: d\n" + case["scenario"], encoding="utf-8"
    )
    code = cli.main(["params", case["notebook"]])
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == 2 and case["expect"] in text, f"expected {case['expect']!r} in:\n{text}"
    assert "Traceback" not in text


@pytest.mark.parametrize("case", DATA, ids=[f"{c['file'].split('/')[0]}-{i}" for i, c in enumerate(DATA)])
def test_bad_data_package(case, project, capsys):
    from carepay import cli

    path = project / "data" / case["file"]
    text = path.read_text(encoding="utf-8")
    if case["old"]:
        assert case["old"] in text, f"the corpus case no longer matches {case['file']}"
        text = text.replace(case["old"], case["new"], 1)
    else:
        text = case["new"]
    path.write_text(text, encoding="utf-8")
    code = cli.main(["check-data"])
    out = capsys.readouterr()
    message = out.out + out.err
    assert code == 2 and case["expect"] in message, f"expected {case['expect']!r} in:\n{message}"
    assert "Traceback" not in message


ACCEPTED = yaml.safe_load((CORPUS / "accepted.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", ACCEPTED, ids=[f"{c['kind']}-{i}" for i, c in enumerate(ACCEPTED)])
def test_accepted_by_design(case, project, capsys):
    from carepay import cli

    assert case["why"]
    header = case.get("header", "title: t\ndescription: d\n")
    scenario = case.get("text", "")
    if case["kind"] == "extract":
        months = "".join(case["row"].format(month=f"2018-{m:02d}") + "\n" for m in range(1, 13))
        (project / "x.csv").write_text(case["csv"].replace("{months}", months), encoding="utf-8", newline="")
        scenario = "population: {source: extract, extract_file: x.csv}\n"
    (project / "params" / case["notebook"] / "odd.yaml").write_text(header + scenario, encoding="utf-8")
    code = cli.main(["params", case["notebook"]])
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == 0 and "odd.yaml" in text and "INVALID" not in text, text
