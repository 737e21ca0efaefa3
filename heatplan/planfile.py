"""plan.nc, the contract between the plan and its readers: schedule.csv and summary.json from it.

``heatplan.plan.dataset`` builds the plan Dataset once from a plan's results (layout in
docs/plan-format.md); everything else is read from that Dataset: :func:`schedule_frame` gives
schedule.csv (and schedule.xlsx), :func:`summary` gives summary.json, :func:`actor_costs_frame` and
:func:`housing_frame` give actor_costs.csv and housing.csv. Each flow of the actor accounting is kept
per role (``owner``, ``occupant`` or a party's name); a block's owner type names the owner and the
occupant. This module needs only pandas and xarray, so the report can use it without loading the
planning machinery.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from heatplan import failures

#: The columns of schedule.csv, in order (plan-format.md).
SCHEDULE_COLUMNS = (
    "block_id", "wijk_code", "buurt_code", "owner", "dwellings", "label_now", "label_target", "option",
    "insulation_year", "induction_year", "connection_year", "gas_free_year", "cost_eur",
)  # fmt: skip
YEAR_COLUMNS = ("insulation_year", "induction_year", "connection_year", "gas_free_year")
#: schedule.csv and schedule.xlsx give block costs in whole cents (Excel keeps 15 significant digits).
COST_DECIMALS = 2
#: summary.json lists at most this many failures that remain (plan.nc has them all).
MAX_FAILURE_LINES = 200
#: Per year and per dwelling count: the summary key and the plan.nc variable.
DWELLINGS_BY_YEAR = {
    "switched_dwellings_by_year": "switched_dwellings",
    "new_build_connected_dwellings_by_year": "new_build_connected_dwellings",
    "insulated_dwellings_by_year": "insulated_dwellings",
    "induction_dwellings_by_year": "induction_dwellings",
}
#: Heat per network and year in plan.nc: variable ``yearly_<name>`` on (year, regime).
HEAT_VARS = ("connected_dwellings", "heat_delivered_gj", "heat_loss_gj", "vesta_heat_loss_gj")
#: The failures table in plan.nc: variable ``failure_<column>`` along dim ``failure``.
FAILURE_COLUMNS = (*failures.STATE_COLUMNS, *failures.COLUMNS)
#: plan.nc's ``cost_option`` coordinate: the heat options and the reference (a new gas boiler).
COST_OPTIONS = ("mt", "lt", "hp", "reference")
#: National cost items of the verification's bypasses, booked by the plan outside the model.
BYPASS_ITEMS = ("bypass_capex", "bypass_heat_loss")
#: The columns of option_costs.csv, in order (plan-format.md).
OPTION_COST_COLUMNS = ("block_id", "option", "item", "eur_per_yr", "npv_eur", "chosen", "option_reason")


def strings(da: xr.DataArray | np.ndarray) -> np.ndarray:
    """A string array (bytes decoded, missing values as "")."""
    vals = np.asarray(da.values if isinstance(da, xr.DataArray) else da, dtype=object)
    out = [
        v.decode("utf-8") if isinstance(v, bytes) else ("" if v is None or v != v else str(v)) for v in vals
    ]
    return np.array(out, dtype=object)


def whole_years(da: xr.DataArray) -> pd.Series:
    """A float year variable (NaN for none) as nullable integers."""
    vals = np.asarray(da.values, dtype=float)
    return pd.Series(pd.array(np.where(np.isnan(vals), np.nan, np.round(vals)), dtype="Int64"))


def schedule_frame(ds: xr.Dataset) -> pd.DataFrame:
    """The schedule table of plan-format.md, built from the Dataset; costs rounded to cents.

    Write schedule.csv with ``schedule_frame(ds).to_csv(path, index=False)`` so that it and
    schedule.xlsx hold identical numbers.
    """
    df = pd.DataFrame({"block_id": strings(ds["block"])})
    for col in SCHEDULE_COLUMNS[1:]:
        if col in YEAR_COLUMNS:
            df[col] = whole_years(ds[col])
        elif col == "dwellings":
            df[col] = np.asarray(ds[col].values).round().astype(np.int64)
        elif col == "cost_eur":
            df[col] = np.round(np.asarray(ds[col].values, dtype=float), COST_DECIMALS)
        else:
            df[col] = strings(ds[col])
    return df


def failures_frame(ds: xr.Dataset) -> pd.DataFrame:
    """The failures that remain after the last round (a :mod:`heatplan.failures` table + state)."""
    if "failure" not in ds.dims:
        return pd.DataFrame(columns=list(FAILURE_COLUMNS))
    out = {}
    for col in FAILURE_COLUMNS:
        da = ds[f"failure_{col}"]
        out[col] = np.asarray(da.values, float) if col in ("value", "limit", "amount") else strings(da)
    df = pd.DataFrame(out)
    df["year"] = pd.to_numeric(df["year"]).astype(int) if len(df) else df["year"]
    return df


def _scalar(x: Any) -> Any:
    """A plain Python scalar (attributes read back from a file are numpy scalars)."""
    return x.item() if isinstance(x, np.generic) else x


def _per_year(ds: xr.Dataset, var: str, cast: type) -> dict[str, Any]:
    return {str(int(y)): cast(v) for y, v in zip(ds["year"].values, ds[var].values, strict=True)}


def _years_where(ds: xr.Dataset, var: str) -> list[int]:
    return [int(y) for y, v in zip(ds["year"].values, ds[var].values, strict=True) if bool(v)]


def _cost_npv(ds: xr.Dataset) -> dict[str, Any]:
    by_item = {str(k): float(v) for k, v in zip(strings(ds["item"]), ds["cost_npv_eur"].values, strict=True)}
    return {"total": round(sum(by_item.values()), 0), "by_item": by_item}


def _solver(a: dict[str, Any]) -> dict[str, Any]:
    keys = ("status", "certified", "reason", "gap", "mip_gap", "objective_eur", "best_bound_eur", "time_s")
    out = {k: _scalar(a.get(f"solver_{k}")) for k in keys}
    if out["certified"] is not None:
        out["certified"] = bool(out["certified"])
    return out


GRID_YEAR_FIELDS = (
    "peak_mw", "converged", "station_loading_max_pct", "cable_loading_max_pct", "vm_min_pu",
    "stations_over", "cables_over", "buses_out_of_band",
)  # fmt: skip


def _grid_check(ds: xr.Dataset) -> dict[str, Any]:
    """The electricity grid under each planned year ({} when the plan has no grid check)."""
    if "grid_peak_mw" not in ds:
        return {}
    by_year: dict[str, dict[str, Any]] = {}
    for k, y in enumerate(ds["year"].to_numpy()):
        v = {f: float(ds[f"grid_{f}"].values[k]) for f in GRID_YEAR_FIELDS}
        if np.isnan(v["peak_mw"]):
            continue
        row: dict[str, Any] = {"peak_mw": round(v["peak_mw"], 2), "converged": bool(v["converged"])}
        if row["converged"]:
            row |= {f: round(v[f], 1) for f in ("station_loading_max_pct", "cable_loading_max_pct")}
            row["vm_min_pu"] = round(v["vm_min_pu"], 4)
            row |= {f: int(v[f]) for f in ("stations_over", "cables_over", "buses_out_of_band")}
        by_year[str(int(y))] = row
    out: dict[str, Any] = {
        "stations": int(ds.sizes.get("grid_station", 0)),
        "source": str(ds.attrs.get("grid_source", "synthetic")),
        "fed_back": "grid_reinforcement" in ds.coords,
        "by_year": by_year,
    }
    if "grid_reinforcement" in ds.coords:
        out["reinforcements"] = _grid_reinforcements(ds)
    return out


def _grid_reinforcements(ds: xr.Dataset) -> dict[str, Any]:
    """The plan's grid reinforcements: per year stations and feeders and their cost (EUR, undiscounted)."""
    years = ds["grid_reinforcement_year"].values.astype(float)
    kinds = strings(ds["grid_reinforcement_kind"])
    cost = ds["grid_reinforcement_cost_eur"].values.astype(float)
    per: dict[str, dict[str, Any]] = {}
    for y, k, c in zip(years, kinds, cost, strict=True):
        row = per.setdefault(str(int(y)), {"stations": 0, "feeders": 0, "cost_eur": 0.0})
        row["stations" if k == "station" else "feeders"] += 1
        row["cost_eur"] += float(c)
    for row in per.values():
        row["cost_eur"] = round(row["cost_eur"])
    return {"count": len(years), "cost_eur": round(float(cost.sum())), "by_year": dict(sorted(per.items()))}


