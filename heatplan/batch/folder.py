"""One plan folder: run the plan and write its files and reports, all or nothing.

The plan command, a sweep's scenario task and a city's district all make their plan folders
with :func:`write_plan_folder`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from heatplan.io import atomic_dir
from heatplan.plan import Plan, run_plan
from heatplan.plan.outputs import write_plan
from heatplan.plan.pipeline import Progress
from heatplan.report import write_reports
from heatplan.scenario import Scenario


@dataclass(frozen=True)
class PlanFolder:
    """A written plan folder: where it is, the plan it holds and the plan's summary (summary.json)."""

    path: Path
    plan: Plan
    summary: dict[str, Any]


def write_plan_folder(
    stock: pd.DataFrame,
    scenario: Scenario,
    out_dir: Path,
    *,
    sources: pd.DataFrame | None = None,
    stock_source: str | None = None,
    reports: bool = True,
    progress: Progress | None = None,
    grid_files: tuple[Path, Path] | None = None,
) -> PlanFolder:
    """Plan ``stock`` under ``scenario`` and write the plan folder ``out_dir``.

    The folder is built in a temporary folder beside ``out_dir`` and moved into place at the
    end (:func:`heatplan.io.atomic_dir`): plan files (plan.nc, schedule.csv, summary.json,
    scenario.toml, rounds.csv), then, with ``reports``, schedule.xlsx, report.html and
    blocks.gpkg. When any step fails nothing is left at ``out_dir``. ``sources`` defaults to the
    embedded heat sources; ``stock_source`` says in the outputs where the stock came from;
    ``grid_files``: a real electricity grid (pandapower JSON, block-to-bus map; docs/grid.md).
    """
    with atomic_dir(Path(out_dir)) as tmp:
        plan = run_plan(stock, scenario, sources=sources, progress=progress, grid_files=grid_files)
        if stock_source is not None:
            plan.stock_source = stock_source
        summary = write_plan(plan, tmp)
        if reports:
            write_reports(tmp)
    return PlanFolder(Path(out_dir), plan, summary)
