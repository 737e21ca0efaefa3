"""The Pyomo route (solver.name other than "highs"): same optimum as the fast route, a clear
message for a missing solver, and the documented example of adding a Pyomo constraint runs."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from heatplan.buildings.sources import read_sources
from heatplan.buildings.stock import load_stock
from heatplan.cli.main import cli
from heatplan.errors import SolverError
from heatplan.optimisation import NetworkInput, PyomoSession, check_solver, optimise
from heatplan.optimisation.cuts import not_before
from heatplan.optimisation.pyomo_solve import installed_solvers
from heatplan.optimisation.solve import Session
from heatplan.plan.pipeline import lay_out
from heatplan.scenario import Scenario
from tests.optimisation.helpers import instance

DOC = Path(__file__).resolve().parents[2] / "docs" / "optimisation.md"
LEYWEG = (78397.0, 452522.0)
CASES = {
    "three_options": {},
    "capacity_binds": {"n": 6, "seed": 2, "capacity": {"switch_dwellings_per_yr": 60.0}},
    "budget": {"budget": {"total_eur_per_yr": 1_200_000.0}},
}


def _same_schedule(a, b) -> None:
    for name in ("option", "switch_year", "ins_level", "insulation_year", "induction_year"):
        assert getattr(a, name).tolist() == getattr(b, name).tolist(), name
    for r in a.edge_year:
        assert a.edge_year[r].tolist() == b.edge_year[r].tolist(), r


@pytest.mark.parametrize("case", list(CASES))
def test_pyomo_route_equals_fast_route_with_cuts(case: str) -> None:
    kw = {"n": 3, "seed": 1, **CASES[case]}
    inp = instance(**kw)
    fast, slow = Session(inp), PyomoSession(inp, solver="appsi_highs")
    a, b = fast.solve(30, 0.0), slow.solve(30, 0.0)
    assert a.status == b.status == "optimal"
    assert b.objective_eur == pytest.approx(a.objective_eur, rel=1e-9)
    _same_schedule(a.schedule, b.schedule)
    cut = [not_before("b0", 2028)]  # the verification loop's cuts go into both
    assert fast.add_cuts(cut) == slow.add_cuts(cut) == 1
    a, b = fast.solve(30, 0.0, start=a.schedule), slow.solve(30, 0.0, start=b.schedule)
    assert b.schedule.switch_year[0] == 2028
    assert b.objective_eur == pytest.approx(a.objective_eur, rel=1e-9)
    _same_schedule(a.schedule, b.schedule)


@pytest.fixture(scope="module")
def stock30() -> pd.DataFrame:
    """The 30 existing blocks nearest the Leyweg source, none demolished."""
    b = load_stock()
    b = b[b["new_build_year"].isna() & b["demolition_year"].isna()]
    d = np.hypot(b["x_rd"] - LEYWEG[0], b["y_rd"] - LEYWEG[1])
    return b.loc[d.sort_values().index[:30]].reset_index(drop=True)


def test_scenario_solver_name_routes_a_real_stock_through_pyomo(stock30: pd.DataFrame) -> None:
    sources = read_sources()
    fast_sc = Scenario()
    nets = lay_out(stock30, fast_sc, sources)
    networks = {r: NetworkInput.from_layout(nets.layouts[r], nets.sizings[r]) for r in nets.layouts}
    pyomo_sc = Scenario.model_validate({"solver": {"name": "appsi_highs"}})
    fast = optimise(stock30, fast_sc, networks, sources, mip_gap=0.0)
    slow = optimise(stock30, pyomo_sc, networks, sources, mip_gap=0.0)
    assert isinstance(slow.session, PyomoSession) and isinstance(fast.session, Session)
    assert slow.objective_eur == pytest.approx(fast.objective_eur, rel=1e-7)
    pd.testing.assert_frame_equal(slow.blocks, fast.blocks)


def test_missing_solver_is_one_clear_error() -> None:
    check_solver("highs")
    with pytest.raises(SolverError, match=r"^solver.name 'nosuchsolver': Pyomo knows no solver of that name"):
        check_solver("nosuchsolver")
    missing = [n for n in ("glpk", "cbc", "cplex", "gurobi") if n not in installed_solvers()]
    if missing:
        with pytest.raises(SolverError, match=f"^solver.name '{missing[0]}': the solver is not installed"):
            PyomoSession(instance(), solver=missing[0])


def test_plan_with_unknown_solver_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    res = CliRunner().invoke(cli, ["plan", "--out", str(out), "--solver", "nosuchsolver"])
    assert res.exit_code == 1
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: solver.name 'nosuchsolver'"), res.output
    assert list(tmp_path.iterdir()) == []


def _doc_example() -> str:
    text = DOC.read_text(encoding="utf-8")
    part = text.split("**Working with the Pyomo model yourself.**", 1)[1]
    match = re.search(r"```python\n(.*?)```", part, re.S)
    assert match is not None
    return match.group(1)


def test_documented_pyomo_example_runs(
    stock30: pd.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    stock30.to_csv(tmp_path / "blocks.csv", index=False)
    monkeypatch.chdir(tmp_path)
    env: dict = {}
    exec(compile(_doc_example(), str(DOC), "exec"), env)  # our own documentation
    out, result, pilot = env["out"], env["result"], set(env["pilot"])
    assert out.status == "optimal"
    assert capsys.readouterr().out.startswith("optimal ")
    table = result.blocks.set_index("block_id")
    years = table.loc[sorted(pilot), "connection_year"]
    assert len(years) and years.notna().all() and (years <= 2028).all()  # the added constraint holds
    env["m"].pilot_buurt_by_2028.deactivate()  # without it the buurt would go later, cheaper
    free = env["session"].result(env["session"].solve(time_limit_s=120, mip_gap=0.0))
    later = free.blocks.set_index("block_id").loc[sorted(pilot), "connection_year"].dropna()
    assert (later > 2028).any()
    assert free.objective_eur < out.objective_eur
