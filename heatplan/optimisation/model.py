"""The Pyomo sequencing model, built family by family from precomputed index arrays.

Decisions are monotone "done by year t" binaries: ``X[b,o,t]`` block b switched to option o,
``I[b,l,t]`` insulated to level l, ``D[b,t]`` cooking on induction, ``E[r,s,t]`` network segment
built. Each constraint family is one small function returning its rows as a sparse block
(``Rows``); ``build_model`` turns every block into one Pyomo ``Constraint`` named after the family.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from heatplan.optimisation.inputs import OPTIONS, ModelInputs

INF = float("inf")
MISS_PENALTY_EUR_PER_DWELLING = 1.0e6
LATE_PENALTY_EUR_PER_DWELLING_YR = 1.0e4
PIN_PENALTY_EUR = 1.0e9
#: Diagnostic run: a corporation dwelling still labelled E-G after the agreed year (below the
#: penalty for missing the deadline, so the gas-free year comes first).
EFG_PENALTY_EUR_PER_DWELLING = 1.0e5


@dataclass
class Rows:
    """A block of linear rows ``lb <= sum(val * var[col]) <= ub`` (one-sided or equality)."""

    ptr: list[int] = field(default_factory=lambda: [0])
    cols: list[int] = field(default_factory=list)
    vals: list[float] = field(default_factory=list)
    lb: list[float] = field(default_factory=list)
    ub: list[float] = field(default_factory=list)
    names: list[str] = field(default_factory=list)

    def add(
        self, cols: Iterable[int], vals: Iterable[float], lb: float = -INF, ub: float = INF, name: str = ""
    ) -> None:
        """Append one row; columns < 0 (variables that do not exist) are dropped, repeats summed."""
        acc: dict[int, float] = {}
        for c, v in zip(cols, vals, strict=True):
            if c >= 0:
                acc[int(c)] = acc.get(int(c), 0.0) + float(v)
        for c, v in acc.items():
            if v != 0.0:
                self.cols.append(c)
                self.vals.append(v)
        self.ptr.append(len(self.cols))
        self.lb.append(lb)
        self.ub.append(ub)
        self.names.append(name)

    def add_block(self, cols: np.ndarray, vals: np.ndarray, lb: float = -INF, ub: float = INF) -> None:
        """Append many rows at once: row i has columns ``cols[i]`` (-1 dropped) and values ``vals[i]``."""
        if not len(cols):
            return
        vals = np.broadcast_to(vals, cols.shape)
        keep = (cols >= 0) & (vals != 0.0)
        self.cols.extend(cols[keep].tolist())
        self.vals.extend(vals[keep].astype(float).tolist())
        self.ptr.extend((self.ptr[-1] + np.cumsum(keep.sum(axis=1))).tolist())
        self.lb.extend([lb] * len(cols))
        self.ub.extend([ub] * len(cols))
        self.names.extend([""] * len(cols))

    def __len__(self) -> int:
        return len(self.lb)


@dataclass
class Index:
    """Column numbers of every decision (-1 where it does not exist)."""

    x: np.ndarray  # (B, O, T)
    ins: np.ndarray  # (B, L, T)
    ind: np.ndarray  # (B, T)
    edge: dict[str, np.ndarray]  # regime -> (S, T)
    miss: np.ndarray  # (B,)
    pin_slack: np.ndarray  # (P,)
    n_binary: int
    n_cont: int
    lb: np.ndarray  # per column
    ub: np.ndarray  # per column
    efg: np.ndarray | None = (
        None  # (B,) diagnostic run: share of a corporation E-G block not insulated in time
    )
    elastic: bool = False  # the diagnostic run (soft deadline and pins, no pace floor)
    reinf: np.ndarray | None = None  # (E, T) grid element reinforced by year t (optimisation.grid_rows)


def make_index(inp: ModelInputs, elastic: bool) -> Index:
    """Number the decisions; bounds encode source availability and new builds' networks."""
    nb_, t_ = inp.n_blocks, len(inp.years)
    counter = iter(range(10**9))
    sw = inp.active & inp.need_switch
    x = np.full((nb_, len(OPTIONS), t_), -1)
    for b, o in zip(*np.nonzero(sw[:, None] & inp.allowed), strict=True):
        x[b, o] = [next(counter) for _ in range(t_)]
    level_used = np.zeros((nb_, len(inp.levels)), dtype=bool)
    for o, lev in enumerate(inp.level_of_option):
        if lev >= 0:
            level_used[:, lev] |= inp.allowed[:, o]
    ins = np.full((nb_, len(inp.levels), t_), -1)
    for b, lev in zip(*np.nonzero(inp.ins_needed & level_used & sw[:, None]), strict=True):
        ins[b, lev] = [next(counter) for _ in range(t_)]
    ind = np.full((nb_, t_), -1)
    for b in np.nonzero(inp.active & inp.need_induction)[0]:
        ind[b] = [next(counter) for _ in range(t_)]
    edge = {
        r: np.array([[next(counter) for _ in range(t_)] for _ in range(len(s.cost_eur))], dtype=int).reshape(
            -1, t_
        )
        for r, s in inp.segments.items()
    }
    from heatplan.optimisation.grid_rows import reinforcement_bounds, reinforcement_columns

    start = next(counter)
    reinf = reinforcement_columns(inp, x, ind, start)
    n_bin = start + int((reinf >= 0).sum())
    cont = iter(range(n_bin, 10**9))
    miss = np.full(nb_, -1)
    if elastic:
        miss[inp.active] = [next(cont) for _ in range(int(inp.active.sum()))]
    slack = np.array([next(cont) for _ in inp.pins] if elastic else [-1] * len(inp.pins), dtype=int)
    efg = np.full(nb_, -1)
    if elastic:
        for b in np.nonzero(efg_blocks(inp, ins))[0]:
            efg[b] = next(cont)
    n_all = next(cont)
    lb, ub = np.zeros(n_all), np.ones(n_all)
    ub[n_bin:] = INF
    ub[miss[miss >= 0]] = 1.0
    ub[efg[efg >= 0]] = 1.0
    _availability_bounds(inp, x, ub)
    _new_build_bounds(inp, edge, lb)
    reinforcement_bounds(inp, reinf, lb, ub)
    return Index(x, ins, ind, edge, miss, slack, n_bin, n_all - n_bin, lb, ub, efg, elastic, reinf)


