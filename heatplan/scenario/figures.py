"""Every modelling figure in one place: its unit (in the name), its default and its source.

The values and their sources live in ``heatplan/data/defaults.toml`` (one group per table, each
with a ``source``; some figures carry their own ``<name>_source``). This module types them: a
frozen pydantic model per group, so a figure is read as ``figures().peak.simultaneity_hot_water``
(checked by mypy) rather than by string keys. A missing, misspelt or extra key in the file is an
error when the figures are first read. Figures a user may change per scenario are Scenario fields
whose defaults come from here (e.g. ``Prices.co2_kg_per_m3``, ``LabelPolicy``).
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict

#: The package's data folder (defaults, key-figure tables, the embedded stock, templates).
DATA = resources.files("heatplan") / "data"


class _Group(BaseModel):
    """One group of figures with the source they come from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str


class DemandFigures(_Group):
    """Heat demand (PBL Vesta MAIS key figures)."""

    practice_factor: float
    practice_factor_source: str


class PeakFigures(_Group):
    """Peak loads and simultaneity (Vesta MAIS 20250120_Vermogens.csv)."""

    space_kw_per_gj_per_yr: float
    hot_water_kw_per_dwelling_low_rise: float
    hot_water_kw_per_dwelling_high_rise: float
    simultaneity_space_mt: float
    simultaneity_space_lt: float
    simultaneity_hot_water: float
    simultaneity_full_at_dwellings: float


class GasFigures(_Group):
    """Gas boilers and gas (efficiency, heating value, CO2)."""

    boiler_efficiency: float
    lower_heating_value_gj_per_m3: float
    co2_kg_per_m3: float


class InsulationFigures(_Group):
    """Insulation cost point and low-temperature emitters."""

    cost_point: float
    lt_emitters_min_eur_per_dwelling_high_rise: float
    lt_emitters_max_eur_per_dwelling_high_rise: float
    lt_emitters_min_eur_per_dwelling_low_rise: float
    lt_emitters_max_eur_per_dwelling_low_rise: float


class InductionFigures(_Group):
    """Gas-free cooking: cost, electricity connection upgrade, use and peak."""

    cost_eur_per_dwelling: float
    grid_upgrade_min_eur_per_dwelling: float
    grid_upgrade_max_eur_per_dwelling: float
    grid_upgrade_share: float
    electricity_kwh_per_yr: float
    peak_kw_per_dwelling: float
    peak_kw_source: str


class ConnectionFigures(_Group):
    """Connecting a block to a heat network."""

    delivery_set_eur_per_dwelling: float
    in_building_flat_eur_per_dwelling: float
    in_building_flat_block_heating_eur_per_dwelling: float
    in_building_ground_level_eur_per_dwelling: float
    substation_min_eur_per_kw: float
    substation_max_eur_per_kw: float
    transfer_station_min_eur_per_kw: float
    transfer_station_max_eur_per_kw: float
    project_management_eur_per_dwelling: float
    project_management_source: str
    lt_booster_min_eur_per_dwelling: float
    lt_booster_max_eur_per_dwelling: float
    lt_booster_source: str


class HeatPumpFigures(_Group):
    """Individual air-water heat pumps."""

    fixed_min_eur_per_dwelling: float
    fixed_max_eur_per_dwelling: float
    variable_min_eur_per_kw: float
    variable_max_eur_per_kw: float
    seasonal_cop: float
    seasonal_cop_source: str
    meter_cupboard_ground_level_eur_per_dwelling: float
    meter_cupboard_flat_eur_per_dwelling: float


class GasGridFigures(_Group):
    """Removing gas connections and mains."""

    remove_connection_high_rise_min_eur: float
    remove_connection_high_rise_max_eur: float
    remove_connection_low_rise_min_eur: float
    remove_connection_low_rise_max_eur: float
    remove_main_min_eur_per_m: float
    remove_main_max_eur_per_m: float


