"""The workbook's "who pays what": columns on every owner sheet and the sheet "Per partij" / "Per actor".

Nothing for a plan.nc made before the actor accounting (:func:`heatplan.report.actor_data.has_actors`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from heatplan.report.actor_data import (
    BLOCK_COLUMNS,
    OWNER_TYPE_COLUMNS,
    ActorTables,
    actor_tables,
    has_actors,
    label,
    tolerance_text,
)
from heatplan.report.text import Text

#: owner-sheet column -> number format (a _Formats attribute)
_BLOCK_FORMATS = {
    "owner_invest_eur": "thousands", "isde_eur": "thousands", "housing_year": "int",
    "housing_before": "cents", "housing_after": "cents", "housing_change": "cents",
}  # fmt: skip
#: per-owner-type column -> number format
_TYPE_FORMATS = {
    "dwellings_off_gas": "int", "owner_investment_eur_per_dwelling": "thousands",
    "subsidy_eur_per_dwelling": "thousands", "median_change_eur_per_month": "cents",
    "share_within_tolerance": "pct", "share_woonlastenneutraal": "pct",
}  # fmt: skip


def actor_sheet_titles(ds: xr.Dataset, text: Text) -> tuple[str, ...]:
    """The name of the sheet this module adds (none for a plan.nc without the actor accounting)."""
    return (text["actor_sheet"],) if has_actors(ds) else ()


def _cell(ws: Worksheet, r: int, c: int, v: Any, fmt: Any = None) -> None:
    """A number, a string or (missing value) a blank cell."""
    if v is None or v is pd.NA or (isinstance(v, float | np.floating) and v != v):
        ws.write_blank(r, c, None, fmt)
    elif isinstance(v, str):
        ws.write_string(r, c, v, fmt)
    else:
        ws.write_number(r, c, float(v), fmt)


def owner_block_headers(ds: xr.Dataset, text: Text) -> list[str]:
    """The headers of the owner-sheet columns: per block, then the investment per plan year."""
    heads = [text[f"c_{c}"].format(tol=tolerance_text(ds, text)) for c in BLOCK_COLUMNS]
    return heads + [text["c_owner_invest_year"].format(year=int(y)) for y in ds["year"].values]


def write_owner_columns(
    ws: Worksheet,
    c0: int,
    block_ids: Sequence[str],
    money: pd.DataFrame,
    heads: list[str],
    text: Text,
    fmt: Any,
) -> int:
    """Write the "who pays what" columns from column ``c0`` (rows: ``block_ids``); returns the last column.

    ``money``: :func:`heatplan.report.actor_data.block_money`; an investment of zero is a blank cell.
    """
    for j, h in enumerate(heads):
        ws.write_string(0, c0 + j, h, fmt.head)
    years = list(money.columns[len(BLOCK_COLUMNS) :])
    for r, b in enumerate(block_ids, start=1):
        row = money.loc[b]
        for j, col in enumerate(BLOCK_COLUMNS):
            v = row[col]
            if col == "woonlastenneutraal":
                v = None if v is pd.NA else text["yes" if bool(v) else "no"]
            _cell(ws, r, c0 + j, v, getattr(fmt, _BLOCK_FORMATS.get(col, ""), None))
        for j, y in enumerate(years, start=c0 + len(BLOCK_COLUMNS)):
            v = float(row[y])
            _cell(ws, r, j, v if abs(v) >= 0.005 else None, fmt.thousands)
    last = c0 + len(BLOCK_COLUMNS) + len(years) - 1
    ws.set_column(c0, c0 + len(BLOCK_COLUMNS) - 1, 16)
    ws.set_column(c0 + len(BLOCK_COLUMNS), last, 14)
    return last


def _year_rows(ws: Worksheet, r: int, tab: ActorTables, text: Text, fmt: Any) -> int:
    """Per plan year: each actor's net EUR, their total, the national cost and its bypass; a total row."""
    actors = list(tab.totals.columns)
    heads = [text["year"], *[label(text, "a", a) for a in actors], text["actor_total"],
             text["actor_national"], text["actor_bypass"]]  # fmt: skip
    for c, h in enumerate(heads):
        ws.write_string(r, c, h, fmt.head)
    r += 1
    for y, row in tab.totals.iterrows():
        ws.write_number(r, 0, int(str(y)), fmt.int)
        vals = [*row.tolist(), float(row.sum()), *tab.national.loc[int(str(y))].tolist()]
        for c, v in enumerate(vals, start=1):
            ws.write_number(r, c, float(v), fmt.thousands)
        r += 1
    ws.write_string(r, 0, text["total"], fmt.bold)
    sums = [*tab.totals.sum().tolist(), float(tab.totals.to_numpy().sum()), *tab.national.sum().tolist()]
    for c, v in enumerate(sums, start=1):
        ws.write_number(r, c, float(v), fmt.thousands)
    return r + 1


