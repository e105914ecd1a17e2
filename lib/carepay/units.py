"""Units and readable labels that travel with a result table.

A question's analysis declares, once, the unit of every column of the tables it returns
(``RESULT_COLUMNS`` in carepay.<question>.analysis: table -> column -> (unit, label)); ``annotate``
puts them in the DataFrame's ``attrs``, where pandas keeps them through selections,
renames, ``assign`` and ``reset_index``. carepay.report reads them, so a notebook shows a
table with its units without repeating them. Units are the glossary's: kr, kr/year,
kr/month, kr/day, kr/hour, hours, hours/year, persons, person-months, points; '%' marks a
share 0-1 shown as percent. Amounts stay numbers in kronor.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

#: column -> (unit, label); an empty unit means none (text, ids, ratios), an empty label the column's own name.
Columns = Mapping[str, tuple[str, str]]


def annotate(df: pd.DataFrame, columns: Columns) -> pd.DataFrame:
    """Attach units and labels to df (in place, and returned); columns df does not have are ignored."""
    units = dict(df.attrs.get("units", {}))
    labels = dict(df.attrs.get("labels", {}))
    for name, (unit, label) in columns.items():
        if unit:
            units[name] = unit
        if label:
            labels[name] = label
    df.attrs["units"], df.attrs["labels"] = units, labels
    return df


def annotate_result(result: Any, tables: Mapping[str, Columns]) -> None:
    """Annotate each DataFrame attribute of a question's result named in tables (dict values too)."""
    for attribute, columns in tables.items():
        value = getattr(result, attribute)
        frames = value.values() if isinstance(value, dict) else [value]
        for frame in frames:
            if isinstance(frame, pd.DataFrame):
                annotate(frame, columns)


def units_of(df: pd.DataFrame) -> dict[str, str]:
    return dict(df.attrs.get("units", {}))


def labels_of(df: pd.DataFrame) -> dict[str, str]:
    return dict(df.attrs.get("labels", {}))