def efg_blocks(inp: ModelInputs, ins: np.ndarray) -> np.ndarray:
    """(B,) corporation E-G blocks the label rule applies to: rule on, insulation decisions exist."""
    if inp.corp_efg is None or inp.corp_efg_year is None or inp.corp_efg_year > inp.years[-1]:
        return np.zeros(inp.n_blocks, dtype=bool)
    return inp.corp_efg & (ins[:, :, 0] >= 0).any(axis=1)


def _availability_bounds(inp: ModelInputs, x: np.ndarray, ub: np.ndarray) -> None:
    avail = dict(zip(inp.sources["source_id"], inp.sources["available_year"], strict=True))
    for o in range(2):
        for b in np.nonzero(x[:, o, 0] >= 0)[0]:
            first = avail.get(inp.block_source[b, o], 10**6)
            early = inp.years < first
            ub[x[b, o, early]] = 0.0


def _new_build_bounds(inp: ModelInputs, edge: dict[str, np.ndarray], lb: np.ndarray) -> None:
    for b in np.nonzero(inp.new_build_year <= inp.years[-1])[0]:
        for r, seg in inp.segments.items():
            if inp.new_build_opt(b) == r:
                s = seg.block_segment[b]
                while s >= 0:
                    lb[edge[r][s, inp.years >= inp.new_build_year[b]]] = 1.0
                    s = seg.parent[s]


def status(idx: Index, b: int) -> np.ndarray:
    """Columns (O, T) of block b's switch decisions."""
    return idx.x[b]


# ---- constraint families -------------------------------------------------------------------


