"""Read plan.nc and derive the tables every report file shares (schedule, measures, groups)."""

from __future__ import annotations

import json
import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from heatplan.errors import InputError
from heatplan.planfile import YEAR_COLUMNS, schedule_frame, strings, whole_years
from heatplan.report.text import Text

__all__ = ["Plan", "load_plan", "schedule_frame", "strings", "whole_years"]

log = logging.getLogger(__name__)

PLAN_FILE = "plan.nc"

_STR_BLOCK = ("wijk_code", "buurt_code", "owner", "street", "label_now", "label_target", "option")

#: Variables the reports cannot do without, with their dimensions.
REQUIRED: dict[str, tuple[str, ...]] = {
    **{v: ("block",) for v in (*_STR_BLOCK, "dwellings", "x_rd", "y_rd", *YEAR_COLUMNS, "cost_eur")},
    **{v: ("year",) for v in ("switched_dwellings", "insulated_dwellings", "induction_dwellings")},
    "gas_free_share": ("year",),
    "cost_eur_by_year": ("year", "item"),
}


@dataclass(frozen=True)
class Plan:
    """A plan read from plan.nc, with the parsed summary and the deadline."""

    ds: xr.Dataset
    summary: dict[str, Any]
    deadline: int | None
    scenario_name: str

    @property
    def years(self) -> list[int]:
        """The planning years."""
        return [int(y) for y in self.ds["year"].values]


def load_plan(plan_dir: Path) -> Plan:
    """Read ``plan_dir/plan.nc`` fully into memory and check it has what the reports need."""
    plan_dir = Path(plan_dir)
    if plan_dir.exists() and not plan_dir.is_dir():
        raise InputError(f"{plan_dir}: is a file, not a folder (give the output folder of `heatplan plan`)")
    if not plan_dir.is_dir():
        raise InputError(f"{plan_dir}: no such folder (give the output folder of `heatplan plan`)")
    path = plan_dir / PLAN_FILE
    if not path.is_file():
        raise InputError(f"{plan_dir}: has no {PLAN_FILE} (run `heatplan plan --out {plan_dir}` first)")
    try:
        with xr.open_dataset(path) as ds0:
            ds = ds0.load()
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: not a readable plan file ({type(exc).__name__}: {exc})") from None
    check_plan(ds, path)
    summary = _summary(ds)
    return Plan(
        ds=ds, summary=summary, deadline=_deadline(ds, summary), scenario_name=_scenario_name(ds, summary)
    )


def check_plan(ds: xr.Dataset, path: Path | str = PLAN_FILE) -> None:
    """Raise one :class:`InputError` listing every variable that is missing or has the wrong dimensions."""
    problems = []
    for dim in ("block", "year", "item"):
        if dim not in ds.coords:
            problems.append(f"coordinate {dim!r} is missing")
    for name, dims in REQUIRED.items():
        if name not in ds.variables:
            problems.append(f"variable {name!r} is missing")
        elif tuple(ds[name].dims) != dims:
            problems.append(f"variable {name!r} has dimensions {tuple(ds[name].dims)}, expected {dims}")
    if problems:
        raise InputError(f"{path}: not a heatplan plan file:\n  " + "\n  ".join(problems))


def _summary(ds: xr.Dataset) -> dict[str, Any]:
    text = ds.attrs.get("summary_json", "")
    try:
        out = json.loads(text) if text else {}
    except (TypeError, json.JSONDecodeError):
        log.warning("plan.nc: attribute summary_json is not valid JSON; key figures come from the variables")
        return {}
    return out if isinstance(out, dict) else {}


def _deadline(ds: xr.Dataset, summary: dict[str, Any]) -> int | None:
    if isinstance(summary.get("deadline"), int | float):
        return int(summary["deadline"])
    try:
        return int(tomllib.loads(str(ds.attrs.get("scenario_toml", "")))["years"]["deadline"])
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError):
        return None


def _scenario_name(ds: xr.Dataset, summary: dict[str, Any]) -> str:
    name = ds.attrs.get("scenario_name") or summary.get("scenario")
    if isinstance(name, dict):
        name = name.get("name")
    return str(name) if name else "?"


