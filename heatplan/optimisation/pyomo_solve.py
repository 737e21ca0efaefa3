"""The Pyomo route: the sequencing model solved through Pyomo's own solver interface.

The default route (``solver.name = "highs"``, :class:`~heatplan.optimisation.solve.Session`) hands
the model's arrays straight to HiGHS and solves it with an LP rounding first. Any other name is a
solver Pyomo drives (``appsi_highs``, ``cbc``, ``glpk``, ``gurobi``, ``cplex``, ...): a
:class:`PyomoSession` builds the same families of rows as plain Pyomo constraints (one
``LinearExpression`` per row), so that a user can add constraints in Pyomo, and solves it with
``pyomo.environ.SolverFactory(name)``. Cuts from the plan's verification loop go into the Pyomo
model as they do on the default route.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection, Iterable
from typing import Any

import numpy as np
import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression
from pyomo.opt import TerminationCondition

from heatplan.errors import SolverError
from heatplan.optimisation.assemble import Built, add_rows, build_model
from heatplan.optimisation.cuts import Cut, Term, cut_rows, term_columns
from heatplan.optimisation.greedy import greedy_schedule
from heatplan.optimisation.inputs import ModelInputs
from heatplan.optimisation.results import Result, make_result
from heatplan.optimisation.schedule import Schedule, from_columns, to_columns
from heatplan.optimisation.solve import SolveOutput, verdict

log = logging.getLogger(__name__)

#: The default route: the model's arrays handed straight to HiGHS (``Session``).
FAST_SOLVER = "highs"
#: Pyomo solvers the messages name (any other name Pyomo knows is accepted too).
COMMON_SOLVERS = ("appsi_highs", "cbc", "glpk", "gurobi", "cplex")
#: Native option names (time limit s, relative MIP gap, threads) of Pyomo's shell interfaces;
#: APPSI and ``pyomo.contrib.solver`` interfaces take ``config.time_limit`` / ``config.mip_gap``.
NATIVE_OPTIONS: dict[str, tuple[str, str, str | None]] = {
    "cbc": ("sec", "ratio", "threads"),
    "glpk": ("tmlim", "mipgap", None),
    "gurobi": ("TimeLimit", "MIPGap", "Threads"),
    "cplex": ("timelimit", "mip_tolerances_mipgap", "threads"),
}


def installed_solvers(names: Iterable[str] = COMMON_SOLVERS) -> list[str]:
    """The solvers among ``names`` that Pyomo finds installed here."""
    return [n for n in names if n in pyo.SolverFactory and _available(pyo.SolverFactory(n))]


def _available(opt: Any) -> bool:
    try:
        return bool(opt.available(exception_flag=False))
    except Exception:  # a broken plugin counts as not installed
        return False


def pyomo_solver(name: str) -> Any:
    """Pyomo's solver ``name``; :class:`~heatplan.errors.SolverError` if it is unknown or not installed."""
    expected = (
        f"expected {FAST_SOLVER} (the default) or a Pyomo solver installed here "
        f"({', '.join(installed_solvers()) or 'none found'})"
    )
    if name not in pyo.SolverFactory:  # checked first: creating an unknown name logs a traceback
        raise SolverError(f"solver.name '{name}': Pyomo knows no solver of that name; {expected}")
    opt = pyo.SolverFactory(name)
    if not _available(opt):
        raise SolverError(f"solver.name '{name}': the solver is not installed; {expected}")
    return opt


def check_solver(name: str) -> None:
    """Raise :class:`~heatplan.errors.SolverError` unless ``name`` can solve a plan here."""
    if name != FAST_SOLVER:
        pyomo_solver(name)


