"""Yearly heat loss of the pipes built, from their own physics (docs/economics.md, "Heat losses").

A supply and a return pipe lie along every edge. Each loses ``U_lin * (T_water - T_soil)`` W per
metre (``U_lin`` of EN 13941-1, ``heatplan.networks.pipes``). The year is split into three states
(defaults.toml [network_losses]): winter (design return temperature, cold soil), mid-season
(return a few K warmer) and summer (low load: end-of-branch bypasses return water
``bypass_dt_k`` below the supply temperature; warm soil). The supply temperature is the regime's
nominal one all year (no weather compensation, a conservative choice of ours).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from heatplan.scenario import Scenario
from heatplan.scenario.figures import figures

STATES = ("winter", "mid", "summer")


def state_temperatures_c(scenario: Scenario, regime: str) -> pd.DataFrame:
    """Per state: hours, soil, supply and return temperature (deg C)."""
    d = figures().network_losses
    spec = scenario.networks.mt if regime == "mt" else scenario.networks.lt
    ret = {
        "winter": spec.return_temp_c,
        "mid": spec.return_temp_c + d.mid_return_rise_k,
        "summer": max(spec.supply_temp_c - scenario.networks.bypass_dt_k, spec.return_temp_c),
    }
    return pd.DataFrame(
        {
            "hours": [float(d.state_hours[s]) for s in STATES],
            "soil_c": [float(d.state_soil_c[s]) for s in STATES],
            "supply_c": [spec.supply_temp_c] * len(STATES),
            "return_c": [ret[s] for s in STATES],
        },
        index=pd.Index(STATES, name="state"),
    )


def loss_gj_per_m_yr(u_lin_w_per_mk: np.ndarray, scenario: Scenario, regime: str) -> np.ndarray:
    """Yearly heat loss per metre of route (supply + return pipe), GJ/(m yr)."""
    st = state_temperatures_c(scenario, regime)
    kelvin_hours = float(
        ((st["supply_c"] - st["soil_c"] + st["return_c"] - st["soil_c"]) * st["hours"]).sum()
    )
    return np.asarray(u_lin_w_per_mk, float) * kelvin_hours * 3600.0 / 1e9


def edge_heat_loss_gj_per_yr(sizing: pd.DataFrame, scenario: Scenario, regime: str) -> np.ndarray:
    """Yearly heat loss of each sized edge (GJ/yr) from its DN's U-value and its length."""
    u_lin = sizing["u_w_per_m2k"].to_numpy(float) * np.pi * sizing["outer_diameter_m"].to_numpy(float)
    return loss_gj_per_m_yr(u_lin, scenario, regime) * sizing["length_m"].to_numpy(float)