def block_frame(ds: xr.Dataset) -> pd.DataFrame:
    """The schedule plus street, owner type, coordinates, demolition/new-build years and verification.

    Also ``existing`` (in today's stock, not a future new build) and ``uses_gas`` (heats or cooks
    with gas today): plan.nc's ``existing`` and ``uses_gas_today``; for an older plan.nc without
    them, a new-build year before the first planning year, and a gas-free year or gas burnt.
    """
    df = schedule_frame(ds)
    street = strings(ds["street"])
    df.insert(1, "street", np.where(np.isin(street, ["nan", "None", "<NA>"]), "", street))
    df["owner_type"] = strings(ds["owner_type"]) if "owner_type" in ds else ""
    df["x_rd"] = np.asarray(ds["x_rd"].values, dtype=float)
    df["y_rd"] = np.asarray(ds["y_rd"].values, dtype=float)
    for col in ("demolition_year", "new_build_year"):
        df[col] = whole_years(ds[col]) if col in ds else pd.Series(pd.NA, index=df.index, dtype="Int64")
    df["verified_ok"] = np.asarray(ds["verified_ok"].values, dtype=bool) if "verified_ok" in ds else True
    df["fail_reason"] = strings(ds["fail_reason"]) if "fail_reason" in ds else ""
    if "existing" in ds:  # the plan's own flags (plan.nc from this version on)
        df["existing"] = np.asarray(ds["existing"].values, dtype=bool)
    else:
        first_year = int(ds["year"].values[0])
        nb = df["new_build_year"]
        df["existing"] = (nb.isna() | (nb.fillna(0) < first_year)).to_numpy(bool)
    if "uses_gas_today" in ds:
        df["uses_gas"] = np.asarray(ds["uses_gas_today"].values, dtype=bool)
    else:
        gas = np.asarray(ds["gas_m3"].values, dtype=float).max(axis=1) > 0 if "gas_m3" in ds else False
        df["uses_gas"] = df["gas_free_year"].notna().to_numpy(bool) | gas
    return df


def measures(blocks: pd.DataFrame, years: list[int], text: Text) -> pd.DataFrame:
    """Per block (rows, same order) and year (columns): the measures of that year, comma-separated."""
    conn = {"mt": text["m_connection_mt"], "lt": text["m_connection_lt"], "hp": text["m_connection_hp"]}
    steps = [
        ("new_build_year", lambda r: text["m_new_build"]),
        ("insulation_year", lambda r: text["m_insulation"]),
        ("induction_year", lambda r: text["m_induction"]),
        ("connection_year", lambda r: conn.get(r["option"], "")),
        ("demolition_year", lambda r: text["m_demolition"]),
    ]
    cells: list[list[list[str]]] = [[[] for _ in years] for _ in range(len(blocks))]
    col_of = {y: j for j, y in enumerate(years)}
    for i, row in enumerate(blocks.to_dict("records")):
        for col, word in steps:
            y = row.get(col)
            if y is None or pd.isna(y) or int(y) not in col_of:
                continue
            w = word(row)
            if w:
                cells[i][col_of[int(y)]].append(w)
    return pd.DataFrame([[", ".join(c) for c in r] for r in cells], columns=years, index=blocks.index)


def group_table(blocks: pd.DataFrame, by: str, deadline: int) -> pd.DataFrame:
    """Per group: blocks, dwellings, dwellings off gas by ``deadline``, mean switch year, cost.

    Counted: today's and new-build dwellings; today's dwellings off gas by ``deadline`` (never on
    gas, converted or demolished by then) and their share. ``blocks`` is a :func:`block_frame`;
    the share over all groups equals ``gas_free_share`` in the deadline year (the summary's
    definition).
    """
    d = blocks
    today = d["existing"].to_numpy(bool)
    dw = d["dwellings"].to_numpy(float)
    gfy = d["gas_free_year"].astype("Float64").to_numpy(dtype=float, na_value=np.inf)
    off = today & (~d["uses_gas"].to_numpy(bool) | (gfy <= deadline))
    sw = today & d["connection_year"].notna().to_numpy()
    con = d["connection_year"].astype("Float64").to_numpy(dtype=float, na_value=0.0)
    parts = pd.DataFrame(
        {
            by: d[by].to_numpy(),
            "blocks": 1,
            "dwellings_today": np.where(today, dw, 0.0),
            "new_build_dwellings": np.where(today, 0.0, dw),
            "gas_free_by_deadline": np.where(off, dw, 0.0),
            "_sw": np.where(sw, dw, 0.0),
            "_sw_year": np.where(sw, con * dw, 0.0),
            "cost_eur": d["cost_eur"].to_numpy(float),
        }
    )
    g = parts.groupby(by, sort=True).sum()
    today_dw = g["dwellings_today"].where(g["dwellings_today"] > 0)
    g["gas_free_share"] = g["gas_free_by_deadline"] / today_dw
    g["mean_switch_year"] = g["_sw_year"] / g["_sw"].where(g["_sw"] > 0)
    for c in ("dwellings_today", "new_build_dwellings", "gas_free_by_deadline"):
        g[c] = g[c].round().astype(np.int64)
    return g.drop(columns=["_sw", "_sw_year"])


