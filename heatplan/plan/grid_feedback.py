"""Grid failures the linear rows missed, turned into cuts (issue 15; docs/grid.md).

The optimisation keeps each station's and feeder's load within its rating (``grid_rows``); the
power flow also finds what a linear row cannot see: the voltage at the far end of a long feeder,
a cable deeper in a feeder, a station's transformer drop. For the first failing year ``y`` of each
station or feeder ``e`` the plan's own load behind it, ``A``, is cut back by the share the
failure is past its limit, with a 5 % margin::

    excess = P * (1 - limit / value)          (loading: % against the limit)
    excess = P * (1 - (1 - v_min) / (1 - v))  (voltage: the drop against the band's drop)
    L = max(A - 1.05 * excess, 0)

``P`` the element's whole load that year (fixed and the plan's). The cut, for every year from
``y`` on, is ``load_e(t) - step_e * R_et <= L`` if ``e`` was not reinforced (reinforce it, or
add less: fewer or later heat pumps, or a network), and ``<= L - step_e`` if it was (the
reinforcement was not enough: add less). Failures on no element (an MV cable, a base-load
overload with nothing of the plan's behind it) cannot be cut: the plan names them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from heatplan import failures
from heatplan.failures import Kind
from heatplan.optimisation import Result
from heatplan.optimisation.cuts import Cut, Term
from heatplan.optimisation.grid_rows import schedule_load_kw
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


def grid_feedback(fails: pd.DataFrame, checker: GridChecker, result: Result) -> GridFeedback:
    """Cuts for each station or feeder that fails, from its first failing year on."""
    out = GridFeedback()
    if fails.empty:
        return out
    inp, s = result.session.inputs, result.schedule
    g = inp.grid
    plain = fails.drop(columns=list(failures.STATE_COLUMNS))
    if g is None:
        out.actions.append(
            Action("unresolved", 0, GRID_REGIME, GRID_LOAD, failures=plain, why="grid_not_modelled")
        )
        return out
    added = schedule_load_kw(inp, s)
    pos = {e: k for k, e in enumerate(g.element_id)}
    cap = checker.gm.elements.table.set_index("element_id")["capacity_kw"]
    for eid, f in fails.groupby("context", sort=True):
        y = int(f["year"].min())
        f = f[f["year"] == y]
        e = pos.get(str(eid), -1)
        t = int(np.clip(y - int(inp.years[0]), 0, len(inp.years) - 1))
        if e < 0 or added[e, t] <= 1e-6:
            why = "no_element" if e < 0 else "base_load"
            body = f.drop(columns=list(failures.STATE_COLUMNS))
            out.actions.append(Action("unresolved", y, GRID_REGIME, GRID_LOAD, str(eid), body, why=why))
            continue
        fixed = float(cap[str(eid)]) - g.room_kw[e, t]
        total = max(fixed, 0.0) + added[e, t]
        limit = max(added[e, t] - MARGIN * _excess_share(f) * total, 0.0)
        on = s.reinforce_year[e] <= y
        step = float(g.step_kw[e])
        rhs = limit - step if on else limit
        for yy in inp.years[t:]:
            terms = (Term("grid_load", str(eid), int(yy)), Term("reinforce", str(eid), int(yy), -step))
            out.cuts.append(Cut(f"grid {eid} {yy}: at most {limit:.0f} kW of the plan's load", terms, ub=rhs))
        figures = {
            "added_kw": float(added[e, t]),
            "limit_kw": limit,
            "step_kw": step,
            "reinforced": float(on),
        }
        body = f.drop(columns=list(failures.STATE_COLUMNS))
        out.actions.append(Action("grid_limit", y, GRID_REGIME, GRID_LOAD, str(eid), body, figures))
    return out
