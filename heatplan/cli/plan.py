"""``heatplan plan``: the main job."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from heatplan.buildings.stock import load_stock
from heatplan.cli.options import stock_option, user_errors
from heatplan.io import atomic_dir
from heatplan.scenario import load_scenario

ProgressFn = Callable[[str, int, int], None]

log = logging.getLogger("heatplan.cli.plan")

scenario_option = click.option(
    "--scenario",
    "scenario_spec",
    default=None,
    metavar="FILE[:NAMES]",
    help="Scenario file, optionally with override sets (FILE:pace500,labelD). Default: the built-in "
    "scenario; ':NAME' picks a built-in override set.",
)


@contextmanager
def progress_display() -> Iterator[ProgressFn]:
    """A rich progress bar on a terminal; plain log lines on stderr otherwise."""
    if not sys.stderr.isatty():
        last: dict[str, str] = {}

        def plain(stage: str, done: int, total: int) -> None:
            if last.get("stage") != stage and (done in (0, total) or total <= 1):
                click.echo(f"heatplan: {stage}", err=True)
                last["stage"] = stage

        yield plain
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("starting", total=1)

        def rich_fn(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=max(total, 1))

        yield rich_fn


@click.command("plan")
@scenario_option
@stock_option
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Output folder (written to a temporary folder and moved into place at the end).",
)
@click.option(
    "--time-limit", type=click.FloatRange(min=1), default=None, help="Solver time limit per solve, s."
)
@click.option(
    "--mip-gap", type=click.FloatRange(min=0, max=1), default=None, help="Relative MIP gap, e.g. 0.01."
)
@user_errors
def plan_cmd(
    scenario_spec: str | None,
    stock: Path | None,
    out_dir: Path,
    time_limit: float | None,
    mip_gap: float | None,
) -> None:
    """Make a verified plan: the order of measures per block and year.

    Optimises insulation, induction cooking and connection per block and year, and verifies every
    planned year with a pandapipes simulation of the heat networks.
    """
    from heatplan.plan import run_plan
    from heatplan.plan.outputs import write_plan
    from heatplan.report import write_reports

    scenario = load_scenario(scenario_spec)
    if time_limit is not None or mip_gap is not None:
        upd = {k: v for k, v in (("time_limit_s", time_limit), ("mip_gap", mip_gap)) if v is not None}
        scenario = scenario.model_copy(update={"solver": scenario.solver.model_copy(update=upd)})
    blocks = load_stock(stock)
    with atomic_dir(out_dir) as tmp:
        with progress_display() as prog:
            plan = run_plan(blocks, scenario, progress=prog)
        if stock is not None:
            plan.stock_source = str(stock)
        summ = write_plan(plan, tmp)
        write_reports(tmp)
    _echo_summary(summ, out_dir)


def _echo_summary(s: dict[str, Any], out_dir: Path) -> None:
    click.echo(f"scenario {s['scenario']}: {s['dwellings']:,} dwellings today, deadline {s['deadline']}")
    if s["deadline_met"]:
        click.echo(f"every existing dwelling is off gas by {s['gas_free_year_reached']}: deadline met")
    else:
        click.echo(
            f"the deadline {s['deadline']} is NOT met: gas-free year reached "
            f"{s['gas_free_year_reached'] or 'never'}; "
            f"pace needed {s.get('required_pace_dwellings_per_yr')} dwellings/yr; "
            f"earliest gas-free year under these limits {s.get('earliest_gas_free_year')}"
        )
    failing = s["failing_years"]
    click.echo(
        f"verified years: {len(s['verified_years'])}; failing years: {failing or 'none'}; "
        f"rounds: {s['rounds']}"
    )
    click.echo(f"wrote {out_dir}/")
