"""plan.nc: the plan as one xarray Dataset (layout in docs/plan-format.md)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from heatplan.optimisation.accounting import ITEMS
from heatplan.plan.outputs import YEAR_COLUMNS, bypass_costs
from heatplan.plan.pipeline import Plan


def _years_float(s: pd.Series) -> np.ndarray:
    return s.astype("Float64").to_numpy(dtype=float, na_value=np.nan)


def _block_vars(plan: Plan, sched: pd.DataFrame) -> dict[str, Any]:
    s = plan.stock
    fail: dict[str, str] = {}
    for c in plan.checks:
        for b, r in c.failing.items():
            fail.setdefault(b, f"{c.year} {c.load}: {r}")
    ids = sched["block_id"].to_numpy()
    out: dict[str, Any] = {
        name: ("block", s[col].fillna("").astype(str).to_numpy())
        for name, col in (
            ("wijk_code", "wijk_code"),
            ("buurt_code", "buurt_code"),
            ("owner", "owner"),
            ("owner_type", "owner_type"),
            ("street", "street"),
            ("label_now", "label"),
        )
    }
    out.update(
        {
            "dwellings": ("block", s["dwellings"].to_numpy(int)),
            "x_rd": ("block", s["x_rd"].to_numpy(float)),
            "y_rd": ("block", s["y_rd"].to_numpy(float)),
            "label_target": ("block", sched["label_target"].astype(str).to_numpy()),
            "option": ("block", sched["option"].astype(str).to_numpy()),
            "demolition_year": ("block", _years_float(s["demolition_year"])),
            "new_build_year": ("block", _years_float(s["new_build_year"])),
            "cost_eur": ("block", sched["cost_eur"].to_numpy(float)),
            "verified_ok": ("block", np.array([b not in fail for b in ids])),
            "fail_reason": ("block", np.array([fail.get(b, "") for b in ids], dtype=str)),
        }
    )
    for col in YEAR_COLUMNS:
        out[col] = ("block", _years_float(sched[col]))
    return out


def _year_vars(plan: Plan, summ: dict[str, Any], years: list[int]) -> dict[str, Any]:
    failing = set(summ["failing_years"])
    verified = set(summ["verified_years"])
    n_fail = {y: 0 for y in years}
    for c in plan.checks:
        n_fail[c.year] = n_fail.get(c.year, 0) + len(c.failing)
    get = lambda key: np.array([summ[key].get(str(y), 0) for y in years])  # noqa: E731
    return {
        "switched_dwellings": ("year", get("switched_dwellings_by_year").astype(int)),
        "insulated_dwellings": ("year", get("insulated_dwellings_by_year").astype(int)),
        "induction_dwellings": ("year", get("induction_dwellings_by_year").astype(int)),
        "gas_free_share": ("year", get("gas_free_share_by_year").astype(float)),
        "verified": ("year", np.array([y in verified and y not in failing for y in years])),
        "n_failing_blocks": ("year", np.array([n_fail.get(y, 0) for y in years], int)),
    }


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
    cap = np.where(avail, src["capacity_mw"].to_numpy(float)[None, :], 0.0)
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


def _cost_vars(plan: Plan, years: list[int], summ: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    rd = plan.result.dataset
    items = [*ITEMS, "bypass_capex", "bypass_heat_loss"]
    by_year = np.zeros((len(years), len(items)))
    ypos = {int(y): i for i, y in enumerate(rd["year"].to_numpy())}
    for j, item in enumerate(ITEMS):
        per_year = rd[f"cost_{item}_eur"].sum("block").to_numpy()
        for i, y in enumerate(years):
            by_year[i, j] = per_year[ypos[y]] if y in ypos else 0.0
    _, bypass = bypass_costs(plan)
    for j, col in enumerate(("bypass_capex", "bypass_heat_loss"), start=len(ITEMS)):
        by_year[:, j] = bypass[col].reindex(years).fillna(0.0).to_numpy()
    npv = [float(summ["cost_npv_eur"]["by_item"].get(i, 0.0)) for i in items]
    return items, {"cost_eur_by_year": (("year", "item"), by_year), "cost_npv_eur": ("item", np.array(npv))}


def plan_dataset(plan: Plan, sched: pd.DataFrame, summ: dict[str, Any]) -> xr.Dataset:
    """Everything the report needs, with dims block, year, item, regime, source, pipe, round."""
    rd = plan.result.dataset
    years = [int(y) for y in rd["year"].to_numpy()]
    items, cost = _cost_vars(plan, years, summ)
    pipes = _pipe_frame(plan)
    data = {**_block_vars(plan, sched), **_year_vars(plan, summ, years), **_network_vars(plan, years), **cost}
    gas = rd["gas_m3"].reindex(block=sched["block_id"].to_numpy()).fillna(0.0).to_numpy()
    data["gas_m3"] = (("block", "year"), gas)
    conn = sched["connection_year"].astype("Float64").fillna(np.inf).to_numpy(float)
    data["connected"] = (("block", "year"), conn[:, None] <= np.array(years)[None, :])
    for col in pipes.columns.drop("pipe"):
        data[col] = ("pipe", pipes[col].to_numpy())
    data.update(
        {
            "round_failures": ("round", np.array([r.n_failures for r in plan.rounds], int)),
            "round_cuts_added": ("round", np.array([r.cuts_added for r in plan.rounds], int)),
            "round_objective_eur": ("round", np.array([r.objective_eur for r in plan.rounds], float)),
            "round_failing_years": (
                "round",
                np.array([",".join(map(str, r.failing_years)) for r in plan.rounds], dtype=str),
            ),
            "round_note": ("round", np.array([" | ".join(r.notes)[:2000] for r in plan.rounds], dtype=str)),
        }
    )
    coords = {
        "block": sched["block_id"].to_numpy(dtype=str),
        "year": years,
        "item": items,
        "regime": ["mt", "lt"],
        "source": plan.nets.sources["source_id"].astype(str).to_numpy(),
        "pipe": pipes["pipe"].to_numpy(dtype=str),
        "round": [r.number for r in plan.rounds],
    }
    return xr.Dataset(data, coords=coords)
