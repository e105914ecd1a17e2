"""Analysts' extract schemas are data (lib/carepay/schemas/*.json), checked by the data packages' validation
code, and the README's tables are those schemas."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from carepay import schemas
from carepay.sources import ExtractError


def test_readme_tables_are_the_schemas(root):
    readme = (root / "README.md").read_text(encoding="utf-8")
    shown = dict(re.findall(r"<!-- schema: (\w+) -->\n(.*?)\n<!-- end schema -->", readme, re.S))
    assert set(shown) == set(schemas.NAMES)
    for name in schemas.NAMES:
        assert shown[name] == schemas.markdown(name), f"README table for {name}: run python -m carepay.schemas"


@pytest.mark.parametrize("name", schemas.NAMES)
def test_schemas_are_frictionless_fields(name):
    schema = schemas.load(name)
    for f in schema["fields"]:
        assert f["type"] in {"string", "number", "integer"} and f.get("description"), f
    names = {f["name"] for f in schema["fields"]}
    assert set(schema.get("primaryKey", [])) <= names
    for group in schema.get("anyOf", []):
        assert set(group) <= {f["name"] for f in schema["fields"] if f.get("optional")}


def test_header_rules():
    good = pd.DataFrame({"person_id": ["a"], "period": ["2021-01"], "executed_hours": ["1"], "alarm": ["0"]})
    with pytest.raises(ExtractError, match="x.csv: missing column.*, and fee_headroom or income_after_tax"):
        schemas.validate(good, "home_care_fee_person_months", "x.csv")
    with pytest.raises(ExtractError, match="x.csv: unknown column.*shoe"):
        schemas.validate(good.assign(fee_headroom="1", shoe="1"), "home_care_fee_person_months", "x.csv")
    with pytest.raises(ExtractError, match="x.csv: has a header but no rows"):
        schemas.validate(good.assign(fee_headroom="1").iloc[:0], "home_care_fee_person_months", "x.csv")
    out = schemas.validate(good.assign(fee_headroom="12.5"), "home_care_fee_person_months", "x.csv")
    assert out.fee_headroom.iloc[0] == 12.5 and out.alarm.iloc[0] == 0
