"""plan.nc: the plan as one xarray Dataset, built once from the plan's results.

Layout in docs/plan-format.md. schedule.csv and summary.json are derived from this Dataset
(:mod:`heatplan.planfile`); each figure is computed here and only here.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from heatplan import __version__, failures
from heatplan.buildings.sources import deliverable_mw, peak_boiler_mw
from heatplan.buildings.stock import today_mask
from heatplan.optimisation.accounting import ITEMS
from heatplan.optimisation.national import ELECTRICITY_USES
from heatplan.plan.actors import actor_vars
from heatplan.plan.economics import heat_and_electricity_vars, option_cost_vars
from heatplan.plan.grid_check import grid_vars
from heatplan.plan.notes import round_lines
from heatplan.plan.pipeline import Plan
from heatplan.plan.resize import Resize
from heatplan.planfile import BYPASS_ITEMS, FAILURE_COLUMNS, YEAR_COLUMNS
from heatplan.scenario import scenario_to_toml

PACKAGES = ("heatplan", "pandapipes", "pandapower", "pyomo", "highspy", "pandas", "numpy", "xarray")
#: The bypass remedy's cost items, after the optimiser's (heatplan.optimisation.accounting.ITEMS).


def package_versions() -> dict[str, str]:
    """Versions of the packages that made the plan."""
    out = {}
    for p in PACKAGES:
        try:
            out[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            out[p] = "not installed"
    return out


def bypass_costs(plan: Plan) -> tuple[pd.Series, pd.DataFrame]:
    """Bypass remedy: cost per block (EUR, undiscounted) and per year (capex, extra heat loss)."""
    v = plan.scenario.verification
    first: dict[str, int] = {}
    loss_eur: dict[int, float] = {}
    for c in plan.checks:
        if c.load != "low" or not c.bypass_blocks:
            continue
        for b in c.bypass_blocks:
            first[b] = min(first.get(b, c.year), c.year)
        gj = max(c.bypass_extra_loss_w, 0.0) * v.low_load_hours_per_yr * 3600 / 1e9
        loss_eur[c.year] = loss_eur.get(c.year, 0.0) + gj * v.heat_loss_eur_per_gj
    per_block = pd.Series(0.0, index=plan.stock["block_id"].astype(str))
    years = sorted({c.year for c in plan.checks})
    by_year = pd.DataFrame({k: 0.0 for k in BYPASS_ITEMS}, index=pd.Index(years, name="year"))
    for b, y in first.items():
        per_block[b] += v.bypass_cost_eur_per_block
        by_year.loc[y, "bypass_capex"] += v.bypass_cost_eur_per_block
    for y, eur in loss_eur.items():
        by_year.loc[y, "bypass_heat_loss"] += eur
        shares = [b for b, y0 in first.items() if y0 <= y]
        for b in shares:
            per_block[b] += eur / len(shares)
    return per_block, by_year


def _years_float(s: pd.Series) -> np.ndarray:
    return s.astype("Float64").to_numpy(dtype=float, na_value=np.nan)


def _schedule_vars(plan: Plan) -> dict[str, Any]:
    """The plan's per-block decisions: target label, option, years of each measure, cost."""
    s, t = plan.stock, plan.table
    target = t["insulation_label"].fillna("").astype(str)
    per_block_bypass, _ = bypass_costs(plan)
    out: dict[str, Any] = {
        "label_target": ("block", np.where(target != "", target, s["label"]).astype(str)),
        "option": ("block", t["option"].fillna("").astype(str).to_numpy()),
        "cost_eur": (
            "block",
            (t["cost_eur"].fillna(0.0).to_numpy() + per_block_bypass.to_numpy()).round(2),
        ),
    }
    for col in YEAR_COLUMNS:
        out[col] = ("block", _years_float(t[col].astype("Int64")))
    return out


