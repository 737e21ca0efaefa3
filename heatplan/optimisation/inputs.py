"""Precomputed arrays for the sequencing model: blocks x options x years, from blocks + scenario.

Everything the model needs is computed here once, as numpy arrays, so that the Pyomo model is
built from arrays and the checker and brute force use exactly the same cost model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from heatplan.buildings import costs
from heatplan.buildings.demand import (
    Regime,
    block_demand,
    gas_use_m3_per_yr,
    source_peak_kw,
)
from heatplan.buildings.labels import label_rank, to_envelope, worst_label_for_supply
from heatplan.buildings.sources import deliverable_mw, peak_boiler_heat_share, with_existing_customers
from heatplan.buildings.stock import STOCK_YEAR
from heatplan.economics import (
    Annual,
    BlockContext,
    Window,
    annual_items,
    induction_annual,
    make_window,
    option_items,
)
from heatplan.economics.npv import segment_annual
from heatplan.economics.options import network_electricity_kwh_per_gj
from heatplan.errors import InputError
from heatplan.optimisation.network import NetworkInput, Segments, aggregate, coarsen
from heatplan.scenario import Pin, Scenario
from heatplan.scenario.figures import figures

if TYPE_CHECKING:
    from heatplan.grid.capacity import GridElements
    from heatplan.optimisation.grid_rows import GridInput

OPTIONS = ("mt", "lt", "hp")
GAS_HEATING = ("gas_boiler", "block_heating")
NEVER = 10_000
#: Segments per regime kept in the model; cheaper ones are built with their parent (``coarsen``).
MAX_SEGMENTS_PER_REGIME = 150


@dataclass(frozen=True)
class ModelInputs:
    """All arrays of one optimisation instance. Block axis = ``block_ids``; option axis = OPTIONS."""

    block_ids: np.ndarray
    years: np.ndarray  # modelled years start..end
    deadline: int
    dwellings: np.ndarray
    owner: np.ndarray
    buurt: np.ndarray
    active: np.ndarray  # block takes measures in the model
    need_switch: np.ndarray  # heats with gas now
    need_induction: np.ndarray  # cooks with gas now
    demolition_year: np.ndarray  # NEVER if none
    new_build_year: np.ndarray  # NEVER if not a future new build
    renovation_year: np.ndarray  # NEVER if none
    allowed: np.ndarray  # (B, O) bool
    level_of_option: np.ndarray  # (O,) index into levels, -1 = no label needed
    levels: tuple[str, ...]  # envelope labels the options need
    ins_needed: np.ndarray  # (B, L) bool
    ins_cost_eur: np.ndarray  # (B, L)
    gas_saving_m3: np.ndarray  # (B, L) yearly gas saved by insulating to the level
    heat_gas_m3: np.ndarray  # (B,) gas for heat per year now
    cook_gas_m3: np.ndarray  # (B,) gas for cooking per year now
    induction_cost_eur: np.ndarray  # (B,)
    conn_cost_eur: np.ndarray  # (B, O) connection / heat pump, incl. folded single-block pipes
    source_cost_eur: np.ndarray  # (B, O) source capacity (transfer station per kW)
    gas_removal_eur: np.ndarray  # (B,)
    peak_kw: np.ndarray  # (B, O) block design peak at the option's label
    source_kw: np.ndarray  # (B, O) contribution to a source's (large-group) peak
    block_source: np.ndarray  # (B, O) source id ("" for hp)
    sources: pd.DataFrame  # source_id, regime, capacity_kw, available_year
    segments: dict[str, Segments]
    discount: np.ndarray  # (T,)
    gas_eur_per_m3: np.ndarray  # (T,) gas price + CO2 price per m3
    gas_only_eur_per_m3: np.ndarray  # (T,) gas price alone (the rest is CO2)
    renovation_factor: float
    cap_switch: np.ndarray | None  # (T,) dwellings per year, None = unlimited
    cap_insulate: np.ndarray | None
    cap_induction: np.ndarray | None
    budget_total: float | None
    budget_owner: dict[str, float]
    pins: tuple[Pin, ...]
    new_build_option: str = "lt"
    elec_kw: dict[str, np.ndarray] = field(default_factory=dict)  # per block, kW per measure (diversified)
    # National costs (heatplan.economics): the window, yearly items per block x (mt, lt, hp, reference),
    # gas-free cooking per block, network segments per regime, heat delivered per block x option.
    window: Window | None = None
    annual: Annual = field(default_factory=dict)
    induction_annual: Annual = field(default_factory=dict)
    segment_annual: dict[str, Annual] = field(default_factory=dict)
    heat_delivered_gj: np.ndarray = field(default_factory=lambda: np.zeros((0, 4)))
    invest_eur: dict[str, np.ndarray] = field(default_factory=dict)  # item -> (B, 4), undiscounted
    co2_kg_per_m3: float = 1.78
    discount_rate: float = 0.0225
    #: the scenario's capacities as given (number, path or None), for years beyond the model's
    cap_spec: dict[str, CapacitySpec] = field(default_factory=dict)
    induction_window: int | None = None  # induction at most this many years before the switch
    corp_efg: np.ndarray | None = None  # (B,) corporation blocks labelled E-G now
    corp_efg_year: int | None = None  # the year their E-G labels are gone by (None: rule off)
    dwelling_type: np.ndarray | None = None  # (B,)
    hp_excluded_types: tuple[str, ...] = ()
    #: per regime, electricity (kWh) per GJ put into the network by use (pumps, collective heat pumps)
    network_kwh_per_gj: dict[str, dict[str, float]] = field(default_factory=dict)
    #: the programme's pace floor per modelled year (dwellings switched), None = no floor
    min_switch: np.ndarray | None = None
    #: the electricity grid's stations and feeders (optimisation.grid_rows), None = not modelled
    grid: GridInput | None = None
    #: the level-cost rule (None: off): (B, O, T) a switch to option o in year t raises a corporation
    #: block's tenants' housing costs above the tolerance, so it may not happen (optimisation.housing)
    housing_forbidden: np.ndarray | None = None
    #: corporation blocks no option in any year keeps level (they keep their options; None: off)
    housing_exempt: np.ndarray | None = None
    #: per corporation block, the least rise (EUR/month per dwelling) any allowed option gives (NaN: others)
    housing_least_change: np.ndarray | None = None

    @property
    def n_blocks(self) -> int:
        """Number of blocks."""
        return len(self.block_ids)

    def new_build_opt(self, b: int | np.integer) -> str:
        """New builds take the scenario's new-build option where their network exists, else a heat pump."""
        opt = self.new_build_option
        if opt in self.segments and self.segments[opt].block_source[b] != "":
            return opt
        return "hp"

    def new_build_source_load_kw(self, source_id: str) -> np.ndarray:
        """Design-peak load (kW) of new builds on a source, per modelled year."""
        load = np.zeros(len(self.years))
        for b in np.nonzero(self.new_build_year <= self.years[-1])[0]:
            o = OPTIONS.index(self.new_build_opt(b))
            if self.block_source[b, o] == source_id:
                load[self.years >= self.new_build_year[b]] += self.source_kw[b, o]
        return load

    def of_option(self, values: np.ndarray, option: str) -> np.ndarray:
        """The (block,) column of a (block, option) array for one option named "mt", "lt" or "hp"."""
        if option not in OPTIONS:
            raise ValueError(f"unknown heat option {option!r}; expected one of {', '.join(OPTIONS)}")
        return np.asarray(values[:, OPTIONS.index(option)])

    def at_chosen(self, values: np.ndarray, chosen: Sequence[str], fill: object) -> np.ndarray:
        """Each block's entry of a (block, option) array at the option it chose, named ("mt", "lt", "hp").

        ``fill`` where a block chose none ("" or a name that is not an option). For callers outside
        the optimisation, which label options by name, not by their position on the option axis.
        """
        col = np.array([OPTIONS.index(o) if o in OPTIONS else -1 for o in chosen], dtype=int)
        out = np.full(len(col), fill, dtype=values.dtype)
        rows = np.nonzero(col >= 0)[0]
        out[rows] = values[rows, col[rows]]
        return out

    def capacity_at(self, kind: str, years: np.ndarray) -> np.ndarray | None:
        """Capacity ``kind`` ("switch", "insulate", "induction") in ``years`` (None = unlimited)."""
        return capacity_path(self.cap_spec.get(kind), years)

    def floor_cumulative(self) -> np.ndarray | None:
        """(T,) existing dwellings that must be switched by the end of each year (None: no floor).

        The floor summed from the first modelled year, clipped at the dwellings that can switch by
        that year at all: active blocks on gas with an allowed option whose source is available
        (a heat pump always is) and whose connection is not pinned to a later year. Where the
        floor comes within one block of the switching capacity summed over the same years, it is
        held to within the smallest such block less one dwelling (an exact fill of the capacity
        with indivisible blocks is not asked).
        """
        if self.min_switch is None:
            return None
        ok = self.allowed & (self.active & self.need_switch)[:, None]
        pos = {bid: i for i, bid in enumerate(self.block_ids)}
        for p in self.pins:
            if p.measure == "connection" and p.option is not None:
                ok[pos[p.block_id]] &= np.array([o == p.option for o in OPTIONS])
        avail = dict(zip(self.sources["source_id"], self.sources["available_year"], strict=True))
        start = int(self.years[0])
        year = np.array(
            [[int(avail.get(s, NEVER)) if s else start for s in row] for row in self.block_source]
        )
        year[:, OPTIONS.index("hp")] = start
        if self.housing_forbidden is not None:  # the level-cost rule's first allowed year
            can_t = ~self.housing_forbidden
            first_ok = np.where(can_t.any(axis=2), self.years[np.argmax(can_t, axis=2)], NEVER)
            year = np.maximum(year, first_ok)
        first = np.where(ok, year, NEVER).min(axis=1)
        for p in self.pins:
            if p.measure == "connection" and p.year is not None:
                first[pos[p.block_id]] = max(first[pos[p.block_id]], p.year)
        can = np.array([self.dwellings[first <= y].sum() for y in self.years])
        floor = np.minimum(np.cumsum(self.min_switch), can)
        if self.cap_switch is not None and (first < NEVER).any():
            # indivisible blocks: a floor at the capacity itself is held to within one smallest block
            slack = max(float(self.dwellings[first < NEVER].min()) - 1.0, 0.0)
            floor = np.minimum(floor, np.maximum(np.cumsum(self.cap_switch) - slack, 0.0))
        return floor

    def year_pos(self, year: int) -> int:
        """Index of ``year`` on the year axis, clipped to the modelled range."""
        return int(np.clip(year - int(self.years[0]), -1, len(self.years)))


