"""The block table: its columns, units, and validation that collects every problem at once.

One row per block of dwellings. Reading a table checks all columns, collects **all** problems
(file, row, column, value, what is expected) and raises one :class:`~heatplan.errors.InputError`.
Row numbers are the line numbers in the file (the header is line 1).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from heatplan.buildings.labels import EP_LABELS
from heatplan.errors import InputError
from heatplan.scenario.model import DWELLING_TYPES, OWNER_TYPES

HEATING = ("gas_boiler", "block_heating", "district_heating", "heat_pump")
COOKING = ("gas", "induction")

REQUIRED = (
    "block_id", "wijk_code", "buurt_code", "owner", "owner_type", "dwellings",
    "floor_area_m2", "construction_year", "dwelling_type", "label", "x_rd", "y_rd",
    "heating", "cooking",
)  # fmt: skip
OPTIONAL = ("gas_m3_per_yr", "demolition_year", "renovation_year", "new_build_year", "street")
YEAR_COLUMNS = ("demolition_year", "renovation_year", "new_build_year")
#: RD New (EPSG:28992) validity bounds of the Netherlands, metres.
RD_X_M = (7000.0, 300000.0)
RD_Y_M = (289000.0, 629000.0)
MAX_LISTED = 50
#: Most dwellings one block may hold. A block is one building or row (docs/stock.md); the largest
#: Dutch residential buildings hold about 500-550 dwellings (Kleiburg, Amsterdam; De Peperklip,
#: Rotterdam), and 100,000 is three times all of Den Haag Zuidwest (~33,600 dwellings): above it the
#: number is an error, not a block.
MAX_DWELLINGS = 100_000
#: Plausible average floor area per dwelling of a block, m2. Below 10: the Bouwbesluit 2012 asks at
#: least 18 m2 of usable floor area for a new self-contained dwelling (older and student units can
#: be smaller, hence 10); above 1,000: four times CBS's top floor-area class ("250 m2 or more").
#: Outside it the figure is almost surely the wrong unit (per dwelling instead of the block total).
FLOOR_M2_PER_DWELLING = (10.0, 1000.0)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a block table."""

    row: int | None
    column: str
    value: object
    expected: str

    def text(self) -> str:
        """One line for people."""
        where = f"row {self.row}" if self.row is not None else "header"
        val = "" if self.row is None else f" = {self.value!r}"
        return f"{where}, column '{self.column}'{val}: expected {self.expected}"


def _numeric(col: pd.Series) -> pd.Series:
    return pd.to_numeric(col, errors="coerce")


def _is_int(col: pd.Series) -> pd.Series:
    num = _numeric(col)
    return num.notna() & np.isfinite(num) & (num == np.round(num))


def _text(col: pd.Series) -> pd.Series:
    return col.astype("string").str.strip()


def _bad_in(choices: tuple[str, ...]) -> Callable[[pd.Series], pd.Series]:
    return lambda c: ~_text(c).isin(choices).fillna(False).astype(bool)


def _bad_regex(pattern: str) -> Callable[[pd.Series], pd.Series]:
    rx = re.compile(pattern)
    return lambda c: ~_text(c).fillna("").map(lambda v: bool(rx.fullmatch(v))).astype(bool)


def _bad_range(lo: float, hi: float, integer: bool = False) -> Callable[[pd.Series], pd.Series]:
    def check(c: pd.Series) -> pd.Series:
        num = _numeric(c)
        bad = num.isna() | (num < lo) | (num > hi)
        return bad | ~_is_int(c) if integer else bad

    return check


def _bad_positive(integer: bool) -> Callable[[pd.Series], pd.Series]:
    def check(c: pd.Series) -> pd.Series:
        num = _numeric(c)
        bad = num.isna() | ~(num > 0)
        return bad | ~_is_int(c) if integer else bad

    return check


def _bad_nonempty(c: pd.Series) -> pd.Series:
    return _text(c).fillna("").eq("")


