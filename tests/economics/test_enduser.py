"""A household's energy bill before and after its switch, by hand (issue 16, step 1)."""

from __future__ import annotations

import numpy as np
import pytest

from heatplan.economics.enduser import BILL_ITEMS, end_user_prices, yearly_bill_eur
from heatplan.scenario import Scenario


def test_a_corporation_flat_on_mt_against_its_old_gas_bill_by_hand() -> None:
    """1,000 m3 of gas and 2,500 kWh a year in 2026; on MT 25 GJ of heat and 200 kWh for the hob."""
    p = end_user_prices(Scenario(), np.array([2026]))
    before = yearly_bill_eur(p, gas_m3=1000.0, electricity_kwh=2500.0)
    after = yearly_bill_eur(p, gas_m3=0.0, electricity_kwh=2700.0, heat_gj=25.0, regime="mt")
    # 2026, EUR excl. VAT: gas 0.323 national + 0.401 tax, electricity 0.087 + 0.123 (Vesta's
    # 0.724 and 0.210), gas and electricity connections 253.27 and 415.51, tax credit 420.14;
    # heat 1.25 GJ of gas per GJ at 0.724 EUR/m3 and 0.03165 GJ/m3; MT 455.71 + meter 25.86; VAT 21 %
    gas_before = 1000 * (0.323 + 0.401) + 253.27
    elec_before = 2500 * (0.087 + 0.123) + 415.51 - 420.14
    assert sum(v[0] for v in before.values()) == pytest.approx(1.21 * (gas_before + elec_before), rel=1e-12)
    heat_per_gj = 1.25 * 0.724 / 0.03165
    heat_after = 25 * heat_per_gj + 455.71 + 25.86
    elec_after = 2700 * (0.087 + 0.123) + 415.51 - 420.14
    assert sum(v[0] for v in after.values()) == pytest.approx(1.21 * (heat_after + elec_after), rel=1e-12)
    monthly_change = (1.21 * (heat_after + elec_after) - 1.21 * (gas_before + elec_before)) / 12
    # the heat's fixed charge outweighs the gas connection: 26 EUR a month more
    assert monthly_change == pytest.approx(26.34, abs=0.01)
    assert set(before) == set(BILL_ITEMS) and after["gas_connection"][0] == 0.0 and after["gas"][0] == 0.0


def test_taxes_and_the_national_cost_add_up_to_the_bill() -> None:
    """The bill is the national cost of the energy plus taxes plus the charges: nothing lost."""
    years = np.arange(2026, 2041)
    p = end_user_prices(Scenario(), years)
    bill = yearly_bill_eur(p, gas_m3=np.linspace(1200, 0, len(years)), electricity_kwh=3000.0)
    national = bill["gas"] + bill["electricity"]
    taxes = bill["gas_tax"] + bill["electricity_tax"] + bill["tax_credit"] + bill["vat"]
    charges = bill["gas_connection"] + bill["electricity_connection"]
    assert np.allclose(sum(bill.values()), national + taxes + charges, rtol=0, atol=1e-9)
    # the national part is the scenario's own price path: the optimisation's gas cost
    assert bill["gas"][0] == pytest.approx(1200 * 0.323) and bill["gas"][-1] == 0.0
    assert bill["gas_connection"][-1] == 0.0  # off gas: no gas connection


def test_no_vat_and_no_tax_leave_the_national_cost() -> None:
    s = Scenario.model_validate(
        {"end_user": {"vat_share": 0.0, "energy_tax_gas_eur_per_m3": {2026: 0.0},
                      "energy_tax_electricity_eur_per_kwh": {2026: 0.0}, "tax_credit_eur_per_yr": 0.0}}
    )  # fmt: skip
    p = end_user_prices(s, np.array([2030]))
    bill = yearly_bill_eur(p, gas_m3=1000.0, electricity_kwh=0.0)
    assert bill["gas"][0] + bill["gas_tax"][0] + bill["vat"][0] == pytest.approx(1000 * 0.53)


def test_the_fixed_heat_charge_follows_the_share_path() -> None:
    """A heat company charging the ACM maximum until 2026 and half of it from 2030 (linear between)."""
    sc = Scenario.model_validate({"end_user": {"heat_fixed_share_of_max": {2026: 1.0, 2030: 0.5}}})
    years = np.array([2026, 2028, 2030, 2035])
    pr = end_user_prices(sc, years)
    np.testing.assert_allclose(pr.heat_fixed_eur_per_yr["mt"], 455.71 * np.array([1.0, 0.75, 0.5, 0.5]))
    np.testing.assert_allclose(pr.heat_fixed_eur_per_yr["lt"], 253.54 * np.array([1.0, 0.75, 0.5, 0.5]))
    bill = yearly_bill_eur(pr, 0.0, 2500.0, 20.0, "mt")
    np.testing.assert_allclose(bill["heat_fixed"], 455.71 * np.array([1.0, 0.75, 0.5, 0.5]))
    with pytest.raises(ValueError, match="share of the ACM maximum"):
        Scenario.model_validate({"end_user": {"heat_fixed_share_of_max": {2026: 1.5}}})