def key_figures(plan: Plan) -> dict[str, Any]:
    """The headline numbers: from summary_json where present, else computed from the variables."""
    ds, s = plan.ds, plan.summary
    share = np.asarray(ds["gas_free_share"].values, dtype=float)
    years = plan.years
    reached = s.get("gas_free_year_reached")
    if reached is None and "gas_free_year_reached" not in s:
        full = [y for y, v in zip(years, share, strict=True) if v >= 1 - 1e-9]
        reached = full[0] if full else None
    npv_by_item = _npv_by_item(ds, s)
    met = s.get("deadline_met")
    if met is None and plan.deadline is not None:
        met = reached is not None and reached <= plan.deadline
    return {
        "blocks": int(ds.sizes["block"]),
        "dwellings": int(np.asarray(ds["dwellings"].values).sum()),
        "deadline": plan.deadline,
        "gas_free_year_reached": reached,
        "deadline_met": met,
        "cost_total_eur": float(np.asarray(ds["cost_eur"].values, dtype=float).sum()),
        "cost_npv_by_item_eur": npv_by_item,
        "cost_npv_total_eur": float(sum(npv_by_item.values())) if npv_by_item else None,
        "required_pace_dwellings_per_yr": s.get("required_pace_dwellings_per_yr"),
        "earliest_gas_free_year": s.get("earliest_gas_free_year"),
        "solver": s.get("solver") or {},
    }


def _npv_by_item(ds: xr.Dataset, s: dict[str, Any]) -> dict[str, float]:
    """NPV per item: the ``cost_npv_eur`` variable, else summary_json's ``cost_npv_eur``."""
    if "cost_npv_eur" in ds and tuple(ds["cost_npv_eur"].dims) == ("item",):
        vals = np.asarray(ds["cost_npv_eur"].values, dtype=float)
        return {str(k): float(v) for k, v in zip(strings(ds["item"]), vals, strict=True)}
    npv = s.get("cost_npv_eur")
    if not isinstance(npv, dict):
        return {}
    by_item = npv.get("by_item", {k: v for k, v in npv.items() if k != "total"})
    return {str(k): float(v) for k, v in by_item.items() if isinstance(v, int | float)}


def cost_by_year(ds: xr.Dataset) -> pd.DataFrame:
    """Undiscounted cost per year (rows) and item (columns), EUR."""
    da = ds["cost_eur_by_year"].transpose("year", "item")
    return pd.DataFrame(
        np.asarray(da.values, dtype=float),
        index=[int(y) for y in ds["year"].values],
        columns=list(strings(ds["item"])),
    )


def per_year(ds: xr.Dataset) -> pd.DataFrame:
    """Per year: switched, insulated and induction dwellings, gas-free share, verified, failing blocks."""
    cols: dict[str, Any] = {
        v: np.asarray(ds[v].values)
        for v in ("switched_dwellings", "insulated_dwellings", "induction_dwellings", "gas_free_share")
    }
    if "verified" in ds:
        cols["verified"] = np.asarray(ds["verified"].values, dtype=bool)
    if "n_failing_blocks" in ds:
        cols["n_failing_blocks"] = np.asarray(ds["n_failing_blocks"].values).astype(int)
    return pd.DataFrame(cols, index=[int(y) for y in ds["year"].values])


