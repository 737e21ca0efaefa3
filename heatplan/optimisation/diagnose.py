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
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from heatplan.optimisation.inputs import NEVER, OPTIONS, CapacitySpec, ModelInputs, capacity_path

SEARCH_YEARS = 200


@dataclass(frozen=True)
class LimitCheck:
    """One yearly limit against what the deadline needs."""

    name: str  # plain words, e.g. "switching capacity"
    unit: str  # "dwellings/yr" or "EUR/yr"
    limit: float  # the limit in the deadline year
    needed_total: float
    required_pace: float
    earliest_year: int | None  # None: never under this limit alone (within SEARCH_YEARS)
    reachable: bool = True  # the limit's total over start .. deadline covers what is needed
    text: str = ""  # the limit in words, e.g. "500 dwellings/yr in 2026 rising to 2,400 in 2030"
    first_year: int | None = None  # the first year the limit allows anything (None: the start)

    @property
    def binds(self) -> bool:
        """True if this limit alone makes the deadline unreachable."""
        return not self.reachable


def _needed_by_year(inp: ModelInputs, mask: np.ndarray, weight: np.ndarray, year: int) -> float:
    """Amount (dwellings or EUR) of ``mask`` blocks still standing after ``year`` (demolished later)."""
    standing = inp.demolition_year > year
    return float(weight[mask & standing].sum())


def _cumulative(spec: CapacitySpec, start: int, n_years: int) -> np.ndarray:
    """Total capacity over ``start .. start + i`` for i < n_years (a path is held after its last year)."""
    path = capacity_path(spec, np.arange(start, start + n_years))
    return np.full(n_years, math.inf) if path is None else np.cumsum(path)


def describe(spec: CapacitySpec, unit: str = "dwellings/yr") -> str:
    """A capacity in words: "500 dwellings/yr" or "500 dwellings/yr in 2026 rising to 2,400 in 2030"."""
    if spec is None:
        return "unlimited"
    if not isinstance(spec, Mapping):
        return _fmt(float(spec), unit)
    pts = sorted(spec.items())
    parts = [f"{_fmt(float(pts[0][1]), unit)} in {pts[0][0]}"]
    parts += [f"{float(v):,.0f} in {y}" for y, v in pts[1:]]
    return " to ".join(parts) if len(parts) > 1 else parts[0]


def _check(
    inp: ModelInputs, name: str, unit: str, spec: CapacitySpec, mask: np.ndarray, weight: np.ndarray
) -> LimitCheck:
    start = int(inp.years[0])
    n_years = inp.deadline - start + 1
    needed = _needed_by_year(inp, mask, weight, inp.deadline)
    pace = math.ceil(needed / n_years) if unit == "dwellings/yr" else needed / n_years
    cum = _cumulative(spec, start, SEARCH_YEARS)
    earliest = None
    for year in range(start, start + SEARCH_YEARS):
        if _needed_by_year(inp, mask, weight, year) <= cum[year - start] + 1e-9:
            earliest = year
            break
    at_deadline = capacity_path(spec, np.array([inp.deadline]))
    limit = math.inf if at_deadline is None else float(at_deadline[0])
    reachable = bool(needed <= cum[n_years - 1] + 1e-9)
    return LimitCheck(name, unit, limit, needed, float(pace), earliest, reachable, describe(spec, unit))


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
    spec = inp.cap_spec
    out = [_check(inp, "switching capacity", "dwellings/yr", spec.get("switch"), switch, inp.dwellings)]
    if spec.get("insulate") is not None:
        needs = np.ones(inp.n_blocks, dtype=bool)
        for o, lev in enumerate(inp.level_of_option):
            ok = inp.allowed[:, o]
            needs &= ~ok | (inp.ins_needed[:, lev] if lev >= 0 else False)
        out.append(
            _check(
                inp, "insulation capacity", "dwellings/yr", spec["insulate"], switch & needs, inp.dwellings
            )
        )
    if spec.get("induction") is not None:
        out.append(
            _check(
                inp,
                "induction capacity",
                "dwellings/yr",
                spec["induction"],
                base & inp.need_induction,
                inp.dwellings,
            )
        )
    if inp.budget_total is not None:
        out.append(_check(inp, "yearly budget", "EUR/yr", inp.budget_total, base, _min_investment(inp)))
    grid = grid_check(inp)
    if grid is not None:
        out.append(grid)
    return out


