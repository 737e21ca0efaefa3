"""Pipe catalogue (EN 253 pre-insulated steel pipes), heat-loss coefficients and friction.

The catalogue lists nominal sizes DN20 .. DN600 with the steel service pipe's outer diameter
and minimum wall thickness of EN 253 (Table 2, from EN 10217) and the casing outer diameter of
insulation series 2, as published in manufacturers' catalogues (Logstor, isoplus). The
linear heat-loss coefficient of one buried single pipe follows the steady-state resistance
model of EN 13941-1 (Wallentén's single-pipe formula, neglecting the neighbouring pipe):

    U_lin = 1 / (ln(Dc/Do) / (2 pi lambda_ins) + ln(4 H / Dc) / (2 pi lambda_soil))   [W/(m K)]

with H the depth of the pipe axis. The pipe and soil figures (lambdas, cover, roughness) are in
:mod:`heatplan.scenario.figures` (group ``network``). pandapipes applies its ``u_w_per_m2k`` to the outer
surface ``pi * Do`` per metre, so ``u_w_per_m2k = U_lin / (pi * Do)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from heatplan.scenario.figures import figures

#: (DN, steel outer diameter mm, wall thickness mm, casing outer diameter mm, series 2).
_EN253 = (
    (20, 26.9, 2.6, 110),
    (25, 33.7, 2.6, 110),
    (32, 42.4, 2.6, 125),
    (40, 48.3, 2.6, 125),
    (50, 60.3, 2.9, 140),
    (65, 76.1, 2.9, 160),
    (80, 88.9, 3.2, 180),
    (100, 114.3, 3.6, 225),
    (125, 139.7, 3.6, 250),
    (150, 168.3, 4.0, 280),
    (200, 219.1, 4.5, 355),
    (250, 273.0, 5.0, 450),
    (300, 323.9, 5.6, 500),
    (350, 355.6, 5.6, 560),
    (400, 406.4, 6.3, 630),
    (450, 457.0, 6.3, 710),
    (500, 508.0, 6.3, 800),
    (600, 610.0, 7.1, 900),
    (700, 711.0, 8.0, 1000),
    (800, 813.0, 8.8, 1100),
)

#: Water properties used for sizing and the pre-estimate (about 55 C); the simulation uses
#: pandapipes' temperature-dependent properties.
RHO_KG_PER_M3 = 985.0
CP_J_PER_KGK = 4183.0
NU_M2_PER_S = 5.0e-7


def linear_u_w_per_mk(outer_diameter_m: np.ndarray, casing_diameter_m: np.ndarray) -> np.ndarray:
    """Heat-loss coefficient per metre of one buried single pipe, W/(m K) (EN 13941-1)."""
    do = np.asarray(outer_diameter_m, float)
    dc = np.asarray(casing_diameter_m, float)
    net = figures().network
    r_ins = np.log(dc / do) / (2 * np.pi * net.insulation_lambda_w_per_mk)
    depth_m = net.cover_m + dc / 2
    r_soil = np.log(4 * depth_m / dc) / (2 * np.pi * net.soil_lambda_w_per_mk)
    return np.asarray(1.0 / (r_ins + r_soil))


def catalogue() -> pd.DataFrame:
    """The DN table: dn, inner/outer/casing diameters (m), u_lin_w_per_mk and u_w_per_m2k."""
    arr = np.array(_EN253, dtype=float)
    do = arr[:, 1] / 1000
    di = (arr[:, 1] - 2 * arr[:, 2]) / 1000
    dc = arr[:, 3] / 1000
    u_lin = linear_u_w_per_mk(do, dc)
    return pd.DataFrame(
        {
            "dn": arr[:, 0].astype(int),
            "inner_diameter_m": di,
            "outer_diameter_m": do,
            "casing_diameter_m": dc,
            "u_lin_w_per_mk": u_lin,
            "u_w_per_m2k": u_lin / (np.pi * do),
        }
    )


def friction_factor(reynolds: np.ndarray, rel_roughness: np.ndarray) -> np.ndarray:
    """Darcy friction factor: Swamee-Jain (turbulent) or 64/Re (laminar, Re < 2300)."""
    re = np.maximum(np.asarray(reynolds, float), 1e-9)
    eps = np.asarray(rel_roughness, float)
    turb = 0.25 / np.log10(eps / 3.7 + 5.74 / np.maximum(re, 2300.0) ** 0.9) ** 2
    return np.asarray(np.where(re < 2300.0, 64.0 / re, turb))


def pressure_gradient_pa_per_m(mdot_kg_per_s: np.ndarray, inner_diameter_m: np.ndarray) -> np.ndarray:
    """Darcy-Weisbach pressure gradient (Pa/m) of water at a mass flow in a pipe."""
    d = np.asarray(inner_diameter_m, float)
    v = np.abs(np.asarray(mdot_kg_per_s, float)) / (RHO_KG_PER_M3 * np.pi * d**2 / 4)
    f = friction_factor(v * d / NU_M2_PER_S, figures().network.roughness_mm / 1000 / d)
    return np.asarray(f / d * RHO_KG_PER_M3 * v**2 / 2)


def velocity_m_per_s(mdot_kg_per_s: np.ndarray, inner_diameter_m: np.ndarray) -> np.ndarray:
    """Mean velocity (m/s) of water at a mass flow in a pipe."""
    d = np.asarray(inner_diameter_m, float)
    return np.asarray(np.abs(np.asarray(mdot_kg_per_s, float)) / (RHO_KG_PER_M3 * np.pi * d**2 / 4))


def max_mdot_kg_per_s(
    inner_diameter_m: np.ndarray, max_velocity_m_per_s: float, max_gradient_pa_per_m: float
) -> np.ndarray:
    """Largest mass flow a pipe carries within both the velocity and pressure-gradient limits."""
    d = np.asarray(inner_diameter_m, float)
    by_velocity = max_velocity_m_per_s * RHO_KG_PER_M3 * np.pi * d**2 / 4
    lo = np.zeros_like(d)
    hi = by_velocity.copy()
    for _ in range(60):  # bisection on the monotone gradient(mdot)
        mid = (lo + hi) / 2
        ok = pressure_gradient_pa_per_m(mid, d) <= max_gradient_pa_per_m
        lo = np.where(ok, mid, lo)
        hi = np.where(ok, hi, mid)
    return np.asarray(
        np.where(pressure_gradient_pa_per_m(by_velocity, d) <= max_gradient_pa_per_m, by_velocity, lo)
    )
