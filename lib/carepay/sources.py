"""Source data packages: load, validate against the descriptor, provenance.

Each folder under data/ is one source document, described by a datapackage.json in
the Frictionless Data Package format (resources, schema fields with type, unit and
constraints). This module reads the descriptor and the CSV files, checks every value
against its field (type, required, minimum/maximum, enum, pattern, unique, primary
key) and returns pandas DataFrames. A bad value raises SourceDataError naming the
file, the row, the field, the value and what is allowed.

Printed values are never changed in place: ``DataPackage.table(name, corrected=True)``
applies the package's corrections.csv on top of the printed table.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import field_validator

from carepay import paths
from carepay.params import ScenarioParams, param

#: Resources every package may have that hold metadata rather than source tables.
META_RESOURCES = ("figures", "corrections", "known_discrepancies")


class SourceDataError(ValueError):
    """A data file does not match its descriptor."""


class ExtractError(SourceDataError):
    """An analyst's extract does not fit its schema (carepay.schemas); the message says where and why."""


def _allowed(spec: dict) -> str:
    c = spec.get("constraints", {})
    kind = {"integer": "a whole number", "number": "a number", "string": "text"}.get(spec["type"], spec["type"])
    parts = [kind]
    if "unit" in spec:
        parts.append(f"in {spec['unit']}")
    if "minimum" in c:
        parts.append(f">= {c['minimum']}")
    if "maximum" in c:
        parts.append(f"<= {c['maximum']}")
    if "enum" in c:
        parts = [f"one of {', '.join(map(str, c['enum']))}"]
    if "pattern" in c:
        parts.append(f"matching {c['pattern']}")
    return " ".join(parts)


def _numbers(raw: pd.Series, empty: pd.Series) -> pd.Series:
    """Text as numbers (float64), NaN where empty or not a number. Arrow's parser when the whole column parses
    (linear and fast at tens of millions of rows); pandas' otherwise, which marks the rows that do not."""
    if not empty.any():
        try:
            import pyarrow as pa

            parsed = pa.array(raw, from_pandas=True).cast(pa.float64())
            return pd.Series(parsed.to_numpy(zero_copy_only=False), index=raw.index, dtype="float64")
        except (ImportError, ValueError, TypeError, NotImplementedError, ArithmeticError):
            pass  # pyarrow.ArrowInvalid is a ValueError: a value that does not parse, found below
    return pd.to_numeric(raw.where(~empty), errors="coerce")


def _parse_column(
    raw: pd.Series, spec: dict, where: str, error: type[SourceDataError] = SourceDataError, fix: str = "its descriptor"
) -> pd.Series:
    """Convert one column of strings to its declared type, checking constraints (Frictionless field: type,
    required, minimum, maximum, enum, pattern, unique). error: the exception to raise; fix: what to fix
    besides the file, named in the message."""
    name, type_ = spec["name"], spec["type"]
    c = spec.get("constraints", {})
    required = c.get("required", False)

    def fail(row: int, value: str, problem: str) -> None:
        # row numbers as a spreadsheet shows them: header is row 1
        raise error(
            f"{where}, row {row + 2}, field '{name}': value {value!r} {problem}; "
            f"allowed: {_allowed(spec)}. Fix the file or {fix}."
        )

    empty = raw.str.strip() == ""
    if required and empty.any():
        row = int(empty.to_numpy().nonzero()[0][0])
        fail(row, "", "is missing")
    if type_ not in ("string", "number", "integer"):
        raise error(
            f"{where}: field '{name}' has type {type_!r} in its descriptor; carepay reads string, number and integer "
            "fields (write a date as a string with a pattern)"
        )
    if type_ == "string":
        values = raw  # text stays text (Arrow-backed where pandas has pyarrow): no Python object per value
    else:
        numeric = _numbers(raw, empty)
        infinite = numeric.abs() == float("inf")
        if infinite.any():
            row = int(infinite.to_numpy().nonzero()[0][0])
            fail(row, raw.iloc[row], "is not a finite number")
        bad = numeric.isna() & ~empty
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0])
            fail(row, raw.iloc[row], "is not a number")
        if type_ == "integer":
            frac = (numeric % 1 != 0) & ~empty
            if frac.any():
                row = int(frac.to_numpy().nonzero()[0][0])
                fail(row, raw.iloc[row], "is not a whole number")
            values = numeric.astype("int64") if not empty.any() else numeric.astype("Int64")
        else:
            values = numeric.astype("float64")
        for bound, test in (("minimum", lambda v, b: v < b), ("maximum", lambda v, b: v > b)):
            if bound in c:
                out = test(numeric, c[bound]).fillna(False).astype(bool)
                if out.any():
                    row = int(out.to_numpy().nonzero()[0][0])
                    word = "below the minimum" if bound == "minimum" else "above the maximum"
                    fail(row, raw.iloc[row], f"is {word} {c[bound]}")
    if "enum" in c:
        allowed = {str(v) for v in c["enum"]}
        out = ~raw.isin(allowed) & ~empty
        if out.any():
            row = int(out.to_numpy().nonzero()[0][0])
            fail(row, raw.iloc[row], "is not allowed")
    if "pattern" in c:
        out = ~raw.str.fullmatch(c["pattern"]).fillna(False).astype(bool) & ~empty
        if out.any():
            row = int(out.to_numpy().nonzero()[0][0])
            fail(row, raw.iloc[row], "has the wrong form")
    if c.get("unique"):
        repeat = first_duplicate(raw.to_frame(), [raw.name])
        if repeat is not None:
            fail(repeat, raw.iloc[repeat], "appears twice (must be unique)")
    return values


