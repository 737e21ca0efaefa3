"""National-cost tables of a plan for the report and the workbook, read from plan.nc alone.

National cost per year by item (and by group: investments, O&M, energy by carrier, losses, grid),
the option mix with its cost per dwelling, heat delivered and lost per network, electricity per
year, and the typical blocks of the chart "cost per dwelling by option". Every figure is a view
of a plan.nc variable (docs/plan-format.md); nothing is computed twice.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from heatplan.planfile import COST_OPTIONS, HEAT_VARS, national_cost, option_totals, strings

#: Cost items grouped for the charts (the workbook lists every item). Unknown items go to "other";
#: "connection" and "source" are the items of plans made before the national costs.
COST_GROUPS: dict[str, tuple[str, ...]] = {
    "insulation": ("insulation",),
    "installations": (
        "heat_pump", "delivery_set", "in_building", "project_management", "substation", "lt_booster",
        "gas_boiler", "gas_removal", "induction", "connection",
    ),
    "network": (
        "network", "network_share", "service_pipes", "transfer_station", "collective_heat_pump",
        "bypass_capex", "source",
    ),
    "grid_reinforcement": ("grid_reinforcement",),
    "maintenance": ("maintenance",),
    "gas_co2": ("gas", "co2", "peak_boiler_gas"),
    "electricity": ("electricity",),
    "heat_source": ("heat_source",),
    "network_heat_loss": ("network_heat_loss", "bypass_heat_loss"),
}  # fmt: skip
#: The typical blocks the chart shows: this many (dwelling type, label) groups, the largest first.
TYPICAL_GROUPS = 8


def has_national_cost(ds: xr.Dataset) -> bool:
    """Whether plan.nc has the national-cost variables (plans made before them have not)."""
    return all(v in ds for v in ("national_cost_eur", "option_cost_npv_eur", "option_reason"))


def group_of(item: str) -> str:
    """The chart group of a cost item."""
    return next((g for g, items in COST_GROUPS.items() if item in items), "other")


def by_group(table: pd.DataFrame) -> pd.DataFrame:
    """Columns (cost items) summed into ``COST_GROUPS`` (in that order; "other" last if needed)."""
    out = table.T.groupby([group_of(str(c)) for c in table.columns]).sum().T
    order = [g for g in (*COST_GROUPS, "other") if g in out.columns]
    return out[order]


def national_cost_by_year(ds: xr.Dataset) -> pd.DataFrame:
    """National cost per window year (rows) and item (columns), EUR undiscounted."""
    return _year_frame(ds, "national_cost_eur", "eval_year", "item")


def option_mix(ds: xr.Dataset) -> pd.DataFrame:
    """Dwellings per option (columns) per dwelling type (rows) and in total (last row)."""
    nc = national_cost(ds)
    rows = {t: pd.Series(m, dtype=float) for t, m in nc["option_mix_dwellings_by_type"].items()}
    rows["total"] = pd.Series(nc["option_mix_dwellings"], dtype=float)
    df = pd.DataFrame(rows).T.fillna(0.0)
    cols = [o for o in COST_OPTIONS if o in df.columns]
    return df[cols].astype(np.int64)


def cost_per_dwelling(ds: xr.Dataset) -> pd.DataFrame:
    """Per option: dwellings, and national cost per dwelling (chosen: NPV and EUR/yr; every allowed: NPV)."""
    nc = national_cost(ds)
    chosen = nc["chosen_cost_per_dwelling_by_option"]
    every = nc["every_allowed_cost_per_dwelling_by_option_npv_eur"]
    rows = []
    for o in COST_OPTIONS[:3]:
        if o not in chosen and o not in every:
            continue
        rows.append(
            {
                "option": o,
                "dwellings": nc["option_mix_dwellings"].get(o, 0),
                "chosen_npv_eur_per_dwelling": chosen.get(o, {}).get("npv_eur", np.nan),
                "chosen_eur_per_yr_per_dwelling": chosen.get(o, {}).get("eur_per_yr", np.nan),
                "allowed_npv_eur_per_dwelling": every.get(o, np.nan),
            }
        )
    return pd.DataFrame(rows).set_index("option") if rows else pd.DataFrame()


def heat_by_year(ds: xr.Dataset) -> pd.DataFrame:
    """Per modelled year (rows) and regime: connected dwellings, heat delivered, lost (GJ, %), Vesta's GJ."""
    cols: dict[tuple[str, str], np.ndarray] = {}
    for reg in strings(ds["regime"]):
        n, delivered, lost, vesta = (
            np.asarray(ds[f"yearly_{k}"].sel(regime=reg).values, float) for k in HEAT_VARS
        )
        pct = np.divide(100 * lost, delivered, out=np.zeros_like(lost), where=delivered > 0)
        for name, v in zip(HEAT_VARS, (n, delivered, lost, vesta), strict=True):
            cols[(str(reg), name)] = v
        cols[(str(reg), "heat_loss_pct")] = pct
    order = (*HEAT_VARS[:3], "heat_loss_pct", HEAT_VARS[3])
    df = pd.DataFrame(cols, index=pd.Index([int(y) for y in ds["year"].values], name="year"))
    return df[[(r, c) for r in strings(ds["regime"]) for c in order]]