def price_path(path: Mapping[int, float], years: np.ndarray) -> np.ndarray:
    """A price per year: linear between the given years, constant before the first and after the last."""
    ks = np.array(sorted(path), dtype=float)
    vs = np.array([path[int(k)] for k in ks], dtype=float)
    return np.interp(years.astype(float), ks, vs)


CapacitySpec = float | Mapping[int, float] | None


def capacity_path(spec: CapacitySpec, years: np.ndarray) -> np.ndarray | None:
    """A yearly capacity per year: a number everywhere, a path interpolated like prices, or None."""
    if spec is None:
        return None
    if isinstance(spec, Mapping):
        return price_path(spec, years)
    return np.full(len(years), float(spec))


def _years_col(blocks: pd.DataFrame, col: str) -> np.ndarray:
    return blocks[col].astype("Float64").fillna(NEVER).to_numpy(float).astype(int)


def _option_labels(scenario: Scenario) -> list[str | None]:
    pol = scenario.label_policy
    out: list[str | None] = []
    for o in OPTIONS:
        if o == "hp":
            out.append("A")  # individual heat pump: treated like LT (documented assumption)
        else:
            spec = getattr(scenario.networks, o)
            out.append(worst_label_for_supply(spec.supply_temp_c, pol.required_supply_c, pol.design_drop_k))
    return out


