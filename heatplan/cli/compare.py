"""``heatplan compare``: plans side by side."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd
from rich.console import Console
from rich.table import Table

from heatplan.cli.options import user_errors
from heatplan.io import atomic_file, check_out_file, first_line_starts


@click.command("compare")
@click.argument("plan_dirs", nargs=-1, required=True, type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("compare.csv"),
    show_default=True,
    help="Where to write the comparison as CSV.",
)
@user_errors
def compare_cmd(plan_dirs: tuple[Path, ...], csv_path: Path) -> None:
    """Compare plans side by side: gas-free year, cost by item, dwellings per year, verified, who pays."""
    from heatplan.report.compare import compare_table

    replaces = check_out_file(csv_path, first_line_starts("figure,"), "comparison")
    table = compare_table(list(plan_dirs))
    with atomic_file(csv_path) as tmp:
        table.to_csv(tmp, index_label="figure")
    t = Table(title="plans compared", title_justify="left")
    t.add_column("figure")
    for name in table.columns:
        t.add_column(str(name), justify="right")
    for fig, row in table.iterrows():
        t.add_row(
            str(fig), *["" if pd.isna(v) else f"{v:,.0f}" if isinstance(v, float) else str(v) for v in row]
        )
    Console().print(t)
    click.echo(f"wrote {csv_path}" + (" (it replaces an earlier comparison)" if replaces else ""))