def _timings(ds: xr.Dataset) -> dict[str, float]:
    stages, secs = strings(ds["stage"]), ds["timing_s"].values
    return {str(k): round(float(v), 2) for k, v in zip(stages, secs, strict=True)}


def summary(ds: xr.Dataset) -> dict[str, Any]:
    """The summary.json content, from the plan Dataset alone (see docs/plan-format.md)."""
    a = ds.attrs
    existing = np.asarray(ds["existing"].values, bool)
    dw = np.asarray(ds["dwellings"].values, np.int64)
    reached = _scalar(a.get("gas_free_year_reached"))
    reached = None if reached is None or reached < 0 else int(reached)
    deadline = int(a["deadline"])
    out: dict[str, Any] = {
        "scenario": str(a["scenario_name"]),
        "dwellings": int(dw[existing].sum()),
        "new_build_dwellings": int(dw[~existing].sum()),
        "deadline": deadline,
        "gas_free_year_reached": reached,
        "deadline_met": bool(reached is not None and reached <= deadline),
        "gas_free_share_by_year": _per_year(ds, "gas_free_share", float),
        **{key: _per_year(ds, var, int) for key, var in DWELLINGS_BY_YEAR.items()},
        "cost_npv_eur": _cost_npv(ds),
        "cost_undiscounted_eur": round(float(np.asarray(ds["cost_eur"].values, float).sum()), 0),
        "verified_years": _years_where(ds, "verified"),
        "failing_years": _years_where(ds, "failing"),
        "still_failing": failures.failure_lines(failures_frame(ds))[:MAX_FAILURE_LINES],
        "rounds": int(ds.sizes.get("round", 0)),
        "network_simulations": int(a["network_simulations"]),
        "bypasses": int(np.asarray(ds["bypass"].values, bool).sum()),
        "solver": _solver(a),
        "stopped_by": str(a.get("stopped_by", "")),
        "timings_s": _timings(ds),
        "diagnostics": [str(d) for d in strings(ds["diagnostics"])] if "diagnostics" in ds else [],
        "warnings": [str(w) for w in json.loads(str(a.get("warnings_json", "[]")))],
        "network_resize": json.loads(str(a.get("network_resize_json", "[]"))),
        "grid_check": _grid_check(ds),
    }
    if "actor_flow_eur" in ds:  # who pays what (docs/actor-costs.md)
        out["who_pays"] = who_pays(ds)
    if not out["deadline_met"]:
        out["required_pace_dwellings_per_yr"] = _scalar(a.get("required_pace_dwellings_per_yr"))
        out["earliest_gas_free_year"] = _scalar(a.get("earliest_gas_free_year"))
    if "option_cost_npv_eur" in ds:  # option mix, cost per dwelling, heat per network (docs/economics.md)
        out["national_cost"] = national_cost(ds)
    elif a.get("national_cost_json"):  # a plan.nc from before these variables
        out["national_cost"] = json.loads(str(a["national_cost_json"]))
    return out


