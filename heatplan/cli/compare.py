"""``heatplan compare``: plans side by side."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import pandas as pd
from rich.console import Console
from rich.table import Table

from heatplan.cli.options import user_errors
from heatplan.errors import InputError
from heatplan.io import atomic_file


def _read_summary(plan_dir: Path) -> dict[str, Any]:
    path = plan_dir / "summary.json"
    if not path.is_file():
        raise InputError(f"{plan_dir}: no summary.json (expected a folder written by `heatplan plan --out`)")
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a readable summary ({exc})") from None
    for key in ("scenario", "gas_free_year_reached", "deadline_met", "cost_npv_eur"):
        if key not in data:
            raise InputError(f"{path}: missing key '{key}' (expected a heatplan plan summary)")
    return data


def compare_table(plan_dirs: list[Path]) -> pd.DataFrame:
    """One column per plan; rows: gas-free year, deadline, verification, cost by item, dwellings per year."""
    cols: dict[str, dict[str, Any]] = {}
    for d in plan_dirs:
        s = _read_summary(d)
        col: dict[str, Any] = {
            "scenario": s["scenario"],
            "gas_free_year_reached": s["gas_free_year_reached"],
            "deadline": s.get("deadline"),
            "deadline_met": s["deadline_met"],
            "verified": not s.get("failing_years"),
            "failing_years": ",".join(str(y) for y in s.get("failing_years", [])),
            "rounds": s.get("rounds"),
            "required_pace_dwellings_per_yr": s.get("required_pace_dwellings_per_yr"),
        }
        npv = s["cost_npv_eur"]
        col["cost_npv_eur_total"] = npv.get("total")
        for item, value in npv.get("by_item", {}).items():
            col[f"cost_npv_eur_{item}"] = value
        for year, n in s.get("switched_dwellings_by_year", {}).items():
            col[f"switched_dwellings_{year}"] = n
        name = d.name
        while name in cols:
            name += "'"
        cols[name] = col
    return pd.DataFrame(cols)


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
    """Compare plans side by side: gas-free year, cost by item, dwellings per year, verified."""
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
    click.echo(f"wrote {csv_path}")
