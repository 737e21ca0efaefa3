"""The electricity grid in the optimisation: reinforcements as decisions (issue 15; docs/grid.md).

Per grid element e (an MV/LV station or an LV feeder, ``heatplan.grid.capacity``) and year t the
electric peak the plan adds behind it stays within what the element carries::

    sum_{b in e} ( sum_o k_bo X_bot + i_b D_bt ) - step_e R_et <= room_et

``k_bo`` is block b's added peak on option o (heat pumps; LT boosters; an MT connection adds none
at the block, its pumps draw at the source), ``i_b`` its induction peak, ``R_et`` "reinforced by
year t" (binary, monotone), ``step_e`` what a reinforcement adds, and ``room_et`` the element's
capacity less the load the plan does not decide: the base load of the blocks standing in t
(appliances; heat pumps there today), the new builds' own heat and cooking, and other growth
(electric cars) per standing dwelling. Rows exist only where the plan's load could exceed the
room. Reinforcements are in service from ``grid.first_reinforcement_year`` on, at most
``grid.reinforcements_per_yr`` a year, and cost their Vesta unit cost as an annuity over their
lifetime (national cost). An element whose fixed load alone exceeds its capacity is reinforced
in the first year that happens (the grid operator's own work, outside the yearly number); where
that is before reinforcements are allowed its room is held at 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from heatplan.buildings.stock import existing_mask
from heatplan.economics import annuity_factor
from heatplan.economics.options import lifetime_yr
from heatplan.grid.capacity import GridElements, step_cost_eur
from heatplan.optimisation.inputs import NEVER, OPTIONS, ModelInputs, capacity_path, price_path
from heatplan.optimisation.model import INF, Index, Rows
from heatplan.scenario.model import GridSettings

if TYPE_CHECKING:
    from heatplan.optimisation.cuts import Cut
    from heatplan.optimisation.schedule import Schedule


@dataclass(frozen=True)
class GridInput:
    """The grid elements as the model sees them (E elements, T modelled years)."""

    element_id: np.ndarray  # (E,)
    kind: np.ndarray  # (E,) "station" | "feeder"
    members: list[np.ndarray]  # per element the block positions behind it
    room_kw: np.ndarray  # (E, T) capacity less the fixed load (>= -step where reinforced)
    step_kw: np.ndarray  # (E,)
    cost_eur: np.ndarray  # (E,) one reinforcement, undiscounted
    first_year: int  # first year a reinforcement may be in service
    per_year: np.ndarray | None  # (T,) reinforcements a year, None = unlimited
    forced_year: np.ndarray  # (E,) year the fixed load alone needs a reinforcement (NEVER if not)
    fixed_kw: np.ndarray  # (E, T) the load the plan does not decide (before ``room_kw``'s clipping)

    @property
    def n(self) -> int:
        """Number of elements."""
        return len(self.element_id)


def mandatory_kw(inp: ModelInputs) -> np.ndarray:
    """(E,) load the plan must add behind each element by the deadline.

    The hobs of the blocks that cook with gas, and the least of the allowed options of the blocks
    that must switch.
    """
    g = inp.grid
    assert g is not None
    k, ind = block_kw(inp)
    least = np.where(inp.allowed, k, np.inf).min(axis=1)
    per_block = np.where(inp.active & inp.need_induction, ind, 0.0)
    per_block += np.where(inp.active & inp.need_switch & np.isfinite(least), least, 0.0)
    return np.array([per_block[m].sum() for m in g.members])


def block_kw(inp: ModelInputs) -> tuple[np.ndarray, np.ndarray]:
    """(B, O) added peak per option and (B,) induction peak (kW) of every block at the grid."""
    e = inp.elec_kw
    k = np.zeros((inp.n_blocks, len(OPTIONS)))
    k[:, OPTIONS.index("lt")] = e["lt_booster"]
    k[:, OPTIONS.index("hp")] = e["hp"]
    return k, np.asarray(e["induction"], float)


def new_build_kw(inp: ModelInputs) -> np.ndarray:
    """(B, T) peak the new builds add from their build year (their option; they cook electrically)."""
    k, _ = block_kw(inp)
    out = np.zeros((inp.n_blocks, len(inp.years)))
    for b in np.nonzero(inp.new_build_year <= inp.years[-1])[0]:
        o = OPTIONS.index(inp.new_build_opt(b))
        out[b] = np.where(inp.years >= inp.new_build_year[b], k[b, o], 0.0)
    return out


def max_added_kw(inp: ModelInputs, x: np.ndarray, ind_cols: np.ndarray) -> np.ndarray:
    """(B,) the most a block can add through decisions: its largest option peak plus induction.

    ``x`` (B, O, T) and ``ind_cols`` (B, T) are the model's option and induction columns.
    """
    k, ind = block_kw(inp)
    opt = np.where(x[:, :, -1] >= 0, k, 0.0).max(axis=1)
    return opt + np.where(ind_cols[:, 0] >= 0, ind, 0.0)


def binding(grid: GridInput, most: np.ndarray) -> np.ndarray:
    """(E, T) element-years whose room the plan's largest possible load could exceed."""
    top = np.array([most[m].sum() for m in grid.members])
    return top[:, None] > grid.room_kw + 1e-9


