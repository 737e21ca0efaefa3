"""``heatplan report``: rebuild schedule.xlsx, report.html and blocks.gpkg from a plan folder."""

from __future__ import annotations

from pathlib import Path

import click

from heatplan.cli.options import user_errors


@click.command("report")
@click.argument("plan_dir", metavar="DIR", type=click.Path(path_type=Path))
@click.option(
    "--lang",
    type=click.Choice(["nl", "en"]),
    default="nl",
    show_default=True,
    help="Language of the report and the workbook.",
)
@user_errors
def report_cmd(plan_dir: Path, lang: str) -> None:
    """Build DIR/schedule.xlsx, DIR/report.html and DIR/blocks.gpkg from DIR/plan.nc alone."""
    from heatplan.report import write_reports

    for path in write_reports(plan_dir, lang=lang):
        click.echo(f"wrote {path} ({path.stat().st_size:,} bytes)")
