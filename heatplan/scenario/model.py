"""The Scenario: one frozen, validated set of planning parameters.

Every field has a unit in its name, a default and (in ``docs/method.md`` and the template
written by ``heatplan init``) its source. Unknown keys are errors (``extra="forbid"``).
"""

from __future__ import annotations

import math
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from heatplan.scenario.figures import EndUserFigures, figures

Option = Literal["mt", "lt", "hp"]
#: PBL Vesta dwelling types (the block table's ``dwelling_type``; heatplan.buildings.schema uses it).
DWELLING_TYPES = (
    "vrijstaand",
    "2 onder 1 kap",
    "rijwoning hoek",
    "rijwoning tussen",
    "meergezins: laag en midden",
    "meergezins: hoog",
)
Measure = Literal["insulation", "induction", "connection"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


def _known(values: tuple[str, ...], allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    """``values`` if each is one of ``allowed``; else a ValueError naming the unknown ones."""
    bad = [t for t in values if t not in allowed]
    if bad:
        raise ValueError(f"unknown {what}(s) {bad}; expected any of {list(allowed)}")
    return values


#: Years a price path may name.
PRICE_YEARS = (1900, 2200)
BUURT_CODE = re.compile(r"BU\d{8}")


class Years(_Frozen):
    """Planning years: first year, deadline, and the last year modelled (to find a late gas-free year)."""

    start: int = Field(2026, ge=2000, le=2100)
    deadline: int = Field(2040, ge=2000, le=2100)
    horizon_end: int = Field(2050, ge=2000, le=2150)

    @model_validator(mode="after")
    def _order(self) -> Years:
        if not self.start <= self.deadline <= self.horizon_end:
            raise ValueError(
                f"years must satisfy start <= deadline <= horizon_end, got start={self.start}, "
                f"deadline={self.deadline}, horizon_end={self.horizon_end}"
            )
        return self


#: A yearly capacity: a number, a path ``{year: value}`` (linear between the years given, held
#: before the first and after the last, like price paths), or None (unlimited).
CapacityPath = float | dict[int, float] | None


def _unlimited_or_path(v: object) -> object:
    """Read "unlimited" as None; a path's values must be positive numbers."""
    if isinstance(v, str) and v.strip().lower() == "unlimited":
        return None
    if isinstance(v, dict):
        if not v:
            raise ValueError("a capacity path needs at least one {year = dwellings} entry")
        for year, value in v.items():
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < math.inf:
                raise ValueError(f"capacity in {year} must be a finite number greater than 0, got {value!r}")
    elif v is not None and not isinstance(v, bool) and isinstance(v, int | float) and not 0 < v < math.inf:
        raise ValueError(f'a capacity must be a finite number greater than 0 or "unlimited", got {v!r}')
    return v


def _floor_path(v: object) -> object:
    """Read "none"/"off" as None (no floor); a number or path's values must be finite and >= 0."""
    if isinstance(v, str) and v.strip().lower() in ("none", "off"):
        return None
    if isinstance(v, dict):
        if not v:
            raise ValueError("a pace floor path needs at least one {year = dwellings} entry")
        for year, value in v.items():
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < math.inf:
                raise ValueError(
                    f"the floor in {year} must be a finite number of dwellings >= 0, got {value!r}"
                )
    elif v is not None and not isinstance(v, bool) and isinstance(v, int | float) and not 0 <= v < math.inf:
        raise ValueError(f'a pace floor must be a finite number of dwellings >= 0 or "none", got {v!r}')
    return v


def _off_or_value(v: object, words: tuple[str, ...], off_if_false: bool = False) -> object:
    """None for one of ``words`` (any case; and for False with ``off_if_false``), else ``v`` as given."""
    if isinstance(v, str) and v.strip().lower() in words:
        return None
    if off_if_false and v is False:
        return None
    return v


class Capacity(_Frozen):
    """Yearly capacities in dwellings per year: a number, a path per year, or None (unlimited).

    Defaults (sources in the template, ``heatplan init``): switching starts at the programme's
    500 a year in 2026 and ramps to 2,400 in 2030; induction 1,000 in 2026 to 3,000 in 2030
    (estimate, ours); insulation unlimited.
    """

    switch_dwellings_per_yr: CapacityPath = Field(default_factory=lambda: {2026: 500.0, 2030: 2400.0})
    insulate_dwellings_per_yr: CapacityPath = None
    induction_dwellings_per_yr: CapacityPath = Field(default_factory=lambda: {2026: 1000.0, 2030: 3000.0})

    @field_validator("*", mode="before")
    @classmethod
    def _unlimited(cls, v: object) -> object:
        return _unlimited_or_path(v)


class Budget(_Frozen):
    """Yearly budgets in EUR (undiscounted investment), total and per owner (None = none)."""

    total_eur_per_yr: float | None = Field(None, gt=0)
    per_owner_eur_per_yr: dict[str, float] = Field(default_factory=dict)

    @field_validator("per_owner_eur_per_yr")
    @classmethod
    def _owners(cls, v: dict[str, float]) -> dict[str, float]:
        for owner, eur in v.items():
            if not owner.strip():
                raise ValueError("an owner's name must not be empty")
            if not eur > 0:
                raise ValueError(f"the budget of {owner!r} is {eur}; expected EUR per year > 0")
        return v

    @field_validator("total_eur_per_yr", mode="before")
    @classmethod
    def _unlimited(cls, v: object) -> object:
        return None if isinstance(v, str) and v.strip().lower() == "unlimited" else v


def _national(key: str) -> dict[int, float]:
    return {int(y): float(v) for y, v in getattr(figures().national_prices, key).items()}


class Prices(_Frozen):
    """Prices and discounting. Paths: ``{year: value}``, held constant after the last year given.

    Energy prices are national prices (no energy tax, no VAT): households (gas, electricity) and
    the large-consumer band (peak boilers, network pumps, collective heat pumps).
    """

    base_year: int = 2026
    discount_rate: float = Field(0.0225, ge=0, le=0.5)
    gas_eur_per_m3: dict[int, float] = Field(default_factory=lambda: _national("gas_household_eur_per_m3"))
    gas_large_eur_per_m3: dict[int, float] = Field(default_factory=lambda: _national("gas_large_eur_per_m3"))
    electricity_eur_per_kwh: dict[int, float] = Field(
        default_factory=lambda: _national("electricity_household_eur_per_kwh")
    )
    electricity_large_eur_per_kwh: dict[int, float] = Field(
        default_factory=lambda: _national("electricity_large_eur_per_kwh")
    )
    co2_eur_per_t: dict[int, float] = Field(default_factory=lambda: _national("co2_eur_per_t"))
    co2_kg_per_m3: float = Field(default_factory=lambda: figures().gas.co2_kg_per_m3)
    cost_point: float = Field(default_factory=lambda: figures().insulation.cost_point, ge=0, le=1)

    @field_validator("gas_eur_per_m3", "co2_eur_per_t")
    @classmethod
    def _path(cls, v: dict[int, float]) -> dict[int, float]:
        if not v:
            raise ValueError("a price path needs at least one {year = price} entry")
        lo, hi = PRICE_YEARS
        for year, price in v.items():
            if not lo <= year <= hi:
                raise ValueError(f"year {year} is outside {lo}..{hi}")
            if price < 0:
                raise ValueError(f"the price in {year} is {price}; expected >= 0")
        return v


class LabelPolicy(_Frozen):
    """Supply temperature (deg C) that must arrive at a block for each envelope label."""

    required_supply_c: dict[str, float] = Field(
        default_factory=lambda: dict(figures().label_policy.required_supply_c)
    )
    design_drop_k: float = Field(default_factory=lambda: figures().label_policy.design_drop_k, ge=0)

    @model_validator(mode="after")
    def _labels(self) -> LabelPolicy:
        missing = {"A", "B", "C", "D", "E", "F", "G"} - set(self.required_supply_c)
        if missing:
            raise ValueError(f"required_supply_c needs every envelope label A..G; missing {sorted(missing)}")
        return self


class RegimeSpec(_Frozen):
    """Temperatures of one network regime (deg C at the source)."""

    supply_temp_c: float
    return_temp_c: float

    @model_validator(mode="after")
    def _order(self) -> RegimeSpec:
        if not self.supply_temp_c > self.return_temp_c:
            raise ValueError("supply_temp_c must exceed return_temp_c")
        return self


class Networks(_Frozen):
    """Network design limits and physical settings."""

    mt: RegimeSpec = RegimeSpec(supply_temp_c=70.0, return_temp_c=40.0)
    lt: RegimeSpec = RegimeSpec(supply_temp_c=55.0, return_temp_c=35.0)
    max_velocity_m_per_s: float = Field(2.0, gt=0)
    max_pressure_gradient_pa_per_m: float = Field(250.0, gt=0)
    min_differential_pressure_bar: float = Field(0.5, gt=0)
    pump_lift_bar: float = Field(6.0, gt=0)
    max_pump_lift_bar: float = Field(10.0, gt=0)
    t_soil_c: float = 10.0
    detour_factor: float = Field(1.25, ge=1.0)
    low_load_fraction: float = Field(0.1, gt=0, le=1)
    low_load_required_supply_c_mt: float = 60.0
    low_load_required_supply_c_lt: float = 40.0
    bypass_dt_k: float = Field(8.0, gt=0)


class Options(_Frozen):
    """Heat options allowed: everywhere, and per buurt (a wijkuitvoeringsplan's choice)."""

    allowed: tuple[Option, ...] = ("mt", "lt", "hp")
    per_buurt: dict[str, tuple[Option, ...]] = Field(default_factory=dict)
    new_build: Option = "lt"
    #: Dwelling types (PBL Vesta types) that may not take an individual heat pump: outdoor units,
    #: noise at the neighbours and space in high-rise flats (docs/method.md, "Heat-pump eligibility").
    hp_excluded_dwelling_types: tuple[str, ...] = ("meergezins: hoog",)

    @field_validator("hp_excluded_dwelling_types")
    @classmethod
    def _known_types(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return _known(v, DWELLING_TYPES, "dwelling type")

    @field_validator("per_buurt")
    @classmethod
    def _buurten(cls, v: dict[str, tuple[Option, ...]]) -> dict[str, tuple[Option, ...]]:
        for code, only in v.items():
            if not BUURT_CODE.fullmatch(code):
                raise ValueError(f"{code!r} is not a CBS buurt code; expected BU + 8 digits, like BU05183387")
            if not only:
                raise ValueError(f"{code}: no option listed; expected one or more of mt, lt, hp")
        return v


class Pin(_Frozen):
    """Fix a block's measure to a year, its option, or forbid years."""

    block_id: str
    measure: Measure = "connection"
    year: int | None = None
    option: Option | None = None
    forbid_years: tuple[int, ...] = ()
    name: str = ""

    @model_validator(mode="after")
    def _does_something(self) -> Pin:
        if self.year is None and self.option is None and not self.forbid_years:
            raise ValueError(f"the pin of block {self.block_id!r} sets none of year, option, forbid_years")
        return self


class Programme(_Frozen):
    """The housing programme's effect on measures, and the programme's own rules."""

    renovation_insulation_cost_factor: float = Field(0.6, ge=0, le=1)
    #: "blok voor blok" (Programmaplan Zuidwest, measure 63): a block that switches heat gets its
    #: induction at most this many years before the switch (None = any time before).
    induction_max_years_before_switch: int | None = Field(2, ge=0, le=100)
    #: Nationale Prestatieafspraken (2022): corporations' E, F and G labels gone by this year
    #: (None = rule off): corporation blocks labelled E-G are insulated by then.
    corporation_efg_gone_by: int | None = Field(2028, ge=2000, le=2150)
    #: The programme's pace floor: existing dwellings switched by the end of each year at least the
    #: floor summed from ``years.start`` (a number, a path like the capacities, or None = no floor).
    #: None here so small stocks are unaffected; the default scenario file holds 500 a year.
    min_switch_dwellings_per_yr: CapacityPath = None

    @field_validator("min_switch_dwellings_per_yr", mode="before")
    @classmethod
    def _floor(cls, v: object) -> object:
        return _floor_path(v)

    @field_validator("induction_max_years_before_switch", "corporation_efg_gone_by", mode="before")
    @classmethod
    def _off(cls, v: object) -> object:
        return _off_or_value(v, ("off", "unlimited", "none"), off_if_false=True)


class Verification(_Frozen):
    """The plan's verification loop and its low-load remedy."""

    max_rounds: int = Field(8, ge=1, le=100)
    max_total_s: float = Field(7200.0, gt=0)  # a safety cap, far above the normal time
    resolve_time_limit_s: float = Field(3600.0, gt=0)  # a safety cap per re-solve
    allow_bypass: bool = True
    bypass_cost_eur_per_block: float = Field(1500.0, ge=0)
    low_load_hours_per_yr: float = Field(3600.0, ge=0, le=8760)
    heat_loss_eur_per_gj: float = Field(12.0, ge=0)


class Economics(_Frozen):
    """National-cost evaluation: every option is costed from ``years.start`` to ``evaluation_end_year``."""

    evaluation_end_year: int = Field(
        default_factory=lambda: figures().economics.evaluation_end_year, ge=2000, le=2200
    )


class Solver(_Frozen):
    """Solver settings: "highs" hands the model straight to HiGHS; any other name is a Pyomo solver."""

    name: str = Field("highs", min_length=1)
    time_limit_s: float = Field(3600.0, gt=0)  # a safety cap per solve; work limits decide the result
    mip_gap: float = Field(0.01, ge=0, le=1)
    threads: int = Field(2, ge=1)


class GridSettings(_Frozen):
    """The electricity grid in the plan (issue 15; docs/grid.md): limits, reinforcements, growth.

    Defaults and sources are in the template (``heatplan init``).
    """

    #: lay the grid (synthetic, or ``--grid``), plan reinforcements and check every planned year
    model: bool = True
    max_loading_pct: float = Field(100.0, gt=0, le=200)
    vm_min_pu: float = Field(0.9, gt=0.5, lt=1.0)
    vm_max_pu: float = Field(1.1, gt=1.0, lt=1.5)
    #: stations and feeders the grid operator can reinforce a year (a number, a path, or None)
    reinforcements_per_yr: CapacityPath = 10.0
    #: years from the plan's start before a first reinforcement is in service
    lead_time_yr: int = Field(2, ge=0, le=50)
    #: no reinforcement in service before this year (None: only the lead time)
    no_reinforcement_before: int | None = Field(None, ge=2000, le=2150)
    #: the new 150 kV station (Programmaplan Zuidwest measure 65) feeds the MV grid from this year
    hv_station_year: int | None = Field(2030, ge=2000, le=2150)
    #: the synthetic grid's stations and LV cables are sized so that today's peak loads them this
    #: share of their rating at most (% ; [grid] today_max_loading); higher: less room left
    synthetic_loading_today_pct: float = Field(
        default_factory=lambda: figures().grid.today_max_loading * 100.0, gt=10, le=100
    )
    #: other growth at the winter-evening peak (electric cars), kW per standing dwelling, a path
    other_growth_kw_per_dwelling: dict[int, float] = Field(default_factory=lambda: {2026: 0.0, 2040: 0.3})

    @field_validator("reinforcements_per_yr", mode="before")
    @classmethod
    def _unlimited(cls, v: object) -> object:
        return _unlimited_or_path(v)

    @field_validator("no_reinforcement_before", "hv_station_year", mode="before")
    @classmethod
    def _off(cls, v: object) -> object:
        return _off_or_value(v, ("off", "none"))

    def first_reinforcement_year(self, start: int) -> int:
        """The first year a reinforcement may be in service."""
        return max(start + self.lead_time_yr, self.no_reinforcement_before or 0)


#: the owner types of a block (``owner_type``); ``mixed`` is an owners' association (VvE)
OWNER_TYPES = ("corporation", "private_rent", "owner_occupied", "mixed")
#: floor-area classes of the corporations' rent rule (below, between and above rent_floor_area_classes_m2)
FLOOR_CLASSES = ("small", "medium", "large")


def _eu() -> EndUserFigures:
    return figures().end_user


class EndUser(_Frozen):
    """What households pay on top of the national price (issue 16; docs/actor-costs.md).

    Taxes are transfers, not national costs: the energy tax and ODE per unit (paths like the
    prices), VAT as a share, the fixed network charges and the tax credit per connection; the
    ACM's maximum heat tariffs and the "niet meer dan anders" heat price per GJ. EUR excl. VAT.
    """

    energy_tax_gas_eur_per_m3: dict[int, float] = Field(
        default_factory=lambda: {int(y): v for y, v in _eu().energy_tax_gas_eur_per_m3.items()}
    )
    energy_tax_electricity_eur_per_kwh: dict[int, float] = Field(
        default_factory=lambda: {int(y): v for y, v in _eu().energy_tax_electricity_eur_per_kwh.items()}
    )
    vat_share: float = Field(default_factory=lambda: _eu().vat_share, ge=0, le=1)
    gas_connection_eur_per_yr: float = Field(default_factory=lambda: _eu().gas_connection_eur_per_yr, ge=0)
    electricity_connection_eur_per_yr: float = Field(
        default_factory=lambda: _eu().electricity_connection_eur_per_yr, ge=0
    )
    tax_credit_eur_per_yr: float = Field(default_factory=lambda: _eu().tax_credit_eur_per_yr, ge=0)
    heat_connection_contribution_eur: float = Field(
        default_factory=lambda: _eu().heat_connection_contribution_eur, ge=0
    )
    heat_fixed_mt_eur_per_yr: float = Field(default_factory=lambda: _eu().heat_fixed_mt_eur_per_yr, ge=0)
    heat_fixed_lt_eur_per_yr: float = Field(default_factory=lambda: _eu().heat_fixed_lt_eur_per_yr, ge=0)
    heat_meter_eur_per_yr: float = Field(default_factory=lambda: _eu().heat_meter_eur_per_yr, ge=0)
    heat_price_gas_gj_per_gj: float = Field(default_factory=lambda: _eu().heat_price_gas_gj_per_gj, gt=0)
    #: the fixed charge as a share of the ACM maximum: a number, or a path {year = share}
    heat_fixed_share_of_max: float | dict[int, float] = Field(
        default_factory=lambda: _eu().heat_fixed_share_of_max
    )
    #: owners' own discount rates per owner type (financing of their measures)
    owner_rate: dict[str, float] = Field(default_factory=lambda: dict(_eu().owner_rate))
    #: the heat company's rate for financing its investments
    heat_company_rate: float = Field(default_factory=lambda: _eu().heat_company_rate, ge=0, lt=1)
    vat_share_insulation: float = Field(default_factory=lambda: _eu().vat_share_insulation, ge=0, le=1)
    #: corporations' rent increase per label class gained, EUR/month, by floor-area class
    rent_corporation_eur_per_month_per_label_step: dict[str, float] = Field(
        default_factory=lambda: dict(_eu().rent_corporation_eur_per_month_per_label_step)
    )
    rent_floor_area_classes_m2: tuple[float, float] = Field(
        default_factory=lambda: (_eu().rent_floor_area_classes_m2[0], _eu().rent_floor_area_classes_m2[1])
    )
    rent_private_eur_per_yr_per_point: float = Field(
        default_factory=lambda: _eu().rent_private_eur_per_yr_per_point, ge=0
    )
    rent_private_points_per_label_step: float = Field(
        default_factory=lambda: _eu().rent_private_points_per_label_step, ge=0
    )
    heat_rent_reduction_single_family_eur_per_yr: float = Field(
        default_factory=lambda: _eu().heat_rent_reduction_single_family_eur_per_yr, ge=0
    )
    heat_rent_reduction_multi_family_eur_per_yr: float = Field(
        default_factory=lambda: _eu().heat_rent_reduction_multi_family_eur_per_yr, ge=0
    )
    isde_heat_pump_eur: float = Field(default_factory=lambda: _eu().isde_heat_pump_eur, ge=0)
    isde_heat_pump_eur_per_kw: float = Field(default_factory=lambda: _eu().isde_heat_pump_eur_per_kw, ge=0)
    isde_insulation_share: float = Field(default_factory=lambda: _eu().isde_insulation_share, ge=0, le=1)
    isde_owner_types: tuple[str, ...] = Field(default_factory=lambda: tuple(_eu().isde_owner_types))
    heat_network_subsidy_eur_per_connection: float = Field(
        default_factory=lambda: _eu().heat_network_subsidy_eur_per_connection, ge=0
    )
    #: hold corporation tenants' housing costs level (the optimiser's constraint; docs/actor-costs.md)
    housing_level_for_corporation_tenants: bool = Field(
        default_factory=lambda: _eu().housing_level_for_corporation_tenants
    )
    housing_level_tolerance_eur_per_month: float = Field(
        default_factory=lambda: _eu().housing_level_tolerance_eur_per_month, ge=0
    )

    @field_validator("energy_tax_gas_eur_per_m3", "energy_tax_electricity_eur_per_kwh")
    @classmethod
    def _path(cls, v: dict[int, float]) -> dict[int, float]:
        return Prices._path(v)

    @field_validator("heat_fixed_share_of_max")
    @classmethod
    def _share(cls, v: float | dict[int, float]) -> float | dict[int, float]:
        path = Prices._path(v) if isinstance(v, dict) else {2000: v}
        if any(not 0.0 <= x <= 1.0 for x in path.values()):
            raise ValueError("a share of the ACM maximum between 0 and 1 (a number or {year = share})")
        return v

    @field_validator("owner_rate")
    @classmethod
    def _rates(cls, v: dict[str, float]) -> dict[str, float]:
        missing = [t for t in OWNER_TYPES if t not in v]
        unknown = [t for t in v if t not in OWNER_TYPES]
        if missing or unknown:
            raise ValueError(
                f"needs one rate per owner type ({', '.join(OWNER_TYPES)}); "
                + (f"missing {', '.join(missing)}" if missing else f"unknown {', '.join(unknown)}")
            )
        if any(not 0.0 <= r < 1.0 for r in v.values()):
            raise ValueError("a rate is a share between 0 and 1 (e.g. 0.0275)")
        return v

    @field_validator("isde_owner_types")
    @classmethod
    def _owner_types(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return _known(v, OWNER_TYPES, "owner type")

    @field_validator("rent_corporation_eur_per_month_per_label_step")
    @classmethod
    def _floor_classes(cls, v: dict[str, float]) -> dict[str, float]:
        if sorted(v) != sorted(FLOOR_CLASSES) or any(x < 0 for x in v.values()):
            raise ValueError(f"needs {', '.join(FLOOR_CLASSES)} (EUR a month, >= 0)")
        return v

    @field_validator("rent_floor_area_classes_m2")
    @classmethod
    def _floor_bounds(cls, v: tuple[float, float]) -> tuple[float, float]:
        if not 0 < v[0] < v[1]:
            raise ValueError("two floor areas in m2, the first smaller (e.g. [70, 90])")
        return v


class Scenario(_Frozen):
    """All planning parameters of one scenario."""

    name: str = "base"
    years: Years = Years()
    capacity: Capacity = Capacity()
    budget: Budget = Budget()
    prices: Prices = Prices()
    label_policy: LabelPolicy = LabelPolicy()
    networks: Networks = Networks()
    options: Options = Options()
    pins: tuple[Pin, ...] = ()
    programme: Programme = Programme()
    economics: Economics = Economics()
    solver: Solver = Solver()
    verification: Verification = Verification()
    grid: GridSettings = GridSettings()
    end_user: EndUser = EndUser()

    @model_validator(mode="after")
    def _pin_years(self) -> Scenario:
        lo, hi = self.years.start, self.years.horizon_end
        for k, pin in enumerate(self.pins):
            for key, ys in (("year", [pin.year] if pin.year is not None else []),
                            ("forbid_years", list(pin.forbid_years))):  # fmt: skip
                bad = [y for y in ys if not lo <= y <= hi]
                if bad:
                    raise ValueError(
                        f"pins[{k + 1}].{key} = {bad[0]}: outside the modelled years {lo}-{hi} "
                        "(years.start to years.horizon_end)"
                    )
        return self

    @model_validator(mode="after")
    def _window(self) -> Scenario:
        if self.economics.evaluation_end_year < self.years.horizon_end:
            raise ValueError(
                f"economics.evaluation_end_year ({self.economics.evaluation_end_year}) must be at least "
                f"years.horizon_end ({self.years.horizon_end}): every modelled year lies in the window"
            )
        return self

    def year_list(self) -> list[int]:
        """Planning years from start to the horizon end, inclusive."""
        return list(range(self.years.start, self.years.horizon_end + 1))

    def with_solver(self, **settings: float | int | str | None) -> Scenario:
        """A copy with some solver settings changed, e.g. ``with_solver(time_limit_s=60, mip_gap=None)``.

        A setting given as None keeps the scenario's own value; with nothing to change the
        scenario itself is returned.
        """
        update = {k: v for k, v in settings.items() if v is not None}
        if not update:
            return self
        return self.model_copy(update={"solver": self.solver.model_copy(update=update)})
