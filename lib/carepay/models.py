"""Parameter models, one per notebook. Each field says its unit and its source.

Add a notebook: write a model here with ``@register("<notebook>")``, a parameters
cell in the notebook naming every field, and params/<notebook>/default.yaml.
"""

from __future__ import annotations

from pydantic import field_validator

from carepay.params import ScenarioParams, param, register
from carepay.sources import package_names


@register("sources")
class SourcesParams(ScenarioParams):
    """Sources and their checks."""

    packages: list[str] = param(
        unit="data package names",
        source="data/ (one folder per source document)",
        description="Data packages to show; an empty list shows all of them.",
    )
    show_passing_checks: bool = param(
        unit="yes/no",
        source="carepay.checks",
        description="Also list every check that passed, not only the discrepancies.",
    )
    rows_per_table: int = param(
        unit="rows",
        source="-",
        description="Rows of each source table shown in full before it is cut.",
        ge=1,
        le=1000,
    )

    @field_validator("packages")
    @classmethod
    def _known_packages(cls, value: list[str]) -> list[str]:
        known = package_names()
        unknown = [v for v in value if v not in known]
        if unknown:
            raise ValueError(f"unknown data package(s) {', '.join(unknown)}; known: {', '.join(known)}")
        return value
