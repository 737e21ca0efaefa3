"""schedule.xlsx: one sheet per owner plus a summary; cell-for-cell equal to schedule.csv."""

from __future__ import annotations

import re

import openpyxl
import pytest
import xarray as xr

from heatplan.report.excel import OWNER_COLUMNS, sheet_names
from heatplan.report.text import Text
from tests.report.conftest import read_csv_rows
from tests.report.plan_factory import LONG_OWNER, OWNERS, YEARS

_NUMERIC = {"dwellings", "insulation_year", "induction_year", "connection_year", "gas_free_year", "cost_eur"}


def _owner_rows(wb: openpyxl.Workbook) -> dict[str, tuple[str, dict[str, object]]]:
    """block_id -> (sheet, {column: cell value}) over every owner sheet."""
    out: dict[str, tuple[str, dict[str, object]]] = {}
    for ws in wb.worksheets[1:]:
        rows = list(ws.iter_rows(values_only=True))
        for row in rows[1:]:
            rec = dict(zip(OWNER_COLUMNS, row, strict=False))
            assert rec["block_id"] not in out, "a block appears on two sheets"
            out[str(rec["block_id"])] = (ws.title, {**rec, "_years": row[len(OWNER_COLUMNS) :]})
    return out


def test_sheets_one_per_owner_plus_summary(plan_dir):
    wb = openpyxl.load_workbook(plan_dir / "schedule.xlsx")
    assert wb.sheetnames[0] == "Samenvatting"
    assert len(wb.sheetnames) == 1 + len(OWNERS)
    for name in wb.sheetnames:
        assert len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name)
    owners_on_sheets = {
        ws.title: {r[4] for r in list(ws.iter_rows(values_only=True))[1:]} for ws in wb.worksheets[1:]
    }
    assert sorted(o for s in owners_on_sheets.values() for o in s) == sorted(OWNERS)
    assert all(len(s) == 1 for s in owners_on_sheets.values())


def test_cells_equal_schedule_csv(plan_dir):
    csv_rows = read_csv_rows(plan_dir / "schedule.csv")
    xl = _owner_rows(openpyxl.load_workbook(plan_dir / "schedule.xlsx"))
    assert sorted(xl) == sorted(r["block_id"] for r in csv_rows)
    n_cells = 0
    for r in csv_rows:
        sheet, cells = xl[r["block_id"]]
        for col, text in r.items():
            v = cells[col]
            if text == "":
                assert v is None, (sheet, r["block_id"], col, v)
            elif col in _NUMERIC:
                assert isinstance(v, int | float) and float(v) == float(text), (
                    sheet,
                    r["block_id"],
                    col,
                    v,
                    text,
                )
                if col != "cost_eur":
                    assert isinstance(v, int)
            else:
                assert v == text, (sheet, r["block_id"], col, v, text)
            n_cells += 1
    assert n_cells == 12 * 13


def test_year_columns_hold_the_measures(plan_dir):
    wb = openpyxl.load_workbook(plan_dir / "schedule.xlsx")
    header = next(wb.worksheets[1].iter_rows(values_only=True))
    assert list(header[len(OWNER_COLUMNS) :]) == YEARS
    xl = _owner_rows(wb)
    by_year = {b: dict(zip(YEARS, c["_years"], strict=True)) for b, (_, c) in xl.items()}
    assert by_year["B00"][2026] == "isolatie, inductie"
    assert by_year["B00"][2027] == "aansluiting MT"
    assert by_year["B03"][2029] == "sloop"
    assert by_year["B07"][2028] == "nieuwbouw, aansluiting LT"
    assert by_year["B08"][2032] == "warmtepomp"
    assert by_year["B09"][2029] == "isolatie, inductie, aansluiting MT"
    assert by_year["B04"][2026] == "inductie, aansluiting MT"  # already label B: no insulation
    assert sum(v is not None for v in by_year["B00"].values()) == 2


