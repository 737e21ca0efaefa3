"""Failures as data: one row per thing that failed a check; plain words only when writing outputs.

A *failures table* is a pandas DataFrame with :data:`COLUMNS`, one row per failure:

* ``element``: what failed: ``"block"``, ``"source"`` or ``"state"`` (the whole simulated state);
  in the electricity grid ``"station"``, ``"cable"`` or ``"bus"`` (``context``: the station or
  feeder it lies behind);
* ``id``: the block or source id (``""`` for a state);
* ``kind``: a :class:`Kind`;
* ``value``, ``limit``: what was found and the bound it broke, in ``unit``;
* ``amount``: how far past the bound (>= 0, in ``unit``): the shortfall in K or bar, the excess
  in m/s or MW;
* ``unit``: ``"°C"``, ``"bar"``, ``"m/s"``, ``"MW"`` or ``""``;
* ``context``: what the kind needs to be read: the label whose supply temperature applies (or
  ``"hot water"`` in a summer case), the pipe that runs too fast, the reason a block was not
  served (:data:`NOT_SERVED_CONTEXT`), the simulation's own message when it did not converge;
* ``remedy``: ``""``, or the remedy the state already had when it still failed (``"bypass"``).

The plan adds ``year``, ``regime`` and ``load`` (:data:`STATE_COLUMNS`) when it stacks the
tables of many states. Rules read ``kind`` and the numbers, never the words; :func:`failure_lines`
and :func:`block_reasons` make the words, and only the writers of outputs call them.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

import numpy as np
import pandas as pd


class Kind(StrEnum):
    """The kinds of failure a check can find (see the module docstring for how to add one)."""

    TEMPERATURE = "fail_temperature"  # block: supply arrives colder than needed (amount: K short)
    PRESSURE = "fail_pressure"  # block: substation differential pressure too low (amount: bar short)
    VELOCITY = "fail_velocity"  # block: a pipe on its path runs too fast (amount: m/s over)
    NOT_SERVED = "not_served"  # block: not on the network, or its source is not in service
    CAPACITY = "capacity_exceeded"  # source: heat drawn above its capacity (amount: MW over)
    HEAD = "head_exceeded"  # source: pump lift needed above the maximum (amount: bar over)
    NOT_CONVERGED = "not_converged"  # state: the simulation did not converge
    OVERLOAD = "grid_overload"  # station/cable: loaded above the limit (value, limit: %)
    VOLTAGE = "grid_voltage"  # bus: voltage outside the band (value, limit: p.u.)


COLUMNS = ("element", "id", "kind", "value", "limit", "amount", "unit", "context", "remedy")
STATE_COLUMNS = ("year", "regime", "load")
#: ``context`` of a :attr:`Kind.NOT_SERVED` row, and its words.
NOT_SERVED_CONTEXT = {
    "no_route": "not on the network (no route to a source)",
    "source_out_of_service": "disconnected: its source is not in service",
}
_NUM = ("value", "limit", "amount")


def empty() -> pd.DataFrame:
    """A failures table with no rows."""
    return table([])


def table(rows: Iterable[dict[str, object]]) -> pd.DataFrame:
    """A failures table from row dicts (missing columns get their empty value)."""
    df = pd.DataFrame(list(rows), columns=list(COLUMNS))
    for c in COLUMNS:
        if c in _NUM:
            df[c] = df[c].astype(float)
        else:
            df[c] = df[c].fillna("").astype(str)
    return df


def row(
    element: str,
    id_: str,
    kind: Kind,
    value: float = np.nan,
    limit: float = np.nan,
    unit: str = "",
    context: str = "",
    remedy: str = "",
    below: bool = False,
) -> dict[str, object]:
    """One failure; ``below``: the bound is a minimum (amount = limit - value), else a maximum."""
    amount = (limit - value) if below else (value - limit)
    return {
        "element": element,
        "id": str(id_),
        "kind": str(kind),
        "value": float(value),
        "limit": float(limit),
        "amount": float(amount) if np.isfinite(amount) else 0.0,
        "unit": unit,
        "context": str(context),
        "remedy": remedy,
    }


def _block_words(r: pd.Series) -> str:
    k = r["kind"]
    if k == Kind.TEMPERATURE:
        what = r["context"] if r["context"] == "hot water" else f"label {r['context']}"
        if r["remedy"] == "bypass":
            return (
                f"supply temperature {r['value']:.1f} °C arrives even with a bypass, "
                f"{r['limit']:.1f} °C needed"
            )
        return f"supply temperature {r['value']:.1f} °C arrives, {what} needs {r['limit']:.1f} °C"
    if k == Kind.PRESSURE:
        return f"differential pressure {r['value']:.2f} bar < {r['limit']:.2f} bar"
    if k == Kind.VELOCITY:
        return f"velocity {r['value']:.2f} m/s > {r['limit']:.2f} m/s in pipe {r['context']}"
    if k == Kind.NOT_SERVED:
        return NOT_SERVED_CONTEXT.get(r["context"], r["context"])
    return str(k)


def _other_words(r: pd.Series) -> str:
    k = r["kind"]
    if k == Kind.CAPACITY:
        return (
            f"source {r['id']}: capacity exceeded ({r['value']:.2f} MW drawn, {r['limit']:.2f} MW available)"
        )
    if k == Kind.HEAD:
        return (
            f"source {r['id']}: pump head exceeded (needs {r['value']:.2f} bar lift for the minimum "
            f"differential pressure at the worst consumer, maximum {r['limit']:.2f} bar)"
        )
    if k == Kind.NOT_CONVERGED:
        how = " with bypasses" if r["remedy"] == "bypass" else ""
        return f"not converged{how}: {r['context']}"
    if k == Kind.OVERLOAD:
        return f"{r['element']} {r['id']} loaded {r['value']:.0f}% (limit {r['limit']:.0f}%){_behind(r)}"
    if k == Kind.VOLTAGE:
        return f"voltage {r['value']:.3f} p.u. at {r['id']} (band limit {r['limit']:.2f} p.u.){_behind(r)}"
    return f"{r['element']} {r['id']}: {k}".strip()


def _behind(r: pd.Series) -> str:
    return f", behind {r['context']}" if r["context"] else ""


def words(r: pd.Series) -> str:
    """Plain words for one failure row."""
    return _block_words(r) if r["element"] == "block" else _other_words(r)


def block_reasons(df: pd.DataFrame) -> dict[str, str]:
    """Per failing block, its failures in words joined with '; ' (in the table's order)."""
    out: dict[str, list[str]] = {}
    for _, r in df[df["element"] == "block"].iterrows():
        out.setdefault(str(r["id"]), []).append(words(r))
    return {b: "; ".join(w) for b, w in out.items()}


def failure_lines(df: pd.DataFrame) -> list[str]:
    """One line per failing block and per source or state failure, headed by year, regime and load.

    ``df`` is a failures table with :data:`STATE_COLUMNS`; lines keep the order of its states.
    """
    lines: list[str] = []
    if df.empty:
        return lines
    for (year, regime, load), g in df.groupby(list(STATE_COLUMNS), sort=False):
        head = f"{int(year)} {str(regime).upper()} {load}"
        lines += [f"{head}: {b}: {r}" for b, r in block_reasons(g).items()]
        lines += [f"{head}: {words(r)}" for _, r in g[g["element"] != "block"].iterrows()]
    return lines