def _allowed(
    blocks: pd.DataFrame,
    scenario: Scenario,
    segs: Mapping[str, Segments],
    labels: list[str | None],
    networks_known: bool = True,
) -> np.ndarray:
    opts = scenario.options
    allowed = np.zeros((len(blocks), len(OPTIONS)), dtype=bool)
    buurt = blocks["buurt_code"].to_numpy()
    for j, o in enumerate(OPTIONS):
        ok = np.full(len(blocks), o in opts.allowed)
        for bu, only in opts.per_buurt.items():
            ok[buurt == bu] = o in only
        if labels[j] is None:
            ok[:] = False
        if o == "hp":
            ok &= ~blocks["dwelling_type"].isin(opts.hp_excluded_dwelling_types).to_numpy()
        if o in ("mt", "lt") and networks_known:
            seg = segs.get(o)
            ok &= (seg.block_source != "") if seg is not None else False
        allowed[:, j] = ok
    return allowed


def _gas_parts(
    blocks: pd.DataFrame, need_switch: np.ndarray, need_ind: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    d = figures().gas
    dem = block_demand(blocks)
    est_heat = dem["heat_demand_gj_per_yr"].to_numpy() / d.boiler_efficiency / d.lower_heating_value_gj_per_m3
    est_cook = dem["cooking_gj_per_yr"].to_numpy() / d.lower_heating_value_gj_per_m3
    total = gas_use_m3_per_yr(blocks).to_numpy()
    share = np.divide(
        est_heat, est_heat + est_cook, out=np.ones(len(blocks)), where=(est_heat + est_cook) > 0
    )
    heat = np.where(need_switch, total * share, 0.0)
    cook = np.where(need_ind, np.where(need_switch, total * (1 - share), est_cook), 0.0)
    return heat, cook


def _per_level(
    blocks: pd.DataFrame, levels: tuple[str, ...], heat: np.ndarray, point: float
) -> tuple[np.ndarray, ...]:
    now = to_envelope(blocks["label"])
    rank_now = label_rank(now)
    est_now = block_demand(blocks)["heat_demand_gj_per_yr"].to_numpy()
    needed = np.zeros((len(blocks), len(levels)), dtype=bool)
    cost = np.zeros((len(blocks), len(levels)))
    saving = np.zeros((len(blocks), len(levels)))
    for k, lab in enumerate(levels):
        target = pd.Series(lab, index=blocks.index)
        needed[:, k] = rank_now < label_rank([lab])[0]
        cost[:, k] = costs.insulation_cost_eur(blocks, blocks["label"], target, point).to_numpy()
        est = block_demand(blocks, target.where(needed[:, k], now))["heat_demand_gj_per_yr"].to_numpy()
        ratio = np.divide(est, est_now, out=np.ones(len(blocks)), where=est_now > 0)
        saving[:, k] = np.where(needed[:, k], heat * np.clip(1 - ratio, 0, 1), 0.0)
    return needed, cost, saving


def _peaks(blocks: pd.DataFrame, labels: list[str | None]) -> tuple[np.ndarray, np.ndarray]:
    """Block design peak and large-group source contribution (kW) per option at its label."""
    peak = np.zeros((len(blocks), len(OPTIONS)))
    src_kw = np.zeros((len(blocks), len(OPTIONS)))
    for j, o in enumerate(OPTIONS):
        lab = labels[j] or "A"
        target = pd.Series(lab, index=blocks.index)
        better = label_rank(to_envelope(blocks["label"])) >= label_rank([lab])[0]
        labs = blocks["label"].where(better, target)
        regime: Regime = "lt" if o != "mt" else "mt"
        peak[:, j] = block_demand(blocks, labs, regime=regime)["peak_kw"].to_numpy()
        src_kw[:, j] = source_peak_kw(blocks, labs, regime)
    return peak, src_kw


#: Investment items that make up an option's connection cost, and its source cost (budgets, report).
CONNECTION_ITEMS = (
    "heat_pump", "grid_reinforcement", "delivery_set", "in_building", "project_management", "substation",
    "lt_booster", "service_pipes",
)  # fmt: skip
SOURCE_ITEMS = ("transfer_station", "collective_heat_pump")


def _economics(
    blocks: pd.DataFrame,
    scenario: Scenario,
    segs: Mapping[str, Segments],
    labels: list[str | None],
    peaks: tuple[np.ndarray, np.ndarray],
    heat_gas: np.ndarray,
    sources: pd.DataFrame,
    grid_modelled: bool = False,
) -> tuple[Window, Annual, dict[str, Annual], dict[str, np.ndarray], np.ndarray]:
    """National-cost items per block and option, per network segment, and the evaluation window."""
    nb, pr, net = len(blocks), scenario.prices, scenario.networks
    zero = np.zeros(nb)
    heat_cost = dict(
        zip(sources["source_id"].astype(str), sources["heat_cost_eur_per_gj"].astype(float), strict=True)
    )
    peak_share = dict(zip(sources["source_id"].astype(str), peak_boiler_heat_share(sources), strict=True))
    src_of = {r: (segs[r].block_source if r in segs else np.full(nb, "", dtype=object)) for r in ("mt", "lt")}
    ctx = BlockContext(
        labels=tuple(lab or "A" for lab in labels),  # type: ignore[arg-type]
        peak_kw=peaks[0],
        source_kw=peaks[1],
        folded_cost_eur=np.stack(
            [segs[r].block_folded_cost_eur if r in segs else zero for r in ("mt", "lt")], 1
        ),
        folded_loss_gj=np.stack(
            [segs[r].block_folded_loss_gj_per_yr if r in segs else zero for r in ("mt", "lt")], 1
        ),
        source_heat_cost=np.stack([[heat_cost.get(str(x), 0.0) for x in src_of[r]] for r in ("mt", "lt")], 1),
        source_peak_share=np.stack(
            [[peak_share.get(str(x), 0.0) for x in src_of[r]] for r in ("mt", "lt")], 1
        ),
        heat_gas_m3=heat_gas,
        supply_c=(net.mt.supply_temp_c, net.lt.supply_temp_c),
        point=pr.cost_point,
        co2_kg_per_m3=pr.co2_kg_per_m3,
        grid_modelled=grid_modelled,
    )
    items = option_items(blocks, ctx)
    window = make_window(
        scenario.years.start, scenario.economics.evaluation_end_year, pr.discount_rate, pr.base_year,
        {k: getattr(pr, k) for k in ("gas_eur_per_m3", "gas_large_eur_per_m3", "co2_eur_per_t",
                                     "electricity_eur_per_kwh", "electricity_large_eur_per_kwh")},
    )  # fmt: skip
    seg_annual = {}
    for r, sg in segs.items():
        first = [m[0] if len(m) else -1 for m in sg.members]
        sid = [str(sg.block_source[b]) if b >= 0 else "" for b in first]
        src = np.array([heat_cost.get(s, 0.0) for s in sid])
        share = np.array([peak_share.get(s, 0.0) for s in sid])
        supply = net.mt.supply_temp_c if r == "mt" else net.lt.supply_temp_c
        seg_annual[r] = segment_annual(
            sg.cost_eur, sg.loss_gj_per_yr, r, src, supply, pr.discount_rate, pr.co2_kg_per_m3, share
        )
    return (
        window,
        annual_items(items, pr.discount_rate),
        seg_annual,
        items.invest_eur,
        items.heat_delivered_gj,
    )


def _elec_kw(blocks: pd.DataFrame, src_kw: np.ndarray) -> dict[str, np.ndarray]:
    """Electric peak added per block and measure (kW, large-group simultaneity; estimates, ours)."""
    d = figures()
    g = d.economics.grid
    n = blocks["dwellings"].to_numpy(float)
    s_hw = d.peak.simultaneity_hot_water
    hw = block_demand(blocks)["hot_water_peak_undiversified_kw"].to_numpy()
    cop = d.heat_pump.seasonal_cop
    return {
        "induction": n * d.induction.peak_kw_per_dwelling * s_hw,
        # Vesta: an all-electric dwelling's 7 kW (appliances included) against 3 kW with appliances
        # only, both at the neighbourhood simultaneity 0.5 (20250120_Vermogens.csv): 2 kW added
        "hp": n * g.simultaneity * (g.heat_pump_peak_kw_per_dwelling - g.appliances_peak_kw_per_dwelling),
        "lt_booster": s_hw * hw / cop,
        # pumps: Vesta's Pompenergie_Wnet GJ electric per GJ heat, read as kW per kW at the peak
        "pump_mt": src_kw[:, 0] * d.economics.network_heat.pump_gje_per_gj,
        "pump_lt": src_kw[:, 1] * d.economics.network_heat.pump_gje_per_gj,
    }


def _sources_table(sources: pd.DataFrame) -> pd.DataFrame:
    """Per source what the plan may use at the design peak (kW): base + peak boilers - existing customers."""
    out = sources[["source_id", "regime", "available_year"]].copy()
    out["capacity_kw"] = deliverable_mw(sources) * 1000.0
    return out.reset_index(drop=True)


def build_inputs(
    blocks: pd.DataFrame,
    scenario: Scenario,
    networks: Mapping[str, NetworkInput],
    sources: pd.DataFrame,
    end_year: int | None = None,
    max_segments: int | None = MAX_SEGMENTS_PER_REGIME,
    grid: GridElements | None = None,
) -> ModelInputs:
    """Precompute every array of the model for ``blocks`` over ``start .. end_year`` (default: deadline).

    ``grid``: the electricity grid's stations and feeders over ``blocks`` (reinforcements planned).
    """
    ys = scenario.years
    end = ys.deadline if end_year is None else end_year
    years = np.arange(ys.start, end + 1)
    point = scenario.prices.cost_point
    ids = blocks["block_id"].astype(str).to_numpy()
    labels = _option_labels(scenario)
    demo, nb, renov = (
        _years_col(blocks, c) for c in ("demolition_year", "new_build_year", "renovation_year")
    )
    nb = np.where(nb >= STOCK_YEAR, nb, NEVER)
    need_switch = blocks["heating"].isin(GAS_HEATING).to_numpy() & (nb == NEVER)
    need_ind = (blocks["cooking"].to_numpy() == "gas") & (nb == NEVER)
    active = (need_switch | need_ind) & (demo > ys.deadline)
    pre = _allowed(blocks, scenario, {}, labels, networks_known=False)
    segs = {}
    for r, net in networks.items():
        if r in ("mt", "lt"):
            cand = (active & need_switch & pre[:, OPTIONS.index(r)]) | (
                (nb <= end) & (scenario.options.new_build == r)
            )
            segs[r] = coarsen(aggregate(net, pd.Index(ids), cand), max_segments)
    levels = tuple(dict.fromkeys(lab for lab in labels if lab is not None))
    level_of_option = np.array([levels.index(lab) if lab is not None else -1 for lab in labels])
    heat, cook = _gas_parts(blocks, need_switch, need_ind)
    ins_needed, ins_cost, saving = _per_level(blocks, levels, heat, point)
    ins_needed &= (active & need_switch)[:, None]
    peak, src_kw = _peaks(blocks, labels)
    sources = _with_heat_cost(with_existing_customers(blocks, sources, ys.start))
    window, annual, seg_annual, invest, delivered = _economics(
        blocks, scenario, segs, labels, (peak, src_kw), heat, sources, grid is not None
    )
    conn = np.sum([invest[k][:, :3] for k in CONNECTION_ITEMS], axis=0)
    src_cost = np.sum([invest[k][:, :3] for k in SOURCE_ITEMS], axis=0)
    block_src = np.full((len(blocks), len(OPTIONS)), "", dtype=object)
    for j, o in enumerate(OPTIONS[:2]):
        if o in segs:
            block_src[:, j] = segs[o].block_source
    pr = scenario.prices
    gas_only = price_path(pr.gas_eur_per_m3, years)
    gas_price = gas_only + price_path(pr.co2_eur_per_t, years) * pr.co2_kg_per_m3 / 1000.0
    cap = scenario.capacity
    inp = ModelInputs(
        block_ids=ids,
        years=years,
        deadline=ys.deadline,
        dwellings=blocks["dwellings"].to_numpy(float),
        owner=blocks["owner"].astype(str).to_numpy(),
        buurt=blocks["buurt_code"].astype(str).to_numpy(),
        active=active,
        need_switch=need_switch,
        need_induction=need_ind,
        demolition_year=demo,
        new_build_year=nb,
        renovation_year=renov,
        allowed=_allowed(blocks, scenario, segs, labels),
        level_of_option=level_of_option,
        levels=levels,
        ins_needed=ins_needed,
        ins_cost_eur=ins_cost,
        gas_saving_m3=saving,
        heat_gas_m3=heat,
        cook_gas_m3=cook,
        induction_cost_eur=costs.induction_cost_eur(blocks, point).to_numpy(),
        conn_cost_eur=conn,
        source_cost_eur=src_cost,
        gas_removal_eur=costs.gas_removal_cost_eur(blocks, point).to_numpy(),
        peak_kw=peak,
        source_kw=src_kw,
        block_source=block_src,
        sources=_sources_table(sources),
        segments=segs,
        discount=(1.0 + pr.discount_rate) ** -(years - pr.base_year).astype(float),
        gas_eur_per_m3=gas_price,
        gas_only_eur_per_m3=gas_only,
        renovation_factor=scenario.programme.renovation_insulation_cost_factor,
        cap_switch=capacity_path(cap.switch_dwellings_per_yr, years),
        cap_insulate=capacity_path(cap.insulate_dwellings_per_yr, years),
        cap_induction=capacity_path(cap.induction_dwellings_per_yr, years),
        budget_total=scenario.budget.total_eur_per_yr,
        budget_owner=dict(scenario.budget.per_owner_eur_per_yr),
        pins=_checked_pins(scenario.pins, ids),
        new_build_option=scenario.options.new_build,
        elec_kw=_elec_kw(blocks, src_kw),
        window=window,
        annual=annual,
        induction_annual=induction_annual(
            np.where(need_ind, blocks["dwellings"].to_numpy(float), 0.0), pr.discount_rate, point
        ),
        segment_annual=seg_annual,
        heat_delivered_gj=delivered,
        invest_eur=invest,
        co2_kg_per_m3=pr.co2_kg_per_m3,
        discount_rate=pr.discount_rate,
        cap_spec={
            "switch": cap.switch_dwellings_per_yr,
            "insulate": cap.insulate_dwellings_per_yr,
            "induction": cap.induction_dwellings_per_yr,
        },
        induction_window=scenario.programme.induction_max_years_before_switch,
        corp_efg=_corporation_efg(blocks),
        corp_efg_year=scenario.programme.corporation_efg_gone_by,
        dwelling_type=blocks["dwelling_type"].astype(str).to_numpy(),
        hp_excluded_types=tuple(scenario.options.hp_excluded_dwelling_types),
        network_kwh_per_gj={
            r: network_electricity_kwh_per_gj(r, getattr(scenario.networks, r).supply_temp_c)
            for r in ("mt", "lt")
        },
        min_switch=capacity_path(scenario.programme.min_switch_dwellings_per_yr, years),
    )
    if scenario.end_user.housing_level_for_corporation_tenants:
        from heatplan.optimisation.housing import restrict

        inp = restrict(inp, blocks, scenario)
    if grid is None:
        return inp
    from heatplan.optimisation.grid_rows import grid_input

    return replace(inp, grid=grid_input(inp, blocks, grid, scenario.grid, point))


def _with_heat_cost(sources: pd.DataFrame) -> pd.DataFrame:
    """Sources with ``heat_cost_eur_per_gj`` (the regime's default where a table has none)."""
    if "heat_cost_eur_per_gj" in sources and sources["heat_cost_eur_per_gj"].notna().all():
        return sources
    net = figures().economics.network_heat
    fallback = sources["regime"].map(
        {"mt": net.default_heat_cost_mt_eur_per_gj, "lt": net.default_heat_cost_lt_eur_per_gj}
    )
    given = sources.get("heat_cost_eur_per_gj", fallback)
    return sources.assign(heat_cost_eur_per_gj=pd.to_numeric(given).fillna(fallback).astype(float))


def _corporation_efg(blocks: pd.DataFrame) -> np.ndarray:
    """Corporation blocks whose envelope label is E, F or G today (Nationale Prestatieafspraken 2022)."""
    corp = blocks["owner_type"].astype(str).to_numpy() == "corporation"
    return corp & np.isin(to_envelope(blocks["label"]).to_numpy(), ("E", "F", "G"))


def _checked_pins(pins: tuple[Pin, ...], ids: np.ndarray) -> tuple[Pin, ...]:
    known = set(ids.tolist())
    bad = [p.name or p.block_id for p in pins if p.block_id not in known]
    if bad:
        raise InputError(f"pin(s) name blocks that are not in the stock: {', '.join(bad)}")
    return pins
