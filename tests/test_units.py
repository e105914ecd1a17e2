"""Units travel with results: every numeric column of every table a question's analysis returns has a
declared unit (or is declared unitless), so notebooks need no units dictionaries."""

from __future__ import annotations

import nbformat
import pandas as pd
import pytest

from carepay import params, sources, units
from carepay.capitation_fairness import analysis as capitation_fairness
from carepay.fee_incentives import analysis as fee_incentives
from carepay.level_regrouping import analysis as level_regrouping
from carepay.provider_payment import analysis as provider_payment


def _results():
    return {
        "capitation_fairness": (
            capitation_fairness,
            capitation_fairness.analyse(params.load("capitation_fairness"), sources.load(capitation_fairness.PACKAGE)),
        ),
        "level_regrouping": (
            level_regrouping,
            level_regrouping.analyse(params.load("level_regrouping"), sources.load(level_regrouping.PACKAGE)),
        ),
        "fee_incentives": (
            fee_incentives,
            fee_incentives.analyse(
                params.load("fee_incentives"), sources.load(fee_incentives.PACKAGE), sources.load(fee_incentives.RULES)
            ),
        ),
        "provider_payment": (
            provider_payment,
            provider_payment.analyse(params.load("provider_payment"), sources.load(provider_payment.OREBRO)),
        ),
    }


@pytest.mark.parametrize("question", ["capitation_fairness", "level_regrouping", "fee_incentives", "provider_payment"])
def test_every_numeric_column_shown_has_a_unit(question):
    module, result = _results()[question]
    missing = []
    for attribute, declared in module.RESULT_COLUMNS.items():
        value = getattr(result, attribute)
        for frame in value.values() if isinstance(value, dict) else [value]:
            if not isinstance(frame, pd.DataFrame):
                continue
            has = units.units_of(frame)
            for col in frame.select_dtypes("number").columns:
                if col not in has and col not in declared and not str(col).endswith(("level", "_id", "seed")):
                    missing.append(f"{attribute}.{col}")
    assert not missing, f"{question}: numeric columns without a declared unit: {missing}"


def test_annotations_survive_selection_and_override():
    df = units.annotate(pd.DataFrame({"a": [1.0], "b": [0.5]}), {"a": ("kr", "amount"), "b": ("%", "")})
    shown = df[["a"]].reset_index(drop=True).assign(c=1)
    assert units.units_of(shown) == {"a": "kr", "b": "%"} and units.labels_of(shown) == {"a": "amount"}
    from carepay.report import table_html

    page = table_html(shown, units={"c": "persons"})
    assert "amount (kr)" in page and "c (persons)" in page


def test_notebooks_repeat_no_units_dictionaries(root):
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        assert "units=" not in code and "units = {" not in code, f"{path.name}: units belong in the library's RESULT_COLUMNS"
