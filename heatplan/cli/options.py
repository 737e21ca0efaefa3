"""Shared click options and the translation of heatplan errors into plain messages."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from heatplan.errors import HeatplanError

F = TypeVar("F", bound=Callable[..., Any])


def user_errors(fn: F) -> F:
    """Turn any :class:`HeatplanError` into one message on stderr and exit status 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except HeatplanError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper  # type: ignore[return-value]


stock_option = click.option(
    "--stock",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Block table (CSV). Default: the embedded, synthetic Zuidwest stock.",
)


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