def grid_capacity(inp: ModelInputs, idx: Index) -> Rows:
    """Per element and year where it could bind: added load - step * reinforced <= room."""
    rows = Rows()
    g = inp.grid
    if g is None or idx.reinf is None:
        return rows
    k, ind = block_kw(inp)
    bind = binding(g, max_added_kw(inp, idx.x, idx.ind))
    for e in np.nonzero(bind.any(axis=1))[0]:
        m = g.members[e]
        for t in np.nonzero(bind[e])[0]:
            cols = [*idx.x[m, :, t].ravel(), *idx.ind[m, t], int(idx.reinf[e, t])]
            vals = [*k[m].ravel(), *ind[m], -float(g.step_kw[e])]
            rows.add(cols, vals, ub=float(g.room_kw[e, t]), name=f"grid:{g.element_id[e]}:{inp.years[t]}")
    return rows


def grid_pace(inp: ModelInputs, idx: Index) -> Rows:
    """Reinforcements a year within what the grid operator can do (forced ones are extra)."""
    rows = Rows()
    g = inp.grid
    if g is None or idx.reinf is None or g.per_year is None:
        return rows
    cols = idx.reinf[idx.reinf[:, 0] >= 0]
    if not len(cols):
        return rows
    forced = np.array([(g.forced_year == y).sum() for y in inp.years], dtype=float)
    for t in range(len(inp.years)):
        prev = cols[:, t - 1] if t > 0 else np.full(len(cols), -1)
        rows.add([*cols[:, t], *prev], [1.0] * len(cols) + [-1.0] * len(cols),
                 ub=float(g.per_year[t] + forced[t]), name=f"reinforce:{inp.years[t]}")  # fmt: skip
    return rows


def reinforcement_npv(inp: ModelInputs) -> np.ndarray:
    """(E, T) NPV of a reinforcement in service from year t: its annuity from t to the window's end."""
    from heatplan.optimisation.objective import eur_tail

    g = inp.grid
    if g is None:
        return np.zeros((0, len(inp.years)))
    af = float(annuity_factor(inp.discount_rate, lifetime_yr("grid_reinforcement")))
    return g.cost_eur[:, None] * af * eur_tail(inp)[None, :]


def reinforcement_columns(inp: ModelInputs, idx_x: np.ndarray, idx_ind: np.ndarray, start: int) -> np.ndarray:
    """(E, T) column numbers of R (from ``start``; -1 for elements that can never bind)."""
    g = inp.grid
    t_ = len(inp.years)
    out = np.full((0 if g is None else g.n, t_), -1)
    if g is None:
        return out
    most = max_added_kw(inp, idx_x, idx_ind)
    # every element the plan can load: a voltage cut may need a reinforcement the rows do not
    top = np.array([most[m].sum() for m in g.members])
    need = (top > 0) | (g.forced_year < NEVER)
    n = int(need.sum())
    out[need] = (start + np.arange(n * t_)).reshape(n, t_)
    return out


