"""Layout trees and pipe sizing."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from heatplan.buildings.demand import block_demand, diversified_peak_kw
from heatplan.errors import InputError
from heatplan.networks.layout import build_layout
from heatplan.networks.pipes import catalogue, pressure_gradient_pa_per_m, velocity_m_per_s
from heatplan.networks.sizing import size_layout
from heatplan.scenario.figures import figures
from tests.networks.helpers import X0, Y0, make_sources, net_blocks, rng_blocks


def test_layout_is_a_tree_reaching_every_block(tree_blocks, scenario):
    lay = build_layout(tree_blocks, make_sources(), "mt", scenario)
    e = lay.edges
    assert len(e) == len(lay.nodes) - 1  # one source: a tree has n - 1 edges
    assert e["to_node"].is_unique
    assert set(lay.block_source["block_id"]) == set(tree_blocks["block_id"])
    # every block's path starts at its own service pipe and ends at an edge leaving the source
    first = dict(zip(e["edge_id"], e["from_node"], strict=True))
    for b, grp in lay.edge_blocks.groupby("block_id"):
        assert f"s:{b}" in set(grp["edge_id"])
        assert any(first[x] == "src:s0" for x in grp["edge_id"])
    # straight-line length times the detour factor
    m = e[e["kind"] == "main"].iloc[0]
    xy = lay.nodes.loc[[m.from_node, m.to_node], ["x_rd", "y_rd"]].to_numpy()
    assert m.length_m == pytest.approx(np.hypot(*(xy[0] - xy[1])) * scenario.networks.detour_factor)


def test_two_sources_split_the_tree(scenario):
    blocks = net_blocks([(x, 0.0) for x in range(50, 1000, 100)])
    lay = build_layout(blocks, make_sources([(0.0, 0.0), (1050.0, 0.0)]), "mt", scenario)
    bs = lay.block_source.set_index("block_id")["source_id"]
    assert (bs.iloc[:5] == "s0").all() and (bs.iloc[5:] == "s1").all()
    assert len(lay.edges) == len(lay.nodes) - 2  # a forest of two trees


def test_layout_rejects_a_regime_without_source(tree_blocks, scenario):
    with pytest.raises(InputError, match="no heat source"):
        build_layout(tree_blocks, make_sources(regime="lt"), "mt", scenario)


def test_street_layout_follows_streets(tmp_path, scenario):
    # a comb of streets (noded: they meet at shared vertices); blocks at the side streets' ends
    lines = [[[X0, Y0], [X0 + 100, Y0], [X0 + 200, Y0], [X0 + 300, Y0]]] + [
        [[X0 + x, Y0], [X0 + x, Y0 + 200]] for x in (100, 200, 300)
    ]
    gj = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": c}}
            for c in lines
        ],
    }
    path = tmp_path / "streets.geojson"
    path.write_text(json.dumps(gj))
    blocks = net_blocks([(110, 200), (210, 200), (310, 200)])
    lay = build_layout(blocks, make_sources(), "mt", scenario, streets=path)
    mains = lay.edges[lay.edges["kind"] == "main"]
    # along the streets, plus the 1 m minimum link from the source to its street point
    assert mains["length_m"].sum() == pytest.approx(300 + 3 * 200 + 1.0, rel=1e-6)
    services = lay.edges[lay.edges["kind"] == "service"].set_index("to_node")["length_m"]
    assert services.min() >= 10.0
    assert set(lay.block_source["block_id"]) == set(blocks["block_id"])


def test_sizing_respects_limits_and_peaks(scenario):
    blocks = rng_blocks(120, seed=3)
    lay = build_layout(blocks, make_sources(), "mt", scenario)
    sz = size_layout(lay, blocks, scenario)
    lim = scenario.networks
    assert (
        velocity_m_per_s(sz.design_mdot_kg_per_s, sz.inner_diameter_m) <= lim.max_velocity_m_per_s + 1e-9
    ).all()
    assert (
        pressure_gradient_pa_per_m(sz.design_mdot_kg_per_s, sz.inner_diameter_m)
        <= lim.max_pressure_gradient_pa_per_m + 1e-6
    ).all()
    assert (sz.capacity_kw >= sz.design_peak_kw - 1e-6).all()
    # the edges leaving the source carry the diversified peak of what they feed
    dem = block_demand(blocks)
    first = lay.edges[lay.edges["from_node"] == "src:s0"]["edge_id"]
    for eid in first:
        ids = set(lay.edge_blocks.loc[lay.edge_blocks.edge_id == eid, "block_id"])
        sel = blocks["block_id"].isin(ids).to_numpy()
        want = diversified_peak_kw(
            dem.space_peak_undiversified_kw[sel].sum(),
            dem.hot_water_peak_undiversified_kw[sel].sum(),
            blocks.dwellings[sel].sum(),
        )
        assert sz.set_index("edge_id").loc[eid, "design_peak_kw"] == pytest.approx(float(want))
    # smallest DN that fits: one size smaller would break a limit (unless upsized for the pump budget)
    cat = catalogue().set_index("dn")
    dns = list(cat.index)
    for r in sz.itertuples():
        k = dns.index(r.dn)
        if k == 0:
            continue
        d = cat.loc[dns[k - 1], "inner_diameter_m"]
        smaller_ok = (
            velocity_m_per_s(r.design_mdot_kg_per_s, d) <= lim.max_velocity_m_per_s
            and pressure_gradient_pa_per_m(r.design_mdot_kg_per_s, d) <= lim.max_pressure_gradient_pa_per_m
        )
        if smaller_ok:  # then it was upsized to keep the path within the pump
            assert r.dn > dns[0]
    # path pressure drop within the pump budget
    g = pressure_gradient_pa_per_m(sz.design_mdot_kg_per_s, sz.inner_diameter_m) * sz.length_m * 2 / 1e5
    per_block = (
        pd.Series(g.to_numpy(), index=sz.edge_id)
        .reindex(lay.edge_blocks.edge_id)
        .groupby(lay.edge_blocks.block_id.to_numpy())
        .sum()
    )
    assert per_block.max() <= lim.pump_lift_bar - lim.min_differential_pressure_bar
    assert (sz.cost_eur > 0).all()


def _first_k_within(blocks, labels, budget_kw):
    """Largest k such that the first k blocks' diversified design peak fits the budget."""
    dem = block_demand(blocks, labels)
    sh, hw = dem.space_peak_undiversified_kw.cumsum(), dem.hot_water_peak_undiversified_kw.cumsum()
    peaks = diversified_peak_kw(sh, hw, blocks.dwellings.cumsum())
    return int((peaks <= budget_kw).sum()), peaks


