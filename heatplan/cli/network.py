"""``heatplan network``: lay out, size and simulate a heat network."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import click
import pandas as pd

from heatplan.buildings.labels import is_label
from heatplan.buildings.sources import read_sources
from heatplan.buildings.stock import STOCK_YEAR, existing_mask, load_stock
from heatplan.cli.options import scenario_option, stock_option, user_errors
from heatplan.errors import InputError
from heatplan.io import check_out_dir

log = logging.getLogger(__name__)

#: A --load below this is judged as a summer hot-water case (docs/networks.md).
HOT_WATER_ONLY_BELOW = 0.5


@click.group()
def network() -> None:
    """Heat networks: layout, pipe sizing and pandapipes simulation."""


def _connected_ids(spec: str) -> list[str] | None:
    """None for 'all'; else the block ids in a file (CSV with a block_id column, or one id a line)."""
    if spec == "all":
        return None
    path = Path(spec)
    if not path.is_file():
        raise InputError(f"--connected {spec}: expected 'all' or a file of block ids")
    text = path.read_text(encoding="utf-8-sig")
    if not text.strip():
        raise InputError(f"--connected {spec}: the file is empty (expected block ids, one a line)")
    first = text.splitlines()[0].strip()
    if "block_id" in first.split(",") or "block_id" in first.split(";"):
        df = pd.read_csv(path, sep=None, engine="python", dtype=str, encoding="utf-8-sig")
        return df["block_id"].dropna().str.strip().tolist()
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


@network.command("simulate")
@stock_option
@scenario_option
@click.option(
    "--sources",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Heat sources (CSV). Default: the embedded sources.",
)
@click.option(
    "--streets",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Street line strings (GeoJSON/GeoPackage, RD New) to route along.",
)
@click.option("--regime", type=click.Choice(["mt", "lt"]), default="mt", show_default=True)
@click.option(
    "--connected", default="all", show_default=True, help="'all' existing blocks, or a file of block ids."
)
@click.option("--label-override", default=None, help="Give every block this label (e.g. B).")
@click.option(
    "--load",
    "load_fraction",
    type=float,
    default=1.0,
    show_default=True,
    help="Fraction of the design load. Below 0.5 it is a summer case: only hot water is drawn, so "
    "every block needs the scenario's low_load_required_supply_c_mt/_lt (60/40 °C) to arrive "
    "instead of its label's design figure.",
)
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True, help="Output folder.")
@user_errors
def simulate_cmd(
    stock: Path | None,
    scenario_spec: str | None,
    sources: Path | None,
    streets: Path | None,
    regime: str,
    connected: str,
    label_override: str | None,
    load_fraction: float,
    out: Path,
) -> None:
    """Simulate the network (hydraulics + heat) and write the results to OUT.

    Files: network.nc, pipes.csv, consumers.csv, network.geojson, summary.json. With
    --load below 0.5 the verdict is the summer hot-water one (see --load).
    """
    from heatplan.networks.layout import build_layout
    from heatplan.networks.results import summary, write_outputs
    from heatplan.networks.simulate import simulate
    from heatplan.networks.sizing import size_layout
    from heatplan.plan.preflight import closest
    from heatplan.scenario import load_scenario

    t0 = time.perf_counter()
    replaces = check_out_dir(out, "network")
    scenario = load_scenario(scenario_spec)
    blocks = load_stock(stock)
    if label_override is not None and not is_label(label_override):
        raise InputError(f"--label-override {label_override!r}: expected an energy label such as B")
    src = read_sources(sources)
    ids = _connected_ids(connected)
    unknown = sorted(set(ids or []) - set(blocks["block_id"].astype(str)))
    if unknown:
        raise InputError(
            f"--connected {connected}: block id {unknown[0]!r} is not in the block table"
            f"{closest(unknown[0], blocks['block_id'].astype(str))}"
            + (f" ({len(unknown) - 1} more unknown)" if len(unknown) > 1 else "")
        )
    present = existing_mask(blocks, STOCK_YEAR)
    if ids is not None:
        present |= blocks["block_id"].astype(str).isin(set(ids))
    net_blocks = blocks[present]
    if net_blocks.empty:
        raise InputError(
            f"no block stands in {STOCK_YEAR} (all are future new builds or demolished): give the "
            "new builds to connect with --connected FILE"
        )
    labels = None if label_override is None else pd.Series(label_override, index=blocks.index)
    layout = build_layout(net_blocks, src, regime, scenario, streets)
    sizing = size_layout(layout, net_blocks, scenario, labels)
    ds = simulate(
        layout,
        sizing,
        blocks,
        scenario,
        ids,
        labels,
        load_fraction,
        src[src["regime"] == regime],
        hot_water_only=load_fraction < HOT_WATER_ONLY_BELOW,
    )
    write_outputs(ds, layout, out)
    s = summary(ds)
    click.echo(
        f"{regime} network: {s['n_consumers']} consumers, {s['heat_delivered_mw']:.2f} MW delivered, "
        f"heat loss {s['heat_loss_pct']:.2f}%, pump {s['pump_power_kw']:.0f} kW, lowest supply "
        f"{s['min_supply_temp_c']:.1f} °C, energy residual {s['energy_balance_residual_pct']:.4f}%"
    )
    click.echo(f"{s['n_failing_blocks']} block(s) fail; network: {'; '.join(s['network_problems']) or 'ok'}")
    again = " (it replaces the earlier simulation there)" if replaces else ""
    click.echo(f"wrote {out}{again} in {time.perf_counter() - t0:.1f} s")