def option_costs_frame(ds: xr.Dataset) -> pd.DataFrame:
    """option_costs.csv from plan.nc: one row per block, option and item that costs something.

    Write it with ``option_costs_frame(ds).to_csv(path, index=False, float_format="%.2f")``.
    """
    if "option_cost_npv_eur" not in ds:
        return pd.DataFrame(columns=list(OPTION_COST_COLUMNS))
    dims = ("block", "cost_option", "cost_item")
    eur = np.asarray(ds["option_cost_eur_per_yr"].transpose(*dims).values, float)
    npv = np.asarray(ds["option_cost_npv_eur"].transpose(*dims).values, float)
    keep = ~np.isnan(eur) & ((np.abs(eur) > 1e-9) | (np.abs(npv) > 1e-9))
    b, o, k = np.nonzero(keep)
    opts = strings(ds["cost_option"])
    df = pd.DataFrame(
        {
            "block_id": strings(ds["block"])[b],
            "option": opts[o],
            "item": strings(ds["cost_item"])[k],
            "eur_per_yr": eur[b, o, k],
            "npv_eur": npv[b, o, k],
            "chosen": opts[o] == strings(ds["option"])[b],
            "option_reason": strings(ds["option_reason"])[b],
        }
    )
    return df.sort_values(["block_id", "option", "item"], kind="stable").reset_index(drop=True)


def option_totals(ds: xr.Dataset, var: str = "option_cost_npv_eur") -> pd.DataFrame:
    """Per block (rows) and option (columns, ``COST_OPTIONS``): the sum of its items; NaN if not allowed."""
    arr = np.asarray(ds[var].transpose("block", "cost_option", "cost_item").values, float)
    total = np.where(np.isnan(arr).all(axis=2), np.nan, np.nansum(arr, axis=2))
    return pd.DataFrame(total, index=strings(ds["block"]), columns=strings(ds["cost_option"]))