def test_small_source_region_is_limited_by_its_capacity(scenario, caplog):
    # 20 blocks in a row between a small source (left) and a large one (right); labels D count as B
    blocks = net_blocks([(x, 0.0) for x in range(50, 2000, 100)], ["D"] * 20, [30] * 20)
    src = make_sources([(0.0, 0.0), (2000.0, 0.0)])
    src["capacity_mw"] = [0.5, 50.0]
    lay = build_layout(blocks, src, "mt", scenario)
    budget_kw = 0.5 * 1000 * (1 - figures().network.design_loss_share)
    k, peaks = _first_k_within(blocks, pd.Series("B", index=blocks.index), budget_kw)
    assert 1 <= k < 10  # without the capacity limit the small source would feed 10
    bs = lay.block_source.set_index("block_id")["source_id"]
    assert (bs.iloc[:k] == "s0").all() and (bs.iloc[k:] == "s1").all()
    assert lay.source_peak_kw["s0"] == pytest.approx(peaks[k - 1])
    assert lay.source_peak_kw["s0"] <= budget_kw < peaks[k]
    # contract: edges oriented from the feeding source, every block's path starts at its source
    e = lay.edges.set_index("edge_id")
    for b, grp in lay.edge_blocks.groupby("block_id"):
        assert set(e.loc[grp.edge_id, "source_id"]) == {bs[b]}
        assert f"src:{bs[b]}" in set(e.loc[grp.edge_id, "from_node"])
    assert len(lay.edges) == len(lay.nodes) - 2  # still a forest of two trees
    assert not [r for r in caplog.records if r.levelname == "WARNING"]
    # at label D the same blocks need more: fewer fit (peaks are taken at the label on the regime)
    k_d, _ = _first_k_within(blocks, blocks.label, budget_kw)
    assert k_d < k


def test_full_sources_take_the_rest_nearest_with_a_warning(scenario, caplog):
    blocks = net_blocks([(x, 0.0) for x in range(50, 2000, 100)], ["B"] * 20, [30] * 20)
    src = make_sources([(0.0, 0.0), (2000.0, 0.0)], capacity_mw=0.3)
    lay = build_layout(blocks, src, "mt", scenario)
    bs = lay.block_source.set_index("block_id")["source_id"]
    assert len(bs) == 20
    assert (bs.iloc[:10] == "s0").all() and (bs.iloc[10:] == "s1").all()  # nearest along the tree
    assert (lay.source_peak_kw > 300).all()
    warned = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warned) == 2 and all("every source that can reach them is full" in w for w in warned)


def test_street_layout_splits_by_capacity(tmp_path, scenario):
    # one straight street with 20 blocks beside it, a small source at the left end, a large one right
    line = [[X0 + x, Y0] for x in range(0, 2001, 50)]
    gj = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": line}}
        ],
    }
    path = tmp_path / "street.geojson"
    path.write_text(json.dumps(gj))
    blocks = net_blocks([(x, 20.0) for x in range(50, 2000, 100)], ["B"] * 20, [30] * 20)
    src = make_sources([(0.0, 0.0), (2000.0, 0.0)])
    src["capacity_mw"] = [0.5, 50.0]
    lay = build_layout(blocks, src, "mt", scenario, streets=path)
    k, _ = _first_k_within(blocks, blocks.label, 0.5 * 1000 * (1 - figures().network.design_loss_share))
    bs = lay.block_source.set_index("block_id")["source_id"]
    assert (bs.iloc[:k] == "s0").all() and (bs.iloc[k:] == "s1").all()
    mains = lay.edges[lay.edges["kind"] == "main"]
    # the two trees together follow the street once (plus the sources' 1 m links), minus the gap
    assert mains["length_m"].sum() <= 2000 + 2.0
    assert len(lay.edges) == len(lay.nodes) - 2
