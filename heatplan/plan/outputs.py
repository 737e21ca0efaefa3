"""The plan's files: plan.nc first, then schedule.csv and summary.json derived from it.

The plan Dataset (:func:`heatplan.plan.dataset.plan_dataset`) holds every figure; the files are
views of it (:mod:`heatplan.planfile`), so each figure is computed in one place.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from heatplan.plan.dataset import plan_dataset
from heatplan.plan.notes import round_lines
from heatplan.plan.pipeline import Plan
from heatplan.planfile import actor_costs_frame, housing_frame, option_costs_frame, schedule_frame, summary


def rounds_frame(plan: Plan) -> pd.DataFrame:
    """rounds.csv: one row per optimisation + verification round."""
    return pd.DataFrame(
        [
            {
                "round": r.number,
                "objective_eur": r.objective_eur,
                "n_failures": r.n_failures,
                "failing_years": ",".join(map(str, r.failing_years)),
                "cuts_added": r.cuts_added,
                "seconds": round(r.seconds, 2),
                "notes": " | ".join(round_lines(r.actions)),
            }
            for r in plan.rounds
        ]
    )


def write_plan(plan: Plan, out_dir: Path) -> dict[str, Any]:
    """Write plan.nc, its views (schedule, summary, option costs), scenario.toml and rounds.csv."""
    ds = plan_dataset(plan)
    summ = summary(ds)
    option_costs_frame(ds).to_csv(out_dir / "option_costs.csv", index=False, float_format="%.2f")
    ds.attrs["summary_json"] = json.dumps(summ, ensure_ascii=False)
    schedule_frame(ds).to_csv(out_dir / "schedule.csv", index=False)
    (out_dir / "summary.json").write_text(json.dumps(summ, indent=2, ensure_ascii=False), encoding="utf-8")
    (out_dir / "scenario.toml").write_text(ds.attrs["scenario_toml"], encoding="utf-8")
    rounds_frame(plan).to_csv(out_dir / "rounds.csv", index=False)
    actor_costs_frame(ds).to_csv(out_dir / "actor_costs.csv", index=False)
    housing_frame(ds).to_csv(out_dir / "housing.csv", index=False)
    # the option costs (block x option x item, mostly NaN or 0) and the actor flows compress well
    packed = {
        v: {"zlib": True, "complevel": 4}
        for v in ds.data_vars
        if str(v).startswith(("option_cost_", "actor_"))
    }
    ds.to_netcdf(out_dir / "plan.nc", engine="h5netcdf", encoding=packed)
    return summ
