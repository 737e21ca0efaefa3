"""What a dwelling pays a year for gas, electricity and heat (issue 16, step 1; docs/actor-costs.md).

The end-user price excl. VAT is the national price (the scenario's ``[prices]``) plus the energy
tax and ODE (``[end_user]``); VAT is charged on the whole bill, the tax credit included (it is
deducted before VAT). On gas a dwelling pays its gas, its gas connection and its electricity; on a
heat network the ACM's fixed charge and meter rent and the heat price per GJ under "niet meer
dan anders" (``heat_price_gas_gj_per_gj`` GJ of gas per GJ of heat at the household gas price
excl. VAT); with a heat pump only electricity. Every item is kept apart, so that taxes and
tariffs can be told from the national cost (the item ``gas`` and ``electricity`` are the national
cost of the energy; ``*_tax`` and ``vat`` go to the government; the connection charges to the
grid operators; ``heat*`` to the heat company).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from heatplan.economics.prices import price_path
from heatplan.scenario import Scenario
from heatplan.scenario.figures import figures

#: Bill items, in the order they are reported.
BILL_ITEMS = (
    "gas", "gas_tax", "gas_connection", "electricity", "electricity_tax", "electricity_connection",
    "tax_credit", "heat", "heat_fixed", "heat_meter", "vat",
)  # fmt: skip


@dataclass(frozen=True)
class EndUserPrices:
    """Per year: the national prices, the taxes on them and the heat price (EUR excl. VAT)."""

    years: np.ndarray
    gas_eur_per_m3: np.ndarray  # national
    gas_tax_eur_per_m3: np.ndarray  # energy tax + ODE
    electricity_eur_per_kwh: np.ndarray  # national
    electricity_tax_eur_per_kwh: np.ndarray
    heat_eur_per_gj: np.ndarray  # "niet meer dan anders"
    vat_share: float
    gas_connection_eur_per_yr: float
    electricity_connection_eur_per_yr: float
    tax_credit_eur_per_yr: float
    heat_fixed_eur_per_yr: dict[str, np.ndarray]  # per regime, per year: the ACM maximum x the share charged
    heat_meter_eur_per_yr: float


def end_user_prices(scenario: Scenario, years: np.ndarray) -> EndUserPrices:
    """The scenario's end-user prices for ``years``."""
    p, e = scenario.prices, scenario.end_user
    yrs = np.asarray(years)
    gas = price_path(p.gas_eur_per_m3, yrs)
    gas_tax = price_path(e.energy_tax_gas_eur_per_m3, yrs)
    gj_per_m3 = figures().gas.lower_heating_value_gj_per_m3
    s = e.heat_fixed_share_of_max
    share = price_path(s, yrs) if isinstance(s, dict) else np.full(len(yrs), float(s))
    return EndUserPrices(
        years=yrs,
        gas_eur_per_m3=gas,
        gas_tax_eur_per_m3=gas_tax,
        electricity_eur_per_kwh=price_path(p.electricity_eur_per_kwh, yrs),
        electricity_tax_eur_per_kwh=price_path(e.energy_tax_electricity_eur_per_kwh, yrs),
        heat_eur_per_gj=e.heat_price_gas_gj_per_gj * (gas + gas_tax) / gj_per_m3,
        vat_share=e.vat_share,
        gas_connection_eur_per_yr=e.gas_connection_eur_per_yr,
        electricity_connection_eur_per_yr=e.electricity_connection_eur_per_yr,
        tax_credit_eur_per_yr=e.tax_credit_eur_per_yr,
        heat_fixed_eur_per_yr={
            "mt": e.heat_fixed_mt_eur_per_yr * share,
            "lt": e.heat_fixed_lt_eur_per_yr * share,
        },
        heat_meter_eur_per_yr=e.heat_meter_eur_per_yr,
    )


def yearly_bill_eur(
    prices: EndUserPrices,
    gas_m3: np.ndarray | float,
    electricity_kwh: np.ndarray | float,
    heat_gj: np.ndarray | float = 0.0,
    regime: str | None = None,
) -> dict[str, np.ndarray]:
    """One dwelling's energy bill per year and item, EUR (VAT its own item).

    ``gas_m3``, ``electricity_kwh`` and ``heat_gj``: its yearly use (a number, or one per year);
    it pays the gas connection where it uses gas, and the heat network's fixed charge and meter
    where ``regime`` ("mt" or "lt") names one.
    """
    n = len(prices.years)
    gas = np.broadcast_to(np.asarray(gas_m3, float), (n,))
    kwh = np.broadcast_to(np.asarray(electricity_kwh, float), (n,))
    gj = np.broadcast_to(np.asarray(heat_gj, float), (n,))
    fixed = prices.heat_fixed_eur_per_yr[regime] if regime else np.zeros(n)
    meter = prices.heat_meter_eur_per_yr if regime else 0.0
    out = {
        "gas": gas * prices.gas_eur_per_m3,
        "gas_tax": gas * prices.gas_tax_eur_per_m3,
        "gas_connection": np.where(gas > 0, prices.gas_connection_eur_per_yr, 0.0),
        "electricity": kwh * prices.electricity_eur_per_kwh,
        "electricity_tax": kwh * prices.electricity_tax_eur_per_kwh,
        "electricity_connection": np.full(n, prices.electricity_connection_eur_per_yr),
        "tax_credit": np.full(n, -prices.tax_credit_eur_per_yr),
        "heat": gj * prices.heat_eur_per_gj,
        "heat_fixed": np.asarray(fixed, float),
        "heat_meter": np.full(n, meter),
    }
    out["vat"] = prices.vat_share * sum(out.values())
    return out
