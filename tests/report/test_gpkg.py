"""blocks.gpkg: three layers in EPSG:28992, one blocks row per block, attributes from the schedule."""

from __future__ import annotations

import numpy as np
import pytest

from tests.report.conftest import read_csv_rows
from tests.report.plan_factory import make_plan_dataset

gpd = pytest.importorskip("geopandas")
pyogrio = pytest.importorskip("pyogrio")


def test_layers_crs_and_counts(plan_dir):
    path = plan_dir / "blocks.gpkg"
    info = {name: geom for name, geom in pyogrio.list_layers(path)}
    assert info == {"blocks": "Point", "pipes": "LineString", "sources": "Point"}
    ds, _ = make_plan_dataset()
    counts = {"blocks": ds.sizes["block"], "pipes": ds.sizes["pipe"], "sources": ds.sizes["source"]}
    for layer, n in counts.items():
        g = gpd.read_file(path, layer=layer)
        assert g.crs is not None and g.crs.to_epsg() == 28992
        assert len(g) == n


def test_block_attributes_and_geometry(plan_dir):
    g = gpd.read_file(plan_dir / "blocks.gpkg", layer="blocks").set_index("block_id")
    csv_rows = read_csv_rows(plan_dir / "schedule.csv")
    ds, _ = make_plan_dataset()
    for r in csv_rows:
        row = g.loc[r["block_id"]]
        for col in ("connection_year", "insulation_year", "gas_free_year"):
            if r[col] == "":
                assert np.isnan(row[col])
            else:
                assert row[col] == int(r[col])
        assert row["dwellings"] == int(r["dwellings"])
        assert row["cost_eur"] == float(r["cost_eur"])
        assert row["owner"] == r["owner"] and row["option"] == r["option"]
        x = float(ds["x_rd"].sel(block=r["block_id"]))
        assert (row.geometry.x, row.geometry.y) == (x, float(ds["y_rd"].sel(block=r["block_id"])))
    assert not bool(g.loc["B06", "verified_ok"]) and "63.1" in g.loc["B06", "fail_reason"]
    assert g.loc["B03", "demolition_year"] == 2029 and g.loc["B07", "new_build_year"] == 2028


def test_pipes_and_sources(plan_dir):
    p = gpd.read_file(plan_dir / "blocks.gpkg", layer="pipes").set_index("pipe_id")
    assert (
        p.loc["mt:e0", "dn"] == 200
        and p.loc["mt:e0", "regime"] == "mt"
        and p.loc["mt:e0", "build_year"] == 2026
    )
    assert np.isnan(p.loc["lt:e3", "build_year"])  # never built
    assert list(p.loc["mt:e0"].geometry.coords) == [(77300.0, 451800.0), (77480.0, 452000.0)]
    assert p.loc["mt:e0", "length_m"] == 270.0
    s = gpd.read_file(plan_dir / "blocks.gpkg", layer="sources").set_index("source_id")
    assert s.loc["S2", "name"] == "WKO Moerwijk" and s.loc["S2", "regime"] == "lt"
    assert (s.loc["S1"].geometry.x, s.loc["S1"].geometry.y) == (77250.0, 451750.0)