def electricity_by_year(ds: xr.Dataset) -> pd.DataFrame:
    """Electricity demand per modelled year (rows) and use (columns), MWh/yr."""
    return _year_frame(ds, "electricity_mwh", "year", "electricity_use")


def _year_frame(ds: xr.Dataset, var: str, year_dim: str, col_dim: str) -> pd.DataFrame:
    """A (year x something) variable as a frame: rows the years (index "year"), columns ``col_dim``."""
    da = ds[var].transpose(year_dim, col_dim)
    return pd.DataFrame(
        np.asarray(da.values, float),
        index=pd.Index([int(y) for y in ds[year_dim].values], name="year"),
        columns=list(strings(ds[col_dim])),
    )


def typical_blocks(ds: xr.Dataset, n_groups: int = TYPICAL_GROUPS) -> pd.DataFrame:
    """The typical block of the ``n_groups`` largest (dwelling type, label now) groups.

    Among the blocks with option costs and a chosen option, groups are ranked by dwellings; the
    typical block of a group is its median block by the NPV per dwelling of its chosen option (the
    lower median; ties by block id). Columns: dwelling_type, label_now, block_id, dwellings,
    option, group_dwellings, group_blocks.
    """
    npv = option_totals(ds)
    b = pd.DataFrame(
        {
            "block_id": strings(ds["block"]),
            "dwelling_type": strings(ds["dwelling_type"]),
            "label_now": strings(ds["label_now"]),
            "dwellings": np.asarray(ds["dwellings"].values, float),
            "option": strings(ds["option"]),
        }
    )
    ok = b["option"].isin(COST_OPTIONS[:3]).to_numpy()
    chosen = np.full(len(b), np.nan)
    for o in COST_OPTIONS[:3]:
        on = ok & (b["option"].to_numpy() == o)
        chosen[on] = npv[o].to_numpy()[on]
    b["per_dwelling"] = chosen / b["dwellings"].where(b["dwellings"] > 0)
    b = b[b["per_dwelling"].notna()]
    size = b.groupby(["dwelling_type", "label_now"])["dwellings"].agg(["sum", "count"])
    size = size.sort_values("sum", ascending=False, kind="stable").head(n_groups)
    rows = []
    for (typ, lab), r in size.iterrows():
        g = b[(b["dwelling_type"] == typ) & (b["label_now"] == lab)].sort_values("block_id")
        g = g.sort_values("per_dwelling", kind="stable")
        pick = g.iloc[(len(g) - 1) // 2]
        rows.append(
            {
                "dwelling_type": typ,
                "label_now": lab,
                "block_id": pick["block_id"],
                "dwellings": int(pick["dwellings"]),
                "option": pick["option"],
                "group_dwellings": int(r["sum"]),
                "group_blocks": int(r["count"]),
            }
        )
    return pd.DataFrame(rows)


def block_option_costs(ds: xr.Dataset, block_id: str, per: str = "npv_eur") -> pd.DataFrame:
    """One block's national cost per dwelling: options (rows, NaN if not allowed) by item (columns).

    ``per``: ``npv_eur`` (NPV over the window) or ``eur_per_yr`` (the cost in the block's basis year).
    """
    var = "option_cost_npv_eur" if per == "npv_eur" else "option_cost_eur_per_yr"
    da = ds[var].sel(block=block_id).transpose("cost_option", "cost_item")
    n = float(ds["dwellings"].sel(block=block_id))
    return pd.DataFrame(
        np.asarray(da.values, float) / n,
        index=list(strings(ds["cost_option"])),
        columns=list(strings(ds["cost_item"])),
    )