CHECKS: dict[str, tuple[Callable[[pd.Series], pd.Series], str]] = {
    "block_id": (_bad_nonempty, "a non-empty identifier"),
    "wijk_code": (_bad_regex(r"WK\d{6}"), "a CBS wijk code like WK051833"),
    "buurt_code": (_bad_regex(r"BU\d{8}"), "a CBS buurt code like BU05183387"),
    "owner": (_bad_nonempty, "the owner's name (a corporation's name, or 'particulier')"),
    "owner_type": (_bad_in(OWNER_TYPES), f"one of {', '.join(OWNER_TYPES)}"),
    "dwellings": (_bad_range(1, MAX_DWELLINGS, True), f"a whole number of dwellings, 1 .. {MAX_DWELLINGS:,}"),
    "floor_area_m2": (_bad_positive(integer=False), "the block's floor area in m2, > 0"),
    "construction_year": (_bad_range(1500, 2100, integer=True), "a year between 1500 and 2100"),
    "dwelling_type": (_bad_in(DWELLING_TYPES), f"one of the PBL Vesta types: {'; '.join(DWELLING_TYPES)}"),
    "label": (_bad_in(EP_LABELS), "an energy label A+++++, A++++, A+++, A++, A+, A, B, C, D, E, F or G"),
    "x_rd": (_bad_range(*RD_X_M), f"an RD New x coordinate in metres ({RD_X_M[0]:.0f} .. {RD_X_M[1]:.0f})"),
    "y_rd": (_bad_range(*RD_Y_M), f"an RD New y coordinate in metres ({RD_Y_M[0]:.0f} .. {RD_Y_M[1]:.0f})"),
    "heating": (_bad_in(HEATING), f"one of {', '.join(HEATING)}"),
    "cooking": (_bad_in(COOKING), f"one of {', '.join(COOKING)}"),
}  # fmt: skip
OPTIONAL_CHECKS: dict[str, tuple[Callable[[pd.Series], pd.Series], str]] = {
    "gas_m3_per_yr": (_bad_range(0, 1e9), "measured gas use in m3/yr, >= 0 (or empty)"),
    **{
        c: (_bad_range(1900, 2100, integer=True), "a year between 1900 and 2100 (or empty)")
        for c in YEAR_COLUMNS
    },
}  # fmt: skip


def find_problems(df: pd.DataFrame) -> list[Problem]:
    """Every problem in a raw block table (all columns as read), in row order per column."""
    problems = [Problem(None, c, None, "this required column") for c in REQUIRED if c not in df]
    rows = pd.Series(np.arange(len(df)) + 2, index=df.index)
    for col, (bad_fn, expected) in CHECKS.items():
        if col in df:
            bad = bad_fn(df[col])
            problems += [Problem(int(rows[i]), col, df.at[i, col], expected) for i in df.index[bad]]
    for col, (bad_fn, expected) in OPTIONAL_CHECKS.items():
        if col in df:
            present = _text(df[col]).fillna("").ne("")
            bad = bad_fn(df[col]) & present
            problems += [Problem(int(rows[i]), col, df.at[i, col], expected) for i in df.index[bad]]
    if "block_id" in df:
        ids = _text(df["block_id"])
        dup = ids.duplicated(keep=False) & ids.fillna("").ne("")
        for i in df.index[dup]:
            first = int(rows[ids.index[ids == ids[i]][0]])
            if rows[i] != first:
                problems.append(
                    Problem(
                        int(rows[i]),
                        "block_id",
                        df.at[i, "block_id"],
                        f"a unique block_id (already used in row {first})",
                    )
                )
    problems += _floor_area_problems(df, rows)
    if {"wijk_code", "buurt_code"} <= set(df):
        w, b = _text(df["wijk_code"]).fillna(""), _text(df["buurt_code"]).fillna("")
        bad = b.str.fullmatch(r"BU\d{8}") & w.str.fullmatch(r"WK\d{6}") & (b.str[2:8] != w.str[2:8])
        problems += [
            Problem(
                int(rows[i]),
                "buurt_code",
                df.at[i, "buurt_code"],
                f"a buurt inside wijk {w[i]} (BU{w[i][2:]}xx)",
            )
            for i in df.index[bad.fillna(False)]
        ]
    return problems