def _configure(opt: Any, name: str, time_limit_s: float, mip_gap: float, threads: int) -> None:
    config = getattr(opt, "config", None)
    if config is not None and hasattr(config, "mip_gap"):
        config.time_limit = float(time_limit_s)
        config.mip_gap = float(mip_gap)
        if name == "appsi_highs":
            opt.highs_options["threads"] = threads
        return
    t_opt, gap_opt, thr_opt = NATIVE_OPTIONS.get(name, (None, None, None))
    if t_opt:
        opt.options[t_opt] = int(np.ceil(time_limit_s)) if name == "glpk" else float(time_limit_s)
    if gap_opt:
        opt.options[gap_opt] = float(mip_gap)
    if thr_opt:
        opt.options[thr_opt] = threads


class PyomoSession:
    """The sequencing model as a plain Pyomo model, solved through ``SolverFactory(solver)``.

    ``model`` is the ``pyo.ConcreteModel``: add constraints to it (``switched``, ``connected``,
    ``insulated``, ``on_induction`` and ``edge_built`` give the decisions by block or edge id and
    year as Pyomo expressions) and call :meth:`solve`.
    """

    def __init__(
        self,
        inp: ModelInputs,
        elastic: bool = False,
        solver: str = "appsi_highs",
        threads: int = 2,
        skip: Collection[str] = (),
    ) -> None:
        """Check the solver, then build the Pyomo model (timed as "build")."""
        self.inputs, self.elastic, self.solver_name, self.threads = inp, elastic, solver, threads
        self.opt = pyomo_solver(solver)
        t0 = time.perf_counter()
        self.built: Built = build_model(inp, elastic, skip, route="expressions")
        self.timings_s = {"build": time.perf_counter() - t0, "hand_over": 0.0}
        self.cuts: list[Cut] = []
        self.last: SolveOutput | None = None
        self.bound_eur = -np.inf
        log.info("Pyomo model built for %s: %d columns", solver, len(self.built.variables))

    @property
    def model(self) -> pyo.ConcreteModel:
        """The Pyomo model (with every cut added so far)."""
        return self.built.model

    def pyomo_model(self) -> pyo.ConcreteModel:
        """The Pyomo model (as ``Session.pyomo_model``)."""
        return self.built.model

    # ---- decisions by name, as Pyomo expressions ----------------------------------------------

    def decision(self, term: Term) -> LinearExpression:
        """The 0/1 expression of one named decision ("done by" the term's year)."""
        cols = term_columns(self.inputs, self.built.index, term)
        cols = cols[cols >= 0]
        return LinearExpression(
            constant=0.0, linear_coefs=[1.0] * len(cols), linear_vars=[self.built.variables[c] for c in cols]
        )

    def switched(self, block_id: str, year: int) -> LinearExpression:
        """1 if the block has switched its heat (to any option) by ``year``."""
        return self.decision(Term("switch", block_id, year))

    def connected(self, block_id: str, option: str, year: int) -> LinearExpression:
        """1 if the block has taken ``option`` (mt, lt or hp) by ``year``."""
        return self.decision(Term("connect", block_id, year, option=option))

    def insulated(self, block_id: str, year: int, label: str = "") -> LinearExpression:
        """1 if the block is insulated (to ``label``, or to any label) by ``year``."""
        return self.decision(Term("insulate", block_id, year, option=label))

    def on_induction(self, block_id: str, year: int) -> LinearExpression:
        """1 if the block cooks on induction by ``year``."""
        return self.decision(Term("induction", block_id, year))

    def edge_built(self, edge_id: str, regime: str, year: int) -> LinearExpression:
        """1 if network edge ``edge_id`` of ``regime`` is built by ``year``."""
        return self.decision(Term("edge", edge_id, year, option=regime))

    # ---- solving -------------------------------------------------------------------------------

    def add_cuts(self, cuts: Iterable[Cut]) -> int:
        """Add cuts to the Pyomo model; returns the rows added."""
        cuts = list(cuts)
        rows = cut_rows(self.inputs, self.built.index, cuts)
        add_rows(self.built, rows)
        self.cuts += cuts
        return len(rows)

    def objective(self, columns: np.ndarray) -> float:
        """Objective value (EUR) of a column vector."""
        return float(self.built.cost @ columns + self.built.constant_eur)

    def solve(
        self, time_limit_s: float = 300.0, mip_gap: float = 0.01, start: Schedule | str | None = None
    ) -> SolveOutput:
        """Solve with the Pyomo solver; ``start`` (a schedule, "greedy" or "previous") is a warm start."""
        t0 = time.perf_counter()
        _configure(self.opt, self.solver_name, time_limit_s, mip_gap, self.threads)
        warm = self._warm_start(start)
        kwargs = {"warmstart": True} if warm else {}
        results = self.opt.solve(self.model, load_solutions=False, **kwargs)
        t1 = time.perf_counter()
        out = self._read(results)
        timed = [f"{self.solver_name} solve"] if out.status == "time_limit" else []
        out.certified, out.reason = verdict(out, mip_gap, timed, [], time_limit_s)
        if np.isfinite(out.best_bound_eur):
            self.bound_eur = max(self.bound_eur, out.best_bound_eur)
        out.timings_s = {**self.timings_s, "start": 0.0, "solver": t1 - t0}
        self.timings_s = {"build": 0.0, "hand_over": 0.0}  # paid once
        self.last = out
        return out

    def _warm_start(self, start: Schedule | str | None) -> bool:
        """Put a start schedule's values on the variables; True if the solver takes warm starts."""
        if start == "previous":
            start = self.last.schedule if self.last is not None else None
        elif start == "greedy":
            start = greedy_schedule(self.inputs, self.built.index)
        if not isinstance(start, Schedule):
            return False
        capable = getattr(self.opt, "warm_start_capable", lambda: False)
        if not capable():
            return False
        cols = to_columns(self.inputs, self.built.index, start)
        for var, value in zip(self.built.variables, cols, strict=True):
            var.set_value(float(value), skip_validation=True)
        return True

    def _read(self, results: Any) -> SolveOutput:
        """A ``SolveOutput`` from Pyomo's results (segments at first use, as the default route)."""
        tc = results.solver.termination_condition
        if len(results.solution) == 0:
            bad = tc in (TerminationCondition.infeasible, TerminationCondition.infeasibleOrUnbounded)
            return SolveOutput("infeasible" if bad else "no_solution", np.nan, np.nan, np.nan, None, None)
        self.model.solutions.load_from(results)
        idx = self.built.index
        cols = np.array([np.nan if v.value is None else v.value for v in self.built.variables], dtype=float)
        cols = np.where(np.isnan(cols), idx.lb, cols)
        cols[: idx.n_binary] = np.round(cols[: idx.n_binary])
        sched = from_columns(self.inputs, idx, cols)
        edge_cut = any(t.kind == "edge" for c in self.cuts for t in c.terms)
        if self.inputs.budget_total is None and not edge_cut:
            sched.fill_edges(self.inputs)
            for r, e in idx.edge.items():
                if e.size:
                    cols[e] = self.inputs.years[None, :] >= sched.edge_year[r][:, None]
                    for c in e.ravel():
                        self.built.variables[c].set_value(float(cols[c]), skip_validation=True)
        # the active objective, in case the user changed it in Pyomo
        obj = float(pyo.value(next(self.model.component_data_objects(pyo.Objective, active=True))))
        bound = results.problem.lower_bound
        bound = float(bound) if bound is not None and np.isfinite(float(bound)) else -np.inf
        bound = max(bound, self.bound_eur)
        gap = abs(obj - bound) / max(abs(obj), 1e-9) if np.isfinite(bound) else np.nan
        status = "optimal" if tc == TerminationCondition.optimal else "time_limit"
        return SolveOutput(status, obj, bound, gap, sched, cols)

    def result(self, out: SolveOutput) -> Result:
        """Every output of a solve (per-block table, costs, Dataset) as :class:`Result`."""
        if out.schedule is None:
            raise ValueError(f"the solve found no schedule ({out.status})")
        return make_result(self.inputs, out.schedule, out.meta(self))