def _grid_need(inp: ModelInputs) -> tuple[np.ndarray, np.ndarray]:
    """Elements that need a reinforcement for what the deadline needs, and those beyond one.

    (E,) masks: the plan must add more than the room in the deadline year (its forced ones left
    out: the operator's own work, outside the yearly number), and more than the room with one
    reinforcement (each element has one).
    """
    from heatplan.optimisation.grid_rows import mandatory_kw

    g = inp.grid
    assert g is not None
    t = min(max(inp.year_pos(inp.deadline), 0), len(inp.years) - 1)
    must = mandatory_kw(inp)
    room = g.room_kw[:, t]
    need = must > room + 1e-6
    forced = g.forced_year <= inp.deadline  # the operator's own work, outside the yearly number
    return need & ~forced, must > room + g.step_kw + 1e-6


def grid_check(inp: ModelInputs) -> LimitCheck | None:
    """The grid operator's yearly number of reinforcements against what the deadline needs.

    What the deadline needs: the stations and LV feeders that cannot carry the hobs and least
    options behind them without a reinforcement. The number is zero before the first year a
    reinforcement may be in service. None: no grid, or no yearly number.
    """
    g = inp.grid
    if g is None or g.per_year is None:
        return None
    need, _ = _grid_need(inp)
    n_needed = float(need.sum())
    start = int(inp.years[0])
    yrs = np.arange(start, start + SEARCH_YEARS)
    per = np.full(SEARCH_YEARS, g.per_year[-1])  # held after the last modelled year
    per[: len(g.per_year)] = g.per_year
    per[yrs < g.first_year] = 0.0
    cum = np.cumsum(per)
    hit = np.nonzero(cum >= n_needed - 1e-9)[0]
    earliest = int(yrs[hit[0]]) if len(hit) else None
    n_years = max(inp.deadline - g.first_year + 1, 1)
    reachable = bool(n_needed <= cum[min(inp.deadline - start, len(cum) - 1)] + 1e-9)
    at_deadline = float(per[min(inp.deadline - start, len(per) - 1)])
    text = f"{_fmt(at_deadline, 'reinforcements/yr')} from {g.first_year}"
    return LimitCheck(
        "grid operator's reinforcement capacity", "reinforcements/yr", at_deadline, n_needed,
        float(math.ceil(n_needed / n_years)), earliest, reachable, text, g.first_year,
    )  # fmt: skip


def grid_lines(inp: ModelInputs) -> list[str]:
    """Stations and feeders that cannot carry what the deadline needs behind them even reinforced."""
    if inp.grid is None:
        return []
    _, beyond = _grid_need(inp)
    if not beyond.any():
        return []
    ids = [str(e) for e in inp.grid.element_id[beyond]]
    return [
        f"The electricity grid binds: {len(ids)} station(s) or LV feeder(s) cannot carry the hobs "
        f"and heat options the deadline needs behind them even with a reinforcement: {_listed(ids)}"
    ]


def corporation_check(inp: ModelInputs) -> list[str]:
    """Sentences if the corporations' E-G rule cannot hold by arithmetic (insulation capacity)."""
    year, spec = inp.corp_efg_year, inp.cap_spec.get("insulate")
    if year is None or inp.corp_efg is None or spec is None:
        return []
    due = inp.corp_efg & inp.active & inp.need_switch & inp.ins_needed.any(axis=1)
    needed = float(inp.dwellings[due].sum())
    start = int(inp.years[0])
    total = float(_cumulative(spec, start, max(year - start + 1, 1))[-1])
    if needed <= total + 1e-9:
        return []
    return [
        f"Corporations' E, F and G labels cannot all be gone by {year}: {needed:,.0f} corporation "
        f"dwellings labelled E-G need insulation, the insulation capacity ({describe(spec)}) allows "
        f"{total:,.0f} over {start}-{year}."
    ]


