"""Solving: a persistent session around one built model and its HiGHS instance.

``Session`` builds the Pyomo model, hands it to HiGHS once, and then solves, takes cuts
(rows added to both the Pyomo model and the live HiGHS instance) and re-solves warm-started
from the previous schedule, which is what the verification loop in ``plan`` needs.

Same input, same schedule, on a quiet machine or a busy one: the LP relaxation always runs to
the end, the rounding is deterministic, and the MIP stages stop at a number of branch-and-bound
nodes (a work limit), not at a time. The time limit of a solve is only a safety cap far above
the normal time; a solve it stops is marked: ``SolveOutput.certified`` is False and
``SolveOutput.reason`` says why (as it does when the final gap is above the ``mip_gap`` asked).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np
import pyomo.environ as pyo
import scipy.sparse as sp

from heatplan.optimisation.assemble import Built, HighsModel, add_rows, build_model, hand_over
from heatplan.optimisation.cuts import Cut, CutBook, cut_rows
from heatplan.optimisation.greedy import greedy_schedule
from heatplan.optimisation.grid_rows import grid_limits
from heatplan.optimisation.inputs import ModelInputs
from heatplan.optimisation.interrupt import stop_on_signal
from heatplan.optimisation.model import INF, Rows
from heatplan.optimisation.schedule import Schedule, from_columns, to_columns

log = logging.getLogger(__name__)

#: Waiting thresholds tried when rounding the LP (see ``Session._rounded``).
ROUNDING_THRESHOLDS = (0.02, 0.25, 0.5)
#: Branch-and-bound nodes of the restricted MIP and of the full MIP: work limits (the same on
#: any machine, where a time limit stops at another point under another load).
RESTRICTED_MAX_NODES = 1_000
MIP_MAX_NODES = 5_000
#: HiGHS model statuses that mean a limit stopped the run (and what the stop is called).
_LIMITS = {
    highspy.HighsModelStatus.kTimeLimit: "time",
    highspy.HighsModelStatus.kSolutionLimit: "node",
    highspy.HighsModelStatus.kIterationLimit: "iteration",
}


@dataclass(frozen=True)
class _LpCopy:
    """Cost, bounds and matrix of a HiGHS instance's LP (for checking schedules against it)."""

    cost: np.ndarray
    offset: float
    matrix: sp.csc_matrix
    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray

    @classmethod
    def of(cls, h: highspy.Highs) -> _LpCopy:
        """Copy the LP out of ``h``."""
        lp = h.getLp()
        a = lp.a_matrix_
        mat = sp.csc_matrix(
            (np.asarray(a.value_), np.asarray(a.index_), np.asarray(a.start_)),
            shape=(lp.num_row_, lp.num_col_),
        )
        arr = np.asarray
        return cls(
            arr(lp.col_cost_), float(lp.offset_), mat, arr(lp.row_lower_), arr(lp.row_upper_),
            arr(lp.col_lower_), arr(lp.col_upper_),
        )  # fmt: skip


@dataclass
class SolveOutput:
    """What one solve returned."""

    status: str  # "optimal", "time_limit"/"node_limit" (with a solution), "infeasible", "no_solution"
    objective_eur: float
    best_bound_eur: float
    gap: float
    schedule: Schedule | None
    columns: np.ndarray | None
    timings_s: dict[str, float] = field(default_factory=dict)
    start_accepted: bool = False
    #: True when the schedule is proven within the ``mip_gap`` asked and no time limit cut a stage
    #: short (so the same input gives it on any machine); ``reason`` says why not, or how it holds.
    certified: bool = False
    reason: str = ""

    def meta(self, session: object, **extra: Any) -> dict[str, Any]:
        """The solve's figures as a Result's ``meta`` (with the session kept for re-solves)."""
        return {
            "status": self.status,
            "objective_eur": self.objective_eur,
            "best_bound_eur": self.best_bound_eur,
            "gap": self.gap,
            "certified": self.certified,
            "reason": self.reason,
            "timings_s": self.timings_s,
            "session": session,
            **extra,
        }