def _per_dwelling(total: pd.DataFrame, dw: pd.Series) -> dict[str, float]:
    """Per option: sum over the blocks that may take it / their dwellings (EUR per dwelling)."""
    out = {}
    for o in total.columns:
        on = total[o].notna()
        if on.any():
            out[str(o)] = round(float(total.loc[on, o].sum() / dw[on].sum()), 0)
    return out


def _per_dwelling_by_item(ds: xr.Dataset, dw: pd.Series) -> dict[str, dict[str, float]]:
    """Per option (and the reference), per item: NPV over the blocks that may take it / their dwellings."""
    arr = np.asarray(ds["option_cost_npv_eur"].transpose("block", "cost_option", "cost_item").values, float)
    items = strings(ds["cost_item"])
    out = {}
    for j, o in enumerate(strings(ds["cost_option"])):
        on = ~np.isnan(arr[:, j, :]).all(axis=1)
        if on.any():
            per = np.nansum(arr[on, j, :], axis=0) / dw.to_numpy()[on].sum()
            out[str(o)] = {str(k): round(float(v), 0) for k, v in zip(items, per, strict=True) if round(v)}
    return out


def national_cost(ds: xr.Dataset) -> dict[str, Any]:
    """summary.json's ``national_cost``: option mix, cost per dwelling per option, cost per year, heat."""
    dw = pd.Series(np.asarray(ds["dwellings"].values, float), index=strings(ds["block"]))
    npv, eur = option_totals(ds), option_totals(ds, "option_cost_eur_per_yr")
    opt = pd.Series(strings(ds["option"]), index=dw.index)
    typ = pd.Series(strings(ds["dwelling_type"]) if "dwelling_type" in ds else "", index=dw.index)
    chosen = [b for b in npv.index if opt[b] in npv.columns and not np.isnan(npv.at[b, opt[b]])]
    mix = dw[chosen].groupby(opt[chosen]).sum()
    per_opt = {
        o: {
            "npv_eur": round(float(sum(npv.at[b, o] for b in bs) / dw[bs].sum()), 0),
            "eur_per_yr": round(float(sum(eur.at[b, o] for b in bs) / dw[bs].sum()), 0),
        }
        for o, bs in pd.Series(chosen, index=chosen).groupby(opt[chosen]).groups.items()
    }
    reason = strings(ds["option_reason"])
    return {
        "evaluation_end_year": int(ds["eval_year"].max()),
        "option_mix_dwellings": {str(k): int(v) for k, v in mix.items()},
        "option_mix_dwellings_by_type": {
            str(t): {str(k): int(v) for k, v in g.groupby(opt[g.index]).sum().items()}
            for t, g in dw[chosen].groupby(typ[chosen])
        },
        "chosen_cost_per_dwelling_by_option": per_opt,
        "every_allowed_cost_per_dwelling_by_option_npv_eur": _per_dwelling(npv.drop(columns="reference"), dw),
        "every_allowed_npv_eur_per_dwelling_by_item": _per_dwelling_by_item(ds, dw),
        "blocks_not_on_cheapest_option": int((reason != "").sum()),
        "national_cost_eur_by_year": _cost_by_eval_year(ds),
        "network_heat_by_year": _network_heat(ds),
        "electricity_mwh_by_year": _electricity(ds),
    }


def _cost_by_eval_year(ds: xr.Dataset) -> dict[str, dict[str, float]]:
    nat = ds["national_cost_eur"].transpose("eval_year", "item")
    items = strings(ds["item"])
    return {
        str(int(y)): {str(k): round(float(v), 0) for k, v in zip(items, row, strict=True) if v}
        for y, row in zip(nat["eval_year"].values, nat.values, strict=True)
    }


def _network_heat(ds: xr.Dataset) -> dict[str, dict[str, dict[str, float]]]:
    out: dict[str, dict[str, dict[str, float]]] = {}
    for reg in strings(ds["regime"]):
        n, delivered, lost, vesta = (
            np.asarray(ds[f"yearly_{k}"].sel(regime=reg).values, float) for k in HEAT_VARS
        )
        out[str(reg)] = {
            str(int(y)): {
                "connected_dwellings": int(n[i]),
                "heat_delivered_gj": round(float(delivered[i]), 0),
                "heat_loss_gj": round(float(lost[i]), 0),
                "heat_loss_pct": round(float(100 * lost[i] / delivered[i]) if delivered[i] else 0.0, 1),
                "vesta_loss_gj": round(float(vesta[i]), 0),
            }
            for i, y in enumerate(ds["year"].values)
        }
    return out


