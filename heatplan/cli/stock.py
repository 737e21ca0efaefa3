"""``heatplan stock``: look at and check block tables."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from heatplan.buildings.schema import read_blocks
from heatplan.buildings.stock import load_stock
from heatplan.buildings.summary import summarise
from heatplan.cli.options import stock_option, user_errors


@click.group()
def stock() -> None:
    """Block stock: summary, validation, import from EP-Online and BAG."""


def _table(title: str, counts: dict[str, int], total: int) -> Table:
    t = Table(title=title, title_justify="left")
    t.add_column(title.split(" by ")[-1])
    t.add_column("dwellings", justify="right")
    t.add_column("share", justify="right")
    for k, v in counts.items():
        t.add_row(k, f"{v:,}", f"{100 * v / max(total, 1):.1f}%")
    return t


def _print_summary(s: dict[str, Any], source: str) -> None:
    con = Console()
    con.print(f"[bold]Stock[/bold]: {source}")
    con.print(
        f"{s['blocks_today']:,} blocks, {s['dwellings']:,} dwellings today; "
        f"{s['new_build_dwellings']:,} dwellings in {s['new_build_blocks']:,} future new-build blocks; "
        f"{s['demolished_dwellings']:,} to be demolished, {s['renovated_dwellings']:,} to be renovated"
    )
    for key, title in (
        ("by_wijk", "dwellings by wijk"), ("by_buurt", "dwellings by buurt"),
        ("by_owner_type", "dwellings by owner type"), ("by_label", "dwellings by label"),
        ("by_construction_period", "dwellings by construction period"),
        ("by_dwelling_type", "dwellings by dwelling type"), ("by_heating", "dwellings by heating"),
    ):  # fmt: skip
        con.print(_table(title, s[key], s["dwellings"]))


@stock.command("summary")
@stock_option
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@user_errors
def summary_cmd(stock: Path | None, as_json: bool) -> None:
    """Totals by wijk, buurt, owner type, label, construction period and heating."""
    blocks = load_stock(stock)
    s = summarise(blocks)
    if as_json:
        click.echo(json.dumps(s, indent=2, ensure_ascii=False))
    else:
        _print_summary(s, str(stock) if stock else "embedded Zuidwest stock (synthetic, calibrated)")


@stock.command("validate")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@user_errors
def validate_cmd(file: Path) -> None:
    """Check a block table; list every problem (row, column, value, what is expected)."""
    blocks = read_blocks(file)
    click.echo(f"{file}: valid, {len(blocks):,} blocks, {int(blocks['dwellings'].sum()):,} dwellings")


from heatplan.cli.stock_import import import_cmd  # noqa: E402

stock.add_command(import_cmd)