def read_csv_text(path: Path, where: str, encoding: str, error: type[SourceDataError]) -> pd.DataFrame:
    """A CSV file as text columns, or an error that says what is wrong with the file as a whole: empty, not in the
    encoding, or separated by ';' or tabs instead of commas."""
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
    except pd.errors.EmptyDataError:
        raise error(f"{where}: the file is empty; allowed: a header row and at least one row of data") from None
    except UnicodeDecodeError:
        raise error(f"{where}: not {encoding.upper()} text; save the file as {encoding.upper()}") from None
    except pd.errors.ParserError as err:
        raise error(f"{where}: cannot be read as CSV ({str(err).strip()[:120]})") from None
    if len(raw.columns) == 1:
        header = str(raw.columns[0])
        for sep, name in ((";", "';'"), ("\t", "tabs")):
            if sep in header:
                raise error(f"{where}: the file is separated by {name}; allowed: commas (save it as CSV with ',')")
    return raw


def read_resource(folder: Path, resource: dict) -> pd.DataFrame:
    """Read and validate one CSV resource of a data package."""
    path = folder / resource["path"]
    where = paths.relative(path)
    if not path.exists():
        raise SourceDataError(f"{where}: file not found (listed in {paths.relative(folder / 'datapackage.json')})")
    raw = read_csv_text(path, where, resource.get("encoding", "utf-8"), SourceDataError)
    fields = resource["schema"]["fields"]
    declared = [f["name"] for f in fields]
    if list(raw.columns) != declared:
        missing = [n for n in declared if n not in raw.columns]
        extra = [n for n in raw.columns if n not in declared]
        raise SourceDataError(
            f"{where}: header {list(raw.columns)} does not match the descriptor's fields {declared}"
            + (f"; missing: {missing}" if missing else "")
            + (f"; not described: {extra}" if extra else "")
        )
    fix = "its descriptor (datapackage.json)"
    table = pd.DataFrame({f["name"]: _parse_column(raw[f["name"]], f, where, SourceDataError, fix) for f in fields})
    check_key(table, resource["schema"].get("primaryKey"), where, SourceDataError)
    table.attrs["resource"] = resource["name"]
    return table


_PARTITION_ROWS = 200_000  # below this one hash table stays in the CPU cache; above it, partition first
_PARTITION_BITS = 8


def _arrow_text(values: pd.Series):
    """The Arrow string array behind a text column, or None if it is not Arrow-backed."""
    chunked = getattr(values.array, "_pa_array", None)
    if chunked is None:
        return None
    import pyarrow as pa

    if not (pa.types.is_string(chunked.type) or pa.types.is_large_string(chunked.type)) or chunked.null_count:
        return None
    return chunked.combine_chunks()


