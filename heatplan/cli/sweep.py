"""``heatplan sweep``: many scenario variations, each a full plan, as tasks on Dask."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click

from heatplan.batch.sweep import finished_names, run_sweep
from heatplan.cli.options import (
    quiet_dask,
    scenario_option,
    scheduler_option,
    solver_threads_option,
    stock_option,
    sweep_progress,
    user_errors,
    workers_option,
)

#: Exit status after Ctrl-C or SIGTERM (128 + SIGINT, as a shell reports it).
INTERRUPTED = 130


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM: leave through the normal clean-up (as on Ctrl-C)."""
    raise KeyboardInterrupt


@click.command("sweep")
@scenario_option
@click.option(
    "--grid",
    "grid_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Grid file (TOML): parameters to vary; write an example with `heatplan init --grid`.",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Sweep folder; scenarios already finished there are not run again.",
)
@scheduler_option
@workers_option
@solver_threads_option
@stock_option
@user_errors
def sweep_cmd(
    scenario_spec: str | None,
    grid_path: Path,
    out_dir: Path,
    scheduler: str | None,
    workers: int,
    solver_threads: int,
    stock: Path | None,
) -> None:
    """Run every scenario of a grid as a full plan on Dask and combine the results.

    Writes DIR/scenarios/<name>/ (a plan folder each), DIR/sweep.nc (dimension `scenario`),
    DIR/comparison.csv and DIR/failed/<name>.txt for a scenario that failed. The exit status is
    the number of failed scenarios (0 = all finished).
    """
    quiet_dask()
    # Ctrl-C and SIGTERM stop the same way: the cluster is closed, finished scenarios stay. SIGINT
    # is set explicitly, as a shell that starts the command in the background ignores it.
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with sweep_progress() as prog:
            res = run_sweep(
                scenario_spec, grid_path, out_dir, stock, scheduler, workers, prog,
                solver_threads=solver_threads,
            )  # fmt: skip
    except KeyboardInterrupt:
        done = len(finished_names(out_dir))
        click.echo(
            f"interrupted: {done} scenario(s) finished in {out_dir}/; "
            "run the same command again to run the rest",
            err=True,
        )
        sys.exit(INTERRUPTED)
    for line in res.warnings:
        click.echo(f"Warning: {line}", err=True)
    if res.continued:
        click.echo(f"continued the earlier sweep in {out_dir}/")
    click.echo(
        f"{len(res.variations)} scenario(s): {len(res.ran)} run now, {len(res.skipped)} finished before, "
        f"{len(res.failed)} failed ({res.seconds:.1f} s)"
    )
    for name, err in res.failed.items():
        click.echo(f"FAILED {name}: {err} (see {out_dir / 'failed' / (name + '.txt')})", err=True)
    click.echo(f"wrote {out_dir}/sweep.nc and {out_dir}/comparison.csv")
    if res.exit_status:
        sys.exit(res.exit_status)