def reinforcement_bounds(inp: ModelInputs, reinf: np.ndarray, lb: np.ndarray, ub: np.ndarray) -> None:
    """Not in service before the first allowed year; in service where the fixed load needs it."""
    g = inp.grid
    if g is None:
        return
    early = inp.years < g.first_year
    for e in np.nonzero(reinf[:, 0] >= 0)[0]:
        ub[reinf[e, early]] = 0.0
        lb[reinf[e, inp.years >= g.forced_year[e]]] = 1.0


def fixed_kw(inp: ModelInputs, blocks: pd.DataFrame, growth_kw_per_dwelling: np.ndarray) -> np.ndarray:
    """(B, T) load the plan does not decide: base of standing blocks, other growth, new builds' own."""
    from heatplan.grid.synthetic import today_peak_kw

    standing = np.stack([existing_mask(blocks, int(y)).to_numpy() for y in inp.years], axis=1)
    n = blocks["dwellings"].to_numpy(float)
    base = today_peak_kw(blocks)[:, None] + n[:, None] * growth_kw_per_dwelling[None, :]
    return base * standing + new_build_kw(inp)


def grid_input(
    inp: ModelInputs, blocks: pd.DataFrame, elements: GridElements, settings: GridSettings, point: float
) -> GridInput:
    """The model's view of the grid: room per element and year, steps, costs, limits."""
    growth = price_path(settings.other_growth_kw_per_dwelling, inp.years)
    fixed = fixed_kw(inp, blocks, growth)
    t = elements.table
    cap = t["capacity_kw"].to_numpy(float)
    step = t["step_kw"].to_numpy(float)
    load = (
        np.stack([fixed[m].sum(axis=0) for m in elements.members])
        if len(t)
        else np.zeros((0, len(inp.years)))
    )
    room = cap[:, None] - load
    first = settings.first_reinforcement_year(int(inp.years[0]))
    allowed = inp.years[None, :] >= first
    over = (room < -1e-9) & allowed
    forced = np.where(over.any(axis=1), inp.years[over.argmax(axis=1)], NEVER)
    room = np.where(allowed, np.maximum(room, -step[:, None]), np.maximum(room, 0.0))
    return GridInput(
        element_id=t["element_id"].astype(str).to_numpy(),
        kind=t["kind"].astype(str).to_numpy(),
        members=elements.members,
        room_kw=room,
        step_kw=step,
        cost_eur=step_cost_eur(elements, point),
        first_year=first,
        per_year=capacity_path(settings.reinforcements_per_yr, inp.years),
        forced_year=forced.astype(int),
        fixed_kw=load,
    )


def load_columns(inp: ModelInputs, idx: Index, e: int, t: int) -> tuple[np.ndarray, np.ndarray]:
    """Columns and coefficients (kW) of the plan's added load on element ``e`` in year index ``t``."""
    g = inp.grid
    assert g is not None
    k, ind = block_kw(inp)
    m = g.members[e]
    cols = np.concatenate([idx.x[m, :, t].ravel(), idx.ind[m, t]])
    vals = np.concatenate([k[m].ravel(), ind[m]])
    return cols, vals


def element_position(inp: ModelInputs, element_id: str) -> int:
    """Position of a grid element by id (InputError if the model has no such element)."""
    from heatplan.errors import InputError

    g = inp.grid
    hits = np.nonzero(g.element_id == element_id)[0] if g is not None else np.zeros(0, dtype=int)
    if not len(hits):
        raise InputError(f"cut names an unknown grid element '{element_id}'")
    return int(hits[0])


