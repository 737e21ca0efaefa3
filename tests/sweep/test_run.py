"""A sweep on a local Dask cluster: results, resumability, a failing scenario, the combined NetCDF."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import xarray as xr

from heatplan.batch.sweep import run_sweep
from heatplan.errors import InputError

GRID = """
[grid]
override_sets = [""]
[grid.parameters]
"capacity.switch_dwellings_per_yr" = [2400.0, 300.0]
"""

FAILING = """
[grid]
[grid.parameters]
"capacity.switch_dwellings_per_yr" = [2400.0]
"pins" = [[], [{ block_id = "ZW-2545EJ-01", year = 2030, name = "calendar" },
                { block_id = "ZW-2545EJ-01", forbid_years = [2030], name = "tenants" }]]
"""


def summary(out: Path, name: str) -> dict[str, Any]:
    return json.loads((out / "scenarios" / name / "summary.json").read_text(encoding="utf-8"))


def test_sweep_resumes_and_combines(tmp_path: Path, client: Any, scenario_file: Path, small_stock_csv: Path):
    grid = tmp_path / "grid.toml"
    grid.write_text(GRID, encoding="utf-8")
    out = tmp_path / "sweep"
    first = run_sweep(str(scenario_file), grid, out, small_stock_csv, client=client)
    names = [v.name for v in first.variations]
    assert sorted(first.ran) == sorted(names) and not first.failed and first.exit_status == 0
    fast, slow = names
    for n in names:  # every scenario is a full plan folder (plan files and reports)
        assert {"plan.nc", "schedule.csv", "summary.json", "report.html", "schedule.xlsx"} <= {
            p.name for p in (out / "scenarios" / n).iterdir()
        }
        # each plan's HiGHS single-threaded (two plans side by side do not fight over the cores)
        assert "threads = 1" in (out / "scenarios" / n / "scenario.toml").read_text(encoding="utf-8")
    s_fast, s_slow = summary(out, fast), summary(out, slow)
    # the switching limit holds in every year of each scenario
    assert max(s_slow["switched_dwellings_by_year"].values()) <= 300
    assert max(s_fast["switched_dwellings_by_year"].values()) > 300  # 2400 lets it go faster
    kept = (out / "scenarios" / fast / "summary.json").stat().st_mtime_ns
    shutil.rmtree(out / "scenarios" / slow)
    second = run_sweep(str(scenario_file), grid, out, small_stock_csv, client=client)
    assert second.ran == [slow] and second.skipped == [fast]
    assert (out / "scenarios" / fast / "summary.json").stat().st_mtime_ns == kept
    assert summary(out, slow)["cost_npv_eur"] == s_slow["cost_npv_eur"]  # recomputed, same plan
    # combined outputs: a scenario dimension, figures equal to each scenario's summary
    with xr.open_dataset(out / "sweep.nc", engine="h5netcdf") as ds:
        assert ds.sizes["scenario"] == 2 and list(ds["scenario"].values) == names
        assert ds["cost_npv_eur_total"].sel(scenario=slow) == s_slow["cost_npv_eur"]["total"]
        sw = ds["switched_dwellings"].sel(scenario=fast).to_series()
        assert {str(k): int(v) for k, v in sw.items()} == s_fast["switched_dwellings_by_year"]
        assert ds["param:capacity.switch_dwellings_per_yr"].values.tolist() == [2400.0, 300.0]
        assert "switch_dwellings_per_yr = 300.0" in str(ds["scenario_toml"].sel(scenario=slow).values)
        assert ds["cost_eur_by_year"].dims == ("scenario", "year", "item")
    table = pd.read_csv(out / "comparison.csv", index_col="figure")
    assert list(table.columns) == names
    assert float(table.loc["cost_npv_eur_total", slow]) == s_slow["cost_npv_eur"]["total"]


def test_failing_scenario_is_recorded_and_the_others_finish(
    tmp_path: Path, client: Any, scenario_file: Path, small_stock_csv: Path
):
    grid = tmp_path / "grid.toml"
    grid.write_text(FAILING, encoding="utf-8")
    out = tmp_path / "sweep"
    res = run_sweep(str(scenario_file), grid, out, small_stock_csv, client=client)
    good, bad = (v.name for v in res.variations)
    assert res.ran == [good] and list(res.failed) == [bad] and res.exit_status == 1
    assert "cannot all hold" in (out / "failed" / f"{bad}.txt").read_text(encoding="utf-8")
    assert not (out / "scenarios" / bad).exists()  # nothing half-written
    assert not list((out / "scenarios").glob(".*"))
    with xr.open_dataset(out / "sweep.nc", engine="h5netcdf") as ds:
        assert list(ds["scenario"].values) == [good]


def test_a_wrong_stock_is_one_error_before_any_output(tmp_path: Path, scenario_file: Path) -> None:
    grid = tmp_path / "grid.toml"
    grid.write_text(GRID, encoding="utf-8")
    stock = tmp_path / "stock.csv"
    stock.write_text("block_id,foo\nx,1\n", encoding="utf-8")
    out = tmp_path / "sweep"
    with pytest.raises(InputError, match=r"stock\.csv"):
        run_sweep(str(scenario_file), grid, out, stock)
    assert not out.exists()