def test_frozen_header_filter_units(plan_dir):
    wb = openpyxl.load_workbook(plan_dir / "schedule.xlsx")
    for ws in wb.worksheets[1:]:
        assert ws.freeze_panes == "B2"
        n = ws.max_row
        assert (
            ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(OWNER_COLUMNS) + len(YEARS))}{n}"
        )
        header = next(ws.iter_rows(values_only=True))
        assert "Woningen [aantal]" in header and "Kosten [EUR, niet verdisconteerd]" in header
        assert "Aansluiting [jaar]" in header


def test_summary_figures(plan_dir):
    ds = xr.open_dataset(plan_dir / "plan.nc").load()
    ws = openpyxl.load_workbook(plan_dir / "schedule.xlsx")["Samenvatting"]
    rows = [r for r in ws.iter_rows(values_only=True) if r[0] is not None]
    kv = {r[0]: r[1] for r in rows}
    assert kv["Woningen in het plan"] == int(ds["dwellings"].sum())
    assert kv["Streefjaar aardgasvrij"] == 2031
    assert kv["Streefjaar gehaald"] == "nee"
    assert kv["Schema bewezen optimaal (binnen de gevraagde gap)"] == "nee"
    note = next(r[1] for r in ws.iter_rows(values_only=True) if str(r[1]).startswith("Het schema is niet"))
    assert "gap 113 % (gevraagd 1,00 %), een tijdslimiet stopte de oplosser" in note
    assert kv["Totale kosten [EUR, niet verdisconteerd]"] == pytest.approx(
        float(ds["cost_eur"].sum()), rel=1e-12
    )
    total_row = next(r for r in rows if r[0] == "Totaal")
    assert total_row[2] == pytest.approx(float(ds["cost_eur_by_year"].sum()), rel=1e-12)
    assert total_row[1] == pytest.approx(float(ds["cost_npv_eur"].sum()), rel=1e-12)
    item_rows = {
        r[0]: r for r in rows if r[0] in ("isolatie", "warmtenet", "CO2") and isinstance(r[2], float)
    }
    assert item_rows["warmtenet"][2] == pytest.approx(float(ds["cost_eur_by_year"].sel(item="network").sum()))
    year_rows = {r[0]: r for r in rows if isinstance(r[0], int) and 2026 <= r[0] <= 2032}
    assert [year_rows[y][1] for y in YEARS] == [int(v) for v in ds["switched_dwellings"].values]
    assert year_rows[2032][4] == pytest.approx(1.0)
    assert "Legenda" in kv and "sloop" in kv


def test_english_workbook(plan_dir_en):
    wb = openpyxl.load_workbook(plan_dir_en / "schedule.xlsx")
    assert wb.sheetnames[0] == "Summary"
    header = next(wb.worksheets[1].iter_rows(values_only=True))
    assert "Dwellings [count]" in header and "Cost [EUR, undiscounted]" in header
    xl = _owner_rows(wb)
    assert dict(zip(YEARS, xl["B00"][1]["_years"], strict=True))[2027] == "connection MT"


def test_sheet_names_follow_excel_rules():
    t = Text("nl")
    owners = [
        "a" * 40,
        "a" * 35,
        "Samenvatting",
        "samenvatting",
        "x/y",
        "X_Y",
        "'quoted'",
        "",
        LONG_OWNER,
        "history",
    ]
    names = sheet_names(owners, ("Samenvatting",), t)
    vals = list(names.values())
    assert len({v.casefold() for v in vals}) == len(vals) == len(owners)
    assert names["Samenvatting"].casefold() != "samenvatting"
    for v in vals:
        assert 0 < len(v) <= 31
        assert not re.search(r"[\[\]:*?/\\]", v)
        assert not v.startswith("'") and not v.endswith("'")
    assert names["x/y"] == "x_y" and names["X_Y"] == "X_Y (2)"
    assert names[""] == "(onbekend)"
    assert names["history"] == "history (2)"
