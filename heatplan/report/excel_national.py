"""The workbook's national-cost sheets: cost per year and item, options, heat and electricity, option costs.

Excel holds 1,048,576 rows per sheet; option_costs.csv of the default plan has 51,863, and a
larger one continues on numbered sheets.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from heatplan.planfile import OPTION_COST_COLUMNS, option_costs_frame
from heatplan.report.national import (
    cost_per_dwelling,
    electricity_by_year,
    has_national_cost,
    heat_by_year,
    national_cost_by_year,
    option_mix,
    option_totals,
    typical_blocks,
)
from heatplan.report.text import Text

#: Rows of an Excel sheet (1,048,576) minus the header: option costs beyond this go to a next sheet.
EXCEL_DATA_ROWS = 1_048_575
SHEET_KEYS = ("national", "options_sheet", "heat_electricity", "option_costs")


def sheet_titles(ds: xr.Dataset, text: Text) -> tuple[str, ...]:
    """The names of the sheets this module adds (none for a plan.nc without national costs)."""
    if not has_national_cost(ds):
        return ()
    n = max(1, -(-len(option_costs_frame(ds)) // EXCEL_DATA_ROWS))
    extra = tuple(f"{text['option_costs']} ({k})" for k in range(2, n + 1))
    return (*(text[k] for k in SHEET_KEYS), *extra)


def _write_row(ws: Worksheet, r: int, values: Sequence[Any], fmt: Format | None = None) -> None:
    for c, v in enumerate(values):
        if isinstance(v, str):
            ws.write_string(r, c, v, fmt)
        elif v is None or (isinstance(v, float) and v != v):
            ws.write_blank(r, c, None, fmt)
        else:
            ws.write_number(r, c, float(v), fmt)


def _national_sheet(ws: Worksheet, ds: xr.Dataset, text: Text, head: Format, num: Format) -> None:
    """Per window year: every cost item, the total and the discount factor; a total row."""
    nat = national_cost_by_year(ds)
    ws.write_string(0, 0, text["national_cost_sheet"])
    cols = [text["year"], *[f"{text.item(c)} [EUR]" for c in nat.columns], f"{text['total']} [EUR]"]
    disc = ds["eval_discount_factor"].values if "eval_discount_factor" in ds else None
    if disc is not None:
        cols.append(text["discount_factor"])
    _write_row(ws, 1, cols, head)
    for i, (y, row) in enumerate(nat.iterrows()):
        vals: list[Any] = [int(y), *row.tolist(), float(row.sum())]
        _write_row(ws, 2 + i, vals, num)
        ws.write_number(2 + i, 0, int(y))
        if disc is not None:
            ws.write_number(2 + i, len(vals), float(disc[i]))
    last = 2 + len(nat)
    _write_row(ws, last, [text["total"], *nat.sum().tolist(), float(nat.to_numpy().sum())], num)
    ws.freeze_panes(2, 1)
    ws.set_row(1, 45)
    ws.set_column(0, 0, 10)
    ws.set_column(1, len(cols), 15)


def _frame(
    ws: Worksheet, r: int, title: str, df: pd.DataFrame, heads: list[str], fmts: tuple[Format, ...]
) -> int:
    """A titled table: the index as the first column; returns the next free row."""
    bold, head, num = fmts
    ws.write_string(r, 0, title, bold)
    _write_row(ws, r + 1, heads, head)
    for i, (k, row) in enumerate(df.iterrows()):
        _write_row(ws, r + 2 + i, [str(k), *row.tolist()], num)
        if isinstance(k, int | np.integer):  # a year: a number, without a thousands separator
            ws.write_number(r + 2 + i, 0, int(k))
    return r + 3 + len(df)


def _options_sheet(ws: Worksheet, ds: xr.Dataset, text: Text, fmts: tuple[Format, ...]) -> None:
    """Option mix by dwelling type, cost per dwelling by option, the typical blocks' options."""
    mix = option_mix(ds)
    mix.index = [text["total"] if k == "total" else str(k) for k in mix.index]
    r = _frame(ws, 0, text["option_mix"], mix, [text["dwelling_type"], *map(text.option, mix.columns)], fmts)
    cpd = cost_per_dwelling(ds)
    cpd.index = [text.option(str(o)) for o in cpd.index]
    heads = [text["c_option"], *[text[f"cpd_{c}"] for c in cpd.columns]]
    r = _frame(ws, r, text["cost_per_dwelling"], cpd, heads, fmts)
    typ = typical_blocks(ds)
    if len(typ):
        totals = option_totals(ds).loc[typ["block_id"]]
        per = totals.div(typ.set_index("block_id")["dwellings"], axis=0)
        tab = typ.set_index("block_id")[["dwelling_type", "label_now", "dwellings", "option"]]
        tab = tab.join(per.rename(columns=lambda o: f"{text.option(o)} {text['npv_per_dwelling']}"))
        heads = [text["typical_block"], text["dwelling_type"], text["c_label_now"], text["c_dwellings"],
                 text["c_option"], *tab.columns[4:]]  # fmt: skip
        _frame(ws, r, text["typical_blocks"], tab, heads, fmts)
    ws.set_column(0, 0, 30)
    ws.set_column(1, 12, 18)


