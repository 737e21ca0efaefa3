"""Demand and cost figures against values computed by hand from the Vesta kentallen."""

import numpy as np
import pandas as pd
import pytest

from heatplan.buildings import costs, demand
from heatplan.buildings.labels import required_supply_temp_c, worst_label_for_supply
from heatplan.buildings.schema import validate_blocks
from tests.conftest import make_blocks

# 20241112_Woningen_BAG.csv, meergezins: laag en midden, 1946 - 1964:
VRV_D = (13.93101, 0.1710945)  # Vrv_D_asl (GJ/yr per dwelling), Vrv_D_opp (GJ/yr per m2)
VRV_B = (10.23757, 0.1593456)
VWW = 6.35
VK_OPP = 0.01917
KI_SDB = (5134, 38, 7793, 64)  # Ki_SDB_{min,max}_{asl,opp}


def one_block(label="D", dwellings=24, area=24 * 65.0):
    raw = make_blocks(1)
    raw["dwellings"], raw["floor_area_m2"], raw["label"] = str(dwellings), str(area), label
    return validate_blocks(raw)


def test_space_heat_and_hot_water_by_hand():
    b = one_block()
    d = demand.block_demand(b).iloc[0]
    functional = 24 * VRV_D[0] + 24 * 65 * VRV_D[1]
    assert d["space_heat_functional_gj_per_yr"] == pytest.approx(functional, rel=1e-4)
    assert d["space_heat_gj_per_yr"] == pytest.approx(0.93 * functional, rel=1e-4)
    assert d["hot_water_gj_per_yr"] == pytest.approx(24 * VWW)
    # domain facts: D 25.1 GJ/yr for a 65 m2 flat of this type and period
    assert functional / 24 == pytest.approx(25.1, abs=0.05)


def test_other_label_changes_demand():
    b = one_block()
    d = demand.block_demand(b, labels=pd.Series(["B"], index=b.index)).iloc[0]
    assert d["space_heat_functional_gj_per_yr"] == pytest.approx(24 * VRV_B[0] + 24 * 65 * VRV_B[1], rel=1e-4)
    # A+ .. A+++++ are envelope label A
    a = demand.block_demand(b, labels=pd.Series(["A++"], index=b.index)).iloc[0]
    a1 = demand.block_demand(b, labels=pd.Series(["A"], index=b.index)).iloc[0]
    assert a["space_heat_gj_per_yr"] == a1["space_heat_gj_per_yr"]


def test_peak_with_simultaneity():
    # 24 dwellings: s = s_inf + (1 - s_inf) * (40 - 24) / 39, at most 40 * s_inf / 24
    b = one_block()
    d = demand.block_demand(b).iloc[0]
    s_sh = 0.5 + 0.5 * 16 / 39  # 0.705 < 20 / 24
    s_hw = 40 * 0.1 / 24  # the line's 0.469 would give 24 dwellings 2.8x the hot-water peak of 40
    functional = 24 * VRV_D[0] + 24 * 65 * VRV_D[1]
    expected = s_sh * 0.25 * functional + s_hw * 4.0 * 24
    assert d["peak_kw"] == pytest.approx(expected, rel=1e-4)
    assert demand.simultaneity(1, 0.5) == pytest.approx(1.0)
    assert demand.simultaneity(40, 0.5) == pytest.approx(0.5)
    assert demand.simultaneity(400, 0.5) == pytest.approx(0.5)
    # a group's peak never falls as dwellings join it (space and hot water)
    n = np.arange(1, 200)
    for s_inf in (0.1, 0.5, 0.55):
        assert (np.diff(n * demand.simultaneity(n, s_inf)) >= -1e-12).all()
    assert demand.simultaneity(4, 0.1) == pytest.approx(1 - 0.9 * 3 / 39)  # the line, below 4 / 4
    lt = demand.block_demand(b, regime="lt").iloc[0]
    assert lt["peak_kw"] > d["peak_kw"]


def test_gas_estimate_and_measured():
    b = one_block()
    d = demand.block_demand(b).iloc[0]
    functional = 24 * VRV_D[0] + 24 * 65 * VRV_D[1]
    heat = 0.93 * functional + 24 * VWW
    expected = (heat / 1.04 + 24 * 65 * VK_OPP) / 0.03165
    assert d["gas_m3_per_yr_estimate"] == pytest.approx(expected, rel=1e-4)
    b.loc[0, "gas_m3_per_yr"] = 20000.0
    assert demand.gas_use_m3_per_yr(b).iloc[0] == 20000.0
    at_b = demand.gas_use_m3_per_yr(b, pd.Series(["B"], index=b.index)).iloc[0]
    assert 0 < at_b < 20000.0


def test_insulation_cost_by_hand():
    b = one_block()
    to_b = costs.insulation_cost_eur(b, b["label"], pd.Series(["B"], index=b.index), point=0.5).iloc[0]
    lo = 24 * KI_SDB[0] + 24 * 65 * KI_SDB[1]
    hi = 24 * KI_SDB[2] + 24 * 65 * KI_SDB[3]
    assert to_b == pytest.approx((lo + hi) / 2)
    assert to_b / 24 == pytest.approx(9778.5, abs=1)  # within domain facts' 7,600-12,000
    assert costs.insulation_cost_eur(b, b["label"], pd.Series(["B"], index=b.index), point=0).iloc[
        0
    ] == pytest.approx(lo)
    # already at or above target: nothing to do
    assert costs.insulation_cost_eur(b, b["label"], pd.Series(["E"], index=b.index)).iloc[0] == 0.0
    to_a = costs.insulation_cost_eur(b, b["label"], pd.Series(["A"], index=b.index), point=0.5).iloc[0]
    assert to_a == pytest.approx(to_b + 24 * (1288 + 3199) / 2)


def test_other_costs_by_hand():
    b = one_block()
    assert costs.induction_cost_eur(b, point=0.5).iloc[0] == pytest.approx(
        24 * (1000 + 0.8 * (688.5 + 841.5) / 2)
    )
    peak = pd.Series([100.0], index=b.index)
    assert costs.connection_cost_eur(b, peak, "mt", point=0).iloc[0] == pytest.approx(
        24 * (1800 + 3000 + 209) + 53 * 100
    )
    assert costs.gas_removal_cost_eur(b, point=1).iloc[0] == pytest.approx(24 * 526.9)
    assert costs.pipe_cost_eur_per_m(1.0, point=0) == pytest.approx(1.3 * (400 + 210) * 1.25)
    assert costs.pipe_cost_eur_per_m(7.0, point=1) == pytest.approx(1.3 * (800 + 200 * 7**0.6) * 1.25)


def test_label_policy_defaults():
    pol = {"A": 50.0, "B": 65.0, "C": 75.0, "D": 80.0, "E": 85.0, "F": 90.0, "G": 90.0}
    assert worst_label_for_supply(70.0, pol, 5.0) == "B"
    assert worst_label_for_supply(55.0, pol, 5.0) == "A"
    assert worst_label_for_supply(40.0, pol, 5.0) is None
    req = required_supply_temp_c(pd.Series(["A+++", "B", "D"]), pol)
    np.testing.assert_allclose(req, [50.0, 65.0, 80.0])
