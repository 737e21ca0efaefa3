"""``heatplan init``: write a commented scenario template."""

from __future__ import annotations

from pathlib import Path

import click

from heatplan.buildings.defaults import DATA
from heatplan.cli.options import user_errors
from heatplan.errors import InputError
from heatplan.io import atomic_file
from heatplan.scenario import template_text


@click.command("init")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False), default=Path("scenario.toml"))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.option(
    "--grid",
    "grid_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Instead, write a commented example sweep grid (4 scenarios) to this path.",
)
@user_errors
def init_cmd(path: Path, force: bool, grid_path: Path | None) -> None:
    """Write a commented scenario template to PATH (default: scenario.toml).

    Every parameter is listed with its unit, default and source, followed by the named override
    sets `pace500` (the seed's 500 dwellings a year), `gridtight` (a tight electricity grid), `nogrid`
    (no grid in the loop) and `labelD` (70 °C from label D).
    """
    if grid_path is not None:
        _write(grid_path, (DATA / "example_grid.toml").read_text(encoding="utf-8"), force)
        click.echo(f"wrote {grid_path}: run `heatplan sweep --grid {grid_path} --out sweep/`")
        return
    if path.exists() and not force:
        raise InputError(f"{path}: already exists (use --force to overwrite)")
    with atomic_file(path) as tmp:
        tmp.write_text(template_text(), encoding="utf-8")
    click.echo(f"wrote {path}: edit it, then run `heatplan plan --scenario {path}` or `{path}:pace500`")


def _write(path: Path, text: str, force: bool) -> None:
    if path.exists() and not force:
        raise InputError(f"{path}: already exists (use --force to overwrite)")
    with atomic_file(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
