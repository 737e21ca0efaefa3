"""The main job: stock -> networks -> optimise -> verify every planned year -> feed failures back.

``run_plan`` lays out and sizes the MT and LT networks, solves the sequencing model, re-sizes
each network for the blocks the plan connects to it (``plan.resize``; optimised again on the
re-sized pipes where that saves more than the solver's gap), simulates every planned year at
design and low load, turns failures into cuts (``plan.feedback``), and re-solves (warm-started,
in the same HiGHS instance) until every year passes or ``scenario.verification.max_rounds`` is
reached; then it names what still fails.

The number of rounds depends on the plan alone, not on the clock: ``verification.max_total_s``
and ``resolve_time_limit_s`` are safety caps far above the normal time, and a plan they stop
says so (``Plan.stopped_by``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from heatplan.buildings.labels import better_of, worst_label_for_supply
from heatplan.buildings.sources import read_sources, with_existing_customers
from heatplan.buildings.stock import today_mask
from heatplan.errors import InfeasibleError
from heatplan.grid.capacity import GridElements
from heatplan.networks.layout import Layout, build_layout, within_sources
from heatplan.networks.sizing import size_layout
from heatplan.optimisation import NetworkInput, Result, build_inputs, check_solver, optimise, resolve
from heatplan.optimisation.inputs import ModelInputs
from heatplan.plan.feedback import feedback
from heatplan.plan.grid_check import GridChecker, GridModel, GridYears, check_years, grid_model
from heatplan.plan.grid_feedback import grid_feedback
from heatplan.plan.notes import Action
from heatplan.plan.preflight import check_pace_floor, check_stock, pin_warnings
from heatplan.plan.resize import (
    MAX_RESIZE_SOLVES,
    Resize,
    mark_reoptimised,
    resize_for_plan,
    worth_resolving,
)
from heatplan.plan.verify import NetworkModels, StateCheck, Verifier
from heatplan.scenario import Scenario

log = logging.getLogger(__name__)

#: progress(stage, done, total): called as the plan advances (the CLI shows it).
Progress = Callable[[str, int, int], None]


@dataclass
class Round:
    """One optimisation + verification round."""

    number: int
    objective_eur: float
    failing_years: list[int]
    n_failures: int
    cuts_added: int
    actions: list[Action]  # what the loop did (words: heatplan.plan.notes.round_lines)
    seconds: float


@dataclass
class Plan:
    """Everything a plan run produced (written out by ``heatplan.plan.outputs``)."""

    stock: pd.DataFrame
    scenario: Scenario
    nets: NetworkModels
    result: Result
    table: pd.DataFrame
    checks: list[StateCheck]
    rounds: list[Round]
    unresolved: pd.DataFrame  # the last round's failures (heatplan.failures table + year, regime, load)
    timings_s: dict[str, float] = field(default_factory=dict)
    stock_source: str = "embedded Zuidwest stock (synthetic)"
    simulations: int = 0
    warnings: list[str] = field(default_factory=list)
    #: what cut the verification loop short on the clock ("" if nothing did)
    stopped_by: str = ""
    #: the networks re-sized for the load the plan connects (heatplan.plan.resize)
    resizes: list[Resize] = field(default_factory=list)
    #: the electricity grid under every planned year (heatplan.plan.grid_check), None if not modelled
    grid: GridYears | None = None
    #: the grid the plan was checked on (synthetic or a file), None if not modelled
    grid_model: GridModel | None = None


def _noop(stage: str, done: int, total: int) -> None:
    return None


def regime_label(scenario: Scenario, regime: str) -> str:
    """The weakest label a regime serves under the label policy (A if none)."""
    spec = scenario.networks.mt if regime == "mt" else scenario.networks.lt
    pol = scenario.label_policy
    return worst_label_for_supply(spec.supply_temp_c, pol.required_supply_c, pol.design_drop_k) or "A"


def lay_out(
    stock: pd.DataFrame, scenario: Scenario, sources: pd.DataFrame, streets: Path | None = None
) -> NetworkModels:
    """MT and LT networks over the blocks that may take them, sized at the labels they will have."""
    sources = with_existing_customers(stock, sources, scenario.years.start)
    existing = today_mask(stock).to_numpy()
    gone_early = (stock["demolition_year"].fillna(9999) <= scenario.years.start).to_numpy()
    layouts: dict[str, Layout] = {}
    sizings: dict[str, pd.DataFrame] = {}
    for regime in ("mt", "lt"):
        if regime not in scenario.options.allowed and regime != scenario.options.new_build:
            continue
        if not (sources["regime"] == regime).any():
            continue
        take = existing & ~gone_early if regime in scenario.options.allowed else np.zeros(len(stock), bool)
        if regime == scenario.options.new_build:
            take = take | ~existing
        if regime == "lt":
            # an LT network is not laid beyond what its (local) sources deliver; MT blocks
            # beyond the sources stay on the tree, the optimisation's source rows bound them
            take[take] = within_sources(stock[take], sources, regime, scenario, ~existing[take])
        blocks = stock[take]
        if blocks.empty:
            continue
        layout = build_layout(blocks, sources, regime, scenario, streets)
        layouts[regime] = layout
        sizings[regime] = size_layout(layout, stock, scenario, labels=sizing_labels(stock, scenario, regime))
    return NetworkModels(layouts, sizings, sources)


def sizing_labels(stock: pd.DataFrame, scenario: Scenario, regime: str) -> pd.Series:
    """The labels a network is sized at: each block's label or the regime's target, the better."""
    return better_of(stock["label"], pd.Series(regime_label(scenario, regime), index=stock.index))


def model_inputs(
    stock: pd.DataFrame, scenario: Scenario, sources: pd.DataFrame | None = None, streets: Path | None = None
) -> ModelInputs:
    """The optimisation's inputs for a stock, its networks laid out and sized as ``run_plan`` does.

    For working with the model yourself, e.g. ``PyomoSession(model_inputs(stock, scenario))``.
    """
    stock = stock.reset_index(drop=True)
    sources = with_existing_customers(
        stock, read_sources() if sources is None else sources, scenario.years.start
    )
    nets = lay_out(stock, scenario, sources, streets)
    networks = {r: NetworkInput.from_layout(nets.layouts[r], nets.sizings[r]) for r in nets.layouts}
    return build_inputs(stock, scenario, networks, sources)


def schedule_table(stock: pd.DataFrame, result: Result) -> pd.DataFrame:
    """The optimiser's per-block table aligned with the stock (index 0..n-1)."""
    t = result.blocks.set_index("block_id").reindex(stock["block_id"].astype(str))
    t = t.reset_index().rename(columns={"index": "block_id"})
    t.index = stock.index
    return t


