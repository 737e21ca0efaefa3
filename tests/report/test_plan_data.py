"""Reading plan.nc and the tables the report files share."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from heatplan.errors import InputError
from heatplan.networks.results import to_netcdf_ready
from heatplan.report.plan_data import (
    block_frame,
    group_table,
    key_figures,
    load_plan,
    measures,
    schedule_frame,
)
from heatplan.report.text import Text
from tests.report.plan_factory import DEADLINE, YEARS, make_plan_dataset, schedule_table, write_plan_dir


def test_schedule_frame_equals_the_table_it_came_from(tmp_path):
    out, df = write_plan_dir(tmp_path)
    got = schedule_frame(load_plan(out).ds)
    want = df[list(got.columns)].copy()
    want["cost_eur"] = want["cost_eur"].round(2)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert str(got["connection_year"].dtype) == "Int64"
    # what schedule_frame writes is what schedule.csv holds
    got.to_csv(tmp_path / "again.csv", index=False)
    assert (tmp_path / "again.csv").read_text() == (out / "schedule.csv").read_text()


def test_reads_files_written_with_int8_booleans_and_fixed_strings(tmp_path):
    ds, _ = make_plan_dataset()
    to_netcdf_ready(ds).to_netcdf(tmp_path / "plan.nc")
    plan = load_plan(tmp_path)
    b = block_frame(plan.ds)
    assert b["verified_ok"].dtype == bool and not b.set_index("block_id").loc["B06", "verified_ok"]
    assert b["option"].tolist() == schedule_table()["option"].tolist()


def test_measures_per_year():
    df = schedule_table()
    m = measures(df, YEARS, Text("en")).set_axis(df["block_id"])
    assert m.loc["B05", 2029] == "insulation" and m.loc["B05", 2030] == "induction, connection LT"
    assert m.loc["B03", 2029] == "demolition"
    cols = ("insulation_year", "induction_year", "connection_year", "demolition_year", "new_build_year")
    distinct_years = [len({int(df.at[i, c]) for c in cols if not pd.isna(df.at[i, c])}) for i in df.index]
    assert (m != "").sum().sum() == sum(distinct_years)


def test_group_table_by_wijk(tmp_path):
    out, _ = write_plan_dir(tmp_path)
    plan = load_plan(out)
    blocks = block_frame(plan.ds)
    g = group_table(blocks, "wijk_code", DEADLINE)
    r = g.loc["WK051836"]  # B07 (80) is a new build; B08 (8) and B11 (36) are gas-free only in 2032
    assert (r["blocks"], r["dwellings_today"], r["new_build_dwellings"]) == (5, 76, 80)
    assert r["gas_free_by_deadline"] == 12 + 20 and r["gas_free_share"] == pytest.approx(32 / 76)
    assert r["mean_switch_year"] == pytest.approx((8 * 2032 + 12 * 2029 + 20 * 2031 + 36 * 2032) / 76)
    r = g.loc["WK051834"]  # B03 is demolished in 2029: off gas, never switches
    assert (r["blocks"], r["dwellings_today"], r["gas_free_by_deadline"]) == (4, 136, 136)
    assert r["mean_switch_year"] == pytest.approx((40 * 2026 + 56 * 2030 + 16 * 2031) / 112)
    # over all groups, the share equals the plan's gas-free share in every year
    for year in YEARS:
        g = group_table(blocks, "owner", year)
        share = g["gas_free_by_deadline"].sum() / g["dwellings_today"].sum()
        assert share == pytest.approx(float(plan.ds["gas_free_share"].sel(year=year)))


def test_dwellings_never_on_gas_count_as_gas_free(tmp_path):
    ds, _ = make_plan_dataset()
    i = list(ds["block"].values).index("B04")
    for v in ("insulation_year", "induction_year", "connection_year", "gas_free_year"):
        ds[v][i] = np.nan  # B04 already on district heating with induction: nothing to do
    ds["gas_m3"][i, :] = 0.0
    ds["option"][i] = "mt"
    ds.to_netcdf(tmp_path / "plan.nc")
    g = group_table(block_frame(load_plan(tmp_path).ds), "owner", 2026)
    assert g.loc["HaagWonen", "gas_free_by_deadline"] == 40


def test_key_figures_without_summary_json(tmp_path):
    ds, _ = make_plan_dataset()
    del ds.attrs["summary_json"]
    ds.to_netcdf(tmp_path / "plan.nc")
    plan = load_plan(tmp_path)
    k = key_figures(plan)
    assert plan.deadline == DEADLINE  # from scenario_toml
    assert k["gas_free_year_reached"] == 2032 and k["deadline_met"] is False
    assert k["cost_npv_total_eur"] == pytest.approx(float(ds["cost_npv_eur"].sum()))
    assert k["dwellings"] == int(ds["dwellings"].sum())


def test_wrong_dimensions_are_reported(tmp_path):
    ds, _ = make_plan_dataset()
    ds["gas_free_share"] = ("regime", np.array([0.1, 0.2]))
    ds.to_netcdf(tmp_path / "plan.nc")
    with pytest.raises(
        InputError, match=r"'gas_free_share' has dimensions \('regime',\), expected \('year',\)"
    ):
        load_plan(tmp_path)


def test_unknown_language():
    with pytest.raises(InputError, match="language 'de'"):
        Text("de")


def test_plan_without_blocks_or_pipes(tmp_path):
    """An empty plan still gives a workbook (summary only), a page and empty layers."""
    openpyxl = pytest.importorskip("openpyxl")
    pyogrio = pytest.importorskip("pyogrio")
    from heatplan.report import write_reports

    ds, _ = make_plan_dataset()
    ds.isel(block=[], pipe=[]).to_netcdf(tmp_path / "plan.nc")
    write_reports(tmp_path, lang="en")
    assert openpyxl.load_workbook(tmp_path / "schedule.xlsx").sheetnames == ["Summary"]
    counts = {
        n: pyogrio.read_info(tmp_path / "blocks.gpkg", layer=n)["features"]
        for n in ("blocks", "pipes", "sources")
    }
    assert counts == {"blocks": 0, "pipes": 0, "sources": 2}
    assert 'id="map"' in (tmp_path / "report.html").read_text(encoding="utf-8")
