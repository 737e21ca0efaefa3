"""The plan's outputs: plan.nc (the contract in docs/plan-format.md), schedule.csv, summary.json."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from heatplan import __version__
from heatplan.buildings.stock import today_mask
from heatplan.plan.pipeline import Plan
from heatplan.scenario import scenario_to_toml

SCHEDULE_COLUMNS = (
    "block_id",
    "wijk_code",
    "buurt_code",
    "owner",
    "dwellings",
    "label_now",
    "label_target",
    "option",
    "insulation_year",
    "induction_year",
    "connection_year",
    "gas_free_year",
    "cost_eur",
)
YEAR_COLUMNS = ("insulation_year", "induction_year", "connection_year", "gas_free_year")
PACKAGES = ("heatplan", "pandapipes", "pandapower", "pyomo", "highspy", "pandas", "numpy", "xarray")


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
    by_year = pd.DataFrame({"bypass_capex": 0.0, "bypass_heat_loss": 0.0}, index=pd.Index(years, name="year"))
    for b, y in first.items():
        per_block[b] += v.bypass_cost_eur_per_block
        by_year.loc[y, "bypass_capex"] += v.bypass_cost_eur_per_block
    for y, eur in loss_eur.items():
        by_year.loc[y, "bypass_heat_loss"] += eur
        shares = [b for b, y0 in first.items() if y0 <= y]
        for b in shares:
            per_block[b] += eur / len(shares)
    return per_block, by_year


def schedule_frame(plan: Plan) -> pd.DataFrame:
    """One row per block with the columns of schedule.csv (years as nullable integers)."""
    s, t = plan.stock, plan.table
    target = t["insulation_label"].fillna("").astype(str)
    per_block_bypass, _ = bypass_costs(plan)
    out = pd.DataFrame(
        {
            "block_id": s["block_id"].astype(str),
            "wijk_code": s["wijk_code"],
            "buurt_code": s["buurt_code"],
            "owner": s["owner"],
            "dwellings": s["dwellings"].astype(int),
            "label_now": s["label"],
            "label_target": np.where(target != "", target, s["label"]),
            "option": t["option"].fillna("").astype(str),
        }
    )
    for col in YEAR_COLUMNS:
        out[col] = t[col].astype("Int64")
    out["cost_eur"] = (t["cost_eur"].fillna(0.0).to_numpy() + per_block_bypass.to_numpy()).round(2)
    return out


def _by_year(frame: pd.DataFrame, col: str, years: list[int], mask: np.ndarray) -> dict[str, int]:
    sub = frame.loc[mask & frame[col].notna().to_numpy()]
    counts = sub.groupby(sub[col].astype(int))["dwellings"].sum()
    return {str(y): int(counts.get(y, 0)) for y in years}


def gas_free_share(plan: Plan, sched: pd.DataFrame, years: list[int]) -> dict[str, float]:
    """Share of today's dwellings off gas by each year (demolished dwellings count as off gas)."""
    today = today_mask(plan.stock).to_numpy()
    n = sched["dwellings"].to_numpy(float)
    uses_gas = (
        (plan.stock["heating"].isin(["gas_boiler", "block_heating"])) | (plan.stock["cooking"] == "gas")
    ).to_numpy()
    gfy = sched["gas_free_year"].astype("Float64").fillna(np.inf).to_numpy(float)
    total = n[today].sum()
    return {str(y): round(float(n[today & (~uses_gas | (gfy <= y))].sum() / total), 4) for y in years}


