"""Networks re-sized for the load the plan connects (issue 14, item 3).

A small block near the source and a big one beyond it share the trunk. Sized for every possible
connection, the trunk carries both; when the plan puts the big block on a heat pump, the trunk the
plan builds is re-sized for the small block alone: the smallest catalogue DN whose velocity and
gradient limits carry that block's diversified peak, checked here against the catalogue by hand.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from heatplan.buildings.demand import block_demand, diversified_peak_kw
from heatplan.networks.layout import build_layout
from heatplan.networks.pipes import CP_J_PER_KGK, catalogue, max_mdot_kg_per_s
from heatplan.networks.sizing import size_layout
from heatplan.plan import run_plan
from heatplan.plan.resize import Resize, resize_for_plan, worth_resolving
from heatplan.plan.verify import NetworkModels
from heatplan.scenario import Capacity, Options, Pin, Scenario, Solver, Verification, Years
from heatplan.scenario.model import GridSettings
from tests.networks.helpers import make_sources, net_blocks


def chain() -> pd.DataFrame:
    """A 60-dwelling block 150 m east of the source and a 600-dwelling block 150 m beyond it."""
    return net_blocks([(150.0, 0.0), (300.0, 0.0)], dwellings=[60, 600])


def scenario(mip_gap: float = 0.01) -> Scenario:
    """MT or heat pump; the big block is pinned to its heat pump."""
    return Scenario(
        years=Years(start=2026, deadline=2030, horizon_end=2031),
        capacity=Capacity(switch_dwellings_per_yr=None),
        options=Options(allowed=("mt", "hp"), new_build="mt"),
        verification=Verification(allow_bypass=False, max_rounds=3),
        pins=(Pin(block_id="b01", option="hp"),),
        solver=Solver(mip_gap=mip_gap),
        # the big block's heat pumps need more than one new station beside the synthetic grid's: the
        # grid is not what this test is about
        grid=GridSettings(model=False),
    )


@pytest.fixture(scope="module")
def case() -> tuple[pd.DataFrame, NetworkModels, pd.DataFrame, pd.DataFrame]:
    """The chain laid out and sized for both blocks, the plan's table (b00 on MT) and its built pipes."""
    stock, sc, src = chain(), scenario(), make_sources()
    layout = build_layout(stock, src, "mt", sc)
    nets = NetworkModels({"mt": layout}, {"mt": size_layout(layout, stock, sc)}, src)
    table = pd.DataFrame({"option": ["mt", "hp"]}, index=stock.index)
    eb = layout.edge_blocks
    to_b00 = set(eb.loc[eb["block_id"] == "b00", "edge_id"])
    built = pd.DataFrame({"regime": "mt", "edge_id": layout.edges["edge_id"]})
    built["build_year"] = np.where(built["edge_id"].isin(to_b00), 2028.0, np.nan)
    return stock, nets, table, built


def smallest_dn_for(peak_kw: float, sc: Scenario) -> int:
    """The smallest catalogue DN within the velocity and gradient limits at ``peak_kw`` (MT, 70/40)."""
    cat = catalogue()
    cap = max_mdot_kg_per_s(
        cat["inner_diameter_m"].to_numpy(),
        sc.networks.max_velocity_m_per_s,
        sc.networks.max_pressure_gradient_pa_per_m,
    )
    mdot = peak_kw * 1000 / (CP_J_PER_KGK * (sc.networks.mt.supply_temp_c - sc.networks.mt.return_temp_c))
    return int(cat["dn"].iloc[int(np.argmax(cap >= mdot))])


def own_peak_kw(stock: pd.DataFrame, row: int) -> float:
    """One block's diversified MT design peak (kW) on its own."""
    one = stock.iloc[[row]]
    dem = block_demand(one, regime="mt")
    space, hot_water = dem["space_peak_undiversified_kw"], dem["hot_water_peak_undiversified_kw"]
    return float(np.asarray(diversified_peak_kw(space, hot_water, one["dwellings"].astype(float), "mt"))[0])


def test_the_trunk_is_re_sized_for_the_connected_block_alone(case):
    stock, nets, table, built = case
    sc = scenario()
    resized, report = resize_for_plan(stock, sc, nets, table, built, {"mt": stock["label"]})
    before, after = nets.sizings["mt"].set_index("edge_id"), resized.sizings["mt"].set_index("edge_id")
    own_kw = own_peak_kw(stock, 0)
    on = built.loc[built["build_year"].notna(), "edge_id"]
    off = built.loc[built["build_year"].isna(), "edge_id"]
    assert len(on) and len(off)
    assert np.allclose(after.loc[on, "design_peak_kw"], own_kw)  # b00's peak alone on its path
    assert (after.loc[off, "design_peak_kw"] == 0).all()  # nothing the plan connects beyond it
    assert (after.loc[on, "dn"] == smallest_dn_for(own_kw, sc)).all()
    shared = [e for e in on if before.loc[e, "design_peak_kw"] > own_kw + 1e-6]  # trunk: b01 too
    assert shared and (before.loc[shared, "dn"] > after.loc[shared, "dn"]).all()
    (r,) = report
    cost_before, cost_after = before.loc[on, "cost_eur"].sum(), after.loc[on, "cost_eur"].sum()
    assert r == Resize("mt", 1, len(on), len(shared), cost_before, cost_after)
    assert r.saving_eur > 0
    # the layout is kept; only the pipes change
    assert resized.layouts["mt"] is nets.layouts["mt"] and resized.sources is nets.sources


def test_re_optimise_only_when_the_saving_exceeds_the_gap():
    r = Resize("mt", 1, 3, 2, 1_000_000.0, 990_000.0)
    assert worth_resolving([r], objective_eur=900_000.0, mip_gap=0.01)  # 10,000 > 9,000
    assert not worth_resolving([r], objective_eur=1_100_000.0, mip_gap=0.01)  # 10,000 < 11,000


@pytest.mark.parametrize("mip_gap", [1e-4, 0.5])
def test_the_plan_is_verified_on_the_re_sized_network(mip_gap):
    """A tight gap re-optimises on the re-sized pipes; a loose one keeps the schedule. Either way
    the pipes simulated are sized for b00 alone and every year passes."""
    stock, sc = chain(), scenario(mip_gap)
    plan = run_plan(stock, sc, sources=make_sources())
    (r,) = plan.resizes
    assert r.reoptimised == (mip_gap < 0.01)
    assert r.connected_blocks == 1 and r.edges_smaller >= 1 and r.saving_eur > 0
    opt = plan.table.set_index("block_id")["option"]
    assert opt["b00"] == "mt" and opt["b01"] == "hp"
    sizing = plan.nets.sizings["mt"]
    carried = sizing.loc[sizing["design_peak_kw"] > 0, "design_peak_kw"]
    assert len(carried) and np.allclose(carried, own_peak_kw(stock, 0))  # b00's peak, nothing of b01
    assert plan.unresolved.empty and all(c.ok for c in plan.checks)
