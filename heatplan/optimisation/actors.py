"""Who pays what: each party's costs per block and year, and the money between them (docs/actor-costs.md).

The national cost items of a schedule (:func:`heatplan.optimisation.accounting.schedule_costs`)
are given to the party that bears them; on top come the money flows between parties: energy
bills with their taxes, the heat tariffs, the connection contribution, rent changes, subsidies
and the owners' financing at their own rate. Every flow is booked twice, + for the payer and -
for the receiver, so that the sum over all parties of kind ``cost`` is the national cost and
every other kind (``transfer``, ``tax``, ``subsidy``) sums to zero.

Parties are roles per block: ``owner`` and ``occupant`` (the block's owner type names them:
corporation / private_landlord / owner_occupier / owners_association and tenant / household,
:data:`heatplan.planfile.OWNER_ACTOR`), and the heat company, the grid operators, the
government and the lender (the owners' and the heat company's financing above the national
rate). EUR per block and window year, undiscounted; investments as annuities
at the national rate, one-off amounts apart in ``Flows.invest``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from heatplan.buildings.demand import block_demand
from heatplan.buildings.labels import label_rank, to_envelope
from heatplan.economics import Window, annuity_factor
from heatplan.economics.enduser import EndUserPrices, end_user_prices
from heatplan.economics.options import at_label, lifetime_yr
from heatplan.optimisation.accounting import Costs, gas_use_m3, option_items, option_keys, schedule_costs
from heatplan.optimisation.inputs import NEVER, OPTIONS, ModelInputs
from heatplan.optimisation.objective import renovation_factor
from heatplan.optimisation.schedule import Schedule
from heatplan.scenario import Scenario
from heatplan.scenario.model import EndUser

#: a national cost borne by one party; money from one party to another
KINDS = ("cost", "transfer", "tax", "subsidy")
#: owner types whose occupant rents the dwelling
RENTED = ("corporation", "private_rent")
#: national cost items the owner bears (the rest of each item is another party's)
OWNER_ITEMS = ("insulation", "induction", "heat_pump", "gas_boiler")
HEAT_COMPANY_ITEMS = (
    "delivery_set", "in_building", "substation", "lt_booster", "transfer_station",
    "collective_heat_pump", "service_pipes", "network", "heat_source", "peak_boiler_gas",
    "network_heat_loss",
)  # fmt: skip
#: the heat company's investments (annuities), financed at its own rate (end_user.heat_company_rate)
HEAT_COMPANY_INVEST = (
    "delivery_set", "in_building", "substation", "lt_booster", "transfer_station",
    "collective_heat_pump", "service_pipes", "network", "project_management",
)  # fmt: skip
#: items shared out by option (owner: heat pump and reference; occupant: household carriers)
SHARED_ITEMS = ("maintenance", "project_management", "electricity", "co2")
#: the heat company's one-off investments at a block's connection (its share of the pipes apart)
HEAT_COMPANY_CONNECTION = (
    "delivery_set", "in_building", "project_management", "substation", "service_pipes",
    "transfer_station", "lt_booster", "collective_heat_pump",
)  # fmt: skip
#: option columns (mt, lt, hp, reference) whose maintenance and project management are the owner's
OWNER_COLUMNS = np.array([0.0, 0.0, 1.0, 1.0])
Key = tuple[str, str, str]  # (role, item, kind)


@dataclass(frozen=True)
class ActorBlocks:
    """What the accounting needs of each block beyond ModelInputs."""

    owner_type: np.ndarray  # (B,) str
    floor_m2_per_dwelling: np.ndarray  # (B,)
    multi_family: np.ndarray  # (B,) bool
    label_steps: np.ndarray  # (B, L) label classes gained by insulating to level l
    hp_kw_per_dwelling: np.ndarray  # (B,) the heat pump's thermal power (ISDE)


def actor_blocks(blocks: pd.DataFrame, inp: ModelInputs) -> ActorBlocks:
    """The owner type, floor area, dwelling form, label steps and heat-pump size of every block."""
    n = blocks["dwellings"].to_numpy(float)
    now = label_rank(to_envelope(blocks["label"]))
    steps = np.zeros((len(blocks), len(inp.levels)))
    for j, lev in enumerate(inp.levels):
        steps[:, j] = np.maximum(label_rank([lev])[0] - now, 0)
    lev_hp = inp.level_of_option[OPTIONS.index("hp")]
    labs = at_label(blocks, inp.levels[lev_hp]) if lev_hp >= 0 else blocks["label"]
    dem = block_demand(blocks, labs, regime="lt")
    kw = (dem["space_peak_undiversified_kw"] + dem["hot_water_peak_undiversified_kw"]).to_numpy() / n
    return ActorBlocks(
        owner_type=blocks["owner_type"].astype(str).to_numpy(),
        floor_m2_per_dwelling=blocks["floor_area_m2"].to_numpy(float) / n,
        multi_family=blocks["dwelling_type"].astype(str).str.startswith("meergezins").to_numpy(),
        label_steps=steps,
        hp_kw_per_dwelling=kw,
    )


@dataclass
class Flows:
    """Money per (role, item, kind), block and window year (EUR, + paid, - received)."""

    years: np.ndarray  # (W,)
    eur: dict[Key, np.ndarray] = field(default_factory=dict)  # (B, W)
    #: one-off amounts in the year they are spent, per (role, item): + paid, - received
    invest: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)

    def pay(self, payer: str, receiver: str, item: str, kind: str, eur: np.ndarray) -> None:
        """Book ``eur`` (B, W) paid by ``payer`` to ``receiver``."""
        self.add(payer, item, kind, eur)
        self.add(receiver, item, kind, -eur)

    def add(self, role: str, item: str, kind: str, eur: np.ndarray) -> None:
        """Book ``eur`` (B, W) on one party (a national cost: nobody receives it)."""
        key = (role, item, kind)
        self.eur[key] = self.eur[key] + eur if key in self.eur else np.array(eur, dtype=float)

    def spend(self, payer: str, receiver: str | None, item: str, eur: np.ndarray) -> None:
        """Book a one-off amount (B, W) paid by ``payer`` (to ``receiver`` if it is a transfer)."""
        for role, sign in ((payer, 1.0), (receiver, -1.0)):
            if role is not None:
                key = (role, item)
                self.invest[key] = self.invest.get(key, 0.0) + sign * eur

    def total(self, kind: str | None = None) -> np.ndarray:
        """(B, W) sum over every party (and item) of one kind, or of all."""
        arrs = [v for (_, _, k), v in self.eur.items() if kind is None or k == kind]
        return np.asarray(sum(arrs)) if arrs else np.zeros(0)


@dataclass(frozen=True)
class _State:
    """Per block: the option key it runs on (mt, lt, hp; -1 none) and from which window year."""

    key: np.ndarray  # (B,)
    on: np.ndarray  # (B, W) bool
    existing: np.ndarray  # (B,) an existing block that switches (not a new build)


def _state(inp: ModelInputs, s: Schedule, w: Window) -> _State:
    """Each block's option (new builds: theirs from the build year; others: from the switch)."""
    yrs = w.years[None, :]
    nb, nb_opt, switched = option_keys(inp, s)
    key = np.where(nb, nb_opt, np.where(switched, s.option, -1))
    start = np.where(nb, np.maximum(inp.new_build_year, inp.years[0]), s.switch_year)
    return _State(key, (yrs >= start[:, None]) & (key >= 0)[:, None], switched)


