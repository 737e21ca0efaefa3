"""The electricity grid under every planned year: each year's load is the blocks' by hand."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from heatplan.buildings.demand import block_demand, source_peak_kw
from heatplan.buildings.stock import load_stock
from heatplan.economics.options import at_label
from heatplan.scenario.figures import figures


def test_each_years_peak_is_the_dwellings_base_plus_what_the_plan_adds(
    small_plan_dir: Path, small_stock: Path
) -> None:
    s = json.loads((small_plan_dir / "summary.json").read_text())
    g = s["grid_check"]
    assert g["stations"] >= 1 and g["fed_back"] is True and g["source"] == "synthetic"
    assert set(g["by_year"]) == {str(y) for y in s["verified_years"]}
    stock = load_stock(small_stock)  # 30 existing blocks, none demolished, no new builds
    sched = pd.read_csv(small_plan_dir / "schedule.csv").set_index("block_id").reindex(stock["block_id"])
    f = figures()
    n = stock["dwellings"].to_numpy(float)
    hp_today = (stock["heating"] == "heat_pump").to_numpy()
    e = f.economics.grid
    base = (
        n
        * e.simultaneity
        * np.where(hp_today, e.heat_pump_peak_kw_per_dwelling, e.appliances_peak_kw_per_dwelling)
    )
    induction = n * f.induction.peak_kw_per_dwelling * f.peak.simultaneity_hot_water  # 3.6 kW x 0.1
    heat_pump = n * e.simultaneity * (e.heat_pump_peak_kw_per_dwelling - e.appliances_peak_kw_per_dwelling)
    hw = block_demand(stock)["hot_water_peak_undiversified_kw"].to_numpy()
    booster = f.peak.simultaneity_hot_water * hw / f.heat_pump.seasonal_cop
    # the MT network's pumps draw at the source: its share of the source's peak at label B, times
    # Vesta's pump electricity per unit of heat
    pump = source_peak_kw(stock, at_label(stock, "B"), "mt") * f.economics.network_heat.pump_gje_per_gj
    # electric cars: 0 kW per dwelling in 2026 to 0.3 kW in 2040 (the scenario's default path)
    growth = {y: 0.3 * (y - 2026) / 14 for y in range(2026, 2041)}
    opt = sched["option"].to_numpy(object)
    with xr.open_dataset(small_plan_dir / "plan.nc", engine="h5netcdf") as ds:
        peak_mw = ds["grid_peak_mw"].to_series()
        load = ds["grid_station_loading_pct"].load()
    for y, row in g["by_year"].items():
        year = int(y)
        on = sched["connection_year"].to_numpy(float) <= year
        kw = base.sum() + (induction * (sched["induction_year"].to_numpy(float) <= year)).sum()
        kw += (heat_pump * ((opt == "hp") & on)).sum() + (booster * ((opt == "lt") & on)).sum()
        kw += (pump * ((opt == "mt") & on)).sum() + n.sum() * growth[year]
        assert peak_mw[year] * 1000 == pytest.approx(kw, rel=1e-9)
        assert row["peak_mw"] == round(peak_mw[year], 2)
        assert row["converged"] and row["vm_min_pu"] > 0.9 and row["stations_over"] == 0
    # plan.nc carries every station's loading per year; the summary's highest is its maximum
    last = max(g["by_year"], key=int)
    highest = float(load.sel(year=int(last)).max())
    assert highest == pytest.approx(g["by_year"][last]["station_loading_max_pct"], abs=0.05)
    assert load.sizes["grid_station"] == g["stations"]


def test_blocks_gpkg_has_the_grid_layers(small_plan_dir: Path) -> None:
    gpd = pytest.importorskip("geopandas")
    pyogrio = pytest.importorskip("pyogrio")
    path = small_plan_dir / "blocks.gpkg"
    layers = dict(pyogrio.list_layers(path))
    assert layers["grid_stations"] == "Point" and layers["grid_cables"] == "LineString"
    st = gpd.read_file(path, layer="grid_stations")
    cables = gpd.read_file(path, layer="grid_cables")
    s = json.loads((small_plan_dir / "summary.json").read_text())
    assert len(st) == s["grid_check"]["stations"] and st.crs.to_epsg() == 28992
    last = max(s["grid_check"]["by_year"], key=int)
    assert st[f"loading_{last}_pct"].max() == pytest.approx(
        s["grid_check"]["by_year"][last]["station_loading_max_pct"], abs=0.05
    )
    assert (st["kva"].isin([250.0, 400.0, 630.0]) | (st["kva"] % 630 == 0)).all()
    # a cable's length is its route: the straight line between its ends times the detour (1.25),
    # at least 1 m
    straight = cables.geometry.length.to_numpy()
    assert cables["length_m"].to_numpy() == pytest.approx(np.maximum(straight, 1.0) * 1.25, rel=1e-6)
    assert (cables["loading_max_pct"] <= 100.0).all() and (cables["parallel"] >= 1).all()
    # the cables' highest loading over the years is the highest of the summary's per-year figures
    per_year = max(r["cable_loading_max_pct"] for r in s["grid_check"]["by_year"].values())
    assert cables["loading_max_pct"].max() == pytest.approx(per_year, abs=0.05)
    with xr.open_dataset(small_plan_dir / "plan.nc", engine="h5netcdf") as ds:
        assert ds["grid_cable_loading_max_pct"].dims == ("year",)


def test_the_report_charts_the_peak_against_the_stations_rating(small_plan_dir: Path) -> None:
    import re

    page = (small_plan_dir / "report.html").read_text(encoding="utf-8")
    svg = re.search(r'<svg id="chart-grid".*?</svg>', page, re.S)
    assert svg is not None
    s = json.loads((small_plan_dir / "summary.json").read_text())
    with xr.open_dataset(small_plan_dir / "plan.nc", engine="h5netcdf") as ds:
        rating_mw = float(ds["grid_station_kva"].sum()) / 1000
    assert "vermogen MS/LS-stations" in svg.group(0)
    assert rating_mw > max(r["peak_mw"] for r in s["grid_check"]["by_year"].values())
    # one bar per checked year, its tooltip the year and the peak (MW, one decimal, Dutch comma)
    tips = re.findall(r'<rect class="bar"[^>]*><title>piek (\d{4}): ([\d.,]+)</title>', svg.group(0))
    by_year = s["grid_check"]["by_year"]
    assert [int(y) for y, _ in tips] == sorted(int(y) for y in by_year)
    for y, v in tips:
        assert float(v.replace(".", "").replace(",", ".")) == pytest.approx(by_year[y]["peak_mw"], abs=0.051)
