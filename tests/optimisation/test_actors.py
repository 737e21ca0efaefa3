"""Who pays what (issue 16): hand-calculated flows of one block per owner type, and the reconciliation.

Each case builds a tiny instance, fixes a schedule by hand and checks the flows of one year
against arithmetic on the scenario's figures written out here (docs/actor-costs.md).
"""

from __future__ import annotations

import numpy as np
import pytest

from heatplan.economics import annuity_factor
from heatplan.optimisation import optimise
from heatplan.optimisation.accounting import schedule_costs
from heatplan.optimisation.actors import KINDS, Flows, actor_blocks, actor_flows
from heatplan.optimisation.housing import housing_eur_per_month, tenant_change_by_option
from heatplan.optimisation.inputs import OPTIONS, ModelInputs, build_inputs
from heatplan.optimisation.schedule import Schedule
from heatplan.scenario import Scenario
from heatplan.scenario.figures import figures
from tests.optimisation.helpers import make_blocks, small_scenario, sources_table, tree_network

YEAR = 2028  # the year checked: the block switched in 2027
GJ_PER_M3 = figures().gas.lower_heating_value_gj_per_m3


def _instance(sc: Scenario, **cols: object) -> tuple[ModelInputs, object]:
    blocks = make_blocks(2, seed=4, **cols)
    nets = {"mt": tree_network(blocks, "mt"), "lt": tree_network(blocks, "lt", source_id="s2")}
    return build_inputs(blocks, sc, nets, sources_table()), blocks


def _switch(inp: ModelInputs, option: str, year: int = 2027) -> Schedule:
    """Both blocks on ``option`` in ``year``, insulated to its label and cooking electric by then."""
    s = Schedule.empty(inp)
    o = OPTIONS.index(option)
    s.option[:] = o
    s.switch_year[:] = year
    lev = inp.level_of_option[o]
    if lev >= 0:
        need = inp.ins_needed[:, lev]
        s.ins_level[need] = lev
        s.insulation_year[need] = year
    s.induction_year[:] = year
    s.fill_edges(inp)
    return s


def _at(flows: Flows, role: str, item: str, kind: str, b: int = 0, year: int = YEAR) -> float:
    v = flows.eur.get((role, item, kind))
    return 0.0 if v is None else float(v[b, int(np.nonzero(flows.years == year)[0][0])])


def _prices(sc: Scenario, year: int) -> dict[str, float]:
    p, e = sc.prices, sc.end_user

    def at(path: dict[int, float]) -> float:  # paths here are flat or linear between given years
        ys = sorted(path)
        return float(np.interp(year, ys, [path[y] for y in ys]))

    return {
        "gas": at(p.gas_eur_per_m3),
        "gas_tax": at(e.energy_tax_gas_eur_per_m3),
        "el": at(p.electricity_eur_per_kwh),
        "el_tax": at(e.energy_tax_electricity_eur_per_kwh),
        "co2": at(p.co2_eur_per_t),
    }


#: the former social rent agreement's rent increase per label class (the default is 0: NPA 2022)
HUURAKKOORD = {
    "rent_corporation_eur_per_month_per_label_step": {"small": 4.93, "medium": 6.45, "large": 6.55}
}


def test_corporations_raise_no_rent_after_insulation_by_default() -> None:
    """Nationale Prestatieafspraken 2022: no rent increase after energy measures (from 2023)."""
    sc = small_scenario()
    inp, blocks = _instance(
        sc, owner_type="corporation", label="E", dwelling_type="meergezins: laag en midden"
    )
    flows = actor_flows(inp, _switch(inp, "mt"), sc, actor_blocks(blocks, inp))
    assert _at(flows, "occupant", "rent_increase", "transfer") == 0.0
    assert _at(flows, "occupant", "rent_reduction", "transfer") < 0.0  # the heat connection's still holds


