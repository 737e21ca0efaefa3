"""National cost items of every heat option of every block, and of the reference (the gas boiler).

Per block and option (``mt``, ``lt``, ``hp``, ``reference``) this gives the investments (EUR,
each with its technical lifetime and yearly O&M share) and the yearly quantities of every energy
carrier the option uses once the block has switched. ``heatplan.economics.npv`` turns them into
the discounted cost from any switch year to the end of the evaluation window.
Figures: ``defaults.toml`` [economics.*] (PBL Vesta MAIS); see docs/economics.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from heatplan.buildings.demand import Regime, block_demand
from heatplan.buildings.labels import label_rank, to_envelope
from heatplan.economics.prices import KWH_PER_GJ
from heatplan.scenario.figures import figures

KEYS = ("mt", "lt", "hp", "reference")
#: Investment items per option; each has a lifetime and (where Vesta gives one) an O&M share.
INVEST_ITEMS = (
    "heat_pump", "delivery_set", "in_building", "project_management", "substation", "lt_booster",
    "transfer_station", "collective_heat_pump", "service_pipes", "gas_removal", "grid_reinforcement",
    "gas_boiler",
)  # fmt: skip
#: Lifetime key and O&M key of each investment item (O&M None = no yearly maintenance share).
_SPEC = {
    "heat_pump": ("heat_pump", "heat_pump"),
    "delivery_set": ("delivery_set", "delivery_set"),
    "in_building": ("in_building", "in_building"),
    "project_management": ("project_management", None),
    "substation": ("substation", "substation"),
    "lt_booster": ("lt_booster", "lt_booster"),
    "transfer_station": ("transfer_station", "transfer_station"),
    "collective_heat_pump": ("collective_heat_pump", "collective_heat_pump"),
    "service_pipes": ("distribution_pipes", "distribution_pipes"),
    "gas_removal": ("gas_removal", None),
    "grid_reinforcement": ("grid_reinforcement", None),
    "gas_boiler": ("gas_boiler", "gas_boiler"),
}
#: Energy items (yearly quantities per carrier).
ENERGY_ITEMS = ("gas", "co2", "electricity", "heat_source", "peak_boiler_gas", "network_heat_loss")


def lifetime_yr(item: str) -> float:
    """Technical lifetime of an investment item (years, defaults.toml [economics.lifetime_yr])."""
    key = _SPEC[item][0] if item in _SPEC else item
    return float(getattr(figures().economics.lifetime_yr, key))


def om_share(item: str, block_heating: np.ndarray | None = None) -> np.ndarray | float:
    """Yearly O&M as a share of the investment (Vesta Onderhoud / Installatie R_OH)."""
    om = figures().economics.om_share_per_yr
    key = _SPEC[item][1] if item in _SPEC else None
    if key is None:
        return 0.0
    if item == "gas_boiler" and block_heating is not None:
        return np.where(block_heating, om.block_boiler, om.gas_boiler)
    return float(getattr(om, key))


def _mid(lo: float, hi: float, point: float) -> float:
    return float(lo + point * (hi - lo))


@dataclass
class OptionItems:
    """Investments and yearly energy quantities per block (B) and option key (4 = KEYS)."""

    invest_eur: dict[str, np.ndarray]  # item -> (B, 4)
    om_share: dict[str, np.ndarray]  # item -> (B,) yearly O&M share of the investment
    energy: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)  # item -> carrier -> (B, 4)
    heat_delivered_gj: np.ndarray = field(default_factory=lambda: np.zeros((0, 4)))  # (B, 4)

    def add(self, item: str, carrier: str, k: int, qty: np.ndarray) -> None:
        """Add a yearly quantity of ``carrier`` to ``item`` for option key ``k``."""
        n = len(qty)
        slot = self.energy.setdefault(item, {}).setdefault(carrier, np.zeros((n, len(KEYS))))
        slot[:, k] += qty


def at_label(blocks: pd.DataFrame, label: str) -> pd.Series:
    """Each block's label after insulating to ``label`` (a better label stays)."""
    better = label_rank(to_envelope(blocks["label"])) >= label_rank([label])[0]
    return blocks["label"].where(better, pd.Series(label, index=blocks.index))