class DistributionPipeFigures(_Group):
    """Distribution pipe cost per metre of route (Vesta trench-cost formula)."""

    min_base_eur_per_m: float
    min_sqrt_eur_per_m: float
    max_base_eur_per_m: float
    max_pow_eur_per_m: float
    max_exponent: float
    price_index: float
    detour_factor: float


class LossesFigures(_Group):
    """Vesta/CE Delft's heat loss per connection (GJ a year), the comparison for the pipes built."""

    mt_gj_per_connection_per_yr: float
    lt_gj_per_connection_per_yr: float


class LabelPolicyFigures(_Group):
    """Supply temperature (deg C) each envelope label needs at its substation, and the design drop."""

    design_drop_k: float
    required_supply_c: dict[str, float]


class NetworkFigures(_Group):
    """Heat-network design: pipes and burial (EN 253, EN 13941-1), pumps, design margins."""

    insulation_lambda_w_per_mk: float
    soil_lambda_w_per_mk: float
    cover_m: float
    roughness_mm: float
    service_length_m: float
    service_length_source: str
    pump_efficiency: float
    pump_efficiency_source: str
    pressure_budget_share: float
    pressure_budget_share_source: str
    design_loss_share: float
    design_loss_share_source: str
    min_consumer_dt_k: float
    min_consumer_dt_k_source: str
    return_pressure_bar: float
    return_pressure_bar_source: str


class NationalPricesFigures(_Group):
    """National energy prices (no energy tax, no VAT) per year, and the CO2 value (docs/economics.md)."""

    # price paths {year: value}; the year keys stay strings as in the file (Prices turns them into ints)
    gas_household_eur_per_m3: dict[str, float]
    gas_large_eur_per_m3: dict[str, float]
    electricity_household_eur_per_kwh: dict[str, float]
    electricity_large_eur_per_kwh: dict[str, float]
    co2_eur_per_t: dict[str, float]


class LifetimeFigures(_Group):
    """Technical lifetime per investment item, years (annuity periods)."""

    gas_boiler: float
    heat_pump: float
    delivery_set: float
    lt_booster: float
    collective_heat_pump: float
    project_management: float
    induction: float
    insulation: float
    lt_emitters: float
    in_building: float
    substation: float
    transfer_station: float
    distribution_pipes: float
    grid_reinforcement: float
    gas_removal: float


class OmShareFigures(_Group):
    """Yearly O&M as a share of the investment, per item."""

    gas_boiler: float
    block_boiler: float
    heat_pump: float
    delivery_set: float
    in_building: float
    lt_booster: float
    substation: float
    transfer_station: float
    collective_heat_pump: float
    distribution_pipes: float


class ReferenceFigures(_Group):
    """The reference a block avoids: a new gas boiler (or block-heating boiler)."""

    gas_boiler_min_eur_per_dwelling: float
    gas_boiler_max_eur_per_dwelling: float
    block_boiler_eur_per_kw: float


class EconHeatPumpFigures(_Group):
    """Seasonal performance of individual air-water heat pumps by envelope label."""

    spf_space_by_label: dict[str, float]
    spf_hot_water: float


class LtFigures(_Group):
    """LT networks: collective heat pump and hot-water booster."""

    collective_spf_at_50c: float
    collective_spf_at_70c: float
    booster_spf: float
    booster_share_of_hot_water: float
    collective_heat_pump_min_eur_per_kw: float
    collective_heat_pump_max_eur_per_kw: float


class NetworkHeatFigures(_Group):
    """Putting heat into a network: peak boilers, pumps, default source heat cost."""

    mt_peak_boiler_heat_share: float
    peak_boiler_efficiency: float
    pump_gje_per_gj: float
    default_heat_cost_mt_eur_per_gj: float
    default_heat_cost_lt_eur_per_gj: float


