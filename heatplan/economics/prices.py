"""National prices per year of the evaluation window, one path per energy carrier.

Prices are PBL's national prices: commodity + CO2 component + network component, without energy
tax, ODE and VAT (defaults in ``defaults.toml`` [national_prices]; the scenario's ``[prices]``
paths override them). A path ``{year: value}`` is linear between the years given and constant
before the first and after the last.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from heatplan.economics.annuity import discount_factors, suffix_sums

#: Energy carriers, with the unit of their quantities; "eur" = a cost already in EUR per year.
CARRIERS = ("eur", "gas_hh_m3", "gas_large_m3", "co2_t", "elec_hh_kwh", "elec_large_kwh")
KWH_PER_GJ = 1e6 / 3600.0


def price_path(path: Mapping[int, float], years: np.ndarray) -> np.ndarray:
    """A price per year: linear between the given years, constant before the first and after the last."""
    ks = np.array(sorted(path), dtype=float)
    vs = np.array([path[int(k)] for k in ks], dtype=float)
    return np.interp(np.asarray(years, dtype=float), ks, vs)


@dataclass(frozen=True)
class Window:
    """The evaluation window: years, discount factors and each carrier's price per year."""

    years: np.ndarray  # base .. evaluation_end_year
    discount: np.ndarray  # (W,)
    price: dict[str, np.ndarray]  # carrier -> (W,) EUR per unit

    def tail(self, carrier: str) -> np.ndarray:
        """(W,) NPV of one unit a year of ``carrier`` from each window year to the window's end."""
        return suffix_sums(self.price[carrier] * self.discount)

    def pos(self, year: int | np.ndarray) -> np.ndarray:
        """Position of ``year`` on the window axis (clipped to ``0 .. W``; W = after the window)."""
        return np.clip(np.asarray(year, dtype=int) - int(self.years[0]), 0, len(self.years))


def make_window(
    start: int,
    end: int,
    rate: float,
    base_year: int,
    paths: Mapping[str, Mapping[int, float]],
) -> Window:
    """Window ``start .. end`` with the scenario's price paths (keys as in ``Prices``)."""
    years = np.arange(start, end + 1)
    price = {
        "eur": np.ones(len(years)),
        "gas_hh_m3": price_path(paths["gas_eur_per_m3"], years),
        "gas_large_m3": price_path(paths["gas_large_eur_per_m3"], years),
        "co2_t": price_path(paths["co2_eur_per_t"], years),
        "elec_hh_kwh": price_path(paths["electricity_eur_per_kwh"], years),
        "elec_large_kwh": price_path(paths["electricity_large_eur_per_kwh"], years),
    }
    return Window(years, discount_factors(years, rate, base_year), price)