def network_electricity_kwh_per_gj(regime: str, supply_c: float) -> dict[str, float]:
    """Electricity (kWh) to put 1 GJ of heat into a network, per use: pumps and (LT) the collective HP."""
    e = figures().economics
    uses = {"network_pumps": float(e.network_heat.pump_gje_per_gj * KWH_PER_GJ)}
    if regime != "mt":
        lt = e.lt
        frac = np.clip((supply_c - 50.0) / 20.0, 0.0, 1.0)
        spf = lt.collective_spf_at_50c + frac * (lt.collective_spf_at_70c - lt.collective_spf_at_50c)
        uses["collective_heat_pumps"] = float(KWH_PER_GJ / spf)
    return uses


def heat_chain_per_gj(
    regime: str,
    source_cost_eur_per_gj: np.ndarray,
    supply_c: float,
    co2_kg_per_m3: float | None = None,
    peak_share: np.ndarray | float | None = None,
) -> dict[str, np.ndarray]:
    """Carriers needed to put 1 GJ of heat into a network (source, peak boilers, pumps, collective HP).

    ``peak_share``: the share of an MT source's heat its peak boilers make (per source, from
    :func:`heatplan.buildings.sources.peak_boiler_heat_share`: 0 without peak boilers); None = the
    MT figure ``economics.network_heat.mt_peak_boiler_heat_share`` everywhere.
    """
    e = figures().economics
    nh, g = e.network_heat, figures().gas
    co2 = float(g.co2_kg_per_m3 if co2_kg_per_m3 is None else co2_kg_per_m3)
    src = np.asarray(source_cost_eur_per_gj, float)
    elec = network_electricity_kwh_per_gj(regime, supply_c)
    pump_kwh = np.full(src.shape, elec["network_pumps"])
    if regime == "mt":
        ps = np.broadcast_to(
            np.asarray(nh.mt_peak_boiler_heat_share if peak_share is None else peak_share, float), src.shape
        )
        gas = ps / nh.peak_boiler_efficiency / g.lower_heating_value_gj_per_m3
        return {"eur": (1 - ps) * src, "gas_large_m3": gas, "co2_t": gas * co2 / 1000.0,
                "elec_large_kwh": pump_kwh}  # fmt: skip
    return {"eur": src, "elec_large_kwh": pump_kwh + elec["collective_heat_pumps"]}


def reference_boiler_eur(blocks: pd.DataFrame, point: float) -> np.ndarray:
    """A new gas boiler per dwelling, or a block-heating boiler per kW of the block's peak (EUR)."""
    ref = figures().economics.reference
    n = blocks["dwellings"].to_numpy(float)
    per_dw = _mid(ref.gas_boiler_min_eur_per_dwelling, ref.gas_boiler_max_eur_per_dwelling, point)
    block_kw = block_demand(blocks, regime="mt")["peak_kw"].to_numpy()
    blockheat = blocks["heating"].to_numpy() == "block_heating"
    return np.where(blockheat, ref.block_boiler_eur_per_kw * block_kw, per_dw * n)


def heat_pump_grid_eur_per_dwelling(point: float, grid_modelled: bool = False) -> float:
    """Electricity-grid reinforcement an all-electric heat pump triggers per dwelling (Vesta rules).

    ``grid_modelled``: stations and LV cables are the grid model's decisions, so only the
    connection's upgrade to 3x25 A is left here.
    """
    gr = figures().economics.grid
    ind = figures().induction
    extra_kw = gr.simultaneity * (gr.heat_pump_peak_kw_per_dwelling - gr.appliances_peak_kw_per_dwelling)
    msr = _mid(gr.msr_min_eur, gr.msr_max_eur, point) / gr.msr_kw * extra_kw
    base_kw = gr.simultaneity * gr.appliances_peak_kw_per_dwelling
    lv_m = min(gr.lv_m_per_dwelling, gr.lv_m_per_dwelling / base_kw * extra_kw)
    lv = _mid(gr.lv_min_eur_per_m, gr.lv_max_eur_per_m, point) * lv_m
    upgrade = _mid(ind.grid_upgrade_min_eur_per_dwelling, ind.grid_upgrade_max_eur_per_dwelling, point)
    # the induction measure already pays the 3x25 A upgrade for its share of dwellings
    own = (1.0 - ind.grid_upgrade_share) * upgrade
    return float(own if grid_modelled else msr + lv + own)