def _text_all_distinct(values: pd.Series) -> bool | None:
    """Whether every value of a large Arrow-backed text column is distinct, or None where this path does not apply.

    One hash table over 10 M distinct ids outgrows the CPU cache and costs a miss per row. Instead each value is
    put in one of 256 partitions by a hash of its last four bytes (equal values share a partition), the values
    are reordered by partition (a radix sort), and each partition, small enough to stay in cache, is checked on
    its own: linear from 1 M to 10 M rows."""
    if len(values) < _PARTITION_ROWS:
        return None
    text = _arrow_text(values)
    if text is None:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    offsets_type = np.int64 if pa.types.is_large_string(text.type) else np.int32
    offsets: np.ndarray = np.frombuffer(text.buffers()[1], dtype=offsets_type)
    offsets = offsets[text.offset : text.offset + len(text) + 1].astype(np.int64, copy=False)
    data_buffer = text.buffers()[2]
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, np.uint8)
    if not len(data):  # every value empty
        data = np.zeros(1, np.uint8)
    ends = offsets[1:]
    lengths = ends - offsets[:-1]
    mixed = np.zeros(len(text), dtype=np.uint32)
    short = bool((lengths < 4).any())
    for back in range(1, 5):
        byte = data[np.maximum(ends - back, 0)].astype(np.uint32)
        if short:
            byte[lengths < back] = 0
        mixed *= np.uint32(257)
        mixed += byte
    mixed *= np.uint32(0x9E3779B1)  # Fibonacci hashing: the top bits depend on every byte
    part = (mixed >> np.uint32(32 - _PARTITION_BITS)).astype(np.uint16)
    order = np.argsort(part, kind="stable")
    grouped = text.take(pa.array(order))
    edges = np.searchsorted(part[order], np.arange((1 << _PARTITION_BITS) + 1))
    for start, stop in zip(edges[:-1], edges[1:]):
        if stop - start > 1 and len(pc.unique(grouped.slice(start, stop - start))) != stop - start:
            return False
    return True


def first_duplicate(table: pd.DataFrame, key: list[str]) -> int | None:
    """Position of the first row whose key repeats an earlier row's, or None. Each key column is factorised to
    integer codes once; whether any key repeats is then a count over the codes (linear up to tens of millions of
    text ids), and only a table that has a repeat is searched for the first one. A single text key of hundreds of thousands of
    rows is checked partition by partition instead (see `_text_all_distinct`)."""
    if len(key) == 1 and _text_all_distinct(table[key[0]]):
        return None
    combined = np.zeros(len(table), dtype=np.int64)
    span = 1
    for column in key:
        codes, uniques = pd.factorize(table[column], sort=False, use_na_sentinel=False)
        if len(key) == 1:
            return None if len(uniques) == len(table) else int(np.flatnonzero(pd.Series(codes).duplicated().to_numpy())[0])
        combined = combined * len(uniques) + codes
        span *= max(1, len(uniques))
    if span <= 4 * len(table) + 1024:  # a dense count: no hash table
        if np.bincount(combined, minlength=span).max(initial=0) <= 1:
            return None
    elif len(pd.unique(combined)) == len(table):
        return None
    return int(np.flatnonzero(pd.Series(combined).duplicated().to_numpy())[0])


