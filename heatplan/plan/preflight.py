"""Checks of the stock and the scenario together, run before a plan (or a sweep's cluster) starts.

A scenario names things in the stock: pins name blocks, ``options.per_buurt`` names buurten and
``budget.per_owner_eur_per_yr`` names owners. A name that matches nothing would be ignored
silently, so it is an :class:`~heatplan.errors.InputError` naming the key, the value and the
closest valid name. What is allowed but works against the deadline (a pin after it) is a warning:
the commands print it and the plan's ``summary.json`` lists it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import numpy as np
import pandas as pd

from heatplan.buildings.stock import today_mask
from heatplan.errors import InputError
from heatplan.optimisation.inputs import capacity_path
from heatplan.scenario import Pin, Scenario

#: Heating that burns gas: such a block needs a connection (or a heat pump).
GAS_HEATING = ("gas_boiler", "block_heating")


def closest(name: str, valid: Iterable[str]) -> str:
    """``; did you mean 'X'?`` for the closest valid name, or an empty string."""
    match = difflib.get_close_matches(name, sorted(set(valid)), n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""


def _shown(values: Iterable[str], n: int = 8) -> str:
    vals = sorted(set(values))
    return ", ".join(vals[:n]) + (f" and {len(vals) - n} more" if len(vals) > n else "")


def check_stock(stock: pd.DataFrame, scenario: Scenario, where: str = "the stock") -> None:
    """Raise unless some block needs a measure: one on gas that stands past the deadline, or a new build."""
    if stock.empty:
        raise InputError(f"{where}: holds no blocks, so there is nothing to plan")
    start = scenario.years.start
    gone = stock["demolition_year"].notna() & (stock["demolition_year"] <= start)
    today = today_mask(stock)
    if not (~today | (today & ~gone)).fillna(False).any():
        raise InputError(
            f"{where}: every block is demolished by {start} (the first planning year), so there is "
            "nothing to plan"
        )
    dl = scenario.years.deadline
    uses_gas = stock["heating"].isin(GAS_HEATING) | (stock["cooking"] == "gas")
    stays = stock["demolition_year"].isna() | (stock["demolition_year"] > dl)
    if not ((today & uses_gas & stays) | ~today).fillna(False).any():
        raise InputError(
            f"{where}: no block needs a measure (every block is off gas already or demolished by the "
            f"deadline {dl}, and none is a future new build), so there is nothing to plan"
        )


def check_names(stock: pd.DataFrame, scenario: Scenario, source: str = "scenario") -> None:
    """Raise on the first pin, buurt code or owner in the scenario that is not in the stock."""
    ids = set(stock["block_id"].astype(str))
    for k, pin in enumerate(scenario.pins, start=1):
        if pin.block_id not in ids:
            raise InputError(
                f"{source}: pins[{k}]{_pin_name(pin)}: block_id = {pin.block_id!r}: not a block in the "
                f"stock{closest(pin.block_id, ids)}"
            )
    buurten = set(stock["buurt_code"].astype(str))
    for code in scenario.options.per_buurt:
        if code not in buurten:
            raise InputError(
                f"{source}: options.per_buurt names buurt {code!r}, which has no block in the stock"
                f"{closest(code, buurten)} (buurten in the stock: {_shown(buurten)})"
            )
    owners = set(stock["owner"].astype(str))
    for owner in scenario.budget.per_owner_eur_per_yr:
        if owner not in owners:
            raise InputError(
                f"{source}: budget.per_owner_eur_per_yr names owner {owner!r}, who owns no block in the "
                f"stock{closest(owner, owners)} (owners in the stock: {_shown(owners)})"
            )
    _check_pin_years(stock, scenario, source)


def check_pace_floor(stock: pd.DataFrame, scenario: Scenario, source: str = "scenario") -> None:
    """Raise if the programme's pace floor asks more than the switching capacity allows, cumulatively.

    By the end of each year the floor summed from ``years.start`` (at most the dwellings that heat
    with gas and stand past the deadline) must fit within the capacity summed over the same years.
    """
    years = np.arange(scenario.years.start, scenario.years.horizon_end + 1)
    floor_path = capacity_path(scenario.programme.min_switch_dwellings_per_yr, years)
    cap_path = capacity_path(scenario.capacity.switch_dwellings_per_yr, years)
    if floor_path is None or cap_path is None:
        return
    today = today_mask(stock).fillna(False).to_numpy(bool)
    gone = stock["demolition_year"].astype(float).fillna(np.inf).to_numpy(float)
    on_gas = stock["heating"].isin(GAS_HEATING).to_numpy(bool) & today & (gone > scenario.years.deadline)
    floor = np.minimum(np.cumsum(floor_path), stock["dwellings"].to_numpy(float)[on_gas].sum())
    cap = np.cumsum(cap_path)
    over = np.nonzero(floor > cap + 1e-6)[0]
    if len(over):
        t = int(over[0])
        raise InputError(
            f"{source}: programme.min_switch_dwellings_per_yr asks {floor[t]:,.0f} dwellings switched by "
            f"the end of {years[t]}, but capacity.switch_dwellings_per_yr allows {cap[t]:,.0f} by then; "
            'expected a pace floor within the switching capacity (or "none")'
        )


def _pin_name(pin: Pin) -> str:
    return f" ({pin.name!r})" if pin.name else ""


def _check_pin_years(stock: pd.DataFrame, scenario: Scenario, source: str) -> None:
    """A pin that fixes a measure in a year its block is already demolished cannot hold."""
    demolished = dict(zip(stock["block_id"].astype(str), stock["demolition_year"], strict=True))
    for k, pin in enumerate(scenario.pins, start=1):
        gone = demolished.get(pin.block_id)
        if pin.year is not None and gone is not None and not pd.isna(gone) and pin.year >= int(gone):
            raise InputError(
                f"{source}: pins[{k}]{_pin_name(pin)}: year = {pin.year}: block {pin.block_id} is "
                f"demolished in {int(gone)}; expected a year before {int(gone)}"
            )


def pin_warnings(stock: pd.DataFrame, scenario: Scenario) -> list[str]:
    """Pins that do nothing, or that by themselves keep a block from meeting the deadline."""
    rows = stock.set_index(stock["block_id"].astype(str))
    dl, start = scenario.years.deadline, scenario.years.start
    out = []
    for k, pin in enumerate(scenario.pins, start=1):
        if pin.block_id not in rows.index:
            continue
        b = rows.loc[pin.block_id]
        label = f"pin {k}{_pin_name(pin)}"
        needs = {
            "connection": b["heating"] in GAS_HEATING,
            "induction": b["cooking"] == "gas",
            "insulation": True,
        }[pin.measure]
        if not needs:
            out.append(f"{label} has no effect: block {pin.block_id} needs no {pin.measure}")
            continue
        if pin.measure == "insulation":
            continue
        gone = b["demolition_year"]
        last = dl if pd.isna(gone) or int(gone) > dl else None
        if last is None:
            continue
        if pin.year is not None and pin.year > dl:
            out.append(
                f"{label} fixes the {pin.measure} of block {pin.block_id} in {pin.year}, after the "
                f"deadline {dl}: the deadline cannot be met"
            )
        elif set(range(start, last + 1)) <= set(pin.forbid_years):
            out.append(
                f"{label} forbids every year {start}-{dl} for the {pin.measure} of block "
                f"{pin.block_id}: the deadline cannot be met"
            )
    return out


def check_inputs(
    stock: pd.DataFrame, scenario: Scenario, source: str = "scenario", stock_source: str = "the stock"
) -> list[str]:
    """Every check of the stock and scenario together; raise on the first error, return warnings.

    ``source`` and ``stock_source`` name the scenario and the stock in messages (their files).
    """
    check_stock(stock, scenario, stock_source)
    check_names(stock, scenario, source)
    check_pace_floor(stock, scenario, source)
    return pin_warnings(stock, scenario)
