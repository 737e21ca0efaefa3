"""National-cost outputs: the workbook's sheets, the typical-blocks chart, electricity by hand."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xarray as xr

from heatplan.report.national import group_of, typical_blocks


def _ds(plan_dir: Path) -> xr.Dataset:
    with xr.open_dataset(plan_dir / "plan.nc", engine="h5netcdf") as ds:
        return ds.load()


def _rows(path: Path, sheet: str) -> list[tuple]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = [list(r) for r in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()
    for r in rows:  # read-only sheets pad every row to the widest
        while r and r[-1] is None:
            r.pop()
    return [tuple(r) for r in rows]


def test_workbook_national_cost_sheet_sums_equal_the_summary(small_plan_dir: Path):
    nat = json.loads((small_plan_dir / "summary.json").read_text())["national_cost"]
    by_year = nat["national_cost_eur_by_year"]
    rows = _rows(small_plan_dir / "schedule.xlsx", "Nationale kosten")
    head = rows[1]
    total_col = head.index("Totaal [EUR]")
    body = [r for r in rows[2:] if isinstance(r[0], int | float)]
    assert [int(r[0]) for r in body] == [int(y) for y in by_year]
    for r in body:
        items = by_year[str(int(r[0]))]  # rounded to whole euros, zero items left out
        assert r[total_col] == pytest.approx(sum(items.values()), abs=0.5 * len(items) + 1e-6)
        assert sum(v for v in r[1:total_col]) == pytest.approx(r[total_col], rel=1e-12)
    last = rows[2 + len(body)]
    assert last[0] == "Totaal"
    grand = sum(sum(v.values()) for v in by_year.values())
    assert last[total_col] == pytest.approx(grand, abs=0.5 * sum(map(len, by_year.values())))
    assert grand > 0


def test_typical_block_bars_are_its_option_costs_rows(small_plan_dir: Path):
    """The chart's bars for a typical block = option_costs.csv's rows of that block per dwelling."""
    from heatplan.report.html_national import typical_chart_data

    ds = _ds(small_plan_dir)
    csv = pd.read_csv(small_plan_dir / "option_costs.csv", keep_default_na=False)
    typ, per_group = typical_chart_data(ds)
    assert len(typ) >= 2
    stock = pd.DataFrame({"block_id": ds["block"].values, "dwellings": ds["dwellings"].values})
    dw = stock.set_index("block_id")["dwellings"]
    for r in typ.itertuples():
        rows = csv[csv["block_id"] == r.block_id].assign(group=lambda d: d["item"].map(group_of))
        want = rows.groupby(["option", "group"])["npv_eur"].sum().unstack(fill_value=0.0) / dw[r.block_id]
        got = per_group[r.block_id].dropna(how="all")
        assert set(got.index) == set(want.index)  # the allowed options and the reference
        for o in want.index:
            for g in got.columns:
                expected = want.at[o, g] if g in want.columns else 0.0
                assert got.at[o, g] == pytest.approx(expected, abs=0.01)  # the CSV has whole cents
        # the chosen option is the plan's, and the block is its group's median by that option's cost
        assert rows.loc[rows["chosen"].astype(str) == "True", "option"].unique().tolist() == [r.option]
    first = typ.iloc[0]
    chosen = csv[csv["chosen"].astype(str) == "True"].groupby("block_id")["npv_eur"].sum()
    t = pd.DataFrame({"dwellings": dw, "type": ds["dwelling_type"].values, "label": ds["label_now"].values})
    group = t[(t["type"] == first.dwelling_type) & (t["label"] == first.label_now)].join(chosen, how="inner")
    per_dw = (group["npv_eur"] / group["dwellings"]).sort_values()
    assert per_dw.index[(len(per_dw) - 1) // 2] == first.block_id
    sizes = t.join(chosen, how="inner").groupby(["type", "label"])["dwellings"].sum()
    assert first.group_dwellings == sizes.max()


def test_typical_chart_in_the_report(small_plan_dir: Path):
    page = (small_plan_dir / "report.html").read_text(encoding="utf-8")
    svg = re.search(r'<svg id="chart-typical".*?</svg>', page, re.S)
    assert svg is not None
    typ = typical_blocks(_ds(small_plan_dir))
    # one bar label per option and the reference in every group, the chosen one starred
    assert svg.group(0).count(">ref<") == len(typ)
    assert svg.group(0).count("*<") == len(typ)
    assert "EUR/woning (contante waarde 2026 t/m 2070)" in svg.group(0)
    for section in ("chart-national-cost", "chart-electricity", "Optiemix", "Warmte per net per jaar"):
        assert section in page


def test_option_costs_sheet_is_the_csv_and_splits_at_excels_row_limit(
    small_plan_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import heatplan.report.excel_national as xn
    from heatplan.report import load_plan
    from heatplan.report.excel import write_excel

    csv = pd.read_csv(small_plan_dir / "option_costs.csv", keep_default_na=False)
    rows = _rows(small_plan_dir / "schedule.xlsx", "Optiekosten")
    assert list(rows[0]) == list(csv.columns)
    assert len(rows) - 1 == len(csv) < xn.EXCEL_DATA_ROWS
    sheet = pd.DataFrame(rows[1:], columns=csv.columns).fillna("")
    assert sheet["block_id"].tolist() == csv["block_id"].tolist()
    assert np.allclose(sheet["npv_eur"].astype(float), csv["npv_eur"], atol=0, rtol=0)
    assert sheet["chosen"].astype(str).tolist() == csv["chosen"].astype(str).tolist()
    # a table longer than a sheet continues on numbered sheets, row for row
    monkeypatch.setattr(xn, "EXCEL_DATA_ROWS", 400)
    path = write_excel(load_plan(small_plan_dir), tmp_path / "w.xlsx")
    wb = openpyxl.load_workbook(path, read_only=True)
    names = [n for n in wb.sheetnames if n.startswith("Optiekosten")]
    n = -(-len(csv) // 400)
    assert names == ["Optiekosten", *[f"Optiekosten ({k})" for k in range(2, n + 1)]]
    ids = [r[0] for name in names for r in list(wb[name].iter_rows(values_only=True))[1:]]
    wb.close()
    assert ids == csv["block_id"].tolist()


def test_electricity_and_heat_sheet_equal_plan_nc(small_plan_dir: Path):
    ds = _ds(small_plan_dir)
    rows = _rows(small_plan_dir / "schedule.xlsx", "Warmte en stroom")
    start = next(i for i, r in enumerate(rows) if r and str(r[0]).startswith("Elektriciteitsvraag"))
    head, body = rows[start + 1], rows[start + 2 : start + 2 + ds.sizes["year"]]
    assert head[-1] == "Totaal [MWh]"
    mwh = ds["electricity_mwh"].transpose("year", "electricity_use").values
    assert np.allclose([r[1:-1] for r in body], mwh)
    assert np.allclose([r[-1] for r in body], mwh.sum(axis=1))
    nat = json.loads((small_plan_dir / "summary.json").read_text())["national_cost"]
    last = str(int(ds["year"].values[-1]))
    assert nat["electricity_mwh_by_year"][last]["induction"] == pytest.approx(mwh[-1, -1], abs=0.05)


def test_electricity_of_heat_pumps_boosters_pumps_and_induction_by_hand():
    """Heat pumps: heat / seasonal COP; a network's pumps 2 kWh per GJ; induction 175 kWh per dwelling."""
    from heatplan.buildings.demand import block_demand
    from heatplan.optimisation.national import electricity_by_year
    from heatplan.optimisation.schedule import Schedule
    from tests.optimisation.helpers import instance, make_blocks

    blocks = make_blocks(3, seed=2, label="A", dwelling_type="meergezins: laag en midden")
    inp = instance(blocks=blocks)
    s = Schedule.empty(inp)
    s.option[:] = [2, 1, 0]  # hp, lt, mt
    s.switch_year[:] = [2026, 2027, 2028]
    s.induction_year[:] = [2026, 2027, 2028]
    s.fill_edges(inp)
    el = electricity_by_year(inp, s)
    dem = block_demand(blocks, regime="lt")
    kwh_per_gj = 1e6 / 3600
    # label A: seasonal COP 4.5 for space heat, 1.85 for hot water (defaults.toml [economics.heat_pump])
    hp = (dem["space_heat_gj_per_yr"].iloc[0] / 4.5 + dem["hot_water_gj_per_yr"].iloc[0] / 1.85) * kwh_per_gj
    assert el["heat_pumps"].tolist() == pytest.approx([hp / 1000] * 3, rel=1e-12)
    # LT booster: 30 % of hot water (booster_share_of_hot_water) at SPF 2.1, from 2027
    booster = dem["hot_water_gj_per_yr"].iloc[1] * 0.3 / 2.1 * kwh_per_gj / 1000
    assert el["lt_boosters"].tolist() == pytest.approx([0.0, booster, booster], rel=1e-12)
    # pumps: 0.0072 GJe per GJ put into a network (2 kWh/GJ); collective HP at 55 C: SPF 3.2 - 0.2 * 5/20
    heat_lt = inp.heat_delivered_gj[1, 1]  # the stand-in network loses nothing (no loss in its sizing)
    heat_mt = inp.heat_delivered_gj[2, 0]
    pumps = [0.0, 2.0 * heat_lt / 1000, 2.0 * (heat_lt + heat_mt) / 1000]
    assert el["network_pumps"].tolist() == pytest.approx(pumps, rel=1e-9)
    coll = heat_lt * kwh_per_gj / (3.2 - 0.2 * 5 / 20) / 1000
    assert el["collective_heat_pumps"].tolist() == pytest.approx([0.0, coll, coll], rel=1e-9)
    n = inp.dwellings
    assert el["induction"].tolist() == pytest.approx(
        [175 * n[0] / 1000, 175 * n[:2].sum() / 1000, 175 * n.sum() / 1000], rel=1e-12
    )
