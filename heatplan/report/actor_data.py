"""The report's "who pays what" tables, from plan.nc's actor variables (views: heatplan.planfile).

Every figure comes from :mod:`heatplan.planfile` (``actor_totals``, ``housing_frame``,
``who_pays``) or from the same plan.nc variables; a plan.nc made before the actor accounting has
none of them (:func:`has_actors`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from heatplan.planfile import (
    BYPASS_ITEMS,
    actor_totals,
    housing_frame,
    owner_investment,
    strings,
    who_pays,
)
from heatplan.report.text import Text

#: plan.nc variables the actor parts of the reports need
ACTOR_VARS = (
    "actor_flow_eur", "actor_flow_npv_eur", "actor_invest_eur", "housing_year",
    "housing_before_eur_per_month", "housing_after_eur_per_month", "housing_exempt", "owner_type",
)  # fmt: skip
#: the per-owner-type figures of ``who_pays``, in the order shown
OWNER_TYPE_COLUMNS = (
    "dwellings_off_gas", "owner_investment_eur_per_dwelling", "subsidy_eur_per_dwelling",
    "median_change_eur_per_month", "share_within_tolerance", "share_woonlastenneutraal",
)  # fmt: skip
#: the per-block columns on an owner sheet, before the investment per year
BLOCK_COLUMNS = (
    "owner_invest_eur", "isde_eur", "housing_year", "housing_before", "housing_after", "housing_change",
    "woonlastenneutraal",
)  # fmt: skip


def has_actors(ds: xr.Dataset) -> bool:
    """Whether plan.nc has the actor accounting (issue 16); older plans have not."""
    return all(v in ds for v in ACTOR_VARS)


def tolerance(ds: xr.Dataset) -> float:
    """The housing-cost tolerance, EUR per dwelling and month (plan.nc attribute, default 5)."""
    return float(ds.attrs.get("housing_tolerance_eur_per_month", 5.0))


def tolerance_text(ds: xr.Dataset, text: Text) -> str:
    """The tolerance as written in the report ("5", or "2,50")."""
    tol = tolerance(ds)
    return text.num(tol, 0 if tol == round(tol) else 2)


def label(text: Text, prefix: str, name: str) -> str:
    """The word for ``prefix_name`` (an actor ``a_``, an owner type ``ot_``), else the name itself."""
    key = f"{prefix}_{name}"
    word = text[key]
    return name if word == key else word


def block_money(ds: xr.Dataset) -> pd.DataFrame:
    """Per block (index block_id): :data:`BLOCK_COLUMNS`, then the owner's investment per plan year.

    The investment includes VAT and the heat connection contribution; the ISDE subsidies are apart
    (``isde_eur``, received, EUR). The housing columns are ``housing_frame``'s (per dwelling and
    month; empty for a block that does not go off gas).
    """
    years = [int(y) for y in ds["year"].values]
    spent, received = owner_investment(ds)
    ids = strings(ds["block"])
    out = pd.DataFrame({"owner_invest_eur": spent.sum(axis=1), "isde_eur": received}, index=ids)
    h = housing_frame(ds).set_index("block_id").reindex(ids)
    out["housing_year"] = h["year"].astype("Int64")
    out["housing_before"] = h["before_eur_per_month"]
    out["housing_after"] = h["after_eur_per_month"]
    out["housing_change"] = h["change_eur_per_month"]
    out["woonlastenneutraal"] = h["woonlastenneutraal"].astype("boolean")
    per_year = pd.DataFrame(spent, index=ids, columns=years)
    return pd.concat([out, per_year], axis=1)


def national_by_year(ds: xr.Dataset) -> pd.DataFrame:
    """Per plan year: the national cost (every item of ``cost_eur_by_year``) and its bypass items."""
    cost = ds["cost_eur_by_year"]
    items = strings(ds["item"])
    bypass = np.isin(items, BYPASS_ITEMS)
    vals = np.asarray(cost.transpose("year", "item").values, float)
    years = pd.Index([int(y) for y in ds["year"].values], name="year")
    return pd.DataFrame({"national": vals.sum(axis=1), "bypass": vals[:, bypass].sum(axis=1)}, index=years)


@dataclass(frozen=True)
class ActorTables:
    """Everything the workbook sheet and the report section show."""

    totals: pd.DataFrame  # plan year x actor, net EUR (+ pays, - receives)
    npv: pd.Series  # actor -> NPV over the evaluation window
    npv_change: pd.Series | None  # actor -> NPV with the plan less with nothing done (None: not in plan.nc)
    national: pd.DataFrame  # plan year: national cost and bypass
    npv_national: float  # NPV of every national cost item
    npv_bypass: float  # ... of the bypass items
    per_owner_type: pd.DataFrame  # owner type x OWNER_TYPE_COLUMNS
    eval_years: tuple[int, int]  # first and last year of the NPV


def _national_npv(ds: xr.Dataset) -> tuple[float, float]:
    """The NPV of every national cost item and of the bypass items (NaN without ``cost_npv_eur``)."""
    if "cost_npv_eur" not in ds:
        return float("nan"), float("nan")
    npv = np.asarray(ds["cost_npv_eur"].values, float)  # (item,)
    return float(npv.sum()), float(npv[np.isin(strings(ds["item"]), BYPASS_ITEMS)].sum())


def actor_order(actors: list[str]) -> list[str]:
    """Owners first, then occupants, then the other parties (as heatplan.planfile names them)."""
    first = ["corporation", "private_landlord", "owner_occupier", "owners_association", "tenant", "household"]
    return [a for a in first if a in actors] + [a for a in actors if a not in first]


def actor_tables(ds: xr.Dataset) -> ActorTables:
    """The per-actor totals, NPVs, national cost and the per-owner-type figures of a plan."""
    ref = "actor_flow_reference_npv_eur"
    has_ref = ref in ds
    # who_pays reads the reference NPV; a plan.nc made before it existed gets zeros (its change not shown)
    wp = who_pays(ds if has_ref else ds.assign({ref: xr.zeros_like(ds["actor_flow_npv_eur"])}))
    totals = actor_totals(ds)
    totals = totals[actor_order(list(totals.columns))]
    npv = pd.Series(wp["npv_eur_by_actor"], dtype=float).reindex(totals.columns)
    change = wp.get("npv_change_eur_by_actor") if has_ref else None
    npv_change = pd.Series(change, dtype=float).reindex(totals.columns) if change is not None else None
    per = pd.DataFrame.from_dict(wp["per_owner_type"], orient="index")
    per = per.reindex(columns=list(OWNER_TYPE_COLUMNS)) + 0.0
    npv_nat, npv_byp = _national_npv(ds)
    ey = ds["eval_year"].values if "eval_year" in ds.coords else ds["year"].values
    return ActorTables(
        totals=totals, npv=npv, npv_change=npv_change, national=national_by_year(ds), npv_national=npv_nat,
        npv_bypass=npv_byp, per_owner_type=per, eval_years=(int(ey[0]), int(ey[-1])),
    )  # fmt: skip


@dataclass(frozen=True)
class HousingShares:
    """Dwelling-weighted shares of the dwellings that go off gas (``housing_frame``)."""

    dwellings: int
    within: float  # |change| <= tolerance
    neutral: float  # change <= tolerance (woonlastenneutraal)
    rule: bool  # the corporation-tenant rule is on
    corporation_blocks: int  # corporation blocks that go off gas
    exempt_blocks: int  # ... of which cannot be held level


def housing_shares(ds: xr.Dataset) -> HousingShares:
    """The shares of dwellings whose housing costs stay level and that are woonlastenneutraal."""
    h = housing_frame(ds)
    n = float(h["dwellings"].sum())
    within = h["change_eur_per_month"].abs() <= tolerance(ds)
    corp = h["owner_type"] == "corporation"
    # plan.nc's flag per block (housing_frame's "housing_rule" column is the same in words)
    exempt = pd.Series(np.asarray(ds["housing_exempt"].values, bool), index=strings(ds["block"]))
    exempt = exempt.reindex(h["block_id"]).to_numpy(bool)
    return HousingShares(
        dwellings=int(n),
        within=float((h["dwellings"] * within).sum()) / n if n else float("nan"),
        neutral=float((h["dwellings"] * h["woonlastenneutraal"]).sum()) / n if n else float("nan"),
        rule=bool(ds.attrs.get("housing_rule", 0)),
        corporation_blocks=int(corp.sum()),
        exempt_blocks=int((corp.to_numpy() & exempt).sum()),
    )
