"""The grid's power flow against an independent calculation: one station, one cable, one load.

The analytic circuit: the MV infeed held at 1.0 p.u. (so 400 V line-to-line at the station's LV
side, no-load ratio 10/0.4 kV), the transformer's short-circuit impedance referred to the LV side
(z_k = vk% · U²/S_n, r_k = vkr% · U²/S_n, x_k = sqrt(z_k² - r_k²)) in series with the cable
(r, x per km times its length), and a constant-power load at the cable's end. The load voltage
follows from U_load = U_s - sqrt(3) · Z · conj(S / (sqrt(3) · U_load)), solved by fixed point.
The transformer's magnetising branch (no-load loss and current, 0.2 % of its rating) and the
cable's capacitance (a few var at 0.4 kV) are left out of the hand calculation; their effect is
far below the 0.5 % asked.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import pytest

from heatplan.errors import InputError
from heatplan.grid import Grid, check_grid, run_grid, violations

TRAFO = "0.63 MVA 10/0.4 kV"  # pandapower standard type: vk 4 %, vkr 1.0794 %
CABLE = "NAYY 4x150 SE"  # pandapower standard type: r 0.208, x 0.080 ohm/km, 270 A


def one_feeder(length_m: float = 250.0, trafo: str = TRAFO) -> Grid:
    buses = pd.DataFrame({"bus_id": ["mv", "lv", "end"], "vn_kv": [10.0, 0.4, 0.4]})
    stations = pd.DataFrame(
        {"station_id": ["st1"], "mv_bus": ["mv"], "lv_bus": ["lv"], "std_type": [trafo], "parallel": [1]}
    )
    cables = pd.DataFrame(
        {"cable_id": ["c1"], "from_bus": ["lv"], "to_bus": ["end"], "length_m": [length_m],
         "std_type": [CABLE], "parallel": [1]}
    )  # fmt: skip
    return Grid(buses, stations, cables, infeed_bus="mv")


def hand(p_kw: float, q_kvar: float, length_m: float) -> tuple[float, float, float]:
    """Voltage at the load (p.u. of 400 V), current (A) and the station's loading (%) by hand.

    The station's loading is its current on the MV side (held at 1.0 p.u.) against the rated
    current: the apparent power into it, i.e. the load plus the series losses of transformer and
    cable (3·|I|²·Z) plus its no-load losses (1.18 kW, 0.1873 % of 630 kVA magnetising), over 630 kVA.
    """
    u_n, s_n = 400.0, 630e3
    z_k = 0.04 * u_n**2 / s_n
    r_k = 0.010794 * u_n**2 / s_n
    z_t = complex(r_k, math.sqrt(z_k**2 - r_k**2))
    z_c = complex(0.208, 0.080) * length_m / 1000.0
    s = complex(p_kw, q_kvar) * 1000.0
    u = complex(u_n, 0.0)
    for _ in range(100):
        i = (s / (math.sqrt(3) * u)).conjugate()
        u = u_n - math.sqrt(3) * (z_t + z_c) * i
    s_in = s + 3 * abs(i) ** 2 * (z_t + z_c) + complex(1.18e3, 0.001873 * s_n)
    return abs(u) / u_n, abs(i), 100 * abs(s_in) / s_n


@pytest.mark.parametrize(("p_kw", "length_m"), [(120.0, 250.0), (150.0, 300.0)])
def test_voltage_drop_and_loading_match_the_hand_calculation(p_kw: float, length_m: float) -> None:
    q_kvar = p_kw * math.tan(math.acos(0.95))
    res = run_grid(
        one_feeder(length_m), pd.DataFrame({"bus_id": ["end"], "p_kw": [p_kw], "q_kvar": [q_kvar]})
    )
    vm, i_a, station_pct = hand(p_kw, q_kvar, length_m)
    got = res.buses.set_index("bus_id")["vm_pu"]
    assert 1.0 - got["end"] == pytest.approx(1.0 - vm, rel=0.005)  # the voltage drop, within 0.5 %
    assert res.cables["i_a"].iloc[0] == pytest.approx(i_a, rel=0.005)
    assert res.cables["loading_pct"].iloc[0] == pytest.approx(100 * i_a / 270.0, rel=0.005)
    assert res.stations["loading_pct"].iloc[0] == pytest.approx(station_pct, rel=0.005)
    assert violations(res).empty  # within 100 % and EN 50160's band


def test_a_load_beyond_the_station_is_reported_overloaded() -> None:
    # 300 kW at the station's own LV bus on a 0.25 MVA transformer: ~127 % of its rating
    grid = one_feeder(trafo="0.25 MVA 10/0.4 kV")
    res = run_grid(grid, pd.DataFrame({"bus_id": ["lv"], "p_kw": [300.0], "q_kvar": [98.6]}))
    v = violations(res)
    st = v[v["element"] == "station"]
    assert st["id"].tolist() == ["st1"] and st["value"].iloc[0] > 120.0
    assert v[v["element"] == "cable"].empty  # nothing flows through the cable


def test_a_long_cable_drops_the_voltage_out_of_the_band() -> None:
    # 700 m of NAYY 4x150 with 150 kW at its end: ~15 % drop, below EN 50160's 0.9 p.u.
    res = run_grid(one_feeder(700.0), pd.DataFrame({"bus_id": ["end"], "p_kw": [150.0], "q_kvar": [49.3]}))
    v = violations(res)
    low = v[(v["element"] == "bus") & (v["id"] == "end")]
    assert len(low) == 1 and low["value"].iloc[0] < 0.9 and low["limit"].iloc[0] == 0.9


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (lambda g: replace(g, stations=g.stations.assign(lv_bus=["nowhere"])), "lv_bus is not a bus"),
        (lambda g: replace(g, cables=g.cables.assign(length_m=[-5.0])), "length_m must be > 0"),
        (lambda g: replace(g, stations=g.stations.assign(std_type=["9 MVA"])), "unknown std_type 9 MVA"),
        (lambda g: replace(g, infeed_bus="hv"), "infeed bus 'hv' is not a bus"),
    ],
)
def test_a_wrong_grid_is_one_clear_message(change, needle: str) -> None:
    with pytest.raises(InputError, match=needle):
        check_grid(change(one_feeder()), "grid.json")
