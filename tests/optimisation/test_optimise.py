"""optimise(): diagnostics, pins, cuts and re-solves, network aggregation, both hand-over routes."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyomo.environ as pyo
import pytest

from heatplan.errors import InfeasibleError, InputError
from heatplan.optimisation import optimise, resolve
from heatplan.optimisation.checker import check
from heatplan.optimisation.cuts import min_branch_load, not_before
from heatplan.optimisation.network import NetworkInput, aggregate
from heatplan.optimisation.solve import Session
from heatplan.scenario import Pin
from tests.optimisation.helpers import instance, make_blocks, small_scenario, sources_table, tree_network


def _nets(blocks: pd.DataFrame, **kw: float) -> dict[str, NetworkInput]:
    return {"mt": tree_network(blocks, "mt", **kw), "lt": tree_network(blocks, "lt", source_id="s2", **kw)}


def test_deadline_out_of_reach_is_explained() -> None:
    blocks = make_blocks(6, seed=5)
    total = int(blocks["dwellings"].sum())
    cap = max(math.ceil(total / 5), int(blocks["dwellings"].max()))  # 3 years to the deadline, 4-5 needed
    sc = small_scenario(
        years={"start": 2026, "deadline": 2028, "horizon_end": 2033},
        capacity={"switch_dwellings_per_yr": float(cap)},
    )
    res = optimise(blocks, sc, _nets(blocks), sources_table(), mip_gap=0.0)
    assert not res.deadline_met
    assert res.required_pace_dwellings_per_yr == math.ceil(total / 3)
    arithmetic = 2026 + math.ceil(total / cap) - 1
    assert res.gas_free_year_reached is not None and res.gas_free_year_reached >= arithmetic
    assert res.earliest_gas_free_year == res.gas_free_year_reached
    text = res.message()
    assert "2028 is out of reach" in text
    assert f"switching capacity of {cap:,} dwellings/yr binds" in text
    assert f"at least {math.ceil(total / 3):,} dwellings/yr" in text
    assert check(res.session.inputs, res.blocks, res.edges, hard_deadline=False) == []
    # the yearly capacity holds in the elastic schedule, and every block switches by the horizon
    per_year = res.blocks.groupby("connection_year")["block_id"].count()
    assert per_year.sum() == 6


def test_deadline_met_reports_timings_and_costs() -> None:
    blocks = make_blocks(4, seed=6)
    sc = small_scenario()
    res = optimise(blocks, sc, _nets(blocks), sources_table(), mip_gap=0.0)
    assert res.deadline_met and res.status == "optimal"
    assert res.cost_npv_eur["total"] == pytest.approx(res.objective_eur, rel=1e-9)
    assert set(res.timings_s) >= {"build", "hand_over", "solver", "total"}
    national = res.dataset["national_cost_eur"]
    assert res.blocks["cost_eur"].sum() == pytest.approx(float(national.sum()))
    npv = float((national * res.dataset["eval_discount_factor"]).sum())
    assert npv == pytest.approx(res.objective_eur, rel=1e-9)
    # the modelled years of the window are the per-block items' years
    t = res.dataset.sizes["year"]
    first = sum(float(res.dataset[f"cost_{k}_eur"].sum()) for k in national["item"].values)
    assert first == pytest.approx(float(national.isel(eval_year=slice(0, t)).sum()))
    assert list(res.electricity_peak_kw.index) == ["BU05183301", "BU05183302"]
    assert (res.electricity_peak_kw.diff(axis=1).fillna(0) >= -1e-9).all().all()  # peaks only grow


def test_conflicting_pins_are_named() -> None:
    blocks = make_blocks(3, seed=7)
    pins = (
        Pin(block_id="b1", year=2027, name="corporation calendar"),
        Pin(block_id="b1", forbid_years=(2027,), name="tenant agreement"),
    )
    sc = small_scenario(pins=pins)
    with pytest.raises(InfeasibleError, match=r"corporation calendar|tenant agreement"):
        optimise(blocks, sc, _nets(blocks), sources_table())


def test_pin_on_unknown_block_is_an_input_error() -> None:
    blocks = make_blocks(3)
    with pytest.raises(InputError, match="nope"):
        optimise(
            blocks, small_scenario(pins=(Pin(block_id="nope", year=2027),)), _nets(blocks), sources_table()
        )


def test_cuts_and_warm_resolve() -> None:
    blocks = make_blocks(4, seed=8)
    sc = small_scenario(options={"allowed": ("mt", "hp")})
    res = optimise(blocks, sc, _nets(blocks, eur_per_m=50.0), sources_table(), mip_gap=0.0)
    sched = res.blocks.set_index("block_id")
    assert sched.loc["b3", "option"] == "mt"  # cheap network: everyone on MT
    inp = res.session.inputs
    peak_b1, peak_b3 = float(inp.peak_kw[1, 0]), float(inp.peak_kw[3, 0])
    cuts = [not_before("b0", 2028), *min_branch_load(inp, "mt", ["b1", "b3"], "b3", 2 * (peak_b1 + peak_b3))]
    res2 = resolve(res, cuts, mip_gap=0.0)
    s2 = res2.blocks.set_index("block_id")
    assert s2.loc["b0", "connection_year"] >= 2028
    assert s2.loc["b3", "option"] == "hp"  # the branch can never carry the minimum load
    assert res2.objective_eur >= res.objective_eur
    assert len(res2.session.pyomo_model().cuts) == 1 + len(inp.years)


def test_resolve_keeps_a_schedule_the_cuts_allow() -> None:
    # A cut the schedule already satisfies cannot lower the bound: the schedule is kept and
    # certified by the earlier bound, without a new solve.
    blocks = make_blocks(4, seed=8)
    # gas dear enough that some blocks switch before the deadline (national costs favour waiting)
    sc = small_scenario(options={"allowed": ("mt", "hp")}, prices={"gas_eur_per_m3": {2026: 3.0}})
    res = optimise(blocks, sc, _nets(blocks, eur_per_m=50.0), sources_table(), mip_gap=0.01)
    year = int(res.blocks.set_index("block_id").loc["b0", "connection_year"])
    res2 = resolve(res, [not_before("b0", year)], mip_gap=0.01)
    assert res2.objective_eur == pytest.approx(res.objective_eur, rel=1e-12)
    assert res2.best_bound_eur >= res.best_bound_eur
    assert res2.timings_s["solver"] < 0.01 and res2.gap <= 0.01  # no branch and bound


def _first_solve_and_early_block() -> tuple:
    blocks = make_blocks(6, seed=8)
    # gas dear enough that some blocks switch before the deadline (national costs favour waiting)
    sc = small_scenario(options={"allowed": ("mt", "hp")}, prices={"gas_eur_per_m3": {2026: 3.0}})
    res = optimise(blocks, sc, _nets(blocks, eur_per_m=50.0), sources_table(), mip_gap=0.01)
    years = res.blocks.set_index("block_id")["connection_year"].dropna()
    return res, str(years.idxmin()), int(years.min())


def test_resolve_rounds_the_last_lp_before_solving_a_new_one(monkeypatch: pytest.MonkeyPatch) -> None:
    # A delay breaks the schedule; the last LP, rounded with the delay in the greedy's book, is
    # within the gap of the earlier bound: no new LP, no branch and bound.
    res, block, year = _first_solve_and_early_block()
    calls: list[float] = []
    real = Session.relaxation
    monkeypatch.setattr(Session, "relaxation", lambda self, t: calls.append(t) or real(self, t))
    res2 = resolve(res, [not_before(block, year + 1)], mip_gap=0.01)
    assert calls == []
    assert res2.blocks.set_index("block_id").loc[block, "connection_year"] >= year + 1
    assert res2.gap <= 0.01 and res2.best_bound_eur >= res.best_bound_eur
    assert res2.objective_eur >= res2.best_bound_eur - 1e-6


def test_resolve_when_the_new_lp_does_not_finish(monkeypatch: pytest.MonkeyPatch) -> None:
    # A safety cap can stop the re-solve's LP (e.g. --time-limit): the last LP still guides the
    # rounding, and the schedule keeps the cut.
    from heatplan.optimisation.cuts import Cut, Term

    res, _, _ = _first_solve_and_early_block()
    inp = res.session.inputs
    monkeypatch.setattr(Session, "relaxation", lambda self, t=None: (None, -np.inf))
    kw = inp.source_kw[:, 0]
    ub = 0.5 * float(kw[res.blocks["option"].eq("mt").to_numpy()].sum())
    pairs = list(zip(inp.block_ids, kw, strict=True))
    row = lambda y: tuple(Term("connect", b, y, float(k), "mt") for b, k in pairs)  # noqa: E731
    res2 = resolve(res, [Cut(f"derated s1 ({y})", row(int(y)), ub=ub) for y in inp.years], mip_gap=0.01)
    assert float(kw[res2.blocks["option"].eq("mt").to_numpy()].sum()) <= ub + 1e-6
    assert res2.deadline_met and res2.objective_eur >= res.best_bound_eur


def test_resolve_after_a_cut_the_rounding_cannot_see() -> None:
    # A derated source (a cut, unknown to the greedy rounding) breaks the previous schedule: the
    # re-solve starts from the LP and still returns a schedule within the cut.
    from heatplan.optimisation.cuts import Cut, Term

    blocks = make_blocks(6, seed=8)
    # gas dear enough that some blocks switch before the deadline (national costs favour waiting)
    sc = small_scenario(options={"allowed": ("mt", "hp")}, prices={"gas_eur_per_m3": {2026: 3.0}})
    res = optimise(blocks, sc, _nets(blocks, eur_per_m=50.0), sources_table(), mip_gap=0.01)
    inp = res.session.inputs
    assert list(res.blocks["block_id"]) == list(inp.block_ids)
    on_mt = res.blocks["option"].eq("mt").to_numpy()
    kw = inp.source_kw[:, 0]
    ub = 0.5 * float(kw[on_mt].sum())
    cuts = [
        Cut(
            f"derated s1 ({y})",
            tuple(Term("connect", b, int(y), float(k), "mt") for b, k in zip(inp.block_ids, kw, strict=True)),
            ub=ub,
        )
        for y in inp.years
    ]
    res2 = resolve(res, cuts, mip_gap=0.01)
    on2 = res2.blocks["option"].eq("mt").to_numpy()
    assert float(kw[on2].sum()) <= ub + 1e-6
    assert res2.objective_eur >= res.objective_eur * (1 - 1e-9) and res2.gap <= 0.01


def test_aggregation_merges_chains_and_folds_service_pipes() -> None:
    blocks = make_blocks(4)
    net = tree_network(blocks, "mt")
    extra = pd.DataFrame([("trunk2", "j0", "j1", 100.0, "main", "s1")], columns=net.edges.columns)
    eb = pd.concat([net.edge_blocks, pd.DataFrame({"edge_id": "trunk2", "block_id": blocks["block_id"]})])
    sizing = pd.concat(
        [
            net.sizing,
            pd.DataFrame(
                [{"edge_id": "trunk2", "cost_eur": 1000.0, "design_peak_kw": 240.0, "capacity_kw": 480.0}]
            ),
        ]
    )
    net = NetworkInput("mt", pd.concat([net.edges, extra]), eb, net.block_source, sizing)
    seg = aggregate(net, pd.Index(blocks["block_id"]))
    assert len(seg.cost_eur) == 3
    trunk = seg.edge_segment["trunk"]
    assert seg.edge_segment["trunk2"] == trunk
    assert seg.cost_eur[trunk] == pytest.approx(400 * 1500.0 + 1000.0)
    assert seg.parent[seg.edge_segment["br_even"]] == trunk and seg.parent[trunk] == -1
    assert np.allclose(seg.block_folded_cost_eur, 30 * 1500.0)
    assert seg.block_segment.tolist() == [seg.edge_segment["br_even"], seg.edge_segment["br_odd"]] * 2


def test_both_routes_give_the_same_optimum_and_pyomo_holds_the_rows() -> None:
    inp = instance(n=3, seed=9, capacity={"switch_dwellings_per_yr": 40.0})
    a = Session(inp, route="matrix")
    b = Session(inp, route="expressions")
    oa = a.solve(30, 0.0, start=None)
    ob = b.solve(30, 0.0, start=None)
    assert oa.objective_eur == pytest.approx(ob.objective_eur, rel=1e-9)
    for var, val in zip(a.built.variables, oa.columns, strict=True):
        var.set_value(float(round(val)) if abs(val - round(val)) < 1e-6 else float(val), skip_validation=True)
    for con in a.pyomo_model().component_data_objects(pyo.Constraint, active=True):
        body = pyo.value(con.body)
        assert con.lower is None or body >= pyo.value(con.lower) - 1e-6
        assert con.upper is None or body <= pyo.value(con.upper) + 1e-6
    assert pyo.value(a.pyomo_model().cost) == pytest.approx(oa.objective_eur, rel=1e-9)


def test_housing_programme_new_build_and_demolition() -> None:
    blocks = make_blocks(4, seed=11)
    blocks["new_build_year"] = pd.array([pd.NA, 2027, pd.NA, pd.NA], dtype="Int64")
    blocks["demolition_year"] = pd.array([pd.NA, pd.NA, 2027, pd.NA], dtype="Int64")
    res = optimise(blocks, small_scenario(), _nets(blocks), sources_table(), mip_gap=0.0)
    table = res.blocks.set_index("block_id")
    assert table.loc["b1", "option"] == "lt" and table.loc["b1", "connection_year"] == 2027
    assert pd.isna(table.loc["b2", "connection_year"]) and table.loc["b2", "gas_free_year"] == 2027
    assert (res.edges.query("regime == 'lt' and edge_id == 'trunk'")["build_year"] <= 2027).all()
    assert check(res.session.inputs, res.blocks, res.edges) == []


def _mid_instance():
    from heatplan.optimisation.inputs import build_inputs

    blocks = make_blocks(150, seed=3)
    return build_inputs(blocks, small_scenario(), _nets(blocks), sources_table())


def test_a_solve_says_whether_its_schedule_is_proven() -> None:
    inp = _mid_instance()
    out = Session(inp).solve(time_limit_s=600, mip_gap=0.01)
    assert out.certified and out.gap <= 0.01
    assert out.reason.startswith("within ") and out.reason.endswith("of the best bound (asked 1%)")
    # a safety cap that stops the LP relaxation: a schedule all the same, not certified, and why
    capped = Session(inp).solve(time_limit_s=1e-3, mip_gap=0.01)
    assert capped.schedule is not None and not capped.certified
    assert "after the time limit of 0.001 s stopped the LP relaxation" in capped.reason


def test_the_node_limit_leaves_a_schedule_unproven(monkeypatch: pytest.MonkeyPatch) -> None:
    from heatplan.optimisation import solve

    monkeypatch.setattr(solve, "MIP_MAX_NODES", 0)
    out = Session(_mid_instance()).solve(time_limit_s=600, mip_gap=0.0, start="greedy")
    assert out.status == "node_limit" and out.schedule is not None and not out.certified
    assert "after the node limit stopped the branch and bound" in out.reason


def test_capacity_row_judges_each_edge_against_its_own_design_peak() -> None:
    """Two edges with the same candidate blocks; the upstream one also carries a non-candidate.

    trunk: design 240 kW, capacity 300 kW; trunk2: design 400 kW (with the other block), capacity
    500 kW. Both have room (ratios 1.25), so no row, though trunk's capacity is below trunk2's
    design peak. With trunk2 at 360 kW (ratio 0.9) the row is trunk2's own.
    """
    blocks = make_blocks(4)
    base = tree_network(blocks, "mt")
    extra = pd.DataFrame([("trunk2", "j0", "j1", 100.0, "main", "s1")], columns=base.edges.columns)
    eb = pd.concat(
        [
            base.edge_blocks,
            pd.DataFrame({"edge_id": "trunk2", "block_id": [*blocks["block_id"], "other"]}),
        ]
    )

    def segments(trunk2_kw: float):
        sizing = base.sizing.set_index("edge_id")
        sizing.loc["trunk", "capacity_kw"] = 300.0
        sizing.loc["trunk2"] = {"cost_eur": 1000.0, "design_peak_kw": 400.0, "capacity_kw": trunk2_kw}
        net = NetworkInput("mt", pd.concat([base.edges, extra]), eb, base.block_source, sizing.reset_index())
        return aggregate(net, pd.Index(blocks["block_id"]))

    assert segments(500.0).cap_rows == []
    (row,) = segments(360.0).cap_rows
    assert (row.edge_id, row.capacity_kw, row.design_peak_kw) == ("trunk2", 360.0, 400.0)
    assert sorted(row.members.tolist()) == [0, 1, 2, 3]
