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
    groups = schema.get("anyOf", []) + [g for q in schema.get("questions", {}).values() for g in q.get("anyOf", [])]
    for group in groups:
        assert set(group) <= {f["name"] for f in schema["fields"] if f.get("optional")}


def test_header_rules():
    good = pd.DataFrame({"person_id": ["a"], "period": ["2021-01"], "executed_hours": ["1"], "alarm": ["0"]})
    name = "home_care_person_months"
    with pytest.raises(ExtractError, match="x.csv: missing column.*, and fee_headroom or income_after_tax.*fee_incentives"):
        schemas.validate(good, name, "x.csv", question="fee_incentives")
    with pytest.raises(ExtractError, match="x.csv: missing column.*granted_hours \\+ provision.*provider_payment"):
        schemas.validate(good.assign(fee_headroom="1"), name, "x.csv", question="provider_payment")
    with pytest.raises(ExtractError, match="x.csv: unknown column.*shoe"):
        schemas.validate(good.assign(fee_headroom="1", shoe="1"), name, "x.csv", question="fee_incentives")
    with pytest.raises(ExtractError, match="x.csv: has a header but no rows"):
        schemas.validate(good.assign(fee_headroom="1").iloc[:0], name, "x.csv", question="fee_incentives")
    out = schemas.validate(good.assign(fee_headroom="12.5"), name, "x.csv", question="fee_incentives")
    assert out.fee_headroom.iloc[0] == 12.5 and out.alarm.iloc[0] == 0