def test_corporation_block_on_mt_by_hand() -> None:
    """Tenant: heat tariff vs the old gas bill; rent rule; owner: connection contribution at its rate."""
    sc = small_scenario(end_user=HUURAKKOORD)
    inp, blocks = _instance(
        sc, owner_type="corporation", label="D", dwelling_type="meergezins: laag en midden"
    )
    ab = actor_blocks(blocks, inp)
    s = _switch(inp, "mt")
    flows = actor_flows(inp, s, sc, ab)
    ref = actor_flows(inp, Schedule.empty(inp), sc, ab)
    n = float(inp.dwellings[0])
    pr = _prices(sc, YEAR)
    # before: gas for heat and cooking, its taxes, the gas connection, VAT
    gas = inp.heat_gas_m3[0] + inp.cook_gas_m3[0]
    co2 = gas * sc.prices.co2_kg_per_m3 / 1000.0 * pr["co2"]
    before = (gas * (pr["gas"] + pr["gas_tax"]) + co2 + n * 253.27) * 1.21
    # after: heat at "niet meer dan anders", MT fixed charge and meter, the hob's electricity
    gj = inp.heat_delivered_gj[0, 0]
    heat = gj * 1.25 * (pr["gas"] + pr["gas_tax"]) / GJ_PER_M3
    kwh = inp.induction_annual["electricity"]["elec_hh_kwh"][0]
    bill = (heat + n * (455.71 + 25.86) + kwh * (pr["el"] + pr["el_tax"])) * 1.21
    # rent: D -> B is two label classes; 70 m2 a dwelling is the medium class (6.45 EUR a month a
    # class); a heat connection lowers the rent of a flat by 85.27 EUR a year
    assert ab.floor_m2_per_dwelling[0] == pytest.approx(70.0)
    rent = n * (2 * 6.45 * 12 - 85.27)
    tenant = lambda f: sum(v[0, YEAR - 2026] for (r, _, _), v in f.eur.items() if r == "occupant")  # noqa: E731
    assert tenant(ref) == pytest.approx(before, rel=1e-9)
    assert tenant(flows) == pytest.approx(bill + rent, rel=1e-9)
    change = (
        housing_eur_per_month(flows, inp, ab)[0, YEAR - 2026]
        - housing_eur_per_month(ref, inp, ab)[0, YEAR - 2026]
    )
    assert change == pytest.approx((bill + rent - before) / 12 / n, rel=1e-9)
    # the heat company refunds the rent reduction and receives the connection contribution
    assert _at(flows, "heat_company", "rent_reduction_refund", "transfer") == pytest.approx(n * 85.27)
    contrib = n * 4381.27 * float(annuity_factor(0.0225, 30))
    assert _at(flows, "owner", "heat_connection_contribution", "transfer") == pytest.approx(contrib)
    assert _at(flows, "heat_company", "heat_connection_contribution", "transfer") == pytest.approx(-contrib)
    one_off = flows.invest[("owner", "heat_connection_contribution")][0, 2027 - 2026]
    assert one_off == pytest.approx(n * 4381.27)
    # the corporation finances at 2.75 %: its margin over the national 2.25 % goes to the lender
    ratio30 = float(annuity_factor(0.0275, 30) / annuity_factor(0.0225, 30))
    ins = _at(flows, "owner", "insulation", "cost")
    hob = _at(flows, "owner", "induction", "cost") + _at(flows, "owner", "project_management", "cost")
    ratio15 = float(annuity_factor(0.0275, 15) / annuity_factor(0.0225, 15))
    margin = (ins * 1.15 + contrib * 1.21) * (ratio30 - 1) + hob * 1.21 * (ratio15 - 1)
    assert _at(flows, "owner", "financing", "transfer") == pytest.approx(margin, rel=1e-9)
    assert _at(flows, "owner", "isde_insulation", "subsidy") == 0.0  # corporations get no ISDE
    # the heat company finances its pipes and stations at 6 % (Vesta's heat-chain rate)
    margin_hc = 0.0
    lives = {"delivery_set": 15, "in_building": 30, "substation": 30, "transfer_station": 30,
             "service_pipes": 50, "network": 50, "project_management": 15}  # fmt: skip
    for item, life in lives.items():
        ratio = float(annuity_factor(0.06, life) / annuity_factor(0.0225, life))
        margin_hc += _at(flows, "heat_company", item, "cost") * (ratio - 1)
    assert margin_hc > 0
    assert _at(flows, "heat_company", "financing", "transfer") == pytest.approx(margin_hc, rel=1e-9)


