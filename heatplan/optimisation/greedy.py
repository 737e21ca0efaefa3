"""A greedy feasible schedule, used as the MIP start.

Each block takes its cheapest allowed option (connection + source + insulation); blocks are then
placed year by year, most gas per dwelling first, while the yearly capacities, budgets and
source capacities allow; insulation and induction go in the switch year. Under the programme's
pace floor, blocks next in that order go early until each year's cumulative floor is reached. Pinned years are
placed first. Segments are built when their first downstream block connects. Cuts added by the
verification loop (a derated source, a branch load before a far block, a delay) are kept too
where they are rows over connection decisions (``CutBook``): a block waits while a cut wants
other blocks first or a later year, and takes a heat pump where a cut leaves its network no room.
"""

from __future__ import annotations

import numpy as np

from heatplan.optimisation.cuts import CutBook
from heatplan.optimisation.grid_rows import GridBook, lp_reinforcements
from heatplan.optimisation.inputs import NEVER, OPTIONS, ModelInputs
from heatplan.optimisation.model import Index, efg_blocks
from heatplan.optimisation.objective import gas_weight, induction_npv, insulation_npv, switch_npv
from heatplan.optimisation.schedule import Schedule


def _choose_options(inp: ModelInputs, idx: Index) -> np.ndarray:
    """Cheapest allowed option per block: its national cost if it switched in the last modelled year."""
    cost = switch_npv(inp)[:, :, -1].copy()
    ins = insulation_npv(inp)[:, :, -1]
    for o, lev in enumerate(inp.level_of_option):
        if lev >= 0:
            cost[:, o] += np.where(inp.ins_needed[:, lev], ins[:, lev], 0.0)
    ok = idx.x[:, :, -1] >= 0
    ok &= idx.ub[np.maximum(idx.x[:, :, -1], 0)] > 0  # source available by the last year
    for pin in inp.pins:
        if pin.option is not None:
            b = int(np.nonzero(inp.block_ids == pin.block_id)[0][0])
            ok[b] &= np.array([o == pin.option for o in OPTIONS])
    return np.where(ok.any(axis=1), np.where(ok, cost, np.inf).argmin(axis=1), -1)


def _housing_forbids(inp: ModelInputs, b: int, o: int, t: int) -> bool:
    """The level-cost rule forbids block b's switch to option o in year t."""
    return inp.housing_forbidden is not None and bool(inp.housing_forbidden[b, o, t])


def _pinned_years(inp: ModelInputs) -> dict[int, int]:
    pos = {bid: i for i, bid in enumerate(inp.block_ids)}
    return {pos[p.block_id]: p.year for p in inp.pins if p.year is not None and p.measure == "connection"}


def _forbidden(inp: ModelInputs) -> dict[int, set[int]]:
    pos = {bid: i for i, bid in enumerate(inp.block_ids)}
    out: dict[int, set[int]] = {}
    for p in inp.pins:
        out.setdefault(pos[p.block_id], set()).update(p.forbid_years)
    return out


