"""Views of plan.nc's actor flows and housing costs: actor_costs.csv, housing.csv, summary's "who_pays".

Each flow in plan.nc is kept per role (``owner``, ``occupant`` or a party's name); a block's owner
type names the owner and the occupant (docs/actor-costs.md). Needs only pandas and xarray.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

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


def _str(da: xr.DataArray) -> np.ndarray:
    """A string variable as str (bytes decoded)."""
    return np.array(
        [v.decode() if isinstance(v, bytes) else str(v) for v in np.asarray(da.values)], dtype=object
    )


def _actors(ds: xr.Dataset, role_var: str) -> np.ndarray:
    """(block, flow) the actor of each role per block."""
    otype = _str(ds["owner_type"])
    roles = _str(ds[role_var])
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
            "block_id": _str(ds["block"])[b],
            "year": np.asarray(ds["year"].values, int)[y],
            "actor": actors[b, f],
            "item": _str(ds["flow_item"])[f],
            "kind": _str(ds["flow_kind"])[f],
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
    otype = _str(ds["owner_type"])
    corp = otype == "corporation"
    exempt = np.asarray(ds["housing_exempt"].values, bool)
    rule_on = bool(ds.attrs.get("housing_rule", 0))
    switches = _str(ds["option"]) != ""  # the rule is on the blocks that switch their heating
    rule = np.where(rule_on & corp & switches, np.where(exempt, "cannot stay level", "held level"), "")
    out = pd.DataFrame(
        {
            "block_id": _str(ds["block"]),
            "owner": _str(ds["owner"]),
            "owner_type": otype,
            "dwellings": np.asarray(ds["dwellings"].values, int),
            "option": _str(ds["option"]),
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


def _per_owner_type(ds: xr.Dataset) -> dict[str, dict[str, float]]:
    """Per owner type: dwellings switched, the owner's investment and subsidies per dwelling, share level."""
    otype = _str(ds["owner_type"])
    inv = np.asarray(ds["actor_invest_eur"].values, float).sum(axis=1)  # (block, flow)
    roles, items = _str(ds["invest_role"]), _str(ds["invest_item"])
    owner = roles == "owner"
    sub = np.isin(items, ("isde_heat_pump", "isde_insulation"))
    h = housing_frame(ds)
    tol = float(ds.attrs.get("housing_tolerance_eur_per_month", 5.0))
    out: dict[str, dict[str, float]] = {}
    for t in sorted(set(otype)):
        m = otype == t
        hh = h[h["owner_type"] == t]
        n = float(hh["dwellings"].sum())
        if not n:
            continue
        rows = np.isin(_str(ds["block"]), hh["block_id"].to_numpy())
        gross = inv[np.ix_(rows & m, owner & ~sub)].sum()
        subsidy = -float(inv[np.ix_(rows & m, owner & sub)].sum())
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
    kinds = _str(ds["flow_kind"])
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
