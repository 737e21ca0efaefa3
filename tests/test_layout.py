"""The package's shape: dependencies point one way; shared helpers behave as documented."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from heatplan.errors import ConvergenceError
from heatplan.scenario import Scenario

PKG = Path(__file__).resolve().parents[1] / "heatplan"

#: Layer of each top-level module or subpackage; a module imports only from lower layers.
LAYERS = {
    "errors": 0,
    "io": 1,
    "": 1,  # heatplan/__init__.py (version, error types)
    "failures": 1,  # failures as data: what checks find and the plan's rules read
    "planfile": 2,  # plan.nc's contract (schedule, summary from the Dataset): plan writes, report reads
    "scenario": 2,
    "buildings": 3,
    "networks": 4,
    "economics": 4,  # beside networks: national costs from buildings' figures, before optimisation
    "grid": 4,  # beside networks: the electricity grid, solved with pandapower
    "optimisation": 5,
    "plan": 6,
    "report": 7,
    "batch": 8,
    "cli": 9,
}


def _layer_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_dependencies_point_one_way() -> None:
    """scenario -> buildings -> networks, economics -> optimisation -> ... -> cli (lazy imports too)."""
    wrong = []
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG.parent).with_suffix("")
        own = _layer_of(".".join(rel.parts)) if path.parent != PKG else path.stem.replace("__init__", "")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("heatplan"):
                other = _layer_of(node.module)
                if other != own and LAYERS[other] >= LAYERS[own]:
                    wrong.append(f"{rel}: imports {node.module}")
    assert not wrong, "\n".join(wrong)


def test_with_solver_changes_only_what_is_given() -> None:
    base = Scenario()
    assert base.with_solver() is base
    assert base.with_solver(time_limit_s=None, mip_gap=None) is base
    changed = base.with_solver(time_limit_s=42.0, mip_gap=None)
    assert changed.solver.time_limit_s == 42.0
    assert changed.solver.mip_gap == base.solver.mip_gap and changed.solver.threads == base.solver.threads
    assert changed.model_copy(update={"solver": base.solver}) == base
    assert base.solver.time_limit_s == 3600.0  # the original is untouched (frozen)


def test_at_chosen_reads_a_block_option_array_by_option_name() -> None:
    from heatplan.optimisation.inputs import OPTIONS
    from tests.optimisation.helpers import instance

    inp = instance(n=3)
    chosen = ["lt", "", "hp"]
    kw = inp.at_chosen(inp.source_kw, chosen, 0.0)
    np.testing.assert_array_equal(
        kw, [inp.source_kw[0, OPTIONS.index("lt")], 0.0, inp.source_kw[2, OPTIONS.index("hp")]]
    )
    src = inp.at_chosen(inp.block_source, chosen, "")
    assert list(src) == [
        inp.block_source[0, OPTIONS.index("lt")],
        "",
        inp.block_source[2, OPTIONS.index("hp")],
    ]
    assert src[0] == "s2" and src[2] == ""  # the LT tree hangs on s2; a heat pump has no source


def test_a_failed_plan_leaves_no_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import heatplan.batch.folder as folder

    def fail(*args: object, **kwargs: object) -> None:
        raise ConvergenceError("the network did not converge")

    monkeypatch.setattr(folder, "run_plan", fail)
    out = tmp_path / "plan"
    with pytest.raises(ConvergenceError):
        folder.write_plan_folder(pd.DataFrame(), Scenario(), out)
    assert list(tmp_path.iterdir()) == []


def test_of_option_is_the_named_column() -> None:
    from heatplan.optimisation.inputs import OPTIONS
    from tests.optimisation.helpers import instance

    inp = instance(n=3)
    for name in ("mt", "lt", "hp"):
        np.testing.assert_array_equal(inp.of_option(inp.peak_kw, name), inp.peak_kw[:, OPTIONS.index(name)])
    assert list(inp.of_option(inp.block_source, "mt")) == ["s1"] * 3  # the MT tree hangs on s1
    with pytest.raises(ValueError, match="unknown heat option 'gas'"):
        inp.of_option(inp.peak_kw, "gas")
