"""From items to yearly national costs and to the discounted cost from a switch year on.

``annual`` maps item -> carrier -> yearly quantity (investments as their annuity, carrier
``eur``; O&M as the item ``maintenance``). A quantity ``q`` of carrier ``c`` costs
``q * price_c[w]`` in window year ``w``; from year ``t`` to the window's end it costs
``q * sum_{w >= t} price_c[w] * delta_w`` (``Window.tail``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from heatplan.economics.annuity import annuity_factor
from heatplan.economics.options import OptionItems, heat_chain_per_gj, lifetime_yr
from heatplan.economics.prices import Window
from heatplan.scenario.figures import figures

Annual = dict[str, dict[str, np.ndarray]]


def annual_items(items: OptionItems, rate: float) -> Annual:
    """Yearly cost items per block and option key: annuities, maintenance, energy quantities."""
    out: Annual = {}
    maint = None
    for it, inv in items.invest_eur.items():
        out[it] = {"eur": inv * annuity_factor(rate, lifetime_yr(it))}
        m = inv * items.om_share[it][:, None]
        maint = m if maint is None else maint + m
    if maint is not None:
        out["maintenance"] = {"eur": maint}
    for it, by_c in items.energy.items():
        out.setdefault(it, {}).update({c: q.copy() for c, q in by_c.items()})
    return out


def _tails(window: Window, pos: np.ndarray) -> dict[str, np.ndarray]:
    return {c: np.concatenate([window.tail(c), [0.0]])[pos] for c in window.price}


def npv_from(
    annual: Mapping[str, Mapping[str, np.ndarray]], window: Window, start_years: np.ndarray
) -> np.ndarray:
    """(..., T) NPV of the yearly items from each start year to the window's end (all items summed)."""
    tails = _tails(window, window.pos(start_years))
    total: np.ndarray | None = None
    for by_c in annual.values():
        for c, q in by_c.items():
            part = q[..., None] * tails[c]
            total = part if total is None else total + part
    assert total is not None
    return total


def item_npv_from(
    annual: Mapping[str, Mapping[str, np.ndarray]], window: Window, start_year: np.ndarray
) -> dict[str, np.ndarray]:
    """Per item, the NPV from each element's own start year (``start_year`` shaped like the quantities)."""
    pos = window.pos(start_year)
    out = {}
    for it, by_c in annual.items():
        out[it] = sum(q * np.concatenate([window.tail(c), [0.0]])[pos] for c, q in by_c.items())
    return out


def item_cost_in_year(
    annual: Mapping[str, Mapping[str, np.ndarray]], window: Window, year: int
) -> dict[str, np.ndarray]:
    """Per item, the cost in one year (EUR/yr at that year's prices)."""
    w = int(window.pos(year)) if year <= window.years[-1] else len(window.years) - 1
    return {it: sum(q * window.price[c][w] for c, q in by_c.items()) for it, by_c in annual.items()}


def segment_annual(
    cost_eur: np.ndarray,
    loss_gj: np.ndarray,
    regime: str,
    source_cost: np.ndarray,
    supply_c: float,
    rate: float,
    co2_kg_per_m3: float | None = None,
    peak_share: np.ndarray | None = None,
) -> Annual:
    """Yearly items of network segments: pipe annuity, maintenance, heat lost (as heat to produce)."""
    om = float(figures().economics.om_share_per_yr.distribution_pipes)
    chain = heat_chain_per_gj(regime, source_cost, supply_c, co2_kg_per_m3, peak_share)
    return {
        "network": {"eur": cost_eur * annuity_factor(rate, lifetime_yr("distribution_pipes"))},
        "maintenance": {"eur": cost_eur * om},
        "network_heat_loss": {c: loss_gj * q for c, q in chain.items()},
    }


def induction_annual(n_dwellings: np.ndarray, rate: float, point: float) -> Annual:
    """Yearly items of gas-free cooking per block: hob (15 years), 3x25 A share (50 years), electricity.

    The hob's electricity is at the household price path; the cooking gas it replaces is saved.
    """
    ind = figures().induction
    up = ind.grid_upgrade_min_eur_per_dwelling + point * (
        ind.grid_upgrade_max_eur_per_dwelling - ind.grid_upgrade_min_eur_per_dwelling
    )
    return {
        "induction": {
            "eur": n_dwellings * ind.cost_eur_per_dwelling * annuity_factor(rate, lifetime_yr("induction"))
        },
        "grid_reinforcement": {
            "eur": n_dwellings
            * ind.grid_upgrade_share
            * up
            * annuity_factor(rate, lifetime_yr("grid_reinforcement"))
        },
        "electricity": {"elec_hh_kwh": n_dwellings * ind.electricity_kwh_per_yr},
    }
