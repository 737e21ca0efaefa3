"""The plan's who-pays-what outputs (issue 16): actor_costs.csv, housing.csv, plan.nc, summary.json."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from heatplan.optimisation.accounting import ITEMS
from heatplan.planfile import ACTOR_COLUMNS, HOUSING_COLUMNS


def test_actor_costs_reconcile_with_the_national_cost_every_year(small_plan_dir: Path) -> None:
    with xr.open_dataset(small_plan_dir / "plan.nc") as ds:
        eur = ds["actor_flow_eur"].values  # (block, year, flow)
        kind = ds["flow_kind"].values.astype(str)
        national = ds["cost_eur_by_year"].sel(item=list(ITEMS)).sum("item").values
        per_block = sum(ds[f"cost_{i}_eur"] for i in ITEMS) if "cost_insulation_eur" in ds else None
        for k in ("transfer", "tax", "subsidy"):
            assert np.abs(eur[:, :, kind == k].sum(axis=2)).max() < 0.005, k
        np.testing.assert_allclose(eur[:, :, kind == "cost"].sum(axis=(0, 2)), national, atol=0.01)
        assert per_block is None or per_block.shape == eur.shape[:2]
    csv = pd.read_csv(small_plan_dir / "actor_costs.csv")
    assert tuple(csv.columns) == ACTOR_COLUMNS
    by_year = csv[csv["kind"] == "cost"].groupby("year")["eur"].sum()
    np.testing.assert_allclose(by_year.to_numpy(), national[: len(by_year)], atol=0.005 * len(csv))
    assert abs(csv.loc[csv["kind"] != "cost", "eur"].sum()) < 0.005 * len(csv)
    owners = {"corporation", "private_landlord", "owner_occupier", "owners_association"}
    assert owners & set(csv["actor"]) and {"tenant", "heat_company", "government"} <= set(csv["actor"])


def test_summary_who_pays_adds_up(small_plan_dir: Path) -> None:
    summ = json.loads((small_plan_dir / "summary.json").read_text())
    who = summ["who_pays"]
    cost = summ["cost_npv_eur"]
    bypass = cost["by_item"].get("bypass_capex", 0.0) + cost["by_item"].get("bypass_heat_loss", 0.0)
    assert abs(who["npv_eur_by_kind"]["cost"] - (cost["total"] - bypass)) <= 2.0  # whole euros, rounded
    assert abs(sum(who["npv_eur_by_actor"].values()) - who["npv_eur_by_kind"]["cost"]) <= 12.0
    change = sum(who["npv_change_eur_by_actor"].values())
    ref = sum(who["reference_npv_eur_by_actor"].values())
    assert abs(change - (who["npv_eur_by_kind"]["cost"] - ref)) <= 24.0
    # the plan's tenants lose the gas connection charge and pay the heat company: it receives
    assert who["npv_eur_by_actor"]["heat_company"] < 0 < who["npv_eur_by_actor"]["tenant"]


def test_housing_csv_flags_the_year_after_the_switch(small_plan_dir: Path) -> None:
    h = pd.read_csv(small_plan_dir / "housing.csv")
    s = pd.read_csv(small_plan_dir / "schedule.csv").set_index("block_id")
    assert tuple(h.columns) == HOUSING_COLUMNS
    assert (h["year"].to_numpy() == s.loc[h["block_id"], "gas_free_year"].to_numpy() + 1).all()
    change = (h["after_eur_per_month"] - h["before_eur_per_month"]).round(2)
    assert np.allclose(change, h["change_eur_per_month"], atol=0.011)
    assert (h["woonlastenneutraal"] == (h["change_eur_per_month"] <= 5.0)).all()
    assert (h["housing_rule"].isna()).all()  # the rule is off by default
