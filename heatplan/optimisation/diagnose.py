"""Diagnostics in plain words: which limit binds, the pace that reaches the deadline, the earliest year.

The yearly limits are checked arithmetically first (no solver needed): with ``N(Y)`` the
dwellings that must take a measure by year ``Y`` (blocks demolished by ``Y`` drop out), the
deadline ``Y_d`` is reachable under a yearly capacity ``c`` only if ``N(Y_d) <= c (Y_d - start + 1)``;
the smallest pace is ``ceil(N(Y_d) / (Y_d - start + 1))`` and the earliest year is the smallest
``Y`` with ``N(Y) <= c (Y - start + 1)``. These are exact for one binding capacity and lower
bounds when several limits interact; the elastic model run then gives the schedule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from heatplan.optimisation.inputs import NEVER, OPTIONS, ModelInputs

SEARCH_YEARS = 200


@dataclass(frozen=True)
class LimitCheck:
    """One yearly limit against what the deadline needs."""

    name: str  # plain words, e.g. "switching capacity"
    unit: str  # "dwellings/yr" or "EUR/yr"
    limit: float
    needed_total: float
    required_pace: float
    earliest_year: int | None  # None: never under this limit alone (within SEARCH_YEARS)

    @property
    def binds(self) -> bool:
        """True if this limit alone makes the deadline unreachable."""
        return self.limit < self.required_pace - 1e-9


def _needed_by_year(inp: ModelInputs, mask: np.ndarray, weight: np.ndarray, year: int) -> float:
    """Amount (dwellings or EUR) of ``mask`` blocks still standing after ``year`` (demolished later)."""
    standing = inp.demolition_year > year
    return float(weight[mask & standing].sum())


def _check(
    inp: ModelInputs, name: str, unit: str, limit: float, mask: np.ndarray, weight: np.ndarray
) -> LimitCheck:
    start = int(inp.years[0])
    n_years = inp.deadline - start + 1
    needed = _needed_by_year(inp, mask, weight, inp.deadline)
    pace = math.ceil(needed / n_years) if unit == "dwellings/yr" else needed / n_years
    earliest = None
    for year in range(start, start + SEARCH_YEARS):
        if _needed_by_year(inp, mask, weight, year) <= limit * (year - start + 1) + 1e-9:
            earliest = year
            break
    return LimitCheck(name, unit, float(limit), needed, float(pace), earliest)


def _min_investment(inp: ModelInputs) -> np.ndarray:
    """Cheapest possible investment per block (no network pipes): a lower bound for budgets."""
    cost = inp.conn_cost_eur + inp.source_cost_eur
    for o, lev in enumerate(inp.level_of_option):
        if lev >= 0:
            cost = cost.copy()
            cost[:, o] += np.where(inp.ins_needed[:, lev], inp.ins_cost_eur[:, lev], 0.0)
    best = np.where(inp.allowed, cost, np.inf).min(axis=1)
    best = np.where(inp.need_switch & np.isfinite(best), best + inp.gas_removal_eur, 0.0)
    return best + np.where(inp.need_induction, inp.induction_cost_eur, 0.0)


def limit_checks(inp: ModelInputs) -> list[LimitCheck]:
    """Arithmetic check of every yearly limit the scenario sets."""
    base = inp.new_build_year >= NEVER  # today's stock
    switch = base & inp.need_switch
    cap = math.inf if inp.cap_switch is None else inp.cap_switch
    out = [_check(inp, "switching capacity", "dwellings/yr", cap, switch, inp.dwellings)]
    if inp.cap_insulate is not None:
        needs = np.ones(inp.n_blocks, dtype=bool)
        for o, lev in enumerate(inp.level_of_option):
            ok = inp.allowed[:, o]
            needs &= ~ok | (inp.ins_needed[:, lev] if lev >= 0 else False)
        out.append(
            _check(
                inp, "insulation capacity", "dwellings/yr", inp.cap_insulate, switch & needs, inp.dwellings
            )
        )
    if inp.cap_induction is not None:
        out.append(
            _check(
                inp,
                "induction capacity",
                "dwellings/yr",
                inp.cap_induction,
                base & inp.need_induction,
                inp.dwellings,
            )
        )
    if inp.budget_total is not None:
        out.append(_check(inp, "yearly budget", "EUR/yr", inp.budget_total, base, _min_investment(inp)))
    return out


def no_option_blocks(inp: ModelInputs) -> list[str]:
    """Blocks that must switch but have no allowed heat option."""
    bad = inp.active & inp.need_switch & ~inp.allowed.any(axis=1)
    return [str(b) for b in inp.block_ids[bad]]


def _fmt(x: float, unit: str) -> str:
    return f"{x:,.0f} EUR/yr" if unit == "EUR/yr" else f"{x:,.0f} dwellings/yr"


def explain(
    inp: ModelInputs, checks: list[LimitCheck], model_year: int | None, horizon_end: int
) -> list[str]:
    """Plain sentences for a deadline that cannot be met."""
    start, dl = int(inp.years[0]), inp.deadline
    lines = [
        f"{dl} is out of reach: not every dwelling can be off gas by the deadline {dl} "
        "under the given limits."
    ]
    for c in checks:
        if not c.binds:
            continue
        what = "dwellings" if c.unit == "dwellings/yr" else "EUR of investment (at least)"
        lines.append(
            f"The {c.name} of {_fmt(c.limit, c.unit)} binds: {c.needed_total:,.0f} {what} must be done "
            f"by {dl}, which needs at least {_fmt(c.required_pace, c.unit)} over the "
            f"{dl - start + 1} years {start}-{dl}."
        )
        when = f"in {c.earliest_year}" if c.earliest_year is not None else f"not within {SEARCH_YEARS} years"
        lines.append(f"At {_fmt(c.limit, c.unit)} the last dwelling is done {when} (from this limit alone).")
    causes = pin_lines(inp)
    missing = no_option_blocks(inp)
    if missing:
        causes.append(f"{len(missing)} block(s) have no allowed heat option: {_listed(missing)}")
    lines += causes
    if not any(c.binds for c in checks) and not causes:
        lines.append(
            "No single yearly limit explains it; heat sources, networks, per-owner budgets or pins "
            "together do (the elastic run below shows where the schedule falls short)."
        )
    if model_year is not None:
        lines.append(f"The schedule under all limits is gas-free in {model_year}.")
    else:
        lines.append(
            f"Under all limits the district is not gas-free by {horizon_end}, the last modelled year."
        )
    if inp.cap_switch is not None:
        big = inp.block_ids[inp.active & inp.need_switch & (inp.dwellings > inp.cap_switch)]
        if len(big):
            lines.append(
                f"{len(big)} block(s) have more dwellings than the yearly switching capacity and can "
                f"never switch in one year: {', '.join(map(str, big[:10]))}"
            )
    return lines


def _listed(ids: list[str], n: int = 10) -> str:
    return ", ".join(ids[:n]) + (f" and {len(ids) - n} more" if len(ids) > n else "")


def pin_lines(inp: ModelInputs) -> list[str]:
    """Pins that by themselves keep a block that must be done from being done by the deadline."""
    start, dl = int(inp.years[0]), inp.deadline
    pos = {str(b): i for i, b in enumerate(inp.block_ids)}
    need = {"connection": inp.need_switch, "induction": inp.need_induction}
    out = []
    for k, pin in enumerate(inp.pins, start=1):
        b = pos.get(pin.block_id)
        if b is None or pin.measure not in need or not (need[pin.measure][b] and inp.active[b]):
            continue
        name = f"{pin.name!r} (pin {k})" if pin.name else f"pin {k}"
        if pin.year is not None and pin.year > dl:
            out.append(f"The pin {name} fixes the {pin.measure} of block {pin.block_id} in {pin.year}.")
        elif set(range(start, dl + 1)) <= set(pin.forbid_years):
            out.append(
                f"The pin {name} forbids the {pin.measure} of block {pin.block_id} in every year "
                f"{start}-{dl}."
            )
    return out


def earliest_year(checks: list[LimitCheck], model_year: int | None) -> int | None:
    """Earliest gas-free year: the model's, or else the latest arithmetic bound of the binding limits."""
    if model_year is not None:
        return model_year
    years = [c.earliest_year for c in checks if c.binds]
    return None if not years or None in years else max(y for y in years if y is not None)


def required_pace(checks: list[LimitCheck]) -> float | None:
    """The switching pace (dwellings/yr) that reaches the deadline as far as switching capacity goes."""
    for c in checks:
        if c.name == "switching capacity":
            return c.required_pace
    return None


__all__ = ["OPTIONS", "LimitCheck", "earliest_year", "explain", "limit_checks", "required_pace"]