class Session:
    """One model kept alive in HiGHS for solves, cuts and warm-started re-solves."""

    def __init__(
        self,
        inp: ModelInputs,
        elastic: bool = False,
        threads: int = 2,
        skip: Collection[str] = (),
        route: str = "matrix",
    ) -> None:
        """Build the Pyomo model and hand it over to HiGHS (both timed)."""
        self.inputs, self.elastic = inp, elastic
        t0 = time.perf_counter()
        self.built: Built = build_model(inp, elastic, skip, route)
        t1 = time.perf_counter()
        self.highs_model: HighsModel = hand_over(self.built, threads)
        t2 = time.perf_counter()
        self.timings_s = {"build": t1 - t0, "hand_over": t2 - t1}
        self.cuts: list[Cut] = []
        self._cut_rows: list[Rows] = []  # the rows of every cut, as added to HiGHS
        self._book: CutBook | None = None
        self._lp_copy: _LpCopy | None = None
        self._lp_cols: np.ndarray | None = None  # the last LP relaxation that finished
        self.last: SolveOutput | None = None
        #: best lower bound so far (EUR); cuts only add rows, so it stays valid
        self.bound_eur = -np.inf
        self._deadline = np.inf  # perf_counter() at which the running solve's safety cap ends
        self._cap_s = np.inf
        self._stops: list[tuple[str, str]] = []  # (limit, stage) of every run a limit stopped
        log.info("model built: %d columns, rows %s", len(self.built.variables), self.built.n_rows)

    @property
    def highs(self) -> highspy.Highs:
        """The live HiGHS instance."""
        return self.highs_model.highs

    def _set_start(self, columns: np.ndarray) -> None:
        hm = self.highs_model
        vals = np.zeros(hm.n_cols)
        ok = hm.col_of_var >= 0
        vals[hm.col_of_var[ok]] = columns[ok]
        sol = highspy.HighsSolution()
        sol.col_value = vals.tolist()
        sol.value_valid = True
        self.highs.setSolution(sol)

    def greedy_start(self) -> Schedule:
        """The greedy schedule for this model's inputs and cuts."""
        return greedy_schedule(
            self.inputs, self.built.index, book=self.cut_book(), grid_limits=self._grid_limits()
        )

    def _grid_limits(self) -> list[tuple[int, int, float, float]]:
        """The grid cuts so far as the greedy's limits (empty without a grid)."""
        if self.inputs.grid is None:
            return []
        return grid_limits(self.inputs, self.cuts)

    def cut_book(self) -> CutBook | None:
        """The cuts so far as the greedy books them (None without cuts)."""
        if self._cut_rows and self._book is None:
            self._book = CutBook(self.built.index, self._cut_rows)
        return self._book

    def _run(self, stage: str, time_limit_s: float | None = None, max_nodes: int | None = None) -> None:
        """Run HiGHS as set up; note a limit that stopped it. Ctrl-C / SIGTERM stop the run at once.

        The time limit is what is left of the solve's safety cap (at least 1 s or the cap), unless given.
        """
        h = self.highs
        floor = min(1.0, self._cap_s)  # a stage after the cap still gets a moment (never more than the cap)
        left = max(self._deadline - time.perf_counter(), floor) if time_limit_s is None else time_limit_s
        h.setOptionValue("time_limit", float(left))
        h.setOptionValue("mip_max_nodes", int(max_nodes) if max_nodes is not None else 2**31 - 1)
        with stop_on_signal(h):
            h.run()
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kInterrupt:
            raise KeyboardInterrupt  # a signal stopped the run and was handled without raising
        if status in _LIMITS:
            log.info("the %s limit stopped the %s", _LIMITS[status], stage)
            self._stops.append((_LIMITS[status], stage))

    def relaxation(self, time_limit_s: float | None = None) -> tuple[np.ndarray | None, float]:
        """Solve the LP relaxation on the live instance to the end: model columns and the bound (EUR).

        ``time_limit_s`` (default: what is left of the running solve's cap) is a safety cap only.
        """
        h = self.highs
        h.setOptionValue("solve_relaxation", True)
        h.setOptionValue("presolve", "on")
        h.setOptionValue("solver", "ipm")  # interior point without crossover: ~2.5x faster here
        h.setOptionValue("run_crossover", "off")
        try:
            self._run("LP relaxation", time_limit_s)
        finally:
            h.setOptionValue("solve_relaxation", False)
            h.setOptionValue("solver", "choose")
            h.setOptionValue("run_crossover", "on")
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None, -np.inf
        vals = np.asarray(h.getSolution().col_value)
        cols = np.zeros(len(self.built.variables))
        ok = self.highs_model.col_of_var >= 0
        cols[ok] = vals[self.highs_model.col_of_var[ok]]
        return cols, float(h.getInfo().objective_function_value)

    def solve(
        self, time_limit_s: float = 1800.0, mip_gap: float = 0.01, start: Schedule | str | None = "lp"
    ) -> SolveOutput:
        """Solve (or re-solve); ``time_limit_s`` is a safety cap on the whole solve.

        ``start``: a schedule, "lp", "greedy", "previous" or None. A start schedule that breaks a
        row (a cut added since it was found) is replaced by "lp".

        "lp" solves the LP relaxation first and rounds it greedily; if that schedule is already
        within ``mip_gap`` of the LP bound, the branch and bound is skipped (the LP bound is a
        valid bound); in a re-solve the last LP is rounded first (``_lp_start``). HiGHS's MIP
        presolve is switched off: on this model it spends minutes. Every stage but the cap is
        deterministic: the MIP stages stop at a node limit.
        """
        t0 = time.perf_counter()
        self._deadline, self._cap_s, self._stops = t0 + float(time_limit_s), float(time_limit_s), []
        h = self.highs
        lp_bound = -np.inf
        start_cols = None if start == "lp" else self._start_columns(start)
        if start_cols is not None and not self._feasible(start_cols):
            log.info("the start schedule breaks a row (e.g. a new cut): starting from the LP instead")
            start, start_cols = "lp", None
        if start_cols is not None and self._within(start_cols, self.bound_eur, mip_gap):
            # cuts only add rows, so an earlier bound still holds and certifies the start
            out = self._certified(
                from_columns(self.inputs, self.built.index, start_cols), start_cols, self.bound_eur
            )
            return self._finish(out, mip_gap, t0, time.perf_counter(), time.perf_counter())
        if start == "lp":
            done, start_cols, lp_bound = self._lp_start(mip_gap)
            if done is not None:
                return self._finish(done, mip_gap, t0, time.perf_counter(), time.perf_counter())
        t1 = time.perf_counter()
        h.setOptionValue("presolve", "off")
        h.setOptionValue("mip_rel_gap", float(mip_gap))
        if start_cols is not None:
            self._set_start(start_cols)
        self._run("branch and bound", max_nodes=MIP_MAX_NODES)
        t2 = time.perf_counter()
        out = self._read(start_cols)
        lp_bound = max(lp_bound, self.bound_eur)
        if np.isfinite(lp_bound) and out.best_bound_eur < lp_bound:
            out.best_bound_eur = lp_bound
            out.gap = abs(out.objective_eur - lp_bound) / max(abs(out.objective_eur), 1e-9)
        return self._finish(out, mip_gap, t0, t1, t2)

    def _lp_start(self, mip_gap: float) -> tuple[SolveOutput | None, np.ndarray | None, float]:
        """LP relaxation, rounding, restricted MIP: a certified output, or (None, best start, bound).

        In a re-solve the last LP, rounded with the new cuts in the greedy's book, is tried first:
        cuts only add rows, so the earlier bound still holds and may certify it without a new LP.
        If the new LP is stopped by the safety cap, the last one still guides options and order.
        """
        if self._lp_cols is not None and np.isfinite(self.bound_eur):
            sched, cols = self._rounded(self._lp_cols)
            if cols is not None and self._within(cols, self.bound_eur, mip_gap):
                log.info("re-solve: the last LP's rounding is within the gap of the earlier bound")
                return self._certified(sched, cols, self.bound_eur), cols, self.bound_eur
        lp_cols, lp_bound = self.relaxation()
        if lp_cols is not None:
            self._lp_cols = lp_cols
        elif self._lp_cols is not None:
            log.info("the LP relaxation did not finish: the last LP guides the rounding")
            lp_cols = self._lp_cols
        lp_bound = max(lp_bound, self.bound_eur)  # an earlier bound holds too (cuts only add rows)
        sched, start_cols = self._rounded(lp_cols)
        if start_cols is not None and self._within(start_cols, lp_bound, mip_gap):
            return self._certified(sched, start_cols, lp_bound), start_cols, lp_bound
        if lp_cols is not None or start_cols is not None:
            # no rounding within the gap (or none feasible, e.g. it breaks a cut the greedy does
            # not book): the restricted MIP looks for a schedule among the LP's options
            fixed = self._restricted(sched, start_cols, lp_cols, mip_gap / 2)
            if fixed is not None:
                start_cols = fixed
                if self._within(fixed, lp_bound, mip_gap):
                    sched = from_columns(self.inputs, self.built.index, fixed)
                    return self._certified(sched, fixed, lp_bound), fixed, lp_bound
        return None, start_cols, lp_bound

    def _rounded(self, lp_cols: np.ndarray | None) -> tuple[Schedule, np.ndarray | None]:
        """The best feasible greedy rounding of the LP over a few waiting thresholds.

        A block waits until the LP has ``threshold`` of it switched; where the LP spreads blocks
        over several years (as the interior-point solution does), a low threshold keeps the
        yearly capacity in use. Returns the schedule and its columns (columns None if no rounding
        is feasible; the schedule is then the last rounding, for its options).
        """
        best: tuple[float, Schedule | None, np.ndarray | None] = (np.inf, None, None)
        for threshold in ROUNDING_THRESHOLDS if lp_cols is not None else (0.5,):
            sched = greedy_schedule(
                self.inputs, self.built.index, lp_cols, threshold, self.cut_book(), self._grid_limits()
            )
            cols = to_columns(self.inputs, self.built.index, sched)
            value = self.objective(cols)
            if self._feasible(cols) and value < best[0]:
                best = (value, sched, cols)
        # none feasible: still return a rounding, whose options guide the restricted MIP
        return (best[1] or sched), best[2]

    def _within(self, columns: np.ndarray, bound: float, mip_gap: float) -> bool:
        value = self.objective(columns)
        return bool(np.isfinite(bound) and value - bound <= mip_gap * abs(value))

    def _certified(self, sched: Schedule, columns: np.ndarray, bound: float) -> SolveOutput:
        """A schedule within the gap of the LP bound: optimal to that tolerance without branch and bound."""
        value = self.objective(columns)
        gap = (value - bound) / max(abs(value), 1e-9)
        return SolveOutput("optimal", value, bound, gap, sched, columns, start_accepted=True)

    def _restricted(
        self, sched: Schedule, start_cols: np.ndarray | None, lp_cols: np.ndarray | None, mip_gap: float
    ) -> np.ndarray | None:
        """Fix the options the LP settles, solve the smaller MIP that remains.

        Every block whose LP option share is >= 0.99 keeps the LP's option, with the rounded
        schedule's insulation level where the rounding kept that option too. A rounding that fell
        back to a heat pump where a network was full in the year it tried does not fix the heat
        pump: the MIP chooses the years that make the LP's option fit. Only if that leaves no
        schedule are the rounding's options fixed instead. HiGHS (with presolve, which removes the
        fixed columns) chooses the rest and all years, up to ``RESTRICTED_MAX_NODES`` nodes. A
        heuristic: its schedule is feasible for the full model; the bound stays the LP's.
        """
        rounded = sched.option  # -1: no option
        if lp_cols is None:
            return self._restricted_run(rounded, sched, start_cols, mip_gap)
        idx = self.built.index
        val = np.append(lp_cols, 0.0)
        share = np.where(idx.x[:, :, -1] >= 0, val[idx.x[:, :, -1]], 0.0)
        firm = share.max(axis=1) >= 0.99
        out = self._restricted_run(np.where(firm, share.argmax(axis=1), -1), sched, start_cols, mip_gap)
        if out is None and np.any(firm & (rounded != share.argmax(axis=1))):
            log.info("restricted MIP on the LP's options found no schedule: the rounding's options instead")
            out = self._restricted_run(np.where(firm, rounded, -1), sched, start_cols, mip_gap)
        return out

    def _restricted_run(
        self, option: np.ndarray, sched: Schedule, start_cols: np.ndarray | None, mip_gap: float
    ) -> np.ndarray | None:
        """The MIP with each block's ``option`` fixed (-1: free); columns of its schedule or None."""
        idx, hm, h = self.built.index, self.highs_model, self.highs
        off = [idx.x[(option >= 0) & (option != o), o].ravel() for o in range(idx.x.shape[1])]
        same = (option >= 0) & (sched.option == option)
        off += [idx.ins[same & (sched.ins_level != k), k].ravel() for k in range(idx.ins.shape[1])]
        cols = np.concatenate(off)
        cols = hm.col_of_var[cols[cols >= 0]]
        cols = cols[cols >= 0].astype(np.int32)
        old_ub = self._lp().col_upper[cols]  # copied before the bounds change (objective() reads it)
        h.changeColsBounds(len(cols), cols, np.zeros(len(cols)), np.zeros(len(cols)))
        h.setOptionValue("presolve", "on")
        h.setOptionValue("mip_rel_gap", float(mip_gap))
        if start_cols is not None:
            self._set_start(start_cols)
        try:
            self._run("restricted MIP", max_nodes=RESTRICTED_MAX_NODES)
            out = self._read(start_cols)
        finally:
            h.changeColsBounds(len(cols), cols, np.zeros(len(cols)), old_ub)
        log.info("restricted MIP: %s, objective %.0f", out.status, out.objective_eur)
        return out.columns

    def _finish(self, out: SolveOutput, mip_gap: float, t0: float, t1: float, t2: float) -> SolveOutput:
        out.certified, out.reason = self._verdict(out, mip_gap)
        if np.isfinite(out.best_bound_eur):
            self.bound_eur = max(self.bound_eur, float(out.best_bound_eur))
        out.timings_s = {**self.timings_s, "start": t1 - t0, "solver": t2 - t1}
        self._deadline = np.inf
        self.timings_s = {"build": 0.0, "hand_over": 0.0}  # paid once
        self.last = out
        return out

    def _verdict(self, out: SolveOutput, mip_gap: float) -> tuple[bool, str]:
        """Certified or not, and why, in plain words."""
        timed = [stage for limit, stage in self._stops if limit == "time"]
        nodes = [stage for limit, stage in self._stops if limit == "node"]
        return verdict(out, mip_gap, timed, nodes, self._cap_s)

    def _lp(self) -> _LpCopy:
        """The live instance's LP as arrays, copied out of HiGHS once per set of cuts."""
        if self._lp_copy is None:
            self._lp_copy = _LpCopy.of(self.highs)
        return self._lp_copy

    def _highs_values(self, columns: np.ndarray) -> np.ndarray:
        hm = self.highs_model
        vals = np.zeros(hm.n_cols)
        ok = hm.col_of_var >= 0
        vals[hm.col_of_var[ok]] = columns[ok]
        return vals

    def objective(self, columns: np.ndarray) -> float:
        """Objective value (EUR) of a column vector."""
        lp = self._lp()
        return float(np.dot(lp.cost, self._highs_values(columns)) + lp.offset)

    def _feasible(self, columns: np.ndarray, tol: float = 1e-6) -> bool:
        """True if a column vector satisfies every row and bound of the live instance."""
        lp, vals = self._lp(), self._highs_values(columns)
        act = lp.matrix @ vals
        rows_ok = np.all(act >= lp.row_lower - tol) and np.all(act <= lp.row_upper + tol)
        cols_ok = np.all(vals >= lp.col_lower - tol) and np.all(vals <= lp.col_upper + tol)
        return bool(rows_ok and cols_ok)

    def _start_columns(self, start: Schedule | str | None) -> np.ndarray | None:
        if start is None:
            return None
        if isinstance(start, str):
            if start == "previous":
                return self.last.columns if self.last is not None else None
            start = self.greedy_start()
        return to_columns(self.inputs, self.built.index, start)

    def _read(self, start_cols: np.ndarray | None) -> SolveOutput:
        h = self.highs
        status = h.getModelStatus()
        info = h.getInfo()
        has_sol = info.primal_solution_status == 2
        if status in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible):
            return SolveOutput("infeasible", np.nan, np.nan, np.nan, None, None)
        if not has_sol:
            return SolveOutput("no_solution", np.nan, float(info.mip_dual_bound), np.nan, None, None)
        vals = np.asarray(h.getSolution().col_value)
        hm = self.highs_model
        cols = np.zeros(len(self.built.variables))
        ok = hm.col_of_var >= 0
        cols[ok] = vals[hm.col_of_var[ok]]
        cols[~ok] = self.built.index.lb[~ok]
        limit = _LIMITS.get(status, "time")
        name = "optimal" if status == highspy.HighsModelStatus.kOptimal else f"{limit}_limit"
        obj = float(info.objective_function_value)
        bound = float(info.mip_dual_bound)
        gap = abs(obj - bound) / max(abs(obj), 1e-9)
        sched = from_columns(self.inputs, self.built.index, cols)
        # segments in the year of their first use (see model.monotone), except where a total
        # budget counts them: there a segment may be laid early to spread the investment
        edge_cut = any(t.kind == "edge" for c in self.cuts for t in c.terms)
        if self.inputs.budget_total is None and not edge_cut:
            sched.fill_edges(self.inputs)
            for r, e in self.built.index.edge.items():
                if e.size:
                    cols[e] = self.inputs.years[None, :] >= sched.edge_year[r][:, None]
            obj = min(obj, self.objective(cols))
        gap = abs(obj - bound) / max(abs(obj), 1e-9)
        accepted = start_cols is not None and bool(np.isfinite(obj))
        return SolveOutput(name, obj, bound, gap, sched, cols, start_accepted=accepted)

    def add_cuts(self, cuts: Iterable[Cut]) -> int:
        """Add cuts to the Pyomo model and to the live HiGHS instance; returns the rows added."""
        cuts = list(cuts)
        rows = cut_rows(self.inputs, self.built.index, cuts)
        add_rows(self.built, rows)
        hm = self.highs_model
        for i in range(len(rows)):
            a, b = rows.ptr[i], rows.ptr[i + 1]
            cols, vals = rows.cols[a:b], rows.vals[a:b]
            self._ensure_columns(cols)
            lo, hi = rows.lb[i], rows.ub[i]
            status = self.highs.addRow(
                -highspy.kHighsInf if lo == -INF else lo,
                highspy.kHighsInf if hi == INF else hi,
                len(cols),
                np.asarray(hm.col_of_var[cols], dtype=np.int32),
                np.asarray(vals, dtype=float),
            )
            if status != highspy.HighsStatus.kOk:
                raise RuntimeError(f"HiGHS refused cut row {rows.names[i]!r} ({status})")
        self.cuts += cuts
        self._cut_rows.append(rows)
        self._book = self._lp_copy = None
        return len(rows)

    def _ensure_columns(self, cols: list[int]) -> None:
        """Columns that appeared in no row or objective are not in HiGHS yet: add them."""
        hm, idx = self.highs_model, self.built.index
        for c in cols:
            if hm.col_of_var[c] < 0:
                self.highs.addVar(float(idx.lb[c]), float(idx.ub[c]))
                if c < idx.n_binary:
                    self.highs.changeColIntegrality(hm.n_cols, highspy.HighsVarType.kInteger)
                hm.col_of_var[c] = hm.n_cols
                hm.n_cols += 1

    def pyomo_model(self) -> pyo.ConcreteModel:
        """The Pyomo model (with every cut added so far)."""
        return self.built.model