def _unit_window(w: Window) -> Window:
    """The window with every price 1, so that summed items are quantities (kWh, m3)."""
    return replace(w, price={c: np.ones_like(v) for c, v in w.price.items()})


def household_electricity_kwh(inp: ModelInputs, s: Schedule, w: Window) -> np.ndarray:
    """(B, W) electricity the measures add to the household meters (heat pump, LT booster, hob)."""
    out = {"electricity": np.zeros((inp.n_blocks, len(w.years)))}
    q = inp.annual.get("electricity", {}).get("elec_hh_kwh")
    if q is not None:
        option_items(inp, s, _unit_window(w), out, {"electricity": {"elec_hh_kwh": q}})
    ind_on = (w.years[None, :] >= s.induction_year[:, None]) & inp.need_induction[:, None]
    ind = inp.induction_annual.get("electricity", {}).get("elec_hh_kwh", np.zeros(inp.n_blocks))
    return out["electricity"] + ind_on * ind[:, None]


def _occupant(flows: Flows, inp: ModelInputs, s: Schedule, w: Window, st: _State, pr: EndUserPrices) -> None:
    """The occupant's energy and heat: national cost, taxes, charges and VAT."""
    n = inp.dwellings[:, None]
    gas = gas_use_m3(inp, s, w.years)
    kwh = household_electricity_kwh(inp, s, w)
    net = st.on & np.isin(st.key, (0, 1))[:, None]
    gj = np.where(net, inp.heat_delivered_gj[np.arange(inp.n_blocks), np.maximum(st.key, 0)][:, None], 0.0)
    none = np.zeros(len(w.years))
    fixed = np.stack([pr.heat_fixed_eur_per_yr["mt"], pr.heat_fixed_eur_per_yr["lt"], none])[
        np.clip(st.key, 0, 2)
    ]
    items = {
        ("gas", "cost", ""): gas * w.price["gas_hh_m3"][None, :],
        ("co2", "cost", ""): gas * (inp.co2_kg_per_m3 / 1000.0) * w.price["co2_t"][None, :],
        ("electricity", "cost", ""): kwh * w.price["elec_hh_kwh"][None, :],
        ("gas_tax", "tax", "government"): gas * pr.gas_tax_eur_per_m3[None, :],
        ("electricity_tax", "tax", "government"): kwh * pr.electricity_tax_eur_per_kwh[None, :],
        ("gas_connection", "transfer", "gas_grid_operator"): (gas > 0) * n * pr.gas_connection_eur_per_yr,
        ("heat", "transfer", "heat_company"): gj * pr.heat_eur_per_gj[None, :],
        ("heat_fixed", "transfer", "heat_company"): net * n * fixed,
        ("heat_meter", "transfer", "heat_company"): net * n * pr.heat_meter_eur_per_yr,
    }
    vat = pr.vat_share * sum(items.values())
    items[("vat", "tax", "government")] = vat
    for (item, kind, receiver), eur in items.items():
        if receiver:
            flows.pay("occupant", receiver, item, kind, eur)
        else:
            flows.add("occupant", item, kind, eur)


