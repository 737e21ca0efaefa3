"""Brute-force enumeration of all schedules of a tiny instance under the same cost model."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np

from heatplan.optimisation.accounting import schedule_costs
from heatplan.optimisation.checker import check
from heatplan.optimisation.inputs import NEVER, OPTIONS, ModelInputs
from heatplan.optimisation.objective import segment_npv
from heatplan.optimisation.results import block_table, edge_table
from heatplan.optimisation.schedule import Schedule


def candidates(inp: ModelInputs) -> list[tuple[int, int, int, int]]:
    """(option, switch year, insulation year, induction year); NEVER where a measure is not taken."""
    yrs = inp.years.tolist()
    out = []
    for o in range(len(OPTIONS)):
        for sy in yrs:
            for iy in [y for y in yrs if y <= sy] + [NEVER]:
                for dy in [y for y in yrs if y <= sy] + [NEVER]:
                    out.append((o, sy, iy, dy))
    return out


def _valid(inp: ModelInputs, b: int, c: tuple[int, int, int, int]) -> bool:
    o, _sy, iy, dy = c
    if not inp.active[b] or not inp.need_switch[b]:
        return False
    if not inp.allowed[b, o]:
        return False
    if OPTIONS[o] == "hp" and inp.dwelling_type is not None and inp.dwelling_type[b] in inp.hp_excluded_types:
        return False
    k = inp.induction_window
    if dy < NEVER and k is not None and c[1] - dy > k:  # blok voor blok: induction close to the switch
        return False
    lev = inp.level_of_option[o]
    needs_ins = lev >= 0 and inp.ins_needed[b, lev]
    if needs_ins != (iy < NEVER):
        return False
    return inp.need_induction[b] == (dy < NEVER)


def _apply(inp: ModelInputs, s: Schedule, b: int, c: tuple[int, int, int, int]) -> None:
    o, sy, iy, dy = c
    s.option[b], s.switch_year[b] = o, sy
    if iy < NEVER:
        s.ins_level[b], s.insulation_year[b] = inp.level_of_option[o], iy
    s.induction_year[b] = dy


def _row_costs(inp: ModelInputs, b: int, c: tuple[int, int, int, int] | None) -> float:
    """Discounted cost of block b's own rows (everything but shared network segments)."""
    s = Schedule.empty(inp)
    if c is not None:
        _apply(inp, s, b, c)
    costs = schedule_costs(inp, s)  # no segment is built in this schedule
    return float(sum((v[b] * costs.discount).sum() for v in costs.by_item.values()))


def _network_npv(inp: ModelInputs, s: Schedule) -> float:
    total = 0.0
    for r in inp.segments:
        npv = segment_npv(inp, r)
        for k, year in enumerate(s.edge_year[r]):
            if year < NEVER:
                total += npv[k, year - inp.years[0]]
    return total


def _caps_ok(inp: ModelInputs, combo: tuple) -> bool:
    """Yearly capacities (paths evaluated per year): dwellings switched, insulated, to induction."""
    for kind, pos in (("switch", 1), ("insulate", 2), ("induction", 3)):
        caps = inp.capacity_at(kind, inp.years)
        if caps is None:
            continue
        per_year = np.zeros(len(inp.years))
        for b, c in enumerate(combo):
            if c is not None and c[pos] < NEVER:
                per_year[c[pos] - inp.years[0]] += inp.dwellings[b]
        if (per_year > caps + 1e-9).any():
            return False
    return _floor_ok(inp, combo)


def _floor_ok(inp: ModelInputs, combo: tuple) -> bool:
    """The programme's pace floor: dwellings switched by the end of each year >= its cumulative value."""
    floor = inp.floor_cumulative()
    if floor is None:
        return True
    done = np.zeros(len(inp.years))
    for b, c in enumerate(combo):
        if c is not None:
            done[c[1] - inp.years[0] :] += inp.dwellings[b]
    return bool((done >= floor - 1e-9).all())


def _schedule(inp: ModelInputs, combo: tuple) -> Schedule:
    s = Schedule.empty(inp)
    for b, c in enumerate(combo):
        if c is not None:
            _apply(inp, s, b, c)
    s.fill_edges(inp)
    return s


def _edge_variants(inp: ModelInputs, s: Schedule) -> list[dict[str, np.ndarray]]:
    """Segment build years: at first use; under a total budget also any earlier year (laid early)."""
    if inp.budget_total is None:
        return [s.edge_year]
    choices = [
        [(r, k, int(v)) for v in inp.years if v <= y] if y < NEVER else [(r, k, int(y))]
        for r, yrs in s.edge_year.items()
        for k, y in enumerate(yrs)
    ]
    out = []
    for pick in itertools.product(*choices):
        years = {r: a.copy() for r, a in s.edge_year.items()}
        for r, k, v in pick:
            years[r][k] = v
        out.append(years)
    return out


def brute_force(inp: ModelInputs) -> tuple[float, Schedule]:
    """Least total discounted cost over all schedules that pass the checker (blocks must all switch)."""
    return brute_force_all(inp)


def brute_force_all(
    inp: ModelInputs, extra: Callable[[ModelInputs, Schedule], float] | None = None
) -> tuple[float, Schedule]:
    """As :func:`brute_force`; ``extra(inp, schedule)`` adds a cost per schedule (inf: not allowed)."""
    cands = candidates(inp)
    per_block: list[list] = [[c for c in cands if _valid(inp, b, c)] or [None] for b in range(inp.n_blocks)]
    own = [{c: _row_costs(inp, b, c) for c in cs} for b, cs in enumerate(per_block)]
    net_cache: dict[tuple, list[tuple[float, dict[str, np.ndarray]]]] = {}
    scored = []
    for combo in itertools.product(*per_block):
        if not _caps_ok(inp, combo):
            continue
        key = tuple(None if c is None else c[:2] for c in combo)
        if key not in net_cache:
            s = _schedule(inp, combo)
            net_cache[key] = []
            for years in _edge_variants(inp, s):
                s.edge_year = years
                net_cache[key].append((_network_npv(inp, s), years))
        own_cost = sum(own[b][c] for b, c in enumerate(combo))
        more = 0.0
        if extra is not None:
            more = extra(inp, _schedule(inp, combo))
            if not np.isfinite(more):
                continue
        scored += [(own_cost + net + more, k, combo) for k, (net, _) in enumerate(net_cache[key])]
    scored.sort(key=lambda x: x[0])
    for cost, k, combo in scored:
        s = _schedule(inp, combo)
        s.edge_year = net_cache[tuple(None if c is None else c[:2] for c in combo)][k][1]
        if not check(inp, block_table(inp, s, schedule_costs(inp, s)), edge_table(inp, s)):
            return cost, s
    return np.inf, Schedule.empty(inp)