class GridBook:
    """The grid rows as the greedy start books them: added load per element and year, reinforcements.

    ``limits``: (element, year index, limit unreinforced, limit reinforced) from the verification's
    grid cuts, one per element and year.
    """

    def __init__(
        self,
        inp: ModelInputs,
        limits: list[tuple[int, int, float, float]] = (),  # type: ignore[assignment]
        preset: np.ndarray | None = None,
    ) -> None:
        g = inp.grid
        assert g is not None
        self.inp, self.g = inp, g
        self.k, self.ind = block_kw(inp)
        t_ = len(inp.years)
        self.used = np.zeros((g.n, t_))
        self.cap0 = g.room_kw.copy()
        self.cap1 = g.room_kw + g.step_kw[:, None]
        for e, t, lim0, lim1 in limits:  # one cut row per element and year
            self.cap0[e, t] = min(self.cap0[e, t], lim0)
            self.cap1[e, t] = min(self.cap1[e, t], lim1)
        y0 = int(inp.years[0])
        self.on = np.where(g.forced_year < NEVER, g.forced_year - y0, t_ + 1)  # reinforced from (index)
        self.first_t = g.first_year - y0
        self.count = np.zeros(t_)
        self.counted = np.zeros(g.n, dtype=bool)  # reinforcements in the yearly number (not forced ones)
        if preset is not None:
            self._preset(preset)
        self.of_block: dict[int, list[int]] = {}
        for e, m in enumerate(g.members):
            for b in m:
                self.of_block.setdefault(int(b), []).append(e)

    def _preset(self, preset: np.ndarray) -> None:
        """Reinforcements the LP has (year index per element), earliest first, within the yearly number."""
        t_, per = len(self.inp.years), self.g.per_year
        for e in np.argsort(preset, kind="stable"):
            t = max(int(preset[e]), self.first_t)
            if t >= t_ or self.on[e] <= t:
                continue
            while per is not None and t < t_ and self.count[t] + 1 > per[t] + 1e-6:
                t += 1
            if t < t_:
                self.on[e], self.counted[e] = t, True
                self.count[t] += 1

    def _kw(self, b: int, o: int, with_ind: bool) -> float:
        return float((self.k[b, o] if o >= 0 else 0.0) + (self.ind[b] if with_ind else 0.0))

    def _slot(self, t: int, spare: np.ndarray) -> int | None:
        """The latest year index <= t to reinforce from, with room in the yearly number (None: none)."""
        for u in range(t, self.first_t - 1, -1):
            if u >= 0 and spare[u] >= 1.0 - 1e-6:
                return u
        return None

    def needs(self, b: int, o: int, t: int, with_ind: bool) -> list[tuple[int, int]] | None:
        """(element, year index) to reinforce so that block b fits from year index t; None if it cannot.

        A reinforcement goes in the latest year up to t the operator has room for (an earlier one
        carries the load as well); one planned later for the same element moves forward.
        """
        add = self._kw(b, o, with_ind)
        if add <= 0:
            return []
        t_ = len(self.inp.years)
        per = self.g.per_year
        spare = (per - self.count) if per is not None else np.full(t_, np.inf)
        need = []
        for e in self.of_block.get(b, []):
            new = self.used[e, t:] + add
            cap = np.where(np.arange(t, t_) >= self.on[e], self.cap1[e, t:], self.cap0[e, t:])
            if np.all(new <= cap + 1e-6):
                continue
            if self.on[e] <= t or not np.all(new <= self.cap1[e, t:] + 1e-6):
                return None
            u = self._slot(t, spare)
            if u is None:
                return None
            spare[u] -= 1.0
            need.append((e, u))
        return need

    def add(self, b: int, o: int, t: int, with_ind: bool) -> None:
        """Book block b on option o (and its induction) from year index t, reinforcing what it needs."""
        for e, u in self.needs(b, o, t, with_ind) or []:
            if self.counted[e]:
                self.count[self.on[e]] -= 1
            self.on[e], self.counted[e] = u, True
            self.count[u] += 1
        add = self._kw(b, o, with_ind)
        for e in self.of_block.get(b, []):
            self.used[e, t:] += add

    def remove(self, b: int, o: int, t: int) -> None:
        """Take back block b's option load from year index t (its induction stays)."""
        for e in self.of_block.get(b, []):
            self.used[e, t:] -= self._kw(b, o, False)

    def keep_within(self, s: Schedule, induction_year: np.ndarray) -> None:
        """Hobs moved earlier (``_best_years``) back to ``induction_year`` where they overload an element."""
        load = schedule_load_kw(self.inp, s)
        t_ = len(self.inp.years)
        allowed = np.where(np.arange(t_)[None, :] >= self.first_t, self.cap1, self.cap0)
        for e in np.nonzero((load > allowed + 1e-6).any(axis=1))[0]:
            m = self.g.members[e]
            moved = m[s.induction_year[m] != induction_year[m]]
            s.induction_year[moved] = induction_year[moved]

    def settle(self, s: Schedule) -> np.ndarray:
        """Reinforcement years for a finished schedule: the first year each element's load needs one."""
        load = schedule_load_kw(self.inp, s)
        over = load > self.cap0 + 1e-6
        years = self.inp.years
        out = np.where(over.any(axis=1), years[over.argmax(axis=1)], NEVER)
        return _within_count(self.g, years, np.minimum(out, self.g.forced_year).astype(int))


