"""heatplan.optimisation: order insulation, induction cooking and connection per block and year.

``optimise(blocks, scenario, networks, sources)`` returns a :class:`Result`; the verification
loop keeps ``result.session`` to add cuts (``heatplan.optimisation.cuts``) and re-solve.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping

import numpy as np
import pandas as pd

from heatplan.errors import InfeasibleError
from heatplan.grid.capacity import GridElements
from heatplan.optimisation import diagnose
from heatplan.optimisation.cuts import Cut
from heatplan.optimisation.inputs import ModelInputs, build_inputs
from heatplan.optimisation.network import NetworkInput, standin_network
from heatplan.optimisation.pyomo_solve import FAST_SOLVER, PyomoSession, check_solver
from heatplan.optimisation.results import Result, make_result
from heatplan.optimisation.solve import Session
from heatplan.scenario import Scenario

log = logging.getLogger(__name__)

__all__ = [
    "Cut",
    "NetworkInput",
    "PyomoSession",
    "Result",
    "Session",
    "build_inputs",
    "check_solver",
    "optimise",
    "resolve",
    "standin_network",
]


def new_session(inp: ModelInputs, scenario: Scenario, elastic: bool = False) -> Session | PyomoSession:
    """The scenario's route: ``solver.name`` "highs" straight to HiGHS, any other name through Pyomo."""
    name, threads = scenario.solver.name, scenario.solver.threads
    if name == FAST_SOLVER:
        return Session(inp, elastic=elastic, threads=threads)
    return PyomoSession(inp, elastic=elastic, solver=name, threads=threads)


def _elastic(
    blocks: pd.DataFrame,
    scenario: Scenario,
    networks: Mapping[str, NetworkInput],
    sources: pd.DataFrame,
    checks: list[diagnose.LimitCheck],
    t0: float,
    grid: GridElements | None = None,
) -> Result:
    """Diagnostic mode: deadline and pins soft, horizon to ``years.horizon_end``."""
    inp = build_inputs(blocks, scenario, networks, sources, end_year=scenario.years.horizon_end, grid=grid)
    session = new_session(inp, scenario, elastic=True)
    out = session.solve(scenario.solver.time_limit_s, scenario.solver.mip_gap)
    if out.schedule is None or out.columns is None:
        raise InfeasibleError(f"no schedule found even with a soft deadline ({out.status})")
    slack = out.columns[session.built.index.pin_slack] if inp.pins else np.zeros(0)
    broken = [p.name or f"{p.block_id} {p.measure}" for p, v in zip(inp.pins, slack, strict=True) if v > 1e-6]
    if broken:
        raise InfeasibleError("these pins cannot all hold: " + "; ".join(broken))
    res = make_result(inp, out.schedule, out.meta(session))
    model_year = res.gas_free_year_reached
    diag = diagnose.explain(inp, checks, model_year, scenario.years.horizon_end)
    res.diagnostics = (
        diag + diagnose.corporation_check(inp) + _corporations(inp, res) + _housing(inp, scenario)
    )
    res.required_pace_dwellings_per_yr = diagnose.required_pace(checks)
    res.earliest_gas_free_year = diagnose.earliest_year(checks, model_year)
    res.timings_s["total"] = time.perf_counter() - t0
    return res


def _housing(inp: ModelInputs, scenario: Scenario) -> list[str]:
    """The level-housing-cost rule in words (nothing when it is off)."""
    from heatplan.optimisation.housing import housing_lines

    return housing_lines(inp, scenario.end_user.housing_level_tolerance_eur_per_month)


def _corporations(inp: ModelInputs, res: Result) -> list[str]:
    """The corporations' E-G rule in words, from the result's schedule."""
    return diagnose.corporation_report(inp, res.schedule.insulation_year, res.schedule.ins_level)


def optimise(
    blocks: pd.DataFrame,
    scenario: Scenario,
    networks: Mapping[str, NetworkInput],
    sources: pd.DataFrame,
    time_limit_s: float | None = None,
    mip_gap: float | None = None,
    grid: GridElements | None = None,
) -> Result:
    """Least-cost schedule meeting the deadline; if it cannot be met, an elastic schedule with diagnostics.

    ``networks`` maps "mt"/"lt" to :class:`NetworkInput` (e.g. ``NetworkInput.from_layout(layout,
    size_layout(...))``); ``sources`` is the heat-source table. Pins that cannot hold together
    raise :class:`~heatplan.errors.InfeasibleError` naming them. ``grid``: the electricity grid's
    stations and feeders over ``blocks`` (``heatplan.grid.capacity``): reinforcements are planned.
    """
    t0 = time.perf_counter()
    check_solver(scenario.solver.name)
    scenario = scenario.with_solver(time_limit_s=time_limit_s, mip_gap=mip_gap)
    inp = build_inputs(blocks, scenario, networks, sources, grid=grid)
    checks = diagnose.limit_checks(inp)
    if (
        any(c.binds for c in checks)
        or diagnose.no_option_blocks(inp)
        or diagnose.corporation_check(inp)
        or diagnose.grid_lines(inp)
    ):
        log.info("deadline out of reach by arithmetic; solving the elastic model")
        return _elastic(blocks, scenario, networks, sources, checks, t0, grid)
    session = new_session(inp, scenario)
    out = session.solve(scenario.solver.time_limit_s, scenario.solver.mip_gap)
    if out.schedule is None:
        log.info("hard model %s; solving the elastic model", out.status)
        return _elastic(blocks, scenario, networks, sources, checks, t0, grid)
    res = make_result(inp, out.schedule, out.meta(session, required_pace=diagnose.required_pace(checks)))
    res.earliest_gas_free_year = res.gas_free_year_reached
    res.diagnostics = [
        f"Every dwelling is off gas by {res.gas_free_year_reached} (deadline {inp.deadline}).",
        *_corporations(inp, res),
        *_housing(inp, scenario),
    ]
    res.timings_s["total"] = time.perf_counter() - t0
    return res


def resolve(result: Result, cuts: list[Cut], time_limit_s: float = 1800.0, mip_gap: float = 0.01) -> Result:
    """Add cuts to a result's live model and re-solve, warm-started from its schedule.

    ``time_limit_s`` is a safety cap (see ``Session.solve``).
    """
    session: Session | PyomoSession = result.session
    t0 = time.perf_counter()
    session.add_cuts(cuts)
    out = session.solve(time_limit_s, mip_gap, start=result.schedule)
    if out.schedule is None:
        raise InfeasibleError(
            f"the cuts leave no schedule ({out.status}): " + "; ".join(c.name for c in cuts[:10])
        )
    inp: ModelInputs = session.inputs
    res = make_result(
        inp, out.schedule, out.meta(session, required_pace=result.required_pace_dwellings_per_yr)
    )
    old_corp = set(_corporations(inp, result))
    res.diagnostics = [d for d in result.diagnostics if d not in old_corp] + _corporations(inp, res)
    res.earliest_gas_free_year = res.gas_free_year_reached
    res.timings_s["total"] = time.perf_counter() - t0
    return res
