"""schedule.xlsx: a summary sheet, a sheet per owner (a row per block, a column per year), national costs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from heatplan.planfile import SCHEDULE_COLUMNS, YEAR_COLUMNS
from heatplan.report.actor_data import block_money, has_actors
from heatplan.report.excel_actors import (
    actor_sheet_titles,
    owner_block_headers,
    write_actor_sheet,
    write_owner_columns,
)
from heatplan.report.excel_national import sheet_titles, write_national_sheets
from heatplan.report.plan_data import (
    Plan,
    block_frame,
    cost_by_year,
    grid_by_year,
    key_figures,
    measures,
    per_year,
)
from heatplan.report.text import Text, proof_note

#: Columns of an owner sheet before the per-year columns: the schedule.csv columns plus the street.
OWNER_COLUMNS = ("block_id", "street", *SCHEDULE_COLUMNS[1:])
_MAX_SHEET = 31
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")

#: Measure kind -> cell colour (also the legend). Priority: the first kind found in a cell wins.
MEASURE_COLOURS = {
    "m_connection_mt": "#F4A582",
    "m_connection_lt": "#92C5DE",
    "m_connection_hp": "#B8E186",
    "m_demolition": "#BDBDBD",
    "m_new_build": "#D9D2E9",
    "m_induction": "#FFF2CC",
    "m_insulation": "#FFE699",
}


def sheet_names(owners: list[str], reserved: tuple[str, ...], text: Text) -> dict[str, str]:
    r"""A valid, unique Excel sheet name per owner (≤ 31 chars, none of ``[]:*?/\``, not reserved)."""
    taken = {r.casefold() for r in (*reserved, "History")}  # Excel reserves "History"
    out: dict[str, str] = {}
    for owner in owners:
        base = _BAD_SHEET_CHARS.sub("_", owner).strip().strip("'").strip() or text["unknown"]
        base = base[:_MAX_SHEET].strip("'")
        name, k = base, 1
        while name.casefold() in taken:
            k += 1
            suffix = f" ({k})"
            name = base[: _MAX_SHEET - len(suffix)].rstrip().strip("'") + suffix
        taken.add(name.casefold())
        out[owner] = name
    return out


class _Formats:
    """The cell formats of the workbook."""

    def __init__(self, wb: Workbook) -> None:
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.head = wb.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "text_wrap": True, "valign": "top", "border": 1}
        )
        self.bold = wb.add_format({"bold": True})
        self.int = wb.add_format({"num_format": "0"})
        self.thousands = wb.add_format({"num_format": "#,##0"})
        self.pct = wb.add_format({"num_format": "0.0%"})
        self.one = wb.add_format({"num_format": "0.0"})
        self.cents = wb.add_format({"num_format": "#,##0.00"})
        self.pu = wb.add_format({"num_format": "0.000"})
        self.mono = wb.add_format({"font_name": "Consolas"})
        self.measure = {
            k: wb.add_format({"bg_color": c, "border": 1, "border_color": "#D9D9D9"})
            for k, c in MEASURE_COLOURS.items()
        }


def _measure_format(cell: str, words: dict[str, str], fmt: _Formats) -> Format | None:
    for key in MEASURE_COLOURS:
        if words[key] in cell.split(", "):
            return fmt.measure[key]
    return None


def _write_value(ws: Worksheet, r: int, c: int, v: Any, fmt: Format | None = None) -> None:
    """Write one cell by type: blank for missing, number for numbers, string otherwise."""
    if v is None or v is pd.NA or v == "" or (isinstance(v, float) and v != v):
        ws.write_blank(r, c, None, fmt)
    elif isinstance(v, bool):
        ws.write_boolean(r, c, v, fmt)
    elif isinstance(v, int | np.integer):
        ws.write_number(r, c, int(v), fmt)
    elif isinstance(v, float | np.floating):
        ws.write_number(r, c, float(v), fmt)
    else:
        ws.write_string(r, c, str(v), fmt)


def _owner_sheet(
    wb: Workbook,
    name: str,
    blocks: pd.DataFrame,
    meas: pd.DataFrame,
    text: Text,
    fmt: _Formats,
    money: tuple[pd.DataFrame, list[str]] | None = None,
) -> None:
    """One row per block of one owner; the schedule columns, the measures per year, then who pays what.

    ``money``: (:func:`heatplan.report.actor_data.block_money`, its headers), None for an older plan.nc.
    """
    ws = wb.add_worksheet(name)
    years = list(meas.columns)
    for c, col in enumerate(OWNER_COLUMNS):
        ws.write_string(0, c, text[f"c_{col}"], fmt.head)
    n0 = len(OWNER_COLUMNS)
    for j, y in enumerate(years):
        ws.write_number(0, n0 + j, int(y), fmt.head)
    ws.write_comment(0, n0, text["legend_see"].format(sheet=text["summary"]), {"x_scale": 1.5})
    words = {k: text[k] for k in MEASURE_COLOURS}
    num_fmt = {"dwellings": fmt.int, "cost_eur": fmt.thousands, **dict.fromkeys(YEAR_COLUMNS, fmt.int)}
    for r, (idx, row) in enumerate(blocks.iterrows(), start=1):
        for c, col in enumerate(OWNER_COLUMNS):
            _write_value(ws, r, c, row[col], num_fmt.get(col))
        for j, y in enumerate(years):
            cell = str(meas.at[idx, y])
            f = _measure_format(cell, words, fmt)
            ws.write_string(r, n0 + j, cell, f) if cell else ws.write_blank(r, n0 + j, None, f)
    last_col = n0 + len(years) - 1
    if money is not None:
        last_col = write_owner_columns(ws, last_col + 1, list(blocks["block_id"]), *money, text, fmt)
    last = max(len(blocks), 1)
    ws.autofilter(0, 0, last, last_col)
    ws.freeze_panes(1, 1)
    ws.set_row(0, 45)
    widths = {"block_id": 10, "street": 22, "owner": 18, "cost_eur": 16, "wijk_code": 11, "buurt_code": 12}
    for c, col in enumerate(OWNER_COLUMNS):
        ws.set_column(c, c, widths.get(col, 11))
    ws.set_column(n0, n0 + len(years) - 1, 24)


def _kv_rows(plan: Plan, text: Text) -> list[tuple[str, Any, Format | str | None]]:
    """The key figures as (label, value, number format) rows."""
    k = key_figures(plan)
    solver = k["solver"]
    reached = k["gas_free_year_reached"]
    rows: list[tuple[str, Any, Format | str | None]] = [
        (text["blocks_total"], k["blocks"], "int"),
        (text["dwellings_total"], k["dwellings"], "int"),
        (text["deadline"], k["deadline"], "int"),
        (text["gas_free_year_reached"], reached if reached is not None else text["not_reached"], "int"),
        (
            text["deadline_met"],
            None if k["deadline_met"] is None else text["yes" if k["deadline_met"] else "no"],
            None,
        ),
    ]
    if k["required_pace_dwellings_per_yr"] is not None:
        rows.append((text["required_pace"], k["required_pace_dwellings_per_yr"], "thousands"))
    if k["earliest_gas_free_year"] is not None:
        rows.append((text["earliest_gas_free_year"], k["earliest_gas_free_year"], "int"))
    rows += [
        (text["cost_total_eur"], k["cost_total_eur"], "thousands"),
        (text["cost_npv_eur"], k["cost_npv_total_eur"], "thousands"),
    ]
    if solver.get("certified") is not None:
        rows.append((text["certified"], text["yes" if solver["certified"] else "no"], None))
    note = proof_note(solver, text)
    if note:
        rows.append(("", note, None))
    if solver:
        rows.append((text["solver"], ", ".join(f"{a}={b}" for a, b in solver.items()), None))
    return rows


def _summary_sheet(wb: Workbook, plan: Plan, text: Text, fmt: _Formats) -> None:
    """Scenario, key figures, cost by item, figures per year, the legend and the scenario text."""
    ws = wb.add_worksheet(text["summary"])
    ds = plan.ds
    ws.write_string(0, 0, f"{text['title']} – {text['scenario']} {plan.scenario_name}", fmt.title)
    r = 2
    about = (("scenario", "scenario_name"), ("created", "created_utc"), ("version", "heatplan_version"),
             ("stock", "stock_source"))  # fmt: skip
    for label, attr in about:
        ws.write_string(r, 0, text[label], fmt.bold)
        ws.write_string(r, 1, str(ds.attrs.get(attr, "")))
        r += 1
    r += 1
    ws.write_string(r, 0, text["key_figures"], fmt.title)
    r += 1
    for label, value, f in _kv_rows(plan, text):
        ws.write_string(r, 0, label, fmt.bold)
        _write_value(ws, r, 1, value, getattr(fmt, f) if isinstance(f, str) else f)
        r += 1
    r = _cost_table(ws, r + 1, plan, text, fmt)
    r = _year_table(ws, r + 1, plan, text, fmt)
    r = _grid_table(ws, r, plan, text, fmt)
    r = _legend(ws, r + 1, text, fmt)
    ws.write_string(r + 1, 0, text["scenario_toml"], fmt.title)
    for i, line in enumerate(str(ds.attrs.get("scenario_toml", "")).splitlines()):
        ws.write_string(r + 2 + i, 0, line, fmt.mono)
    ws.set_column(0, 0, 44)
    ws.set_column(1, 20, 16)


def _cost_table(ws: Worksheet, r: int, plan: Plan, text: Text, fmt: _Formats) -> int:
    """Cost by item: NPV and undiscounted total; returns the next free row."""
    ws.write_string(r, 0, text["cost_by_item"], fmt.title)
    heads = (text["item"], text["cost_npv_eur"], text["cost_total_eur"])
    for c, h in enumerate(heads):
        ws.write_string(r + 1, c, h, fmt.head)
    npv = key_figures(plan)["cost_npv_by_item_eur"]
    totals = cost_by_year(plan.ds).sum(axis=0)
    r += 2
    for item, total in totals.items():
        ws.write_string(r, 0, text.item(str(item)))
        _write_value(ws, r, 1, npv.get(str(item)), fmt.thousands)
        ws.write_number(r, 2, float(total), fmt.thousands)
        r += 1
    ws.write_string(r, 0, "Totaal" if text.lang == "nl" else "Total", fmt.bold)
    _write_value(ws, r, 1, sum(npv.values()) if npv else None, fmt.thousands)
    ws.write_number(r, 2, float(totals.sum()), fmt.thousands)
    return r + 2


def _year_table(ws: Worksheet, r: int, plan: Plan, text: Text, fmt: _Formats) -> int:
    """Per year: dwellings per measure, gas-free share, verification, cost per item; returns the next row."""
    ws.write_string(r, 0, text["per_year"], fmt.title)
    py = per_year(plan.ds)
    cby = cost_by_year(plan.ds)
    cols = list(py.columns)
    heads = [text["year"], *[text[c] for c in cols], *[f"{text.item(i)} [EUR]" for i in cby.columns]]
    for c, h in enumerate(heads):
        ws.write_string(r + 1, c, h, fmt.head)
    r += 2
    for y in py.index:
        ws.write_number(r, 0, int(y), fmt.int)
        for c, col in enumerate(cols, start=1):
            v = py.at[y, col]
            if col == "verified":
                ws.write_string(r, c, text["yes" if bool(v) else "no"])
            else:
                _write_value(ws, r, c, v, fmt.pct if col == "gas_free_share" else fmt.int)
        for c, item in enumerate(cby.columns, start=1 + len(cols)):
            ws.write_number(r, c, float(cby.at[y, item]), fmt.thousands)
        r += 1
    return r + 1


#: The grid table's columns (plan_data.grid_by_year) and their number formats (_Formats attributes).
GRID_COLUMNS = {
    "peak_mw": "one", "station_loading_max_pct": "one", "vm_min_pu": "pu", "reinforced_stations": "int",
    "reinforced_feeders": "int", "reinforcement_cost_eur": "thousands",
}  # fmt: skip


def _grid_cell(col: str, v: float) -> float | int:
    """A count as a whole number, anything else as it is (NaN: a blank cell)."""
    return int(v) if GRID_COLUMNS[col] == "int" and v == v else v


def _grid_table(ws: Worksheet, r: int, plan: Plan, text: Text, fmt: _Formats) -> int:
    """Per year the grid's peak, highest station loading, lowest voltage and reinforcements (with a total).

    Nothing (``r`` returned) when the plan has no grid check; the reinforcement columns only when it
    plans reinforcements. Returns the next free row.
    """
    g = grid_by_year(plan.ds)
    if g is None:
        return r
    cols = [c for c in GRID_COLUMNS if c in g]
    ws.write_string(r, 0, text["grid_per_year"], fmt.title)
    for c, h in enumerate([text["year"], *[text[f"x_{col}"] for col in cols]]):
        ws.write_string(r + 1, c, h, fmt.head)
    r += 2
    for y, row in g.iterrows():
        ws.write_number(r, 0, int(str(y)), fmt.int)
        for c, col in enumerate(cols, start=1):
            _write_value(ws, r, c, _grid_cell(col, float(row[col])), getattr(fmt, GRID_COLUMNS[col]))
        r += 1
    if "reinforced_stations" in g:
        ws.write_string(r, 0, text["total"], fmt.bold)
        for c, col in enumerate(cols, start=1):
            if col.startswith("reinforce"):
                _write_value(ws, r, c, _grid_cell(col, float(g[col].sum())), getattr(fmt, GRID_COLUMNS[col]))
        r += 1
    return r + 1


def _legend(ws: Worksheet, r: int, text: Text, fmt: _Formats) -> int:
    """The measures and their colours, the units; returns the next free row."""
    ws.write_string(r, 0, text["legend"], fmt.title)
    ws.write_string(r + 1, 0, text["legend_years"])
    r += 2
    for key in MEASURE_COLOURS:
        ws.write_string(r, 0, text[key], fmt.measure[key])
        r += 1
    ws.write_string(r, 0, text["legend_empty"])
    r += 1
    for key in ("o_mt", "o_lt", "o_hp", "o_"):
        ws.write_string(r, 0, f'{text["c_option"]} "{key[2:]}"')
        ws.write_string(r, 1, text[key])
        r += 1
    return r


def write_excel(plan: Plan, path: Path, lang: str = "nl") -> Path:
    """Write the workbook to ``path`` (a temporary path is fine: the format is not taken from the name)."""
    text = Text(lang)
    blocks = block_frame(plan.ds)
    meas = measures(blocks, plan.years, text)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    try:
        fmt = _Formats(wb)
        _summary_sheet(wb, plan, text, fmt)
        owners = sorted(blocks["owner"].unique(), key=str.casefold)
        reserved = (text["summary"], *actor_sheet_titles(plan.ds, text), *sheet_titles(plan.ds, text))
        names = sheet_names(owners, reserved, text)
        money = (block_money(plan.ds), owner_block_headers(plan.ds, text)) if has_actors(plan.ds) else None
        for owner in owners:
            sel = blocks["owner"] == owner
            _owner_sheet(wb, names[owner], blocks[sel], meas[sel], text, fmt, money)
        write_actor_sheet(wb, plan.ds, text, fmt)
        write_national_sheets(wb, plan.ds, text, fmt)
    finally:
        wb.close()
    return path