def summary(plan: Plan, sched: pd.DataFrame) -> dict[str, Any]:
    """The summary.json content."""
    r, sc = plan.result, plan.scenario
    years = list(range(sc.years.start, int(plan.result.dataset["year"].max()) + 1))
    existing = today_mask(plan.stock).to_numpy()
    _, bypass_by_year = bypass_costs(plan)
    disc = (1 + sc.prices.discount_rate) ** -(bypass_by_year.index.to_numpy() - sc.prices.base_year).astype(
        float
    )
    by_item = {k: round(float(v), 0) for k, v in r.cost_npv_eur.items() if k != "total"}
    for col in bypass_by_year:
        by_item[col] = round(float((bypass_by_year[col].to_numpy() * disc).sum()), 0)
    failing_years = sorted({c.year for c in plan.checks if not c.ok})
    out: dict[str, Any] = {
        "scenario": sc.name,
        "dwellings": int(plan.stock.loc[existing, "dwellings"].sum()),
        "new_build_dwellings": int(plan.stock.loc[~existing, "dwellings"].sum()),
        "deadline": sc.years.deadline,
        "gas_free_year_reached": r.gas_free_year_reached,
        "deadline_met": bool(
            r.gas_free_year_reached is not None and r.gas_free_year_reached <= sc.years.deadline
        ),
        "gas_free_share_by_year": gas_free_share(plan, sched, years),
        "switched_dwellings_by_year": _by_year(sched, "connection_year", years, existing),
        "new_build_connected_dwellings_by_year": _by_year(sched, "connection_year", years, ~existing),
        "insulated_dwellings_by_year": _by_year(sched, "insulation_year", years, existing),
        "induction_dwellings_by_year": _by_year(sched, "induction_year", years, existing),
        "cost_npv_eur": {"total": round(sum(by_item.values()), 0), "by_item": by_item},
        "cost_undiscounted_eur": round(float(sched["cost_eur"].sum()), 0),
        "verified_years": sorted({c.year for c in plan.checks} - set(failing_years)),
        "failing_years": failing_years,
        "still_failing": plan.unresolved[:200],
        "rounds": len(plan.rounds),
        "network_simulations": plan.simulations,
        "bypasses": len({b for c in plan.checks for b in c.bypass_blocks}),
        "solver": {
            "status": r.status,
            "gap": r.gap,
            "objective_eur": r.objective_eur,
            "best_bound_eur": r.best_bound_eur,
            "time_s": r.timings_s.get("solve"),
        },
        "timings_s": {k: round(v, 2) for k, v in plan.timings_s.items()},
        "diagnostics": r.diagnostics,
    }
    if not out["deadline_met"]:
        out["required_pace_dwellings_per_yr"] = r.required_pace_dwellings_per_yr
        out["earliest_gas_free_year"] = r.earliest_gas_free_year
    return out


def package_versions() -> dict[str, str]:
    """Versions of the packages that made the plan."""
    out = {}
    for p in PACKAGES:
        try:
            out[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            out[p] = "not installed"
    return out


def write_plan(plan: Plan, out_dir: Path) -> dict[str, Any]:
    """Write plan.nc, schedule.csv, summary.json, scenario.toml and rounds.csv into ``out_dir``."""
    from heatplan.plan.dataset import plan_dataset

    sched = schedule_frame(plan)
    summ = summary(plan, sched)
    sched.to_csv(out_dir / "schedule.csv", index=False)
    (out_dir / "summary.json").write_text(json.dumps(summ, indent=2, ensure_ascii=False), encoding="utf-8")
    (out_dir / "scenario.toml").write_text(scenario_to_toml(plan.scenario), encoding="utf-8")
    rounds = pd.DataFrame(
        [
            {
                "round": r.number,
                "objective_eur": r.objective_eur,
                "n_failures": r.n_failures,
                "failing_years": ",".join(map(str, r.failing_years)),
                "cuts_added": r.cuts_added,
                "seconds": round(r.seconds, 2),
                "notes": " | ".join(r.notes),
            }
            for r in plan.rounds
        ]
    )
    rounds.to_csv(out_dir / "rounds.csv", index=False)
    ds = plan_dataset(plan, sched, summ)
    ds.attrs.update(
        {
            "summary_json": json.dumps(summ, ensure_ascii=False),
            "scenario_toml": scenario_to_toml(plan.scenario),
            "scenario_name": plan.scenario.name,
            "heatplan_version": __version__,
            "package_versions": json.dumps(package_versions()),
            "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
            "stock_source": plan.stock_source,
        }
    )
    ds.to_netcdf(out_dir / "plan.nc", engine="h5netcdf")
    return summ