def verdict(
    out: SolveOutput, mip_gap: float, timed: list[str], nodes: list[str], cap_s: float
) -> tuple[bool, str]:
    """Certified (within ``mip_gap`` and no time limit stopped a stage) or not, and why, in words.

    ``timed``/``nodes``: the stages a time limit (of ``cap_s``) or a node limit stopped.
    """
    proven = out.schedule is not None and bool(np.isfinite(out.gap)) and out.gap <= mip_gap + 1e-12
    gap = (
        f"gap {_pct(out.gap)} (asked {_pct(mip_gap)})"
        if np.isfinite(out.gap)
        else "no lower bound to measure the gap against"
    )
    if proven and not timed:
        return True, f"within {_pct(out.gap)} of the best bound (asked {_pct(mip_gap)})"
    if timed:
        return False, f"{gap} after the time limit of {cap_s:g} s stopped {_stages(timed)}"
    if nodes:
        return False, f"{gap} after the node limit stopped {_stages(nodes)}"
    return False, gap


def _pct(share: float) -> str:
    """A share as a percentage for people: 0.0014 -> '0.14%', 1.13 -> '113%' (rounding noise -> '0%')."""
    pct = max(100 * share, 0.0)
    return f"{pct:.0f}%" if pct >= 10 else f"{pct:.2g}%" if pct >= 0.001 else "0%"


def _stages(names: list[str]) -> str:
    """'the LP relaxation, the restricted MIP and the branch and bound'."""
    names = [f"the {n}" for n in dict.fromkeys(names)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
