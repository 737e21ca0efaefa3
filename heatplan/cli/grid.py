"""``heatplan grid``: the district's MV/LV grid (synthetic, or a real one) solved with pandapower."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from heatplan.buildings.stock import STOCK_YEAR, existing_mask, load_stock
from heatplan.cli.options import grid_file_options, stock_option, user_errors
from heatplan.errors import InputError
from heatplan.io import atomic_dir, check_out_dir


@click.group()
def grid() -> None:
    """The electricity grid: the district's MV/LV grid (synthetic, or given), solved with pandapower."""


@grid.command("simulate")
@stock_option
@click.option(
    "--year",
    type=click.IntRange(STOCK_YEAR, 2100),
    default=STOCK_YEAR,
    show_default=True,
    help="The blocks standing in this year (the stock's new builds and demolitions) draw their base "
    "load (appliances; the heat pumps there today).",
)
@grid_file_options
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True, help="Output folder.")
@user_errors
def simulate_cmd(
    stock: Path | None, year: int, grid_file: Path | None, grid_map: Path | None, out: Path
) -> None:
    """Lay the grid over the blocks and solve the winter-evening peak of YEAR.

    The grid is the synthetic one, or with --grid and --grid-map a real one (docs/grid.md). Files:
    stations.csv, cables.csv, buses.csv, violations.csv (loading above 100 % or a voltage outside
    EN 50160's ±10 %), summary.json. The plan's own measures (induction, heat pumps) are in
    `heatplan plan`'s grid check, not here.
    """
    from heatplan.grid import GridSolver, violations
    from heatplan.grid.files import read_grid
    from heatplan.grid.synthetic import block_loads, synthetic_grid, today_peak_kw

    t0 = time.perf_counter()
    if (grid_file is None) != (grid_map is None):
        raise click.UsageError(
            "--grid and --grid-map go together: give both (the network and its block map) or neither"
        )
    replaces = check_out_dir(out, "grid")
    blocks = load_stock(stock)
    standing = existing_mask(blocks, year).to_numpy()
    if not standing.any():
        raise InputError(f"--year {year}: no block of the stock stands in {year} (built, not yet demolished)")
    if grid_file is not None and grid_map is not None:
        net, where = read_grid(grid_file, grid_map, blocks)
    else:
        net, where = synthetic_grid(blocks)
    p = today_peak_kw(blocks) * standing
    res = GridSolver(net).solve(block_loads(blocks, where, p), year=year)
    v = violations(res)
    at = net.buses.set_index("bus_id")
    stations = net.stations.merge(res.stations, on="station_id")
    stations[["x_rd", "y_rd"]] = at.loc[stations["lv_bus"], ["x_rd", "y_rd"]].to_numpy()
    summary: dict[str, object] = {
        "year": year,
        "blocks_standing": int(standing.sum()),
        "peak_mw": round(float(p.sum()) / 1000.0, 3),
        "stations": len(net.stations),
        "cables": len(net.cables),
        "station_loading_max_pct": round(float(res.stations["loading_pct"].max()), 1),
        "cable_loading_max_pct": round(float(res.cables["loading_pct"].max()), 1),
        "vm_min_pu": round(float(res.buses["vm_pu"].min()), 4),
        "violations": len(v),
    }
    if grid_file is not None:
        summary |= {"grid": str(grid_file), "grid_map": str(grid_map)}
    with atomic_dir(out, "grid") as tmp:
        stations.to_csv(tmp / "stations.csv", index=False)
        net.cables.merge(res.cables, on="cable_id").to_csv(tmp / "cables.csv", index=False)
        net.buses.merge(res.buses, on="bus_id").to_csv(tmp / "buses.csv", index=False)
        v.to_csv(tmp / "violations.csv", index=False)
        (tmp / "summary.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    given = f" ({grid_file})" if grid_file is not None else ""
    click.echo(
        f"grid {year}{given}: {summary['blocks_standing']:,} blocks, {summary['peak_mw']:,.1f} MW at the "
        f"winter-evening peak on {summary['stations']} MV/LV stations; stations at most "
        f"{summary['station_loading_max_pct']:.0f}% loaded, cables {summary['cable_loading_max_pct']:.0f}%, "
        f"lowest voltage {summary['vm_min_pu']:.3f} p.u.; {summary['violations']} past the limits"
    )
    again = " (it replaces the earlier simulation there)" if replaces else ""
    click.echo(f"wrote {out}{again} in {time.perf_counter() - t0:.1f} s")
