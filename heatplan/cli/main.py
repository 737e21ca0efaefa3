"""The ``heatplan`` command."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

import click

from heatplan import __version__
from heatplan.cli.city import city
from heatplan.cli.compare import compare_cmd
from heatplan.cli.grid import grid
from heatplan.cli.init import init_cmd
from heatplan.cli.network import network
from heatplan.cli.options import configure_logging
from heatplan.cli.plan import plan_cmd
from heatplan.cli.report import report_cmd
from heatplan.cli.stock import stock
from heatplan.cli.sweep import sweep_cmd

_KEPT = "unfinished output removed, earlier output kept"


class Terminated(BaseException):
    """SIGTERM arrived: unwind (removing temporary folders) and exit 143."""


def _terminate(_signum: int, _frame: FrameType | None) -> None:
    raise Terminated


class HeatplanGroup(click.Group):
    """The command group: Ctrl-C and SIGTERM end a command with one line and exit 130 / 143.

    Every command writes through ``heatplan.io.atomic_dir``/``atomic_file``, which remove their
    temporary output as the interrupt unwinds, so an earlier result in ``--out`` stays as it was.
    HiGHS runs are stopped within moments (``heatplan.optimisation.interrupt``).
    """

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; turn an interrupt into one line and the conventional exit status."""
        on_main = threading.current_thread() is threading.main_thread()
        before = {}
        if on_main:  # SIGINT set explicitly: a shell that starts a command in the background ignores it
            before = {signal.SIGTERM: signal.signal(signal.SIGTERM, _terminate)}
            before[signal.SIGINT] = signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo(f"heatplan: interrupted (Ctrl-C); {_KEPT}", err=True)
            raise click.exceptions.Exit(130) from None
        except Terminated:
            click.echo(f"heatplan: terminated (SIGTERM); {_KEPT}", err=True)
            raise click.exceptions.Exit(143) from None
        finally:
            for sig, handler in before.items():
                signal.signal(sig, signal.SIG_DFL if handler is None else handler)


@click.group(cls=HeatplanGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
cli.add_command(grid)
cli.add_command(report_cmd)
cli.add_command(sweep_cmd)
cli.add_command(city)
