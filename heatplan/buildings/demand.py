"""Heat demand, design peak and gas use per block, for any label (PBL Vesta key figures).

Per block with ``n`` dwellings and floor area ``A`` (m2), envelope label ``L``, type and period:

* functional space heating  ``Q_sh = n * a_L + A * b_L``           (GJ/yr; Vesta ``Vrv_L_asl/opp``)
* space heating in practice ``Q_sh * f_p``                         (practice factor ``f_p``)
* hot water                 ``Q_hw = n * a_hw + A * b_hw``          (Vesta ``Vww``)
* design peak               ``P = s_sh(n) * 0.25 * Q_sh + s_hw(n) * n * p_hw``  (kW)
* gas use estimate          ``(Q_sh * f_p + Q_hw) / eta / H_i + Q_cook / H_i`` (m3/yr)

``s(n)`` is the simultaneity: 1 for one dwelling, falling linearly to its large-group value at
``simultaneity_full_at_dwellings`` dwellings and constant beyond.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from heatplan.buildings.defaults import demand_table
from heatplan.buildings.labels import to_envelope
from heatplan.scenario.figures import figures

Regime = Literal["mt", "lt"]

PERIOD_EDGES = (1929, 1945, 1964, 1974, 1991, 1995, 1999, 2005, 2010, 2014)
PERIOD_NAMES = (
    "voor 1930",
    "1930 - 1945",
    "1946 - 1964",
    "1965 - 1974",
    "1975 - 1991",
    "1992 - 1995",
    "1996 - 1999",
    "2000 - 2005",
    "2006 - 2010",
    "2011 - 2014",
    "2015 - 2020",
)
HIGH_RISE = "meergezins: hoog"


def vesta_period(construction_year: pd.Series) -> pd.Series:
    """Vesta construction period name for each year (2015 and later: '2015 - 2020')."""
    idx = np.searchsorted(np.array(PERIOD_EDGES), construction_year.to_numpy(), side="left")
    return pd.Series(np.array(PERIOD_NAMES, dtype=object)[idx], index=construction_year.index)


def _rows_for(blocks: pd.DataFrame, labels: pd.Series) -> pd.DataFrame:
    """The Vesta demand row of every block at the given labels, aligned with ``blocks``."""
    key = pd.DataFrame(
        {
            "dwelling_type": blocks["dwelling_type"].to_numpy(),
            "period": vesta_period(blocks["construction_year"]).to_numpy(),
            "label": to_envelope(labels).to_numpy(),
        }
    )
    merged = key.merge(demand_table(), how="left", on=["dwelling_type", "period", "label"])
    merged.index = blocks.index
    return merged


def default_label(blocks: pd.DataFrame) -> pd.Series:
    """Vesta's default envelope label per dwelling type and construction period."""
    table = demand_table().drop_duplicates(["dwelling_type", "period"])
    key = pd.DataFrame(
        {
            "dwelling_type": blocks["dwelling_type"].to_numpy(),
            "period": vesta_period(blocks["construction_year"]).to_numpy(),
        }
    )
    out = key.merge(table, how="left", on=["dwelling_type", "period"])["default_label"]
    return pd.Series(out.to_numpy(), index=blocks.index, name="default_label")


def simultaneity(dwellings: np.ndarray | pd.Series | float, large_group: float) -> np.ndarray:
    """Simultaneity factor for a group of ``dwellings``: 1 for one, ``large_group`` from n_full.

    Linear in between, but never so high that the group's peak (``n * s``) exceeds the peak of
    ``n_full`` dwellings (``n_full * large_group``): with hot water's 0.1 the straight line alone
    would give 22 dwellings 2.8 times the peak of 40, so a pipe's design peak would fall as
    blocks join it. The cap keeps every group peak non-decreasing in the dwellings it serves.
    """
    n_full = figures().peak.simultaneity_full_at_dwellings
    n = np.maximum(np.asarray(dwellings, dtype=float), 1.0)
    frac = np.clip((n_full - n) / (n_full - 1.0), 0.0, 1.0)
    line = large_group + (1.0 - large_group) * frac
    return np.asarray(np.minimum(line, np.maximum(large_group, n_full * large_group / n)))


def space_simultaneity(regime: Regime) -> float:
    """Large-group simultaneity of space heating for a regime (Vesta GTF_w_RVmt / RVlt)."""
    peak = figures().peak
    return peak.simultaneity_space_mt if regime == "mt" else peak.simultaneity_space_lt