def _floor_area_problems(df: pd.DataFrame, rows: pd.Series) -> list[Problem]:
    """Blocks whose floor area per dwelling is outside :data:`FLOOR_M2_PER_DWELLING`."""
    if not {"dwellings", "floor_area_m2"} <= set(df):
        return []
    lo, hi = FLOOR_M2_PER_DWELLING
    n, area = _numeric(df["dwellings"]), _numeric(df["floor_area_m2"])
    per = area / n.where((n > 0) & (n <= MAX_DWELLINGS))
    bad = per.notna() & (area > 0) & ((per < lo) | (per > hi))
    return [
        Problem(
            int(rows[i]),
            "floor_area_m2",
            df.at[i, "floor_area_m2"],
            f"the block's total floor area: {lo:.0f} .. {hi:,.0f} m2 per dwelling, here {per[i]:,.1f} m2 "
            f"for {df.at[i, 'dwellings']} dwellings",
        )
        for i in df.index[bad]
    ]


def format_problems(source: str, problems: list[Problem]) -> str:
    """One message listing the problems (at most ``MAX_LISTED``, then a count)."""
    lines = [f"{source}: {len(problems)} problem(s) in the block table:"]
    lines += [f"  - {p.text()}" for p in problems[:MAX_LISTED]]
    if len(problems) > MAX_LISTED:
        lines.append(f"  ... and {len(problems) - MAX_LISTED} more")
    return "\n".join(lines)


def coerce(df: pd.DataFrame) -> pd.DataFrame:
    """Give a valid raw table its proper dtypes; index stays 0..n-1."""
    out = df.copy()
    for col in ("block_id", "wijk_code", "buurt_code", "owner", "owner_type", "dwelling_type",
                "label", "heating", "cooking"):  # fmt: skip
        out[col] = _text(out[col]).astype(str)
    out["dwellings"] = _numeric(out["dwellings"]).astype("int64")
    out["construction_year"] = _numeric(out["construction_year"]).astype("int64")
    for col in ("floor_area_m2", "x_rd", "y_rd"):
        out[col] = _numeric(out[col]).astype(float)
    out["gas_m3_per_yr"] = _numeric(out["gas_m3_per_yr"]) if "gas_m3_per_yr" in out else np.nan
    out["gas_m3_per_yr"] = out["gas_m3_per_yr"].astype(float)
    for col in YEAR_COLUMNS:
        out[col] = _numeric(out[col]).astype("Int64") if col in out else pd.array([pd.NA] * len(out), "Int64")
    out["street"] = _text(out["street"]).fillna("").astype(str) if "street" in out else ""
    return out.reset_index(drop=True)


def validate_blocks(df: pd.DataFrame, source: str = "block table") -> pd.DataFrame:
    """Check a raw block table; return it typed, or raise one InputError listing all problems."""
    problems = find_problems(df.reset_index(drop=True))
    if problems:
        raise InputError(format_problems(source, problems))
    if df.empty:
        raise InputError(f"{source}: a header but no blocks (expected one row per block)")
    return coerce(df)


def read_blocks(path: Path) -> pd.DataFrame:
    """Read and validate a block table from a CSV file (``,`` or ``;`` separated)."""
    if not path.is_file():
        raise InputError(f"{path}: no such file (expected a block table as CSV)")
    if is_empty_text(path):
        raise InputError(f"{path}: the file is empty (expected a block table as CSV)")
    try:
        raw = pd.read_csv(path, sep=None, engine="python", dtype=str, keep_default_na=False,
                          encoding="utf-8-sig", comment="#")  # fmt: skip
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, csv_error()) as exc:
        raise InputError(f"{path}: not a readable CSV block table ({exc})") from None
    raw.columns = [str(c).strip() for c in raw.columns]
    raw = raw.where(raw != "", np.nan)
    return validate_blocks(raw, source=str(path))


def csv_error() -> type[Exception]:
    """The csv module's error type (raised by the python engine's sniffer)."""
    import csv

    return csv.Error


def is_empty_text(path: Path) -> bool:
    """True for a file with nothing but white space and ``#`` comment lines."""
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    lines = [ln.strip() for ln in text.splitlines()]
    return len(head) < (1 << 16) and all(not ln or ln.startswith("#") for ln in lines)