def monotone(inp: ModelInputs, idx: Index) -> Rows:
    """Done stays done: V[t-1] <= V[t] for X, I and D, and for E when a budget counts segments.

    Without a total budget segments need no such rows: every E[s,t] has a positive cost
    coefficient (C_t - C_{t+1} > 0, C_t the NPV from t), so at the optimum E[s,t] is the smallest the path
    rows allow, the largest X below it, which is monotone. The total budget rows count
    E[t] - E[t-1], so there an "un-built" segment would free budget: the rows are needed.
    Schedules are read with segments built at their first use.
    """
    rows = Rows()
    t_ = len(inp.years)
    arrays = [idx.x.reshape(-1, t_), idx.ins.reshape(-1, t_), idx.ind]
    if inp.budget_total is not None:
        arrays += [e for e in idx.edge.values() if e.size]
    if idx.reinf is not None and idx.reinf.size:
        arrays.append(idx.reinf)  # the yearly number of reinforcements counts R[t] - R[t-1]
    for arr in arrays:
        arr = arr.reshape(-1, t_)
        arr = arr[arr[:, 0] >= 0]
        if len(arr) and t_ > 1:
            pairs = np.stack([arr[:, :-1].ravel(), arr[:, 1:].ravel()], axis=1)
            rows.add_block(pairs, np.array([1.0, -1.0]), ub=0.0)
    return rows


def one_option(inp: ModelInputs, idx: Index) -> Rows:
    """At most one heat option per block, and at most one insulation target."""
    rows = Rows()
    last = -1
    for b in np.nonzero(idx.x[:, :, last].max(axis=1) >= 0)[0]:
        rows.add(idx.x[b, :, last], np.ones(len(OPTIONS)), ub=1.0)
        free_opts = [
            idx.x[b, o, last]
            for o in range(len(OPTIONS))
            if inp.level_of_option[o] < 0 or idx.ins[b, inp.level_of_option[o], 0] < 0
        ]
        cols = [*idx.ins[b, :, last], *free_opts]
        if sum(c >= 0 for c in idx.ins[b, :, last]) >= 1 and sum(c >= 0 for c in cols) >= 2:
            rows.add(cols, np.ones(len(cols)), ub=1.0)
    return rows


def deadline(inp: ModelInputs, idx: Index) -> Rows:
    """Every active block switched and on induction by the deadline (elastic: slack ``miss``)."""
    rows = Rows()
    t = inp.year_pos(inp.deadline)
    if t >= len(inp.years):
        return rows
    for b in np.nonzero(inp.active)[0]:
        m = int(idx.miss[b])
        if inp.need_switch[b]:
            rows.add([*idx.x[b, :, t], m], [*np.ones(len(OPTIONS)), 1.0], lb=1.0, name=str(inp.block_ids[b]))
        if inp.need_induction[b]:
            rows.add([idx.ind[b, t], m], [1.0, 1.0], lb=1.0, name=str(inp.block_ids[b]))
    return rows


def insulation_before_switch(inp: ModelInputs, idx: Index) -> Rows:
    """A block switches to an option only when insulated to the label that option needs.

    One row per block, level and year over every option needing that level,
    ``sum_{o: l(o)=l} X[b,o,t] <= I[b,l,t]`` (at most one option is taken, so this is valid; a row
    per option would let the LP split a block between two options and pay half the insulation).
    """
    rows = Rows()
    for lev in range(len(inp.levels)):
        opts = [o for o, lv in enumerate(inp.level_of_option) if lv == lev]
        ok = idx.ins[:, lev, 0] >= 0
        xs = idx.x[ok][:, opts].transpose(0, 2, 1).reshape(-1, len(opts))  # (B*T, opts)
        cols = np.concatenate([xs, idx.ins[ok, lev].reshape(-1, 1)], axis=1)
        cols = cols[(cols[:, :-1] >= 0).any(axis=1)]
        rows.add_block(cols, np.array([1.0] * len(opts) + [-1.0]), ub=0.0)
    return rows