def _rent(
    flows: Flows, inp: ModelInputs, s: Schedule, w: Window, st: _State, eu: EndUser, ab: ActorBlocks
) -> None:
    """Rent up after insulation (by label classes gained), down on a heat connection (refunded)."""
    yrs = w.years[None, :]
    n = inp.dwellings
    b = np.arange(inp.n_blocks)
    steps = np.where(s.ins_level >= 0, ab.label_steps[b, np.maximum(s.ins_level, 0)], 0.0)
    small, large = eu.rent_floor_area_classes_m2
    per_step = eu.rent_corporation_eur_per_month_per_label_step
    corp = (
        np.where(
            ab.floor_m2_per_dwelling < small,
            per_step["small"],
            np.where(ab.floor_m2_per_dwelling <= large, per_step["medium"], per_step["large"]),
        )
        * 12.0
    )
    private = eu.rent_private_eur_per_yr_per_point * eu.rent_private_points_per_label_step
    per_yr = np.select(
        [ab.owner_type == "corporation", ab.owner_type == "private_rent"], [corp, private], 0.0
    )
    up = (yrs >= s.insulation_year[:, None]) * (steps * per_yr * n)[:, None]
    flows.pay("occupant", "owner", "rent_increase", "transfer", up)
    rented = np.isin(ab.owner_type, RENTED) & st.existing & np.isin(st.key, (0, 1))
    cut = np.where(
        ab.multi_family,
        eu.heat_rent_reduction_multi_family_eur_per_yr,
        eu.heat_rent_reduction_single_family_eur_per_yr,
    )
    down = st.on * (rented * cut * n)[:, None]
    flows.pay("owner", "occupant", "rent_reduction", "transfer", down)
    flows.pay("heat_company", "owner", "rent_reduction_refund", "transfer", down)


def household_flows(
    inp: ModelInputs, s: Schedule, scenario: Scenario, ab: ActorBlocks, w: Window | None = None
) -> Flows:
    """The occupant's bills and the rent changes of a schedule (what a tenant pays)."""
    w = w if w is not None else _window(inp)
    flows = Flows(w.years)
    _household(flows, inp, s, w, _state(inp, s, w), scenario, ab)
    return flows


def _household(
    flows: Flows, inp: ModelInputs, s: Schedule, w: Window, st: _State, scenario: Scenario, ab: ActorBlocks
) -> None:
    """Book the occupant's bills and the rent changes."""
    _occupant(flows, inp, s, w, st, end_user_prices(scenario, w.years))
    _rent(flows, inp, s, w, st, scenario.end_user, ab)


def _window(inp: ModelInputs) -> Window:
    """The inputs' evaluation window (built with the national costs)."""
    assert inp.window is not None, "ModelInputs without an evaluation window"
    return inp.window


def _owner_part(inp: ModelInputs, s: Schedule, w: Window, item: str) -> np.ndarray:
    """(B, W) the owner's share of ``item``: its heat-pump and reference columns."""
    out = {item: np.zeros((inp.n_blocks, len(w.years)))}
    if item in inp.annual:
        option_items(inp, s, w, out, {item: {c: q * OWNER_COLUMNS for c, q in inp.annual[item].items()}})
    return out[item]