def rounds_frame(ds: xr.Dataset) -> pd.DataFrame:
    """One row per verification round (empty when plan.nc has none)."""
    names = ("round_failures", "round_cuts_added", "round_objective_eur", "round_failing_years", "round_note")
    if "round" not in ds.coords:
        return pd.DataFrame(columns=["round", *names])
    df = pd.DataFrame({"round": np.asarray(ds["round"].values).astype(int)})
    for n in names:
        if n in ds:
            df[n] = strings(ds[n]) if n in ("round_failing_years", "round_note") else np.asarray(ds[n].values)
    return df


def pipes_frame(ds: xr.Dataset) -> pd.DataFrame:
    """One row per pipe: id, regime, DN, length, build year (Int64, NA if never built), kind, end points."""
    cols = ("pipe_id", "regime", "dn", "length_m", "build_year", "kind", "from_x", "from_y", "to_x", "to_y")
    need = ("pipe_regime", "pipe_from_x_rd", "pipe_from_y_rd", "pipe_to_x_rd", "pipe_to_y_rd", "pipe_dn")
    if "pipe" not in ds.coords or any(v not in ds for v in need):
        return pd.DataFrame(
            {c: pd.Series(dtype=float if c not in ("pipe_id", "regime", "kind") else object) for c in cols}
        )
    n = ds.sizes["pipe"]
    num = lambda v: np.asarray(ds[v].values, dtype=float) if v in ds else np.full(n, np.nan)  # noqa: E731
    return pd.DataFrame(
        {
            "pipe_id": strings(ds["pipe"]),
            "regime": strings(ds["pipe_regime"]),
            "dn": np.asarray(ds["pipe_dn"].values).round().astype(np.int64),
            "length_m": num("pipe_length_m"),
            "build_year": whole_years(ds["pipe_build_year"]) if "pipe_build_year" in ds else pd.NA,
            "kind": strings(ds["pipe_kind"]) if "pipe_kind" in ds else "",
            "from_x": num("pipe_from_x_rd"),
            "from_y": num("pipe_from_y_rd"),
            "to_x": num("pipe_to_x_rd"),
            "to_y": num("pipe_to_y_rd"),
        }
    )


def sources_frame(ds: xr.Dataset) -> pd.DataFrame:
    """One row per source: id, name, regime, nominal capacity (MW), available year, position."""
    cols = ("source_id", "name", "regime", "capacity_mw", "available_year", "x_rd", "y_rd")
    if "source" not in ds.coords or "source_x_rd" not in ds or "source_y_rd" not in ds:
        return pd.DataFrame(
            {c: pd.Series(dtype=float if c in ("capacity_mw", "x_rd", "y_rd") else object) for c in cols}
        )
    n = ds.sizes["source"]
    ids = strings(ds["source"])
    return pd.DataFrame(
        {
            "source_id": ids,
            "name": strings(ds["source_name"]) if "source_name" in ds else ids,
            "regime": strings(ds["source_regime"]) if "source_regime" in ds else "",
            "capacity_mw": np.asarray(ds["source_capacity_mw_nominal"].values, dtype=float)
            if "source_capacity_mw_nominal" in ds
            else np.full(n, np.nan),
            "available_year": whole_years(ds["available_year"]) if "available_year" in ds else pd.NA,
            "x_rd": np.asarray(ds["source_x_rd"].values, dtype=float),
            "y_rd": np.asarray(ds["source_y_rd"].values, dtype=float),
        }
    )