def _heat_sheet(ws: Worksheet, ds: xr.Dataset, text: Text, fmts: tuple[Format, ...]) -> None:
    """Per year: heat delivered and lost per network (GJ, %, Vesta's figure); electricity per use (MWh)."""
    heat = heat_by_year(ds)
    heads = [text["year"], *[f"{str(r).upper()} {text[f'h_{c}']}" for r, c in heat.columns]]
    heat.columns = heads[1:]
    r = _frame(ws, 0, text["heat_per_network"], heat, heads, fmts)
    if "electricity_mwh" in ds:
        el = electricity_by_year(ds)
        el["total"] = el.sum(axis=1)
        words = [text[f"e_{c}"] if c != "total" else text["total"] for c in el.columns]
        heads = [text["year"], *[f"{w} [MWh]" for w in words]]
        _frame(ws, r, text["electricity_per_year"], el, heads, fmts)
    ws.set_column(0, 0, 12)
    ws.set_column(1, 12, 16)


def _option_cost_sheets(wb: Workbook, names: Sequence[str], ds: xr.Dataset, head: Format) -> None:
    """option_costs.csv, cell for cell, on as many sheets as Excel's row limit needs."""
    df = option_costs_frame(ds)
    for k, name in enumerate(names):
        ws = wb.add_worksheet(name)
        part = df.iloc[k * EXCEL_DATA_ROWS : (k + 1) * EXCEL_DATA_ROWS]
        _write_row(ws, 0, list(OPTION_COST_COLUMNS), head)
        cols = [part[c].to_numpy() for c in OPTION_COST_COLUMNS]
        for i in range(len(part)):
            for c, col in enumerate(cols):
                v = col[i]
                if isinstance(v, str):
                    ws.write_string(i + 1, c, v)
                elif c == OPTION_COST_COLUMNS.index("chosen"):
                    ws.write_boolean(i + 1, c, bool(v))
                else:
                    ws.write_number(i + 1, c, round(float(v), 2))
        ws.autofilter(0, 0, max(len(part), 1), len(OPTION_COST_COLUMNS) - 1)
        ws.freeze_panes(1, 1)
        ws.set_column(0, 2, 16)
        ws.set_column(3, 5, 14)
        ws.set_column(6, 6, 60)


def write_national_sheets(wb: Workbook, ds: xr.Dataset, text: Text, fmt: Any) -> None:
    """Add the national-cost sheets (``fmt``: the workbook's formats; nothing for an older plan.nc)."""
    names = sheet_titles(ds, text)
    if not names:
        return
    fmts = (fmt.bold, fmt.head, fmt.thousands)
    _national_sheet(wb.add_worksheet(names[0]), ds, text, fmt.head, fmt.thousands)
    _options_sheet(wb.add_worksheet(names[1]), ds, text, fmts)
    _heat_sheet(wb.add_worksheet(names[2]), ds, text, fmts)
    _option_cost_sheets(wb, names[3:], ds, fmt.head)
