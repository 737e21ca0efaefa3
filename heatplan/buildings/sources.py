"""Heat sources: position, regime, temperatures, capacity and the year each becomes available."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from heatplan.buildings.defaults import DATA
from heatplan.errors import InputError
from heatplan.scenario.figures import figures

SOURCE_COLUMNS = (
    "source_id", "name", "regime", "x_rd", "y_rd", "supply_temp_c", "return_temp_c",
    "capacity_mw", "available_year",
)  # fmt: skip
#: Optional: the cost of heat at the source (EUR/GJ); missing = the regime's default (defaults.toml).
OPTIONAL_SOURCE_COLUMNS = ("heat_cost_eur_per_gj",)


#: Numeric columns: (lowest, highest, integer?, what is expected).
NUMERIC: dict[str, tuple[float, float, bool, str]] = {
    "x_rd": (7000.0, 300000.0, False, "an RD New x coordinate in metres (7000 .. 300000)"),
    "y_rd": (289000.0, 629000.0, False, "an RD New y coordinate in metres (289000 .. 629000)"),
    "supply_temp_c": (0.0, 200.0, False, "a supply temperature in deg C (0 .. 200)"),
    "return_temp_c": (0.0, 200.0, False, "a return temperature in deg C (0 .. 200)"),
    "capacity_mw": (0.0, 10000.0, False, "a capacity in MW, > 0 (at most 10000)"),
    "available_year": (1900.0, 2200.0, True, "the year the source is available (1900 .. 2200)"),
}


def _bad_numbers(df: pd.DataFrame, lines: pd.Series) -> tuple[list[str], pd.DataFrame]:
    """Problems in the numeric columns (row, column, value, expected) and the columns as numbers."""
    problems: list[str] = []
    nums = pd.DataFrame(index=df.index)
    for col, (lo, hi, integer, expected) in NUMERIC.items():
        num = pd.to_numeric(df[col], errors="coerce")
        bad = num.isna() | ~num.between(lo, hi) | ((num != num.round()) if integer else False)
        if col == "capacity_mw":
            bad |= num <= 0
        problems += [
            f"row {lines[i]}, column '{col}' = {df.at[i, col]!r}: expected {expected}" for i in df.index[bad]
        ]
        nums[col] = num
    return problems, nums


def _check(df: pd.DataFrame, where: str) -> pd.DataFrame:
    missing = [c for c in SOURCE_COLUMNS if c not in df]
    if missing:
        raise InputError(
            f"{where}: missing column(s) {', '.join(missing)}; expected {', '.join(SOURCE_COLUMNS)}"
        )
    if df.empty:
        raise InputError(f"{where}: a header but no sources (expected one row per heat source)")
    df = df.reset_index(drop=True)
    lines = pd.Series(df.index + 2, index=df.index)
    problems, nums = _bad_numbers(df, lines)
    for i, r in df.iterrows():
        if r["regime"] not in ("mt", "lt"):
            problems.append(f"row {lines[i]}, column 'regime' = {r['regime']!r}: expected mt or lt")
        if not nums.at[i, "supply_temp_c"] > nums.at[i, "return_temp_c"]:
            problems.append(
                f"row {lines[i]}: supply_temp_c = {r['supply_temp_c']!r} must exceed return_temp_c = "
                f"{r['return_temp_c']!r}"
            )
    ids = df["source_id"].astype("string").str.strip()
    for i in df.index[ids.isna() | ids.eq("")]:
        problems.append(f"row {lines[i]}, column 'source_id': expected a non-empty identifier")
    for i in df.index[ids.duplicated() & ids.notna()]:
        problems.append(f"row {lines[i]}, column 'source_id' = {ids[i]!r}: expected a unique identifier")
    if "heat_cost_eur_per_gj" in df:
        cost = pd.to_numeric(df["heat_cost_eur_per_gj"], errors="coerce")
        problems += [
            f"row {lines[i]}, column 'heat_cost_eur_per_gj' = {df.at[i, 'heat_cost_eur_per_gj']!r}: "
            "expected a number >= 0 (EUR per GJ at the source)"
            for i in df.index[~(cost >= 0)]
        ]
    if problems:
        raise InputError(f"{where}: " + "; ".join(problems[:20]))
    out = df.copy()
    for col in NUMERIC:
        out[col] = nums[col]
    out["available_year"] = out["available_year"].astype(int)
    out["source_id"] = ids.astype(str)
    net = figures().economics.network_heat
    fallback = out["regime"].map(
        {"mt": net.default_heat_cost_mt_eur_per_gj, "lt": net.default_heat_cost_lt_eur_per_gj}
    )
    given = out.get("heat_cost_eur_per_gj", fallback)
    out["heat_cost_eur_per_gj"] = pd.to_numeric(given).fillna(fallback).astype(float)
    return out


def read_sources(path: Path | None = None) -> pd.DataFrame:
    """Read heat sources from a CSV file; without a path, the embedded Zuidwest sources."""
    if path is None:
        with (DATA / "zuidwest_sources.csv").open("r", encoding="utf-8") as fh:
            return _check(pd.read_csv(fh, comment="#"), "embedded zuidwest_sources.csv")
    if not path.is_file():
        raise InputError(f"{path}: no such file (expected a heat-source table as CSV)")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty (expected a heat-source table as CSV)")
    try:
        df = pd.read_csv(path, comment="#", encoding="utf-8-sig", dtype=str)
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: holds no table (expected a heat-source table as CSV)") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a readable CSV ({exc})") from None
    return _check(df, str(path))
