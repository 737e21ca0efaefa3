"""``heatplan stock import``: EP-Online labels + BAG verblijfsobjecten -> a block table CSV."""

from __future__ import annotations

import json
from pathlib import Path

import click

from heatplan import __version__
from heatplan.buildings.importers import ImportOptions, import_stock, write_blocks
from heatplan.buildings.importers.areas import parse_bbox
from heatplan.buildings.importers.gas import MIN_CONNECTIONS
from heatplan.buildings.schema import OWNER_TYPES
from heatplan.cli.options import user_errors
from heatplan.errors import InputError
from heatplan.io import atomic_file, check_out_file, first_line_starts

_FILE = click.Path(path_type=Path, dir_okay=False)

#: The first line of every block table this command writes: how an earlier one is recognised.
HEADER = "# heatplan stock import"


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
    "--buurten",
    type=_FILE,
    default=None,
    help="CBS wijk- en buurtkaart GeoPackage: every dwelling gets the buurt its point lies in.",
)
@click.option(
    "--outside-buurten",
    "outside",
    type=click.Choice(["drop", "keep"]),
    default="drop",
    show_default=True,
    help="Dwellings outside every buurt of --buurten: drop them, or keep them in the nearest buurt.",
)
@click.option(
    "--buurt-code",
    default=None,
    metavar="BU########",
    help="CBS buurt code for dwellings whose BAG row has no 'buurtcode' (without --buurten).",
)
@click.option(
    "--gemeente",
    default=None,
    metavar="GM####",
    help="Import one municipality (its outline from --buurten), e.g. GM0518.",
)
@click.option(
    "--bbox",
    default=None,
    metavar="XMIN,YMIN,XMAX,YMAX",
    help="Import the dwellings inside this box (RD New metres).",
)
@click.option(
    "--area",
    "area",
    type=_FILE,
    default=None,
    help="Import the dwellings inside the polygons of this GIS file (GeoPackage, GeoJSON, ...).",
)
@click.option(
    "--gas-use",
    "gas_use",
    type=_FILE,
    default=None,
    help="Grid operator's kleinverbruik CSV (Stedin, Liander, Enexis): measured gas use per block.",
)
@click.option(
    "--gas-min-connections",
    type=click.IntRange(min=1),
    default=MIN_CONNECTIONS,
    show_default=True,
    help="Postcode ranges with fewer active gas connections are left to the estimate.",
)
@click.option(
    "--owners",
    type=_FILE,
    default=None,
    help="CSV of verblijfsobject id (or postcode + huisnummer) -> owner, owner_type.",
)
@click.option("--owner", default="onbekend", show_default=True, help="Owner of dwellings that no file names.")
@click.option(
    "--owner-type",
    type=click.Choice(OWNER_TYPES),
    default="mixed",
    show_default=True,
    help="Owner type of dwellings that no file gives one.",
)
@click.option(
    "--report", "report_path", type=_FILE, default=None, help="Also write what was done as JSON to this file."
)
@click.option("--out", type=_FILE, required=True, help="Block table to write (CSV).")
@user_errors
def import_cmd(
    ep_online: Path,
    bag: Path,
    block_by: str,
    buurten: Path | None,
    outside: str,
    buurt_code: str | None,
    gemeente: str | None,
    bbox: str | None,
    area: Path | None,
    gas_use: Path | None,
    gas_min_connections: int,
    owners: Path | None,
    owner: str,
    owner_type: str,
    report_path: Path | None,
    out: Path,
) -> None:
    """Build a block table from EP-Online energy labels and BAG dwellings."""
    if report_path is not None and report_path.resolve() == out.resolve():
        raise InputError(f"--report {report_path}: the same file as --out")
    replaces = check_out_file(out, first_line_starts(HEADER), "block table")
    if report_path is not None:
        check_out_file(report_path, _is_import_report, "import report")
    options = ImportOptions(
        block_by=block_by,
        buurt_code=buurt_code,
        owner=owner,
        owner_type=owner_type,
        buurten=buurten,
        gemeente=gemeente,
        bbox=parse_bbox(bbox) if bbox else None,
        area=area,
        outside=outside,
        gas_use=gas_use,
        gas_min_connections=gas_min_connections,
        owners=owners,
    )
    blocks, report = import_stock(ep_online, bag, options)
    with atomic_file(out) as tmp:
        write_blocks(blocks, tmp, f"{HEADER[2:]} {__version__}: EP-Online {ep_online.name}, BAG {bag.name}")
        if report_path is not None:
            with atomic_file(report_path) as tmp_report:
                tmp_report.write_text(json.dumps(report.to_dict(), indent=2) + "\n", encoding="utf-8")
    for line in report.lines():
        click.echo(line)
    again = " (it replaces the table an earlier import wrote)" if replaces else ""
    click.echo(f"written: {out}{again}" + (f" and {report_path}" if report_path else ""))


def _is_import_report(path: Path) -> bool:
    """True for a file an earlier ``--report`` wrote (a JSON object with the report's sections)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and {"ep_online", "bag"} <= set(data)
