"""Data packages load, every column has its unit, and bad files get a clear error."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from carepay import sources
from carepay.sources import SourceDataError

PACKAGES = sources.package_names()


def test_four_documents_have_packages():
    assert PACKAGES == [
        "leksand_rattvik_home_care_2010",
        "national_fee_rules",
        "orebro_home_care_2018",
        "stockholm_lss_housing_2023",
        "vasteras_housing_support_2022",
    ]


@pytest.mark.parametrize("name", PACKAGES)
def test_package_loads_with_provenance(name, root):
    pkg = sources.load(name)
    source = root.parent / "shared" / "seeds" / pkg.source_file
    if name == "national_fee_rules":  # national rules, not one of the seed documents
        assert "Socialtjänstlagen" in pkg.descriptor["sources"][0]["title"]
    else:
        assert pkg.descriptor["sources"][0]["path"].startswith("../shared/seeds/")
        if source.parent.exists():
            assert source.exists(), f"{name} names a source document that is not in shared/seeds"
    for resource in pkg.descriptor["resources"]:
        assert resource.get("title") and resource.get("section"), f"{name}/{resource['name']} lacks title or section"
        for field in resource["schema"]["fields"]:
            if field["type"] in ("integer", "number") and field["name"] not in ("level", "value"):
                assert field.get("unit"), f"{name}/{resource['name']}.{field['name']} has no unit"
    files = pkg.files()
    assert len(files) == len(pkg.descriptor["resources"]) + 1
    assert files.sha256.str.len().eq(64).all()


def test_figures_carry_units_and_printed_words():
    for name in PACKAGES:
        fig = sources.load(name).figures
        assert fig.unit.str.len().gt(0).all() and fig.printed.str.len().gt(0).all()


def test_no_personal_data_in_data(root):
    text = " ".join(p.read_text(encoding="utf-8") for p in (root / "data").rglob("*.*"))
    for name in ("Bodlund", "Jedestav", "Jurdell", "Lauri", "@vasteras.se", "08-508"):
        assert name not in text


def test_printed_values_kept_and_corrections_applied_on_request():
    pkg = sources.load("stockholm_lss_housing_2023")
    costs = pkg.table("level_costs").set_index(["system", "housing_form", "level"])
    fixed = pkg.table("level_costs", corrected=True).set_index(["system", "housing_form", "level"])
    assert costs.loc[("proposed", "service_housing", 1), "persons"] == 4  # as printed
    assert fixed.loc[("proposed", "service_housing", 1), "persons"] == 64
    assert fixed.loc[("current", "group_housing", 7), "points_max"] == 110
    assert costs.loc[("current", "group_housing", 7), "points_max"] == 100


def _broken_copy(project: Path, package: str, resource: str, edit) -> Path:
    path = project / "data" / package / f"{resource}.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(edit(lines)) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "edit, expected",
    [
        (
            lambda rows: [rows[0], rows[1].replace("1411", "-3")] + rows[2:],
            ["row 2", "field 'executed_hours'", "'-3'", "minimum 0", "hours"],
        ),
        (lambda rows: [rows[0], rows[1].replace("1411", "14x1")] + rows[2:], ["row 2", "'14x1'", "not a number"]),
        (
            lambda rows: [rows[0], rows[1].replace("vard_och_omsorg", "vard_omsorg")] + rows[2:],
            ["'vard_omsorg'", "not allowed", "one of"],
        ),
        (lambda rows: rows + [rows[1]], ["appears twice", "period, provider"]),
        (lambda rows: [rows[0].replace("executed_hours", "hours")] + rows[1:], ["header", "missing: ['executed_hours']"]),
    ],
)
def test_bad_data_gets_a_clear_error(project, edit, expected):
    _broken_copy(project, "vasteras_housing_support_2022", "executed_hours", edit)
    with pytest.raises(SourceDataError) as err:
        sources.load("vasteras_housing_support_2022")
    message = str(err.value)
    assert "data/vasteras_housing_support_2022/executed_hours.csv" in message
    for part in expected:
        assert part in message


def test_missing_file_and_unknown_package(project):
    (project / "data" / "orebro_home_care_2018" / "figures.csv").unlink()
    with pytest.raises(SourceDataError, match="figures.csv: file not found"):
        sources.load("orebro_home_care_2018")
    with pytest.raises(SourceDataError, match="no data package 'nope'.*packages: leksand"):
        sources.load("nope")


def test_correction_that_no_longer_matches_is_an_error(project):
    path = project / "data" / "stockholm_lss_housing_2023" / "corrections.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("persons,4,64", "persons,5,64"), encoding="utf-8")
    with pytest.raises(SourceDataError, match="printed as '5'"):
        sources.load("stockholm_lss_housing_2023").table("level_costs", corrected=True)


def test_descriptor_is_valid_json_with_frictionless_shape(root):
    for name in PACKAGES:
        d = json.loads((root / "data" / name / "datapackage.json").read_text(encoding="utf-8"))
        assert d["profile"] == "data-package" and d["name"] == name
        for r in d["resources"]:
            assert r["path"].endswith(".csv") and "fields" in r["schema"]


def test_first_duplicate_finds_the_first_repeated_key():
    from carepay.sources import first_duplicate

    table = pd.DataFrame({"id": ["a", "b", "c", "b", "a"], "month": ["1", "1", "1", "2", "1"]})
    assert first_duplicate(table, ["id"]) == 3
    assert first_duplicate(table, ["id", "month"]) == 4
    assert first_duplicate(table.iloc[:3], ["id"]) is None
    assert first_duplicate(table.iloc[:4], ["id", "month"]) is None
    wide = pd.DataFrame({"a": [str(i) for i in range(3000)], "b": [str(i) for i in range(3000)]})  # sparse key space
    assert first_duplicate(wide, ["a", "b"]) is None
    assert first_duplicate(pd.concat([wide, wide.iloc[[5]]], ignore_index=True), ["a", "b"]) == 3000


def test_large_text_keys_are_checked_partition_by_partition(monkeypatch):
    """The partitioned check (used from 200 000 rows) agrees with a plain count on distinct ids, on ids shorter than
    the four bytes it hashes, on empty text and on a repeat far from its first occurrence."""
    from carepay import sources

    monkeypatch.setattr(sources, "_PARTITION_ROWS", 0)
    rng = np.random.default_rng(7)
    ids = [f"P{i:07d}" for i in rng.permutation(20_000)] + ["", "a", "ab", "abc", "Ö", "ÅÄ"]
    text = pd.Series(pd.array(ids, dtype="string[pyarrow]"), name="id")
    assert sources._text_all_distinct(text) is True
    assert sources.first_duplicate(text.to_frame(), ["id"]) is None
    for repeat in (ids[5], "", "ab", "Ö"):
        twice = pd.Series(pd.array(ids + ["x", repeat], dtype="string[pyarrow]"), name="id")
        assert sources._text_all_distinct(twice) is False
        assert sources.first_duplicate(twice.to_frame(), ["id"]) == len(ids) + 1
    assert sources._text_all_distinct(pd.Series(ids, dtype=object)) is None  # not Arrow text: the plain count
    empties = pd.Series(pd.array(["", ""], dtype="string[pyarrow]"), name="id")
    assert sources.first_duplicate(empties.to_frame(), ["id"]) == 1