def _block_vars(plan: Plan) -> dict[str, Any]:
    s = plan.stock
    ids = s["block_id"].astype(str).to_numpy()
    fail: dict[str, str] = {}
    for c in plan.checks:
        for b, r in failures.block_reasons(c.failures).items():
            fail.setdefault(b, f"{c.year} {c.load}: {r}")
    bypass = {b for c in plan.checks for b in c.bypass_blocks}
    out: dict[str, Any] = {
        name: ("block", s[col].fillna("").astype(str).to_numpy())
        for name, col in (
            ("wijk_code", "wijk_code"),
            ("buurt_code", "buurt_code"),
            ("owner", "owner"),
            ("owner_type", "owner_type"),
            ("street", "street"),
            ("label_now", "label"),
            ("dwelling_type", "dwelling_type"),
        )
    }
    out.update(
        {
            "dwellings": ("block", s["dwellings"].to_numpy(int)),
            "existing": ("block", today_mask(s).to_numpy(bool)),
            "x_rd": ("block", s["x_rd"].to_numpy(float)),
            "y_rd": ("block", s["y_rd"].to_numpy(float)),
            "demolition_year": ("block", _years_float(s["demolition_year"])),
            "new_build_year": ("block", _years_float(s["new_build_year"])),
            "uses_gas_today": ("block", _uses_gas(s)),
            "verified_ok": ("block", np.array([b not in fail for b in ids])),
            "fail_reason": ("block", np.array([fail.get(b, "") for b in ids], dtype=str)),
            "bypass": ("block", np.array([b in bypass for b in ids])),
        }
    )
    return {**out, **_schedule_vars(plan)}


def _uses_gas(s: pd.DataFrame) -> np.ndarray:
    """Blocks that heat or cook with gas today."""
    heat = s["heating"].isin(["gas_boiler", "block_heating"])
    return (heat | (s["cooking"] == "gas")).to_numpy(bool)


def _dwellings_by_year(dw: np.ndarray, year_of: np.ndarray, mask: np.ndarray, years: list[int]) -> np.ndarray:
    """Dwellings (of the ``mask`` blocks) whose measure falls in each year."""
    take = mask & ~np.isnan(year_of)
    counts = pd.Series(dw[take]).groupby(year_of[take].astype(int)).sum()
    return np.array([int(counts.get(y, 0)) for y in years], dtype=np.int64)


def _year_vars(blocks: dict[str, Any], plan: Plan, years: list[int]) -> dict[str, Any]:
    """Per year: dwellings switched, insulated, with induction; gas-free share; verification."""
    dw = blocks["dwellings"][1].astype(float)
    today = blocks["existing"][1]
    conn = blocks["connection_year"][1]
    gfy = np.nan_to_num(blocks["gas_free_year"][1], nan=np.inf)
    off = ~blocks["uses_gas_today"][1]
    share = [round(float(dw[today & (off | (gfy <= y))].sum() / dw[today].sum()), 4) for y in years]
    checked = {c.year for c in plan.checks}
    failing = {c.year for c in plan.checks if not c.ok}
    if plan.grid is not None and not plan.grid.failures.empty:  # the grid's check counts too
        failing |= {int(y) for y in plan.grid.failures["year"]}
    n_fail = {y: 0 for y in years}
    for c in plan.checks:
        n_fail[c.year] = n_fail.get(c.year, 0) + len(c.failing_blocks)
    count = lambda col, mask: _dwellings_by_year(dw, blocks[col][1], mask, years)  # noqa: E731
    return {
        "switched_dwellings": ("year", count("connection_year", today)),
        "new_build_connected_dwellings": ("year", _dwellings_by_year(dw, conn, ~today, years)),
        "insulated_dwellings": ("year", count("insulation_year", today)),
        "induction_dwellings": ("year", count("induction_year", today)),
        "gas_free_share": ("year", np.array(share, float)),
        "verified": ("year", np.array([y in checked and y not in failing for y in years])),
        "failing": ("year", np.array([y in failing for y in years])),
        "n_failing_blocks": ("year", np.array([n_fail.get(y, 0) for y in years], int)),
    }


