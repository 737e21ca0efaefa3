"""Costs of the measures per block (EUR, undiscounted), from PBL Vesta key figures.

Each figure has a min and a max; ``point`` (0 = min, 1 = max, default from
``defaults.toml``) picks the value used: ``c = c_min + point * (c_max - c_min)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from heatplan.buildings.defaults import insulation_table
from heatplan.buildings.demand import HIGH_RISE, vesta_period
from heatplan.buildings.labels import ENVELOPE_LABELS, label_rank, to_envelope
from heatplan.scenario.figures import figures

_TARGETS_IN_TABLE = ("D", "C", "B")


def _point(point: float | None) -> float:
    return float(figures().insulation.cost_point if point is None else point)


def _between(lo: float | np.ndarray, hi: float | np.ndarray, point: float) -> np.ndarray:
    return np.asarray(lo + point * (np.asarray(hi) - np.asarray(lo)), dtype=float)


def _step_cost(blocks: pd.DataFrame, frm: pd.Series, to: pd.Series, point: float) -> np.ndarray:
    """Vesta step cost from envelope label ``frm`` to ``to`` in {D, C, B}; 0 where no step."""
    key = pd.DataFrame(
        {
            "dwelling_type": blocks["dwelling_type"].to_numpy(),
            "period": vesta_period(blocks["construction_year"]).to_numpy(),
            "from_label": frm.to_numpy(),
            "to_label": to.to_numpy(),
        }
    )
    m = key.merge(insulation_table(), how="left", on=["dwelling_type", "period", "from_label", "to_label"])
    n = blocks["dwellings"].to_numpy(float)
    area = blocks["floor_area_m2"].to_numpy(float)
    lo = n * m["min_eur_per_dwelling"].to_numpy() + area * m["min_eur_per_m2"].to_numpy()
    hi = n * m["max_eur_per_dwelling"].to_numpy() + area * m["max_eur_per_m2"].to_numpy()
    return np.nan_to_num(np.maximum(_between(lo, hi, point), 0.0))


def lt_emitter_cost_eur(blocks: pd.DataFrame, point: float | None = None) -> pd.Series:
    """Low-temperature emitters per block (Vesta Ki_LTAS, Arcadis 2023)."""
    ins = figures().insulation
    high = blocks["dwelling_type"].to_numpy() == HIGH_RISE
    lo = np.where(
        high,
        ins.lt_emitters_min_eur_per_dwelling_high_rise,
        ins.lt_emitters_min_eur_per_dwelling_low_rise,
    )
    hi = np.where(
        high,
        ins.lt_emitters_max_eur_per_dwelling_high_rise,
        ins.lt_emitters_max_eur_per_dwelling_low_rise,
    )
    return pd.Series(_between(lo, hi, _point(point)) * blocks["dwellings"].to_numpy(), index=blocks.index)


def insulation_cost_eur(
    blocks: pd.DataFrame, from_labels: pd.Series, to_labels: pd.Series, point: float | None = None
) -> pd.Series:
    """Cost to bring each block from one label to (at least) another (EUR per block).

    Zero where the block already has the target label or better. Targets E/F/G are costed as the
    step to D (Vesta has no cheaper step). Target A is the step to B plus low-temperature emitters.
    """
    p = _point(point)
    frm = to_envelope(from_labels.reindex(blocks.index))
    to = to_envelope(to_labels.reindex(blocks.index))
    need = label_rank(to) > label_rank(frm)
    to_table = to.where(to.isin(_TARGETS_IN_TABLE), np.where(to == "A", "B", "D"))
    step_needed = need & (label_rank(to_table) > label_rank(frm))
    cost = np.where(step_needed, _step_cost(blocks, frm, pd.Series(to_table, index=blocks.index), p), 0.0)
    cost = cost + np.where(need & (to.to_numpy() == "A"), lt_emitter_cost_eur(blocks, p).to_numpy(), 0.0)
    return pd.Series(cost, index=blocks.index, name="insulation_cost_eur")


def induction_cost_eur(blocks: pd.DataFrame, point: float | None = None) -> pd.Series:
    """Gas-free cooking per block: Vesta's 1,000 EUR plus the share needing a 3x25 A connection."""
    ind = figures().induction
    upgrade = _between(
        ind.grid_upgrade_min_eur_per_dwelling, ind.grid_upgrade_max_eur_per_dwelling, _point(point)
    )
    per_dwelling = ind.cost_eur_per_dwelling + ind.grid_upgrade_share * upgrade
    cost = np.where(
        blocks["cooking"].to_numpy() == "induction", 0.0, per_dwelling * blocks["dwellings"].to_numpy()
    )
    return pd.Series(cost, index=blocks.index, name="induction_cost_eur")