def _electricity(ds: xr.Dataset) -> dict[str, dict[str, float]]:
    if "electricity_mwh" not in ds:
        return {}
    da = ds["electricity_mwh"].transpose("year", "electricity_use")
    uses = strings(ds["electricity_use"])
    return {
        str(int(y)): {str(u): round(float(v), 1) for u, v in zip(uses, row, strict=True)}
        for y, row in zip(ds["year"].values, da.values, strict=True)
    }


# Who pays what (docs/actor-costs.md): actor_costs.csv, housing.csv and summary's who_pays.
#: the owner and the occupant of a block, by its owner type (the actor accounting's names)
OWNER_ACTOR = {
    "corporation": "corporation",
    "private_rent": "private_landlord",
    "owner_occupied": "owner_occupier",
    "mixed": "owners_association",
}
OCCUPANT_ACTOR = {
    "corporation": "tenant",
    "private_rent": "tenant",
    "owner_occupied": "household",
    "mixed": "household",
}
#: the subsidies among the one-off amounts (actor_invest_eur): received by the owner
ISDE_ITEMS = ("isde_heat_pump", "isde_insulation")
#: The columns of actor_costs.csv, in order.
ACTOR_COLUMNS = ("block_id", "year", "actor", "item", "kind", "eur")
#: The columns of housing.csv, in order.
HOUSING_COLUMNS = (
    "block_id", "owner", "owner_type", "dwellings", "option", "year", "before_eur_per_month",
    "after_eur_per_month", "change_eur_per_month", "woonlastenneutraal", "housing_rule",
)  # fmt: skip


def _eur(x: float) -> float:
    """Whole euros (0.0, not -0.0, for JSON)."""
    return round(float(x), 0) + 0.0


def _actors(ds: xr.Dataset, role_var: str) -> np.ndarray:
    """(block, flow) the actor of each role per block."""
    otype = strings(ds["owner_type"])
    roles = strings(ds[role_var])
    out = np.empty((len(otype), len(roles)), dtype=object)
    for j, role in enumerate(roles):
        if role == "owner":
            out[:, j] = [OWNER_ACTOR.get(t, "owner") for t in otype]
        elif role == "occupant":
            out[:, j] = [OCCUPANT_ACTOR.get(t, "occupant") for t in otype]
        else:
            out[:, j] = role
    return out


def actor_costs_frame(ds: xr.Dataset) -> pd.DataFrame:
    """actor_costs.csv: every non-zero flow per block, plan year, actor and item (EUR, + paid, - received)."""
    eur = np.asarray(ds["actor_flow_eur"].values, float)  # (block, year, flow)
    b, y, f = np.nonzero(np.abs(eur) >= 0.005)
    actors = _actors(ds, "flow_role")
    return pd.DataFrame(
        {
            "block_id": strings(ds["block"])[b],
            "year": np.asarray(ds["year"].values, int)[y],
            "actor": actors[b, f],
            "item": strings(ds["flow_item"])[f],
            "kind": strings(ds["flow_kind"])[f],
            "eur": np.round(eur[b, y, f], 2),
        },
        columns=list(ACTOR_COLUMNS),
    )


def housing_frame(ds: xr.Dataset) -> pd.DataFrame:
    """housing.csv: per block that goes off gas, housing costs per dwelling and month before and after."""
    year = np.asarray(ds["housing_year"].values, float)
    has = ~np.isnan(year)
    bef = np.asarray(ds["housing_before_eur_per_month"].values, float)
    aft = np.asarray(ds["housing_after_eur_per_month"].values, float)
    tol = float(ds.attrs.get("housing_tolerance_eur_per_month", 5.0))
    change = aft - bef
    otype = strings(ds["owner_type"])
    corp = otype == "corporation"
    exempt = np.asarray(ds["housing_exempt"].values, bool)
    rule_on = bool(ds.attrs.get("housing_rule", 0))
    switches = strings(ds["option"]) != ""  # the rule is on the blocks that switch their heating
    rule = np.where(rule_on & corp & switches, np.where(exempt, "cannot stay level", "held level"), "")
    out = pd.DataFrame(
        {
            "block_id": strings(ds["block"]),
            "owner": strings(ds["owner"]),
            "owner_type": otype,
            "dwellings": np.asarray(ds["dwellings"].values, int),
            "option": strings(ds["option"]),
            "year": np.where(has, year, 0).astype(int),
            "before_eur_per_month": np.round(bef, 2),
            "after_eur_per_month": np.round(aft, 2),
            "change_eur_per_month": np.round(change, 2),
            "woonlastenneutraal": np.where(has, change <= tol, False),
            "housing_rule": rule,
        },
        columns=list(HOUSING_COLUMNS),
    )
    return out.loc[has].reset_index(drop=True)


