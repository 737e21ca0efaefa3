"""Turn the families' sparse rows into a Pyomo model, and hand the Pyomo model to HiGHS.

Two routes (measured in benchmarks/bench_optimise.py, docs/optimisation.md):

* ``"matrix"`` (default): each family becomes one Pyomo ``MatrixConstraint`` holding its CSR
  arrays (no expression objects); the hand-over passes those same arrays and the objective's
  coefficient vector to ``highspy`` in one ``passModel`` call.
* ``"expressions"``: each row becomes a Pyomo ``LinearExpression`` constraint; Pyomo's
  ``LinearStandardFormCompiler`` compiles the model to sparse matrices for ``passModel``.

The ``highspy.Highs`` object is kept, so cuts are added as rows and re-solves are warm-started.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np
import pyomo.environ as pyo
from pyomo.core.base.matrix_constraint import MatrixConstraint
from pyomo.core.expr.numeric_expr import LinearExpression
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

from heatplan.optimisation.grid_rows import GRID_FAMILIES
from heatplan.optimisation.inputs import ModelInputs
from heatplan.optimisation.model import FAMILIES, INF, Index, Rows, make_index
from heatplan.optimisation.objective import coefficients


@dataclass
class Built:
    """A built model: the Pyomo model, the column numbering and the objective constant."""

    model: pyo.ConcreteModel
    index: Index
    variables: list[pyo.Var]
    constant_eur: float
    n_rows: dict[str, int]
    rows: dict[str, Rows]
    cost: np.ndarray
    route: str


def _constraint(variables: list[pyo.Var], rows: Rows) -> pyo.Constraint:
    ptr, cols, vals = rows.ptr, rows.cols, rows.vals

    def rule(_m: pyo.ConcreteModel, i: int) -> object:
        a, b = ptr[i], ptr[i + 1]
        if a == b:
            return pyo.Constraint.Skip
        expr = LinearExpression(
            constant=0.0, linear_coefs=vals[a:b], linear_vars=[variables[c] for c in cols[a:b]]
        )
        lb = None if rows.lb[i] == -INF else rows.lb[i]
        ub = None if rows.ub[i] == INF else rows.ub[i]
        if lb is not None and ub is not None and lb != ub:
            raise ValueError("ranged rows are not used")
        return (lb, expr, ub) if lb != ub else expr == lb

    return pyo.Constraint(range(len(rows)), rule=rule)


class RowsConstraint(MatrixConstraint):
    """Pyomo's ``MatrixConstraint`` (CSR rows, no expression objects), iterable by Pyomo.

    ``component_data_objects`` passes ``sort`` to ``values()``, which the ``Mapping`` methods of
    ``MatrixConstraint`` do not take.
    """

    def keys(self, *_args: object, **_kw: object) -> Iterator[int]:
        """Row numbers."""
        return iter(range(len(self._data)))

    def values(self, *_args: object, **_kw: object) -> Iterator[Any]:
        """Row constraint data."""
        return iter(self._data)

    def items(self, *_args: object, **_kw: object) -> Iterator[tuple[int, Any]]:
        """(row number, row constraint data)."""
        return iter(enumerate(self._data))


def _matrix(variables: list[pyo.Var], rows: Rows) -> MatrixConstraint:
    lb = [None if v == -INF else v for v in rows.lb]
    ub = [None if v == INF else v for v in rows.ub]
    return RowsConstraint(rows.vals, rows.cols, rows.ptr, lb, ub, variables)


def build_model(
    inp: ModelInputs, elastic: bool = False, skip: Collection[str] = (), route: str = "matrix"
) -> Built:
    """Build the Pyomo model; ``skip`` leaves constraint families out (for tests only)."""
    idx = make_index(inp, elastic)
    m = pyo.ConcreteModel(name="heatplan_sequencing")
    m.y = pyo.Var(range(idx.n_binary), domain=pyo.Binary)
    m.z = pyo.Var(range(idx.n_cont), domain=pyo.NonNegativeReals)
    variables: list[pyo.Var] = [m.y[i] for i in range(idx.n_binary)] + [m.z[j] for j in range(idx.n_cont)]
    for col in np.nonzero(idx.lb != 0.0)[0]:
        variables[col].setlb(float(idx.lb[col]))
    for col in np.nonzero(idx.ub != 1.0)[0]:
        variables[col].setub(None if idx.ub[col] == INF else float(idx.ub[col]))
    n_rows: dict[str, int] = {}
    all_rows: dict[str, Rows] = {}
    for name, family in {**FAMILIES, **GRID_FAMILIES}.items():
        if name in skip:
            continue
        rows = family(inp, idx)
        n_rows[name] = len(rows)
        all_rows[name] = rows
        if len(rows):
            m.add_component(
                name, _matrix(variables, rows) if route == "matrix" else _constraint(variables, rows)
            )
    c, const = coefficients(inp, idx, elastic)
    nz = np.nonzero(c)[0]
    m.cost = pyo.Objective(
        expr=LinearExpression(
            constant=const, linear_coefs=c[nz].tolist(), linear_vars=[variables[i] for i in nz]
        ),
        sense=pyo.minimize,
    )
    m.cuts = pyo.ConstraintList()
    return Built(m, idx, variables, const, n_rows, all_rows, c, route)


def add_rows(built: Built, rows: Rows) -> None:
    """Add rows (e.g. the cuts of the verification loop) to the Pyomo model's ``cuts`` list."""
    variables = built.variables
    for i in range(len(rows)):
        a, b = rows.ptr[i], rows.ptr[i + 1]
        expr = LinearExpression(
            constant=0.0, linear_coefs=rows.vals[a:b], linear_vars=[variables[c] for c in rows.cols[a:b]]
        )
        lo, hi = rows.lb[i], rows.ub[i]
        built.model.cuts.add(expr == lo if lo == hi else (expr >= lo if hi == INF else expr <= hi))


