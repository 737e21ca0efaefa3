"""An independent checker: re-verifies every constraint from the output tables alone.

It reads the per-block table (``block_id, option, insulation_label, insulation_year,
induction_year, connection_year``) and the edge table (``regime, edge_id, build_year``) and
checks them against the inputs with plain loops, without the model's index or rows.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from heatplan.optimisation.inputs import NEVER, OPTIONS, ModelInputs
from heatplan.optimisation.schedule import Schedule

TOL = 1e-6


def table_to_schedule(inp: ModelInputs, table: pd.DataFrame, edges: pd.DataFrame) -> Schedule:
    """Parse the output tables back into a schedule."""
    t = table.set_index("block_id").reindex(inp.block_ids)

    def years(col: str) -> np.ndarray:
        return t[col].astype("Float64").fillna(NEVER).to_numpy(float).astype(int)

    s = Schedule.empty(inp)
    s.option = np.array([OPTIONS.index(o) if o in OPTIONS else -1 for o in t["option"].fillna("")])
    s.option[inp.new_build_year < NEVER] = -1  # new builds connect by the programme, not by decision
    s.switch_year = np.where(s.option >= 0, years("connection_year"), NEVER)
    s.insulation_year = years("insulation_year")
    s.ins_level = np.array(
        [inp.levels.index(x) if x in inp.levels else -1 for x in t["insulation_label"].fillna("")]
    )
    s.induction_year = years("induction_year")
    for r, seg in inp.segments.items():
        e = edges[edges["regime"] == r].set_index("edge_id")["build_year"]
        yr = np.full(len(seg.cost_eur), NEVER)
        for k, ids in enumerate(seg.segment_edges):
            vals = e.reindex(ids).astype("Float64").fillna(NEVER).to_numpy(float)
            yr[k] = int(vals.max())
        s.edge_year[r] = yr
    return s


def check(
    inp: ModelInputs, table: pd.DataFrame, edges: pd.DataFrame, hard_deadline: bool = True
) -> list[str]:
    """Every violated constraint, one line each (empty list: the schedule is valid)."""
    s = table_to_schedule(inp, table, edges)
    out: list[str] = []
    out += _per_block(inp, s, hard_deadline)
    out += _network(inp, s)
    out += _yearly(inp, s)
    out += _pace_floor(inp, s, hard_deadline)
    out += _sources(inp, s)
    out += _pins(inp, s)
    out += _induction_window(inp, s)
    out += _corporation_labels(inp, s, hard_deadline)
    out += _hp_eligibility(inp, s)
    out += _housing_level(inp, s)
    return out


def _housing_level(inp: ModelInputs, s: Schedule) -> list[str]:
    """The level-cost rule: no switch in a year and option it forbids."""
    if inp.housing_forbidden is None:
        return []
    out = []
    for b in np.nonzero((s.option >= 0) & (s.switch_year <= inp.years[-1]))[0]:
        t = int(s.switch_year[b]) - int(inp.years[0])
        if 0 <= t < len(inp.years) and inp.housing_forbidden[b, s.option[b], t]:
            out.append(
                f"{inp.block_ids[b]}: {OPTIONS[s.option[b]]} in {s.switch_year[b]} raises its tenants' "
                "housing costs above the tolerance"
            )
    return out


def _induction_window(inp: ModelInputs, s: Schedule) -> list[str]:
    """Blok voor blok: induction at most k years before the heat switch (or the horizon's end)."""
    k = inp.induction_window
    if k is None:
        return []
    out = []
    last = int(inp.years[-1])
    for b, bid in enumerate(inp.block_ids):
        if not (inp.active[b] and inp.need_switch[b] and inp.need_induction[b]):
            continue
        dy, sy = int(s.induction_year[b]), int(s.switch_year[b]) if s.option[b] >= 0 else NEVER
        if dy >= NEVER:
            continue
        if (sy < NEVER and sy - dy > k) or (sy >= NEVER and dy + k <= last):
            when = f"switch in {sy}" if sy < NEVER else f"no switch by {last}"
            out.append(f"{bid}: induction in {dy}, more than {k} years before the heat switch ({when})")
    return out


def _corporation_labels(inp: ModelInputs, s: Schedule, hard: bool) -> list[str]:
    """Corporations' E-G blocks insulated by the agreed year (where the model can insulate them)."""
    year = inp.corp_efg_year
    if year is None or inp.corp_efg is None or year > inp.years[-1] or not hard:
        return []
    out = []
    due = max(year, int(inp.years[0]))
    for b, bid in enumerate(inp.block_ids):
        can = inp.active[b] and inp.need_switch[b] and bool(inp.ins_needed[b].any())
        if inp.corp_efg[b] and can and not (s.ins_level[b] >= 0 and s.insulation_year[b] <= due):
            out.append(f"{bid}: corporation block labelled E-G not insulated by {year}")
    return out


def _hp_eligibility(inp: ModelInputs, s: Schedule) -> list[str]:
    """No individual heat pump on a dwelling type the scenario excludes."""
    if inp.dwelling_type is None or not inp.hp_excluded_types:
        return []
    hp = OPTIONS.index("hp")
    bad = (s.option == hp) & np.isin(inp.dwelling_type, inp.hp_excluded_types)
    bad &= inp.new_build_year >= NEVER
    return [
        f"{inp.block_ids[b]}: heat pump on an excluded type ({inp.dwelling_type[b]})"
        for b in np.nonzero(bad)[0]
    ]


def _per_block(inp: ModelInputs, s: Schedule, hard: bool) -> list[str]:
    out = []
    avail = dict(zip(inp.sources["source_id"], inp.sources["available_year"], strict=True))
    for b, bid in enumerate(inp.block_ids):
        o, sy, iy, dy = (
            int(s.option[b]),
            int(s.switch_year[b]),
            int(s.insulation_year[b]),
            int(s.induction_year[b]),
        )
        if not inp.active[b]:
            if o >= 0 or iy < NEVER or dy < NEVER:
                out.append(f"{bid}: takes measures but is not in the programme (demolished, new or gas-free)")
            continue
        if inp.need_switch[b] and hard and sy > inp.deadline:
            out.append(f"{bid}: not switched by the deadline {inp.deadline}")
        if inp.need_induction[b] and hard and dy > inp.deadline:
            out.append(f"{bid}: no induction by the deadline {inp.deadline}")
        if o < 0:
            continue
        if not inp.need_switch[b] or not inp.allowed[b, o]:
            out.append(f"{bid}: option {OPTIONS[o]} not allowed")
        lev = inp.level_of_option[o]
        if lev >= 0 and inp.ins_needed[b, lev] and not (s.ins_level[b] == lev and iy <= sy):
            out.append(
                f"{bid}: switched to {OPTIONS[o]} in {sy} without insulation to label {inp.levels[lev]}"
            )
        if inp.need_induction[b] and dy > sy:
            out.append(f"{bid}: gas disconnected in {sy} before induction ({dy})")
        src = inp.block_source[b, o]
        if src and avail[src] > sy:
            out.append(f"{bid}: connected in {sy} to source {src} available from {avail[src]}")
    return out


def _chain(seg: object, b: int | np.integer) -> list[int]:
    out, k = [], int(getattr(seg, "block_segment")[b])  # noqa: B009
    while k >= 0:
        out.append(k)
        k = int(getattr(seg, "parent")[k])  # noqa: B009
    return out


def _network(inp: ModelInputs, s: Schedule) -> list[str]:
    out = []
    for r, seg in inp.segments.items():
        o = OPTIONS.index(r)
        for b in np.nonzero(s.option == o)[0]:
            for k in _chain(seg, b):
                if s.edge_year[r][k] > s.switch_year[b]:
                    out.append(
                        f"{inp.block_ids[b]}: connected in {s.switch_year[b]} before {r} edge "
                        f"{seg.segment_edges[k][0]} is built ({s.edge_year[r][k]})"
                    )
        for k, parent in enumerate(seg.parent):
            if parent >= 0 and s.edge_year[r][k] < s.edge_year[r][parent]:
                out.append(
                    f"{r} edge {seg.segment_edges[k][0]} built in {s.edge_year[r][k]} before the edge "
                    f"{seg.segment_edges[parent][0]} that feeds it ({s.edge_year[r][parent]})"
                )
        for row in seg.cap_rows:
            members = row.members
            scale = row.design_peak_kw / max(inp.peak_kw[members, o].sum(), 1e-9)
            for year in inp.years:
                on = members[(s.option[members] == o) & (s.switch_year[members] <= year)]
                load = inp.peak_kw[on, o].sum() * scale
                if load > row.capacity_kw + TOL:
                    out.append(f"{r} edge {row.edge_id} over capacity in {year}: {load:.0f} kW")
    return out


def _yearly(inp: ModelInputs, s: Schedule) -> list[str]:
    out = []
    for year in inp.years:
        sw = (s.switch_year == year) & (s.option >= 0)
        ins = (s.insulation_year == year) & (s.ins_level >= 0)
        ind = (s.induction_year == year) & inp.need_induction
        for kind, mask, what in (
            ("switch", sw, "switched"),
            ("insulate", ins, "insulated"),
            ("induction", ind, "converted to induction"),
        ):
            n = inp.dwellings[mask].sum()
            path = inp.capacity_at(kind, np.array([year]))
            limit = None if path is None else float(path[0])
            if limit is not None and n > limit + TOL:
                out.append(f"{year}: {n:.0f} dwellings {what}, capacity {limit:.0f}")
        spend = _investment(inp, s, year)
        if inp.budget_total is not None:
            total = sum(spend.values()) + _network_spend(inp, s, year)
            if total > inp.budget_total * (1 + TOL):
                out.append(f"{year}: investment {total:,.0f} EUR over the budget {inp.budget_total:,.0f}")
        for owner, eur in inp.budget_owner.items():
            if spend.get(owner, 0.0) > eur * (1 + TOL):
                out.append(f"{year}: {owner} invests {spend[owner]:,.0f} EUR over its budget {eur:,.0f}")
    return out


def _pace_floor(inp: ModelInputs, s: Schedule, hard: bool) -> list[str]:
    """Existing dwellings switched by the end of each year at least the cumulative pace floor."""
    floor = inp.floor_cumulative()
    if floor is None or not hard:
        return []
    out = []
    for t, year in enumerate(inp.years):
        done = (s.option >= 0) & (s.switch_year <= year) & inp.active & inp.need_switch
        n = float(inp.dwellings[done].sum())
        if n < floor[t] - TOL:
            out.append(
                f"{year}: {n:.0f} dwellings switched by the end of the year, below the programme's "
                f"pace floor of {floor[t]:.0f}"
            )
    return out


def _investment(inp: ModelInputs, s: Schedule, year: int) -> dict[str, float]:
    """Undiscounted block investment in ``year`` per owner (full insulation cost, as the budget rows)."""
    spend: dict[str, float] = defaultdict(float)
    for b in range(inp.n_blocks):
        eur = 0.0
        o = int(s.option[b])
        if o >= 0 and s.switch_year[b] == year:
            eur += inp.conn_cost_eur[b, o] + inp.source_cost_eur[b, o] + inp.gas_removal_eur[b]
        if s.ins_level[b] >= 0 and s.insulation_year[b] == year:
            eur += inp.ins_cost_eur[b, s.ins_level[b]]
        if inp.need_induction[b] and s.induction_year[b] == year:
            eur += inp.induction_cost_eur[b] + (0.0 if inp.need_switch[b] else inp.gas_removal_eur[b])
        spend[str(inp.owner[b])] += eur
    return spend


def _network_spend(inp: ModelInputs, s: Schedule, year: int) -> float:
    return float(sum(seg.cost_eur[s.edge_year[r] == year].sum() for r, seg in inp.segments.items()))


def _sources(inp: ModelInputs, s: Schedule) -> list[str]:
    out = []
    for src in inp.sources.itertuples():
        fixed = inp.new_build_source_load_kw(str(src.source_id))
        for t, year in enumerate(inp.years):
            load = fixed[t]
            for b in range(inp.n_blocks):
                o = int(s.option[b])
                if o >= 0 and s.switch_year[b] <= year and inp.block_source[b, o] == src.source_id:
                    load += inp.source_kw[b, o]
            if load > max(float(src.capacity_kw), fixed[t]) + TOL:
                out.append(f"source {src.source_id} over capacity in {year}: {load / 1000:.2f} MW")
    return out


def _done_year(s: Schedule, b: int, measure: str) -> int:
    if measure == "connection":
        return int(s.switch_year[b])
    return int(s.insulation_year[b] if measure == "insulation" else s.induction_year[b])


def _pins(inp: ModelInputs, s: Schedule) -> list[str]:
    out = []
    pos = {bid: i for i, bid in enumerate(inp.block_ids)}
    for k, pin in enumerate(inp.pins):
        b = pos[pin.block_id]
        name = pin.name or f"pin {k + 1} ({pin.block_id})"
        y = _done_year(s, b, pin.measure)
        in_horizon = pin.year is not None and pin.year <= inp.years[-1]
        if pin.year is not None and (y != pin.year if in_horizon else y <= inp.years[-1]):
            out.append(f"{name}: {pin.measure} in {y}, pinned to {pin.year}")
        if y in pin.forbid_years:
            out.append(f"{name}: {pin.measure} in forbidden year {y}")
        if pin.option is not None and s.option[b] >= 0 and OPTIONS[s.option[b]] != pin.option:
            out.append(f"{name}: option {OPTIONS[s.option[b]]}, pinned to {pin.option}")
    return out
