"""Plans side by side: one column per plan folder, read from each folder's summary.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from heatplan.errors import InputError

JSON_NAMES: dict[type, str] = {
    dict: "an object", list: "a list", str: "a string", int: "a whole number", float: "a number",
    bool: "true or false", type(None): "null",
}  # fmt: skip
#: Keys of a plan summary a comparison reads, and the JSON types each may have.
SUMMARY_KEYS: dict[str, tuple[type, ...]] = {
    "scenario": (str,),
    "gas_free_year_reached": (int, type(None)),
    "deadline_met": (bool,),
    "cost_npv_eur": (dict,),
}
OPTIONAL_KEYS: dict[str, tuple[type, ...]] = {
    "deadline": (int, type(None)),
    "failing_years": (list,),
    "rounds": (int, type(None)),
    "required_pace_dwellings_per_yr": (int, float, type(None)),
    "switched_dwellings_by_year": (dict,),
    "who_pays": (dict,),
}


def read_summary(plan_dir: Path) -> dict[str, Any]:
    """A plan folder's summary.json, checked for the keys a comparison needs and their types."""
    path = plan_dir / "summary.json"
    if not path.is_file():
        raise InputError(f"{plan_dir}: no summary.json (expected a folder written by `heatplan plan --out`)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a readable summary ({exc})") from None
    if not isinstance(data, dict):
        got = JSON_NAMES.get(type(data), type(data).__name__)
        raise InputError(f"{path}: holds {got}, expected a heatplan plan summary (a JSON object)")
    for key, types in (*SUMMARY_KEYS.items(), *OPTIONAL_KEYS.items()):
        if key not in data:
            if key in SUMMARY_KEYS:
                raise InputError(f"{path}: missing key '{key}' (expected a heatplan plan summary)")
            continue
        if not isinstance(data[key], types) or (bool not in types and isinstance(data[key], bool)):
            want = " or ".join(JSON_NAMES[t] for t in types)
            raise InputError(f"{path}: key '{key}' = {data[key]!r}: expected {want} (a damaged summary?)")
    total = data["cost_npv_eur"].get("total")
    if not isinstance(total, int | float) or isinstance(total, bool):
        raise InputError(f"{path}: key 'cost_npv_eur.total' = {total!r}: expected a number")
    if not isinstance(data["cost_npv_eur"].get("by_item", {}), dict):
        raise InputError(f"{path}: key 'cost_npv_eur.by_item': expected a table of costs by item")
    return data


def compare_table(plan_dirs: list[Path]) -> pd.DataFrame:
    """One column per plan: gas-free year, deadline, verification, cost, dwellings a year, who pays what."""
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
        col.update(_who_pays(s.get("who_pays", {})))
        name = d.name
        while name in cols:
            name += "'"
        cols[name] = col
    return pd.DataFrame(cols)


def _who_pays(who: dict[str, Any]) -> dict[str, Any]:
    """Rows from a summary's who_pays: each party's NPV change, per owner type the housing figures."""
    out: dict[str, Any] = {}
    for actor, eur in (who.get("npv_change_eur_by_actor") or {}).items():
        out[f"npv_change_eur_{actor}"] = eur
    rows = {
        "median_change_eur_per_month": ("housing_median_change_eur_per_month", 1.0),
        "share_woonlastenneutraal": ("housing_woonlastenneutraal_pct", 100.0),
        "share_within_tolerance": ("housing_within_tolerance_pct", 100.0),
    }
    for otype, fig in (who.get("per_owner_type") or {}).items():
        for key, (name, scale) in rows.items():
            if isinstance(fig, dict) and isinstance(fig.get(key), int | float):
                out[f"{name}_{otype}"] = round(float(fig[key]) * scale, 2)
    return out