def grid_frames(ds: xr.Dataset) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """The grid's stations (id, position, kVA, loading per year and highest) and cables; None without."""
    if "grid_station_x_rd" not in ds or "grid_cable" not in ds.coords:
        return None
    load = ds["grid_station_loading_pct"].transpose("grid_station", "year")
    stations = pd.DataFrame(
        {
            "station_id": strings(ds["grid_station"]),
            "x_rd": np.asarray(ds["grid_station_x_rd"].values, float),
            "y_rd": np.asarray(ds["grid_station_y_rd"].values, float),
            "kva": np.asarray(ds["grid_station_kva"].values, float),
            "loading_max_pct": np.nanmax(np.asarray(load.values, float), axis=1, initial=0.0),
        }
    )
    if "grid_station_reinforce_year" in ds:
        stations["reinforce_year"] = np.asarray(ds["grid_station_reinforce_year"].values, float)
    for k, y in enumerate(ds["year"].values):
        col = np.asarray(load.values[:, k], float)
        if not np.isnan(col).all():
            stations[f"loading_{int(y)}_pct"] = col
    cables = pd.DataFrame(
        {"cable_id": strings(ds["grid_cable"]), "std_type": strings(ds["grid_cable_std_type"]),
         "parallel": np.asarray(ds["grid_cable_parallel"].values, int),
         "loading_max_pct": np.asarray(ds["grid_cable_highest_loading_pct"].values, float)}
        | {c: np.asarray(ds[f"grid_cable_{c}"].values, float)
           for c in ("length_m", "from_x", "from_y", "to_x", "to_y")}
    )  # fmt: skip
    if "grid_cable_reinforce_year" in ds:
        cables["reinforce_year"] = np.asarray(ds["grid_cable_reinforce_year"].values, float)
    return stations, cables


def _station_years(ds: xr.Dataset, name: str) -> np.ndarray:
    """A per-station, per-year variable as (station, year) floats; NaN where plan.nc lacks it."""
    if name not in ds:
        return np.full((ds.sizes["grid_station"], ds.sizes["year"]), np.nan)
    return np.asarray(ds[name].transpose("grid_station", "year").values, float)


def _extreme(a: np.ndarray, years: np.ndarray, highest: bool) -> tuple[np.ndarray, pd.Series]:
    """Per row the highest (lowest) finite value and the first year it occurs; NaN and NA without one."""
    ok = np.isfinite(a).any(axis=1) if a.shape[1] else np.zeros(len(a), bool)
    if not ok.any():
        return np.full(len(a), np.nan), pd.Series(pd.array([pd.NA] * len(a), dtype="Int64"))
    filled = np.where(np.isfinite(a), a, -np.inf if highest else np.inf)
    k = filled.argmax(axis=1) if highest else filled.argmin(axis=1)
    val = np.where(ok, a[np.arange(len(a)), k], np.nan)
    year = pd.array(np.where(ok, years[k], 0), dtype="Int64")
    year[~ok] = pd.NA
    return val, pd.Series(year)


def grid_stations(ds: xr.Dataset) -> pd.DataFrame | None:
    """Per MV/LV station its rating, highest loading, lowest voltage; None without station positions.

    Columns: station_id, x_rd, y_rd, kva (today), kva_last_year (a reinforcement included),
    loading_max_pct and loading_max_year (highest over the years), vm_min_pu and vm_min_year (lowest
    voltage behind it), reinforce_year (NA: not reinforced).
    """
    if "grid_station_x_rd" not in ds or "grid_station" not in ds.coords:
        return None
    years = np.asarray(ds["year"].values, int)
    kva = np.asarray(ds["grid_station_kva"].values, float)
    load_max, load_year = _extreme(_station_years(ds, "grid_station_loading_pct"), years, True)
    vm_min, vm_year = _extreme(_station_years(ds, "grid_station_vm_min_pu"), years, False)
    cap = _station_years(ds, "grid_station_capacity_kva")
    cap_last = cap[:, -1] if cap.shape[1] else np.full(len(kva), np.nan)
    n = ds.sizes["grid_station"]
    reinforced = (
        whole_years(ds["grid_station_reinforce_year"])
        if "grid_station_reinforce_year" in ds
        else pd.Series(pd.array([pd.NA] * n, dtype="Int64"))
    )
    return pd.DataFrame(
        {
            "station_id": strings(ds["grid_station"]),
            "x_rd": np.asarray(ds["grid_station_x_rd"].values, float),
            "y_rd": np.asarray(ds["grid_station_y_rd"].values, float),
            "kva": kva,
            "kva_last_year": np.where(np.isfinite(cap_last), cap_last, kva),
            "loading_max_pct": load_max,
            "loading_max_year": load_year,
            "vm_min_pu": vm_min,
            "vm_min_year": vm_year,
            "reinforce_year": reinforced,
        }
    )


