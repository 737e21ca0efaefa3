"""Plans side by side: one column per plan folder, read from each folder's summary.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from heatplan.errors import InputError


def read_summary(plan_dir: Path) -> dict[str, Any]:
    """A plan folder's summary.json, checked for the keys a comparison needs."""
    path = plan_dir / "summary.json"
    if not path.is_file():
        raise InputError(f"{plan_dir}: no summary.json (expected a folder written by `heatplan plan --out`)")
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a readable summary ({exc})") from None
    for key in ("scenario", "gas_free_year_reached", "deadline_met", "cost_npv_eur"):
        if key not in data:
            raise InputError(f"{path}: missing key '{key}' (expected a heatplan plan summary)")
    return data


def compare_table(plan_dirs: list[Path]) -> pd.DataFrame:
    """One column per plan; rows: gas-free year, deadline, verification, cost by item, dwellings per year."""
    cols: dict[str, dict[str, Any]] = {}
    for d in plan_dirs:
        s = read_summary(d)
        col: dict[str, Any] = {
            "scenario": s["scenario"],
            "gas_free_year_reached": s["gas_free_year_reached"],
            "deadline": s.get("deadline"),
            "deadline_met": s["deadline_met"],
            "verified": not s.get("failing_years"),
            "failing_years": ",".join(str(y) for y in s.get("failing_years", [])),
            "rounds": s.get("rounds"),
            "required_pace_dwellings_per_yr": s.get("required_pace_dwellings_per_yr"),
        }
        npv = s["cost_npv_eur"]
        col["cost_npv_eur_total"] = npv.get("total")
        for item, value in npv.get("by_item", {}).items():
            col[f"cost_npv_eur_{item}"] = value
        for year, n in s.get("switched_dwellings_by_year", {}).items():
            col[f"switched_dwellings_{year}"] = n
        name = d.name
        while name in cols:
            name += "'"
        cols[name] = col
    return pd.DataFrame(cols)