def actor_totals(ds: xr.Dataset, var: str = "actor_flow_eur") -> pd.DataFrame:
    """Per plan year (rows) and actor (columns): what each pays, net (EUR; - is income)."""
    eur = np.asarray(ds[var].values, float)
    actors = _actors(ds, "flow_role")
    years = np.asarray(ds["year"].values, int)
    frame = pd.DataFrame(0.0, index=pd.Index(years, name="year"), columns=sorted(set(actors.ravel())))
    for a in frame.columns:
        frame[a] = np.where(actors[:, None, :] == a, eur, 0.0).sum(axis=(0, 2))
    return frame


def owner_investment(ds: xr.Dataset) -> tuple[np.ndarray, np.ndarray]:
    """The owner's one-off amounts: what it spends (block, year) and the ISDE it receives (block,).

    Its spending includes VAT and the heat connection contribution, not the subsidies.
    """
    inv = np.asarray(ds["actor_invest_eur"].values, float)  # (block, year, invest_flow)
    owner = strings(ds["invest_role"]) == "owner"
    sub = np.isin(strings(ds["invest_item"]), ISDE_ITEMS)
    return inv[:, :, owner & ~sub].sum(axis=2), -inv[:, :, owner & sub].sum(axis=(1, 2)) + 0.0


def _per_owner_type(ds: xr.Dataset) -> dict[str, dict[str, float]]:
    """Per owner type: dwellings switched, the owner's investment and subsidies per dwelling, share level."""
    otype = strings(ds["owner_type"])
    spent, received = owner_investment(ds)
    h = housing_frame(ds)
    tol = float(ds.attrs.get("housing_tolerance_eur_per_month", 5.0))
    out: dict[str, dict[str, float]] = {}
    for t in sorted(set(otype)):
        m = otype == t
        hh = h[h["owner_type"] == t]
        n = float(hh["dwellings"].sum())
        if not n:
            continue
        rows = np.isin(strings(ds["block"]), hh["block_id"].to_numpy())
        gross = spent[rows & m].sum()
        subsidy = float(received[rows & m].sum())
        within = hh["change_eur_per_month"].abs() <= tol
        out[t] = {
            "dwellings_off_gas": n,
            "owner_investment_eur_per_dwelling": _eur(float(gross) / n),
            "subsidy_eur_per_dwelling": _eur(subsidy / n),
            "median_change_eur_per_month": round(float(hh["change_eur_per_month"].median()), 2),
            "share_within_tolerance": round(float((hh["dwellings"] * within).sum()) / n, 4),
            "share_woonlastenneutraal": round(
                float((hh["dwellings"] * hh["woonlastenneutraal"]).sum()) / n, 4
            ),
        }
    return out


def who_pays(ds: xr.Dataset) -> dict[str, Any]:
    """summary.json's "who_pays": NPV per actor (plan, nothing done, change); per owner type figures."""
    npv = np.asarray(ds["actor_flow_npv_eur"].values, float)
    ref = np.asarray(ds["actor_flow_reference_npv_eur"].values, float)
    actors = _actors(ds, "flow_role")
    kinds = strings(ds["flow_kind"])
    names = sorted(set(actors.ravel()))
    return {
        "npv_eur_by_actor": {a: _eur(npv[actors == a].sum()) for a in names},
        "reference_npv_eur_by_actor": {a: _eur(ref[actors == a].sum()) for a in names},
        "npv_change_eur_by_actor": {a: _eur((npv - ref)[actors == a].sum()) for a in names},
        "npv_eur_by_kind": {k: _eur(npv[:, kinds == k].sum()) for k in sorted(set(kinds))},
        "housing_tolerance_eur_per_month": float(ds.attrs.get("housing_tolerance_eur_per_month", 5.0)),
        "housing_rule": bool(ds.attrs.get("housing_rule", 0)),
        "per_owner_type": _per_owner_type(ds),
    }
