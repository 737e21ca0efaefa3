"""Grid failures the linear rows missed, turned into cuts (issue 15; docs/grid.md).

The optimisation keeps each station's and feeder's load within its rating (``grid_rows``); the
power flow also finds what a linear row cannot see: the voltage at the far end of a long feeder,
a cable deeper in a feeder, a station's transformer drop. For the first failing year ``y`` of each
station or feeder ``e`` the plan's own load behind it, ``A``, is cut back by the share the
failure is past its limit, with a 5 % margin::

    excess = P * (1 - limit / value)          (loading: % against the limit)
    excess = P * (1 - (1 - v_min) / (1 - v))  (voltage: the drop against the band's drop)
    L = max(A - 1.05 * excess, 0)

``P`` the element's whole load that year (fixed and the plan's). The cut, for every year ``t``
from ``y`` on, is ``load_e(t) - step_e * R_et <= L_t`` if ``e`` was not reinforced (reinforce it,
or add less: fewer or later heat pumps, or a network), and ``<= L_t - step_e`` if it was (the
reinforcement was not enough: add less). ``L_t = max(L - (F_t - F_y), 0)``: the same limit on the
whole load, so a later year leaves the plan less where the fixed load ``F`` (base load, electric
cars, new builds) has grown since ``y``; without it each round found the next year failing.
From the deadline on ``L_t`` is at least what the plan must add there (the hobs of the blocks
cooking with gas, the least of a block's allowed options; ``grid_rows.mandatory_kw``): an earlier
year can wait, the deadline cannot. A failure whose new ``L`` is no tighter than the one cut
before is named, not cut again. Failures on no element (an MV cable, a base-load overload with
nothing of the plan's behind it) cannot be cut: the plan names them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from heatplan import failures
from heatplan.failures import Kind
from heatplan.optimisation import Result
from heatplan.optimisation.cuts import Cut, Term
from heatplan.optimisation.grid_rows import mandatory_kw, schedule_load_kw
from heatplan.optimisation.inputs import ModelInputs
from heatplan.plan.grid_check import GRID_LOAD, GRID_REGIME, GridChecker
from heatplan.plan.notes import Action

#: the cut leaves this much more room than the failure's share past its limit
MARGIN = 1.05


@dataclass
class GridFeedback:
    """The grid's cuts and what the loop did, as data."""

    cuts: list[Cut] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)


def _excess_share(f: pd.DataFrame) -> float:
    """The largest share of the element's load its failures are past their limits (0..1)."""
    shares = [0.0]
    for r in f.itertuples(index=False):
        if r.kind == Kind.OVERLOAD and r.value > 0:
            shares.append(1.0 - r.limit / r.value)
        elif r.kind == Kind.VOLTAGE and r.value < r.limit < 1.0:
            shares.append(1.0 - (1.0 - r.limit) / (1.0 - r.value))
    return float(np.clip(max(shares), 0.0, 1.0))


def _cuts(
    eid: str, t: int, limits: np.ndarray, step: float, on: bool, must: float, inp: ModelInputs
) -> list[Cut]:
    """The element's cuts from year index t on, ``limits`` per year; from the deadline at least ``must``."""
    out = []
    for yy, limit in zip(inp.years[t:], limits, strict=True):
        lim = max(limit, must) if yy >= inp.deadline else limit
        terms = (Term("grid_load", eid, int(yy)), Term("reinforce", eid, int(yy), -step))
        out.append(Cut(f"grid {eid} {yy}: at most {lim:.0f} kW of the plan's load", terms,
                       ub=lim - step if on else lim))  # fmt: skip
    return out


def grid_feedback(fails: pd.DataFrame, checker: GridChecker, result: Result) -> GridFeedback:
    """Cuts for each station or feeder that fails, from its first failing year on.

    A failure cut before whose new limit is no tighter (the plan already adds no more than it may,
    or what it must add by the deadline) is named, not cut again.
    """
    out = GridFeedback()
    if fails.empty:
        return out
    inp, s = result.session.inputs, result.schedule
    g = inp.grid
    if g is None:
        plain = fails.drop(columns=list(failures.STATE_COLUMNS))
        out.actions.append(
            Action("unresolved", 0, GRID_REGIME, GRID_LOAD, failures=plain, why="grid_not_modelled")
        )
        return out
    added, must = schedule_load_kw(inp, s), mandatory_kw(inp)
    pos = {e: k for k, e in enumerate(g.element_id)}
    for eid, f in fails.groupby("context", sort=True):
        y = int(f["year"].min())
        f = f[f["year"] == y]
        body = f.drop(columns=list(failures.STATE_COLUMNS))
        e = pos.get(str(eid), -1)
        t = int(np.clip(y - int(inp.years[0]), 0, len(inp.years) - 1))
        if e < 0 or added[e, t] <= 1e-6:
            why = "no_element" if e < 0 else "base_load"
            out.actions.append(Action("unresolved", y, GRID_REGIME, GRID_LOAD, str(eid), body, why=why))
            continue
        fixed = g.fixed_kw[e]
        limit = max(added[e, t] - MARGIN * _excess_share(f) * (fixed[t] + added[e, t]), 0.0)
        before = checker.cut_limits.get((str(eid), y))
        if before is not None and limit >= before - 1e-6:
            out.actions.append(
                Action("unresolved", y, GRID_REGIME, GRID_LOAD, str(eid), body, why="no_tighter")
            )
            continue
        checker.cut_limits[(str(eid), y)] = limit
        on, step = bool(s.reinforce_year[e] <= y), float(g.step_kw[e])
        # a later year carries the same limit less what the fixed load has grown since (cars)
        later = np.maximum(limit - (fixed[t:] - fixed[t]), 0.0)
        out.cuts += _cuts(str(eid), t, later, step, on, float(must[e]), inp)
        figures = {
            "added_kw": float(added[e, t]),
            "limit_kw": limit,
            "step_kw": step,
            "reinforced": float(on),
        }
        out.actions.append(Action("grid_limit", y, GRID_REGIME, GRID_LOAD, str(eid), body, figures))
    return out
