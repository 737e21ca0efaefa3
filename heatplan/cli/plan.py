"""``heatplan plan``: the main job."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import click

from heatplan.buildings.stock import load_stock
from heatplan.cli.options import (
    grid_file_options,
    progress_display,
    scenario_option,
    stock_option,
    user_errors,
)
from heatplan.io import check_out_dir
from heatplan.scenario import load_scenario, scenario_source

log = logging.getLogger("heatplan.cli.plan")


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
    "--time-limit",
    type=click.FloatRange(min=1),
    default=None,
    help="Safety cap on each solve, s (the scenario's solver.time_limit_s, 3600 by default). A plan it "
    "stops says it is not proven.",
)
@click.option(
    "--mip-gap", type=click.FloatRange(min=0, max=1), default=None, help="Relative MIP gap, e.g. 0.01."
)
@click.option(
    "--solver",
    "solver_name",
    default=None,
    metavar="NAME",
    help="highs (default: the model straight to HiGHS) or a Pyomo solver installed here, e.g. "
    "appsi_highs, cbc, glpk, gurobi, cplex (the Pyomo model solved through Pyomo).",
)
@grid_file_options
@user_errors
def plan_cmd(
    scenario_spec: str | None,
    stock: Path | None,
    out_dir: Path,
    time_limit: float | None,
    mip_gap: float | None,
    solver_name: str | None,
    grid_file: Path | None,
    grid_map: Path | None,
) -> None:
    """Make a verified plan: the order of measures per block and year.

    Optimises insulation, induction cooking and connection per block and year, and verifies every
    planned year with a pandapipes simulation of the heat networks and a pandapower power flow of
    the electricity grid (planning its reinforcements).
    """
    from heatplan.batch.folder import write_plan_folder
    from heatplan.optimisation import check_solver
    from heatplan.plan.preflight import check_inputs

    scenario = load_scenario(scenario_spec).with_solver(
        time_limit_s=time_limit, mip_gap=mip_gap, name=solver_name
    )
    check_solver(scenario.solver.name)  # before any output
    if (grid_file is None) != (grid_map is None):
        raise click.UsageError(
            "--grid and --grid-map go together: give both (the network and its block map) or neither"
        )
    blocks = load_stock(stock)
    grid_files = (grid_file, grid_map) if grid_file is not None and grid_map is not None else None
    if grid_files is not None:
        from heatplan.grid.files import read_grid

        read_grid(grid_files[0], grid_files[1], blocks)  # a wrong file fails before any output
    warnings = check_inputs(
        blocks, scenario, scenario_source(scenario_spec), str(stock) if stock else "the embedded stock"
    )
    replaces = check_out_dir(out_dir, "plan")
    for line in warnings:
        click.echo(f"Warning: {line}", err=True)
    with progress_display() as prog:
        folder = write_plan_folder(
            blocks,
            scenario,
            out_dir,
            stock_source=None if stock is None else str(stock),
            progress=prog,
            grid_files=grid_files,
        )
    _echo_summary(folder.summary, out_dir, replaces)


def _echo_summary(s: dict[str, Any], out_dir: Path, replaced: bool = False) -> None:
    click.echo(f"scenario {s['scenario']}: {s['dwellings']:,} dwellings today, deadline {s['deadline']}")
    if s["deadline_met"]:
        click.echo(f"every existing dwelling is off gas by {s['gas_free_year_reached']}: deadline met")
    else:
        click.echo(
            f"the deadline {s['deadline']} is NOT met: gas-free year reached "
            f"{s['gas_free_year_reached'] or 'never'}; "
            f"earliest gas-free year under these limits {s.get('earliest_gas_free_year') or 'none found'}"
        )
        for line in s.get("diagnostics", [])[1:]:
            click.echo(f"  {line}")
    failing = s["failing_years"]
    click.echo(
        f"verified years: {len(s['verified_years'])}; failing years: {failing or 'none'}; "
        f"rounds: {s['rounds']}"
    )
    if s.get("warnings"):
        click.echo(f"{len(s['warnings'])} warning(s), listed above and in summary.json")
    for line in national_lines(s):
        click.echo(line)
    click.echo(f"wrote {out_dir}/" + (" (it replaces the earlier plan there)" if replaced else ""))
    for line in proof_lines(s):
        click.echo(line)


def national_lines(s: dict[str, Any]) -> list[str]:
    """The option mix, its cost per dwelling, the networks' heat loss and the cost items behind the mix."""
    nc = s.get("national_cost")
    if not nc or not nc.get("option_mix_dwellings"):
        return []
    mix, chosen = nc["option_mix_dwellings"], nc["chosen_cost_per_dwelling_by_option"]
    n = sum(mix.values())
    parts = [
        f"{o} {d:,} dwellings ({100 * d / n:.0f}%, {chosen[o]['npv_eur']:,.0f} EUR each)"
        for o, d in mix.items()
    ]
    end = nc["evaluation_end_year"]
    lines = [f"option mix (national cost per dwelling, NPV to {end}): " + "; ".join(parts)]
    heat = nc.get("network_heat_by_year", {})
    last = max((y for rows in heat.values() for y in rows), default=None)
    lost = [
        f"{reg.upper()} {r['heat_loss_gj']:,.0f} GJ ({r['heat_loss_pct']:.1f}% of "
        f"{r['heat_delivered_gj']:,.0f} GJ delivered; at Vesta/CE Delft's loss per connection: "
        f"{r['vesta_loss_gj']:,.0f} GJ)"
        for reg, rows in heat.items()
        if (r := rows.get(last, {})).get("heat_delivered_gj")
    ]
    if lost:
        lines.append(f"heat lost by the networks in {last}: " + "; ".join(lost))
    why = []
    for o, items in nc.get("every_allowed_npv_eur_per_dwelling_by_item", {}).items():
        top = sorted(items.items(), key=lambda kv: -kv[1])[:3]
        main = ", ".join(f"{k} {v:,.0f}" for k, v in top)
        why.append(
            f"{'gas boiler (reference)' if o == 'reference' else o} {sum(items.values()):,.0f} ({main})"
        )
    if why:
        lines.append(
            f"why: NPV per dwelling to {end} of each option over the blocks that may take it: "
            + "; ".join(why)
        )
    return (
        lines
        + resize_lines(s.get("network_resize", []), (s.get("solver") or {}).get("mip_gap"))
        + grid_lines(s.get("grid_check") or {})
    )