def connection_cost_eur(
    blocks: pd.DataFrame, peak_kw: pd.Series, regime: str = "mt", point: float | None = None
) -> pd.Series:
    """Cost of connecting each block to a heat network (EUR per block).

    Delivery sets, in-building pipes, substation share and project management; LT adds a
    hot-water booster per dwelling.
    """
    con = figures().connection
    p = _point(point)
    flats = blocks["dwelling_type"].str.startswith("meergezins").to_numpy()
    blockheat = blocks["heating"].to_numpy() == "block_heating"
    in_building = np.where(
        flats,
        np.where(
            blockheat,
            con.in_building_flat_block_heating_eur_per_dwelling,
            con.in_building_flat_eur_per_dwelling,
        ),
        con.in_building_ground_level_eur_per_dwelling,
    )
    per_dwelling = con.delivery_set_eur_per_dwelling + in_building + con.project_management_eur_per_dwelling
    if regime == "lt":
        per_dwelling = per_dwelling + _between(
            con.lt_booster_min_eur_per_dwelling, con.lt_booster_max_eur_per_dwelling, p
        )
    substation = (
        _between(con.substation_min_eur_per_kw, con.substation_max_eur_per_kw, p) * peak_kw.to_numpy()
    )
    cost = per_dwelling * blocks["dwellings"].to_numpy() + substation
    return pd.Series(cost, index=blocks.index, name="connection_cost_eur")


def heat_pump_cost_eur(
    blocks: pd.DataFrame, peak_kw_per_dwelling: pd.Series, point: float | None = None
) -> pd.Series:
    """Individual air-water heat pumps at their undiversified peak, with the meter cupboard (EUR/block)."""
    hp = figures().heat_pump
    p = _point(point)
    fixed = _between(hp.fixed_min_eur_per_dwelling, hp.fixed_max_eur_per_dwelling, p)
    var = _between(hp.variable_min_eur_per_kw, hp.variable_max_eur_per_kw, p)
    flats = blocks["dwelling_type"].str.startswith("meergezins").to_numpy()
    cupboard = np.where(
        flats, hp.meter_cupboard_flat_eur_per_dwelling, hp.meter_cupboard_ground_level_eur_per_dwelling
    )
    per_dwelling = fixed + var * peak_kw_per_dwelling.to_numpy() + cupboard
    return pd.Series(
        per_dwelling * blocks["dwellings"].to_numpy(), index=blocks.index, name="heat_pump_cost_eur"
    )


def gas_removal_cost_eur(blocks: pd.DataFrame, point: float | None = None) -> pd.Series:
    """Removing the gas connections of a block (one per dwelling; high-rise vs low-rise rates)."""
    g = figures().gas_grid
    p = _point(point)
    high = blocks["dwelling_type"].str.startswith("meergezins").to_numpy()
    per = np.where(
        high,
        _between(g.remove_connection_high_rise_min_eur, g.remove_connection_high_rise_max_eur, p),
        _between(g.remove_connection_low_rise_min_eur, g.remove_connection_low_rise_max_eur, p),
    )
    return pd.Series(per * blocks["dwellings"].to_numpy(), index=blocks.index, name="gas_removal_cost_eur")


def pipe_cost_eur_per_m(transported_mw: np.ndarray | float, point: float | None = None) -> np.ndarray:
    """Distribution pipe cost per metre of route (Vesta: trench cost, price index, detour factor)."""
    c = figures().distribution_pipe
    pw = np.maximum(np.asarray(transported_mw, dtype=float), 0.0)
    lo = c.price_index * (c.min_base_eur_per_m + c.min_sqrt_eur_per_m * np.sqrt(pw))
    hi = c.price_index * (c.max_base_eur_per_m + c.max_pow_eur_per_m * pw**c.max_exponent)
    return _between(lo, hi, _point(point)) * c.detour_factor


__all__ = [
    "ENVELOPE_LABELS",
    "connection_cost_eur",
    "gas_removal_cost_eur",
    "heat_pump_cost_eur",
    "induction_cost_eur",
    "insulation_cost_eur",
    "lt_emitter_cost_eur",
    "pipe_cost_eur_per_m",
]
