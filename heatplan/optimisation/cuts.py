"""Cuts: extra linear rows the verification loop (``plan``) adds after a failed year.

A cut is a named row ``lb <= sum(coeff * decision) <= ub`` over decisions named by block or edge
id and year, so that the caller needs no knowledge of the model's columns. Decision kinds:

* ``connect`` (block_id, option mt|lt|hp, year): block connected to that option by ``year``;
* ``switch`` (block_id, year): switched to any option by ``year``;
* ``insulate`` (block_id, level label or "" for any, year): insulated by ``year``;
* ``induction`` (block_id, year): cooking on induction by ``year``;
* ``edge`` (edge_id, regime, year): the network edge built by ``year``;
* ``reinforce`` (grid element id, year): the grid station or feeder reinforced by ``year``;
* ``grid_load`` (grid element id, year): the electric peak (kW) the plan adds behind it in ``year``
  (a sum over its blocks' options and induction, each with its own kW; ``coeff`` scales it).

Years before the first modelled year read as "not done" (0); years after the last as the last.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from heatplan.errors import InputError
from heatplan.optimisation.inputs import OPTIONS, ModelInputs
from heatplan.optimisation.model import INF, Index, Rows


@dataclass(frozen=True)
class Term:
    """One decision with its coefficient in a cut."""

    kind: str
    key: str
    year: int
    coeff: float = 1.0
    option: str = ""


@dataclass(frozen=True)
class Cut:
    """A named linear row over decisions."""

    name: str
    terms: tuple[Term, ...]
    lb: float = -INF
    ub: float = INF


def term_columns(inp: ModelInputs, idx: Index, term: Term) -> np.ndarray:
    """Model columns a term refers to (their sum is the decision's value)."""
    t = int(min(term.year, int(inp.years[-1])) - int(inp.years[0]))
    if t < 0:
        return np.zeros(0, dtype=int)
    if term.kind == "reinforce":
        from heatplan.optimisation.grid_rows import element_position

        e = element_position(inp, term.key)
        return idx.reinf[e, t : t + 1] if idx.reinf is not None else np.zeros(0, dtype=int)
    if term.kind == "edge":
        seg = inp.segments.get(term.option)
        if seg is None or term.key not in seg.edge_segment:
            raise InputError(f"cut names an unknown {term.option} edge '{term.key}'")
        k = seg.edge_segment[term.key]
        if k >= 0:
            return idx.edge[term.option][k, t : t + 1]
        return _folded_edge_columns(inp, idx, term, t)
    hits = np.nonzero(inp.block_ids == term.key)[0]
    if not len(hits):
        raise InputError(f"cut names an unknown block '{term.key}'")
    b = int(hits[0])
    if term.kind == "connect":
        return idx.x[b, OPTIONS.index(term.option), t : t + 1]
    if term.kind == "switch":
        return idx.x[b, :, t]
    if term.kind == "insulate":
        levels = [inp.levels.index(term.option)] if term.option else list(range(len(inp.levels)))
        return idx.ins[b, levels, t]
    if term.kind == "induction":
        return idx.ind[b, t : t + 1]
    raise InputError(f"unknown cut term kind '{term.kind}'")


def _folded_edge_columns(inp: ModelInputs, idx: Index, term: Term, t: int) -> np.ndarray:
    """An edge serving one block only is built exactly when that block connects."""
    b = inp.segments[term.option].folded_edge_block[term.key]
    return idx.x[b, OPTIONS.index(term.option), t : t + 1]


def cut_rows(inp: ModelInputs, idx: Index, cuts: Iterable[Cut]) -> Rows:
    """Rows of model columns for the given cuts (a ranged cut becomes two rows)."""
    rows = Rows()
    for cut in cuts:
        cols: list[int] = []
        vals: list[float] = []
        for term in cut.terms:
            if term.kind == "grid_load":
                from heatplan.optimisation.grid_rows import element_position, load_columns

                t = int(min(term.year, int(inp.years[-1])) - int(inp.years[0]))
                c, v = load_columns(inp, idx, element_position(inp, term.key), t)
                cols += c.tolist()
                vals += (v * term.coeff).tolist()
                continue
            c = term_columns(inp, idx, term)
            cols += c.tolist()
            vals += [term.coeff] * len(c)
        if cut.lb == cut.ub:
            rows.add(cols, vals, lb=cut.lb, ub=cut.ub, name=cut.name)
            continue
        if cut.ub < INF:
            rows.add(cols, vals, ub=cut.ub, name=cut.name)
        if cut.lb > -INF:
            rows.add(cols, vals, lb=cut.lb, name=cut.name)
    return rows


def not_before(block_id: str, year: int, name: str = "") -> Cut:
    """Block ``block_id`` does not switch before ``year`` (delay)."""
    return Cut(name or f"{block_id} not before {year}", (Term("switch", block_id, year - 1),), ub=0.0)


def min_branch_load(
    inp: ModelInputs,
    regime: str,
    branch_block_ids: Iterable[str],
    far_block_id: str,
    min_load_kw: float,
    name: str = "",
) -> list[Cut]:
    """Before ``far_block_id`` connects, ``min_load_kw`` of design peak must be connected on the branch.

    For every modelled year t: ``sum_b peak_b X[b,r,t] >= min_load_kw * X[far,r,t]``.
    """
    o = OPTIONS.index(regime)
    pos = {bid: i for i, bid in enumerate(inp.block_ids)}
    out = []
    for year in inp.years:
        terms = [
            Term("connect", b, int(year), float(inp.peak_kw[pos[b], o]), regime) for b in branch_block_ids
        ]
        terms.append(Term("connect", far_block_id, int(year), -float(min_load_kw), regime))
        out.append(
            Cut(name or f"min load {min_load_kw:.0f} kW before {far_block_id} ({year})", tuple(terms), lb=0.0)
        )
    return out


def edge_capacity(
    inp: ModelInputs, regime: str, edge_id: str, capacity_kw: float, name: str = ""
) -> list[Cut]:
    """The blocks downstream of edge ``edge_id`` may load it with at most ``capacity_kw`` (design peak)."""
    seg = inp.segments[regime]
    if edge_id not in seg.edge_members:
        raise InputError(f"no {regime} edge '{edge_id}' leads to a block that may connect")
    o = OPTIONS.index(regime)
    members = seg.edge_members[edge_id]
    scale = seg.edge_design_kw[edge_id] / max(float(inp.peak_kw[members, o].sum()), 1e-9)
    out = []
    for year in inp.years:
        terms = tuple(
            Term("connect", str(inp.block_ids[b]), int(year), float(inp.peak_kw[b, o] * scale), regime)
            for b in members
        )
        out.append(Cut(name or f"capacity {edge_id} ({year})", terms, ub=float(capacity_kw)))
    return out


class CutBook:
    """The cut rows over connection decisions, booked as the greedy start places blocks.

    Only rows whose every column is a connection decision ``X[b,o,t]`` are kept (the others are
    left to the feasibility check of the finished schedule). Placing block b on option o in year
    index t sets ``X[b,o,t'] = 1`` for every ``t' >= t``; the placement keeps a row if the row
    stays within its bounds or the placement moves it towards them.
    """

    def __init__(self, idx: Index, parts: Iterable[Rows]) -> None:
        """Keep the connection-only rows of ``parts`` (rows made by ``cut_rows``), by (block, option)."""
        parts = [Rows(), *parts]  # the empty block keeps the concatenations defined

        def cat(name: str, dtype: type) -> np.ndarray:
            return np.concatenate([np.asarray(getattr(p, name), dtype=dtype) for p in parts])

        cols, vals = cat("cols", int), cat("vals", float)
        counts = np.concatenate([np.diff(np.asarray(p.ptr, dtype=int)) for p in parts])
        n_rows = len(counts)
        row_of = np.repeat(np.arange(n_rows), counts)
        where = np.full((len(idx.lb), 3), -1)
        b, o, t = np.nonzero(idx.x >= 0)
        where[idx.x[b, o, t]] = np.c_[b, o, t]
        other = np.zeros(n_rows, dtype=bool)
        other[row_of[where[cols, 0] < 0]] = True
        keep = ~other[row_of]
        eb, eo, et = where[cols[keep]].T
        er, ev = row_of[keep], vals[keep]
        key = eb * len(OPTIONS) + eo
        order = np.argsort(key, kind="stable")
        bounds = [*np.searchsorted(key[order], np.unique(key), side="left").tolist(), len(order)]
        self.by_option: dict[tuple[int, int], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        for a, z in itertools.pairwise(bounds):
            sel = order[a:z]
            self.by_option[(int(eb[sel[0]]), int(eo[sel[0]]))] = (er[sel], et[sel], ev[sel])
        self.lb, self.ub = cat("lb", float), cat("ub", float)
        self.tol = 1e-6 * (1.0 + np.minimum(np.abs(np.where(np.isfinite(self.ub), self.ub, 0.0)), 1e12))
        self.activity = np.zeros(n_rows)

    def fresh(self) -> CutBook:
        """A copy with nothing booked (the row data is shared)."""
        new = object.__new__(CutBook)
        new.__dict__.update(self.__dict__)
        new.activity = np.zeros_like(self.activity)
        return new

    def _delta(self, b: int, o: int, t: int) -> tuple[np.ndarray, np.ndarray]:
        entry = self.by_option.get((b, o))
        if entry is None:
            return np.zeros(0, dtype=int), np.zeros(0)
        r, tt, v = entry
        on = tt >= t
        rows, inv = np.unique(r[on], return_inverse=True)
        return rows, np.bincount(inv, v[on], minlength=len(rows))

    def check(self, b: int, o: int, t: int) -> tuple[bool, bool]:
        """(upper bounds kept, lower bounds kept) if block b takes option o from year index t."""
        rows, amount = self._delta(b, o, t)
        new = self.activity[rows] + amount
        tol = self.tol[rows]
        up = bool(np.all((new <= self.ub[rows] + tol) | (amount <= 0)))
        low = bool(np.all((new >= self.lb[rows] - tol) | (amount >= 0)))
        return up, low

    def add(self, b: int, o: int, t: int) -> None:
        """Book block b on option o from year index t on."""
        rows, amount = self._delta(b, o, t)
        self.activity[rows] += amount