def diversified_peak_kw(
    space_kw: np.ndarray | pd.Series,
    hot_water_kw: np.ndarray | pd.Series,
    dwellings: np.ndarray | pd.Series,
    regime: Regime = "mt",
) -> np.ndarray:
    """Design peak (kW) of a group from its undiversified space and hot-water peaks."""
    s_sh = simultaneity(dwellings, space_simultaneity(regime))
    s_hw = simultaneity(dwellings, figures().peak.simultaneity_hot_water)
    return np.asarray(s_sh * np.asarray(space_kw, float) + s_hw * np.asarray(hot_water_kw, float))


def block_demand(
    blocks: pd.DataFrame, labels: pd.Series | None = None, regime: Regime = "mt"
) -> pd.DataFrame:
    """Yearly demand (GJ/yr), undiversified and design peaks (kW), estimated gas (m3/yr).

    ``labels`` (EP-Online or envelope labels, aligned with ``blocks``) defaults to each
    block's current ``label``.
    """
    labs = blocks["label"] if labels is None else labels.reindex(blocks.index)
    rows = _rows_for(blocks, labs)
    d = figures()
    n = blocks["dwellings"].to_numpy(float)
    area = blocks["floor_area_m2"].to_numpy(float)
    q_sh = n * rows["space_heat_gj_per_dwelling"].to_numpy() + area * rows["space_heat_gj_per_m2"].to_numpy()
    q_sh = np.maximum(q_sh, 0.0)
    q_hw = n * rows["hot_water_gj_per_dwelling"].to_numpy() + area * rows["hot_water_gj_per_m2"].to_numpy()
    q_cook = n * rows["cooking_gj_per_dwelling"].to_numpy() + area * rows["cooking_gj_per_m2"].to_numpy()
    f_p = d.demand.practice_factor
    hw_kw = np.where(
        blocks["dwelling_type"].to_numpy() == HIGH_RISE,
        d.peak.hot_water_kw_per_dwelling_high_rise,
        d.peak.hot_water_kw_per_dwelling_low_rise,
    )
    space_kw = d.peak.space_kw_per_gj_per_yr * q_sh
    gas = d.gas
    heat = q_sh * f_p + q_hw
    out = pd.DataFrame(
        {
            "space_heat_functional_gj_per_yr": q_sh,
            "space_heat_gj_per_yr": q_sh * f_p,
            "hot_water_gj_per_yr": q_hw,
            "heat_demand_gj_per_yr": heat,
            "cooking_gj_per_yr": q_cook,
            "space_peak_undiversified_kw": space_kw,
            "hot_water_peak_undiversified_kw": hw_kw * n,
            "peak_kw": diversified_peak_kw(space_kw, hw_kw * n, n, regime),
            "gas_m3_per_yr_estimate": (heat / gas.boiler_efficiency + q_cook)
            / gas.lower_heating_value_gj_per_m3,
        },
        index=blocks.index,
    )
    return out


def source_peak_kw(
    blocks: pd.DataFrame, labels: pd.Series | None = None, regime: Regime = "mt"
) -> np.ndarray:
    """Each block's share of its source's design peak (kW): large-group simultaneity, space and hot water.

    The figure the optimisation limits a source with (Vesta GTF_w_RV and the hot-water factor).
    """
    dem = block_demand(blocks, labels, regime=regime)
    s_hw = figures().peak.simultaneity_hot_water
    return np.asarray(
        space_simultaneity(regime) * dem["space_peak_undiversified_kw"].to_numpy(float)
        + s_hw * dem["hot_water_peak_undiversified_kw"].to_numpy(float)
    )


def gas_use_m3_per_yr(blocks: pd.DataFrame, labels: pd.Series | None = None) -> pd.Series:
    """Gas use per block: measured ``gas_m3_per_yr`` where given (at the current label), else estimated.

    For another label than the current one, the measured figure is scaled by the ratio of the
    estimates at the two labels.
    """
    est_now = block_demand(blocks)["gas_m3_per_yr_estimate"]
    est = est_now if labels is None else block_demand(blocks, labels)["gas_m3_per_yr_estimate"]
    measured = blocks["gas_m3_per_yr"] if "gas_m3_per_yr" in blocks else pd.Series(np.nan, blocks.index)
    scaled = measured * (est / est_now.where(est_now > 0))
    return scaled.fillna(est).rename("gas_m3_per_yr")