def test_owner_occupier_heat_pump_with_isde_by_hand() -> None:
    sc = small_scenario()
    inp, blocks = _instance(sc, owner_type="owner_occupied", label="A", dwelling_type="rijwoning tussen")
    ab = actor_blocks(blocks, inp)
    s = _switch(inp, "hp")
    flows = actor_flows(inp, s, sc, ab)
    n = float(inp.dwellings[0])
    kw = ab.hp_kw_per_dwelling[0]
    assert 2.0 < kw < 15.0
    isde = n * (1250.0 + 225.0 * (kw - 1.0))
    assert flows.invest[("government", "isde_heat_pump")][0, 2027 - 2026] == pytest.approx(isde)
    assert flows.invest[("owner", "isde_heat_pump")][0, 2027 - 2026] == pytest.approx(-isde)
    yearly = isde * float(annuity_factor(0.0225, 15))
    assert _at(flows, "owner", "isde_heat_pump", "subsidy") == pytest.approx(-yearly)
    assert _at(flows, "owner", "isde_heat_pump", "subsidy", year=2026) == 0.0
    # the household finances the heat pump at 3.54 %, less the subsidy
    hp = _at(flows, "owner", "heat_pump", "cost") + _at(flows, "owner", "project_management", "cost")
    hob = _at(flows, "owner", "induction", "cost")
    ratio = float(annuity_factor(0.0354, 15) / annuity_factor(0.0225, 15))
    assert _at(flows, "owner", "financing", "transfer") == pytest.approx(
        ((hp + hob) * 1.21 - yearly) * (ratio - 1)
    )
    # no heat bill, no rent; the household pays the heat pump's electricity with tax and VAT
    assert _at(flows, "occupant", "heat_fixed", "transfer") == 0.0
    assert _at(flows, "occupant", "rent_increase", "transfer") == 0.0
    pr = _prices(sc, YEAR)
    kwh = (
        inp.annual["electricity"]["elec_hh_kwh"][0, 2] + inp.induction_annual["electricity"]["elec_hh_kwh"][0]
    )
    assert _at(flows, "occupant", "electricity_tax", "tax") == pytest.approx(kwh * pr["el_tax"])
    # the owner-occupier's housing costs include the owner's costs (they live in it)
    per_month = housing_eur_per_month(flows, inp, ab)[0, YEAR - 2026]
    mine = sum(v[0, YEAR - 2026] for (r, _, _), v in flows.eur.items() if r in ("owner", "occupant"))
    assert per_month == pytest.approx(mine / 12 / n)


def test_owners_association_gets_isde_on_insulation_and_no_rent() -> None:
    sc = small_scenario()
    inp, blocks = _instance(sc, owner_type="mixed", label="E", dwelling_type="meergezins: laag en midden")
    ab = actor_blocks(blocks, inp)
    flows = actor_flows(inp, _switch(inp, "mt"), sc, ab)
    ins = _at(flows, "owner", "insulation", "cost")
    assert ins > 0
    assert _at(flows, "owner", "isde_insulation", "subsidy") == pytest.approx(-0.30 * ins)
    assert _at(flows, "government", "isde_insulation", "subsidy") == pytest.approx(0.30 * ins)
    for item in ("rent_increase", "rent_reduction", "rent_reduction_refund"):
        assert (
            _at(flows, "occupant", item, "transfer") == 0.0 and _at(flows, "owner", item, "transfer") == 0.0
        )
    # VAT on insulation at Vesta's mixed 15 %, on the connection contribution at 21 %
    contrib = _at(flows, "owner", "heat_connection_contribution", "transfer")
    installs = sum(_at(flows, "owner", i, "cost") for i in ("induction", "project_management", "maintenance"))
    assert _at(flows, "owner", "vat", "tax") == pytest.approx(0.15 * ins + 0.21 * (contrib + installs))
    # switched off: no subsidy at all
    off = small_scenario(
        end_user={"isde_insulation_share": 0.0, "isde_heat_pump_eur": 0.0, "isde_heat_pump_eur_per_kw": 0.0}
    )
    flows_off = actor_flows(inp, _switch(inp, "mt"), off, ab)
    assert not any(np.any(v) for (_, _, k), v in flows_off.eur.items() if k == "subsidy")


def test_actors_reconcile_with_the_national_cost_to_the_cent() -> None:
    """Every owner type, an optimised schedule: costs sum to the national cost; the rest to zero."""
    blocks = make_blocks(8, seed=7)
    blocks["owner_type"] = ["corporation", "private_rent", "owner_occupied", "mixed"] * 2
    sc = small_scenario()
    nets = {"mt": tree_network(blocks, "mt"), "lt": tree_network(blocks, "lt", source_id="s2")}
    res = optimise(blocks, sc, nets, sources_table(), mip_gap=0.0)
    inp, s = res.session.inputs, res.schedule
    costs = schedule_costs(inp, s)
    flows = actor_flows(inp, s, sc, actor_blocks(blocks, inp), costs)
    national = sum(costs.by_item.values())
    assert np.abs(flows.total("cost") - national).max() < 0.005
    assert {k for (_, _, k) in flows.eur} == set(KINDS)
    for kind in ("transfer", "tax", "subsidy"):
        assert np.abs(flows.total(kind)).max() < 0.005, kind
    # what the parties pay, less what they receive as transfers and taxes, is the national cost
    paid = sum(np.maximum(v, 0) for v in flows.eur.values())
    received = sum(np.minimum(v, 0) for (_, _, k), v in flows.eur.items() if k != "cost")
    assert abs(float((paid + received).sum() - national.sum())) < 0.01