def induction_before_disconnect(inp: ModelInputs, idx: Index) -> Rows:
    """Gas is disconnected at the switch, so induction cooking must be in place by then."""
    rows = Rows()
    ok = (idx.ind[:, 0] >= 0) & (idx.x[:, :, 0].max(axis=1) >= 0)
    cols = np.concatenate([idx.x[ok].transpose(0, 2, 1), idx.ind[ok][:, :, None]], axis=2).reshape(
        -1, len(OPTIONS) + 1
    )
    rows.add_block(cols, np.array([1.0] * len(OPTIONS) + [-1.0]), ub=0.0)
    return rows


def network_path(inp: ModelInputs, idx: Index) -> Rows:
    """A block joins a network only when its segment (and so every segment up to the source) is built."""
    rows = Rows()
    for r, seg in inp.segments.items():
        o = OPTIONS.index(r)
        e = idx.edge[r]
        ok = (idx.x[:, o, 0] >= 0) & (seg.block_segment >= 0)
        pairs = np.stack([idx.x[ok, o].ravel(), e[seg.block_segment[ok]].ravel()], axis=1)
        rows.add_block(pairs, np.array([1.0, -1.0]), ub=0.0)
        child = np.nonzero(seg.parent >= 0)[0]
        pairs = np.stack([e[child].ravel(), e[seg.parent[child]].ravel()], axis=1)
        rows.add_block(pairs, np.array([1.0, -1.0]), ub=0.0)
    return rows


def _yearly_flow(
    rows: Rows, cols: np.ndarray, weight: np.ndarray, cap: float | np.ndarray, name: str
) -> None:
    """Rows sum_b w_b (V[b,t] - V[b,t-1]) <= cap_t for every year; ``cols`` is (N, T), ``cap`` (T,) or one."""
    ok = cols[:, 0] >= 0
    cols, weight = cols[ok], weight[ok]
    if not len(cols):
        return
    caps = np.broadcast_to(np.asarray(cap, dtype=float), (cols.shape[1],))
    for t in range(cols.shape[1]):
        prev = cols[:, t - 1] if t > 0 else np.full(len(cols), -1)
        rows.add([*cols[:, t], *prev], [*weight, *(-weight)], ub=float(caps[t]), name=f"{name}:{t}")


def capacity(inp: ModelInputs, idx: Index) -> Rows:
    """Yearly dwellings switched, insulated and converted to induction (scenario capacities)."""
    rows = Rows()
    n = inp.dwellings
    if inp.cap_switch is not None:
        for_t = idx.x.transpose(1, 0, 2)
        nonempty = [(for_t[o], n) for o in range(len(OPTIONS))]
        cols = np.concatenate([c for c, _ in nonempty])
        w = np.concatenate([w for _, w in nonempty])
        _yearly_flow(rows, cols, w, inp.cap_switch, "switch")
    if inp.cap_insulate is not None:
        cols = idx.ins.transpose(1, 0, 2).reshape(-1, len(inp.years))
        _yearly_flow(rows, cols, np.tile(n, len(inp.levels)), inp.cap_insulate, "insulate")
    if inp.cap_induction is not None:
        _yearly_flow(rows, idx.ind, n, inp.cap_induction, "induction")
    return rows


def pace_floor(inp: ModelInputs, idx: Index) -> Rows:
    """The programme's pace floor, cumulative: ``sum_{b,o} n_b X[b,o,t] >= F_t`` for every year.

    ``F_t`` (``ModelInputs.floor_cumulative``) is the floor summed from the first year, clipped at
    the dwellings that can switch by then. Cumulative, so an indivisible block may land a year
    early or late as long as the running total holds. Normal run only: the diagnostic (elastic)
    run looks for the earliest gas-free year, which a floor can only hinder.
    """
    rows = Rows()
    floor = inp.floor_cumulative()
    if floor is None or idx.elastic:
        return rows
    for t, year in enumerate(inp.years):
        bs, os_ = np.nonzero(idx.x[:, :, t] >= 0)
        if floor[t] > 0 and len(bs):
            rows.add(idx.x[bs, os_, t], inp.dwellings[bs], lb=float(floor[t]), name=f"floor:{year}")
    return rows


