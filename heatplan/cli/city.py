"""``heatplan city``: a synthetic city planned district by district on Dask within city-wide limits."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from heatplan.cli.options import (
    quiet_dask,
    scenario_option,
    scheduler_option,
    solver_threads_option,
    user_errors,
    workers_option,
)


@click.group("city")
def city() -> None:
    """City scale: many districts planned in parallel within city-wide limits."""


@city.command("plan")
@click.option(
    "--districts", type=click.IntRange(min=1), default=4, show_default=True, help="Districts in the city."
)
@click.option(
    "--scale",
    type=click.FloatRange(min=0.005, max=3.0),
    default=1.0,
    show_default=True,
    help="District size relative to Zuidwest (~33,600 dwellings today at 1.0, each x 0.8-1.2).",
)
@click.option("--seed", type=int, default=2026, show_default=True, help="Seed of the synthetic city.")
@scenario_option
@click.option(
    "--switch-per-yr",
    type=click.FloatRange(min=1),
    default=None,
    help="City-wide dwellings switched per year.",
)
@click.option(
    "--budget-eur-per-yr", type=click.FloatRange(min=1), default=None, help="City-wide yearly budget, EUR."
)
@click.option(
    "--shared-source-mw",
    type=click.FloatRange(min=0.1),
    default=None,
    help="Capacity of the shared source, MW.",
)
@click.option(
    "--rounds", type=click.IntRange(min=1, max=20), default=4, show_default=True, help="Coordination rounds."
)
@click.option(
    "--reports/--no-reports",
    default=False,
    show_default=True,
    help="Also write each district's report files.",
)
@click.option(
    "--out", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False), help="Output folder."
)
@scheduler_option
@workers_option
@solver_threads_option
@user_errors
def city_plan_cmd(
    districts: int,
    scale: float,
    seed: int,
    scenario_spec: str | None,
    switch_per_yr: float | None,
    budget_eur_per_yr: float | None,
    shared_source_mw: float | None,
    rounds: int,
    reports: bool,
    out_dir: Path,
    scheduler: str | None,
    workers: int,
    solver_threads: int,
) -> None:
    """Generate a synthetic city, divide the city-wide limits among its districts, coordinate, plan.

    Writes DIR/districts/<name>/ (a plan folder each), DIR/city.json (limits, rounds, shares,
    the check of the joined plan) and DIR/city_by_year.csv. Exit status 1 if the joined plan
    breaks a city-wide limit.
    """
    import pandas as pd

    from heatplan.batch.city import CityLimits, plan_city, synthetic_city
    from heatplan.batch.sweep import dask_client
    from heatplan.io import check_out_dir
    from heatplan.plan.preflight import check_names
    from heatplan.scenario import load_scenario, scenario_source

    quiet_dask()
    base = load_scenario(scenario_spec)
    limits = CityLimits(switch_per_yr, budget_eur_per_yr, shared_source_mw)
    again = check_out_dir(out_dir, "city")
    dists = synthetic_city(districts, scale, seed)
    check_names(pd.concat([d.stock for d in dists]), base, scenario_source(scenario_spec))
    n = sum(int(d.stock.loc[d.stock["new_build_year"].isna(), "dwellings"].sum()) for d in dists)
    click.echo(f"synthetic city: {districts} districts, {n:,} dwellings today", err=True)
    with dask_client(scheduler, workers) as client:
        res = plan_city(
            dists, base, limits, client, out_dir, rounds, reports, lambda m: click.echo(m, err=True),
            solver_threads=solver_threads,
        )  # fmt: skip
    chk = res.check
    met = sum(chk["deadline_met"].values())
    click.echo(f"{met}/{districts} districts meet the deadline; peak switched {chk['switch_peak']:,.0f}/yr "
               f"(limit {chk['switch_limit'] or 'none'}); shared source peak {chk['source_peak']:,.1f} MW "
               f"(limit {chk['source_limit'] or 'none'}); {res.seconds:.0f} s")  # fmt: skip
    click.echo(
        "city-wide limits respected" if chk["ok"] else "LIMITS BROKEN: " + "; ".join(chk["violations"])
    )
    click.echo(f"wrote {out_dir}/" + (" (it replaces the earlier city plan there)" if again else ""))
    if not chk["ok"]:
        sys.exit(1)