def _national(
    flows: Flows, inp: ModelInputs, s: Schedule, w: Window, costs: Costs
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Give every national cost item to its party; returns the owner's and the heat company's items."""
    by = costs.by_item
    occ = {k[1]: v for k, v in flows.eur.items() if k[0] == "occupant" and k[2] == "cost"}
    owner = {it: by[it] for it in OWNER_ITEMS}
    for it in ("maintenance", "project_management"):
        owner[it] = _owner_part(inp, s, w, it)
    for it, v in owner.items():
        flows.add("owner", it, "cost", v)
    flows.add("gas_grid_operator", "gas_removal", "cost", by["gas_removal"])
    flows.add("electricity_grid_operator", "grid_reinforcement", "cost", by["grid_reinforcement"])
    rest = {it: by[it] - owner.get(it, 0.0) - occ.get(it, 0.0) for it in by}
    heat = {it: rest[it] for it in (*HEAT_COMPANY_ITEMS, *SHARED_ITEMS)}
    for it, v in heat.items():
        flows.add("heat_company", it, "cost", v)
    done = {*OWNER_ITEMS, *HEAT_COMPANY_ITEMS, *SHARED_ITEMS, "gas", "gas_removal", "grid_reinforcement"}
    assert done >= set(by), f"national items without a party: {sorted(set(by) - done)}"
    return owner, heat


def _heat_company_financing(flows: Flows, inp: ModelInputs, eu: EndUser, heat: dict[str, np.ndarray]) -> None:
    """The heat company's annuities at its own rate: the margin over the national rate to the lender."""
    nat = inp.discount_rate
    for it in HEAT_COMPANY_INVEST:
        life = lifetime_yr("distribution_pipes" if it == "network" else it)
        ratio = float(annuity_factor(eu.heat_company_rate, life) / annuity_factor(nat, life))
        flows.pay("heat_company", "lender", "financing", "transfer", heat[it] * (ratio - 1.0))


def _rates(inp: ModelInputs, eu: EndUser, ab: ActorBlocks, life_yr: float) -> np.ndarray:
    """(B,) the owner's annuity over the national one for ``life_yr`` years (>= 1 when its rate is higher)."""
    nat = float(annuity_factor(inp.discount_rate, life_yr))
    per_type = {t: float(annuity_factor(r, life_yr)) / nat for t, r in eu.owner_rate.items()}
    return np.array([per_type[t] for t in ab.owner_type])


def actor_flows(
    inp: ModelInputs, s: Schedule, scenario: Scenario, ab: ActorBlocks, costs: Costs | None = None
) -> Flows:
    """Every party's costs and the money between them for a schedule, per block and window year."""
    w = _window(inp)
    eu = scenario.end_user
    costs = costs if costs is not None else schedule_costs(inp, s)
    flows = Flows(w.years)
    st = _state(inp, s, w)
    _household(flows, inp, s, w, st, scenario, ab)
    owner, heat = _national(flows, inp, s, w, costs)
    _heat_company_financing(flows, inp, eu, heat)
    financed = _owner_payments(flows, inp, st, eu, ab, owner)
    for life, eur in financed.items():
        flows.pay(
            "owner", "lender", "financing", "transfer", eur * (_rates(inp, eu, ab, life) - 1.0)[:, None]
        )
    _investments(flows, inp, s, w, st, eu, ab)
    return flows


def _owner_payments(
    flows: Flows, inp: ModelInputs, st: _State, eu: EndUser, ab: ActorBlocks, owner: dict[str, np.ndarray]
) -> dict[float, np.ndarray]:
    """VAT, connection contribution and subsidies; returns what the owner finances, by lifetime."""
    vat = eu.vat_share
    n = inp.dwellings
    net = st.on * np.isin(st.key, (0, 1))[:, None]
    life_c = lifetime_yr("in_building")
    af_c = float(annuity_factor(inp.discount_rate, life_c))
    contrib = net * (n * eu.heat_connection_contribution_eur * af_c)[:, None]
    flows.pay("owner", "heat_company", "heat_connection_contribution", "transfer", contrib)
    installs = ("induction", "heat_pump", "gas_boiler", "project_management")
    flows.pay(
        "owner",
        "government",
        "vat",
        "tax",
        vat * (sum(owner[i] for i in (*installs, "maintenance")) + contrib),
    )
    flows.pay("owner", "government", "vat", "tax", eu.vat_share_insulation * owner["insulation"])
    isde = np.isin(ab.owner_type, eu.isde_owner_types)
    hp = st.existing & (st.key == OPTIONS.index("hp")) & isde
    per_dw = _isde_hp_per_dwelling(eu, ab)
    af_hp = float(annuity_factor(inp.discount_rate, lifetime_yr("heat_pump")))
    sub_hp = st.on * (hp * per_dw * n * af_hp)[:, None]
    sub_ins = isde[:, None] * eu.isde_insulation_share * owner["insulation"]
    flows.pay("government", "owner", "isde_heat_pump", "subsidy", sub_hp)
    flows.pay("government", "owner", "isde_insulation", "subsidy", sub_ins)
    wis = (
        st.on
        * (st.existing & np.isin(st.key, (0, 1)))[:, None]
        * (n * eu.heat_network_subsidy_eur_per_connection * af_c)[:, None]
    )
    flows.pay("government", "heat_company", "heat_network_subsidy", "subsidy", wis)
    out: defaultdict[float, np.ndarray] = defaultdict(lambda: np.zeros_like(contrib))
    out[lifetime_yr("heat_pump")] += sum(owner[i] for i in installs) * (1.0 + vat) - sub_hp
    out[lifetime_yr("insulation")] += owner["insulation"] * (1.0 + eu.vat_share_insulation) - sub_ins
    out[life_c] += contrib * (1.0 + vat)
    return dict(out)


def _isde_hp_per_dwelling(eu: EndUser, ab: ActorBlocks) -> np.ndarray:
    """(B,) ISDE for an air-water heat pump: a base amount plus an amount per kW above 1 kW."""
    return eu.isde_heat_pump_eur + eu.isde_heat_pump_eur_per_kw * np.maximum(ab.hp_kw_per_dwelling - 1.0, 0.0)


def _investments(
    flows: Flows, inp: ModelInputs, s: Schedule, w: Window, st: _State, eu: EndUser, ab: ActorBlocks
) -> None:
    """One-off amounts in the year spent: the owner's measures, the heat company's connections, subsidies."""
    yrs = w.years[None, :]
    b = np.arange(inp.n_blocks)
    n = inp.dwellings
    start = np.where(st.existing, s.switch_year, np.maximum(inp.new_build_year, inp.years[0]))
    at_switch = yrs == np.where(st.key >= 0, start, NEVER)[:, None]
    if inp.levels:
        lev = np.maximum(s.ins_level, 0)
        t = np.clip(s.insulation_year - int(inp.years[0]), 0, len(inp.years) - 1)
        ins = np.where(s.ins_level >= 0, inp.ins_cost_eur[b, lev] * renovation_factor(inp)[b, t], 0.0)
        ins_at = (yrs == s.insulation_year[:, None]) * ins[:, None]
        flows.spend("owner", None, "insulation", ins_at)
        flows.spend("owner", "government", "vat", eu.vat_share_insulation * ins_at)
        isde = np.isin(ab.owner_type, eu.isde_owner_types)[:, None]
        flows.spend("government", "owner", "isde_insulation", isde * eu.isde_insulation_share * ins_at)
    ind_at = (yrs == s.induction_year[:, None]) * np.where(inp.need_induction, inp.induction_cost_eur, 0.0)[
        :, None
    ]
    hp = st.key == OPTIONS.index("hp")
    hp_at = (
        at_switch
        * np.where(hp, inp.invest_eur["heat_pump"][:, 2] + inp.invest_eur["project_management"][:, 2], 0.0)[
            :, None
        ]
    )
    net = np.isin(st.key, (0, 1))
    contrib = at_switch * np.where(net, n * eu.heat_connection_contribution_eur, 0.0)[:, None]
    flows.spend("owner", None, "induction", ind_at)
    flows.spend("owner", None, "heat_pump", hp_at)
    flows.spend("owner", "heat_company", "heat_connection_contribution", contrib)
    flows.spend("owner", "government", "vat", eu.vat_share * (ind_at + hp_at + contrib))
    isde_hp = np.isin(ab.owner_type, eu.isde_owner_types) & hp & st.existing
    per_dw = _isde_hp_per_dwelling(eu, ab)
    flows.spend("government", "owner", "isde_heat_pump", at_switch * (isde_hp * per_dw * n)[:, None])
    key = np.maximum(st.key, 0)
    hc = sum(inp.invest_eur[i][b, key] for i in HEAT_COMPANY_CONNECTION)
    flows.spend("heat_company", None, "connections", at_switch * np.where(net, hc, 0.0)[:, None])
    wis = st.existing & net
    flows.spend("government", "heat_company", "heat_network_subsidy",
                at_switch * (wis * n * eu.heat_network_subsidy_eur_per_connection)[:, None])  # fmt: skip