class GridFigures(_Group):
    """Electricity-grid reinforcement a heat pump triggers (Vesta Netbeheer rules)."""

    msr_min_eur: float
    msr_max_eur: float
    msr_kw: float
    lv_min_eur_per_m: float
    lv_max_eur_per_m: float
    appliances_peak_kw_per_dwelling: float
    heat_pump_peak_kw_per_dwelling: float
    simultaneity: float
    lv_m_per_dwelling: float


class EconomicsFigures(_Group):
    """National costs the PBL way (heatplan.economics, docs/economics.md)."""

    evaluation_end_year: int
    evaluation_end_year_source: str
    lifetime_yr: LifetimeFigures
    om_share_per_yr: OmShareFigures
    reference: ReferenceFigures
    heat_pump: EconHeatPumpFigures
    lt: LtFigures
    network_heat: NetworkHeatFigures
    grid: GridFigures


class NetworkLossesFigures(_Group):
    """Yearly heat loss of the pipes: states of the year (hours, soil temperature, return rise)."""

    state_hours: dict[str, float]
    state_soil_c: dict[str, float]
    mid_return_rise_k: float


class GridDesignFigures(_Group):
    """The synthetic MV/LV grid: station series, sizing headroom, voltages and cable types."""

    station_series_kva: list[float]
    today_max_loading: float
    mv_kv: float
    mv_cable_std_type: str
    lv_cable_std_type: str
    mv_max_drop: float
    lv_max_drop: float
    power_factor: float


class EndUserFigures(_Group):
    """What households pay on top of the national price, and the ACM's heat tariffs (issue 16)."""

    # price paths {year: value}; the year keys stay strings as in the file (EndUser makes them ints)
    energy_tax_gas_eur_per_m3: dict[str, float]
    energy_tax_electricity_eur_per_kwh: dict[str, float]
    vat_share: float
    vat_share_source: str
    gas_connection_eur_per_yr: float
    electricity_connection_eur_per_yr: float
    tax_credit_eur_per_yr: float
    heat_connection_contribution_eur: float
    heat_fixed_mt_eur_per_yr: float
    heat_fixed_lt_eur_per_yr: float
    heat_meter_eur_per_yr: float
    heat_price_gas_gj_per_gj: float
    heat_fixed_share_of_max: float
    owner_rate: dict[str, float]
    heat_company_rate: float
    vat_share_insulation: float
    rent_corporation_eur_per_month_per_label_step: dict[str, float]
    rent_floor_area_classes_m2: list[float]
    rent_private_eur_per_yr_per_point: float
    rent_private_points_per_label_step: float
    heat_rent_reduction_single_family_eur_per_yr: float
    heat_rent_reduction_multi_family_eur_per_yr: float
    isde_heat_pump_eur: float
    isde_heat_pump_eur_per_kw: float
    isde_insulation_share: float
    isde_owner_types: list[str]
    isde_source: str
    heat_network_subsidy_eur_per_connection: float
    housing_level_for_corporation_tenants: bool
    housing_level_tolerance_eur_per_month: float


class Figures(BaseModel):
    """All default figures, one group per table of ``defaults.toml``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    demand: DemandFigures
    peak: PeakFigures
    gas: GasFigures
    insulation: InsulationFigures
    induction: InductionFigures
    connection: ConnectionFigures
    heat_pump: HeatPumpFigures
    gas_grid: GasGridFigures
    distribution_pipe: DistributionPipeFigures
    losses: LossesFigures
    label_policy: LabelPolicyFigures
    network: NetworkFigures
    national_prices: NationalPricesFigures
    economics: EconomicsFigures
    network_losses: NetworkLossesFigures
    grid: GridDesignFigures
    end_user: EndUserFigures


@cache
def figures() -> Figures:
    """The default figures from ``heatplan/data/defaults.toml``, typed and validated."""
    with (DATA / "defaults.toml").open("rb") as fh:
        return Figures.model_validate(tomllib.load(fh))