@dataclass(frozen=True)
class BlockContext:
    """What the option items need besides the blocks (aligned with ``blocks``; option axis mt, lt, hp)."""

    labels: tuple[str, str, str]  # label each option needs (mt, lt, hp)
    peak_kw: np.ndarray  # (B, 3) block design peak at the option's label
    source_kw: np.ndarray  # (B, 3) contribution to the source's large-group peak
    folded_cost_eur: np.ndarray  # (B, 2) single-block pipes (mt, lt)
    folded_loss_gj: np.ndarray  # (B, 2) their yearly heat loss
    source_heat_cost: np.ndarray  # (B, 2) EUR/GJ at the block's mt / lt source (0 if none)
    heat_gas_m3: np.ndarray  # (B,) gas for heat per year now (the reference)
    supply_c: tuple[float, float]  # network supply temperatures (mt, lt)
    point: float  # where costs sit between Vesta's min and max
    co2_kg_per_m3: float = 1.78  # CO2 per m3 of gas burnt (scenario prices.co2_kg_per_m3)
    source_peak_share: np.ndarray | None = None  # (B, 2) peak-boiler heat share at the block's source
    #: the grid's stations and feeders are planned as decisions (issue 15): a heat pump pays only
    #: its connection's upgrade, not Vesta's per-dwelling station and LV-cable share
    grid_modelled: bool = False


def _connection(items: OptionItems, blocks: pd.DataFrame, ctx: BlockContext) -> None:
    con = figures().connection
    p = ctx.point
    n = blocks["dwellings"].to_numpy(float)
    flats = blocks["dwelling_type"].str.startswith("meergezins").to_numpy()
    blockheat = blocks["heating"].to_numpy() == "block_heating"
    in_b = np.where(
        flats,
        np.where(blockheat, con.in_building_flat_block_heating_eur_per_dwelling,
                 con.in_building_flat_eur_per_dwelling),
        con.in_building_ground_level_eur_per_dwelling,
    )  # fmt: skip
    sub = _mid(con.substation_min_eur_per_kw, con.substation_max_eur_per_kw, p)
    wos = _mid(con.transfer_station_min_eur_per_kw, con.transfer_station_max_eur_per_kw, p)
    lt = figures().economics.lt
    coll = _mid(lt.collective_heat_pump_min_eur_per_kw, lt.collective_heat_pump_max_eur_per_kw, p)
    booster = _mid(con.lt_booster_min_eur_per_dwelling, con.lt_booster_max_eur_per_dwelling, p)
    inv = items.invest_eur
    for k in (0, 1):
        inv["delivery_set"][:, k] = con.delivery_set_eur_per_dwelling * n
        inv["in_building"][:, k] = in_b * n
        inv["project_management"][:, k] = con.project_management_eur_per_dwelling * n
        inv["substation"][:, k] = sub * ctx.peak_kw[:, k]
        inv["service_pipes"][:, k] = ctx.folded_cost_eur[:, k]
        inv["transfer_station"][:, k] = wos * ctx.source_kw[:, k]
    inv["lt_booster"][:, 1] = booster * n
    inv["collective_heat_pump"][:, 1] = coll * ctx.source_kw[:, 1]