def test_level_rule_keeps_tenants_level_or_names_the_blocks() -> None:
    """With the rule on, a corporation block takes an option its tenants pay no more for, or is named."""
    blocks = make_blocks(6, seed=2)
    blocks["owner_type"] = "corporation"
    blocks["dwelling_type"] = ["rijwoning tussen", "meergezins: hoog"] * 3
    sc = small_scenario(
        end_user={"housing_level_for_corporation_tenants": True, **HUURAKKOORD},
        options={"hp_excluded_dwelling_types": ["meergezins: hoog"]},
    )
    nets = {"mt": tree_network(blocks, "mt"), "lt": tree_network(blocks, "lt", source_id="s2")}
    res = optimise(blocks, sc, nets, sources_table(), mip_gap=0.0)
    inp = res.session.inputs
    ab = actor_blocks(blocks, inp)
    change = tenant_change_by_option(inp, sc, ab)
    assert inp.housing_exempt is not None
    for b in range(inp.n_blocks):
        o, t = res.schedule.option[b], res.schedule.switch_year[b] - 2026
        if inp.housing_exempt[b]:  # no option keeps it level: named, and every option raises the costs
            assert np.nanmin(np.where(inp.allowed[b][:, None], change[b], np.nan)) > 5.0
            assert str(inp.block_ids[b]) in " ".join(res.diagnostics)
        else:
            assert change[b, o, t] <= 5.0 + 1e-9
    # with a rent increase after insulation, the high-rise flats (no heat pump) cannot stay level on
    # a network at the ACM maximum tariffs
    assert inp.housing_exempt[1::2].all() and not inp.housing_exempt[0::2].any()
    assert any("cannot stay level" in d for d in res.diagnostics)


def test_level_rule_moves_a_switch_to_a_year_it_holds() -> None:
    """One block a year (capacity); the rule forbids the years in which a block's tenants would pay most."""
    blocks = make_blocks(4, seed=9, owner_type="corporation", dwelling_type="meergezins: hoog")
    nets = {"mt": tree_network(blocks, "mt"), "lt": tree_network(blocks, "lt", source_id="s2")}
    kw: dict = {
        "options": {"hp_excluded_dwelling_types": ["meergezins: hoog"], "allowed": ["mt"]},
        "capacity": {"switch_dwellings_per_yr": float(blocks["dwellings"].max())},
    }
    base = small_scenario(**kw)
    free = optimise(blocks, base, nets, sources_table(), mip_gap=0.0)
    inp0 = free.session.inputs
    change = tenant_change_by_option(inp0, base, actor_blocks(blocks, inp0))[:, OPTIONS.index("mt"), :]
    assert (change.max(axis=1) - change.min(axis=1) > 0.5).all()  # the year matters (prices, CO2)
    t_free = free.schedule.switch_year - 2026
    rows = np.arange(4)
    at_free = change[rows, t_free]
    b_star = int(np.argmax(at_free - change.min(axis=1)))  # its switch year is the farthest from its best
    tol = float(at_free[b_star] + change[b_star].min()) / 2  # the free schedule breaks the rule there
    rule = {"housing_level_for_corporation_tenants": True, "housing_level_tolerance_eur_per_month": tol}
    sc = small_scenario(**kw, end_user=rule)
    res = optimise(blocks, sc, nets, sources_table(), mip_gap=0.0)
    inp = res.session.inputs
    assert inp.housing_forbidden is not None and inp.housing_forbidden.any()
    for b in range(inp.n_blocks):
        t = int(res.schedule.switch_year[b]) - 2026
        if inp.housing_exempt[b]:
            assert (change[b] > tol).all()
        else:
            assert change[b, t] <= tol + 1e-9 and not inp.housing_forbidden[b, 0, t]
    from heatplan.optimisation.checker import check

    assert check(inp, res.blocks, res.edges) == []
    assert (res.schedule.switch_year != free.schedule.switch_year).any()