def _col(table: pd.DataFrame, name: str, fill: float) -> np.ndarray:
    """A column as numbers, ``fill`` where the table has none."""
    return table[name].to_numpy(float) if name in table else np.full(len(table), float(fill))


def _network_vars(plan: Plan, years: list[int]) -> dict[str, Any]:
    regimes = ["mt", "lt"]
    shape = (len(years), len(regimes))
    tmin, loss, tlow = np.full(shape, np.nan), np.full(shape, np.nan), np.full(shape, np.nan)
    src = plan.nets.sources
    sids = src["source_id"].astype(str).tolist()
    load = np.zeros((len(years), len(sids)))
    ypos = {y: i for i, y in enumerate(years)}
    for c in plan.checks:
        if c.year not in ypos or c.regime not in regimes:
            continue
        i, j = ypos[c.year], regimes.index(c.regime)
        if c.load == "design":
            tmin[i, j], loss[i, j] = c.min_supply_temp_c, c.heat_loss_pct
            for s, mw in c.source_load_mw.items():
                if s in sids:
                    load[i, sids.index(s)] = mw
        else:
            tlow[i, j] = c.min_supply_temp_c
    avail = np.array(years)[:, None] >= src["available_year"].to_numpy()[None, :]
    cap = np.where(avail, deliverable_mw(src)[None, :], 0.0)
    return {
        "min_supply_temp_c": (("year", "regime"), tmin),
        "heat_loss_pct": (("year", "regime"), loss),
        "low_load_min_supply_temp_c": (("year", "regime"), tlow),
        "source_load_mw": (("year", "source"), load),
        "source_capacity_mw": (("year", "source"), cap),
        "source_name": ("source", src["name"].astype(str).to_numpy()),
        "source_x_rd": ("source", src["x_rd"].to_numpy(float)),
        "source_y_rd": ("source", src["y_rd"].to_numpy(float)),
        "source_regime": ("source", src["regime"].astype(str).to_numpy()),
        "source_capacity_mw_nominal": ("source", src["capacity_mw"].to_numpy(float)),
        "source_peak_boiler_mw": ("source", peak_boiler_mw(src)),
        "source_existing_mw": ("source", _col(src, "existing_mw", 0.0)),
        "source_existing_dwellings": ("source", _col(src, "existing_dwellings", 0).astype(int)),
        "available_year": ("source", src["available_year"].to_numpy(int)),
    }