def induction_window(inp: ModelInputs, idx: Index) -> Rows:
    """Blok voor blok: induction at most k years before the heat switch, ``D[b,t] <= S[b,t+k]``.

    For blocks that switch heat and cook with gas; k = ``programme.induction_max_years_before_switch``.
    Years with ``t + k`` beyond the horizon have no row (the switch may come after it).
    """
    rows = Rows()
    k = inp.induction_window
    t_ = len(inp.years)
    if k is None or k >= t_:
        return rows
    ok = (idx.ind[:, 0] >= 0) & (idx.x[:, :, 0].max(axis=1) >= 0)
    ind = idx.ind[ok, : t_ - k, None]  # (N, T-k, 1)
    later = idx.x[ok][:, :, k:].transpose(0, 2, 1)  # (N, T-k, O)
    cols = np.concatenate([ind, later], axis=2).reshape(-1, 1 + len(OPTIONS))
    rows.add_block(cols, np.array([1.0] + [-1.0] * len(OPTIONS)), ub=0.0)
    return rows


def corporation_labels(inp: ModelInputs, idx: Index) -> Rows:
    """Corporations' E, F and G labels gone by year Y: ``sum_l I[b,l,Y] (+ efg[b]) >= 1``.

    For corporation blocks labelled E-G today (Nationale Prestatieafspraken 2022); every
    insulation level an option needs (B, A) is better than D, so any insulation lifts the label.
    Diagnostic run: the slack ``efg[b]`` (penalised) shows the blocks that cannot make it.
    """
    rows = Rows()
    on = efg_blocks(inp, idx.ins)
    if not on.any() or inp.corp_efg_year is None:
        return rows
    t = max(inp.year_pos(inp.corp_efg_year), 0)
    slack = idx.efg if idx.efg is not None else np.full(inp.n_blocks, -1)
    for b in np.nonzero(on)[0]:
        cols = [*idx.ins[b, :, t], int(slack[b])]
        rows.add(cols, np.ones(len(cols)), lb=1.0, name=str(inp.block_ids[b]))
    return rows


def housing_level(inp: ModelInputs, idx: Index) -> Rows:
    """The level-cost rule: no switch to option o in a year t it forbids, ``X[b,o,t] - X[b,o,t-1] <= 0``."""
    rows = Rows()
    if inp.housing_forbidden is None:
        return rows
    b, o, t = np.nonzero(inp.housing_forbidden & (idx.x >= 0))
    prev = np.where(t > 0, idx.x[b, o, np.maximum(t - 1, 0)], -1)
    rows.add_block(np.stack([idx.x[b, o, t], prev], axis=1), np.array([1.0, -1.0]), ub=0.0)
    return rows


