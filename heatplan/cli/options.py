"""Shared click options, progress displays, and the translation of heatplan errors into plain messages."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from heatplan.errors import HeatplanError

if TYPE_CHECKING:
    from heatplan.batch.sweep import SweepProgress

F = TypeVar("F", bound=Callable[..., Any])

#: Progress of one plan: ``(stage, done, total)``.
ProgressFn = Callable[[str, int, int], None]


def user_errors(fn: F) -> F:
    """Turn any :class:`HeatplanError` into one message on stderr and exit status 1.

    So is an operating-system error on a named file (permission denied, disk full, a folder
    removed while the command ran): it is about the user's files, not a bug.
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except HeatplanError as exc:
            raise click.ClickException(str(exc)) from None
        except OSError as exc:
            if exc.filename is None:
                raise
            raise click.ClickException(f"{exc.filename}: {exc.strerror or exc}") from None

    return wrapper  # type: ignore[return-value]


scenario_option = click.option(
    "--scenario",
    "scenario_spec",
    default=None,
    metavar="FILE[:NAMES]",
    help="Scenario file, optionally with override sets (FILE:pace500,labelD). Default: the built-in "
    "scenario; ':NAME' picks a built-in override set.",
)


stock_option = click.option(
    "--stock",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Block table (CSV). Default: the embedded, synthetic Zuidwest stock.",
)


def grid_file_options(fn: F) -> F:
    """``--grid FILE --grid-map FILE``: a real electricity grid instead of the synthetic one."""
    fn = click.option(
        "--grid-map",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="With --grid: a CSV with columns block_id,bus_id putting every block of the stock on a "
        "low-voltage bus of the network.",
    )(fn)
    return click.option(
        "--grid",
        "grid_file",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="A real electricity grid instead of the synthetic one: a pandapower network saved as "
        "JSON (pandapower.to_json). Needs --grid-map (docs/grid.md).",
    )(fn)


scheduler_option = click.option(
    "--scheduler", default=None, metavar="ADDRESS", help="An existing Dask scheduler, e.g. tcp://host:8786."
)
workers_option = click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Workers of the local cluster.",
)

solver_threads_option = click.option(
    "--solver-threads",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="HiGHS threads of each plan (1: plans running side by side do not fight over the cores).",
)


def quiet_dask() -> None:
    """Dask's own INFO lines only with -v.

    Importing ``distributed`` sets its logger to INFO (from Dask's configuration), so it is
    imported first and quietened after.
    """
    if logging.getLogger().isEnabledFor(logging.INFO):
        return
    import distributed  # noqa: F401

    logging.getLogger("distributed").setLevel(logging.WARNING)


def configure_logging(verbose: int) -> None:
    """Plain log lines on stderr (the library itself never configures logging)."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # pandapower asks for numba on every power flow; heatplan does not use it (docs/grid.md)
    logging.getLogger("pandapower.auxiliary").setLevel(logging.ERROR if verbose < 2 else logging.DEBUG)


def _bar(console: Console, transient: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=transient,
    )


@contextmanager
def progress_display() -> Iterator[ProgressFn]:
    """One plan's progress: a rich bar on a terminal; plain log lines on stderr otherwise."""
    if not sys.stderr.isatty():
        last: dict[str, str] = {}

        def plain(stage: str, done: int, total: int) -> None:
            if last.get("stage") != stage and (done in (0, total) or total <= 1):
                click.echo(f"heatplan: {stage}", err=True)
                last["stage"] = stage

        yield plain
        return
    with _bar(Console(stderr=True), transient=True) as bar:
        task = bar.add_task("starting", total=1)

        def rich_fn(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=max(total, 1))

        yield rich_fn


@contextmanager
def sweep_progress() -> Iterator[SweepProgress]:
    """A sweep's progress: a rich bar on a terminal; one plain line per finished scenario otherwise."""
    if not sys.stderr.isatty():

        def plain(done: int, total: int, name: str, status: str, seconds: float) -> None:
            if name:
                click.echo(f"heatplan sweep: [{done}/{total}] {name}: {status} ({seconds:.1f} s)", err=True)
            else:
                click.echo(f"heatplan sweep: running {total} scenario(s)", err=True)

        yield plain
        return
    console = Console(stderr=True)
    with _bar(console, transient=False) as bar:
        task = bar.add_task("scenarios", total=1)

        def rich_fn(done: int, total: int, name: str, status: str, seconds: float) -> None:
            bar.update(task, completed=done, total=max(total, 1), description=f"scenarios (last: {name})")
            if name:
                console.print(f"{name}: {status} ({seconds:.1f} s)")

        yield rich_fn