def lp_guide(
    inp: ModelInputs, idx: Index, lp: np.ndarray, threshold: float = 0.5
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """From an LP solution: option, priority and target year index per block.

    Option: largest end-of-horizon share; priority: LP years not yet switched; target: first
    year the LP has at least ``threshold`` of the block switched.
    """
    val = np.append(lp, 0.0)
    share = np.where(idx.x[:, :, -1] >= 0, val[idx.x[:, :, -1]], -1.0)
    opt = np.where(share.max(axis=1) >= 0, share.argmax(axis=1), -1)
    on = np.clip(val[idx.x].sum(axis=1), 0, 1)  # (B, T) switched share per year
    on = np.where(inp.need_switch[:, None], on, val[idx.ind])
    waiting = (1.0 - on).sum(axis=1)
    half = on >= threshold - 1e-6
    target = np.where(half.any(axis=1), half.argmax(axis=1), len(inp.years) - 1)
    return opt, waiting, target


def greedy_schedule(
    inp: ModelInputs,
    idx: Index,
    lp: np.ndarray | None = None,
    threshold: float = 0.5,
    book: CutBook | None = None,
    grid_limits: list[tuple[int, int, float, float]] | None = None,
) -> Schedule:
    """A schedule that respects capacities, budgets, sources and cuts where it can (not guaranteed).

    With ``lp`` (an LP-relaxation solution) options and order follow the LP: a relax-and-round
    start; a block waits until the LP has ``threshold`` of it switched. ``book``: the cuts so far;
    ``grid_limits``: the grid cuts so far (``grid_rows.grid_limits``).
    """
    s = Schedule.empty(inp)
    opt = _choose_options(inp, idx)
    gas = (inp.heat_gas_m3 + inp.cook_gas_m3) / inp.dwellings
    prio = -gas
    target = np.zeros(inp.n_blocks, dtype=int)
    if lp is not None:
        lp_opt, prio, target = lp_guide(inp, idx, lp, threshold)
        opt = np.where(lp_opt >= 0, lp_opt, opt)
    todo = np.nonzero(inp.active & ((opt >= 0) | ~inp.need_switch))[0]
    pinned, forbidden = _pinned_years(inp), _forbidden(inp)
    order = sorted(todo.tolist(), key=lambda b: (b not in pinned, prio[b]))
    preset = lp_reinforcements(inp, idx, lp) if lp is not None else None
    loads = _Loads(inp, book.fresh() if book is not None else None, grid_limits or [], preset)
    floor = None if idx.elastic else inp.floor_cumulative()
    done = 0.0  # existing dwellings switched before year t
    per_year: list[tuple[dict[str, float], dict[str, float]]] = []
    for t, year in enumerate(inp.years):
        used = {"switch": 0.0, "ins": 0.0, "ind": 0.0, "budget": 0.0}
        owner_used: dict[str, float] = {}
        per_year.append((used, owner_used))
        left = []
        early = _cannot_wait(inp, order, t)
        for b in order:
            ok = pinned.get(b, year) == year and year not in forbidden.get(b, set())
            short = floor is not None and inp.need_switch[b] and done + used["switch"] < floor[t] - 1e-6
            ok &= t >= target[b] or b in pinned or b in early or short
            o = int(opt[b]) if inp.need_switch[b] else -1
            if ok and o >= 0:
                state = loads.state(b, o, t, int(year))
                if state == "full":
                    o, state = _fallback(inp, idx, loads, b, o, t, int(year))
                    if state == "full" and idx.x[b, OPTIONS.index("hp"), 0] < 0:
                        o, state = _make_room(inp, idx, loads, s, b, o, t, int(year))
                    opt[b] = o
                ok = state == "fits" and not _housing_forbids(inp, b, o, t)
            if ok and o < 0 and loads.grid is not None:  # induction alone loads the grid too
                ok = loads.grid.needs(b, -1, t, bool(inp.need_induction[b])) is not None
            n = inp.dwellings[b]
            lev = inp.level_of_option[o] if o >= 0 else -1
            ins = lev >= 0 and idx.ins[b, lev, 0] >= 0
            eur = _block_invest(inp, b, o, lev if ins else -1)
            if not (ok and _fits(inp, used, owner_used, b, n, eur, ins, t)):
                left.append(b)
                continue
            _place(inp, s, b, o, lev if ins else -1, int(year))
            _book(inp, used, owner_used, b, eur, ins)
            loads.add(b, o, t)
        order = left
        done += used["switch"]
    if loads.grid is not None:
        _repair(inp, idx, s, loads, opt, order, per_year, set(pinned) | set(forbidden))
    if lp is not None:
        placed = s.induction_year.copy()
        _best_years(inp, idx, s)
        if loads.grid is not None:
            loads.grid.keep_within(s, placed)
    _corporation_insulation(inp, idx, s, opt)
    s.fill_edges(inp)
    if loads.grid is not None:
        s.reinforce_year = loads.grid.settle(s)
    return s


def _repair(
    inp: ModelInputs,
    idx: Index,
    s: Schedule,
    loads: _Loads,
    opt: np.ndarray,
    left: list[int],
    per_year: list[tuple[dict[str, float], dict[str, float]]],
    fixed: set[int],
) -> None:
    """Blocks the year-by-year pass left out: each in the latest year where it still fits.

    A grid that has to wait for its reinforcements crowds the last years; a block that could have
    gone earlier (its LP year was late) takes an earlier year with room left.
    """
    for b in left:
        if b in fixed:
            continue
        if not _repair_one(inp, idx, s, loads, opt, b, per_year):
            _free_grid(inp, idx, s, loads, b)
            _repair_one(inp, idx, s, loads, opt, b, per_year)


def _free_grid(inp: ModelInputs, idx: Index, s: Schedule, loads: _Loads, b: int) -> None:
    """Room behind block b's stations and feeders: the heat-pump blocks there move to a network.

    Only without budgets and a yearly insulation limit (a move changes the block's investment
    and insulation level, not its year).
    """
    hp = OPTIONS.index("hp")
    g = loads.grid
    if g is None or inp.budget_total is not None or inp.budget_owner or inp.cap_insulate is not None:
        return
    pinned = {p.block_id for p in inp.pins if p.option is not None}
    for e in g.of_block.get(b, []):
        for c in (int(c) for c in g.g.members[e] if s.option[c] == hp and inp.block_ids[c] not in pinned):
            tc = int(s.switch_year[c] - inp.years[0])
            loads.remove(c, hp, tc)
            for alt in range(len(OPTIONS)):
                ok = alt != hp and idx.x[c, alt, tc] >= 0 and idx.ub[idx.x[c, alt, tc]] > 0
                if ok and loads.state(c, alt, tc, int(inp.years[tc])) == "fits":
                    loads.add(c, alt, tc, with_ind=False)
                    lev = inp.level_of_option[alt]
                    ins = lev >= 0 and idx.ins[c, lev, 0] >= 0
                    s.option[c], s.ins_level[c] = alt, lev if ins else -1
                    s.insulation_year[c] = s.insulation_year[c] if ins else NEVER
                    break
            else:
                loads.add(c, hp, tc, with_ind=False)


def _repair_one(
    inp: ModelInputs,
    idx: Index,
    s: Schedule,
    loads: _Loads,
    opt: np.ndarray,
    b: int,
    per_year: list[tuple[dict[str, float], dict[str, float]]],
) -> bool:
    """Block b in the latest year where it fits (True if placed)."""
    n = inp.dwellings[b]
    for t in range(len(inp.years) - 1, -1, -1):
        year = int(inp.years[t])
        o = int(opt[b]) if inp.need_switch[b] else -1
        if o >= 0:
            state = loads.state(b, o, t, year)
            if state == "full":
                o, state = _fallback(inp, idx, loads, b, o, t, year)
            if state != "fits":
                continue
        elif loads.grid_full(b, -1, t):
            continue
        lev = inp.level_of_option[o] if o >= 0 else -1
        ins = lev >= 0 and idx.ins[b, lev, 0] >= 0
        eur = _block_invest(inp, b, o, lev if ins else -1)
        used, owner_used = per_year[t]
        if not _fits(inp, used, owner_used, b, n, eur, ins, t):
            continue
        _place(inp, s, b, o, lev if ins else -1, year)
        _book(inp, used, owner_used, b, eur, ins)
        loads.add(b, o, t)
        opt[b] = o
        return True
    return False


def _cannot_wait(inp: ModelInputs, order: list[int], t: int) -> set[int]:
    """Blocks that may not wait for their LP year: what later years up to the deadline cannot take.

    Under a yearly switching or induction capacity, the dwellings still to do beyond what the years
    after ``t`` (to the deadline) can take must go now; the first blocks in the LP's order do (for
    induction, blocks that only need induction first: they take no switching capacity). Blocks
    are indivisible, so a later year is counted at its capacity less a median block of those
    still to do (what packing typically leaves unused): without it the last years are filled to
    within a few dwellings and a small block misses the deadline.
    """
    out: set[int] = set()
    last = inp.year_pos(inp.deadline)
    limits = ((inp.cap_switch, inp.need_switch, False), (inp.cap_induction, inp.need_induction, True))
    for cap, need, only_first in limits:
        if cap is None or t > last:
            continue
        todo = [b for b in order if need[b]]
        if only_first:  # induction-only blocks first: they take no switching capacity
            todo.sort(key=lambda b: bool(inp.need_switch[b]))
        n = inp.dwellings[todo]
        if not len(n):
            continue
        later = np.maximum(cap[t + 1 : last + 1] - float(np.median(n)), 0.0)
        excess = n.sum() - later.sum()
        if excess <= 0:
            continue
        k = int(np.searchsorted(np.cumsum(n), excess)) + 1  # enough blocks to cover the excess
        out.update(todo[:k])
    return out


def _fallback(
    inp: ModelInputs, idx: Index, loads: _Loads, b: int, o: int, t: int, year: int
) -> tuple[int, str]:
    """A network is full: a heat pump if the block may take one, else the other network if it fits."""
    hp = OPTIONS.index("hp")
    if o != hp and idx.x[b, hp, 0] >= 0:
        state = loads.state(b, hp, t, year)
        if state != "full" or not loads.grid_full(b, hp, t):
            return hp, state
    for alt in range(len(OPTIONS)):
        if alt != o and idx.x[b, alt, -1] >= 0 and idx.ub[idx.x[b, alt, -1]] > 0:
            state = loads.state(b, alt, t, year)
            if state == "fits":
                return alt, state
    return o, "full"


def _make_room(
    inp: ModelInputs, idx: Index, loads: _Loads, s: Schedule, b: int, o: int, t: int, year: int
) -> tuple[int, str]:
    """Make room for a block that may not take a heat pump on a full network.

    Blocks already placed on a network whose label is the heat pump's (LT: both A) move to heat
    pumps until b fits there.

    Only without budgets and cuts (a move changes a block's investment, not its year or insulation).
    """
    hp = OPTIONS.index("hp")
    if loads.book is not None or inp.budget_total is not None or inp.budget_owner:
        return o, "full"
    pinned = {p.block_id for p in inp.pins if p.option is not None}
    for alt in range(len(OPTIONS)):
        if alt == hp or idx.x[b, alt, -1] < 0 or inp.level_of_option[alt] != inp.level_of_option[hp]:
            continue
        src = inp.block_source[b, alt]
        movable = np.nonzero((s.option == alt) & (inp.block_source[:, alt] == src) & (idx.x[:, hp, -1] >= 0))[
            0
        ]
        moved = []
        for c in movable:
            tc = int(s.switch_year[c] - inp.years[0])
            if (
                inp.block_ids[c] in pinned
                or idx.ub[idx.x[c, hp, -1]] <= 0
                or loads.grid_full(int(c), hp, tc, False)
            ):
                continue
            loads.remove(int(c), alt, tc)
            s.option[c] = hp
            moved.append((int(c), tc))
            if loads.state(b, alt, t, year) == "fits":
                for c2, tc2 in moved:
                    loads.add(c2, hp, tc2, with_ind=False)
                return alt, "fits"
        for c2, tc2 in moved:  # not enough room: undo
            s.option[c2] = alt
            loads.add(c2, alt, tc2, with_ind=False)
    return o, "full"


def _corporation_insulation(inp: ModelInputs, idx: Index, s: Schedule, opt: np.ndarray) -> None:
    """Corporation E-G blocks: insulation no later than the agreed year, in the latest year with room.

    A block not switched within the horizon is insulated to the label its planned option needs.
    """
    on = efg_blocks(inp, idx.ins)
    if not on.any() or inp.corp_efg_year is None:
        return
    due = max(inp.year_pos(inp.corp_efg_year), 0)
    cap = inp.cap_insulate
    used = np.zeros(len(inp.years))
    done = s.ins_level >= 0
    np.add.at(used, s.insulation_year[done] - inp.years[0], inp.dwellings[done])
    for b in np.nonzero(on)[0]:
        lev = s.ins_level[b] if s.ins_level[b] >= 0 else (inp.level_of_option[opt[b]] if opt[b] >= 0 else -1)
        if lev < 0 or idx.ins[b, lev, 0] < 0 or (done[b] and s.insulation_year[b] <= inp.years[due]):
            continue
        room = [t for t in range(due, -1, -1) if cap is None or used[t] + inp.dwellings[b] <= cap[t] + 1e-6]
        if not room:
            continue
        if done[b]:
            used[s.insulation_year[b] - inp.years[0]] -= inp.dwellings[b]
        used[room[0]] += inp.dwellings[b]
        s.ins_level[b], s.insulation_year[b] = lev, int(inp.years[room[0]])


def _best_years(inp: ModelInputs, idx: Index, s: Schedule) -> None:
    """Move insulation and induction to their cheapest year up to the switch.

    Only when no yearly insulation/induction capacity, budget or pin couples the blocks.
    """
    if inp.budget_total is not None or inp.budget_owner or inp.pins:
        return
    move_ins, move_ind = inp.cap_insulate is None, inp.cap_induction is None
    g = gas_weight(inp)
    t_ = len(inp.years)
    ins, ind = insulation_npv(inp), induction_npv(inp)
    window = t_ if inp.induction_window is None else inp.induction_window
    for b in np.nonzero(s.option >= 0)[0]:
        last = int(s.switch_year[b] - inp.years[0])
        if move_ins and s.ins_level[b] >= 0:
            k = s.ins_level[b]
            save = np.array([g[t:last].sum() for t in range(t_)]) * inp.gas_saving_m3[b, k]
            cost = ins[b, k] - save
            s.insulation_year[b] = inp.years[int(np.argmin(cost[: last + 1]))]
        if move_ind and inp.need_induction[b]:
            save = np.array([g[t:last].sum() for t in range(t_)]) * inp.cook_gas_m3[b]
            cost = ind[b] - save
            first = max(last - window, 0)
            s.induction_year[b] = inp.years[first + int(np.argmin(cost[first : last + 1]))]


class _Loads:
    """Source, (binding) segment and grid loads per year, for the greedy's capacity checks."""

    def __init__(
        self,
        inp: ModelInputs,
        book: CutBook | None = None,
        grid_limits: list[tuple[int, int, float, float]] = (),  # type: ignore[assignment]
        preset: np.ndarray | None = None,
    ) -> None:
        self.inp, self.book = inp, book
        self.grid = GridBook(inp, list(grid_limits), preset) if inp.grid is not None else None
        self.src_used = {sid: inp.new_build_source_load_kw(str(sid)) for sid in inp.sources["source_id"]}
        self.src_cap = dict(zip(inp.sources["source_id"], inp.sources["capacity_kw"], strict=True))
        self.avail = dict(zip(inp.sources["source_id"], inp.sources["available_year"], strict=True))
        self.rows = {r: sg.cap_rows for r, sg in inp.segments.items()}
        self.row_used = {r: np.zeros((len(rs), len(inp.years))) for r, rs in self.rows.items()}
        self.scale = {}
        self.block_rows: dict[str, dict[int, list[int]]] = {}
        for r, rs in self.rows.items():
            o = OPTIONS.index(r)
            self.scale[r] = np.array(
                [row.design_peak_kw / max(inp.peak_kw[row.members, o].sum(), 1e-9) for row in rs]
            )
            by_block: dict[int, list[int]] = {}
            for k, row in enumerate(rs):
                for b in row.members:
                    by_block.setdefault(int(b), []).append(k)
            self.block_rows[r] = by_block

    def fits(self, b: int, o: int, t: int, year: int) -> bool:
        """True if block b can take option o in year t (index) without overloading a source or edge.

        Every later year counts too: new builds keep adding load to a source.
        """
        inp = self.inp
        src = inp.block_source[b, o]
        if src and (
            self.avail[src] > year or self.src_used[src][t:].max() + inp.source_kw[b, o] > self.src_cap[src]
        ):
            return False
        r = OPTIONS[o]
        for k in self.block_rows.get(r, {}).get(b, []):
            if (
                self.row_used[r][k, t] + inp.peak_kw[b, o] * self.scale[r][k]
                > self.rows[r][k].capacity_kw + 1e-6
            ):
                return False
        return not self.grid_full(b, o, t)

    def grid_full(self, b: int, o: int, t: int, with_ind: bool | None = None) -> bool:
        """True if the grid behind block b cannot take option o (and its induction) from year index t."""
        if self.grid is None:
            return False
        ind = bool(self.inp.need_induction[b]) if with_ind is None else with_ind
        return self.grid.needs(b, o, t, ind) is None

    def state(self, b: int, o: int, t: int, year: int) -> str:
        """Placement state: "fits", "later" (a cut wants a later year or other blocks first) or "full"."""
        if not self.fits(b, o, t, year):
            return "full"
        if self.book is None:
            return "fits"
        up, low = self.book.check(b, o, t)
        if up and low:
            return "fits"
        if not up and not self.book.check(b, o, len(self.inp.years) - 1)[0]:
            return "full"  # not even in the last year: the cut caps this option for good
        return "later"

    def remove(self, b: int, o: int, t: int) -> None:
        """Take back block b's load on option o from year index t on (not for cuts)."""
        inp = self.inp
        src = inp.block_source[b, o]
        if src:
            self.src_used[src][t:] -= inp.source_kw[b, o]
        r = OPTIONS[o]
        for k in self.block_rows.get(r, {}).get(b, []):
            self.row_used[r][k, t:] -= inp.peak_kw[b, o] * self.scale[r][k]
        if self.grid is not None:
            self.grid.remove(b, o, t)

    def add(self, b: int, o: int, t: int, with_ind: bool | None = None) -> None:
        """Book block b's load on option o (-1: induction alone) from year index t on.

        ``with_ind``: its induction too (default: if it cooks with gas; a move between options: no).
        """
        inp = self.inp
        if self.grid is not None:
            self.grid.add(b, o, t, bool(inp.need_induction[b]) if with_ind is None else with_ind)
        if o < 0:
            return
        if self.book is not None:
            self.book.add(b, o, t)
        src = inp.block_source[b, o]
        if src:
            self.src_used[src][t:] += inp.source_kw[b, o]
        r = OPTIONS[o]
        for k in self.block_rows.get(r, {}).get(b, []):
            self.row_used[r][k, t:] += inp.peak_kw[b, o] * self.scale[r][k]


def _block_invest(inp: ModelInputs, b: int, o: int, lev: int) -> float:
    eur = inp.induction_cost_eur[b] if inp.need_induction[b] else 0.0
    if o >= 0 and inp.need_switch[b]:
        eur += inp.conn_cost_eur[b, o] + inp.source_cost_eur[b, o]
    eur += inp.gas_removal_eur[b]
    if lev >= 0:
        eur += inp.ins_cost_eur[b, lev]
    return float(eur)


def _fits(
    inp: ModelInputs,
    used: dict[str, float],
    owner_used: dict[str, float],
    b: int,
    n: float,
    eur: float,
    ins: bool,
    t: int,
) -> bool:
    def at(cap: np.ndarray | None) -> float | None:
        return None if cap is None else float(cap[t])

    checks = [
        (at(inp.cap_switch), used["switch"] + (n if inp.need_switch[b] else 0.0)),
        (at(inp.cap_insulate), used["ins"] + (n if ins else 0.0)),
        (at(inp.cap_induction), used["ind"] + (n if inp.need_induction[b] else 0.0)),
        (inp.budget_total, used["budget"] + eur),
        (inp.budget_owner.get(inp.owner[b]), owner_used.get(inp.owner[b], 0.0) + eur),
    ]
    return all(limit is None or value <= limit + 1e-6 for limit, value in checks)


def _book(
    inp: ModelInputs, used: dict[str, float], owner_used: dict[str, float], b: int, eur: float, ins: bool
) -> None:
    """Count block b's dwellings and investment in its year's capacities and budgets."""
    n = inp.dwellings[b]
    used["switch"] += n if inp.need_switch[b] else 0.0
    used["ins"] += n if ins else 0.0
    used["ind"] += n if inp.need_induction[b] else 0.0
    used["budget"] += eur
    owner_used[inp.owner[b]] = owner_used.get(inp.owner[b], 0.0) + eur


def _place(inp: ModelInputs, s: Schedule, b: int, o: int, lev: int, year: int) -> None:
    if o >= 0:
        s.option[b], s.switch_year[b] = o, year
    if lev >= 0:
        s.ins_level[b], s.insulation_year[b] = lev, year
    if inp.need_induction[b]:
        s.induction_year[b] = year