def investment_columns(
    inp: ModelInputs, idx: Index, blocks: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Columns (N, T) and undiscounted cost weights (N,) of every block investment (for budgets)."""
    sel = np.ones(inp.n_blocks, dtype=bool) if blocks is None else blocks
    cols, w = [], []
    for o in range(len(OPTIONS)):
        cols.append(idx.x[sel, o])
        w.append(inp.conn_cost_eur[sel, o] + inp.source_cost_eur[sel, o] + inp.gas_removal_eur[sel])
    for lev in range(len(inp.levels)):
        cols.append(idx.ins[sel, lev])
        w.append(inp.ins_cost_eur[sel, lev])
    only_ind = ~inp.need_switch[sel]
    cols.append(idx.ind[sel])
    w.append(inp.induction_cost_eur[sel] + np.where(only_ind, inp.gas_removal_eur[sel], 0.0))
    return np.concatenate(cols), np.concatenate(w)


def budget(inp: ModelInputs, idx: Index) -> Rows:
    """Yearly budget (undiscounted investment), total and per owner (network segments: total only)."""
    rows = Rows()
    if inp.budget_total is not None:
        cols, w = investment_columns(inp, idx)
        for r, seg in inp.segments.items():
            cols = np.concatenate([cols, idx.edge[r]])
            w = np.concatenate([w, seg.cost_eur])
        _yearly_flow(rows, cols, w, inp.budget_total, "budget")
    for owner, eur in inp.budget_owner.items():
        cols, w = investment_columns(inp, idx, inp.owner == owner)
        _yearly_flow(rows, cols, w, eur, f"budget:{owner}")
    return rows


def source_capacity(inp: ModelInputs, idx: Index) -> Rows:
    """Heat delivered at design peak per source and year (kW): new builds' load counted first.

    The capacity is what the plan may use (base + peak boilers - existing district-heating customers).
    """
    rows = Rows()
    for s in inp.sources.itertuples():
        on = inp.block_source == s.source_id
        fixed = inp.new_build_source_load_kw(str(s.source_id))
        for t in range(len(inp.years)):
            bs, os_ = np.nonzero(on & (idx.x[:, :, t] >= 0))
            if len(bs):
                rhs = max(float(s.capacity_kw) - fixed[t], 0.0)
                rows.add(
                    idx.x[bs, os_, t], inp.source_kw[bs, os_], ub=rhs, name=f"{s.source_id}:{inp.years[t]}"
                )
    return rows


def edge_capacity(inp: ModelInputs, idx: Index) -> Rows:
    """Load on an edge within its sized capacity; rows only where the capacity could bind.

    Load = the connected blocks' peaks scaled to the edge's diversified design peak.
    """
    rows = Rows()
    for r, seg in inp.segments.items():
        o = OPTIONS.index(r)
        for row in seg.cap_rows:
            peak_sum = inp.peak_kw[row.members, o].sum()
            if peak_sum <= 0:
                continue
            coef = inp.peak_kw[row.members, o] * row.design_peak_kw / peak_sum
            cols = idx.x[row.members, o].T  # (T, members)
            rows.add_block(cols, np.broadcast_to(coef, cols.shape), ub=float(row.capacity_kw))
    return rows


def _pin_status(inp: ModelInputs, idx: Index, b: int, measure: str) -> np.ndarray:
    """(K, T) columns whose sum is 1 once the pinned measure is done."""
    if measure == "connection":
        return idx.x[b]
    if measure == "insulation":
        return idx.ins[b]
    return idx.ind[b][None, :]


def pins(inp: ModelInputs, idx: Index) -> Rows:
    """Fixed decisions: a measure in a given year, an option, forbidden years (elastic: slack)."""
    rows = Rows()
    pos = {bid: i for i, bid in enumerate(inp.block_ids)}
    for k, pin in enumerate(inp.pins):
        b, sl, nm = pos[pin.block_id], int(idx.pin_slack[k]), pin.name or f"pin {k + 1} ({pin.block_id})"
        st = _pin_status(inp, idx, b, pin.measure)
        ones = np.ones(st.shape[0])
        if pin.year is not None:
            t = pin.year - int(inp.years[0])
            if 0 < t <= len(inp.years):
                rows.add([*st[:, t - 1], sl], [*ones, -1.0], ub=0.0, name=nm)
            if 0 <= t < len(inp.years):
                rows.add([*st[:, t], sl], [*ones, 1.0], lb=1.0, name=nm)
        for y in pin.forbid_years:
            t = y - int(inp.years[0])
            if 0 <= t < len(inp.years):
                prev = st[:, t - 1] if t > 0 else np.full(st.shape[0], -1)
                rows.add([*st[:, t], *prev, sl], [*ones, *(-ones), -1.0], ub=0.0, name=nm)
        if pin.option is not None:
            others = [o for o in range(len(OPTIONS)) if OPTIONS[o] != pin.option]
            rows.add([*idx.x[b, others, -1], sl], [*np.ones(len(others)), -1.0], ub=0.0, name=nm)
    return rows


FAMILIES: dict[str, Callable[[ModelInputs, Index], Rows]] = {
    "monotone": monotone,
    "one_option": one_option,
    "deadline": deadline,
    "insulation_before_switch": insulation_before_switch,
    "induction_before_disconnect": induction_before_disconnect,
    "network_path": network_path,
    "capacity": capacity,
    "pace_floor": pace_floor,
    "induction_window": induction_window,
    "corporation_labels": corporation_labels,
    "housing_level": housing_level,
    "budget": budget,
    "source_capacity": source_capacity,
    "edge_capacity": edge_capacity,
    "pins": pins,
}