def check_key(table: pd.DataFrame, key: list[str] | None, where: str, error: type[SourceDataError]) -> None:
    """Each row's primary key (one or more fields) must be unique."""
    if not key or not len(table):
        return
    row = first_duplicate(table, key)
    if row is not None:
        values = "/".join(str(table.iloc[row][k]) for k in key)
        raise error(
            f"{where}, row {row + 2}: the key ({', '.join(key)}) = {values} appears twice; allowed: one row per {', '.join(key)}"
        )


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@dataclass(frozen=True)
class DataPackage:
    """One source document's data: descriptor, validated tables and file checksums."""

    name: str
    folder: Path
    descriptor: dict
    tables: dict[str, pd.DataFrame] = field(repr=False)

    @property
    def title(self) -> str:
        return self.descriptor["title"]

    @property
    def source_file(self) -> str:
        return Path(self.descriptor["sources"][0]["path"]).name

    def resource(self, name: str) -> dict:
        for r in self.descriptor["resources"]:
            if r["name"] == name:
                return r
        raise KeyError(f"data package {self.name} has no resource {name!r}")

    def unit(self, resource: str, field_name: str) -> str | None:
        for f in self.resource(resource)["schema"]["fields"]:
            if f["name"] == field_name:
                return f.get("unit")
        raise KeyError(f"{self.name}/{resource} has no field {field_name!r}")

    def units(self, resource: str) -> dict[str, str]:
        """Field name -> unit for a resource (fields without a unit are left out)."""
        return {f["name"]: f["unit"] for f in self.resource(resource)["schema"]["fields"] if f.get("unit")}

    def overview(self) -> pd.DataFrame:
        """One row per resource: what it is, where it is printed, rows, notes."""
        rows = []
        for r in self.descriptor["resources"]:
            rows.append(
                {
                    "file": r["path"],
                    "what it is": r.get("title", ""),
                    "printed as": r.get("printed_title", ""),
                    "section": r.get("section", ""),
                    "period": r.get("period", ""),
                    "rows": len(self.tables[r["name"]]),
                    "notes": " ".join(r.get("notes", [])),
                }
            )
        return pd.DataFrame(rows)

    @property
    def source_tables(self) -> list[str]:
        """Names of the resources that are tables of the document (not metadata)."""
        return [r["name"] for r in self.descriptor["resources"] if r["name"] not in META_RESOURCES]

    @property
    def figures(self) -> pd.DataFrame:
        return self.tables.get("figures", pd.DataFrame(columns=["figure", "value", "unit"]))

    def figure(self, name: str) -> float:
        """A figure stated in the document's running text, in the unit of its unit column."""
        fig = self.figures
        hit = fig.loc[fig["figure"] == name, "value"]
        if hit.empty:
            raise SourceDataError(
                f"{paths.relative(self.folder / 'figures.csv')}, field 'figure': no row is {name!r}, which the library "
                "reads; allowed: every figure id the library uses, with the value the document prints. Restore the row "
                "or its id."
            )
        return float(hit.iloc[0])

    @property
    def corrections(self) -> pd.DataFrame:
        return self.tables.get(
            "corrections", pd.DataFrame(columns=["resource", "row", "field", "printed", "corrected", "reason"])
        )

    @property
    def known_discrepancies(self) -> pd.DataFrame:
        return self.tables.get("known_discrepancies", pd.DataFrame(columns=["check", "cell", "reading", "explanation"]))

    def table(self, name: str, corrected: bool = False) -> pd.DataFrame:
        """A source table as printed, or with corrections.csv applied (corrected=True)."""
        table = self.tables[name].copy()
        table.attrs["units"] = self.units(name)  # they travel with the table to the report
        if not corrected:
            return table
        key = self.resource(name)["schema"]["primaryKey"]
        row_ids = table[key].astype(str).agg("/".join, axis=1)
        for c in self.corrections.itertuples():
            if c.resource != name or c.field not in table.columns:
                continue  # a correction of a unit or label: documented, nothing to replace
            hit = row_ids == c.row
            if not hit.any():
                raise SourceDataError(
                    f"{paths.relative(self.folder / 'corrections.csv')}: row {c.row!r} not found in {name} (key {'/'.join(key)})"
                )
            current = str(table.loc[hit, c.field].iloc[0])
            if current != c.printed:
                raise SourceDataError(
                    f"{paths.relative(self.folder / 'corrections.csv')}: {name} {c.row} {c.field} is {current!r}, "
                    f"but the correction says it was printed as {c.printed!r}"
                )
            table.loc[hit, c.field] = pd.Series([c.corrected], dtype=str).astype(table[c.field].dtype).iloc[0]
        return table

    def files(self) -> pd.DataFrame:
        """Every file of the package with its SHA-256 checksum."""
        names = ["datapackage.json"] + [r["path"] for r in self.descriptor["resources"]]
        return pd.DataFrame(
            {"file": [f"data/{self.name}/{n}" for n in names], "sha256": [sha256(self.folder / n) for n in names]}
        )


def package_names(data_dir: Path | None = None) -> list[str]:
    """Names of the data packages under data/ (folders with a datapackage.json)."""
    return paths.data_package_names(data_dir)


def load(name: str, data_dir: Path | None = None) -> DataPackage:
    """Load and validate the data package data/<name>/."""
    root = Path(data_dir) if data_dir else paths.data_dir()
    folder = root / name
    descriptor_path = folder / "datapackage.json"
    if not descriptor_path.exists():
        known = ", ".join(package_names(root)) or "none"
        raise SourceDataError(f"no data package {name!r}: {paths.relative(descriptor_path)} not found; packages: {known}")
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise SourceDataError(f"{paths.relative(descriptor_path)}: not valid JSON: {err}") from err
    tables = {r["name"]: read_resource(folder, r) for r in descriptor.get("resources", [])}
    return DataPackage(name=name, folder=folder, descriptor=descriptor, tables=tables)


def load_all(data_dir: Path | None = None) -> dict[str, DataPackage]:
    return {n: load(n, data_dir) for n in package_names(data_dir)}


# --- the sources notebook's parameters ------------------------------------------------------


class SourcesParams(ScenarioParams):
    """Parameters of notebooks/sources.ipynb: which packages to show, and how much of each."""

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
        source="presentation choice",
        description="Rows of each source table shown in full before it is cut.",
        ge=1,
        le=1000,
    )

    @field_validator("packages")
    @classmethod
    def _known_packages(cls, value: list[str]) -> list[str]:
        from carepay.paths import data_package_names

        known = data_package_names()
        unknown = [v for v in value if v not in known]
        if unknown:
            raise ValueError(f"unknown data package(s) {', '.join(unknown)}; known: {', '.join(known)}")
        return value