def corporation_report(inp: ModelInputs, insulation_year: np.ndarray, ins_level: np.ndarray) -> list[str]:
    """The corporations' E-G rule in words, from a schedule's insulation years."""
    year = inp.corp_efg_year
    if year is None or inp.corp_efg is None:
        return []
    can = inp.corp_efg & inp.active & inp.need_switch & inp.ins_needed.any(axis=1)
    late = can & ~((ins_level >= 0) & (insulation_year <= max(year, int(inp.years[0]))))
    left = inp.corp_efg & ~can & (inp.demolition_year > year) & (inp.new_build_year >= NEVER)
    lines = []
    if late.any():
        ids = ", ".join(map(str, inp.block_ids[late][:10]))
        lines.append(
            f"Corporations' E, F and G labels are NOT all gone by {year} (Nationale Prestatieafspraken "
            f"2022): {inp.dwellings[late].sum():,.0f} dwellings in {int(late.sum())} block(s) are "
            f"insulated later or not at all: {ids}"
        )
    elif can.any():
        lines.append(
            f"Corporations' E, F and G labels are gone by {year}: {inp.dwellings[can].sum():,.0f} "
            f"dwellings in {int(can.sum())} block(s) insulated by then."
        )
    if left.any():
        lines.append(
            f"{inp.dwellings[left].sum():,.0f} corporation dwellings labelled E-G need no heat switch "
            f"(district heating, heat pump) or are demolished by {inp.deadline}; the plan does not "
            "insulate them."
        )
    return lines


def no_option_blocks(inp: ModelInputs) -> list[str]:
    """Blocks that must switch but have no allowed heat option."""
    bad = inp.active & inp.need_switch & ~inp.allowed.any(axis=1)
    return [str(b) for b in inp.block_ids[bad]]


def _fmt(x: float, unit: str) -> str:
    return f"{x:,.0f} {unit}"


#: what a limit's total counts, by its unit
_WHAT = {
    "dwellings/yr": "dwellings",
    "EUR/yr": "EUR of investment (at least)",
    "reinforcements/yr": "stations and LV feeders (reinforcements)",
}


def explain(
    inp: ModelInputs, checks: list[LimitCheck], model_year: int | None, horizon_end: int
) -> list[str]:
    """Plain sentences for a deadline that cannot be met."""
    start, dl = int(inp.years[0]), inp.deadline
    if model_year is not None and model_year <= dl and not any(c.binds for c in checks):
        return [f"Every dwelling is off gas by {model_year} (deadline {dl})."]
    lines = [
        f"{dl} is out of reach: not every dwelling can be off gas by the deadline {dl} "
        "under the given limits."
    ]
    for c in checks:
        if not c.binds:
            continue
        what = _WHAT.get(c.unit, "")
        text = c.text or _fmt(c.limit, c.unit)
        first = max(c.first_year or start, start)
        lines.append(
            f"The {c.name} of {text} binds: {c.needed_total:,.0f} {what} must be done "
            f"by {dl}, which needs at least {_fmt(c.required_pace, c.unit)} over the "
            f"{dl - first + 1} years {first}-{dl}."
        )
        when = f"in {c.earliest_year}" if c.earliest_year is not None else f"not within {SEARCH_YEARS} years"
        lines.append(f"At {text} the last dwelling is done {when} (from this limit alone).")
    causes = pin_lines(inp) + grid_lines(inp)
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
        most = float(inp.cap_switch.max())
        big = inp.block_ids[inp.active & inp.need_switch & (inp.dwellings > most)]
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


__all__ = [
    "OPTIONS",
    "LimitCheck",
    "corporation_check",
    "corporation_report",
    "earliest_year",
    "explain",
    "limit_checks",
    "required_pace",
]