def planned_years(scenario: Scenario, result: Result) -> list[int]:
    """Years to verify: start to the later of the deadline and the gas-free year (within the model)."""
    last_model = (
        int(result.dataset["year"].max()) if "year" in result.dataset.dims else scenario.years.deadline
    )
    reached = result.gas_free_year_reached or last_model
    return list(range(scenario.years.start, min(max(scenario.years.deadline, reached), last_model) + 1))


def _verify(
    verifier: Verifier, table: pd.DataFrame, years: list[int], progress: Progress, rnd: int
) -> list[StateCheck]:
    checks: list[StateCheck] = []
    for k, year in enumerate(years):
        checks += verifier.check_year(table, year)
        progress(f"round {rnd}: verifying {year}", k + 1, len(years))
    return checks


def run_plan(
    stock: pd.DataFrame,
    scenario: Scenario,
    sources: pd.DataFrame | None = None,
    streets: Path | None = None,
    progress: Progress | None = None,
    grid_files: tuple[Path, Path] | None = None,
) -> Plan:
    """Optimise and verify until every planned year passes (or the rounds run out).

    ``grid_files``: a real electricity grid (pandapower JSON, block-to-bus map) instead of the
    synthetic one (with ``scenario.grid.model``).
    """
    prog = progress or _noop
    check_solver(scenario.solver.name)  # an unknown or missing solver fails before any work
    stock = stock.reset_index(drop=True)
    check_stock(stock, scenario)
    check_pace_floor(stock, scenario)
    warnings = pin_warnings(stock, scenario)
    # the dwellings already on district heating take their share of their source first (every layer)
    sources = with_existing_customers(
        stock, read_sources() if sources is None else sources, scenario.years.start
    )
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    prog("laying out and sizing networks", 0, 1)
    nets = lay_out(stock, scenario, sources, streets)
    gm = grid_model(stock, scenario, grid_files) if scenario.grid.model else None
    timings["network_layout"] = time.perf_counter() - t0
    networks = {r: NetworkInput.from_layout(nets.layouts[r], nets.sizings[r]) for r in nets.layouts}
    prog("optimising", 0, 1)
    t1 = time.perf_counter()
    elements = gm.elements if gm is not None else None
    result = optimise(stock, scenario, networks, sources, grid=elements)
    result, nets, resizes = _resize(stock, scenario, nets, result, sources, prog, elements)
    timings["optimise"] = time.perf_counter() - t1
    verifier = Verifier(stock, scenario, nets)
    checker = GridChecker(stock, scenario, gm, nets.sources) if gm is not None else None
    grid: GridYears | None = None
    timings["grid"] = 0.0
    rounds: list[Round] = []
    repeats: dict[str, int] = {}
    unresolved = _unresolved([])
    stopped_by = ""
    timings["verify"] = timings["resolve"] = 0.0
    for rnd in range(1, scenario.verification.max_rounds + 1):
        tr = time.perf_counter()
        table = schedule_table(stock, result)
        years = planned_years(scenario, result)
        checks = _verify(verifier, table, years, prog, rnd)
        timings["verify"] += time.perf_counter() - tr
        failing = [c for c in checks if not c.ok]
        fb = (
            feedback(failing, nets, result.session.inputs, table, stock, years[-1], repeats)
            if failing
            else None
        )
        tg = time.perf_counter()
        if checker is not None:
            prog(f"round {rnd}: checking the electricity grid", 0, 1)
            grid = check_years(checker, result, years)
        grid_fails = grid.failures if grid is not None else _unresolved([])
        gfb = grid_feedback(grid_fails, checker, result) if checker is not None else None
        timings["grid"] += time.perf_counter() - tg
        cuts = (fb.cuts if fb else []) + (gfb.cuts if gfb else [])
        actions = (fb.actions if fb else []) + (gfb.actions if gfb else [])
        rounds.append(
            Round(
                rnd,
                result.objective_eur,
                sorted({c.year for c in failing} | {int(y) for y in grid_fails["year"]}),
                sum(c.n_failures for c in failing) + len(grid_fails),
                len(cuts),
                actions or [Action("passed")],
                time.perf_counter() - tr,
            )
        )
        log.info("round %d: %d failing state(s), %d grid failure(s), %d cut(s)", rnd, len(failing),
                 len(grid_fails), len(cuts))  # fmt: skip
        if not cuts or rnd == scenario.verification.max_rounds:
            unresolved = _unresolved(failing, grid_fails)
            break
        ts = time.perf_counter()
        left = scenario.verification.max_total_s - (ts - t0) - (ts - tr)
        if left < 30.0:
            stopped_by = f"the plan's time budget ({scenario.verification.max_total_s:g} s)"
            log.warning("%s stopped the verification loop after round %d", stopped_by, rnd)
            rounds[-1].actions.append(
                Action("time_budget", figures={"budget_s": scenario.verification.max_total_s})
            )
            unresolved = _unresolved(failing, grid_fails)
            break
        prog(f"round {rnd + 1}: re-optimising with {len(cuts)} cut(s)", 0, 1)
        limit = min(scenario.verification.resolve_time_limit_s, scenario.solver.time_limit_s, left)
        try:
            result = resolve(result, cuts, limit, scenario.solver.mip_gap)
        except InfeasibleError as exc:
            log.warning("round %d: the cuts leave no schedule; keeping the previous plan", rnd + 1)
            rounds[-1].actions.append(Action("no_schedule", why=str(exc)))
            unresolved = _unresolved(failing, grid_fails)
            timings["resolve"] += time.perf_counter() - ts
            break
        timings["resolve"] += time.perf_counter() - ts
    timings["total"] = time.perf_counter() - t0
    return Plan(
        stock,
        scenario,
        nets,
        result,
        table,
        checks,
        rounds,
        unresolved,
        timings,
        simulations=verifier.simulations,
        warnings=warnings,
        stopped_by=stopped_by,
        resizes=resizes,
        grid=grid,
        grid_model=gm,
    )


