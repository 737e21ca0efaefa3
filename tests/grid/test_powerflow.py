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

import numpy as np
import pandas as pd
import pytest

from heatplan.errors import InputError
from heatplan.grid import Grid, cable_rating_ka, check_grid, run_grid, station_rating_kva, violations

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


def _own_data(grid: Grid) -> Grid:
    """The grid with each station's and cable's data given in the row instead of a standard type."""
    from heatplan.grid.powerflow import line_data, trafo_data

    t = trafo_data(grid.stations)
    stations = grid.stations.drop(columns="std_type").assign(
        sn_kva=t["sn_mva"] * 1000.0, **{c: t[c] for c in t.columns if c != "sn_mva"}
    )
    cables = pd.concat([grid.cables.drop(columns="std_type"), line_data(grid.cables)], axis=1)
    return replace(grid, stations=stations, cables=cables)


def test_a_grid_giving_its_own_data_solves_as_its_standard_types() -> None:
    loads = pd.DataFrame({"bus_id": ["end"], "p_kw": [120.0], "q_kvar": [39.4]})
    std, own = one_feeder(), _own_data(one_feeder())
    assert "std_type" not in own.stations.columns and own.stations["sn_kva"].tolist() == [630.0]
    check_grid(own, "own data")
    a, b = run_grid(std, loads), run_grid(own, loads)
    for x, y in ((a.stations, b.stations), (a.cables, b.cables), (a.buses, b.buses)):
        pd.testing.assert_frame_equal(x, y, rtol=1e-12)
    assert station_rating_kva(own).tolist() == station_rating_kva(std).tolist() == [630.0]
    assert cable_rating_ka(own).tolist() == cable_rating_ka(std).tolist() == [0.27]
    # a parameter a row gives overrides its type's; parallel multiplies the rating
    bigger = replace(std, stations=std.stations.assign(sn_kva=[800.0], parallel=[2]))
    assert station_rating_kva(bigger).tolist() == [1600.0]
    doubled = replace(std, cables=std.cables.assign(max_i_ka=[0.3], parallel=[3]))
    assert cable_rating_ka(doubled).tolist() == pytest.approx([0.9])


INFEEDS = pd.DataFrame({"bus_id": ["nowhere"], "vm_pu": [1.0], "from_year": [2030]})


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (lambda g: replace(g, stations=g.stations.assign(sn_kva=[-630.0])),
         "stations st1: sn_kva must be > 0 (is -630)"),
        (lambda g: replace(g, cables=g.cables.assign(max_i_ka=[0.0])),
         "cables c1: max_i_ka must be > 0 (is 0)"),
        (lambda g: replace(g, stations=g.stations.drop(columns=["vk_percent"])),
         "stations st1: no std_type and no vk_percent (give a pandapower standard type or these parameters)"),
        (lambda g: replace(g, cables=g.cables.assign(r_ohm_per_km=["thin"])),
         "cables c1: r_ohm_per_km is not a number"),
        (lambda g: replace(g, stations=g.stations.assign(vkr_percent=[5.0])),
         "stations st1: vkr_percent must be at most vk_percent"),
        (lambda g: replace(g, infeeds=INFEEDS), "infeeds nowhere: bus_id is not a bus"),
    ],
)  # fmt: skip
def test_wrong_own_data_is_one_message_naming_the_element(change, needle: str) -> None:
    with pytest.raises(InputError) as err:
        check_grid(change(_own_data(one_feeder())), "grid.json")
    assert str(err.value).startswith("grid.json: ") and needle in str(err.value)


def test_an_extra_infeed_and_cables_serve_from_their_year() -> None:
    from heatplan.grid import GridSolver

    # a second feeder from a new MV bus "mv2" (held at 1.0 p.u.) to the cable's end, from 2030;
    # the first cable is opened in 2035: "end" is then fed from mv2 alone
    base = one_feeder(400.0)
    buses = pd.concat([base.buses, pd.DataFrame({"bus_id": ["mv2", "lv2"], "vn_kv": [10.0, 0.4]})])
    stations = pd.concat(
        [base.stations, base.stations.assign(station_id=["st2"], mv_bus=["mv2"], lv_bus=["lv2"])]
    )
    second = base.cables.assign(cable_id=["c2"], from_bus=["lv2"], length_m=[100.0], from_year=[2030])
    cables = pd.concat([base.cables.assign(until_year=[2035]), second])
    infeeds = pd.DataFrame({"bus_id": ["mv2"], "vm_pu": [1.0], "from_year": [2030]})
    grid = Grid(buses, stations.reset_index(drop=True), cables.reset_index(drop=True), "mv", infeeds=infeeds)
    check_grid(grid, "two feeders")
    loads = pd.DataFrame({"bus_id": ["end"], "p_kw": [150.0], "q_kvar": [49.3]})
    solver = GridSolver(grid)
    alone = run_grid(base, loads).buses.set_index("bus_id")["vm_pu"]["end"]
    for year in (None, 2029):
        res = solver.solve(loads, year=year)
        assert res.buses.set_index("bus_id")["vm_pu"]["end"] == pytest.approx(alone, abs=1e-9)
        assert res.cables["i_a"].tolist()[1] == 0.0 and np.isnan(res.buses["vm_pu"].iloc[-1])
    both = solver.solve(loads, year=2030)
    assert both.buses.set_index("bus_id")["vm_pu"]["end"] > alone + 0.02 and (both.cables["i_a"] > 0).all()
    later = solver.solve(loads, year=2035)
    assert later.cables["i_a"].tolist()[0] == 0.0 and later.stations["p_kw"].iloc[0] < 2.0  # st1 at no load
