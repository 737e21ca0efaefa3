"""The ``heatplan`` command."""

from __future__ import annotations

import click

from heatplan import __version__
from heatplan.cli.city import city
from heatplan.cli.compare import compare_cmd
from heatplan.cli.init import init_cmd
from heatplan.cli.network import network
from heatplan.cli.options import configure_logging
from heatplan.cli.plan import plan_cmd
from heatplan.cli.report import report_cmd
from heatplan.cli.stock import stock
from heatplan.cli.sweep import sweep_cmd


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="heatplan")
@click.option("-v", "--verbose", count=True, help="More log lines (-v info, -vv debug).")
def cli(verbose: int) -> None:
    """heatplan: plan a district off natural gas, block by block and year by year."""
    configure_logging(verbose)


cli.add_command(stock)
cli.add_command(init_cmd)
cli.add_command(compare_cmd)
cli.add_command(plan_cmd)
cli.add_command(network)
cli.add_command(report_cmd)
cli.add_command(sweep_cmd)
cli.add_command(city)