def _within_count(g: GridInput, years: np.ndarray, year_of: np.ndarray) -> np.ndarray:
    """Reinforcement years moved earlier (latest first) where a year has more than the operator can do."""
    if g.per_year is None:
        return year_of
    out = year_of.copy()
    cap = g.per_year + np.array([(g.forced_year == y).sum() for y in years])
    for t in range(len(years) - 1, 0, -1):
        at = np.nonzero(out == years[t])[0]
        extra = len(at) - int(np.floor(cap[t] + 1e-9))
        if extra > 0 and years[t - 1] >= g.first_year:
            out[at[:extra]] = years[t - 1]  # one year earlier costs least; the next pass may move it again
    return out


#: the greedy books a reinforcement from the first year the LP relaxation has any of it (a share
#: above this): with half, the greedy reinforces late and runs out of the yearly number
PRESET_SHARE = 1e-3


def lp_reinforcements(inp: ModelInputs, idx: Index, lp: np.ndarray) -> np.ndarray | None:
    """(E,) the first year index the LP relaxation has PRESET_SHARE of each reinforcement (T: never)."""
    if inp.grid is None or idx.reinf is None or not idx.reinf.size:
        return None
    val = np.append(lp, 0.0)[idx.reinf]  # column -1 reads 0
    on = val >= PRESET_SHARE
    return np.where(on.any(axis=1), on.argmax(axis=1), len(inp.years))


def schedule_load_kw(inp: ModelInputs, s: Schedule) -> np.ndarray:
    """(E, T) the plan's added load per element and year for a schedule."""
    g = inp.grid
    assert g is not None
    k, ind = block_kw(inp)
    yrs = inp.years[None, :]
    opt_kw = np.where(s.option >= 0, k[np.arange(inp.n_blocks), np.maximum(s.option, 0)], 0.0)
    per_block = (yrs >= s.switch_year[:, None]) * opt_kw[:, None]
    per_block = (
        per_block + (yrs >= s.induction_year[:, None]) * np.where(inp.need_induction, ind, 0.0)[:, None]
    )
    return np.stack([per_block[m].sum(axis=0) for m in g.members]) if g.n else np.zeros((0, yrs.shape[1]))


def grid_limits(inp: ModelInputs, cuts: Iterable[Cut]) -> list[tuple[int, int, float, float]]:
    """The grid cuts (a ``grid_load`` term, optionally a ``reinforce`` term) as the GridBook's limits."""
    out = []
    y0 = int(inp.years[0])
    for cut in cuts:
        kinds = [t.kind for t in cut.terms]
        if "grid_load" not in kinds or cut.ub == INF:
            continue
        load = cut.terms[kinds.index("grid_load")]
        step = -sum(t.coeff for t in cut.terms if t.kind == "reinforce")
        e = element_position(inp, load.key)
        out.append((e, max(load.year - y0, 0), cut.ub, cut.ub + step))
    return out


GRID_FAMILIES = {"grid_capacity": grid_capacity, "grid_pace": grid_pace}
