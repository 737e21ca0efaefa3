"""Dwellings already on district heating take their share of their MT source first (issue 14, item 3)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from heatplan.buildings.sources import deliverable_mw, peak_boiler_heat_share, with_existing_customers
from heatplan.errors import InputError
from heatplan.optimisation import build_inputs, optimise
from heatplan.optimisation.checker import check
from heatplan.plan.pipeline import lay_out
from heatplan.scenario.figures import figures
from tests.optimisation.helpers import make_blocks, small_scenario, sources_table, tree_network

#: The district-heating block by hand: 100 flats (meergezins laag en midden, 1962, label C, 7,000 m2).
#: kentallen_demand.csv, 1946 - 1964, label C: 12.5278 GJ per dwelling + 0.162929 GJ per m2
#: -> space heat 100 x 12.5278 + 7,000 x 0.162929 = 2,393.283 GJ/yr; undiversified space peak
#: 0.25 kW per GJ/yr x 2,393.283 = 598.321 kW; hot water 4.0 kW x 100 = 400 kW (low rise).
#: Share of the source's design peak: 0.5 x 598.321 + 0.1 x 400 = 339.160 kW.
EXISTING_KW = 0.5 * 0.25 * (100 * 12.5278 + 7000 * 0.162929) + 0.1 * 4.0 * 100


def _stock() -> pd.DataFrame:
    """b0: 40 flats on gas at label A (MT beats a heat pump over the window); b1: on district heating."""
    return make_blocks(
        2, seed=0, dwellings=[40, 100], floor_area_m2=[40 * 65.0, 7000.0], label=["A", "C"],
        construction_year=1962, dwelling_type="meergezins: laag en midden",
        heating=["gas_boiler", "district_heating"], cooking=["gas", "induction"],
    )  # fmt: skip


def _solve(mt_mw: float):
    blocks = _stock()
    sc = small_scenario(options={"allowed": ("mt", "hp")}, capacity={"switch_dwellings_per_yr": None})
    nets = {"mt": tree_network(blocks.iloc[[0]], "mt", 2.0, "s1", 600.0)}
    src = sources_table(mt_mw=mt_mw).assign(heat_cost_eur_per_gj=[4.3, 0.9])
    return optimise(blocks, sc, nets, src, mip_gap=0.0)


def test_the_existing_customers_share_by_hand() -> None:
    peak = figures().peak
    assert (peak.space_kw_per_gj_per_yr, peak.hot_water_kw_per_dwelling_low_rise) == (0.25, 4.0)
    assert (peak.simultaneity_space_mt, peak.simultaneity_hot_water) == (0.5, 0.1)
    src = with_existing_customers(_stock(), sources_table(mt_mw=2.0), 2026)
    assert pytest.approx(339.160, abs=1e-3) == EXISTING_KW
    assert src["existing_dwellings"].tolist() == [100, 0]  # the MT source; the LT one serves nobody
    assert src["existing_mw"].tolist() == pytest.approx([EXISTING_KW / 1000, 0.0])
    # what the plan may use: P - existing (no peak boilers in this table)
    assert deliverable_mw(src).tolist() == pytest.approx([2.0 - EXISTING_KW / 1000, 50.0])
    # peak boilers add to it, and only a source with them burns the peak-boiler share of gas
    with_boilers = src.assign(peak_boiler_mw=[1.5, 0.0])
    assert deliverable_mw(with_boilers).tolist() == pytest.approx([3.5 - EXISTING_KW / 1000, 50.0])
    share = figures().economics.network_heat.mt_peak_boiler_heat_share
    assert peak_boiler_heat_share(with_boilers).tolist() == [share, 0.0]
    assert peak_boiler_heat_share(src).tolist() == [0.0, 0.0]


def test_model_and_network_layout_see_the_same_reduced_capacity() -> None:
    blocks, sc = _stock(), small_scenario()
    nets = {"mt": tree_network(blocks.iloc[[0]], "mt", 2.0, "s1", 600.0)}
    inp = build_inputs(blocks, sc, nets, sources_table(mt_mw=2.0))
    caps = inp.sources.set_index("source_id")["capacity_kw"]
    assert caps["s1"] == pytest.approx(2000.0 - EXISTING_KW)
    assert caps["s2"] == pytest.approx(50_000.0)
    laid = lay_out(blocks, sc, sources_table(mt_mw=2.0))
    assert deliverable_mw(laid.sources)[0] * 1000 == pytest.approx(2000.0 - EXISTING_KW)


def test_a_plan_that_needs_more_than_is_left_is_cut() -> None:
    free = _solve(mt_mw=50.0)  # plenty left: the gas block takes MT
    assert free.blocks.loc[0, "option"] == "mt"
    need_kw = float(free.session.inputs.source_kw[0, 0])
    assert 0.5 * need_kw < EXISTING_KW  # the source below carries the block alone, not after them
    # a source of existing + half the block's share: alone the block would fit, after them it does not
    tight = _solve(mt_mw=(EXISTING_KW + 0.5 * need_kw) / 1000)
    assert tight.session.inputs.sources["capacity_kw"].iloc[0] == pytest.approx(0.5 * need_kw)
    assert tight.blocks.loc[0, "option"] == "hp"
    assert check(tight.session.inputs, tight.blocks, tight.edges) == []
    # the checker refuses the MT schedule on that source
    problems = check(tight.session.inputs, free.blocks, free.edges)
    assert any("source s1 over capacity" in p for p in problems), problems


def test_existing_customers_above_the_source_are_a_clear_input_error() -> None:
    src = sources_table(mt_mw=0.3)
    src.attrs["where"] = "sources.csv"
    with pytest.raises(InputError) as err:
        with_existing_customers(_stock(), src, 2026)
    msg = str(err.value)
    assert msg.startswith(
        "sources.csv: row 2, source_id = 's1': the 100 dwellings already on district heating"
    )
    assert "need 0.34 MW at design peak" in msg and "capacity_mw + peak_boiler_mw = 0.30 MW" in msg
    # peak boilers that carry them make it fine
    ok = with_existing_customers(_stock(), src.assign(peak_boiler_mw=[0.1, 0.0]), 2026)
    assert deliverable_mw(ok)[0] == pytest.approx(0.4 - EXISTING_KW / 1000)


def test_no_mt_source_in_service_or_a_demolished_block_takes_nothing() -> None:
    late = with_existing_customers(_stock(), sources_table(mt_year=2030), 2026)
    assert late["existing_mw"].tolist() == [0.0, 0.0]
    gone = _stock().assign(demolition_year=pd.array([pd.NA, 2026], dtype="Int64"))
    assert with_existing_customers(gone, sources_table(), 2026)["existing_mw"].tolist() == [0.0, 0.0]
    # a table that has the columns already is kept as it is (every layer sees one figure)
    once = with_existing_customers(_stock(), sources_table(), 2026)
    assert with_existing_customers(_stock().iloc[:1], once, 2026) is once
    assert np.isfinite(once["existing_mw"]).all()