@dataclass
class HighsModel:
    """A HiGHS instance holding the compiled model, with the Pyomo column of every HiGHS column."""

    highs: highspy.Highs
    col_of_var: np.ndarray  # HiGHS column per model column (-1 if the column appears nowhere)
    n_cols: int


def _lp_from_rows(built: Built) -> tuple[highspy.HighsLp, np.ndarray]:
    """The HiGHS model straight from the families' CSR arrays (the ones in the MatrixConstraints)."""
    import scipy.sparse as sp

    rows = [r for r in built.rows.values() if len(r)]
    n = len(built.variables)
    mats = [
        sp.csr_matrix(
            (np.asarray(r.vals, float), np.asarray(r.cols, int), np.asarray(r.ptr, int)), shape=(len(r), n)
        )
        for r in rows
    ]
    a = sp.vstack(mats, format="csc") if mats else sp.csc_matrix((0, n))
    lo = np.concatenate([r.lb for r in rows]) if rows else np.zeros(0)
    hi = np.concatenate([r.ub for r in rows]) if rows else np.zeros(0)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, a.shape[0]
    lp.col_cost_ = built.cost
    lp.offset_ = built.constant_eur
    lp.row_lower_ = np.where(np.isinf(lo), -highspy.kHighsInf, lo)
    lp.row_upper_ = np.where(np.isinf(hi), highspy.kHighsInf, hi)
    _set_matrix(lp, a)
    return lp, np.arange(n)


def _lp_from_compiler(built: Built) -> tuple[highspy.HighsLp, np.ndarray]:
    """The HiGHS model from Pyomo's standard-form compiler (expressions route)."""
    info = LinearStandardFormCompiler().write(built.model, mixed_form=True)
    if info.eliminated_vars:
        raise RuntimeError("standard form eliminated variables; all columns must have lb = 0")
    pos = {id(v): i for i, v in enumerate(built.variables)}
    model_col = np.array([pos[id(v)] for v in info.columns], dtype=int)
    a = info.A.tocsc()
    rhs = np.asarray(info.rhs, dtype=float)
    mult = np.array([r[1] for r in info.rows], dtype=int)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(model_col), a.shape[0]
    lp.col_cost_ = np.asarray(info.c.toarray()).ravel() if info.c.shape[0] else np.zeros(len(model_col))
    lp.offset_ = float(info.c_offset[0]) if len(info.c_offset) else 0.0
    lp.row_lower_ = np.where(mult >= 0, np.where(mult == 0, rhs, -highspy.kHighsInf), rhs)
    lp.row_upper_ = np.where(mult <= 0, np.where(mult == 0, rhs, highspy.kHighsInf), rhs)
    _set_matrix(lp, a)
    return lp, model_col


def _set_matrix(lp: highspy.HighsLp, a: object) -> None:
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = getattr(a, "indptr").astype(np.int32)  # noqa: B009
    lp.a_matrix_.index_ = getattr(a, "indices").astype(np.int32)  # noqa: B009
    lp.a_matrix_.value_ = getattr(a, "data").astype(float)  # noqa: B009


def hand_over(built: Built, threads: int = 2) -> HighsModel:
    """Pass the Pyomo model to a new ``highspy.Highs`` (route as built)."""
    lp, model_col = _lp_from_rows(built) if built.route == "matrix" else _lp_from_compiler(built)
    idx = built.index
    lp.col_lower_ = idx.lb[model_col]
    lp.col_upper_ = np.where(np.isinf(idx.ub[model_col]), highspy.kHighsInf, idx.ub[model_col])
    lp.integrality_ = [
        highspy.HighsVarType.kInteger if c < idx.n_binary else highspy.HighsVarType.kContinuous
        for c in model_col
    ]
    h = new_highs()
    h.setOptionValue("threads", threads)
    h.passModel(lp)
    col_of_var = np.full(len(built.variables), -1)
    col_of_var[model_col] = np.arange(len(model_col))
    return HighsModel(h, col_of_var, len(model_col))


def new_highs() -> highspy.Highs:
    """A silent ``Highs`` instance, without the banner HiGHS prints on stdout when it is created."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    h.silent()
    return h