def grid_reinforcements(ds: xr.Dataset) -> pd.DataFrame | None:
    """One row per planned grid reinforcement; None when plan.nc plans none (no ``grid_reinforcement``).

    Columns: element_id, kind ("station" or "feeder"), station_id, year, cost_eur (undiscounted).
    """
    if "grid_reinforcement" not in ds.coords:
        return None
    n = ds.sizes["grid_reinforcement"]
    col = lambda v: strings(ds[v]) if v in ds else np.full(n, "", dtype=object)  # noqa: E731
    return pd.DataFrame(
        {
            "element_id": strings(ds["grid_reinforcement"]),
            "kind": col("grid_reinforcement_kind"),
            "station_id": col("grid_reinforcement_station_id"),
            "year": whole_years(ds["grid_reinforcement_year"]),
            "cost_eur": np.asarray(ds["grid_reinforcement_cost_eur"].values, float),
        }
    )


def grid_by_year(ds: xr.Dataset) -> pd.DataFrame | None:
    """Per year the grid was checked, the grid's figures; None when plan.nc has no grid check.

    Columns: peak_mw (winter-evening peak), station_loading_max_pct, vm_min_pu (lowest voltage),
    stations_over, cables_over, buses_out_of_band (these four NaN where the load flow did not
    converge); and when plan.nc plans reinforcements, reinforced_stations, reinforced_feeders and
    reinforcement_cost_eur (EUR, undiscounted) of that year.
    """
    if "grid_peak_mw" not in ds:
        return None
    num = lambda v: np.asarray(ds[v].values, float) if v in ds else np.full(ds.sizes["year"], np.nan)  # noqa: E731
    ok = num("grid_converged") != 0  # NaN (no flag) counts as converged
    df = pd.DataFrame(
        {
            "peak_mw": num("grid_peak_mw"),
            "station_loading_max_pct": np.where(ok, num("grid_station_loading_max_pct"), np.nan),
            "vm_min_pu": np.where(ok, num("grid_vm_min_pu"), np.nan),
            **{f: np.where(ok, num(f"grid_{f}"), np.nan) for f in ("stations_over", "cables_over")},
            "buses_out_of_band": np.where(ok, num("grid_buses_out_of_band"), np.nan),
        },
        index=pd.Index([int(y) for y in ds["year"].values], name="year"),
    )
    r = grid_reinforcements(ds)
    if r is not None:
        r = r.dropna(subset=["year"]).astype({"year": int})
        counts = pd.crosstab(r["year"], r["kind"]).reindex(columns=["station", "feeder"], fill_value=0)
        df["reinforced_stations"] = counts["station"].reindex(df.index, fill_value=0).astype(int)
        df["reinforced_feeders"] = counts["feeder"].reindex(df.index, fill_value=0).astype(int)
        df["reinforcement_cost_eur"] = r.groupby("year")["cost_eur"].sum().reindex(df.index, fill_value=0.0)
        return df[df["peak_mw"].notna() | (df["reinforced_stations"] + df["reinforced_feeders"] > 0)]
    return df[df["peak_mw"].notna()]


def grid_station_year(ds: xr.Dataset, year: int) -> pd.DataFrame:
    """Per MV/LV station in ``year``: station_id, loading_pct and vm_min_pu (NaN where plan.nc has none)."""
    k = [int(y) for y in ds["year"].values].index(year)
    return pd.DataFrame(
        {
            "station_id": strings(ds["grid_station"]),
            "loading_pct": _station_years(ds, "grid_station_loading_pct")[:, k],
            "vm_min_pu": _station_years(ds, "grid_station_vm_min_pu")[:, k],
        }
    )


def grid_cable_ends(ds: xr.Dataset) -> pd.DataFrame | None:
    """Per grid cable: cable_id, end points (RD) and the year it is reinforced (NaN: not); None without."""
    ends = ("from_x", "from_y", "to_x", "to_y")
    if "grid_cable" not in ds.coords or any(f"grid_cable_{c}" not in ds for c in ends):
        return None
    n = ds.sizes["grid_cable"]
    df = pd.DataFrame({"cable_id": strings(ds["grid_cable"])})
    for c in (*ends, "reinforce_year"):
        v = f"grid_cable_{c}"
        df[c] = np.asarray(ds[v].values, float) if v in ds else np.full(n, np.nan)
    return df
