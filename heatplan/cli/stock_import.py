"""``heatplan stock import``: EP-Online labels + BAG verblijfsobjecten -> a block table CSV."""

from __future__ import annotations

from pathlib import Path

import click

from heatplan.buildings.importers import ImportOptions, import_stock, write_blocks
from heatplan.buildings.schema import OWNER_TYPES
from heatplan.cli.options import user_errors
from heatplan.errors import InputError
from heatplan.io import atomic_file

_FILE = click.Path(path_type=Path, dir_okay=False)


@click.command("import")
@click.option(
    "--ep-online",
    "ep_online",
    type=_FILE,
    required=True,
    help="EP-Online label CSV (v2 'Pand_…' or v4 layout).",
)
@click.option(
    "--bag",
    type=_FILE,
    required=True,
    help="BAG verblijfsobjecten: PDOK GeoPackage (layer 'verblijfsobject') or CSV.",
)
@click.option(
    "--block-by",
    default="pand",
    show_default=True,
    metavar="pand|postcode|COLUMN",
    help="Group dwellings into blocks by BAG pand, by postcode, or by a BAG column.",
)
@click.option(
    "--buurt-code",
    default=None,
    metavar="BU########",
    help="CBS buurt code for dwellings whose BAG row has no 'buurtcode' column/value.",
)
@click.option(
    "--owner",
    default="onbekend",
    show_default=True,
    help="Owner for dwellings without an 'owner' column in the BAG file.",
)
@click.option(
    "--owner-type",
    type=click.Choice(OWNER_TYPES),
    default="mixed",
    show_default=True,
    help="Owner type for dwellings without an 'owner_type' column in the BAG file.",
)
@click.option("--out", type=_FILE, required=True, help="Block table to write (CSV).")
@user_errors
def import_cmd(ep_online: Path, bag: Path, block_by: str, buurt_code: str | None, owner: str,
               owner_type: str, out: Path) -> None:  # fmt: skip
    """Build a block table from EP-Online energy labels and BAG dwellings."""
    if not out.resolve().parent.is_dir():
        raise InputError(f"{out}: the folder {out.resolve().parent} does not exist")
    options = ImportOptions(block_by=block_by, buurt_code=buurt_code, owner=owner, owner_type=owner_type)
    blocks, report = import_stock(ep_online, bag, options)
    with atomic_file(out) as tmp:
        write_blocks(blocks, tmp)
    for line in report.lines():
        click.echo(line)
    click.echo(f"written: {out}")