def _heat_pump(items: OptionItems, blocks: pd.DataFrame, ctx: BlockContext) -> None:
    from heatplan.buildings import costs  # buildings -> economics; local to keep the import light

    labs = at_label(blocks, ctx.labels[2])
    dem = block_demand(blocks, labs, regime="lt")
    per_dw = (dem["space_peak_undiversified_kw"] + dem["hot_water_peak_undiversified_kw"]) / blocks[
        "dwellings"
    ]
    items.invest_eur["heat_pump"][:, 2] = costs.heat_pump_cost_eur(blocks, per_dw, ctx.point).to_numpy()
    n = blocks["dwellings"].to_numpy(float)
    grid_eur = heat_pump_grid_eur_per_dwelling(ctx.point, ctx.grid_modelled)
    items.invest_eur["grid_reinforcement"][:, 2] = grid_eur * n
    hp = figures().economics.heat_pump
    spf = to_envelope(labs).map(hp.spf_space_by_label).astype(float).to_numpy()
    gj_e = (
        dem["space_heat_gj_per_yr"].to_numpy() / spf
        + dem["hot_water_gj_per_yr"].to_numpy() / hp.spf_hot_water
    )
    items.add("electricity", "elec_hh_kwh", 2, gj_e * KWH_PER_GJ)
    items.heat_delivered_gj[:, 2] = dem["heat_demand_gj_per_yr"].to_numpy()


def _network_energy(items: OptionItems, blocks: pd.DataFrame, ctx: BlockContext) -> None:
    lt = figures().economics.lt
    regimes: tuple[Regime, Regime] = ("mt", "lt")
    for k, regime in enumerate(regimes):
        dem = block_demand(blocks, at_label(blocks, ctx.labels[k]), regime=regime)
        delivered = dem["heat_demand_gj_per_yr"].to_numpy()
        if regime == "lt":
            booster_gj = (
                lt.booster_share_of_hot_water * dem["hot_water_gj_per_yr"].to_numpy() / lt.booster_spf
            )
            items.add("electricity", "elec_hh_kwh", 1, booster_gj * KWH_PER_GJ)
            delivered = delivered - booster_gj
        items.heat_delivered_gj[:, k] = delivered
        share = None if ctx.source_peak_share is None else ctx.source_peak_share[:, k]
        chain = heat_chain_per_gj(
            regime, ctx.source_heat_cost[:, k], ctx.supply_c[k], ctx.co2_kg_per_m3, share
        )
        where = {"eur": "heat_source", "gas_large_m3": "peak_boiler_gas", "co2_t": "co2",
                 "elec_large_kwh": "electricity"}  # fmt: skip
        for carrier, per_gj in chain.items():
            items.add(where[carrier], carrier, k, per_gj * delivered)
            items.add("network_heat_loss", carrier, k, per_gj * ctx.folded_loss_gj[:, k])


def option_items(blocks: pd.DataFrame, ctx: BlockContext) -> OptionItems:
    """Investments and yearly energy of options mt, lt, hp and the reference, per block."""
    nb = len(blocks)
    items = OptionItems(
        invest_eur={k: np.zeros((nb, len(KEYS))) for k in INVEST_ITEMS},
        om_share={},
        heat_delivered_gj=np.zeros((nb, len(KEYS))),
    )
    from heatplan.buildings import costs

    removal = costs.gas_removal_cost_eur(blocks, ctx.point).to_numpy()
    for k in range(3):
        items.invest_eur["gas_removal"][:, k] = removal
    _connection(items, blocks, ctx)
    _heat_pump(items, blocks, ctx)
    _network_energy(items, blocks, ctx)
    items.invest_eur["gas_boiler"][:, 3] = reference_boiler_eur(blocks, ctx.point)
    items.add("gas", "gas_hh_m3", 3, ctx.heat_gas_m3)
    items.add("co2", "co2_t", 3, ctx.heat_gas_m3 * ctx.co2_kg_per_m3 / 1000.0)
    blockheat = blocks["heating"].to_numpy() == "block_heating"
    for it in INVEST_ITEMS:
        items.om_share[it] = np.broadcast_to(np.asarray(om_share(it, blockheat), float), (nb,)).copy()
    return items