def _pipe_frame(plan: Plan) -> pd.DataFrame:
    frames = []
    built = plan.result.edges.set_index(["regime", "edge_id"])["build_year"]
    for regime, layout in plan.nets.layouts.items():
        e = layout.edges.merge(plan.nets.sizings[regime][["edge_id", "dn"]], on="edge_id", how="left")
        xy = layout.nodes[["x_rd", "y_rd"]]
        f = xy.reindex(e["from_node"]).to_numpy()
        t = xy.reindex(e["to_node"]).to_numpy()
        by = [built.get((regime, eid), pd.NA) for eid in e["edge_id"]]
        frames.append(
            pd.DataFrame(
                {
                    "pipe": [f"{regime}:{x}" for x in e["edge_id"]],
                    "pipe_regime": regime,
                    "pipe_from_x_rd": f[:, 0],
                    "pipe_from_y_rd": f[:, 1],
                    "pipe_to_x_rd": t[:, 0],
                    "pipe_to_y_rd": t[:, 1],
                    "pipe_dn": e["dn"].fillna(0).astype(int),
                    "pipe_length_m": e["length_m"].astype(float),
                    "pipe_build_year": pd.array(by, dtype="Float64").to_numpy(dtype=float, na_value=np.nan),
                    "pipe_kind": e["kind"].astype(str),
                }
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame({"pipe": []})


def _cost_vars(plan: Plan, years: list[int]) -> dict[str, Any]:
    """Undiscounted cost per year and item; NPV per item (EUR, whole euros), bypass items included."""
    rd, sc = plan.result.dataset, plan.scenario
    items = [*ITEMS, *BYPASS_ITEMS]
    by_year = np.zeros((len(years), len(items)))
    ypos = {int(y): i for i, y in enumerate(rd["year"].to_numpy())}
    for j, item in enumerate(ITEMS):
        per_year = rd[f"cost_{item}_eur"].sum("block").to_numpy()
        for i, y in enumerate(years):
            by_year[i, j] = per_year[ypos[y]] if y in ypos else 0.0
    _, bypass = bypass_costs(plan)
    for j, col in enumerate(BYPASS_ITEMS, start=len(ITEMS)):
        by_year[:, j] = bypass[col].reindex(years).fillna(0.0).to_numpy()
    npv = {k: round(float(v), 0) for k, v in plan.result.cost_npv_eur.items() if k != "total"}
    disc = (1 + sc.prices.discount_rate) ** -(bypass.index.to_numpy() - sc.prices.base_year).astype(float)
    for col in BYPASS_ITEMS:
        npv[col] = round(float((bypass[col].to_numpy() * disc).sum()), 0)
    nat = rd["national_cost_eur"].reindex(item=items, fill_value=0.0).to_numpy()
    epos = {int(y): i for i, y in enumerate(rd["eval_year"].to_numpy())}
    for j, col in enumerate(BYPASS_ITEMS, start=len(ITEMS)):
        for y, v in bypass[col].items():
            if int(y) in epos:
                nat[epos[int(y)], j] = v
    return {
        "cost_eur_by_year": (("year", "item"), by_year),
        "cost_npv_eur": ("item", np.array([npv.get(i, 0.0) for i in items])),
        "national_cost_eur": (("eval_year", "item"), nat),
        "eval_discount_factor": (("eval_year",), rd["eval_discount_factor"].to_numpy()),
    }


def _round_vars(plan: Plan) -> dict[str, Any]:
    return {
        "round_failures": ("round", np.array([r.n_failures for r in plan.rounds], int)),
        "round_cuts_added": ("round", np.array([r.cuts_added for r in plan.rounds], int)),
        "round_objective_eur": ("round", np.array([r.objective_eur for r in plan.rounds], float)),
        "round_failing_years": (
            "round",
            np.array([",".join(map(str, r.failing_years)) for r in plan.rounds], dtype=str),
        ),
        "round_note": (
            "round",
            np.array([" | ".join(round_lines(r.actions))[:2000] for r in plan.rounds], dtype=str),
        ),
    }


def _failure_vars(plan: Plan) -> dict[str, Any]:
    """The failures that remain, one entry per failure along dim ``failure``."""
    f = plan.unresolved.reindex(columns=list(FAILURE_COLUMNS))
    out: dict[str, Any] = {}
    for col in FAILURE_COLUMNS:
        if col in ("value", "limit", "amount"):
            out[f"failure_{col}"] = ("failure", f[col].to_numpy(float))
        elif col == "year":
            out["failure_year"] = ("failure", f[col].to_numpy(np.int64))
        else:
            # plain str (ids read from numpy arrays are numpy strings, which netCDF cannot mix)
            out[f"failure_{col}"] = ("failure", np.array([str(v) for v in f[col]], dtype=object))
    return out


def _run_vars(plan: Plan) -> dict[str, Any]:
    """Time per stage and the optimiser's diagnostics."""
    return {
        "timing_s": ("stage", np.array(list(plan.timings_s.values()), float)),
        "diagnostics": ("diagnostic", np.array(plan.result.diagnostics, dtype=object)),
    }


def _attrs(plan: Plan) -> dict[str, Any]:
    """Scalars of the plan: scenario, deadline, solver, metadata (None values are left out)."""
    r, sc = plan.result, plan.scenario
    timed = r.timings_s.get("solve")
    values: dict[str, Any] = {
        "scenario_name": sc.name,
        "deadline": sc.years.deadline,
        "gas_free_year_reached": r.gas_free_year_reached,
        "network_simulations": plan.simulations,
        "stopped_by": plan.stopped_by,
        "solver_status": r.status,
        "solver_certified": int(r.certified),  # 0/1: NetCDF attributes hold no booleans
        "solver_reason": r.certified_reason,
        "solver_gap": r.gap,
        "solver_mip_gap": sc.solver.mip_gap,
        "solver_objective_eur": r.objective_eur,
        "solver_best_bound_eur": r.best_bound_eur,
        "solver_time_s": timed,
        "required_pace_dwellings_per_yr": r.required_pace_dwellings_per_yr,
        "earliest_gas_free_year": r.earliest_gas_free_year,
        "scenario_toml": scenario_to_toml(sc),
        "heatplan_version": __version__,
        "package_versions": json.dumps(package_versions()),
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "stock_source": plan.stock_source,
        "warnings_json": json.dumps(plan.warnings, ensure_ascii=False),
        "network_resize_json": json.dumps([_resize_dict(r) for r in plan.resizes]),
    }
    return {k: v for k, v in values.items() if v is not None}


def _resize_dict(r: Resize) -> dict[str, Any]:
    """One network's re-sizing for the plan's load, JSON-ready (EUR rounded)."""
    return {
        "regime": r.regime,
        "connected_blocks": r.connected_blocks,
        "edges_built": r.edges_built,
        "edges_smaller": r.edges_smaller,
        "built_cost_before_eur": round(r.built_cost_before_eur),
        "built_cost_after_eur": round(r.built_cost_after_eur),
        "reoptimised": r.reoptimised,
    }


def plan_dataset(plan: Plan) -> xr.Dataset:
    """The plan as one Dataset (docs/plan-format.md): every figure its files and reports show."""
    rd = plan.result.dataset
    years = [int(y) for y in rd["year"].to_numpy()]
    blocks = _block_vars(plan)
    pipes = _pipe_frame(plan)
    data = {
        **blocks,
        **_year_vars(blocks, plan, years),
        **_network_vars(plan, years),
        **_cost_vars(plan, years),
        **heat_and_electricity_vars(plan, years),
        **_round_vars(plan),
        **_failure_vars(plan),
        **_run_vars(plan),
    }
    ids = plan.stock["block_id"].astype(str).to_numpy()
    option_vars, option_coords = option_cost_vars(plan, ids)
    data.update(option_vars)
    grid_data, grid_coords = grid_vars(plan.grid, years)
    data.update(grid_data)
    data["gas_m3"] = (("block", "year"), rd["gas_m3"].reindex(block=ids).fillna(0.0).to_numpy())
    conn = np.nan_to_num(blocks["connection_year"][1], nan=np.inf)
    data["connected"] = (("block", "year"), conn[:, None] <= np.array(years)[None, :])
    for col in pipes.columns.drop("pipe"):
        data[col] = ("pipe", pipes[col].to_numpy())
    coords = {
        "block": ids,
        "year": years,
        "item": [*ITEMS, *BYPASS_ITEMS],
        "regime": ["mt", "lt"],
        "source": plan.nets.sources["source_id"].astype(str).to_numpy(),
        "pipe": pipes["pipe"].to_numpy(dtype=str),
        "round": [r.number for r in plan.rounds],
        "stage": list(plan.timings_s),
        "eval_year": plan.result.dataset["eval_year"].to_numpy(),
        "electricity_use": list(ELECTRICITY_USES),
        **option_coords,
        **grid_coords,
    }
    actor_data, actor_coords, actor_attrs = actor_vars(plan, ids, years)
    data.update(actor_data)
    coords.update(actor_coords)
    attrs = {**_attrs(plan), **actor_attrs}
    if plan.grid_model is not None:
        attrs["grid_source"] = plan.grid_model.source
    return xr.Dataset(data, coords=coords, attrs=attrs)