def _npv_rows(ws: Worksheet, r: int, tab: ActorTables, text: Text, fmt: Any) -> int:
    """The NPV per actor, their total, the national NPV and its bypass; the change against doing nothing.

    The NPVs are who_pays' ``npv_eur_by_actor``; the change row only if plan.nc has the reference.
    Returns the next free row.
    """
    first, end = tab.eval_years
    ws.write_string(r, 0, text["actor_npv"].format(first=first, end=end), fmt.bold)
    vals = [*tab.npv.tolist(), float(tab.npv.sum()), tab.npv_national, tab.npv_bypass]
    for c, v in enumerate(vals, start=1):
        _cell(ws, r, c, v, fmt.thousands)
    if tab.npv_change is None:
        return r + 1
    ws.write_string(r + 1, 0, text["actor_npv_change"].format(first=first, end=end), fmt.bold)
    for c, v in enumerate([*tab.npv_change.tolist(), float(tab.npv_change.sum())], start=1):
        _cell(ws, r + 1, c, v, fmt.thousands)
    return r + 2


def _owner_type_rows(ws: Worksheet, r: int, ds: xr.Dataset, tab: ActorTables, text: Text, fmt: Any) -> int:
    """who_pays' figures per owner type; returns the next free row."""
    ws.write_string(r, 0, text["per_owner_type"], fmt.title)
    tol = tolerance_text(ds, text)
    heads = [text["owner_type"], *[text[f"wp_{c}"].format(tol=tol) for c in OWNER_TYPE_COLUMNS]]
    for c, h in enumerate(heads):
        ws.write_string(r + 1, c, h, fmt.head)
    r += 2
    for otype, row in tab.per_owner_type.iterrows():
        ws.write_string(r, 0, label(text, "ot", str(otype)))
        for c, col in enumerate(OWNER_TYPE_COLUMNS, start=1):
            _cell(ws, r, c, row[col], getattr(fmt, _TYPE_FORMATS[col]))
        r += 1
    return r + 1


def write_actor_sheet(wb: Workbook, ds: xr.Dataset, text: Text, fmt: Any) -> None:
    """The sheet "Per partij": net EUR per actor and year, NPV per actor, the per-owner-type table."""
    names = actor_sheet_titles(ds, text)
    if not names:
        return
    ws = wb.add_worksheet(names[0])
    tab = actor_tables(ds)
    ws.write_string(0, 0, text["actor_title"], fmt.title)
    ws.write_string(1, 0, text["actor_note"])
    r = _year_rows(ws, 3, tab, text, fmt)
    r = _npv_rows(ws, r, tab, text, fmt)
    _owner_type_rows(ws, r + 1, ds, tab, text, fmt)
    ws.freeze_panes(4, 1)
    ws.set_row(3, 45)
    ws.set_column(0, 0, 24)
    ws.set_column(1, len(tab.totals.columns) + 3, 16)
