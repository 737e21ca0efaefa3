"""pandapipes results against independent physics: one pipe, and a small tree."""

from __future__ import annotations

import math

import numpy as np
import pytest

from heatplan.networks import build
from heatplan.networks.layout import build_layout
from heatplan.networks.pipes import catalogue
from heatplan.networks.results import consumers_table, pipes_table
from heatplan.networks.simulate import simulate
from heatplan.networks.sizing import size_layout
from tests.networks.helpers import make_sources

CP = 4187.0  # J/(kg K), liquid water at 55-70 C (IAPWS-95: 4.183-4.190)


def water_density(t_c: float) -> float:
    """Density of water, kg/m3 (IAPWS-95 fit, good to 0.1% at 20-90 C)."""
    return 1000.0 * (1 - (t_c + 288.9414) / (508929.2 * (t_c + 68.12963)) * (t_c - 3.9863) ** 2)


def water_viscosity(t_c: float) -> float:
    """Dynamic viscosity of water, Pa s (Vogel equation)."""
    return 2.414e-5 * 10 ** (247.8 / (t_c + 273.15 - 140.0))


def colebrook(re: float, rel_k: float) -> float:
    """Darcy friction factor from Colebrook-White by fixed-point iteration."""
    f = 0.02
    for _ in range(100):
        f = (-2.0 * math.log10(rel_k / 3.7 + 2.51 / (re * math.sqrt(f)))) ** -2
    return f


def one_pipe(length_m: float, dn: int, heat_w: float, t_supply_c: float = 70.0, t_soil_c: float = 10.0):
    """A source, one supply and one return pipe, and a consumer at the end."""
    row = catalogue().set_index("dn").loc[dn]
    act = build.Active(
        node_ids=["src:s", "blk:b"],
        n_sources=1,
        source_ids=["s"],
        edge_ids=["e"],
        edge_from=np.array([0]),
        edge_to=np.array([1]),
        length_m=np.array([length_m]),
        inner_diameter_m=np.array([row.inner_diameter_m]),
        outer_diameter_m=np.array([row.outer_diameter_m]),
        u_w_per_m2k=np.array([row.u_w_per_m2k]),
        block_ids=["b"],
        block_node=np.array([1]),
        heat_w=np.array([heat_w]),
        return_setpoint_c=np.array([40.0]),
        supply_temp_c=t_supply_c,
        t_soil_c=t_soil_c,
        lift_bar=3.0,
    )
    net, _, _ = build.run(act)
    return act, net


@pytest.mark.parametrize(
    ("length_m", "dn", "heat_w"), [(800.0, 25, 4000.0), (1500.0, 50, 60000.0), (300.0, 150, 2e6)]
)
def test_single_pipe_exponential_heat_loss(length_m, dn, heat_w):
    act, net = one_pipe(length_m, dn, heat_w)
    sup = net.res_pipe.iloc[0]
    mdot = sup.mdot_from_kg_per_s
    u_pi_d = act.u_w_per_m2k[0] * math.pi * act.outer_diameter_m[0]
    expected = 10.0 + (70.0 - 10.0) * math.exp(-u_pi_d * length_m / (mdot * CP))
    assert sup.t_to_k - 273.15 == pytest.approx(expected, abs=0.1)
    assert 70.0 - expected > 0.05  # the test means something: the pipe does lose heat


@pytest.mark.parametrize(
    ("length_m", "dn", "heat_w"), [(500.0, 32, 40000.0), (400.0, 100, 1.2e6), (300.0, 300, 1.5e7)]
)
def test_single_pipe_darcy_weisbach_colebrook(length_m, dn, heat_w):
    act, net = one_pipe(length_m, dn, heat_w)
    sup = net.res_pipe.iloc[0]
    t_mean = (sup.t_from_k + sup.t_to_k) / 2 - 273.15
    rho, mu = water_density(t_mean), water_viscosity(t_mean)
    d = act.inner_diameter_m[0]
    v = sup.mdot_from_kg_per_s / (rho * math.pi * d**2 / 4)
    f = colebrook(rho * v * d / mu, 0.1e-3 / d)
    dp_expected_bar = f * length_m / d * rho * v**2 / 2 / 1e5
    assert sup.p_from_bar - sup.p_to_bar == pytest.approx(dp_expected_bar, rel=0.02)
    assert v > 0.1


def _tree(tree_blocks, scenario, regime="mt"):
    lay = build_layout(tree_blocks, make_sources(regime=regime), regime, scenario)
    sz = size_layout(lay, tree_blocks, scenario)
    return lay, sz, simulate(lay, sz, tree_blocks, scenario)


def test_small_tree_energy_balance(tree_blocks, scenario):
    _, _, ds = _tree(tree_blocks, scenario)
    pipes = pipes_table(ds)
    loss_w = (pipes.mdot_kg_per_s * CP * (pipes.t_from_c - pipes.t_to_c)).sum()
    q_cons = consumers_table(ds).heat_w.sum()
    q_src = float(ds["source_heat_w"].sum())
    assert loss_w > 0
    assert q_src == pytest.approx(q_cons + loss_w, rel=0.005)
    assert abs(ds.attrs["energy_balance_residual_pct"]) <= 0.5


def test_small_tree_mass_balance_at_every_junction(tree_blocks, scenario):
    _, _, ds = _tree(tree_blocks, scenario)
    pipes, cons = pipes_table(ds), consumers_table(ds)
    flows = [
        (pipes.from_node, pipes.to_node, pipes.mdot_kg_per_s),
        (cons.node_supply, cons.node_return, cons.mdot_kg_per_s),
        (
            np.array([f"src:{s}:r" for s in ds.source.values]),
            np.array([f"src:{s}:s" for s in ds.source.values]),
            ds.source_mdot_kg_per_s.values,
        ),
    ]
    net: dict[str, float] = {}
    total: dict[str, float] = {}
    for frm, to, m in flows:
        for a, b, x in zip(np.asarray(frm), np.asarray(to), np.asarray(m), strict=True):
            net[a] = net.get(a, 0.0) - x
            net[b] = net.get(b, 0.0) + x
            total[a] = total.get(a, 0.0) + abs(x)
    assert len(net) == 2 * (len(ds.block) + len(ds.source)) + 2 * (len(pipes) // 2 - len(ds.block))
    for node, residual in net.items():
        assert abs(residual) <= 1e-6 * max(total.get(node, 1.0), 1.0), node


def recompute_supply_c(pipes, cons, t_source_c: float) -> dict[str, float]:
    """Arriving supply temperature per consumer node, from the pipe data and flows alone."""
    sup = pipes[pipes.line == "supply"].set_index("to_node")
    temp: dict[str, float] = {}

    def at(node: str) -> float:
        if node in temp:
            return temp[node]
        if node not in sup.index:
            return t_source_c
        p = sup.loc[node]
        t_in = at(p.from_node)
        k = p.u_w_per_m2k * math.pi * p.outer_diameter_m * p.length_m / (abs(p.mdot_kg_per_s) * CP)
        temp[node] = p.t_soil_c + (t_in - p.t_soil_c) * math.exp(-k)
        return temp[node]

    return {n: at(n) for n in cons.node_supply}


def test_recomputed_supply_temperatures_match(tree_blocks, scenario):
    _, _, ds = _tree(tree_blocks, scenario)
    pipes, cons = pipes_table(ds), consumers_table(ds)
    again = recompute_supply_c(pipes, cons, 70.0)
    for node, t in zip(cons.node_supply, cons.t_supply_c, strict=True):
        assert again[node] == pytest.approx(t, abs=0.5)
    assert cons.t_supply_c.min() < 69.9  # losses are visible
