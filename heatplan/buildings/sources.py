"""Heat sources: position, regime, temperatures, capacity and the year each becomes available.

A source delivers at the design peak its base ``capacity_mw`` plus its optional peak/backup
boilers (``peak_boiler_mw``, MT sources only), less what the dwellings already on district heating
take first (:func:`with_existing_customers`): :func:`deliverable_mw` is the capacity every layer
(network layout, optimisation, verification) plans with. See docs/economics.md, "Sources".
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from heatplan.buildings.defaults import DATA
from heatplan.buildings.demand import source_peak_kw
from heatplan.buildings.stock import today_mask
from heatplan.errors import InputError
from heatplan.scenario.figures import figures

SOURCE_COLUMNS = (
    "source_id", "name", "regime", "x_rd", "y_rd", "supply_temp_c", "return_temp_c",
    "capacity_mw", "available_year",
)  # fmt: skip
#: Optional: the cost of heat at the source (EUR/GJ; missing = the regime's default, defaults.toml) and
#: the peak/backup boilers' capacity at an MT source (MW; missing or empty = none).
OPTIONAL_SOURCE_COLUMNS = ("heat_cost_eur_per_gj", "peak_boiler_mw")


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
    problems += _bad_peak_boilers(df, lines)
    if problems:
        raise InputError(f"{where}: " + "; ".join(problems[:20]))
    out = df.copy()
    out["peak_boiler_mw"] = _peak_boiler_column(df)
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
    out.attrs["where"] = where
    return out


def _peak_boiler_column(df: pd.DataFrame) -> pd.Series:
    """``peak_boiler_mw`` as numbers, 0 where the table has none (no column, or an empty cell)."""
    if "peak_boiler_mw" not in df:
        return pd.Series(0.0, index=df.index)
    raw = df["peak_boiler_mw"].astype("string").str.strip().replace("", pd.NA)
    return pd.to_numeric(raw, errors="coerce").fillna(0.0).astype(float)


def _bad_peak_boilers(df: pd.DataFrame, lines: pd.Series) -> list[str]:
    """``peak_boiler_mw``: empty, or a number 0 .. 10000; above 0 only at an MT source."""
    if "peak_boiler_mw" not in df:
        return []
    raw = df["peak_boiler_mw"].astype("string").str.strip().replace("", pd.NA)
    num = pd.to_numeric(raw, errors="coerce")
    out = []
    for i in df.index:
        if pd.isna(raw[i]):
            continue
        shown = f"row {lines[i]}, column 'peak_boiler_mw' = {df.at[i, 'peak_boiler_mw']!r}"
        if pd.isna(num[i]) or not 0.0 <= num[i] <= 10000.0:
            out.append(f"{shown}: expected a peak/backup boiler capacity in MW (0 .. 10000) or empty")
        elif num[i] > 0 and df.at[i, "regime"] == "lt":
            out.append(
                f"{shown}: expected 0 or empty at an lt source (its collective heat pump covers the "
                "whole peak, docs/economics.md)"
            )
    return out


def peak_boiler_mw(sources: pd.DataFrame) -> np.ndarray:
    """Peak/backup boiler capacity per source (MW; 0 where the table gives none)."""
    if "peak_boiler_mw" not in sources:
        return np.zeros(len(sources))
    return pd.to_numeric(sources["peak_boiler_mw"], errors="coerce").fillna(0.0).to_numpy(float)


def peak_boiler_heat_share(sources: pd.DataFrame) -> np.ndarray:
    """Share of each source's heat its peak boilers make: the MT figure where it has them, else 0."""
    share = figures().economics.network_heat.mt_peak_boiler_heat_share
    mt = sources["regime"].astype(str).to_numpy() == "mt"
    return np.where(mt & (peak_boiler_mw(sources) > 0), float(share), 0.0)


def deliverable_mw(sources: pd.DataFrame) -> np.ndarray:
    """What each source can give the plan at the design peak (MW).

    Base capacity plus peak/backup boilers, less the load of the dwellings already on district
    heating that it serves (column ``existing_mw`` of :func:`with_existing_customers`; 0 without).
    """
    base = sources["capacity_mw"].to_numpy(float) + peak_boiler_mw(sources)
    taken = sources["existing_mw"].to_numpy(float) if "existing_mw" in sources else 0.0
    return np.maximum(base - taken, 0.0)


def with_existing_customers(stock: pd.DataFrame, sources: pd.DataFrame, year: int) -> pd.DataFrame:
    """Sources with ``existing_dwellings`` and ``existing_mw``: the district heating already there.

    Blocks of today's stock heated by ``district_heating`` and standing in ``year`` (the plan's
    first year) draw on the nearest MT source available in ``year``, in every year, before the
    plan's blocks can use it; their load is their share of the source's design peak
    (:func:`heatplan.buildings.demand.source_peak_kw`, at today's label). Without an MT source in
    service they are fed from outside the table and take nothing. A table that has the columns
    already is returned as it is. Raises when a source cannot carry its existing customers.
    """
    if "existing_mw" in sources:
        return sources
    out = sources.copy()
    out["existing_dwellings"] = 0
    out["existing_mw"] = 0.0
    gone = stock["demolition_year"].notna() & (stock["demolition_year"] <= year)
    on_dh = (stock["heating"] == "district_heating") & today_mask(stock) & ~gone.fillna(False)
    blocks = stock[on_dh.to_numpy(bool)]
    serving = np.flatnonzero(
        (out["regime"].astype(str).to_numpy() == "mt") & (out["available_year"].to_numpy(int) <= year)
    )
    if blocks.empty or not len(serving):
        return out
    sxy = out[["x_rd", "y_rd"]].to_numpy(float)[serving]
    bxy = blocks[["x_rd", "y_rd"]].to_numpy(float)
    nearest = serving[np.argmin(((bxy[:, None, :] - sxy[None, :, :]) ** 2).sum(axis=2), axis=1)]
    kw = source_peak_kw(blocks, regime="mt")
    col_n, col_mw = out.columns.get_loc("existing_dwellings"), out.columns.get_loc("existing_mw")
    for s in np.unique(nearest):
        mine = nearest == s
        out.iat[s, col_n] = int(blocks["dwellings"].to_numpy()[mine].sum())
        out.iat[s, col_mw] = float(kw[mine].sum()) / 1000.0
    _check_existing(out, year)
    return out


def _check_existing(sources: pd.DataFrame, year: int) -> None:
    """Existing customers above what their source delivers: one line naming the source and figures."""
    base = sources["capacity_mw"].to_numpy(float) + peak_boiler_mw(sources)
    over = np.flatnonzero(sources["existing_mw"].to_numpy(float) > base + 1e-9)
    if not len(over):
        return
    s = int(over[0])
    row = sources.iloc[s]
    where = sources.attrs.get("where", "heat-source table")
    raise InputError(
        f"{where}: row {s + 2}, source_id = {row['source_id']!r}: the {int(row['existing_dwellings']):,} "
        f"dwellings already on district heating in the stock (the nearest MT source in service in {year}) "
        f"need {row['existing_mw']:.2f} MW at design peak, more than capacity_mw + peak_boiler_mw = "
        f"{base[s]:.2f} MW; expected a capacity_mw or peak_boiler_mw that carries them"
    )


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