def grid_lines(g: dict[str, Any]) -> list[str]:
    """The electricity grid under the plan: peak, loading and voltage in the last year, and the worst year."""
    rows = g.get("by_year") or {}
    if not rows:
        return []
    first, last = min(rows, key=int), max(rows, key=int)
    bad = [y for y, r in rows.items() if not r["converged"] or r["stations_over"] or r["cables_over"]
           or r["buses_out_of_band"]]  # fmt: skip
    r = rows[last]
    rein = g.get("reinforcements") or {}
    done = (
        f"{rein['count']} reinforcement(s) planned, {rein['cost_eur'] / 1e6:,.1f} M EUR"
        if rein.get("count")
        else "no reinforcement needed"
    )
    text = (
        f"electricity grid ({g.get('source', 'synthetic')}, {g['stations']} MV/LV stations; {done}): "
        f"winter-evening peak {rows[first]['peak_mw']:,.1f} MW in {first}, {r['peak_mw']:,.1f} MW in {last}"
    )
    if r["converged"]:
        text += (
            f"; in {last} stations at most {r['station_loading_max_pct']:.0f}% loaded, cables "
            f"{r['cable_loading_max_pct']:.0f}%, lowest voltage {r['vm_min_pu']:.3f} p.u."
        )
    text += "; every year within the limits" if not bad else f"; past the limits in {', '.join(sorted(bad))}"
    return [text]


def resize_lines(resizes: list[dict[str, Any]], mip_gap: float | None) -> list[str]:
    """What re-sizing the networks for the plan's load changed, and whether the plan was re-optimised."""
    parts = [
        f"{r['regime'].upper()} {r['edges_smaller']:,} of {r['edges_built']:,} pipes built smaller, "
        f"{r['built_cost_before_eur'] / 1e6:,.1f} -> {r['built_cost_after_eur'] / 1e6:,.1f} M EUR"
        for r in resizes
        if r["edges_built"]
    ]
    if not parts:
        return []
    if any(r.get("reoptimised") for r in resizes):
        then = "the plan was optimised again on the re-sized pipes"
    else:
        gap = "" if mip_gap is None else f" ({100 * mip_gap:g}% of the objective)"
        then = (
            f"the saving is below the solver's gap{gap}, so the schedule stands; the simulation and "
            "heat losses use the re-sized pipes, the national cost the pipes the optimisation priced"
        )
    return ["networks re-sized for the load the plan connects: " + "; ".join(parts) + f"; {then}"]


def proof_lines(s: dict[str, Any]) -> list[str]:
    """Whether the schedule is proven (certified) and the loop ran to its end, in plain words."""
    solver = s.get("solver") or {}
    lines = []
    if solver.get("certified"):
        lines.append(f"the schedule is certified: {solver.get('reason', '')}")
    else:
        why = solver.get("reason") or f"status {solver.get('status')}"
        lines.append(
            f"the schedule is NOT proven optimal: {why}; "
            "rerun with more time (--time-limit) or on a quieter machine"
        )
    if s.get("stopped_by"):
        lines.append(
            f"{s['stopped_by']} stopped the verification loop after round {s['rounds']}; "
            "rerun with more time or on a quieter machine"
        )
    return lines