def _resize(
    stock: pd.DataFrame,
    scenario: Scenario,
    nets: NetworkModels,
    result: Result,
    sources: pd.DataFrame,
    prog: Progress,
    grid: GridElements | None = None,
) -> tuple[Result, NetworkModels, list[Resize]]:
    """Networks re-sized for the plan's load; re-optimised on them where that saves more than the gap."""
    solves = 0
    labels = {r: sizing_labels(stock, scenario, r) for r in nets.layouts}
    while True:
        table = schedule_table(stock, result)
        resized, report = resize_for_plan(stock, scenario, nets, table, result.edges, labels)
        for r in report:
            log.info(
                "%s re-sized for the plan's load: %d of %d built pipes smaller, %.0f -> %.0f EUR",
                *(r.regime, r.edges_smaller, r.edges_built, r.built_cost_before_eur, r.built_cost_after_eur),
            )
        if solves == MAX_RESIZE_SOLVES or not worth_resolving(
            report, result.objective_eur, scenario.solver.mip_gap
        ):
            return result, resized, report if solves == 0 else mark_reoptimised(report)
        solves += 1
        prog("re-optimising on networks re-sized for the plan's load", 0, 1)
        networks = {
            r: NetworkInput.from_layout(resized.layouts[r], resized.sizings[r]) for r in resized.layouts
        }
        result = optimise(stock, scenario, networks, sources, grid=grid)


def _unresolved(failing: list[StateCheck], grid: pd.DataFrame | None = None) -> pd.DataFrame:
    """The failures of the failing states and of the grid, one table."""
    tables = [c.table() for c in failing if not c.failures.empty]
    if grid is not None and not grid.empty:
        tables.append(grid)
    if not tables:
        return StateCheck(0, "", "", 0, True).table()
    return pd.concat(tables, ignore_index=True)
