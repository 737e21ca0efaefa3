"""A schedule: the year of every measure per block, the option, and the year each segment is built.

This is the one representation shared by the solver output, the greedy start, the brute force
and the independent checker. ``NEVER`` marks "not within the modelled years".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from heatplan.optimisation.inputs import NEVER, OPTIONS, ModelInputs
from heatplan.optimisation.model import Index


@dataclass
class Schedule:
    """Per block (position in ``ModelInputs.block_ids``): option index (-1 none) and years."""

    option: np.ndarray
    switch_year: np.ndarray
    ins_level: np.ndarray  # index into ModelInputs.levels, -1 none
    insulation_year: np.ndarray
    induction_year: np.ndarray
    edge_year: dict[str, np.ndarray] = field(default_factory=dict)  # regime -> per segment
    #: per grid element (ModelInputs.grid), the year its reinforcement is in service (NEVER: none)
    reinforce_year: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))

    @classmethod
    def empty(cls, inp: ModelInputs) -> Schedule:
        """Nothing done."""
        b = inp.n_blocks
        never = np.full(b, NEVER)
        return cls(
            np.full(b, -1),
            never.copy(),
            np.full(b, -1),
            never.copy(),
            never.copy(),
            {r: np.full(len(s.cost_eur), NEVER) for r, s in inp.segments.items()},
            np.full(inp.grid.n if inp.grid is not None else 0, NEVER),
        )

    def gas_free_year(self, inp: ModelInputs) -> np.ndarray:
        """Year each block stops using gas (switch and induction done, or demolition); NEVER if not."""
        sw = np.where(inp.need_switch, self.switch_year, 0)
        ind = np.where(inp.need_induction, self.induction_year, 0)
        done = np.maximum(sw, ind)
        uses_gas = inp.need_switch | inp.need_induction
        out = np.where(uses_gas, np.minimum(done, inp.demolition_year), 0)
        return np.where(out == 0, 0, out)

    def fill_edges(self, inp: ModelInputs) -> None:
        """Build each segment in the first year one of its downstream blocks (or a new build) connects."""
        for r, seg in inp.segments.items():
            o = OPTIONS.index(r)
            on = np.where(self.option == o, self.switch_year, NEVER)
            for b in np.nonzero(inp.new_build_year <= inp.years[-1])[0]:
                if inp.new_build_opt(b) == r:
                    on[b] = max(int(inp.new_build_year[b]), int(inp.years[0]))
            self.edge_year[r] = np.array([on[m].min() if len(m) else NEVER for m in seg.members], dtype=int)


def _first_year(vals: np.ndarray, years: np.ndarray) -> np.ndarray:
    """First year where a "done by" series is 1 (NEVER if never); ``vals`` is (N, T)."""
    done = vals > 0.5
    return np.where(done.any(axis=1), years[done.argmax(axis=1)], NEVER)


def from_columns(inp: ModelInputs, idx: Index, x: np.ndarray) -> Schedule:
    """Read a schedule from a column vector of the model."""
    s = Schedule.empty(inp)
    val = np.append(x, 0.0)  # column -1 reads 0
    xv = val[idx.x]
    sw_years = np.stack([_first_year(xv[:, o], inp.years) for o in range(len(OPTIONS))], axis=1)
    s.switch_year = sw_years.min(axis=1)
    s.option = np.where(s.switch_year < NEVER, sw_years.argmin(axis=1), -1)
    iv = val[idx.ins]
    if len(inp.levels):
        ins_years = np.stack([_first_year(iv[:, k], inp.years) for k in range(len(inp.levels))], axis=1)
        s.insulation_year = ins_years.min(axis=1)
        s.ins_level = np.where(s.insulation_year < NEVER, ins_years.argmin(axis=1), -1)
    s.induction_year = np.where(idx.ind[:, 0] >= 0, _first_year(val[idx.ind], inp.years), NEVER)
    for r, e in idx.edge.items():
        s.edge_year[r] = _first_year(val[e], inp.years) if e.size else np.zeros(0, dtype=int)
    if idx.reinf is not None and idx.reinf.size:
        on = idx.reinf[:, 0] >= 0
        s.reinforce_year[on] = _first_year(val[idx.reinf[on]], inp.years)
    return s


def to_columns(inp: ModelInputs, idx: Index, s: Schedule) -> np.ndarray:
    """The column vector of a schedule (for a MIP start); slack columns set to what is needed."""
    x = np.zeros(idx.n_binary + idx.n_cont)
    yrs = inp.years[None, :]
    for o in range(len(OPTIONS)):
        on = (s.option == o)[:, None] & (yrs >= s.switch_year[:, None])
        ok = idx.x[:, o] >= 0
        x[idx.x[:, o][ok]] = on[ok]
    for k in range(len(inp.levels)):
        on = (s.ins_level == k)[:, None] & (yrs >= s.insulation_year[:, None])
        ok = idx.ins[:, k] >= 0
        x[idx.ins[:, k][ok]] = on[ok]
    ok = idx.ind >= 0
    x[idx.ind[ok]] = (yrs >= s.induction_year[:, None])[ok]
    for r, e in idx.edge.items():
        if e.size:
            x[e] = yrs >= s.edge_year[r][:, None]
    if idx.reinf is not None and idx.reinf.size:
        on = idx.reinf[:, 0] >= 0
        x[idx.reinf[on]] = yrs >= s.reinforce_year[on][:, None]
    miss = idx.miss >= 0
    if miss.any():
        t = inp.year_pos(inp.deadline)
        if t < len(inp.years):
            late = (s.gas_free_year(inp) > inp.deadline) & miss
            x[idx.miss[late]] = 1.0
    if idx.efg is not None and inp.corp_efg_year is not None:
        on = idx.efg >= 0
        x[idx.efg[on & (s.insulation_year > max(inp.corp_efg_year, int(inp.years[0])))]] = 1.0
    return x
